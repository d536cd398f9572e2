//! `s3_bucket_policy`: what CloudTrail may do in the bucket (policies.rs
//! cites the AWS page), plus the spec's own statements.

use ctrail_model::ResourceKind;
use ctrail_policy::canonical;
use ctrail_spec::Spec;
use serde_json::Value;

use crate::s3::shared::access_log_target;
use crate::{Compare, Desired, ImportCx, Kind, Names, Rules, Security, SpecField, policies};

crate::attributes! {
    pub struct BucketPolicy {
        pub policy: Value,
    }
}

impl Kind for BucketPolicy {
    const PLACE: ctrail_model::Place = ctrail_model::Place::Bucket;
    const RULES: Rules = Rules::NONE
        .compare_by(&[("policy", Compare::Policy)])
        .security_relevant(&[(
            "policy",
            "who may read and write the log bucket",
            Security::AnyChange,
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

#[cfg(feature = "aws")]
mod aws {
    use ctrail_policy::canonical;

    use super::BucketPolicy;
    use crate::aws::refuse;
    use crate::s3::shared::bucket_setting_api;

    impl BucketPolicy {
        pub(crate) fn from_aws(text: &str) -> Self {
            BucketPolicy {
                policy: canonical::parse_policy(text).unwrap_or_default(),
            }
        }

        pub(crate) fn to_aws(&self) -> Result<String, crate::aws::CallError> {
            serde_json::to_string(&self.policy)
                .map_err(|e| refuse("s3:PutBucketPolicy", e.to_string()))
        }
    }

    bucket_setting_api! { BucketPolicy {
        read(rcx, bucket) = "s3:GetBucketPolicy" rcx.clients.s3.get_bucket_policy().bucket(bucket),
            not set: ["NoSuchBucketPolicy"],
            |got| got.as_ref().and_then(|p| p.policy()).map(BucketPolicy::from_aws);
        put(cx, step) = "s3:PutBucketPolicy" cx.clients.s3.put_bucket_policy().bucket(step.name).policy(step.want.to_aws()?);
        delete = "s3:DeleteBucketPolicy" cx.clients.s3.delete_bucket_policy().bucket(step.name) => "deleted";
    }}
}
