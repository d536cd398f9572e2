//! `sns_topic`: a topic ctrail creates: the trail's delivery notifications
//! (`trail.sns_topic`) or the alert topic alarms notify (by name). The alert
//! topic is encrypted with the spec's KMS key (SSE-KMS, `KmsMasterKeyId`)
//! unless the spec says otherwise; the key policy then lets CloudWatch
//! alarms use the key (`kms_key_policy`, docs/aws-rules.md).

use std::collections::BTreeMap;

use ctrail_model::placeholder::Placeholder;
use ctrail_spec::{Spec, TopicRef};

use crate::sns::shared::{topic_arn, topic_name};
use crate::sns::subscription::Subscription;
use crate::{Desired, ImportCx, Kind, Names, Rules, SpecField, rank};

#[cfg(feature = "aws")]
mod aws;

crate::attributes! {
    pub struct Topic {
        pub name: String,
        pub arn: String,
        pub tags: BTreeMap<String, String>,
        /// The key SNS encrypts messages at rest with; `None`: unencrypted.
        #[serde(default)]
        pub kms_master_key_id: Option<String>,
    }
}

impl Kind for Topic {
    const STANDING: crate::Standing = crate::Standing::Resource { prunable: true };

    fn desired(spec: &Spec, _: &Names<'_>) -> Vec<Desired<Self>> {
        let topic = |written: &str, key: Option<String>| {
            let name = topic_name(written);
            Desired::new(
                name,
                Topic {
                    name: name.to_owned(),
                    arn: topic_arn(spec, written),
                    tags: spec.tags.clone(),
                    kms_master_key_id: key,
                },
            )
        };
        let mut out = Vec::new();
        if let Some(t) = spec.trail.sns_topic.as_deref() {
            out.push(topic(t, None));
        }
        if spec.cloudwatch_logs.is_some()
            && let Some(alert) = spec.monitoring.alert_topic.as_ref()
            && let TopicRef::Name(n) = &alert.topic
        {
            let key = alert
                .encrypted
                .then(|| Placeholder::KmsKeyArn.token().to_owned());
            // Alarms publish through the key only once its policy lets them.
            out.push(topic(n, key).after_key_policy(spec, alert.encrypted));
        }
        out
    }

    /// The alert topic (`monitoring::alert_topic::chosen`) with its email
    /// subscribers; `encrypted: false` when the trail has a key the topic
    /// is not encrypted with.
    fn import(&self, _name: &str, cx: &ImportCx<'_>) -> Vec<SpecField> {
        match crate::monitoring::alert_topic::chosen(cx) {
            Some((arn, _)) if arn == self.arn => {}
            _ => return Vec::new(),
        }
        let mut emails: Vec<String> = cx
            .all::<Subscription>()
            .into_iter()
            .filter(|(_, s)| s.topic_arn == self.arn && s.protocol == "email")
            .map(|(_, s)| s.endpoint)
            .collect();
        emails.sort();
        emails.dedup();
        let mut topic = serde_json::json!({"name": self.name});
        if !emails.is_empty() {
            topic["emails"] = emails.into();
        }
        if cx.trail.kms_key_id.is_some() && self.kms_master_key_id.is_none() {
            topic["encrypted"] = false.into();
        }
        vec![SpecField::new(
            ctrail_spec::fields::MONITORING_ALERT_TOPIC,
            topic,
            "found: most alarms notify this topic",
        )]
    }

    const RULES: Rules = crate::ranked!(
        "kms_master_key_id",
        "encryption of the topic's messages at rest",
        rank::present
    );
}
