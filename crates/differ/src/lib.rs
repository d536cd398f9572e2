//! ctrail's differ: a pure function from the desired graph (placeholders
//! resolved) and the live state to a plan, an ordered list of actions with
//! attribute-level changes. No network, no clock, no randomness: the same
//! inputs always give the same plan.

mod attributes;
pub mod cost;
pub mod destroy;
pub mod meaning;
pub mod preflight;
mod security;

use ctrail_graph::{GraphError, ResourceGraph};
use ctrail_kinds::{LiveResource, LiveState};
use ctrail_model::{Action, ActionKind, Address};

/// Attributes AWS cannot change in place: a different value means a new
/// resource (each kind's `Rules::replaced_by`).
fn replaced_by(kind: ctrail_model::ResourceKind, path: &str) -> bool {
    ctrail_kinds::rules(kind).replaced_by.contains(&path)
}

/// Compares every resource of the graph with what was found live, in apply order.
pub fn diff(desired: &ResourceGraph, live: &LiveState) -> Result<Vec<Action>, GraphError> {
    let mut actions = Vec::new();
    for r in desired.ordered()? {
        let observed = live
            .resources
            .get(&r.address)
            .unwrap_or(&LiveResource::Absent);
        let action = match observed {
            LiveResource::Absent => Action {
                account: None,
                address: r.address.clone(),
                kind: ActionKind::Create,
                changes: attributes::all(&r.desired.to_json()),
                security: Vec::new(),
                blocked: None,
                notes: r.desired.on_create(),
            },
            LiveResource::Present(current) => {
                let changes =
                    attributes::diff(r.address.kind, &current.to_json(), &r.desired.to_json());
                let replace = changes.iter().any(|c| replaced_by(r.address.kind, &c.path));
                let kind = match (changes.is_empty(), replace) {
                    (_, true) => ActionKind::Replace,
                    _ if adopting(&r.address, live) => ActionKind::Adopt,
                    (true, false) => ActionKind::NoOp,
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
                    account: None,
                    address: r.address.clone(),
                    kind,
                    changes,
                    security,
                    blocked,
                    notes: current.on_live(),
                }
            }
        };
        actions.push(action);
    }
    actions.extend(dropped(desired, live));
    Ok(actions)
}

/// A resource that exists but is not ctrail's: applying adopts it.
fn adopting(address: &Address, live: &LiveState) -> bool {
    ctrail_kinds::ownable(address.kind) && !live.ownership.owns(address)
}

/// Deletes of what ctrail owns that the spec dropped (of the kinds a plan
/// prunes), the dependents' kinds first.
fn dropped(desired: &ResourceGraph, live: &LiveState) -> Vec<Action> {
    let mut gone: Vec<Action> = live
        .ownership
        .ledger
        .owned
        .keys()
        .filter(|a| ctrail_kinds::prunable(a.kind) && desired.get(a).is_none())
        .filter_map(|a| match live.resources.get(a) {
            Some(LiveResource::Present(v)) => Some(Action {
                account: None,
                address: a.clone(),
                kind: ActionKind::Delete,
                changes: attributes::gone(&v.to_json()),
                security: Vec::new(),
                blocked: None,
                notes: vec!["no longer in the spec; ctrail made it".to_owned()],
            }),
            _ => None,
        })
        .collect();
    gone.sort_by(|a, b| {
        b.address
            .kind
            .cmp(&a.address.kind)
            .then(a.address.name.cmp(&b.address.name))
    });
    gone
}

/// The planned deletes and replaces of resources the spec protects
/// (`prevent_destroy`): each an error naming the resource and the entry.
pub fn prevented(actions: &[Action], protect: &[String]) -> Vec<String> {
    actions
        .iter()
        .filter(|a| matches!(a.kind, ActionKind::Delete | ActionKind::Replace))
        .filter_map(|a| {
            let address = a.address.to_string();
            let entry = protect.iter().find(|p| matches_entry(p, &address))?;
            Some(format!(
                "{address} would be {}, but prevent_destroy lists it (\"{entry}\"); remove it from prevent_destroy first if that is intended",
                if a.kind == ActionKind::Delete { "deleted" } else { "replaced" }
            ))
        })
        .collect()
}

/// `kind.name`, `kind.*` or `*` against an address.
fn matches_entry(entry: &str, address: &str) -> bool {
    entry == "*"
        || entry == address
        || entry
            .strip_suffix(".*")
            .is_some_and(|kind| address.split_once('.').is_some_and(|(k, _)| k == kind))
}
