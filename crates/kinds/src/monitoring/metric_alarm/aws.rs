//! The AWS calls of `monitoring::metric_alarm` (feature `aws`): what it reads, puts and
//! deletes, and how; what the values mean is in the parent module.

use aws_sdk_cloudwatch::operation::put_metric_alarm::builders::PutMetricAlarmFluentBuilder;
use aws_sdk_cloudwatch::types::{AlarmType, ComparisonOperator, MetricAlarm as Live, Statistic};

use super::MetricAlarm;
use crate::aws::{
    Api, CallError, Clients, Cx, Done, Found, ReadCx, ReadError, Step, read_error, refuse,
};

/// DescribeAlarms of the metric alarms (only `names` when given, at most
/// 100), every page. Every DescribeAlarms ctrail makes (CloudWatch API
/// Reference, DescribeAlarms,
/// https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_DescribeAlarms.html).
async fn described(c: &Clients, names: Option<Vec<String>>) -> Result<Vec<Live>, ReadError> {
    let mut live: Vec<Live> = Vec::new();
    let mut pages = c
        .cloudwatch
        .describe_alarms()
        .set_alarm_names(names)
        .alarm_types(AlarmType::MetricAlarm)
        .into_paginator()
        .send();
    while let Some(page) = pages.next().await {
        let page = page.map_err(|e| read_error("cloudwatch:DescribeAlarms", e))?;
        live.extend(page.metric_alarms().iter().cloned());
    }
    Ok(live)
}

/// Every metric alarm of the region, whoever made it.
pub async fn all(c: &Clients) -> Result<Vec<MetricAlarm>, ReadError> {
    let live = described(c, None).await?;
    Ok(live.iter().map(MetricAlarm::from_aws).collect())
}

/// The metric alarms on one metric, in the order CloudWatch lists them
/// (DescribeAlarmsForMetric, CloudWatch API Reference,
/// https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_DescribeAlarmsForMetric.html).
pub async fn for_metric(
    c: &Clients,
    namespace: &str,
    metric: &str,
) -> Result<Vec<MetricAlarm>, ReadError> {
    let got = c
        .cloudwatch
        .describe_alarms_for_metric()
        .namespace(namespace)
        .metric_name(metric)
        .send()
        .await
        .map_err(|e| read_error("cloudwatch:DescribeAlarmsForMetric", e))?;
    Ok(got
        .metric_alarms()
        .iter()
        .map(MetricAlarm::from_aws)
        .collect())
}
use crate::required;

const OP: &str = "cloudwatch:PutMetricAlarm";

impl MetricAlarm {
    pub(crate) fn from_aws(a: &Live) -> MetricAlarm {
        let mut actions: Vec<String> = a.alarm_actions().to_vec();
        actions.sort_unstable();
        actions.dedup();
        MetricAlarm {
            alarm_name: a.alarm_name().map(str::to_owned),
            alarm_description: a
                .alarm_description()
                .filter(|d| !d.is_empty())
                .map(str::to_owned),
            metric_name: a.metric_name().map(str::to_owned),
            namespace: a.namespace().map(str::to_owned),
            statistic: a.statistic().map(|s| s.as_str().to_owned()),
            period: a.period().map(i64::from),
            evaluation_periods: a.evaluation_periods().map(i64::from),
            threshold: a.threshold(),
            comparison_operator: a.comparison_operator().map(|c| c.as_str().to_owned()),
            // Unset means "missing" in CloudWatch.
            treat_missing_data: a.treat_missing_data().unwrap_or("missing").to_owned(),
            alarm_actions: actions,
        }
    }
}

impl Api for MetricAlarm {
    /// DescribeAlarms by name, up to 100 names per call.
    async fn read(rcx: &ReadCx<'_>, names: &[String]) -> Found<Self> {
        let reads = names.chunks(100).map(|chunk| async move {
            let live = described(rcx.clients, Some(chunk.to_vec())).await?;
            Ok::<_, ReadError>(
                chunk
                    .iter()
                    .map(|name| {
                        let found = live
                            .iter()
                            .find(|a| a.alarm_name() == Some(name.as_str()))
                            .map(MetricAlarm::from_aws);
                        (name.clone(), found)
                    })
                    .collect::<Vec<_>>(),
            )
        });
        let mut out = Vec::new();
        for r in futures::future::join_all(reads).await {
            out.extend(r?);
        }
        Ok(out)
    }

    async fn put(cx: &Cx<'_>, step: &Step<'_, Self>) -> Done {
        let req = step.want.request(&cx.clients.cloudwatch, step.name)?;
        crate::send!(cx, "cloudwatch:PutMetricAlarm", req).await?;
        Ok(step.put_outcome())
    }

    /// DeleteAlarms (CloudWatch answers success for names it lacks).
    async fn delete(cx: &Cx<'_>, step: &Step<'_, Self>) -> Done {
        let req = cx.clients.cloudwatch.delete_alarms().alarm_names(step.name);
        crate::delete!(cx, "cloudwatch:DeleteAlarms", req, "deleted")
    }
}

impl MetricAlarm {
    /// PutMetricAlarm for this alarm. An alarm on one metric with a
    /// static threshold names its metric, namespace, statistic, period,
    /// evaluation periods, threshold and comparison (CloudWatch API
    /// Reference, PutMetricAlarm,
    /// https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutMetricAlarm.html:
    /// ComparisonOperator and EvaluationPeriods are required, the others
    /// are optional only for metric math and anomaly detection alarms,
    /// which ctrail does not make). One the attributes lack is an error
    /// naming it, never `""` or a number ctrail picked.
    pub(crate) fn request(
        &self,
        c: &aws_sdk_cloudwatch::Client,
        name: &str,
    ) -> Result<PutMetricAlarmFluentBuilder, CallError> {
        let w = self;
        fn text<'a>(f: &'static str, v: &'a Option<String>) -> Result<&'a str, CallError> {
            required(OP, f, v.as_deref())
        }
        // Period and EvaluationPeriods are Integers (32-bit) in the API.
        let count = |f: &'static str, v: Option<i64>| {
            let n = *required(OP, f, v.as_ref())?;
            i32::try_from(n)
                .map_err(|_| refuse(OP, format!("{f} {n} is beyond what CloudWatch takes")))
        };
        Ok(c.put_metric_alarm()
            .alarm_name(name)
            .set_alarm_description(w.alarm_description.clone())
            .metric_name(text("metric_name", &w.metric_name)?)
            .namespace(text("namespace", &w.namespace)?)
            .statistic(Statistic::from(text("statistic", &w.statistic)?))
            .period(count("period", w.period)?)
            .evaluation_periods(count("evaluation_periods", w.evaluation_periods)?)
            .threshold(*required(OP, "threshold", w.threshold.as_ref())?)
            .comparison_operator(ComparisonOperator::from(text(
                "comparison_operator",
                &w.comparison_operator,
            )?))
            .treat_missing_data(&w.treat_missing_data)
            .actions_enabled(true)
            .set_alarm_actions(Some(w.alarm_actions.clone())))
    }
}
