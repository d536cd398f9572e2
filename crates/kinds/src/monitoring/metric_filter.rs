//! `metric_filter`: a metric filter on the trail's log group, counting the
//! events a security alarm watches. PutMetricFilter creates or replaces a
//! filter by name.

use ctrail_model::{Address, EdgeReason, ResourceKind};
use ctrail_spec::Spec;
use serde_json::Value;

use crate::monitoring::metric_alarm::MetricAlarm;
use crate::{Desired, ImportCx, Kind, Names, Rules, SpecField, any_change};

#[cfg(feature = "aws")]
mod aws;
#[cfg(feature = "aws")]
pub use aws::{matches, on_log_group};

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

    const RULES: Rules = Rules::NONE.security_relevant(&[any_change(
        "filter_pattern",
        "which events a security alarm counts",
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
