//! The SNS topic notified of log file deliveries, and its policy statement.

use serde_json::json;

use super::{add, add_part};
use crate::canonical;
use crate::graph::{GraphError, ResourceGraph};
use crate::policies::{self, Names};
use ctrail_model::placeholder::Placeholder;
use ctrail_model::{Address, ResourceKind};
use ctrail_spec::Spec;

/// The topic's name, whether the spec gave a name or an ARN.
pub(crate) fn topic_name(topic: &str) -> &str {
    topic.rsplit(':').next().unwrap_or(topic)
}

/// A topic's ARN, given its ARN or its name (in the spec's account, which
/// the placeholder stands for until the reader knows it).
pub(crate) fn topic_arn(spec: &Spec, topic: &str) -> String {
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

pub(crate) fn policy_address(spec: &Spec) -> Option<Address> {
    let topic = spec.trail.sns_topic.as_deref()?;
    Some(Address::new(
        ResourceKind::SnsTopicPolicy,
        topic_name(topic),
    ))
}

pub(crate) fn add_topic(
    g: &mut ResourceGraph,
    spec: &Spec,
    names: &Names<'_>,
) -> Result<(), GraphError> {
    let Some(topic) = spec.trail.sns_topic.as_deref() else {
        return Ok(());
    };
    let name = topic_name(topic);
    let arn = topic_arn(spec, topic);
    let t = add(
        g,
        ResourceKind::SnsTopic,
        name,
        json!({ "name": name, "arn": arn, "tags": spec.tags }),
    )?;
    add_part(
        g,
        &t,
        ResourceKind::SnsTopicPolicy,
        json!({
            "topic_arn": arn,
            "statements": canonical::policy(&policies::sns_topic_statements(names, &arn)),
        }),
    )?;
    Ok(())
}
