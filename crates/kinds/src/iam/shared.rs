//! What the role's kinds share: the role as GetRole shows it, read once.

/// The name of the role's inline policy.
pub const INLINE_POLICY_NAME: &str = "CloudTrail-CloudWatchLogs-Delivery";

#[cfg(feature = "aws")]
use crate::aws::{ReadCx, ReadError};

/// The role, `None` when it does not exist (GetRole, made once).
#[cfg(feature = "aws")]
pub(crate) async fn role(
    rcx: &ReadCx<'_>,
    name: &str,
) -> Result<Option<aws_sdk_iam::types::Role>, ReadError> {
    let got = || rcx.clients.iam.get_role().role_name(name).send();
    rcx.found_once("iam:GetRole", name, got, |r| r.role().cloned())
        .await
}
