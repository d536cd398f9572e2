//! Metric filters: PutMetricFilter creates or replaces a filter by name.

use aws_sdk_cloudwatchlogs::types::MetricTransformation;

use super::{Cx, Step, aws, refuse};
use crate::retry::CallError;

pub(crate) async fn filter(cx: &Cx<'_>, step: &Step) -> Result<&'static str, CallError> {
    let c = &cx.clients.logs;
    let transformation = MetricTransformation::builder()
        .metric_name(step.str("metric_name").unwrap_or_default())
        .metric_namespace(step.str("metric_namespace").unwrap_or_default())
        .metric_value(step.str("metric_value").unwrap_or_default())
        .build()
        .map_err(|e| refuse("logs:PutMetricFilter", e.to_string()))?;
    aws!(
        cx,
        "logs:PutMetricFilter",
        c.put_metric_filter()
            .log_group_name(step.str("log_group_name").unwrap_or_default())
            .filter_name(step.name())
            .filter_pattern(step.str("filter_pattern").unwrap_or_default())
            .metric_transformations(transformation.clone())
            .send()
    )
    .await?;
    Ok(step.put_outcome())
}
