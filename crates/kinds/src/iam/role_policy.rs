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

use crate::{Compare, Desired, Kind, Names, Rules, Security, policies};

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
}

#[cfg(feature = "aws")]
mod aws {
    use ctrail_policy::canonical;

    use super::RolePolicy;
    use crate::aws::{Api, CallError, Cx, Done, Found, ReadCx, Step, absent_if_not_found, refuse};
    use crate::iam::shared::policy_name;

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
