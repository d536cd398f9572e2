//! `log_group`: the CloudWatch Logs log group CloudTrail delivers to,
//! encrypted with the spec's key when it has one. It holds audit logs: a
//! plan never deletes it unless the spec sets `allow_destroy`.

use ctrail_model::AttributeChange;
use ctrail_model::placeholder::Placeholder;
use ctrail_spec::Spec;

use crate::{Desired, ImportCx, Kind, Names, SpecField};

#[cfg(feature = "aws")]
mod aws;
#[cfg(feature = "aws")]
pub use aws::newest_event;

crate::attributes! {
    pub struct LogGroup {
        pub name: String,
        pub kms_key_arn: Option<String>,
    }
}

impl Kind for LogGroup {
    const STANDING: crate::Standing = crate::Standing::Resource { prunable: false };

    fn billing(change: &AttributeChange, created: bool) -> Option<&'static str> {
        (created && change.path == "name")
            .then_some("CloudWatch Logs bills per GB ingested and per GB stored each month")
    }

    fn desired(spec: &Spec, _: &Names<'_>) -> Vec<Desired<Self>> {
        let Some(l) = &spec.cloudwatch_logs else {
            return Vec::new();
        };
        let value = LogGroup {
            name: l.log_group.clone(),
            kms_key_arn: spec
                .kms
                .as_ref()
                .filter(|_| l.encrypted)
                .map(|_| Placeholder::KmsKeyArn.token().to_owned()),
        };
        // CloudWatch Logs checks the key policy on CreateLogGroup.
        let d = Desired::new(&l.log_group, value)
            .holds_audit_logs(l.allow_destroy)
            .after_key_policy(spec, l.encrypted);
        vec![d]
    }

    /// With the trail's key, the log group is encrypted with it by default:
    /// one found unencrypted is `encrypted: false`.
    fn import(&self, _name: &str, cx: &ImportCx<'_>) -> Vec<SpecField> {
        if cx.trail.kms_key_id.is_none() || self.kms_key_arn.is_some() {
            return Vec::new();
        }
        vec![SpecField::new(
            ctrail_spec::fields::LOGS_ENCRYPTED,
            false,
            "found: the log group is not encrypted with the trail's key (default: it is)",
        )]
    }
}
