//! The role CloudTrail assumes to write to the log group.

use aws_sdk_iam::types::Tag;
use serde_json::Value;

use super::{Cx, Step, aws, refuse, strings};
use crate::retry::CallError;

fn doc(step: &Step, key: &str) -> Result<String, CallError> {
    serde_json::to_string(step.desired.get(key).unwrap_or(&Value::Null))
        .map_err(|e| refuse("iam", e.to_string()))
}

/// CreateRole, or for an existing role its trust policy; any other policy on
/// the role (which would widen it) is removed.
pub(crate) async fn role(cx: &Cx<'_>, step: &Step) -> Result<&'static str, CallError> {
    let c = &cx.clients.iam;
    let trust = doc(step, "assume_role_policy")?;
    if step.creating() {
        let made = aws!(
            cx,
            "iam:CreateRole",
            c.create_role()
                .role_name(step.name())
                .path(step.str("path").unwrap_or("/"))
                .assume_role_policy_document(&trust)
                .send()
        )
        .await;
        match made {
            Ok(_) => return Ok("created"),
            Err(e) if e.code.as_deref() == Some("EntityAlreadyExists") => {}
            Err(e) => return Err(e),
        }
    }
    aws!(
        cx,
        "iam:UpdateAssumeRolePolicy",
        c.update_assume_role_policy()
            .role_name(step.name())
            .policy_document(&trust)
            .send()
    )
    .await?;
    for p in strings(step.old("other_inline_policies")) {
        aws!(
            cx,
            "iam:DeleteRolePolicy",
            c.delete_role_policy()
                .role_name(step.name())
                .policy_name(&p)
                .send()
        )
        .await?;
    }
    for arn in strings(step.old("attached_managed_policies")) {
        aws!(
            cx,
            "iam:DetachRolePolicy",
            c.detach_role_policy()
                .role_name(step.name())
                .policy_arn(&arn)
                .send()
        )
        .await?;
    }
    Ok("updated")
}

pub(crate) async fn role_policy(cx: &Cx<'_>, step: &Step) -> Result<&'static str, CallError> {
    let c = &cx.clients.iam;
    let policy = doc(step, "policy")?;
    let name = step
        .str("policy_name")
        .unwrap_or(ctrail_graph::INLINE_POLICY_NAME);
    aws!(
        cx,
        "iam:PutRolePolicy",
        c.put_role_policy()
            .role_name(step.name())
            .policy_name(name)
            .policy_document(&policy)
            .send()
    )
    .await?;
    Ok("set")
}

pub(crate) async fn role_tags(cx: &Cx<'_>, step: &Step) -> Result<&'static str, CallError> {
    let c = &cx.clients.iam;
    let remove = step.tags_to_remove();
    if !remove.is_empty() {
        aws!(
            cx,
            "iam:UntagRole",
            c.untag_role()
                .role_name(step.name())
                .set_tag_keys(Some(remove.clone()))
                .send()
        )
        .await?;
    }
    let tags = step
        .tags()
        .iter()
        .map(|(k, v)| {
            Tag::builder()
                .key(k)
                .value(v)
                .build()
                .map_err(|e| refuse("iam:TagRole", e.to_string()))
        })
        .collect::<Result<Vec<_>, _>>()?;
    if !tags.is_empty() {
        aws!(
            cx,
            "iam:TagRole",
            c.tag_role()
                .role_name(step.name())
                .set_tags(Some(tags.clone()))
                .send()
        )
        .await?;
    }
    Ok("set")
}
