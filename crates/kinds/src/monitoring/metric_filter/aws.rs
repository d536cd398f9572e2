//! The AWS calls of `monitoring::metric_filter` (feature `aws`): what it reads, puts and
//! deletes, and how; what the values mean is in the parent module.

use std::collections::BTreeMap;

use aws_sdk_cloudwatchlogs::operation::put_metric_filter::builders::PutMetricFilterFluentBuilder;
use aws_sdk_cloudwatchlogs::types::{MetricFilter as Live, MetricTransformation};

use super::MetricFilter;
use crate::aws::{
    Api, CallError, Clients, Cx, Done, Found, ReadCx, ReadError, Step, built, read_error,
};
use crate::required;

/// Every filter on the log group; none when the group does not exist.
/// Listed once per read, whether for the spec's filters or to find the
/// others beside them.
async fn list(rcx: &ReadCx<'_>, group: &str) -> Result<std::sync::Arc<Vec<Live>>, ReadError> {
    let key = format!("logs:DescribeMetricFilters {group}");
    rcx.once(key, listed(rcx.clients, group)).await
}

/// DescribeMetricFilters of the log group, every page; none when the
/// group does not exist. Every DescribeMetricFilters ctrail makes
/// (CloudWatch Logs API Reference, DescribeMetricFilters,
/// https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_DescribeMetricFilters.html).
async fn listed(c: &Clients, group: &str) -> Result<Vec<Live>, ReadError> {
    let req = c.logs.describe_metric_filters().log_group_name(group);
    crate::list_pages!("logs:DescribeMetricFilters", req, metric_filters).await
}

/// Every metric filter on the log group, whoever made it; none when the
/// group does not exist.
pub async fn on_log_group(c: &Clients, group: &str) -> Result<Vec<MetricFilter>, ReadError> {
    let live = listed(c, group).await?;
    Ok(live
        .iter()
        .map(|f| MetricFilter::from_aws(group, f))
        .collect())
}

/// Whether `pattern` matches the event `message` (TestMetricFilter,
/// CloudWatch Logs API Reference,
/// https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_TestMetricFilter.html).
pub async fn matches(c: &Clients, pattern: &str, message: String) -> Result<bool, ReadError> {
    let got = c
        .logs
        .test_metric_filter()
        .filter_pattern(pattern)
        .log_event_messages(message)
        .send()
        .await
        .map_err(|e| read_error("logs:TestMetricFilter", e))?;
    Ok(!got.matches().is_empty())
}

impl MetricFilter {
    /// PutMetricFilter for this filter. Its metric transformation's
    /// name, namespace and value are required (CloudWatch Logs API
    /// Reference, MetricTransformation,
    /// https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_MetricTransformation.html):
    /// one the attributes lack is an error naming it, never `""`.
    pub(crate) fn request(
        &self,
        c: &aws_sdk_cloudwatchlogs::Client,
        name: &str,
    ) -> Result<PutMetricFilterFluentBuilder, CallError> {
        const OP: &str = "logs:PutMetricFilter";
        let field =
            |f: &'static str, v: &Option<String>| required(OP, f, v.as_deref()).map(str::to_owned);
        let transformation = built(
            OP,
            MetricTransformation::builder()
                .metric_name(field("metric_name", &self.metric_name)?)
                .metric_namespace(field("metric_namespace", &self.metric_namespace)?)
                .metric_value(field("metric_value", &self.metric_value)?)
                .build(),
        )?;
        Ok(c.put_metric_filter()
            .log_group_name(&self.log_group_name)
            .filter_name(name)
            .filter_pattern(&self.filter_pattern)
            .metric_transformations(transformation))
    }

    pub(crate) fn from_aws(group: &str, f: &Live) -> MetricFilter {
        let t = f.metric_transformations().first();
        MetricFilter {
            log_group_name: f.log_group_name().unwrap_or(group).to_owned(),
            filter_name: f.filter_name().map(str::to_owned),
            filter_pattern: f.filter_pattern().unwrap_or_default().to_owned(),
            metric_name: t.map(|t| t.metric_name().to_owned()),
            metric_namespace: t.map(|t| t.metric_namespace().to_owned()),
            metric_value: t.map(|t| t.metric_value().to_owned()),
        }
    }
}

impl Api for MetricFilter {
    /// One DescribeMetricFilters per log group (all its filters, page by
    /// page), matched by name.
    async fn read(rcx: &ReadCx<'_>, names: &[String]) -> Found<Self> {
        let mut by_group: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for name in names {
            let group = rcx
                .want::<MetricFilter>(name)
                .map(|f| f.log_group_name)
                .unwrap_or_default();
            by_group.entry(group).or_default().push(name.clone());
        }
        let lists = futures::future::join_all(by_group.keys().map(|g| list(rcx, g))).await;
        let mut out = Vec::new();
        for ((group, wanted), live) in by_group.iter().zip(lists) {
            let live = live?;
            for name in wanted {
                let found = live
                    .iter()
                    .find(|f| f.filter_name() == Some(name.as_str()))
                    .map(|f| MetricFilter::from_aws(group, f));
                out.push((name.clone(), found));
            }
        }
        Ok(out)
    }

    async fn put(cx: &Cx<'_>, step: &Step<'_, Self>) -> Done {
        let req = step.want.request(&cx.clients.logs, step.name)?;
        crate::send!(cx, "logs:PutMetricFilter", req).await?;
        Ok(step.put_outcome())
    }

    /// Every filter on the spec's log group.
    async fn discover(rcx: &ReadCx<'_>) -> Result<Vec<String>, ReadError> {
        let Some(logs) = &rcx.spec.cloudwatch_logs else {
            return Ok(Vec::new());
        };
        let live = list(rcx, &logs.log_group).await?;
        Ok(live
            .iter()
            .filter_map(|f| f.filter_name().map(str::to_owned))
            .collect())
    }

    async fn delete(cx: &Cx<'_>, step: &Step<'_, Self>) -> Done {
        let req = cx
            .clients
            .logs
            .delete_metric_filter()
            .log_group_name(&step.want.log_group_name)
            .filter_name(step.name);
        crate::delete!(cx, "logs:DeleteMetricFilter", req, "deleted")
    }
}
