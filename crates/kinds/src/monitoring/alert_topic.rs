//! Which topic an imported spec takes as its alert topic
//! (`monitoring.alert_topic`): the one most of the alarms read notify
//! alone, of the trail's account and region, when taking it over changes
//! nothing more than the alarms' actions written as found would (its tags
//! are the spec's, and it is encrypted with the trail's key or not at all).

use std::collections::BTreeMap;

use ctrail_model::placeholder::Placeholder;

use crate::ImportCx;
use crate::monitoring::metric_alarm::MetricAlarm;
use crate::sns::topic::Topic;

/// The alert topic's ARN and the topic as read, if one is taken.
pub fn chosen(cx: &ImportCx<'_>) -> Option<(String, Topic)> {
    let mut counts: BTreeMap<String, usize> = BTreeMap::new();
    for (_, alarm) in cx.all::<MetricAlarm>() {
        if let [arn] = alarm.alarm_actions.as_slice() {
            *counts.entry(arn.clone()).or_default() += 1;
        }
    }
    let (arn, _) = counts.into_iter().max_by_key(|(_, n)| *n)?;
    let here = format!(":{}:{}:", cx.names.region, cx.account_id());
    if !arn.contains(&here) {
        return None;
    }
    let topic = cx.live::<Topic>(ctrail_model::arn::last_part(&arn))?;
    let key = cx.resolved(Placeholder::KmsKeyArn.token().into());
    let encrypted_as_spec_can_say = match topic.kms_master_key_id.as_deref() {
        None => true,
        Some(k) => cx.trail.kms_key_id.is_some() && Some(k) == key.as_str(),
    };
    let tags = crate::tags::spec_tags(&topic.tags) == cx.spec_tags();
    (topic.arn == arn && encrypted_as_spec_can_say && tags).then_some((arn, topic))
}
