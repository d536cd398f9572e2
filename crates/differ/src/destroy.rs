//! The plan of `ctrail destroy`: every resource of the spec that ctrail
//! owns, deleted in reverse dependency order, except what holds audit logs
//! (kept unless the spec's `allow_destroy` says otherwise) and what ctrail
//! does not own (left alone). Pure, like `diff`.

use std::collections::{BTreeMap, BTreeSet};

use ctrail_graph::{GraphError, ResourceGraph};
use ctrail_kinds::LiveState;
use ctrail_model::{Action, ActionKind, Address, AttributeChange, EdgeReason, ResourceKind};
use serde_json::Value;

use crate::attributes;

/// The change path on a bucket's delete that empties it first: its old
/// value is how many object versions (and delete markers) it holds.
pub const OBJECTS: &str = "objects";

/// What the log data in the account looks like, and what the run allows.
#[derive(Debug, Clone, Default)]
pub struct Data {
    /// Object versions and delete markers in each bucket of the spec.
    pub objects: BTreeMap<String, u64>,
    /// `--delete-log-data`: buckets may be emptied and log groups deleted.
    pub delete_log_data: bool,
}

/// A destroy plan: the deletes, and why the rest stays.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Destroy {
    pub actions: Vec<Action>,
    /// Resources ctrail owns that stay, each with why.
    pub retained: Vec<String>,
    /// Resources ctrail does not own: never deleted.
    pub left_alone: Vec<Address>,
}

/// Settings deleted on their own before their resource, as each kind's
/// rules say (`Rules::deleted_first`). Every other setting goes with its
/// resource.
fn deleted_first(kind: ResourceKind) -> bool {
    ctrail_kinds::rules(kind).deleted_first
}

/// The resource a setting belongs to (itself for a resource), if the graph
/// has it.
fn resource_of(graph: &ResourceGraph, address: &Address) -> Option<Address> {
    let mut at = address.clone();
    for _ in 0..8 {
        if ctrail_kinds::ownable(at.kind) {
            return Some(at);
        }
        at = graph
            .prerequisites(&at)
            .into_iter()
            .find(|(_, why)| *why == EdgeReason::PartOf)?
            .0;
    }
    None
}

pub fn destroy(
    graph: &ResourceGraph,
    live: &LiveState,
    data: &Data,
) -> Result<Destroy, GraphError> {
    let mut out = Destroy::default();
    let present = |a: &Address| live.present(a);
    // Resources holding audit logs that stay.
    let mut kept: BTreeSet<Address> = BTreeSet::new();
    for r in graph.resources() {
        if r.holds_audit_logs && !r.destroy_allowed && present(&r.address).is_some() {
            kept.insert(r.address.clone());
            let why = match r.address.kind {
                ResourceKind::LogGroup => "cloudwatch_logs.allow_destroy",
                _ => "bucket.allow_destroy",
            };
            out.retained.push(format!(
                "{}: holds audit logs, kept with its settings (set {why}: true, and pass --delete-log-data, to delete it)",
                r.address
            ));
        }
    }
    let mut alone: BTreeSet<Address> = BTreeSet::new();
    let mut ordered = graph.ordered()?;
    ordered.reverse();
    for r in ordered {
        let Some(current) = present(&r.address) else {
            continue;
        };
        let owner = resource_of(graph, &r.address);
        match &owner {
            Some(o) if kept.contains(o) => continue,
            Some(o) if !live.ownership.owns(o) => {
                alone.insert(o.clone());
                continue;
            }
            Some(o) if *o != r.address && !deleted_first(r.address.kind) => continue,
            // ctrail's statements in a key it does not own, the key's
            // rotation: the kept logs still need the key as it is.
            None if !kept.is_empty() => {
                out.retained.push(format!(
                    "{}: the kept log files are encrypted with this key; kept while they are",
                    r.address
                ));
                continue;
            }
            _ => {}
        }
        let mut changes = attributes::gone(&current.to_json());
        let mut blocked = None;
        match r.address.kind {
            ResourceKind::S3Bucket => {
                let n = data.objects.get(&r.address.name).copied().unwrap_or(0);
                if n > 0 {
                    if data.delete_log_data {
                        changes.push(AttributeChange {
                            path: OBJECTS.to_owned(),
                            old: Some(Value::from(n)),
                            new: None,
                        });
                    } else {
                        blocked = Some(format!(
                            "the bucket holds {n} object version(s); ctrail never empties a bucket unless destroy is given --delete-log-data"
                        ));
                    }
                }
            }
            ResourceKind::LogGroup if !data.delete_log_data => {
                blocked = Some(
                    "deleting the log group deletes every log event in it; pass --delete-log-data to allow it"
                        .to_owned(),
                );
            }
            _ => {}
        }
        out.actions.push(Action {
            account: None,
            address: r.address.clone(),
            kind: ActionKind::Delete,
            changes,
            security: Vec::new(),
            blocked,
            notes: Vec::new(),
        });
    }
    out.left_alone = alone.into_iter().collect();
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// IAM refuses DeleteRole while the role has an inline policy
    /// ([DELROLE] in docs/aws-rules.md); the trail stops logging before it
    /// goes. Every other setting goes with its resource.
    #[test]
    fn the_role_policy_and_the_trail_logging_are_deleted_first() {
        let first: BTreeSet<ResourceKind> = ResourceKind::ALL
            .into_iter()
            .filter(|k| deleted_first(*k))
            .collect();
        assert_eq!(
            first,
            BTreeSet::from([ResourceKind::IamRolePolicy, ResourceKind::TrailLogging])
        );
    }
}
