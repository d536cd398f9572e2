//! ctrail's executor: applies a plan in dependency order with bounded
//! concurrency, classified retries, and an exact report of what was done.
//!
//! This crate currently holds the report's types; execution is added with
//! `ctrail apply`.

use ctrail_graph::Address;
use serde::Serialize;

/// How one action ended.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum Outcome {
    Completed { seconds: f64 },
    Failed { error: String },
    NotStarted,
}

/// What an apply did, action by action, in plan order.
#[derive(Debug, Clone, PartialEq, Serialize, Default)]
pub struct Report {
    pub actions: Vec<(Address, Outcome)>,
}
