//! ctrail's differ: a pure function from the desired graph and the live state
//! to a plan, an ordered list of actions with attribute-level changes.
//!
//! This crate currently holds the plan's types, so that the renderer and the
//! executor can be written against one serialisable value; the diffing itself
//! is added with `ctrail plan`.

use ctrail_graph::Address;
use serde::Serialize;
use serde_json::Value;

/// What a plan does to one resource.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ActionKind {
    NoOp,
    Create,
    Update,
    /// AWS cannot change it in place (a bucket's region, say).
    Replace,
    /// Only for resources ctrail owns that the spec dropped.
    Delete,
}

/// One attribute that differs, by its path in the desired attributes.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AttributeChange {
    pub path: String,
    pub old: Option<Value>,
    pub new: Option<Value>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Action {
    pub address: Address,
    pub kind: ActionKind,
    pub changes: Vec<AttributeChange>,
    /// Weakens the audit trail (logging stopped, validation or encryption off).
    pub security_relevant: bool,
}

/// An ordered list of actions: each follows everything it depends on.
#[derive(Debug, Clone, PartialEq, Serialize, Default)]
pub struct Plan {
    pub actions: Vec<Action>,
}
