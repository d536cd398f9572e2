//! ctrail's statements in the customer managed key's policy.

use serde_json::Value;

use super::{Cx, Step, aws, merge_owned_statements, refuse};
use crate::retry::CallError;

/// Swaps ctrail's statements into the key policy; every other statement is
/// kept as it is.
pub(crate) async fn key_policy(cx: &Cx<'_>, step: &Step) -> Result<&'static str, CallError> {
    let c = &cx.clients.kms;
    let key = cx
        .target
        .kms_key_arn
        .clone()
        .unwrap_or_else(|| step.name().to_owned());
    let current = aws!(
        cx,
        "kms:GetKeyPolicy",
        c.get_key_policy()
            .key_id(&key)
            .policy_name("default")
            .send()
    )
    .await?;
    let merged = merge_owned_statements(
        current.policy(),
        step.desired.get("statements").unwrap_or(&Value::Null),
    )
    .map_err(|e| refuse("kms:PutKeyPolicy", e))?;
    aws!(
        cx,
        "kms:PutKeyPolicy",
        c.put_key_policy()
            .key_id(&key)
            .policy_name("default")
            .policy(&merged)
            .send()
    )
    .await?;
    Ok("statements set")
}
