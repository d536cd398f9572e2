//! Reads, one module per AWS service. Each reads every resource of its
//! service in the graph with concurrent calls, each call made once, and
//! returns the live attributes in the graph's shape.

pub(crate) mod alarms;
pub(crate) mod cloudtrail;
pub(crate) mod iam;
pub(crate) mod kms;
pub(crate) mod logs;
pub(crate) mod metric_filters;
pub(crate) mod query_definitions;
pub(crate) mod s3;
pub(crate) mod sns;
pub(crate) mod subscriptions;

use std::collections::BTreeMap;

use ctrail_graph::{Address, ResourceGraph, ResourceKind};
use serde_json::{Value, json};

use crate::Observed;

pub(crate) type Found = Vec<(Address, Observed)>;

/// Names of the resources of `kind` in the graph.
pub(crate) fn names(graph: &ResourceGraph, kind: ResourceKind) -> Vec<String> {
    graph
        .resources()
        .filter(|r| r.address.kind == kind)
        .map(|r| r.address.name.clone())
        .collect()
}

/// A desired attribute of a resource, as a string.
pub(crate) fn desired_str(
    graph: &ResourceGraph,
    kind: ResourceKind,
    name: &str,
    attr: &str,
) -> Option<String> {
    graph
        .get(&Address::new(kind, name))
        .and_then(|r| r.desired.get(attr))
        .and_then(Value::as_str)
        .map(str::to_owned)
}

pub(crate) fn tags<'a>(pairs: impl IntoIterator<Item = (&'a str, &'a str)>) -> Value {
    let map: BTreeMap<&str, &str> = pairs.into_iter().collect();
    json!({ "tags": map })
}

/// `Observed` for every listed kind of `name`, all absent.
pub(crate) fn all_absent(name: &str, kinds: &[ResourceKind]) -> Found {
    kinds
        .iter()
        .map(|k| (Address::new(*k, name), Observed::Absent))
        .collect()
}
