//! `s3_bucket_encryption`: default encryption of new log files, SSE-KMS with
//! the spec's key (and an S3 Bucket Key) or SSE-S3.

use ctrail_model::ResourceKind;
use ctrail_model::placeholder::Placeholder;
use ctrail_spec::Spec;
use serde_json::Value;

use crate::s3::shared::access_log_target;
use crate::{Desired, ImportCx, Kind, Names, Rules, Security, SpecField};

#[cfg(feature = "aws")]
mod aws;

crate::attributes! {
    pub struct Encryption {
        /// `aws:kms`, `aws:kms:dsse` or `AES256`; `None` when unencrypted
        /// (read only: a put of `None` is refused, DeleteBucketEncryption
        /// is how encryption goes back to S3's default).
        #[serde(deserialize_with = "crate::nullable")]
        pub sse_algorithm: Option<String>,
        /// The key's ARN for SSE-KMS.
        pub kms_master_key_id: Option<String>,
        pub bucket_key_enabled: bool,
    }
}

fn rank(v: Option<&Value>) -> i64 {
    match v.and_then(Value::as_str) {
        Some("aws:kms") | Some("aws:kms:dsse") => 2,
        Some("AES256") => 1,
        _ => 0,
    }
}

impl Kind for Encryption {
    const PLACE: ctrail_model::Place = ctrail_model::Place::Bucket;
    const RULES: Rules = Rules::NONE.security_relevant(&[
        ("sse_algorithm", "bucket encryption", Security::Ranked(rank)),
        (
            "kms_master_key_id",
            "the bucket's encryption key",
            Security::Replaced,
        ),
    ]);

    fn desired(spec: &Spec, _: &Names<'_>) -> Vec<Desired<Self>> {
        let value = match &spec.bucket.encryption {
            ctrail_spec::Encryption::SseS3 => Encryption {
                sse_algorithm: Some("AES256".into()),
                kms_master_key_id: None,
                bucket_key_enabled: false,
            },
            ctrail_spec::Encryption::SseKms { bucket_key, .. } => Encryption {
                sse_algorithm: Some("aws:kms".into()),
                kms_master_key_id: Some(Placeholder::KmsKeyArn.token().into()),
                bucket_key_enabled: *bucket_key,
            },
        };
        // S3 delivers server access logs only into a bucket whose default
        // encryption is SSE-S3 (S3 User Guide, "Enabling Amazon S3 server
        // access logging": "Default encryption with AWS KMS keys (SSE-KMS)
        // is not supported").
        let access_logs = access_log_target(spec).map(|(a, _)| {
            let sse_s3 = Encryption {
                sse_algorithm: Some("AES256".into()),
                kms_master_key_id: None,
                bucket_key_enabled: false,
            };
            Desired::new(&a.target_bucket, sse_s3).part_of(ResourceKind::S3Bucket)
        });
        std::iter::once(Desired::new(&spec.bucket.name, value).part_of(ResourceKind::S3Bucket))
            .chain(access_logs)
            .collect()
    }

    /// With the trail's key, ctrail's default is SSE-KMS with the S3 Bucket
    /// Key: SSE-S3 found is `sse_kms: false`, SSE-KMS without the Bucket
    /// Key `bucket_key: false`. Without a key the default is SSE-S3.
    fn import(&self, name: &str, cx: &ImportCx<'_>) -> Vec<SpecField> {
        use ctrail_spec::fields as f;
        if name != cx.names.bucket || cx.trail.kms_key_id.is_none() {
            return Vec::new();
        }
        match self.sse_algorithm.as_deref() {
            Some("AES256") => vec![SpecField::new(
                f::BUCKET_SSE_KMS,
                false,
                "found: the bucket's default encryption is SSE-S3 (default with kms_key_id: SSE-KMS with the key); CloudTrail encrypts each log file with the key either way",
            )],
            Some("aws:kms") if !self.bucket_key_enabled => vec![SpecField::new(
                f::BUCKET_BUCKET_KEY,
                false,
                "found: no S3 Bucket Key (default on: far fewer KMS requests)",
            )],
            _ => Vec::new(),
        }
    }
}

#[cfg(all(test, feature = "aws"))]
mod tests {
    use super::Encryption;

    /// Encryption with an algorithm is sent as it is; without one it is
    /// refused naming the field, never put as SSE-S3.
    #[test]
    fn a_missing_algorithm_is_an_error_not_sse_s3() {
        let sse_s3 = Encryption {
            sse_algorithm: Some("AES256".into()),
            kms_master_key_id: None,
            bucket_key_enabled: false,
        };
        assert!(sse_s3.to_aws().is_ok());
        let none = Encryption {
            sse_algorithm: None,
            ..sse_s3
        };
        let e = none.to_aws().expect_err("refused");
        assert_eq!(
            e.to_string(),
            "s3:PutBucketEncryption: the attributes have no sse_algorithm; nothing is sent in its place"
        );
    }
}
