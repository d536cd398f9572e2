//! `ctrail verify`: proof that the trail works, not that commands ran
//! (seed 000, step 8). `gather` reads the evidence from the account (trail
//! status, the trail seen from other regions, log and digest files in the
//! bucket, log streams in CloudWatch Logs); `checks` judges it, purely, each
//! check pass, pending (delivery takes 5-15 minutes) or fail; `render` shows
//! the verdicts. `report` gathers the setup report, `statements` shows its
//! policies and event selectors one row per statement or selector, and
//! `table` renders those rows as HTML and Markdown.

pub mod checks;
pub mod evidence;
pub mod gather;
pub mod render;
pub mod report;
pub mod statements;
pub mod table;

pub use checks::{Check, Expect, Status, checks, overall};
pub use evidence::{
    AlarmTopic, Delivered, Delivery, Evidence, FilterTest, Reading, RegionView, Seen, TrailStatus,
};
