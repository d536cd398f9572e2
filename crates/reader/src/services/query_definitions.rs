//! Logs Insights saved queries: query definitions are found by name (AWS
//! identifies them by id), all read with DescribeQueryDefinitions page by page.
//! Two definitions with one name (a retried create, a copy made by hand) are
//! read as `extra_copies` (present only then; the spec has none): a plan
//! reports them as drift (`- extra_copies: 1`) and apply deletes them.

use aws_sdk_cloudwatchlogs::Client;
use aws_sdk_cloudwatchlogs::types::QueryDefinition;
use ctrail_graph::{ResourceGraph, ResourceKind as K};
use serde_json::json;

use super::{Found, match_live, names};
use crate::error::{ReadError, call_error};

pub(crate) async fn read(c: &Client, graph: &ResourceGraph) -> Result<Found, ReadError> {
    let wanted = names(graph, K::QueryDefinition);
    if wanted.is_empty() {
        return Ok(Vec::new());
    }
    let live = all(c).await?;
    let copies = |name: Option<&str>| live.iter().filter(|q| q.name() == name).count();
    Ok(match_live(
        K::QueryDefinition,
        &wanted,
        &live,
        |name, q| q.name() == Some(name),
        |q| {
            let mut v = value(q);
            let extra = copies(q.name()).saturating_sub(1);
            if extra > 0 {
                v["extra_copies"] = json!(extra);
            }
            v
        },
    ))
}

/// Every saved query in the account and region, page by page.
pub async fn all(c: &Client) -> Result<Vec<QueryDefinition>, ReadError> {
    let mut out = Vec::new();
    let mut token = None;
    loop {
        let page = c
            .describe_query_definitions()
            .max_results(1000)
            .set_next_token(token)
            .send()
            .await
            .map_err(|e| call_error("logs:DescribeQueryDefinitions", e))?;
        out.extend(page.query_definitions().iter().cloned());
        match page.next_token() {
            Some(t) if !t.is_empty() => token = Some(t.to_owned()),
            _ => return Ok(out),
        }
    }
}

fn value(q: &QueryDefinition) -> serde_json::Value {
    let mut groups: Vec<&str> = q.log_group_names().iter().map(String::as_str).collect();
    groups.sort_unstable();
    json!({
        "name": q.name(),
        "query_string": q.query_string(),
        "log_group_names": groups,
    })
}
