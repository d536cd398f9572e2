//! ctrail's reader: fetches the live state of every resource in a graph and
//! normalises it to the graph's shapes, so that a converged setup compares
//! equal to the desired attributes. How each kind is read lives with the
//! kind (`ctrail_kinds`); this is the machinery around the reads.
//!
//! Every read starts at once, alongside the round that finds the values only
//! AWS knows (account id, KMS key ARN, organization id); the few calls that
//! need those values wait for that round alone. With an `account_id` guard
//! the round runs first. Each call is made once.
//! "Not found" is an answer (`Observed::Absent`), not an error.

mod context;
pub mod insights;

use std::collections::BTreeMap;

use ctrail_graph::{Address, ResourceGraph, ResourceKind};
use ctrail_kinds::aws::ReadCx;
use ctrail_spec::Spec;
use serde_json::Value;

pub use ctrail_kinds::aws::{
    Clients, Connection, KeyForms, ReadError, Retries, chain as error_chain,
};
pub use ctrail_kinds::monitoring::query_definition::all as saved_queries;
pub use ctrail_model::{LiveContext, LiveState, Observed};

/// Reads the live state of every resource in `graph` and returns it with the
/// graph's placeholders resolved.
///
/// The context round (account, key, organization) runs alongside every read
/// that does not need it; with an `account_id` guard in the spec it runs
/// first, so nothing is read from an account the spec is not for.
pub async fn read(
    clients: &Clients,
    spec: &Spec,
    graph: &ResourceGraph,
) -> Result<(LiveState, ResourceGraph), ReadError> {
    let desired: BTreeMap<Address, Value> = graph
        .resources()
        .map(|r| (r.address.clone(), r.desired.clone()))
        .collect();
    let cx = context::start(clients, spec, graph);
    if spec.account_id.is_some() {
        cx.clone().await?;
    }
    let rcx = ReadCx::new(clients, spec, &desired, cx.clone());
    let reads = ResourceKind::ALL.map(|kind| {
        let names: Vec<String> = graph
            .resources()
            .filter(|r| r.address.kind == kind)
            .map(|r| r.address.name.clone())
            .collect();
        let rcx = &rcx;
        async move { ctrail_kinds::read(kind, rcx, &names).await }
    });
    let (ready, found) = tokio::join!(cx, futures::future::join_all(reads));
    // The context's own error (the account guard, a missing key) comes first.
    let ready = ready?;
    let mut resources = BTreeMap::new();
    for f in found {
        resources.extend(f?);
    }
    tracing::debug!(resources = resources.len(), "live state read");
    let mut resolved = graph.clone();
    resolved.resolve(&|p| ready.context.value(p));
    Ok((
        LiveState {
            context: ready.context.clone(),
            resources,
        },
        resolved,
    ))
}
