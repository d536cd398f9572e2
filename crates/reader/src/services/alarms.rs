//! Metric alarms: DescribeAlarms by name, up to 100 names per call.

use aws_sdk_cloudwatch::Client;
use aws_sdk_cloudwatch::types::{AlarmType, MetricAlarm};
use ctrail_graph::{Address, ResourceGraph, ResourceKind as K};
use serde_json::json;

use super::{Found, names};
use crate::Observed;
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
        Ok::<Found, ReadError>(
            chunk
                .iter()
                .map(|name| {
                    let observed = match live.iter().find(|a| a.alarm_name() == Some(name)) {
                        Some(a) => Observed::Present(value(a)),
                        None => Observed::Absent,
                    };
                    (Address::new(K::MetricAlarm, name), observed)
                })
                .collect(),
        )
    });
    let mut found = Vec::new();
    for r in futures::future::join_all(reads).await {
        found.extend(r?);
    }
    Ok(found)
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
