//! `metric_alarm`: the alarm on a metric filter's metric, notifying the
//! alert topic (or ARNs the spec names). PutMetricAlarm creates or replaces
//! an alarm by name.

use ctrail_model::{Address, EdgeReason, ResourceKind};
use ctrail_spec::{AlarmAction, Spec, TopicRef};

use crate::sns::shared::topic_arn;
use crate::{Compare, Desired, Kind, Names, Rules, any_change};

#[cfg(feature = "aws")]
mod aws;
#[cfg(feature = "aws")]
pub use aws::{all, for_metric};

crate::attributes! {
    pub struct MetricAlarm {
        pub alarm_name: Option<String>,
        pub alarm_description: Option<String>,
        pub metric_name: Option<String>,
        pub namespace: Option<String>,
        pub statistic: Option<String>,
        /// Seconds. Held wide enough for the spec's value and AWS's answer
        /// alike; the put refuses one CloudWatch's Integer cannot take.
        pub period: Option<i64>,
        pub evaluation_periods: Option<i64>,
        pub threshold: Option<f64>,
        pub comparison_operator: Option<String>,
        pub treat_missing_data: String,
        pub alarm_actions: Vec<String>,
    }
}

impl Kind for MetricAlarm {
    const STANDING: crate::Standing = crate::Standing::Resource { prunable: true };

    const RULES: Rules = Rules::NONE
        .compare_by(&[("alarm_actions", Compare::Sets(&[""]))])
        .security_relevant(&[
            any_change("threshold", "when a security alarm fires"),
            any_change("comparison_operator", "when a security alarm fires"),
            any_change("period", "when a security alarm fires"),
            any_change("evaluation_periods", "when a security alarm fires"),
            any_change("statistic", "when a security alarm fires"),
            any_change("alarm_actions", "who a security alarm notifies"),
        ]);

    fn desired(spec: &Spec, _: &Names<'_>) -> Vec<Desired<Self>> {
        if spec.cloudwatch_logs.is_none() {
            return Vec::new();
        }
        let topic = spec.monitoring.alert_topic.as_ref().map(|t| {
            let (TopicRef::Name(written) | TopicRef::Arn(written)) = &t.topic;
            let managed = match &t.topic {
                TopicRef::Name(n) => Some(Address::new(ResourceKind::SnsTopic, n)),
                TopicRef::Arn(_) => None,
            };
            (topic_arn(spec, written), managed)
        });
        let mut out = Vec::new();
        for f in &spec.monitoring.metric_filters {
            let Some(a) = &f.alarm else { continue };
            let mut actions: Vec<String> = a
                .actions
                .iter()
                .filter_map(|x| match x {
                    AlarmAction::AlertTopic => topic.as_ref().map(|(arn, _)| arn.clone()),
                    AlarmAction::Arn(arn) => Some(arn.clone()),
                })
                .collect();
            actions.sort();
            actions.dedup();
            // Named on its own, not after the filter.
            let mut d = Desired::new(
                &a.name,
                MetricAlarm {
                    alarm_name: Some(a.name.clone()),
                    alarm_description: a.description.clone(),
                    metric_name: Some(f.metric_name.clone()),
                    namespace: Some(f.metric_namespace.clone()),
                    statistic: Some(a.statistic.clone()),
                    period: Some(a.period.into()),
                    evaluation_periods: Some(a.evaluation_periods.into()),
                    threshold: Some(a.threshold),
                    comparison_operator: Some(a.comparison.clone()),
                    treat_missing_data: a.treat_missing_data.clone(),
                    alarm_actions: actions,
                },
            )
            .after(
                Address::new(ResourceKind::MetricFilter, &f.name),
                EdgeReason::Watches,
            );
            if let Some((_, Some(t))) = &topic
                && a.actions.contains(&AlarmAction::AlertTopic)
            {
                d = d.after(t.clone(), EdgeReason::Notifies);
            }
            out.push(d);
        }
        out
    }
}

impl MetricAlarm {
    /// The alarm as a metric filter's entry writes it (`alarm:`), each
    /// default left out; its actions left out when they are the alert
    /// topic's (`alert_topic`) alone, else written as found.
    pub fn spec_entry(&self, filter: &str, alert_topic: Option<&str>) -> serde_json::Value {
        use ctrail_spec::defaults::alarm as d;
        use serde_json::{Value, json};
        let mut x = serde_json::Map::new();
        let mut unless = |key: &str, v: Option<Value>, default: Value| {
            if let Some(v) = v.filter(|v| !v.is_null() && *v != default) {
                x.insert(key.into(), v);
            }
        };
        unless(
            "name",
            self.alarm_name.clone().map(Value::from),
            json!(d::name(filter)),
        );
        unless(
            "description",
            self.alarm_description.clone().map(Value::from),
            Value::Null,
        );
        unless(
            "statistic",
            self.statistic.clone().map(Value::from),
            json!(d::STATISTIC),
        );
        unless("period", self.period.map(Value::from), json!(d::PERIOD));
        unless(
            "evaluation_periods",
            self.evaluation_periods.map(Value::from),
            json!(d::EVALUATION_PERIODS),
        );
        if self.threshold != Some(d::THRESHOLD) {
            unless("threshold", self.threshold.map(Value::from), Value::Null);
        }
        unless(
            "comparison",
            self.comparison_operator.clone().map(Value::from),
            json!(d::COMPARISON),
        );
        unless(
            "treat_missing_data",
            Some(Value::from(self.treat_missing_data.as_str())),
            json!(d::TREAT_MISSING_DATA),
        );
        let to_topic = alert_topic.is_some_and(|t| self.alarm_actions == [t]);
        if !to_topic {
            x.insert("actions".into(), json!(self.alarm_actions));
        }
        Value::Object(x)
    }
}

/// An alarm for tests (feature `fixtures` for other crates'): `alarm`
/// when metric `metric` (namespace CloudTrailMetrics) sums to 1 or more in
/// 5 minutes, with no actions.
#[cfg(any(test, feature = "fixtures"))]
impl MetricAlarm {
    pub fn on_metric(alarm: &str, metric: &str) -> MetricAlarm {
        MetricAlarm {
            alarm_name: Some(alarm.into()),
            alarm_description: None,
            metric_name: Some(metric.into()),
            namespace: Some("CloudTrailMetrics".into()),
            statistic: Some("Sum".into()),
            period: Some(300),
            evaluation_periods: Some(1),
            threshold: Some(1.0),
            comparison_operator: Some("GreaterThanOrEqualToThreshold".into()),
            treat_missing_data: "notBreaching".into(),
            alarm_actions: Vec::new(),
        }
    }
}

#[cfg(all(test, feature = "aws"))]
mod tests {
    use super::MetricAlarm;

    /// Takes one field away.
    type Unset = fn(&mut MetricAlarm);

    fn client() -> aws_sdk_cloudwatch::Client {
        crate::aws::Clients::offline().cloudwatch
    }

    fn full() -> MetricAlarm {
        MetricAlarm::on_metric("A", "FCount")
    }

    /// Every value an alarm on one metric needs is sent as planned, or the
    /// put is refused naming the missing one: no `""`, no number picked.
    #[test]
    fn a_missing_field_is_an_error_naming_it() {
        let sent = full()
            .request(&client(), "A")
            .expect("a full alarm is sent");
        assert_eq!(sent.get_period(), &Some(300));
        let cases: [(&str, Unset); 7] = [
            ("metric_name", |a| a.metric_name = None),
            ("namespace", |a| a.namespace = None),
            ("statistic", |a| a.statistic = None),
            ("period", |a| a.period = None),
            ("evaluation_periods", |a| a.evaluation_periods = None),
            ("threshold", |a| a.threshold = None),
            ("comparison_operator", |a| a.comparison_operator = None),
        ];
        for (field, unset) in cases {
            let mut a = full();
            unset(&mut a);
            let e = a.request(&client(), "A").expect_err(field);
            assert_eq!(
                e.to_string(),
                format!(
                    "cloudwatch:PutMetricAlarm: the attributes have no {field}; nothing is sent in its place"
                )
            );
        }
    }

    /// A period CloudWatch's 32-bit Integer cannot hold is refused, not
    /// sent as the largest one it can.
    #[test]
    fn a_period_beyond_an_integer_is_refused() {
        let a = MetricAlarm {
            period: Some(i64::from(i32::MAX) + 1),
            ..full()
        };
        let e = a.request(&client(), "A").expect_err("refused");
        assert!(e.to_string().contains("period 2147483648 is beyond"), "{e}");
    }
}
