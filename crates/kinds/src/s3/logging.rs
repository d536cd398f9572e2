//! `s3_bucket_logging`: S3 server access logging of the log bucket (CIS
//! 3.4): every request made to it (who read, overwrote or deleted which log
//! file) delivered to a second bucket.
//!
//! PutBucketLogging checks the grant: the target bucket must let S3's logging
//! service write, by its bucket policy (`logging.s3.amazonaws.com`, the only
//! way once ACLs are off) or by the log-delivery group's ACL, and must be in
//! the log bucket's account and region; otherwise AWS answers
//! `InvalidTargetBucketForLogging` or `CrossLocationLoggingProhibited` (S3
//! API Reference, PutBucketLogging; S3 User Guide, "Enabling Amazon S3
//! server access logging", docs/aws-rules.md). So when ctrail creates the
//! target bucket, logging is set only after that bucket's policy.

use ctrail_model::{Address, EdgeReason, ResourceKind};
use ctrail_spec::Spec;

use crate::s3::shared::access_log_target;
use crate::{Desired, Kind, Names, Rules, rank};

crate::attributes! {
    pub struct Logging {
        /// `None`: server access logging off.
        pub target_bucket: Option<String>,
        pub target_prefix: Option<String>,
    }
}

impl Kind for Logging {
    const RULES: Rules = crate::ranked!(
        "target_bucket",
        "the record of who read or deleted log files",
        rank::present
    );

    fn desired(spec: &Spec, _: &Names<'_>) -> Vec<Desired<Self>> {
        let Some(a) = &spec.bucket.access_logging else {
            return Vec::new();
        };
        let value = Logging {
            target_bucket: Some(a.target_bucket.clone()),
            target_prefix: Some(a.target_prefix.clone()),
        };
        let mut d = Desired::new(&spec.bucket.name, value).part_of(ResourceKind::S3Bucket);
        if access_log_target(spec).is_some() {
            let target = |kind| Address::new(kind, &a.target_bucket);
            d = d
                .after(target(ResourceKind::S3Bucket), EdgeReason::References)
                .after(
                    target(ResourceKind::S3BucketPolicy),
                    EdgeReason::LoggingGrantChecked,
                );
        }
        vec![d]
    }
}

#[cfg(feature = "aws")]
mod aws {
    use aws_sdk_s3::types::{BucketLoggingStatus, LoggingEnabled};

    use super::Logging;
    use crate::aws::{CallError, built};
    use crate::s3::shared::bucket_setting_api;

    const OP: &str = "s3:PutBucketLogging";

    impl Logging {
        pub(crate) fn from_aws(enabled: Option<&LoggingEnabled>) -> Self {
            Logging {
                target_bucket: enabled.map(|l| l.target_bucket().to_owned()),
                target_prefix: enabled.map(|l| l.target_prefix().to_owned()),
            }
        }

        /// Logging to the target, or (no target) an empty status: off.
        pub(crate) fn to_aws(&self) -> Result<BucketLoggingStatus, CallError> {
            let enabled = match &self.target_bucket {
                None => None,
                Some(target) => Some(built(
                    OP,
                    LoggingEnabled::builder()
                        .target_bucket(target)
                        .target_prefix(self.target_prefix.as_deref().unwrap_or_default())
                        .build(),
                )?),
            };
            Ok(BucketLoggingStatus::builder()
                .set_logging_enabled(enabled)
                .build())
        }
    }

    bucket_setting_api! { Logging {
        read(rcx, bucket) = "s3:GetBucketLogging" rcx.clients.s3.get_bucket_logging().bucket(bucket),
            not set: [],
            |got| Some(Logging::from_aws(got.as_ref().and_then(|l| l.logging_enabled())));
        put(cx, step) = "s3:PutBucketLogging"
            cx.clients.s3.put_bucket_logging().bucket(step.name).bucket_logging_status(step.want.to_aws()?);
        delete = "s3:PutBucketLogging" cx.clients.s3.put_bucket_logging().bucket(step.name).bucket_logging_status(Logging { target_bucket: None, target_prefix: None }.to_aws()?) => "logging off";
    }}
}
