//! `iam_role`: the role CloudTrail assumes to write to the log group. Its
//! trust policy names CloudTrail (policies.rs cites the AWS page), and any
//! other policy on it would widen what CloudTrail may do, so the role is
//! wanted with none.

use ctrail_policy::canonical;
use ctrail_spec::Spec;
use serde_json::Value;

use crate::{Compare, Desired, Kind, Names, Rules, any_change, policies};

#[cfg(feature = "aws")]
mod aws;

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
            any_change("assume_role_policy", "who may assume CloudTrail's role"),
            any_change("other_inline_policies", "what CloudTrail's role may do"),
            any_change("attached_managed_policies", "what CloudTrail's role may do"),
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
