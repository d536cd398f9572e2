//! ctrail's reader: fetches the live state of every resource in a graph and
//! normalises it to the graph's shapes, so that a converged setup compares
//! equal to the desired attributes.
//!
//! Every read starts at once, alongside the round that finds the values only
//! AWS knows (account id, KMS key ARN, organization id); the few calls that
//! need those values wait for that round alone. With an `account_id` guard
//! the round runs first. Each call is made once.
//! "Not found" is an answer (`Observed::Absent`), not an error.

mod clients;
mod context;
mod error;
pub mod insights;
mod services;

use std::collections::BTreeMap;

use ctrail_graph::ResourceGraph;
use ctrail_spec::Spec;

pub use clients::{Clients, Connection, Retries};
pub use context::KeyForms;
pub use ctrail_model::{LiveContext, LiveState, Observed};
pub use error::{ReadError, chain as error_chain};
pub use services::query_definitions::all as saved_queries;

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
    let cx = context::start(clients, spec, graph);
    if spec.account_id.is_some() {
        cx.clone().await?;
    }
    let (ready, s3, logs, iam, kms, sns, trail, filters, alarms, subscriptions, queries) = tokio::join!(
        cx.clone(),
        services::s3::read(&clients.s3, graph, &cx),
        services::logs::read(&clients.logs, graph, &cx, &spec.region),
        services::iam::read(&clients.iam, graph),
        services::kms::read(&clients.kms, graph, spec, &cx),
        services::sns::read(&clients.sns, graph, &cx),
        services::cloudtrail::read(&clients.cloudtrail, graph, &cx),
        services::metric_filters::read(&clients.logs, graph),
        services::alarms::read(&clients.cloudwatch, graph),
        services::subscriptions::read(&clients.sns, graph, &cx),
        services::query_definitions::read(&clients.logs, graph),
    );
    // The context's own error (the account guard, a missing key) comes first.
    let ready = ready?;
    let mut resources = BTreeMap::new();
    for found in [
        s3?,
        logs?,
        iam?,
        kms?,
        sns?,
        trail?,
        filters?,
        alarms?,
        subscriptions?,
        queries?,
    ] {
        resources.extend(found);
    }
    tracing::debug!(resources = resources.len(), "live state read");
    let context = ready.context.clone();
    Ok((LiveState { context, resources }, ready.desired.clone()))
}
