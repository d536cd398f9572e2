//! ctrail's differ: a pure function from the desired graph (placeholders
//! resolved) and the live state to a plan, an ordered list of actions with
//! attribute-level changes. No network, no clock, no randomness: the same
//! inputs always give the same plan.

mod attributes;
pub mod cost;
mod notes;
pub mod preflight;
mod security;

use ctrail_graph::{GraphError, ResourceGraph};
use ctrail_model::{LiveState, Observed};

pub use ctrail_model::{
    Action, ActionKind, AttributeChange, Effect, Finding, Plan, PlanHeader, SecurityNote, Summary,
};

/// Attributes AWS cannot change in place: a different value means a new
/// resource (each kind's `Rules::replaced_by`).
fn replaced_by(kind: ctrail_graph::ResourceKind, path: &str) -> bool {
    ctrail_kinds::rules(kind).replaced_by.contains(&path)
}

/// Compares every resource of the graph with what was found live, in apply order.
pub fn diff(desired: &ResourceGraph, live: &LiveState) -> Result<Vec<Action>, GraphError> {
    let mut actions = Vec::new();
    for r in desired.ordered()? {
        let observed = live.resources.get(&r.address).unwrap_or(&Observed::Absent);
        let action = match observed {
            Observed::Absent => Action {
                address: r.address.clone(),
                kind: ActionKind::Create,
                changes: attributes::all(&r.desired),
                security: Vec::new(),
                blocked: None,
                notes: notes::on_create(r.address.kind, &r.desired),
            },
            Observed::Present(current) => {
                let changes = attributes::diff(r.address.kind, current, &r.desired);
                let replace = changes.iter().any(|c| replaced_by(r.address.kind, &c.path));
                let kind = match (changes.is_empty(), replace) {
                    (true, _) => ActionKind::NoOp,
                    (false, true) => ActionKind::Replace,
                    (false, false) => ActionKind::Update,
                };
                let blocked = (replace && r.holds_audit_logs && !r.destroy_allowed).then(|| {
                    format!(
                        "replacing {} would delete the audit logs it holds; set allow_destroy: true in the spec to allow it",
                        r.address
                    )
                });
                let security = security::group(
                    changes
                        .iter()
                        .filter_map(|c| security::assess(r.address.kind, c))
                        .collect(),
                );
                Action {
                    address: r.address.clone(),
                    kind,
                    changes,
                    security,
                    blocked,
                    notes: notes::on_live(r.address.kind, current),
                }
            }
        };
        actions.push(action);
    }
    Ok(actions)
}
