//! What the role's kinds share: the role as GetRole shows it, read once.

/// The name of the role's inline policy.
pub const INLINE_POLICY_NAME: &str = "CloudTrail-CloudWatchLogs-Delivery";

#[cfg(feature = "aws")]
use crate::aws::{ReadCx, ReadError, absent_if_not_found};

/// The role, `None` when it does not exist (GetRole, made once).
#[cfg(feature = "aws")]
pub(crate) async fn role(
    rcx: &ReadCx<'_>,
    name: &str,
) -> Result<Option<aws_sdk_iam::types::Role>, ReadError> {
    let c = &rcx.clients.iam;
    let found = rcx
        .once(format!("iam:GetRole {name}"), async {
            let got = c.get_role().role_name(name).send().await;
            Ok(absent_if_not_found("iam:GetRole", got, &[])?.and_then(|r| r.role().cloned()))
        })
        .await?;
    Ok((*found).clone())
}
