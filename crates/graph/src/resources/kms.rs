//! ctrail's statements in the customer managed KMS key's policy.

use serde_json::json;

use super::add;
use crate::canonical;
use crate::graph::{GraphError, ResourceGraph};
use crate::policies::{self, Names};
use ctrail_model::{Address, ResourceKind};
use ctrail_spec::{Encryption, Spec};

pub(crate) fn address(spec: &Spec) -> Address {
    let key = spec
        .kms
        .as_ref()
        .map(|k| k.key.as_str())
        .unwrap_or_default();
    Address::new(ResourceKind::KmsKeyPolicy, key)
}

pub(crate) fn add_key_policy(
    g: &mut ResourceGraph,
    spec: &Spec,
    names: &Names<'_>,
) -> Result<(), GraphError> {
    let Some(kms) = &spec.kms else {
        return Ok(());
    };
    if !kms.manage_key_policy {
        return Ok(());
    }
    let log_group = spec.cloudwatch_logs.as_ref().map(|l| l.log_group.as_str());
    // CloudTrail needs kms:Decrypt when the bucket encrypts with this key
    // through an S3 Bucket Key.
    let bucket_key = matches!(
        &spec.bucket.encryption,
        Encryption::SseKms { key, bucket_key: true } if key == &kms.key
    );
    add(
        g,
        ResourceKind::KmsKeyPolicy,
        kms.key.as_str(),
        json!({
            "key": kms.key.as_str(),
            "statements": canonical::policy(&policies::kms_statements(names, log_group, bucket_key)),
        }),
    )?;
    Ok(())
}
