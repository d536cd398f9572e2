//! The log bucket and its settings.

use serde_json::{Value, json};

use super::{add_part, add_resource, tags_value};
use crate::canonical;
use crate::graph::{GraphError, ResourceGraph};
use crate::policies::{self, Names};
use ctrail_model::placeholder::Placeholder;
use ctrail_model::{Address, ResourceKind};
use ctrail_spec::{Encryption, LifecycleRule, Spec};

pub(crate) fn policy_address(spec: &Spec) -> Address {
    Address::new(ResourceKind::S3BucketPolicy, &spec.bucket.name)
}

pub(crate) fn add(g: &mut ResourceGraph, spec: &Spec, names: &Names<'_>) -> Result<(), GraphError> {
    let b = &spec.bucket;
    let bucket = add_resource(
        g,
        ResourceKind::S3Bucket,
        &b.name,
        json!({ "name": b.name, "region": spec.region }),
        Some(b.allow_destroy),
    )?;
    let pab = b.public_access_block;
    add_part(
        g,
        &bucket,
        ResourceKind::S3PublicAccessBlock,
        json!({
            "block_public_acls": pab.block_public_acls,
            "ignore_public_acls": pab.ignore_public_acls,
            "block_public_policy": pab.block_public_policy,
            "restrict_public_buckets": pab.restrict_public_buckets,
        }),
    )?;
    add_part(
        g,
        &bucket,
        ResourceKind::S3BucketVersioning,
        json!({
            "status": if b.versioning { "Enabled" } else { "Suspended" },
        }),
    )?;
    add_part(
        g,
        &bucket,
        ResourceKind::S3BucketEncryption,
        encryption(&b.encryption),
    )?;
    add_part(
        g,
        &bucket,
        ResourceKind::S3BucketLifecycle,
        json!({
            "rules": b.lifecycle.iter().map(lifecycle_rule).collect::<Vec<_>>(),
        }),
    )?;
    add_part(
        g,
        &bucket,
        ResourceKind::S3BucketTags,
        tags_value(&spec.tags),
    )?;
    add_part(
        g,
        &bucket,
        ResourceKind::S3BucketPolicy,
        json!({
            "policy": canonical::policy(&policies::with_statements(
                policies::bucket_policy(names),
                &b.extra_policy_statements,
            )),
        }),
    )?;
    Ok(())
}

fn encryption(e: &Encryption) -> Value {
    match e {
        Encryption::SseS3 => {
            json!({ "sse_algorithm": "AES256", "kms_master_key_id": null, "bucket_key_enabled": false })
        }
        Encryption::SseKms { bucket_key, .. } => json!({
            "sse_algorithm": "aws:kms",
            "kms_master_key_id": Placeholder::KmsKeyArn.token(),
            "bucket_key_enabled": bucket_key,
        }),
    }
}

fn lifecycle_rule(r: &LifecycleRule) -> Value {
    json!({
        "id": r.id,
        "status": if r.enabled { "Enabled" } else { "Disabled" },
        "prefix": r.prefix,
        "transitions": r.transitions.iter().map(|t| json!({"days": t.days, "storage_class": t.storage_class})).collect::<Vec<_>>(),
        "expiration_days": r.expiration_days,
        "noncurrent_version_expiration_days": r.noncurrent_version_expiration_days,
        "abort_incomplete_multipart_upload_days": r.abort_incomplete_multipart_upload_days,
    })
}
