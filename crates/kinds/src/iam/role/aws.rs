//! The AWS calls of `iam::role` (feature `aws`): what it reads, puts and
//! deletes, and how; what the values mean is in the parent module.

use ctrail_policy::canonical;

use super::Role;
use crate::aws::{Api, Cx, Done, Found, ReadCx, Step, refuse};
use crate::iam::shared::{policy_name, role};

fn names(v: Option<&serde_json::Value>) -> Vec<String> {
    serde_json::from_value(v.cloned().unwrap_or_default()).unwrap_or_default()
}

impl Role {
    /// IAM answers the trust policy URL-encoded; it compares decoded and
    /// canonical.
    pub(crate) fn from_aws(
        live: &aws_sdk_iam::types::Role,
        inline: Vec<String>,
        attached: Vec<String>,
    ) -> Self {
        Role {
            name: live.role_name().to_owned(),
            path: live.path().to_owned(),
            assume_role_policy: live
                .assume_role_policy_document()
                .and_then(canonical::parse_policy)
                .unwrap_or_default(),
            other_inline_policies: inline,
            attached_managed_policies: attached,
        }
    }
}

impl Api for Role {
    async fn read(rcx: &ReadCx<'_>, names: &[String]) -> Found<Self> {
        let c = &rcx.clients.iam;
        rcx.each(names, |name| async move {
            let inline = c.list_role_policies().role_name(&name);
            let inline = crate::list_pages!("iam:ListRolePolicies", inline, policy_names);
            let attached = c.list_attached_role_policies().role_name(&name);
            let attached =
                crate::list_pages!("iam:ListAttachedRolePolicies", attached, attached_policies);
            let (live, inline, attached) = tokio::join!(role(rcx, &name), inline, attached);
            let Some(live) = live? else {
                return Ok(None);
            };
            let ours = policy_name(rcx, &name);
            let mut other_inline: Vec<String> =
                inline?.into_iter().filter(|p| *p != ours).collect();
            other_inline.sort();
            let mut attached: Vec<String> = attached?
                .iter()
                .filter_map(|p| p.policy_arn())
                .map(str::to_owned)
                .collect();
            attached.sort();
            Ok(Some(Role::from_aws(&live, other_inline, attached)))
        })
        .await
    }

    /// CreateRole, or for an existing role its trust policy; any other
    /// policy on the role (which would widen it) is removed.
    async fn put(cx: &Cx<'_>, step: &Step<'_, Self>) -> Done {
        let c = &cx.clients.iam;
        let trust = serde_json::to_string(&step.want.assume_role_policy)
            .map_err(|e| refuse("iam:CreateRole", e.to_string()))?;
        if step.creating() {
            let req = c
                .create_role()
                .role_name(step.name)
                .path(&step.want.path)
                .assume_role_policy_document(&trust);
            let made = crate::send!(cx, "iam:CreateRole", req).await;
            match made {
                Ok(_) => return Ok("created"),
                Err(e) if e.code.as_deref() == Some("EntityAlreadyExists") => {}
                Err(e) => return Err(e),
            }
        }
        let req = c
            .update_assume_role_policy()
            .role_name(step.name)
            .policy_document(&trust);
        crate::send!(cx, "iam:UpdateAssumeRolePolicy", req).await?;
        for p in names(step.old("other_inline_policies")) {
            let req = c.delete_role_policy().role_name(step.name).policy_name(&p);
            crate::send!(cx, "iam:DeleteRolePolicy", req).await?;
        }
        for arn in names(step.old("attached_managed_policies")) {
            let req = c.detach_role_policy().role_name(step.name).policy_arn(&arn);
            crate::send!(cx, "iam:DetachRolePolicy", req).await?;
        }
        Ok("updated")
    }

    /// DeleteRole. IAM refuses while any policy is still on the role
    /// (DeleteConflict): ctrail's inline policy is its own kind, deleted
    /// first; a policy someone else put there stops the delete.
    async fn delete(cx: &Cx<'_>, step: &Step<'_, Self>) -> Done {
        let req = cx.clients.iam.delete_role().role_name(step.name);
        crate::delete!(cx, "iam:DeleteRole", req, "deleted")
    }
}
