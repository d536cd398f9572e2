//! The log bucket: location, public access block, versioning, encryption,
//! lifecycle, tags and policy, read with seven concurrent calls.

use aws_sdk_s3::Client;
use aws_sdk_s3::types::LifecycleRule;
use ctrail_graph::{Address, ResourceGraph, ResourceKind as K, canonical};
use serde_json::{Value, json};

use super::{Found, all_absent, names, tags};
use crate::Observed;
use crate::context::Pending;
use crate::error::{ReadError, absent_if_not_found, call_error};

const KINDS: &[K] = &[
    K::S3Bucket,
    K::S3PublicAccessBlock,
    K::S3BucketVersioning,
    K::S3BucketEncryption,
    K::S3BucketLifecycle,
    K::S3BucketTags,
    K::S3BucketPolicy,
];

pub(crate) async fn read(
    c: &Client,
    graph: &ResourceGraph,
    cx: &Pending<'_>,
) -> Result<Found, ReadError> {
    let mut found = Vec::new();
    for bucket in names(graph, K::S3Bucket) {
        found.extend(read_bucket(c, &bucket, cx).await?);
    }
    Ok(found)
}

async fn read_bucket(c: &Client, b: &str, cx: &Pending<'_>) -> Result<Found, ReadError> {
    let (location, pab, versioning, encryption, lifecycle, tagging, policy) = tokio::join!(
        c.get_bucket_location().bucket(b).send(),
        c.get_public_access_block().bucket(b).send(),
        c.get_bucket_versioning().bucket(b).send(),
        c.get_bucket_encryption().bucket(b).send(),
        c.get_bucket_lifecycle_configuration().bucket(b).send(),
        c.get_bucket_tagging().bucket(b).send(),
        c.get_bucket_policy().bucket(b).send(),
    );
    let Some(location) = absent_if_not_found("s3:GetBucketLocation", location, &[])? else {
        return Ok(all_absent(b, KINDS));
    };
    // The encryption key is compared in the key's ARN form.
    let ready = cx.clone().await?;
    let keys = &ready.keys;
    let region = match location.location_constraint().map(|l| l.as_str()) {
        None | Some("") => "us-east-1".to_owned(),
        Some("EU") => "eu-west-1".to_owned(),
        Some(r) => r.to_owned(),
    };
    let present = |k: K, v: Value| (Address::new(k, b), Observed::Present(v));
    let mut found = vec![present(K::S3Bucket, json!({ "name": b, "region": region }))];

    let pab = absent_if_not_found(
        "s3:GetPublicAccessBlock",
        pab,
        &["NoSuchPublicAccessBlockConfiguration"],
    )?;
    let cfg = pab
        .as_ref()
        .and_then(|p| p.public_access_block_configuration());
    found.push(present(K::S3PublicAccessBlock, json!({
        "block_public_acls": cfg.and_then(|c| c.block_public_acls()).unwrap_or(false),
        "ignore_public_acls": cfg.and_then(|c| c.ignore_public_acls()).unwrap_or(false),
        "block_public_policy": cfg.and_then(|c| c.block_public_policy()).unwrap_or(false),
        "restrict_public_buckets": cfg.and_then(|c| c.restrict_public_buckets()).unwrap_or(false),
    })));

    let versioning = versioning.map_err(|e| call_error("s3:GetBucketVersioning", e))?;
    found.push(present(
        K::S3BucketVersioning,
        json!({
            "status": versioning.status().map(|s| s.as_str()),
        }),
    ));

    let encryption = absent_if_not_found(
        "s3:GetBucketEncryption",
        encryption,
        &["ServerSideEncryptionConfigurationNotFoundError"],
    )?;
    let rule = encryption
        .as_ref()
        .and_then(|e| e.server_side_encryption_configuration())
        .and_then(|c| c.rules().first());
    let default = rule.and_then(|r| r.apply_server_side_encryption_by_default());
    found.push(present(
        K::S3BucketEncryption,
        json!({
            "sse_algorithm": default.map(|d| d.sse_algorithm().as_str()),
            "kms_master_key_id": keys.normalise(default.and_then(|d| d.kms_master_key_id())),
            "bucket_key_enabled": rule.and_then(|r| r.bucket_key_enabled()).unwrap_or(false),
        }),
    ));

    let lifecycle = absent_if_not_found(
        "s3:GetBucketLifecycleConfiguration",
        lifecycle,
        &["NoSuchLifecycleConfiguration"],
    )?;
    let rules: Vec<Value> = lifecycle
        .as_ref()
        .map(|l| l.rules().iter().map(lifecycle_rule).collect())
        .unwrap_or_default();
    found.push(present(K::S3BucketLifecycle, json!({ "rules": rules })));

    let tagging = absent_if_not_found("s3:GetBucketTagging", tagging, &["NoSuchTagSet"])?;
    let tag_set = tagging.as_ref().map(|t| t.tag_set()).unwrap_or_default();
    found.push(present(
        K::S3BucketTags,
        tags(tag_set.iter().map(|t| (t.key(), t.value()))),
    ));

    let policy = absent_if_not_found("s3:GetBucketPolicy", policy, &["NoSuchBucketPolicy"])?;
    found.push(match policy.as_ref().and_then(|p| p.policy()) {
        Some(text) => present(
            K::S3BucketPolicy,
            json!({ "policy": canonical::parse_policy(text) }),
        ),
        None => (Address::new(K::S3BucketPolicy, b), Observed::Absent),
    });
    Ok(found)
}

fn lifecycle_rule(r: &LifecycleRule) -> Value {
    #[allow(deprecated)]
    let legacy_prefix = r.prefix();
    let prefix = r
        .filter()
        .and_then(|f| f.prefix())
        .or(legacy_prefix)
        .unwrap_or_default();
    json!({
        "id": r.id().unwrap_or_default(),
        "status": r.status().as_str(),
        "prefix": prefix,
        "transitions": r.transitions().iter().map(|t| json!({
            "days": t.days(),
            "storage_class": t.storage_class().map(|s| s.as_str()),
        })).collect::<Vec<_>>(),
        "expiration_days": r.expiration().and_then(|e| e.days()),
        "noncurrent_version_expiration_days": r.noncurrent_version_expiration().and_then(|n| n.noncurrent_days()),
        "abort_incomplete_multipart_upload_days": r.abort_incomplete_multipart_upload().and_then(|a| a.days_after_initiation()),
    })
}
