//! `s3_bucket_policy`: what CloudTrail may do in the bucket (policies.rs
//! cites the AWS page), plus the spec's own statements.

use ctrail_model::ResourceKind;
use ctrail_policy::canonical;
use ctrail_spec::Spec;
use serde_json::Value;

use crate::s3::shared::access_log_target;
use crate::{Compare, Desired, ImportCx, Kind, Names, Rules, SpecField, any_change, policies};

#[cfg(feature = "aws")]
mod aws;

crate::attributes! {
    pub struct BucketPolicy {
        pub policy: Value,
    }
}

impl Kind for BucketPolicy {
    const PLACE: ctrail_model::Place = ctrail_model::Place::Bucket;
    const RULES: Rules = Rules::NONE
        .compare_by(&[("policy", Compare::Policy)])
        .security_relevant(&[any_change(
            "policy",
            "who may read and write the log bucket",
        )]);

    fn desired(spec: &Spec, names: &Names<'_>) -> Vec<Desired<Self>> {
        // A policy the spec keeps as written replaces ctrail's.
        let policy = canonical::policy(&match &spec.bucket.policy {
            Some(kept) => kept.clone(),
            None => policies::with_statements(
                policies::bucket_policy(names),
                &spec.bucket.extra_policy_statements,
            ),
        });
        let access_logs = access_log_target(spec).map(|(a, _)| {
            let policy = canonical::policy(&policies::access_log_bucket_policy(
                names,
                &a.target_bucket,
                &a.target_prefix,
            ));
            Desired::new(&a.target_bucket, BucketPolicy { policy }).part_of(ResourceKind::S3Bucket)
        });
        std::iter::once(
            Desired::new(&spec.bucket.name, BucketPolicy { policy })
                .part_of(ResourceKind::S3Bucket),
        )
        .chain(access_logs)
        .collect()
    }

    /// Left out when the policy means ctrail's own, else kept as found.
    fn import(&self, name: &str, cx: &ImportCx<'_>) -> Vec<SpecField> {
        let ours = cx.resolved(canonical::policy(&policies::bucket_policy(&cx.names)));
        if name != cx.names.bucket
            || !self.policy.is_object()
            || ctrail_policy::meaning::same_policy(&self.policy, &ours)
        {
            return Vec::new();
        }
        vec![SpecField::new(
            ctrail_spec::fields::BUCKET_POLICY,
            self.policy.clone(),
            "found: this bucket policy. ctrail's own adds aws:SourceArn and aws:SourceAccount conditions, narrows the write to AWSLogs/<account>/ and denies requests without TLS: remove `policy` to tighten it",
        )]
    }
}
