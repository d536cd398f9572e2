//! The trail's notification topic, its tags and ctrail's statement in its policy.

use aws_sdk_sns::Client;
use ctrail_graph::{Address, ResourceGraph, ResourceKind as K, canonical};
use serde_json::{Value, json};

use super::{Found, all_absent, desired_str, names};
use crate::Observed;
use crate::context::Pending;
use crate::error::{ReadError, absent_if_not_found};
use ctrail_policy::shared::owned_statements;

pub(crate) async fn read(
    c: &Client,
    graph: &ResourceGraph,
    cx: &Pending<'_>,
) -> Result<Found, ReadError> {
    let mut found = Vec::new();
    let names = names(graph, K::SnsTopic);
    if names.is_empty() {
        return Ok(found);
    }
    // A topic's ARN holds the account id.
    let ready = cx.clone().await?;
    let graph = &ready.desired;
    for topic in names {
        let arn = desired_str(graph, K::SnsTopic, &topic, "arn").unwrap_or_default();
        let (attrs, tag_list) = tokio::join!(
            c.get_topic_attributes().topic_arn(&arn).send(),
            c.list_tags_for_resource().resource_arn(&arn).send(),
        );
        let Some(attrs) = absent_if_not_found("sns:GetTopicAttributes", attrs, &[])? else {
            found.extend(all_absent(&topic, &[K::SnsTopic, K::SnsTopicPolicy]));
            continue;
        };
        let tag_list = absent_if_not_found("sns:ListTagsForResource", tag_list, &[])?;
        let tags: std::collections::BTreeMap<&str, &str> = tag_list
            .as_ref()
            .map(|t| t.tags().iter().map(|t| (t.key(), t.value())).collect())
            .unwrap_or_default();
        let policy = attrs
            .attributes()
            .and_then(|a| a.get("Policy"))
            .and_then(|p| canonical::parse_policy(p))
            .unwrap_or(Value::Null);
        found.push((
            Address::new(K::SnsTopic, &topic),
            Observed::Present(json!({ "name": topic, "arn": arn, "tags": tags })),
        ));
        found.push((
            Address::new(K::SnsTopicPolicy, &topic),
            // `_document`: the whole policy, for the preflight.
            Observed::Present(json!({
                "topic_arn": arn,
                "statements": owned_statements(&policy),
                "_document": policy,
            })),
        ));
    }
    Ok(found)
}
