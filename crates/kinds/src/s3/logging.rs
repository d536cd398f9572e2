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
use crate::{Desired, ImportCx, Kind, Names, Rules, SpecField, rank};

#[cfg(feature = "aws")]
mod aws;
#[cfg(feature = "aws")]
pub use aws::get;

crate::attributes! {
    pub struct Logging {
        /// `None`: server access logging off.
        pub target_bucket: Option<String>,
        pub target_prefix: Option<String>,
    }
}

impl Kind for Logging {
    const PLACE: ctrail_model::Place = ctrail_model::Place::Bucket;
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

    /// Access logging found is kept into its bucket as found, which whoever
    /// keeps it keeps (`create: false`).
    fn import(&self, name: &str, cx: &ImportCx<'_>) -> Vec<SpecField> {
        let Some(target) = self
            .target_bucket
            .as_deref()
            .filter(|_| name == cx.names.bucket)
        else {
            return Vec::new();
        };
        let mut v = serde_json::json!({"target_bucket": target, "create": false});
        let prefix = self.target_prefix.clone().unwrap_or_default();
        if prefix != ctrail_spec::defaults::access_log_prefix(name) {
            v["target_prefix"] = prefix.into();
        }
        vec![SpecField::new(
            ctrail_spec::fields::BUCKET_ACCESS_LOGGING,
            v,
            "found: server access logging into this bucket, kept by whoever keeps it (create: false)",
        )]
    }
}
