//! ctrail's policy model, with no AWS SDK dependency:
//!
//! - `canonical`: one stored form for policy documents (URL-decoding, sorted
//!   string sets, one-element lists unwrapped);
//! - `document`: a document parsed into typed statements;
//! - `meaning`: equality by meaning, as AWS judges it (statement order, sets,
//!   a string and its one-element list, action letter case, an account id
//!   principal and its `:root` ARN);
//! - `eval`: the documented evaluation logic (explicit Deny, then Allow,
//!   otherwise implicit deny) with the wildcard and condition operators these
//!   documents use;
//! - `shared`: the statements ctrail owns (Sid `CTrail...`) in a policy it
//!   shares with others, and that policy with ctrail's statements put in;
//! - `statements`: statement-level differences between two documents, for
//!   plans a reviewer reads.
//!
//! The rules are written down, with sources, in `docs/aws-rules.md`.

pub mod canonical;
mod condition;
pub mod document;
pub mod eval;
mod glob;
pub mod meaning;
mod scalar;
pub mod shared;
pub mod statements;

pub use document::{Condition, Effect, ParseError, Policy, Principals, Statement, StatementError};
pub use eval::{Decision, Principal, Request, evaluate};
