//! `sns_subscription`: an email subscription to the alert topic. Subscribe
//! is idempotent for the same endpoint; the subscription stays pending until
//! its owner confirms it, which plans show as a note (never a change).

use ctrail_model::ResourceKind;
use ctrail_spec::{Spec, TopicRef};

use crate::sns::shared::{topic_arn, topic_name};
use crate::{Desired, Kind, Names};

#[cfg(feature = "aws")]
mod aws;
#[cfg(feature = "aws")]
pub use aws::of_topic;

crate::attributes! {
    pub struct Subscription {
        pub topic_arn: String,
        pub protocol: String,
        pub endpoint: String,
        /// Not confirmed by its owner yet (an observation, never diffed).
        #[serde(
            rename = "_pending_confirmation",
            default,
            skip_serializing_if = "Option::is_none"
        )]
        pub pending_confirmation: Option<bool>,
    }
}

impl Kind for Subscription {
    const STANDING: crate::Standing = crate::Standing::Resource { prunable: true };

    fn desired(spec: &Spec, _: &Names<'_>) -> Vec<Desired<Self>> {
        let Some(t) = spec.monitoring.alert_topic.as_ref() else {
            return Vec::new();
        };
        if spec.cloudwatch_logs.is_none() {
            return Vec::new();
        }
        let (TopicRef::Name(written) | TopicRef::Arn(written)) = &t.topic;
        let arn = topic_arn(spec, written);
        t.emails
            .iter()
            .map(|email| {
                let d = Desired::new(
                    format!("{}/{email}", topic_name(written)),
                    Subscription {
                        topic_arn: arn.clone(),
                        protocol: "email".into(),
                        endpoint: email.clone(),
                        pending_confirmation: None,
                    },
                );
                match &t.topic {
                    TopicRef::Name(n) => d.after(
                        ctrail_model::Address::new(ResourceKind::SnsTopic, n),
                        ctrail_model::EdgeReason::PartOf,
                    ),
                    TopicRef::Arn(_) => d,
                }
            })
            .collect()
    }

    fn on_create(&self) -> Vec<String> {
        vec![format!(
            "SNS emails {} a confirmation link; alerts reach it only after it is confirmed (pending confirmation until then)",
            self.endpoint
        )]
    }

    fn on_live(&self) -> Vec<String> {
        if self.pending_confirmation == Some(true) {
            vec![format!(
                "pending confirmation: {} has not confirmed the subscription, so it receives no alerts yet",
                self.endpoint
            )]
        } else {
            Vec::new()
        }
    }
}

/// A subscription as ListSubscriptionsByTopic lists it.
#[derive(Debug, Clone, PartialEq)]
pub struct Listed {
    pub subscription: Subscription,
    /// Its owner confirmed it: it has an ARN (SNS lists one not yet
    /// confirmed with the ARN `PendingConfirmation`).
    pub confirmed: bool,
}
