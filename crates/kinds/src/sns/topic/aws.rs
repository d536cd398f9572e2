//! The AWS calls of `sns::topic` (feature `aws`): what it reads, puts and
//! deletes, and how; what the values mean is in the parent module.

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
            let arn = rcx.resolved_field(&name, "arn", |t: Topic| t.arn).await?;
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
