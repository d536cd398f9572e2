//! `metric_filter`: a metric filter on the trail's log group, counting the
//! events a security alarm watches. PutMetricFilter creates or replaces a
//! filter by name.

use ctrail_model::{Address, EdgeReason, ResourceKind};
use ctrail_spec::Spec;
use serde_json::Value;

use crate::monitoring::metric_alarm::MetricAlarm;
use crate::{Desired, ImportCx, Kind, Names, Rules, Security, SpecField};

crate::attributes! {
    pub struct MetricFilter {
        pub log_group_name: String,
        pub filter_name: Option<String>,
        pub filter_pattern: String,
        pub metric_name: Option<String>,
        pub metric_namespace: Option<String>,
        pub metric_value: Option<String>,
    }
}

impl Kind for MetricFilter {
    const STANDING: crate::Standing = crate::Standing::Resource { prunable: true };

    const RULES: Rules = Rules::NONE.security_relevant(&[(
        "filter_pattern",
        "which events a security alarm counts",
        Security::AnyChange,
    )]);

    fn desired(spec: &Spec, _: &Names<'_>) -> Vec<Desired<Self>> {
        let Some(logs) = &spec.cloudwatch_logs else {
            return Vec::new();
        };
        spec.monitoring
            .metric_filters
            .iter()
            .map(|f| {
                Desired::new(
                    &f.name,
                    MetricFilter {
                        log_group_name: logs.log_group.clone(),
                        filter_name: Some(f.name.clone()),
                        filter_pattern: f.pattern.clone(),
                        metric_name: Some(f.metric_name.clone()),
                        metric_namespace: Some(f.metric_namespace.clone()),
                        metric_value: Some(f.metric_value.clone()),
                    },
                )
                .after(
                    Address::new(ResourceKind::LogGroup, &logs.log_group),
                    EdgeReason::References,
                )
            })
            .collect()
    }

    /// An entry of `monitoring.metric_filters` for a filter on the trail's
    /// log group, with the alarm read on its metric; each default left out
    /// (docs/monitoring.md).
    fn import(&self, name: &str, cx: &ImportCx<'_>) -> Vec<SpecField> {
        use ctrail_spec::defaults::alarm as d;
        if cx.log_group() != Some(self.log_group_name.as_str()) {
            return Vec::new();
        }
        let mut m = serde_json::Map::new();
        m.insert("name".into(), name.into());
        m.insert("pattern".into(), self.filter_pattern.as_str().into());
        let unless =
            |m: &mut serde_json::Map<String, Value>, key: &str, v: Option<&str>, default: &str| {
                if let Some(v) = v.filter(|v| *v != default) {
                    m.insert(key.into(), v.into());
                }
            };
        unless(&mut m, "metric_name", self.metric_name.as_deref(), name);
        unless(
            &mut m,
            "metric_namespace",
            self.metric_namespace.as_deref(),
            d::NAMESPACE,
        );
        unless(
            &mut m,
            "metric_value",
            self.metric_value.as_deref(),
            d::METRIC_VALUE,
        );
        let alarm = cx.all::<MetricAlarm>().into_iter().find(|(_, a)| {
            a.namespace == self.metric_namespace && a.metric_name == self.metric_name
        });
        let alarm = match alarm {
            None => Value::Bool(false),
            Some((_, a)) => {
                let topic = crate::monitoring::alert_topic::chosen(cx).map(|(arn, _)| arn);
                a.spec_entry(name, topic.as_deref())
            }
        };
        m.insert("alarm".into(), alarm);
        vec![SpecField::item(
            ctrail_spec::fields::MONITORING_METRIC_FILTERS,
            Value::Object(m),
            "found on the log group: these metric filters and the alarms on their metrics",
        )]
    }
}

#[cfg(feature = "aws")]
pub use aws::{matches, on_log_group};

#[cfg(feature = "aws")]
mod aws {
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
            let field = |f: &'static str, v: &Option<String>| {
                required(OP, f, v.as_deref()).map(str::to_owned)
            };
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
}

#[cfg(all(test, feature = "aws"))]
mod tests {
    use super::MetricFilter;

    /// Takes one field away.
    type Unset = fn(&mut MetricFilter);

    fn client() -> aws_sdk_cloudwatchlogs::Client {
        crate::aws::Clients::offline().logs
    }

    /// A filter whose metric lacks its name, namespace or value is refused
    /// naming the field; nothing is sent as `""`.
    #[test]
    fn a_missing_metric_field_is_an_error_naming_it() {
        let full = MetricFilter {
            log_group_name: "g".into(),
            filter_name: Some("F".into()),
            filter_pattern: "{ $.eventName = StopLogging }".into(),
            metric_name: Some("FCount".into()),
            metric_namespace: Some("CloudTrailMetrics".into()),
            metric_value: Some("1".into()),
        };
        assert!(full.request(&client(), "F").is_ok());
        let cases: [(&str, Unset); 3] = [
            ("metric_name", |f| f.metric_name = None),
            ("metric_namespace", |f| f.metric_namespace = None),
            ("metric_value", |f| f.metric_value = None),
        ];
        for (field, unset) in cases {
            let mut f = full.clone();
            unset(&mut f);
            let e = f.request(&client(), "F").expect_err(field);
            assert_eq!(
                e.to_string(),
                format!(
                    "logs:PutMetricFilter: the attributes have no {field}; nothing is sent in its place"
                )
            );
        }
    }
}
