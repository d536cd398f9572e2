//! The plan: a serialisable value, rendered by separate code.

use crate::Address;
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// What a plan does to one resource.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ActionKind {
    NoOp,
    Create,
    Update,
    /// AWS cannot change it in place (a bucket's region, say).
    Replace,
    /// Only for resources ctrail owns that the spec dropped, or `destroy`.
    Delete,
    /// The resource exists but ctrail did not make it: from this apply on,
    /// ctrail manages it (with any changes listed).
    Adopt,
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
    /// The account the resource lives in (`name (id)`), in a spec that
    /// spans several; `None` in a spec of the caller's account alone.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub account: Option<String>,
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

impl Action {
    /// ` in account NAME (ID)` for a resource of a spec that spans several
    /// accounts; empty otherwise.
    pub fn in_account(&self) -> String {
        in_account(self.account.as_deref())
    }

    /// Why this action must not be carried out, if it must not: the plan
    /// blocked it (replacing or deleting what holds audit logs without the
    /// spec's `allow_destroy`), or it is a replace, which ctrail never does
    /// itself. The one place this is decided; apply and the executor both
    /// ask it.
    pub fn refusal(&self) -> Option<String> {
        if let Some(blocked) = &self.blocked {
            return Some(blocked.clone());
        }
        (self.kind == ActionKind::Replace).then(|| {
            "ctrail does not replace resources (AWS cannot change this one in place); make that change by hand if it is intended".to_owned()
        })
    }
}

/// ` in account NAME (ID)` for `account`; empty for none.
fn in_account(account: Option<&str>) -> String {
    account
        .map(|account| format!(" in account {account}"))
        .unwrap_or_default()
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
    #[serde(default)]
    pub adopt: usize,
    pub unchanged: usize,
}

impl Summary {
    pub fn has_changes(&self) -> bool {
        self.add + self.change + self.replace + self.destroy + self.adopt > 0
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
    pub preflight: Vec<Finding>,
    /// Resources found beside ctrail's that ctrail does not own: never
    /// changed or deleted.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub left_alone: Vec<Address>,
    /// Resources a deletion or replace of which the spec forbids
    /// (`prevent_destroy`): a plan with any is an error.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub prevented: Vec<String>,
    /// Resources ctrail owns that a destroy keeps, each with why.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub retained: Vec<String>,
}

impl Plan {
    pub const FORMAT_VERSION: u32 = 1;

    pub fn new(header: PlanHeader, actions: Vec<Action>) -> Plan {
        Plan {
            format_version: Self::FORMAT_VERSION,
            header,
            actions,
            preflight: Vec::new(),
            left_alone: Vec::new(),
            prevented: Vec::new(),
            retained: Vec::new(),
        }
    }

    /// The preflight's findings nobody accepted: any of them stops an apply.
    pub fn blocking(&self) -> impl Iterator<Item = &Finding> {
        self.preflight.iter().filter(|f| !f.accepted)
    }

    /// Marks the findings named by `ids` accepted; returns the ids that name
    /// no finding of this plan.
    pub fn accept_findings<'i>(&mut self, ids: &'i [String]) -> Vec<&'i str> {
        for f in &mut self.preflight {
            if ids.iter().any(|id| id.eq_ignore_ascii_case(&f.id)) {
                f.accepted = true;
            }
        }
        ids.iter()
            .map(String::as_str)
            .filter(|id| !self.preflight.iter().any(|f| f.id.eq_ignore_ascii_case(id)))
            .collect()
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
                ActionKind::Adopt => s.adopt += 1,
            }
        }
        s
    }

    /// The actions that change something.
    pub fn changes(&self) -> impl Iterator<Item = &Action> {
        self.actions.iter().filter(|a| a.kind != ActionKind::NoOp)
    }
}

/// Which way a security-relevant change goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Effect {
    /// Applying the change makes the audit trail weaker.
    Weakens,
    /// Applying the change undoes a weakening (live is weaker than the spec).
    Restores,
    /// Who may do what changes; neither direction can be told apart.
    Changes,
}

/// A change that strengthens or weakens the audit trail.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SecurityNote {
    pub path: String,
    pub effect: Effect,
    /// What the attribute protects, e.g. "log file validation".
    pub subject: String,
}

/// A grant a document gives, and the statement that gives it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Grant {
    /// The document judged, e.g. `bucket policy of my-bucket`.
    pub document: String,
    pub principal: String,
    pub action: String,
    pub resource: String,
    /// The statement that allows it (its Sid, or its position).
    pub statement: String,
}

/// A grant that AWS would find missing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Finding {
    /// A stable name for this finding (`PF-` and 8 hex digits of what it
    /// judged: operation, document, principal, action and resource), printed
    /// with it, for `--accept-finding`.
    #[serde(default)]
    pub id: String,
    /// A person judged the preflight wrong here and accepted the finding
    /// (`--accept-finding ID`): shown in the plan, and no longer blocking.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub accepted: bool,
    /// The account of the document judged (`name (id)`), in a spec that
    /// spans several; `None` otherwise.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub account: Option<String>,
    /// What would fail: `CreateTrail`, `UpdateTrail`, `CreateLogGroup`,
    /// `AssociateKmsKey`, or `alarm notification` (dropped, with no error).
    pub operation: String,
    /// The error AWS answers, when it answers one.
    pub exception: Option<String>,
    /// The document judged, e.g. `bucket policy of my-bucket`.
    pub document: String,
    pub principal: String,
    pub action: String,
    pub resource: String,
    /// Which statement blocks, or what the nearest statement lacks.
    pub reason: String,
}

/// A finding for tests of what shows findings (feature `fixtures`).
#[cfg(any(test, feature = "fixtures"))]
impl Finding {
    /// CloudTrail's PutObject into bucket `b` refused by its policy's
    /// statement "X", as a plan's preflight reports it.
    pub fn example() -> Finding {
        Finding {
            id: "PF-00000001".into(),
            accepted: false,
            account: None,
            operation: "UpdateTrail".into(),
            exception: Some("InsufficientS3BucketPolicyException".into()),
            document: "bucket policy of b".into(),
            principal: "cloudtrail.amazonaws.com".into(),
            action: "s3:PutObject".into(),
            resource: "arn:aws:s3:::b/AWSLogs/1/x".into(),
            reason: "explicitly denied by statement \"X\"".into(),
        }
    }
}

impl Finding {
    /// The stable id of a finding with these fields (see `id`): FNV-1a over
    /// the fields that say what was judged, so the same refusal of the same
    /// grant has the same id in every plan, and the reason's wording may
    /// change without changing it.
    pub fn stable_id(&self) -> String {
        self.hashed(false)
    }

    /// The id of a finding whose `stable_id` another finding of the same plan
    /// has already (the same grant refused for two reasons, such as two
    /// alarms' requests): the reason is hashed too.
    pub fn stable_id_with_reason(&self) -> String {
        self.hashed(true)
    }

    fn hashed(&self, with_reason: bool) -> String {
        let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
        let reason = if with_reason { &self.reason } else { "" };
        for field in [
            self.operation.as_str(),
            &self.document,
            &self.principal,
            &self.action,
            &self.resource,
            reason,
        ] {
            for b in field.bytes().chain(std::iter::once(0)) {
                hash ^= u64::from(b);
                hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
            }
        }
        format!("PF-{:08x}", (hash >> 32) as u32 ^ hash as u32)
    }

    /// What would fail, and why (the plan's preflight), with the id.
    pub fn message(&self) -> String {
        let fails = match &self.exception {
            Some(e) => format!("{} would fail with {e}", self.operation),
            None => format!("{} would be dropped", self.operation),
        };
        let accepted = if self.accepted { ", accepted" } else { "" };
        format!("[{}{accepted}] {fails}: {}", self.id, self.refused())
    }

    /// The grant the document refuses, and why.
    pub fn refused(&self) -> String {
        format!(
            "{}{} does not allow {} {} on {}: {}",
            self.document,
            in_account(self.account.as_deref()),
            self.principal,
            self.action,
            self.resource,
            self.reason
        )
    }
}

#[cfg(test)]
mod finding_ids {
    use super::Finding;

    fn finding() -> Finding {
        Finding {
            id: String::new(),
            ..Finding::example()
        }
    }

    /// Pinned: a saved plan's accepted id must name the same finding in a
    /// later ctrail, so the hash may never change.
    #[test]
    fn a_findings_id_is_pinned_and_ignores_the_reasons_wording() {
        let f = finding();
        assert_eq!(f.stable_id(), "PF-8822ae99");
        let reworded = Finding {
            reason: "denied by \"X\"".into(),
            exception: None,
            ..finding()
        };
        assert_eq!(reworded.stable_id(), f.stable_id());
        assert_ne!(reworded.stable_id_with_reason(), f.stable_id_with_reason());
        let other = Finding {
            action: "s3:GetBucketAcl".into(),
            ..finding()
        };
        assert_ne!(other.stable_id(), f.stable_id());
    }
}
