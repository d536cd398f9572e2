//! Metric filters: one DescribeMetricFilters per log group (all its filters,
//! page by page), matched by name.

use aws_sdk_cloudwatchlogs::Client;
use aws_sdk_cloudwatchlogs::types::MetricFilter;
use ctrail_graph::{ResourceGraph, ResourceKind as K};
use serde_json::json;

use super::{Found, grouped_by, join_found, match_live};
use crate::error::{ReadError, absent_if_not_found};

pub(crate) async fn read(c: &Client, graph: &ResourceGraph) -> Result<Found, ReadError> {
    let by_group = grouped_by(graph, K::MetricFilter, "log_group_name");
    join_found(by_group.iter().map(|(group, wanted)| async move {
        let live = list(c, group).await?;
        Ok(match_live(
            K::MetricFilter,
            wanted,
            &live,
            |name, f| f.filter_name() == Some(name),
            |f| value(group, f),
        ))
    }))
    .await
}

/// Every filter on the log group; none when the group does not exist.
async fn list(c: &Client, group: &str) -> Result<Vec<MetricFilter>, ReadError> {
    let mut out = Vec::new();
    let mut token = None;
    loop {
        let page = c
            .describe_metric_filters()
            .log_group_name(group)
            .set_next_token(token)
            .send()
            .await;
        let Some(page) = absent_if_not_found("logs:DescribeMetricFilters", page, &[])? else {
            return Ok(out);
        };
        out.extend(page.metric_filters().iter().cloned());
        match page.next_token() {
            Some(t) if !t.is_empty() => token = Some(t.to_owned()),
            _ => return Ok(out),
        }
    }
}

fn value(group: &str, f: &MetricFilter) -> serde_json::Value {
    let t = f.metric_transformations().first();
    json!({
        "log_group_name": f.log_group_name().unwrap_or(group),
        "filter_name": f.filter_name(),
        "filter_pattern": f.filter_pattern().unwrap_or_default(),
        "metric_name": t.map(|t| t.metric_name()),
        "metric_namespace": t.map(|t| t.metric_namespace()),
        "metric_value": t.map(|t| t.metric_value()),
    })
}
