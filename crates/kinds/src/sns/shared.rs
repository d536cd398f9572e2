//! What the topics' kinds share: names and ARNs, and the topic's attributes
//! read once.

use ctrail_model::placeholder::Placeholder;
use ctrail_spec::Spec;

/// The topic's name, whether the spec gave a name or an ARN.
pub fn topic_name(topic: &str) -> &str {
    ctrail_model::arn::last_part(topic)
}

/// A topic's ARN, given its ARN or its name (in the spec's account, which
/// the placeholder stands for until the reader knows it).
pub fn topic_arn(spec: &Spec, topic: &str) -> String {
    if topic.starts_with("arn:") {
        return topic.to_owned();
    }
    format!(
        "arn:{}:sns:{}:{}:{topic}",
        spec.partition,
        spec.region,
        Placeholder::AccountId.token()
    )
}

/// The topic's attributes, `None` when it does not exist
/// (GetTopicAttributes, made once however many of its kinds ask).
#[cfg(feature = "aws")]
pub(crate) async fn attributes(
    rcx: &crate::aws::ReadCx<'_>,
    arn: &str,
) -> Result<Option<std::collections::HashMap<String, String>>, crate::aws::ReadError> {
    let got = || rcx.clients.sns.get_topic_attributes().topic_arn(arn).send();
    let pick = |a: aws_sdk_sns::operation::get_topic_attributes::GetTopicAttributesOutput| {
        Some(a.attributes().cloned().unwrap_or_default())
    };
    rcx.found_once("sns:GetTopicAttributes", arn, got, pick)
        .await
}
