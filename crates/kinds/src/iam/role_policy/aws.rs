//! The AWS calls of `iam::role_policy` (feature `aws`): what it reads, puts and
//! deletes, and how; what the values mean is in the parent module.

use ctrail_policy::canonical;

use super::RolePolicy;
use crate::aws::{
    Api, CallError, Clients, Cx, Done, Found, ReadCx, ReadError, Step, absent_if_not_found, refuse,
};
use crate::iam::shared::{INLINE_POLICY_NAME, policy_name};

/// The name of the inline policy on `role` that CloudTrail delivers
/// with, when it is not ctrail's (as seed 001's steps, a CloudFormation
/// template or the CloudTrail console name it): of the role's inline
/// policies (by name), the first that allows logs:PutLogEvents, else the
/// first. `None` when the role holds ctrail's, or none, or is gone.
pub async fn delivering(c: &Clients, role: &str) -> Result<Option<String>, ReadError> {
    let listed = c.iam.list_role_policies().role_name(role);
    let mut names = crate::list_pages!("iam:ListRolePolicies", listed, policy_names).await?;
    if names.iter().any(|n| n == INLINE_POLICY_NAME) {
        return Ok(None);
    }
    names.sort();
    for name in &names {
        let got = c
            .iam
            .get_role_policy()
            .role_name(role)
            .policy_name(name)
            .send()
            .await;
        let got = absent_if_not_found("iam:GetRolePolicy", got, &[])?;
        let document = got.map(|p| RolePolicy::from_aws(name, p.policy_document()).policy);
        if document.is_some_and(|d| d.to_string().contains("logs:PutLogEvents")) {
            return Ok(Some(name.clone()));
        }
    }
    Ok(names.into_iter().next())
}

impl RolePolicy {
    /// IAM answers the document URL-encoded; it compares decoded and
    /// canonical.
    pub(crate) fn from_aws(name: &str, document: &str) -> Self {
        RolePolicy {
            policy_name: name.to_owned(),
            policy: canonical::parse_policy(document).unwrap_or_default(),
        }
    }

    /// The document PutRolePolicy sends.
    pub(crate) fn document(&self) -> Result<String, CallError> {
        serde_json::to_string(&self.policy).map_err(|e| refuse("iam:PutRolePolicy", e.to_string()))
    }
}

impl Api for RolePolicy {
    async fn read(rcx: &ReadCx<'_>, names: &[String]) -> Found<Self> {
        let c = &rcx.clients.iam;
        rcx.each(names, |name| async move {
            let got = c
                .get_role_policy()
                .policy_name(policy_name(rcx, &name))
                .role_name(name)
                .send()
                .await;
            let got = absent_if_not_found("iam:GetRolePolicy", got, &[])?;
            Ok(got.map(|p| RolePolicy::from_aws(p.policy_name(), p.policy_document())))
        })
        .await
    }

    async fn put(cx: &Cx<'_>, step: &Step<'_, Self>) -> Done {
        let c = &cx.clients.iam;
        let policy = step.want.document()?;
        let req = c
            .put_role_policy()
            .role_name(step.name)
            .policy_name(&step.want.policy_name)
            .policy_document(&policy);
        crate::send!(cx, "iam:PutRolePolicy", req).await?;
        Ok("set")
    }

    async fn delete(cx: &Cx<'_>, step: &Step<'_, Self>) -> Done {
        let req = cx
            .clients
            .iam
            .delete_role_policy()
            .role_name(step.name)
            .policy_name(&step.want.policy_name);
        crate::delete!(cx, "iam:DeleteRolePolicy", req, "deleted")
    }
}
