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
use crate::error::ReadError;

pub(crate) type Found = Vec<(Address, Observed)>;

/// Names of the resources of `kind` in the graph.
pub(crate) fn names(graph: &ResourceGraph, kind: ResourceKind) -> Vec<String> {
    graph
        .resources()
        .filter(|r| r.address.kind == kind)
        .map(|r| r.address.name.clone())
        .collect()
}

/// Names of the resources of `kind`, grouped by a desired attribute naming
/// what AWS lists them under (a log group, a topic).
pub(crate) fn grouped_by(
    graph: &ResourceGraph,
    kind: ResourceKind,
    attr: &str,
) -> BTreeMap<String, Vec<String>> {
    let mut out: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for name in names(graph, kind) {
        let parent = desired_str(graph, kind, &name, attr).unwrap_or_default();
        out.entry(parent).or_default().push(name);
    }
    out
}

/// Each wanted resource of `kind`: the first of `live` that `is` it, as
/// `value` shapes it, or absent.
pub(crate) fn match_live<T>(
    kind: ResourceKind,
    wanted: &[String],
    live: &[T],
    is: impl Fn(&str, &T) -> bool,
    value: impl Fn(&T) -> Value,
) -> Found {
    wanted
        .iter()
        .map(|name| {
            let observed = match live.iter().find(|t| is(name, t)) {
                Some(t) => Observed::Present(value(t)),
                None => Observed::Absent,
            };
            (Address::new(kind, name), observed)
        })
        .collect()
}

/// Runs independent reads concurrently; the first error fails the whole.
pub(crate) async fn join_found<F>(reads: impl IntoIterator<Item = F>) -> Result<Found, ReadError>
where
    F: std::future::Future<Output = Result<Found, ReadError>>,
{
    let mut found = Vec::new();
    for r in futures::future::join_all(reads).await {
        found.extend(r?);
    }
    Ok(found)
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
