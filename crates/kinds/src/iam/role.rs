//! `iam_role`: the role CloudTrail assumes to write to the log group. Its
//! trust policy names CloudTrail (policies.rs cites the AWS page), and any
//! other policy on it would widen what CloudTrail may do, so the role is
//! wanted with none.

use ctrail_policy::canonical;
use ctrail_spec::Spec;
use serde_json::Value;

use crate::{Compare, Desired, Kind, Names, Rules, Security, policies};

crate::attributes! {
    pub struct Role {
        pub name: String,
        pub path: String,
        pub assume_role_policy: Value,
        pub other_inline_policies: Vec<String>,
        pub attached_managed_policies: Vec<String>,
    }
}

impl Kind for Role {
    const STANDING: crate::Standing = crate::Standing::Resource { prunable: false };

    const RULES: Rules = Rules::NONE
        .compare_by(&[
            ("assume_role_policy", Compare::Policy),
            ("other_inline_policies", Compare::Sets(&[""])),
            ("attached_managed_policies", Compare::Sets(&[""])),
        ])
        .security_relevant(&[
            (
                "assume_role_policy",
                "who may assume CloudTrail's role",
                Security::AnyChange,
            ),
            (
                "other_inline_policies",
                "what CloudTrail's role may do",
                Security::AnyChange,
            ),
            (
                "attached_managed_policies",
                "what CloudTrail's role may do",
                Security::AnyChange,
            ),
        ]);

    fn desired(spec: &Spec, names: &Names<'_>) -> Vec<Desired<Self>> {
        let Some(l) = &spec.cloudwatch_logs else {
            return Vec::new();
        };
        let trust = canonical::policy(&policies::with_statements(
            policies::role_trust_policy(names),
            &l.extra_trust_statements,
        ));
        vec![Desired::new(
            &l.role_name,
            Role {
                name: l.role_name.clone(),
                path: "/".into(),
                assume_role_policy: trust,
                other_inline_policies: Vec::new(),
                attached_managed_policies: Vec::new(),
            },
        )]
    }
}

#[cfg(feature = "aws")]
mod aws {
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
}
