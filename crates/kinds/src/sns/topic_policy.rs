//! `sns_topic_policy`: ctrail's statement in the trail topic's policy,
//! letting CloudTrail publish (policies.rs cites the AWS page); the topic's
//! other statements are kept as they are. The whole live policy is the
//! observation `_document`, for the preflight.

use ctrail_model::ResourceKind;
use ctrail_policy::canonical;
use ctrail_spec::Spec;
use serde_json::Value;

use crate::sns::shared::{topic_arn, topic_name};
use crate::{Compare, Desired, Kind, Names, Rules, any_change, policies};

#[cfg(feature = "aws")]
mod aws;

crate::attributes! {
    pub struct TopicPolicy {
        pub topic_arn: String,
        pub statements: Value,
        #[serde(rename = "_document", default, skip_serializing_if = "Option::is_none")]
        pub document: Option<Value>,
    }
}

impl Kind for TopicPolicy {
    const RULES: Rules = Rules::NONE
        .compare_by(&[("statements", Compare::Policy)])
        .security_relevant(&[any_change("statements", "who may publish to the topic")]);

    fn desired(spec: &Spec, names: &Names<'_>) -> Vec<Desired<Self>> {
        let Some(topic) = spec.trail.sns_topic.as_deref() else {
            return Vec::new();
        };
        let arn = topic_arn(spec, topic);
        let statements = canonical::policy(&policies::sns_topic_statements(names, &arn));
        vec![
            Desired::new(
                topic_name(topic),
                TopicPolicy {
                    topic_arn: arn,
                    statements,
                    document: None,
                },
            )
            .part_of(ResourceKind::SnsTopic),
        ]
    }
}
