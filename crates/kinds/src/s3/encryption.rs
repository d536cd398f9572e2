//! `s3_bucket_encryption`: default encryption of new log files, SSE-KMS with
//! the spec's key (and an S3 Bucket Key) or SSE-S3.

use ctrail_model::ResourceKind;
use ctrail_model::placeholder::Placeholder;
use ctrail_spec::Spec;
use serde_json::Value;

use crate::s3::shared::access_log_target;
use crate::{Desired, ImportCx, Kind, Names, Rules, Security, SpecField};

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

#[cfg(feature = "aws")]
mod aws {
    use aws_sdk_s3::types::{
        ServerSideEncryption, ServerSideEncryptionByDefault, ServerSideEncryptionConfiguration,
        ServerSideEncryptionRule,
    };

    use super::Encryption;
    use crate::aws::{CallError, KeyForms, built};
    use crate::required;
    use crate::s3::shared::bucket_setting_api;

    const OP: &str = "s3:PutBucketEncryption";

    impl Encryption {
        pub(crate) fn from_aws(
            cfg: Option<&ServerSideEncryptionConfiguration>,
            keys: &KeyForms,
        ) -> Self {
            let rule = cfg.and_then(|c| c.rules().first());
            let default = rule.and_then(|r| r.apply_server_side_encryption_by_default());
            Encryption {
                sse_algorithm: default.map(|d| d.sse_algorithm().as_str().to_owned()),
                kms_master_key_id: keys.normalise(default.and_then(|d| d.kms_master_key_id())),
                bucket_key_enabled: rule.and_then(|r| r.bucket_key_enabled()).unwrap_or(false),
            }
        }

        /// The configuration PutBucketEncryption sends. Its algorithm is
        /// required (S3 API Reference, ServerSideEncryptionByDefault,
        /// https://docs.aws.amazon.com/AmazonS3/latest/API/API_ServerSideEncryptionByDefault.html):
        /// attributes without one are an error naming it, never SSE-S3
        /// picked for them.
        pub(crate) fn to_aws(&self) -> Result<ServerSideEncryptionConfiguration, CallError> {
            let algorithm = required(OP, "sse_algorithm", self.sse_algorithm.as_deref())?;
            let default = built(
                OP,
                ServerSideEncryptionByDefault::builder()
                    .sse_algorithm(ServerSideEncryption::from(algorithm))
                    .set_kms_master_key_id(self.kms_master_key_id.clone())
                    .build(),
            )?;
            let rule = ServerSideEncryptionRule::builder()
                .apply_server_side_encryption_by_default(default)
                .bucket_key_enabled(self.bucket_key_enabled)
                .build();
            built(
                OP,
                ServerSideEncryptionConfiguration::builder()
                    .rules(rule)
                    .build(),
            )
        }
    }

    bucket_setting_api! { Encryption {
        read(rcx, bucket) = "s3:GetBucketEncryption" rcx.clients.s3.get_bucket_encryption().bucket(bucket),
            not set: ["ServerSideEncryptionConfigurationNotFoundError"],
            // The key is compared in the key's ARN form.
            |got| Some(Encryption::from_aws(
                got.as_ref().and_then(|e| e.server_side_encryption_configuration()),
                &rcx.ready().await?.keys,
            ));
        put(cx, step) = "s3:PutBucketEncryption"
            cx.clients.s3.put_bucket_encryption().bucket(step.name).server_side_encryption_configuration(step.want.to_aws()?);
        // S3 then encrypts new objects with SSE-S3, its default.
        delete = "s3:DeleteBucketEncryption" cx.clients.s3.delete_bucket_encryption().bucket(step.name)
            => "removed (S3 encrypts with SSE-S3 by default)";
    }}
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
