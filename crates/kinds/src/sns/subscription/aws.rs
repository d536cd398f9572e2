//! The AWS calls of `sns::subscription` (feature `aws`): what it reads, puts and
//! deletes, and how; what the values mean is in the parent module.

use std::collections::BTreeMap;

use aws_sdk_sns::types::Subscription as Live;

use super::{Listed, Subscription};
use crate::aws::{Api, Clients, Cx, Done, Found, ReadCx, ReadError, Step, gone, read_error};

/// Every subscription to the topic, `None` when the topic does not
/// exist. Every read of ListSubscriptionsByTopic (Amazon SNS API
/// Reference, ListSubscriptionsByTopic,
/// https://docs.aws.amazon.com/sns/latest/api/API_ListSubscriptionsByTopic.html).
async fn listed(c: &aws_sdk_sns::Client, topic: &str) -> Result<Option<Vec<Live>>, ReadError> {
    let mut out = Vec::new();
    let mut pages = c
        .list_subscriptions_by_topic()
        .topic_arn(topic)
        .into_paginator()
        .send();
    while let Some(page) = pages.next().await {
        match page {
            Ok(p) => out.extend(p.subscriptions().iter().cloned()),
            Err(e)
                if crate::aws::error::is_not_found(
                    aws_smithy_types::error::metadata::ProvideErrorMetadata::code(&e),
                    &[],
                ) =>
            {
                return Ok(None);
            }
            Err(e) => return Err(read_error("sns:ListSubscriptionsByTopic", e)),
        }
    }
    Ok(Some(out))
}

/// Every subscription to the topic, whoever made it; `None` when the
/// topic does not exist.
pub async fn of_topic(c: &Clients, topic: &str) -> Result<Option<Vec<Listed>>, ReadError> {
    let live = listed(&c.sns, topic).await?;
    Ok(live.map(|subs| {
        subs.iter()
            .map(|s| Listed {
                subscription: Subscription::from_aws(topic, s),
                confirmed: s.subscription_arn().is_some_and(|a| a.starts_with("arn:")),
            })
            .collect()
    }))
}

/// Every subscription to the topic; none when the topic does not exist.
async fn list(c: &aws_sdk_sns::Client, topic: &str) -> Result<Vec<Live>, ReadError> {
    Ok(listed(c, topic).await?.unwrap_or_default())
}

fn matches(want: &Subscription, s: &Live) -> bool {
    s.endpoint() == Some(want.endpoint.as_str()) && s.protocol() == Some(want.protocol.as_str())
}

impl Subscription {
    /// A subscription its owner has not confirmed has the ARN
    /// `PendingConfirmation`.
    pub(crate) fn from_aws(topic: &str, s: &Live) -> Self {
        Subscription {
            topic_arn: topic.to_owned(),
            protocol: s.protocol().unwrap_or_default().to_owned(),
            endpoint: s.endpoint().unwrap_or_default().to_owned(),
            pending_confirmation: Some(s.subscription_arn() == Some("PendingConfirmation")),
        }
    }
}

impl Api for Subscription {
    async fn read(rcx: &ReadCx<'_>, names: &[String]) -> Found<Self> {
        // A topic's ARN holds the account id.
        let mut wanted: BTreeMap<String, Vec<(String, Subscription)>> = BTreeMap::new();
        for name in names {
            if let Some(w) = rcx.resolved::<Subscription>(name).await? {
                wanted
                    .entry(w.topic_arn.clone())
                    .or_default()
                    .push((name.clone(), w));
            }
        }
        let c = &rcx.clients.sns;
        let lists = futures::future::join_all(wanted.keys().map(|t| list(c, t))).await;
        let mut out = Vec::new();
        for ((topic, subs), live) in wanted.iter().zip(lists) {
            let live = live?;
            for (name, w) in subs {
                let found = live.iter().find(|s| matches(w, s));
                let found = found.map(|s| Subscription::from_aws(topic, s));
                out.push((name.clone(), found));
            }
        }
        Ok(out)
    }

    async fn put(cx: &Cx<'_>, step: &Step<'_, Self>) -> Done {
        let c = &cx.clients.sns;
        let w = &step.want;
        let req = c
            .subscribe()
            .topic_arn(&w.topic_arn)
            .protocol(&w.protocol)
            .endpoint(&w.endpoint);
        let out = crate::send!(cx, "sns:Subscribe", req).await?;
        Ok(match out.subscription_arn() {
            Some(a) if a.starts_with("arn:") => "subscribed",
            _ => "subscribed, pending confirmation by email",
        })
    }

    /// Unsubscribe. A subscription its owner has not confirmed has no
    /// ARN and cannot be removed; SNS deletes it once it expires.
    async fn delete(cx: &Cx<'_>, step: &Step<'_, Self>) -> Done {
        let c = &cx.clients.sns;
        let req = c
            .list_subscriptions_by_topic()
            .topic_arn(&step.want.topic_arn);
        let listed = crate::send!(cx, "sns:ListSubscriptionsByTopic", req).await;
        let subs = match listed {
            Ok(l) => l.subscriptions().to_vec(),
            Err(e) if gone(&e, &[]) => return Ok("already gone"),
            Err(e) => return Err(e),
        };
        let Some(found) = subs.iter().find(|s| matches(&step.want, s)) else {
            return Ok("already gone");
        };
        match found.subscription_arn() {
            Some(arn) if arn.starts_with("arn:") => {
                let req = c.unsubscribe().subscription_arn(arn);
                crate::send!(cx, "sns:Unsubscribe", req).await?;
                Ok("unsubscribed")
            }
            _ => Ok("pending confirmation: cannot be removed until SNS expires it"),
        }
    }
}
