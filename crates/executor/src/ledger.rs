//! Recording what ctrail owns after an apply (docs/ownership.md): what the
//! apply created or adopted joins the trail's ledger, what it deleted
//! leaves it. Written under the apply lock.

use std::collections::BTreeSet;

use ctrail_graph::ResourceGraph;
use ctrail_kinds::Ledger;
use ctrail_kinds::aws::{Clients, RetryPolicy};
use ctrail_model::{Address, Plan};

use crate::{Outcome, Report};

/// The ledger after `report`'s completed actions.
pub fn after(before: &Ledger, plan: &Plan, desired: &ResourceGraph, report: &Report) -> Ledger {
    let done: BTreeSet<&Address> = report
        .actions
        .iter()
        .filter(|(_, o)| matches!(o, Outcome::Completed { .. }))
        .map(|(a, _)| a)
        .collect();
    before.after(
        plan.actions.iter().filter(|a| done.contains(&a.address)),
        |a| desired.get(a).map(|r| r.desired.clone()),
        |a| ctrail_kinds::ownable(a.kind),
    )
}

/// The ledger could not be written: the apply's changes stand, and the next
/// plan shows what it made as adopted.
#[derive(Debug, thiserror::Error)]
#[error(
    "what ctrail owns was not recorded in {place} ({source}); the next plan shows what this apply made as adopted"
)]
pub struct NotRecorded {
    place: String,
    source: ctrail_kinds::aws::CallError,
}

/// Writes `after` to the state bucket when it differs from `before`.
pub async fn record(
    clients: &Clients,
    at: &ctrail_spec::State,
    before: &Ledger,
    after: &Ledger,
    policy: &RetryPolicy,
) -> Result<(), NotRecorded> {
    if after == before {
        return Ok(());
    }
    let written = if after.owned.is_empty() {
        ctrail_kinds::aws::ledger::remove(clients, at, &after.trail, policy, &|_| {}).await
    } else {
        ctrail_kinds::aws::ledger::write(clients, at, after, policy, &|_| {}).await
    };
    written.map_err(|source| NotRecorded {
        place: format!("s3://{}/{}", at.bucket, at.ledger_key(&after.trail)),
        source,
    })
}
