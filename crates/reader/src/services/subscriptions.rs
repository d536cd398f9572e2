//! Email subscriptions to the alert topic: one ListSubscriptionsByTopic per
//! topic. A subscription the recipient has not confirmed yet is present, and
//! marked `_pending_confirmation` (an observation, never diffed).

use std::collections::BTreeMap;

use aws_sdk_sns::Client;
use aws_sdk_sns::types::Subscription;
use ctrail_graph::{Address, ResourceGraph, ResourceKind as K};
use serde_json::json;

use super::{Found, desired_str, names};
use crate::Observed;
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
    let mut by_topic: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for name in names(graph, K::SnsSubscription) {
        let topic = desired_str(graph, K::SnsSubscription, &name, "topic_arn").unwrap_or_default();
        by_topic.entry(topic).or_default().push(name);
    }
    let reads = by_topic.iter().map(|(topic, wanted)| async move {
        let live = list(c, topic).await?;
        Ok::<Found, ReadError>(
            wanted
                .iter()
                .map(|name| {
                    let endpoint =
                        desired_str(graph, K::SnsSubscription, name, "endpoint").unwrap_or_default();
                    let protocol =
                        desired_str(graph, K::SnsSubscription, name, "protocol").unwrap_or_default();
                    let found = live.iter().find(|s| {
                        s.endpoint() == Some(endpoint.as_str())
                            && s.protocol() == Some(protocol.as_str())
                    });
                    let observed = match found {
                        Some(s) => Observed::Present(json!({
                            "topic_arn": topic,
                            "protocol": s.protocol(),
                            "endpoint": s.endpoint(),
                            "_pending_confirmation": s.subscription_arn() == Some("PendingConfirmation"),
                        })),
                        None => Observed::Absent,
                    };
                    (Address::new(K::SnsSubscription, name), observed)
                })
                .collect(),
        )
    });
    let mut found = Vec::new();
    for r in futures::future::join_all(reads).await {
        found.extend(r?);
    }
    Ok(found)
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
