//! `metric_alarm`: the alarm on a metric filter's metric, notifying the
//! alert topic (or ARNs the spec names). PutMetricAlarm creates or replaces
//! an alarm by name.

use ctrail_model::{Address, EdgeReason, ResourceKind};
use ctrail_spec::{AlarmAction, Spec, TopicRef};

use crate::sns::shared::topic_arn;
use crate::{Compare, Desired, Kind, Names, Rules, Security};

crate::attributes! {
    pub struct MetricAlarm {
        pub alarm_name: Option<String>,
        pub alarm_description: Option<String>,
        pub metric_name: Option<String>,
        pub namespace: Option<String>,
        pub statistic: Option<String>,
        pub period: Option<i32>,
        pub evaluation_periods: Option<i32>,
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
            (
                "threshold",
                "when a security alarm fires",
                Security::AnyChange,
            ),
            (
                "comparison_operator",
                "when a security alarm fires",
                Security::AnyChange,
            ),
            ("period", "when a security alarm fires", Security::AnyChange),
            (
                "evaluation_periods",
                "when a security alarm fires",
                Security::AnyChange,
            ),
            (
                "statistic",
                "when a security alarm fires",
                Security::AnyChange,
            ),
            (
                "alarm_actions",
                "who a security alarm notifies",
                Security::AnyChange,
            ),
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
        let count = |n: u32| Some(i32::try_from(n).unwrap_or(i32::MAX));
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
                    period: count(a.period),
                    evaluation_periods: count(a.evaluation_periods),
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

#[cfg(feature = "aws")]
mod aws {
    use aws_sdk_cloudwatch::operation::put_metric_alarm::builders::PutMetricAlarmFluentBuilder;
    use aws_sdk_cloudwatch::types::{
        AlarmType, ComparisonOperator, MetricAlarm as Live, Statistic,
    };

    use super::MetricAlarm;
    use crate::aws::{Api, Cx, Done, Found, ReadCx, ReadError, Step, read_error};

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
                period: a.period(),
                evaluation_periods: a.evaluation_periods(),
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
            let c = &rcx.clients.cloudwatch;
            let reads = names.chunks(100).map(|chunk| async move {
                let mut live: Vec<Live> = Vec::new();
                let mut pages = c
                    .describe_alarms()
                    .set_alarm_names(Some(chunk.to_vec()))
                    .alarm_types(AlarmType::MetricAlarm)
                    .into_paginator()
                    .send();
                while let Some(page) = pages.next().await {
                    let page = page.map_err(|e| read_error("cloudwatch:DescribeAlarms", e))?;
                    live.extend(page.metric_alarms().iter().cloned());
                }
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
            let req = step.want.request(&cx.clients.cloudwatch, step.name);
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
        /// PutMetricAlarm for this alarm.
        pub(crate) fn request(
            &self,
            c: &aws_sdk_cloudwatch::Client,
            name: &str,
        ) -> PutMetricAlarmFluentBuilder {
            let w = self;
            c.put_metric_alarm()
                .alarm_name(name)
                .set_alarm_description(w.alarm_description.clone())
                .metric_name(w.metric_name.clone().unwrap_or_default())
                .namespace(w.namespace.clone().unwrap_or_default())
                .statistic(Statistic::from(w.statistic.as_deref().unwrap_or_default()))
                .set_period(w.period)
                .set_evaluation_periods(w.evaluation_periods)
                .set_threshold(w.threshold)
                .comparison_operator(ComparisonOperator::from(
                    w.comparison_operator.as_deref().unwrap_or_default(),
                ))
                .treat_missing_data(&w.treat_missing_data)
                .actions_enabled(true)
                .set_alarm_actions(Some(w.alarm_actions.clone()))
        }
    }
}
