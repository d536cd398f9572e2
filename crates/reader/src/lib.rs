//! ctrail's reader: fetches the live state of every resource in a graph and
//! normalises it to the graph's shapes, so that a converged setup compares
//! equal to the desired attributes.
//!
//! A read is two rounds of concurrent calls: first the values only AWS knows
//! (account id, KMS key ARN, organization id; the `account_id` guard is
//! checked here), then one wave reading every resource, each call made once.
//! "Not found" is an answer (`Observed::Absent`), not an error.

mod clients;
mod context;
mod error;
pub mod insights;
mod services;

use std::collections::BTreeMap;

use ctrail_graph::{Address, Placeholder, ResourceGraph};
use ctrail_spec::Spec;
use serde::Serialize;
use serde_json::Value;

pub use clients::{Clients, Connection, Retries};
pub use context::KeyForms;
pub use error::{ReadError, chain as error_chain};
pub use services::query_definitions::all as saved_queries;

/// What the reader found for one resource.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "state", content = "attributes", rename_all = "snake_case")]
pub enum Observed {
    /// AWS answered "not found": the resource does not exist.
    Absent,
    /// The resource exists; attributes are normalised to the graph's shape.
    Present(Value),
}

/// Values only AWS knows, resolved once per run.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Default)]
pub struct LiveContext {
    pub account_id: String,
    pub organization_id: Option<String>,
    pub kms_key_arn: Option<String>,
}

impl LiveContext {
    pub fn value(&self, p: Placeholder) -> Option<String> {
        match p {
            Placeholder::AccountId => Some(self.account_id.clone()),
            Placeholder::OrganizationId => self.organization_id.clone(),
            Placeholder::KmsKeyArn => self.kms_key_arn.clone(),
        }
    }
}

/// The live state of every resource in one graph.
#[derive(Debug, Clone, PartialEq, Serialize, Default)]
pub struct LiveState {
    pub context: LiveContext,
    pub resources: BTreeMap<Address, Observed>,
}

/// Reads the live state of every resource in `graph` and returns it with the
/// graph's placeholders resolved.
pub async fn read(
    clients: &Clients,
    spec: &Spec,
    graph: &ResourceGraph,
) -> Result<(LiveState, ResourceGraph), ReadError> {
    let (context, keys) = context::resolve(clients, spec, graph).await?;
    let mut desired = graph.clone();
    desired.resolve(&|p| context.value(p));
    let account = context.account_id.as_str();
    let (s3, logs, iam, kms, sns, trail, filters, alarms, subscriptions, queries) = tokio::join!(
        services::s3::read(&clients.s3, &desired, &keys),
        services::logs::read(&clients.logs, &desired, &keys, account, &spec.region),
        services::iam::read(&clients.iam, &desired),
        services::kms::read(&clients.kms, &desired, keys.arn.as_deref()),
        services::sns::read(&clients.sns, &desired),
        services::cloudtrail::read(&clients.cloudtrail, &desired, &keys, account),
        services::metric_filters::read(&clients.logs, &desired),
        services::alarms::read(&clients.cloudwatch, &desired),
        services::subscriptions::read(&clients.sns, &desired),
        services::query_definitions::read(&clients.logs, &desired),
    );
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
    Ok((LiveState { context, resources }, desired))
}
