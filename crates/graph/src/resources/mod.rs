//! Expansion of a spec into resources, one module per AWS service. Each module
//! adds its own resources and the edges into them.

pub(crate) mod iam;
pub(crate) mod kms;
pub(crate) mod logs;
pub(crate) mod monitoring;
pub(crate) mod s3;
pub(crate) mod sns;
pub(crate) mod trail;

use std::collections::BTreeMap;

use serde_json::{Value, json};

use crate::graph::{EdgeReason, GraphError, Resource, ResourceGraph};
use ctrail_model::{Address, ResourceKind};

pub(crate) fn add(
    g: &mut ResourceGraph,
    kind: ResourceKind,
    name: &str,
    desired: Value,
) -> Result<Address, GraphError> {
    add_resource(g, kind, name, desired, None)
}

/// Adds a resource; `audit_logs` is `Some(allow_destroy)` for a resource that
/// holds audit logs.
pub(crate) fn add_resource(
    g: &mut ResourceGraph,
    kind: ResourceKind,
    name: &str,
    desired: Value,
    audit_logs: Option<bool>,
) -> Result<Address, GraphError> {
    let address = Address::new(kind, name);
    g.add(Resource {
        address: address.clone(),
        desired,
        holds_audit_logs: audit_logs.is_some(),
        destroy_allowed: audit_logs.unwrap_or(true),
    })?;
    Ok(address)
}

/// Adds a setting of `parent` (its own API call) that needs the parent to exist.
pub(crate) fn add_part(
    g: &mut ResourceGraph,
    parent: &Address,
    kind: ResourceKind,
    desired: Value,
) -> Result<Address, GraphError> {
    let address = add(g, kind, &parent.name, desired)?;
    g.depend(parent, &address, EdgeReason::PartOf)?;
    Ok(address)
}

pub(crate) fn tags_value(tags: &BTreeMap<String, String>) -> Value {
    json!({ "tags": tags })
}
