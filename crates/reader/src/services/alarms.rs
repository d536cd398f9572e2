//! Metric alarms: DescribeAlarms by name, up to 100 names per call.

use aws_sdk_cloudwatch::Client;
use aws_sdk_cloudwatch::types::{AlarmType, MetricAlarm};
use ctrail_graph::{ResourceGraph, ResourceKind as K};
use serde_json::json;

use super::{Found, join_found, match_live, names};
use crate::error::{ReadError, call_error};

pub(crate) async fn read(c: &Client, graph: &ResourceGraph) -> Result<Found, ReadError> {
    let wanted = names(graph, K::MetricAlarm);
    let reads = wanted.chunks(100).map(|chunk| async move {
        let mut live: Vec<MetricAlarm> = Vec::new();
        let mut token = None;
        loop {
            let page = c
                .describe_alarms()
                .set_alarm_names(Some(chunk.to_vec()))
                .alarm_types(AlarmType::MetricAlarm)
                .set_next_token(token)
                .send()
                .await
                .map_err(|e| call_error("cloudwatch:DescribeAlarms", e))?;
            live.extend(page.metric_alarms().iter().cloned());
            match page.next_token() {
                Some(t) if !t.is_empty() => token = Some(t.to_owned()),
                _ => break,
            }
        }
        Ok(match_live(
            K::MetricAlarm,
            chunk,
            &live,
            |name, a| a.alarm_name() == Some(name),
            value,
        ))
    });
    join_found(reads).await
}

fn value(a: &MetricAlarm) -> serde_json::Value {
    let mut actions: Vec<&str> = a.alarm_actions().iter().map(String::as_str).collect();
    actions.sort_unstable();
    actions.dedup();
    json!({
        "alarm_name": a.alarm_name(),
        "alarm_description": a.alarm_description().filter(|d| !d.is_empty()),
        "metric_name": a.metric_name(),
        "namespace": a.namespace(),
        "statistic": a.statistic().map(|s| s.as_str()),
        "period": a.period(),
        "evaluation_periods": a.evaluation_periods(),
        "threshold": a.threshold(),
        "comparison_operator": a.comparison_operator().map(|c| c.as_str()),
        // Unset means "missing" in CloudWatch.
        "treat_missing_data": a.treat_missing_data().unwrap_or("missing"),
        "alarm_actions": actions,
    })
}
