//! Security monitoring: metric filters on the trail's log group, an alarm on
//! each filter's metric, the alert topic with its email subscriptions, and
//! Logs Insights saved queries.

use serde_json::{Value, json};

use super::add as add_resource;
use crate::address::{Address, ResourceKind};
use crate::graph::{EdgeReason, GraphError, ResourceGraph};
use crate::placeholder::Placeholder;
use ctrail_spec::{Alarm, AlarmAction, MetricFilter, Spec, TopicRef};

/// The alert topic's ARN (with the account placeholder for a topic by name).
pub(crate) fn topic_arn(spec: &Spec, topic: &TopicRef) -> String {
    match topic {
        TopicRef::Arn(a) => a.clone(),
        TopicRef::Name(n) => format!(
            "arn:{}:sns:{}:{}:{n}",
            spec.partition,
            spec.region,
            Placeholder::AccountId.token()
        ),
    }
}

pub(crate) fn add_all(g: &mut ResourceGraph, spec: &Spec) -> Result<(), GraphError> {
    let m = &spec.monitoring;
    let Some(logs) = &spec.cloudwatch_logs else {
        return Ok(());
    };
    let group = super::logs::address(logs);

    let mut topic = None;
    if let Some(t) = &m.alert_topic {
        let arn = topic_arn(spec, &t.topic);
        let managed = match &t.topic {
            TopicRef::Name(n) => Some(add_resource(
                g,
                ResourceKind::SnsTopic,
                n,
                json!({ "name": n, "arn": arn, "tags": spec.tags }),
            )?),
            TopicRef::Arn(_) => None,
        };
        for email in &t.emails {
            let desired = json!({ "topic_arn": arn, "protocol": "email", "endpoint": email });
            let name = format!("{}/{email}", t.topic.name());
            match &managed {
                Some(parent) => {
                    let sub = add_resource(g, ResourceKind::SnsSubscription, &name, desired)?;
                    g.depend(parent, &sub, EdgeReason::PartOf)?;
                }
                None => {
                    add_resource(g, ResourceKind::SnsSubscription, &name, desired)?;
                }
            }
        }
        topic = Some((arn, managed));
    }

    for f in &m.metric_filters {
        let filter = add_resource(
            g,
            ResourceKind::MetricFilter,
            &f.name,
            filter_value(&logs.log_group, f),
        )?;
        g.depend(&group, &filter, EdgeReason::References)?;
        if let Some(a) = &f.alarm {
            let arn = topic.as_ref().map(|(arn, _)| arn.as_str());
            let alarm = add_part_named(g, &filter, &a.name, alarm_value(f, a, arn))?;
            if let Some((_, Some(t))) = &topic
                && a.actions.contains(&AlarmAction::AlertTopic)
            {
                g.depend(t, &alarm, EdgeReason::Notifies)?;
            }
        }
    }

    for q in &m.queries {
        let mut groups = q.log_groups.clone();
        groups.sort();
        let query = add_resource(
            g,
            ResourceKind::QueryDefinition,
            &q.name,
            json!({ "name": q.name, "query_string": q.query, "log_group_names": groups }),
        )?;
        if q.log_groups.contains(&logs.log_group) {
            g.depend(&group, &query, EdgeReason::References)?;
        }
    }
    Ok(())
}

/// The alarm is named on its own, not after the filter.
fn add_part_named(
    g: &mut ResourceGraph,
    filter: &Address,
    name: &str,
    desired: Value,
) -> Result<Address, GraphError> {
    let alarm = add_resource(g, ResourceKind::MetricAlarm, name, desired)?;
    g.depend(filter, &alarm, EdgeReason::Watches)?;
    Ok(alarm)
}

pub(crate) fn filter_value(log_group: &str, f: &MetricFilter) -> Value {
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
