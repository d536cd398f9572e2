//! The AWS calls of `s3::encryption` (feature `aws`): what it reads, puts and
//! deletes, and how; what the values mean is in the parent module.

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
