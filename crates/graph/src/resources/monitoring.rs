//! Security monitoring: metric filters on the trail's log group, an alarm on
//! each filter's metric, the alert topic with its email subscriptions, and
//! Logs Insights saved queries.

use serde_json::{Value, json};

use super::add;
use super::sns::{topic_arn, topic_name};
use crate::graph::{EdgeReason, GraphError, ResourceGraph};
use ctrail_model::ResourceKind;
use ctrail_spec::{Alarm, AlarmAction, MetricFilter, Spec, TopicRef};

pub(crate) fn add_all(g: &mut ResourceGraph, spec: &Spec) -> Result<(), GraphError> {
    let m = &spec.monitoring;
    let Some(logs) = &spec.cloudwatch_logs else {
        return Ok(());
    };
    let group = super::logs::address(logs);

    let mut topic = None;
    if let Some(t) = &m.alert_topic {
        let (TopicRef::Name(written) | TopicRef::Arn(written)) = &t.topic;
        let arn = topic_arn(spec, written);
        let managed = match &t.topic {
            TopicRef::Name(n) => Some(add(
                g,
                ResourceKind::SnsTopic,
                n,
                json!({ "name": n, "arn": arn, "tags": spec.tags }),
            )?),
            TopicRef::Arn(_) => None,
        };
        for email in &t.emails {
            let desired = json!({ "topic_arn": arn, "protocol": "email", "endpoint": email });
            let name = format!("{}/{email}", topic_name(written));
            let sub = add(g, ResourceKind::SnsSubscription, &name, desired)?;
            if let Some(parent) = &managed {
                g.depend(parent, &sub, EdgeReason::PartOf)?;
            }
        }
        topic = Some((arn, managed));
    }

    for f in &m.metric_filters {
        let filter = add(
            g,
            ResourceKind::MetricFilter,
            &f.name,
            filter_value(&logs.log_group, f),
        )?;
        g.depend(&group, &filter, EdgeReason::References)?;
        if let Some(a) = &f.alarm {
            let arn = topic.as_ref().map(|(arn, _)| arn.as_str());
            // Named on its own, not after the filter.
            let alarm = add(
                g,
                ResourceKind::MetricAlarm,
                &a.name,
                alarm_value(f, a, arn),
            )?;
            g.depend(&filter, &alarm, EdgeReason::Watches)?;
            if let Some((_, Some(t))) = &topic
                && a.actions.contains(&AlarmAction::AlertTopic)
            {
                g.depend(t, &alarm, EdgeReason::Notifies)?;
            }
        }
    }

    for q in &m.queries {
        // The spec keeps log groups sorted and unique, as the reader does.
        let query = add(
            g,
            ResourceKind::QueryDefinition,
            &q.name,
            json!({ "name": q.name, "query_string": q.query, "log_group_names": q.log_groups }),
        )?;
        if q.log_groups.contains(&logs.log_group) {
            g.depend(&group, &query, EdgeReason::References)?;
        }
    }
    Ok(())
}

fn filter_value(log_group: &str, f: &MetricFilter) -> Value {
    json!({
        "log_group_name": log_group,
        "filter_name": f.name,
        "filter_pattern": f.pattern,
        "metric_name": f.metric_name,
        "metric_namespace": f.metric_namespace,
        "metric_value": f.metric_value,
    })
}

fn alarm_value(f: &MetricFilter, a: &Alarm, alert_topic: Option<&str>) -> Value {
    let mut actions: Vec<String> = a
        .actions
        .iter()
        .filter_map(|x| match x {
            AlarmAction::AlertTopic => alert_topic.map(str::to_owned),
            AlarmAction::Arn(arn) => Some(arn.clone()),
        })
        .collect();
    actions.sort();
    actions.dedup();
    json!({
        "alarm_name": a.name,
        "alarm_description": a.description,
        "metric_name": f.metric_name,
        "namespace": f.metric_namespace,
        "statistic": a.statistic,
        "period": a.period,
        "evaluation_periods": a.evaluation_periods,
        "threshold": a.threshold,
        "comparison_operator": a.comparison,
        "treat_missing_data": a.treat_missing_data,
        "alarm_actions": actions,
    })
}
