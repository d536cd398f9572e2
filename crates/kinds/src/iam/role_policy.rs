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

use crate::{Compare, Desired, ImportCx, Kind, Names, Rules, SpecField, any_change, policies};

#[cfg(feature = "aws")]
mod aws;
#[cfg(feature = "aws")]
pub use aws::delivering;

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
        .security_relevant(&[any_change("policy", "what CloudTrail's role may do")]);

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
