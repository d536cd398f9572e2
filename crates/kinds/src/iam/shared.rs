//! What the role's kinds share: the role as GetRole shows it, read once.

/// The name of the role's inline policy ctrail writes unless the spec's
/// `cloudwatch_logs.role_policy_name` names another (the one a setup made
/// by hand or by another tool uses, which `ctrail import` keeps).
pub const INLINE_POLICY_NAME: &str = ctrail_spec::defaults::ROLE_POLICY_NAME;

/// The name of the inline policy ctrail keeps on `role`: the desired
/// policy's, else ctrail's.
#[cfg(feature = "aws")]
pub(crate) fn policy_name(rcx: &ReadCx<'_>, role: &str) -> String {
    rcx.want::<crate::iam::role_policy::RolePolicy>(role)
        .map_or_else(|| INLINE_POLICY_NAME.to_owned(), |p| p.policy_name)
}

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
