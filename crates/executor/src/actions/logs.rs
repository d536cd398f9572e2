//! The log group, its retention and tags.

use std::collections::HashMap;

use serde_json::Value;

use super::{Cx, Step, aws};
use crate::retry::CallError;

fn arn(cx: &Cx<'_>, name: &str) -> String {
    let t = cx.target;
    format!(
        "arn:{}:logs:{}:{}:log-group:{name}",
        t.partition, t.region, t.account_id
    )
}

/// CreateLogGroup (with the KMS key when the spec has one); an existing group
/// has its key associated or disassociated to match.
pub(crate) async fn group(cx: &Cx<'_>, step: &Step) -> Result<&'static str, CallError> {
    let c = &cx.clients.logs;
    let key = step.str("kms_key_arn").map(str::to_owned);
    if step.creating() {
        let made = aws!(
            cx,
            "logs:CreateLogGroup",
            c.create_log_group()
                .log_group_name(step.name())
                .set_kms_key_id(key.clone())
                .send()
        )
        .await;
        match made {
            Ok(_) => return Ok("created"),
            Err(e) if e.code.as_deref() == Some("ResourceAlreadyExistsException") => {}
            Err(e) => return Err(e),
        }
    }
    match key {
        Some(k) => {
            aws!(
                cx,
                "logs:AssociateKmsKey",
                c.associate_kms_key()
                    .log_group_name(step.name())
                    .kms_key_id(&k)
                    .send()
            )
            .await?;
            Ok("encryption key associated")
        }
        None => {
            aws!(
                cx,
                "logs:DisassociateKmsKey",
                c.disassociate_kms_key().log_group_name(step.name()).send()
            )
            .await?;
            Ok("encryption key disassociated")
        }
    }
}

pub(crate) async fn retention(cx: &Cx<'_>, step: &Step) -> Result<&'static str, CallError> {
    let c = &cx.clients.logs;
    match step
        .desired
        .get("retention_in_days")
        .and_then(Value::as_i64)
        .and_then(|d| i32::try_from(d).ok())
    {
        Some(days) => {
            aws!(
                cx,
                "logs:PutRetentionPolicy",
                c.put_retention_policy()
                    .log_group_name(step.name())
                    .retention_in_days(days)
                    .send()
            )
            .await?;
            Ok("set")
        }
        None => {
            aws!(
                cx,
                "logs:DeleteRetentionPolicy",
                c.delete_retention_policy()
                    .log_group_name(step.name())
                    .send()
            )
            .await?;
            Ok("set to never expire")
        }
    }
}

pub(crate) async fn tags(cx: &Cx<'_>, step: &Step) -> Result<&'static str, CallError> {
    let c = &cx.clients.logs;
    let arn = arn(cx, step.name());
    let remove = step.tags_to_remove();
    if !remove.is_empty() {
        aws!(
            cx,
            "logs:UntagResource",
            c.untag_resource()
                .resource_arn(&arn)
                .set_tag_keys(Some(remove.clone()))
                .send()
        )
        .await?;
    }
    let tags: HashMap<String, String> = step.tags().into_iter().collect();
    if !tags.is_empty() {
        aws!(
            cx,
            "logs:TagResource",
            c.tag_resource()
                .resource_arn(&arn)
                .set_tags(Some(tags.clone()))
                .send()
        )
        .await?;
    }
    Ok("set")
}
