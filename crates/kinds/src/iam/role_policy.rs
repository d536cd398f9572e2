//! `iam_role_policy`: the role's inline policy, letting CloudTrail create
//! log streams and put events in the log group and nothing else
//! (policies.rs cites the AWS page). It is named by the spec's
//! `cloudwatch_logs.role_policy_name` (default
//! `CloudTrail-CloudWatchLogs-Delivery`); a renamed policy is written under
//! the new name and the old one, now another policy on the role, removed
//! by the role's put.

use ctrail_model::ResourceKind;
use ctrail_policy::canonical;
use ctrail_spec::Spec;
use serde_json::Value;

use crate::{Compare, Desired, ImportCx, Kind, Names, Rules, Security, SpecField, policies};

crate::attributes! {
    pub struct RolePolicy {
        pub policy_name: String,
        pub policy: Value,
    }
}

impl Kind for RolePolicy {
    // IAM API Reference, DeleteRole: "Before attempting to delete a role,
    // remove the following attached items: Inline policies
    // (DeleteRolePolicy) ..."
    // https://docs.aws.amazon.com/IAM/latest/APIReference/API_DeleteRole.html
    // ([DELROLE] in docs/aws-rules.md).
    const RULES: Rules = Rules::NONE
        .deleted_before_its_resource()
        .compare_by(&[("policy", Compare::Policy)])
        .security_relevant(&[(
            "policy",
            "what CloudTrail's role may do",
            Security::AnyChange,
        )]);

    fn desired(spec: &Spec, names: &Names<'_>) -> Vec<Desired<Self>> {
        let Some(l) = &spec.cloudwatch_logs else {
            return Vec::new();
        };
        // A policy the spec keeps as written replaces ctrail's.
        let policy = canonical::policy(&match &l.role_policy {
            Some(kept) => kept.clone(),
            None => policies::with_statements(
                policies::role_logs_policy(names, &l.log_group),
                &l.extra_role_statements,
            ),
        });
        vec![
            Desired::new(
                &l.role_name,
                RolePolicy {
                    policy_name: l.role_policy_name.clone(),
                    policy,
                },
            )
            .part_of(ResourceKind::IamRole),
        ]
    }

    /// The policy's name unless ctrail's, and the document unless it
    /// means ctrail's own for the trail's log group.
    fn import(&self, _name: &str, cx: &ImportCx<'_>) -> Vec<SpecField> {
        use ctrail_spec::fields as f;
        let mut out = Vec::new();
        if self.policy_name != ctrail_spec::defaults::ROLE_POLICY_NAME {
            out.push(SpecField::new(
                f::LOGS_ROLE_POLICY_NAME,
                self.policy_name.as_str(),
                "found: the role's permissions policy has this name (default CloudTrail-CloudWatchLogs-Delivery)",
            ));
        }
        let ours = cx.log_group().map(|group| {
            cx.resolved(canonical::policy(&policies::role_logs_policy(
                &cx.names, group,
            )))
        });
        let same = ours.is_some_and(|p| ctrail_policy::meaning::same_policy(&self.policy, &p));
        if self.policy.is_object() && !same {
            out.push(SpecField::new(
                f::LOGS_ROLE_POLICY,
                self.policy.clone(),
                "found: this permissions policy. ctrail's own allows CreateLogStream and PutLogEvents on CloudTrail's streams only: remove `role_policy` to narrow it",
            ));
        }
        out
    }
}

#[cfg(feature = "aws")]
pub use aws::delivering;

#[cfg(feature = "aws")]
mod aws {
    use ctrail_policy::canonical;

    use super::RolePolicy;
    use crate::aws::{
        Api, CallError, Clients, Cx, Done, Found, ReadCx, ReadError, Step, absent_if_not_found,
        refuse,
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
            serde_json::to_string(&self.policy)
                .map_err(|e| refuse("iam:PutRolePolicy", e.to_string()))
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
}
