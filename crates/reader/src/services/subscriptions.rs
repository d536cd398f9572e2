//! Email subscriptions to the alert topic: one ListSubscriptionsByTopic per
//! topic. A subscription the recipient has not confirmed yet is present, and
//! marked `_pending_confirmation` (an observation, never diffed).

use aws_sdk_sns::Client;
use aws_sdk_sns::types::Subscription;
use ctrail_graph::{ResourceGraph, ResourceKind as K};
use serde_json::json;

use super::{Found, desired_str, grouped_by, join_found, match_live, names};
use crate::context::Pending;
use crate::error::{ReadError, absent_if_not_found};

pub(crate) async fn read(
    c: &Client,
    graph: &ResourceGraph,
    cx: &Pending<'_>,
) -> Result<Found, ReadError> {
    if names(graph, K::SnsSubscription).is_empty() {
        return Ok(Vec::new());
    }
    // A topic's ARN holds the account id.
    let ready = cx.clone().await?;
    let graph = &ready.desired;
    let by_topic = grouped_by(graph, K::SnsSubscription, "topic_arn");
    join_found(by_topic.iter().map(|(topic, wanted)| async move {
        let live = list(c, topic).await?;
        let wants = |name: &str, attr: &str| {
            desired_str(graph, K::SnsSubscription, name, attr).unwrap_or_default()
        };
        Ok(match_live(
            K::SnsSubscription,
            wanted,
            &live,
            |name, s| {
                s.endpoint() == Some(wants(name, "endpoint").as_str())
                    && s.protocol() == Some(wants(name, "protocol").as_str())
            },
            |s| {
                json!({
                    "topic_arn": topic,
                    "protocol": s.protocol(),
                    "endpoint": s.endpoint(),
                    "_pending_confirmation": s.subscription_arn() == Some("PendingConfirmation"),
                })
            },
        ))
    }))
    .await
}

async fn list(c: &Client, topic: &str) -> Result<Vec<Subscription>, ReadError> {
    let mut out = Vec::new();
    let mut token = None;
    loop {
        let page = c
            .list_subscriptions_by_topic()
            .topic_arn(topic)
            .set_next_token(token)
            .send()
            .await;
        let Some(page) = absent_if_not_found("sns:ListSubscriptionsByTopic", page, &[])? else {
            return Ok(out);
        };
        out.extend(page.subscriptions().iter().cloned());
        match page.next_token() {
            Some(t) if !t.is_empty() => token = Some(t.to_owned()),
            _ => return Ok(out),
        }
    }
}
