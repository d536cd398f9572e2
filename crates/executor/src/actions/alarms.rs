//! Metric alarms: PutMetricAlarm creates or replaces an alarm by name.

use aws_sdk_cloudwatch::types::{ComparisonOperator, Statistic};
use serde_json::Value;

use super::{Cx, Step, aws, strings};
use crate::retry::CallError;

pub(crate) async fn alarm(cx: &Cx<'_>, step: &Step) -> Result<&'static str, CallError> {
    let c = &cx.clients.cloudwatch;
    let int = |k: &str| {
        step.desired
            .get(k)
            .and_then(Value::as_i64)
            .and_then(|n| i32::try_from(n).ok())
    };
    let threshold = step.desired.get("threshold").and_then(Value::as_f64);
    aws!(
        cx,
        "cloudwatch:PutMetricAlarm",
        c.put_metric_alarm()
            .alarm_name(step.name())
            .set_alarm_description(step.str("alarm_description").map(str::to_owned))
            .metric_name(step.str("metric_name").unwrap_or_default())
            .namespace(step.str("namespace").unwrap_or_default())
            .statistic(Statistic::from(step.str("statistic").unwrap_or_default()))
            .set_period(int("period"))
            .set_evaluation_periods(int("evaluation_periods"))
            .set_threshold(threshold)
            .comparison_operator(ComparisonOperator::from(
                step.str("comparison_operator").unwrap_or_default()
            ))
            .treat_missing_data(step.str("treat_missing_data").unwrap_or("missing"))
            .actions_enabled(true)
            .set_alarm_actions(Some(strings(step.desired.get("alarm_actions"))))
            .send()
    )
    .await?;
    Ok(step.put_outcome())
}
