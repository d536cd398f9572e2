//! The trail's notification topic and ctrail's statement in its policy.

use aws_sdk_sns::types::Tag;
use serde_json::Value;

use super::{Cx, Step, aws, merge_owned_statements, refuse};
use crate::retry::CallError;

pub(crate) async fn topic(cx: &Cx<'_>, step: &Step) -> Result<&'static str, CallError> {
    let c = &cx.clients.sns;
    let arn = step.str("arn").unwrap_or_default().to_owned();
    let tags = step
        .desired
        .get("tags")
        .and_then(Value::as_object)
        .map(|m| {
            m.iter()
                .map(|(k, v)| {
                    Tag::builder()
                        .key(k)
                        .value(v.as_str().unwrap_or_default())
                        .build()
                })
                .collect::<Result<Vec<_>, _>>()
        })
        .transpose()
        .map_err(|e| refuse("sns:TagResource", e.to_string()))?
        .unwrap_or_default();
    if step.creating() {
        // CreateTopic is idempotent for a topic with the same attributes.
        aws!(
            cx,
            "sns:CreateTopic",
            c.create_topic()
                .name(step.name())
                .set_tags(Some(tags.clone()))
                .send()
        )
        .await?;
        return Ok("created");
    }
    let remove: Vec<String> = step.tags_to_remove();
    if !remove.is_empty() {
        aws!(
            cx,
            "sns:UntagResource",
            c.untag_resource()
                .resource_arn(&arn)
                .set_tag_keys(Some(remove.clone()))
                .send()
        )
        .await?;
    }
    if !tags.is_empty() {
        aws!(
            cx,
            "sns:TagResource",
            c.tag_resource()
                .resource_arn(&arn)
                .set_tags(Some(tags.clone()))
                .send()
        )
        .await?;
    }
    Ok("updated")
}

pub(crate) async fn topic_policy(cx: &Cx<'_>, step: &Step) -> Result<&'static str, CallError> {
    let c = &cx.clients.sns;
    let arn = step.str("topic_arn").unwrap_or_default().to_owned();
    let current = aws!(
        cx,
        "sns:GetTopicAttributes",
        c.get_topic_attributes().topic_arn(&arn).send()
    )
    .await?;
    let policy = current
        .attributes()
        .and_then(|a| a.get("Policy"))
        .map(String::as_str);
    let merged = merge_owned_statements(
        policy,
        step.desired.get("statements").unwrap_or(&Value::Null),
    )
    .map_err(|e| refuse("sns:SetTopicAttributes", e))?;
    aws!(
        cx,
        "sns:SetTopicAttributes",
        c.set_topic_attributes()
            .topic_arn(&arn)
            .attribute_name("Policy")
            .attribute_value(&merged)
            .send()
    )
    .await?;
    Ok("statement set")
}
