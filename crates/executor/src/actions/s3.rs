//! The log bucket and its settings.

use aws_sdk_s3::types::{
    AbortIncompleteMultipartUpload, BucketLifecycleConfiguration, BucketLocationConstraint,
    BucketVersioningStatus, CreateBucketConfiguration, ExpirationStatus, LifecycleExpiration,
    LifecycleRule, LifecycleRuleFilter, NoncurrentVersionExpiration,
    PublicAccessBlockConfiguration, ServerSideEncryption, ServerSideEncryptionByDefault,
    ServerSideEncryptionConfiguration, ServerSideEncryptionRule, Tag, Tagging, Transition,
    TransitionStorageClass, VersioningConfiguration,
};
use serde_json::Value;

use super::{Cx, Step, aws, refuse};
use crate::retry::CallError;

fn built<T, E: std::fmt::Display>(op: &'static str, r: Result<T, E>) -> Result<T, CallError> {
    r.map_err(|e| refuse(op, format!("cannot build the request: {e}")))
}

/// CreateBucket in the spec's region (LocationConstraint everywhere but
/// us-east-1). A bucket this account already owns is fine; one owned by
/// another account is an error naming it.
pub(crate) async fn bucket(cx: &Cx<'_>, step: &Step) -> Result<&'static str, CallError> {
    if !step.creating() {
        return Err(refuse(
            "s3:CreateBucket",
            "the bucket exists in another region; ctrail never deletes a log bucket to move it",
        ));
    }
    let c = &cx.clients.s3;
    let region = step.str("region").unwrap_or("us-east-1");
    let config = (region != "us-east-1").then(|| {
        CreateBucketConfiguration::builder()
            .location_constraint(BucketLocationConstraint::from(region))
            .build()
    });
    let made = aws!(
        cx,
        "s3:CreateBucket",
        c.create_bucket()
            .bucket(step.name())
            .set_create_bucket_configuration(config.clone())
            .send()
    )
    .await;
    match made {
        Ok(_) => Ok("created"),
        Err(e) if e.code.as_deref() == Some("BucketAlreadyOwnedByYou") => {
            Ok("already existed (owned by this account)")
        }
        Err(e) if e.code.as_deref() == Some("BucketAlreadyExists") => Err(CallError {
            message: format!(
                "{}: the name is taken by another AWS account; choose another bucket name",
                e.message
            ),
            ..e
        }),
        Err(e) => Err(e),
    }
}

pub(crate) async fn public_access_block(
    cx: &Cx<'_>,
    step: &Step,
) -> Result<&'static str, CallError> {
    let cfg = PublicAccessBlockConfiguration::builder()
        .block_public_acls(step.bool("block_public_acls"))
        .ignore_public_acls(step.bool("ignore_public_acls"))
        .block_public_policy(step.bool("block_public_policy"))
        .restrict_public_buckets(step.bool("restrict_public_buckets"))
        .build();
    let c = &cx.clients.s3;
    aws!(
        cx,
        "s3:PutPublicAccessBlock",
        c.put_public_access_block()
            .bucket(step.name())
            .public_access_block_configuration(cfg.clone())
            .send()
    )
    .await?;
    Ok("set")
}

pub(crate) async fn versioning(cx: &Cx<'_>, step: &Step) -> Result<&'static str, CallError> {
    let status = BucketVersioningStatus::from(step.str("status").unwrap_or("Enabled"));
    let cfg = VersioningConfiguration::builder().status(status).build();
    let c = &cx.clients.s3;
    aws!(
        cx,
        "s3:PutBucketVersioning",
        c.put_bucket_versioning()
            .bucket(step.name())
            .versioning_configuration(cfg.clone())
            .send()
    )
    .await?;
    Ok("set")
}

pub(crate) async fn encryption(cx: &Cx<'_>, step: &Step) -> Result<&'static str, CallError> {
    const OP: &str = "s3:PutBucketEncryption";
    let default = built(
        OP,
        ServerSideEncryptionByDefault::builder()
            .sse_algorithm(ServerSideEncryption::from(
                step.str("sse_algorithm").unwrap_or("AES256"),
            ))
            .set_kms_master_key_id(step.str("kms_master_key_id").map(str::to_owned))
            .build(),
    )?;
    let rule = ServerSideEncryptionRule::builder()
        .apply_server_side_encryption_by_default(default)
        .bucket_key_enabled(step.bool("bucket_key_enabled"))
        .build();
    let cfg = built(
        OP,
        ServerSideEncryptionConfiguration::builder()
            .rules(rule)
            .build(),
    )?;
    let c = &cx.clients.s3;
    aws!(
        cx,
        "s3:PutBucketEncryption",
        c.put_bucket_encryption()
            .bucket(step.name())
            .server_side_encryption_configuration(cfg.clone())
            .send()
    )
    .await?;
    Ok("set")
}

fn days(v: &Value, key: &str) -> Option<i32> {
    v.get(key)
        .and_then(Value::as_i64)
        .and_then(|d| i32::try_from(d).ok())
}

fn lifecycle_rule(r: &Value) -> Result<LifecycleRule, CallError> {
    const OP: &str = "s3:PutBucketLifecycleConfiguration";
    let transitions = r
        .get("transitions")
        .and_then(Value::as_array)
        .map(|ts| {
            ts.iter()
                .map(|t| {
                    Transition::builder()
                        .set_days(days(t, "days"))
                        .storage_class(TransitionStorageClass::from(
                            t.get("storage_class")
                                .and_then(Value::as_str)
                                .unwrap_or_default(),
                        ))
                        .build()
                })
                .collect::<Vec<_>>()
        })
        .filter(|t| !t.is_empty());
    built(
        OP,
        LifecycleRule::builder()
            .id(r.get("id").and_then(Value::as_str).unwrap_or_default())
            .status(ExpirationStatus::from(
                r.get("status").and_then(Value::as_str).unwrap_or("Enabled"),
            ))
            .filter(
                LifecycleRuleFilter::builder()
                    .prefix(r.get("prefix").and_then(Value::as_str).unwrap_or_default())
                    .build(),
            )
            .set_transitions(transitions)
            .set_expiration(
                days(r, "expiration_days").map(|d| LifecycleExpiration::builder().days(d).build()),
            )
            .set_noncurrent_version_expiration(days(r, "noncurrent_version_expiration_days").map(
                |d| {
                    NoncurrentVersionExpiration::builder()
                        .noncurrent_days(d)
                        .build()
                },
            ))
            .set_abort_incomplete_multipart_upload(
                days(r, "abort_incomplete_multipart_upload_days").map(|d| {
                    AbortIncompleteMultipartUpload::builder()
                        .days_after_initiation(d)
                        .build()
                }),
            )
            .build(),
    )
}

pub(crate) async fn lifecycle(cx: &Cx<'_>, step: &Step) -> Result<&'static str, CallError> {
    let c = &cx.clients.s3;
    let rules = step
        .desired
        .get("rules")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default()
        .iter()
        .map(lifecycle_rule)
        .collect::<Result<Vec<_>, _>>()?;
    if rules.is_empty() {
        aws!(
            cx,
            "s3:DeleteBucketLifecycle",
            c.delete_bucket_lifecycle().bucket(step.name()).send()
        )
        .await?;
        return Ok("removed");
    }
    let cfg = built(
        "s3:PutBucketLifecycleConfiguration",
        BucketLifecycleConfiguration::builder()
            .set_rules(Some(rules))
            .build(),
    )?;
    aws!(
        cx,
        "s3:PutBucketLifecycleConfiguration",
        c.put_bucket_lifecycle_configuration()
            .bucket(step.name())
            .lifecycle_configuration(cfg.clone())
            .send()
    )
    .await?;
    Ok("set")
}

pub(crate) async fn tags(cx: &Cx<'_>, step: &Step) -> Result<&'static str, CallError> {
    const OP: &str = "s3:PutBucketTagging";
    let c = &cx.clients.s3;
    let tags = step.tags();
    if tags.is_empty() {
        aws!(
            cx,
            "s3:DeleteBucketTagging",
            c.delete_bucket_tagging().bucket(step.name()).send()
        )
        .await?;
        return Ok("removed");
    }
    let set = tags
        .iter()
        .map(|(k, v)| built(OP, Tag::builder().key(k).value(v).build()))
        .collect::<Result<Vec<_>, _>>()?;
    let tagging = built(OP, Tagging::builder().set_tag_set(Some(set)).build())?;
    aws!(
        cx,
        "s3:PutBucketTagging",
        c.put_bucket_tagging()
            .bucket(step.name())
            .tagging(tagging.clone())
            .send()
    )
    .await?;
    Ok("set")
}

pub(crate) async fn policy(cx: &Cx<'_>, step: &Step) -> Result<&'static str, CallError> {
    let c = &cx.clients.s3;
    let policy = serde_json::to_string(step.desired.get("policy").unwrap_or(&Value::Null))
        .map_err(|e| refuse("s3:PutBucketPolicy", e.to_string()))?;
    aws!(
        cx,
        "s3:PutBucketPolicy",
        c.put_bucket_policy()
            .bucket(step.name())
            .policy(&policy)
            .send()
    )
    .await?;
    Ok("set")
}
