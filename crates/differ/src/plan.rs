//! The plan: a serialisable value, rendered by separate code.

use ctrail_graph::Address;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::security::SecurityNote;

/// What a plan does to one resource.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
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

/// One attribute that differs, by its path in the resource's attributes.
/// `old` is the live value (`None`: absent), `new` the desired one.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AttributeChange {
    pub path: String,
    pub old: Option<Value>,
    pub new: Option<Value>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Action {
    pub address: Address,
    pub kind: ActionKind,
    pub changes: Vec<AttributeChange>,
    /// Changes that strengthen or weaken the audit trail.
    pub security: Vec<SecurityNote>,
    /// Why the action must not be carried out as planned, if it must not.
    pub blocked: Option<String>,
    /// What a reviewer should know that is not a change (an email
    /// subscription waiting for its recipient to confirm, say).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
}

/// Where a plan came from: enough to refuse applying it to anything else.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct PlanHeader {
    pub spec: String,
    /// SHA-256 of the spec file's bytes.
    pub spec_digest: String,
    pub trail: String,
    pub region: String,
    pub account_id: String,
    /// SHA-256 of the canonical live state the plan was made from.
    pub live_fingerprint: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Summary {
    pub add: usize,
    pub change: usize,
    pub replace: usize,
    pub destroy: usize,
    pub unchanged: usize,
}

impl Summary {
    pub fn has_changes(&self) -> bool {
        self.add + self.change + self.replace + self.destroy > 0
    }
}

/// An ordered list of actions: each follows everything it depends on.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct Plan {
    pub format_version: u32,
    pub header: PlanHeader,
    pub actions: Vec<Action>,
    /// Grants AWS would find missing (`preflight`): a plan with any is not
    /// applied.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub preflight: Vec<crate::Finding>,
}

impl Plan {
    pub const FORMAT_VERSION: u32 = 1;

    pub fn new(header: PlanHeader, actions: Vec<Action>) -> Plan {
        Plan {
            format_version: Self::FORMAT_VERSION,
            header,
            actions,
            preflight: Vec::new(),
        }
    }

    pub fn summary(&self) -> Summary {
        let mut s = Summary::default();
        for a in &self.actions {
            match a.kind {
                ActionKind::NoOp => s.unchanged += 1,
                ActionKind::Create => s.add += 1,
                ActionKind::Update => s.change += 1,
                ActionKind::Replace => s.replace += 1,
                ActionKind::Delete => s.destroy += 1,
            }
        }
        s
    }

    /// The actions that change something.
    pub fn changes(&self) -> impl Iterator<Item = &Action> {
        self.actions.iter().filter(|a| a.kind != ActionKind::NoOp)
    }
}
