//! `sns_topic`: a topic ctrail creates: the trail's delivery notifications
//! (`trail.sns_topic`) or the alert topic alarms notify (by name). The alert
//! topic is encrypted with the spec's KMS key (SSE-KMS, `KmsMasterKeyId`)
//! unless the spec says otherwise; the key policy then lets CloudWatch
//! alarms use the key (`kms_key_policy`, docs/aws-rules.md).

use std::collections::BTreeMap;

use ctrail_model::placeholder::Placeholder;
use ctrail_model::{Address, EdgeReason, ResourceKind};
use ctrail_spec::{Spec, TopicRef};

use crate::sns::shared::{topic_arn, topic_name};
use crate::sns::subscription::Subscription;
use crate::{Desired, ImportCx, Kind, Names, Rules, SpecField, rank};

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
            let mut d = topic(n, key);
            // Alarms publish through the key only once its policy lets them.
            if let Some(k) = spec
                .kms
                .as_ref()
                .filter(|k| k.manage_key_policy && alert.encrypted)
            {
                d = d.after(
                    Address::new(ResourceKind::KmsKeyPolicy, k.key.as_str()),
                    EdgeReason::KeyPolicyChecked,
                );
            }
            out.push(d);
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

#[cfg(feature = "aws")]
mod aws {
    use std::collections::BTreeMap;

    use aws_sdk_sns::types::Tag;

    use super::Topic;
    use crate::aws::KeyForms;
    use crate::aws::{
        Api, CallError, Cx, Done, Found, ReadCx, Step, TagChange, absent_if_not_found, if_exists,
    };
    use crate::sns::shared::attributes;

    /// The topic attribute that names its SSE-KMS key.
    const KMS_KEY: &str = "KmsMasterKeyId";
    use crate::tags::aws_tags;

    impl Topic {
        pub(crate) fn from_aws(
            name: &str,
            arn: &str,
            tags: &[Tag],
            key: Option<&str>,
            keys: &KeyForms,
        ) -> Self {
            let pairs = tags.iter().map(|t| (t.key(), t.value()));
            Topic {
                name: name.to_owned(),
                arn: arn.to_owned(),
                tags: crate::tags::from_pairs(pairs),
                kms_master_key_id: keys.normalise(key.filter(|k| !k.is_empty())),
            }
        }

        /// The tags CreateTopic and TagResource send.
        pub(crate) fn to_aws(set: &BTreeMap<String, String>) -> Result<Vec<Tag>, CallError> {
            let tag = |k: &str, v: &str| Tag::builder().key(k).value(v).build();
            aws_tags("sns:TagResource", set, tag)
        }
    }

    impl Api for Topic {
        async fn read(rcx: &ReadCx<'_>, names: &[String]) -> Found<Self> {
            let c = &rcx.clients.sns;
            rcx.each(names, |name| async move {
                // A topic's ARN holds the account id.
                let arn = rcx
                    .resolved::<Topic>(&name)
                    .await?
                    .map(|t| t.arn)
                    .unwrap_or_default();
                let tagged = c.list_tags_for_resource().resource_arn(&arn).send();
                let Some(tagged) = if_exists(attributes(rcx, &arn), tagged).await? else {
                    return Ok(None);
                };
                let tagged = absent_if_not_found("sns:ListTagsForResource", tagged, &[])?;
                let tags = tagged.as_ref().map(|t| t.tags()).unwrap_or_default();
                let attrs = attributes(rcx, &arn).await?.unwrap_or_default();
                let key = attrs.get(KMS_KEY).map(String::as_str);
                let ready = rcx.ready().await?;
                Ok(Some(Topic::from_aws(&name, &arn, tags, key, &ready.keys)))
            })
            .await
        }

        async fn put(cx: &Cx<'_>, step: &Step<'_, Self>) -> Done {
            let c = &cx.clients.sns;
            let tags = Topic::to_aws;
            let key = step.want.kms_master_key_id.clone();
            if step.creating() {
                // CreateTopic is idempotent for a topic with the same attributes.
                let tags = tags(&step.want.tags)?;
                let req = c
                    .create_topic()
                    .name(step.name)
                    .set_tags(Some(tags))
                    .set_attributes(key.map(|k| [(KMS_KEY.to_owned(), k)].into()));
                crate::send!(cx, "sns:CreateTopic", req).await?;
                return Ok("created");
            }
            let arn = &step.want.arn;
            if step.changes.iter().any(|ch| ch.path == "kms_master_key_id") {
                // An empty value turns SSE off.
                let req = c
                    .set_topic_attributes()
                    .topic_arn(arn)
                    .attribute_name(KMS_KEY)
                    .attribute_value(key.unwrap_or_default());
                crate::send!(cx, "sns:SetTopicAttributes", req).await?;
            }
            let change = TagChange::of(step, &step.want.tags);
            if !change.remove.is_empty() {
                let req = c
                    .untag_resource()
                    .resource_arn(arn)
                    .set_tag_keys(Some(change.remove));
                crate::send!(cx, "sns:UntagResource", req).await?;
            }
            let set = tags(&change.set)?;
            if !set.is_empty() {
                let req = c.tag_resource().resource_arn(arn).set_tags(Some(set));
                crate::send!(cx, "sns:TagResource", req).await?;
            }
            Ok("updated")
        }

        /// DeleteTopic (SNS answers success for a topic already gone).
        async fn delete(cx: &Cx<'_>, step: &Step<'_, Self>) -> Done {
            let req = cx.clients.sns.delete_topic().topic_arn(&step.want.arn);
            crate::delete!(cx, "sns:DeleteTopic", req, "deleted")
        }
    }
}
