//! `ctrail check`: the CIS AWS Foundations Benchmark v3.0 controls on
//! CloudTrail and its monitoring, judged before apply on a spec (for a pull
//! request) or on a live account, as the benchmark's audit procedure and the
//! scanners judge them. `facts` (from a spec), `controls` and `render` are
//! pure: facts in, verdicts out, as text, JSON, Markdown or SARIF; `live`
//! reads the facts of an account, read-only.

pub mod controls;
pub mod facts;
pub mod live;
pub mod render;

pub use controls::{Status, Verdict, judge};
pub use facts::{Facts, FilterFacts, Kept, Notifies, Origin, Records, TrailFacts, from_spec};
