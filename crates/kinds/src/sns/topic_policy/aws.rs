//! The AWS calls of `sns::topic_policy` (feature `aws`): what it reads, puts and
//! deletes, and how; what the values mean is in the parent module.

use serde_json::{Value, json};

use super::TopicPolicy;
use crate::aws::{
    Api, CallError, Cx, Done, Found, ReadCx, Step, deleted, merge_owned_statements, owned_of,
    refuse,
};
use crate::sns::shared::attributes;

async fn swap(cx: &Cx<'_>, arn: &str, owned: &Value) -> Result<(), CallError> {
    let c = &cx.clients.sns;
    let req = c.get_topic_attributes().topic_arn(arn);
    let current = crate::send!(cx, "sns:GetTopicAttributes", req).await?;
    let policy = current
        .attributes()
        .and_then(|a| a.get("Policy"))
        .map(String::as_str);
    let merged = merge_owned_statements(policy, owned)
        .map_err(|e| refuse("sns:SetTopicAttributes", e.to_string()))?;
    let req = c
        .set_topic_attributes()
        .topic_arn(arn)
        .attribute_name("Policy")
        .attribute_value(&merged);
    crate::send!(cx, "sns:SetTopicAttributes", req).await?;
    Ok(())
}

impl TopicPolicy {
    /// From the topic's `Policy` attribute (GetTopicAttributes).
    pub(crate) fn from_aws(arn: &str, policy: Option<&str>) -> Self {
        let (statements, document) = owned_of(policy);
        TopicPolicy {
            topic_arn: arn.to_owned(),
            statements,
            document,
        }
    }
}

impl Api for TopicPolicy {
    async fn read(rcx: &ReadCx<'_>, names: &[String]) -> Found<Self> {
        rcx.each(names, |name| async move {
            let arn = rcx
                .resolved_field(&name, "topic_arn", |t: TopicPolicy| t.topic_arn)
                .await?;
            let live = attributes(rcx, &arn).await?;
            Ok(live.map(|a| TopicPolicy::from_aws(&arn, a.get("Policy").map(String::as_str))))
        })
        .await
    }

    async fn put(cx: &Cx<'_>, step: &Step<'_, Self>) -> Done {
        swap(cx, &step.want.topic_arn, &step.want.statements).await?;
        Ok("statement set")
    }

    /// Takes ctrail's statement out; the topic's other statements stay.
    async fn delete(cx: &Cx<'_>, step: &Step<'_, Self>) -> Done {
        deleted(
            swap(cx, &step.want.topic_arn, &json!([])).await,
            "statement removed",
            &[],
        )
    }
}
