//! The S3 calls on ctrail's own objects in the state bucket
//! (`crate::state`: the ledger and the apply lock), one attempt each, every
//! failure classified for the caller's retry policy; what the objects mean
//! lives with their users.
//!
//! A write may be conditioned (Amazon S3 User Guide, "How to prevent object
//! overwrites with conditional writes",
//! https://docs.aws.amazon.com/AmazonS3/latest/userguide/conditional-writes.html):
//! `If-None-Match: *` writes only when no object has the key, `If-Match:
//! <ETag>` only over that version; a condition that fails is answered 412
//! PreconditionFailed. A write racing another to the key may instead be
//! answered 409 ConditionalRequestConflict (S3 API Reference, "PutObject",
//! If-None-Match,
//! https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutObject.html);
//! both are "the condition failed" here, and the lock reads the object
//! again to learn who won, which holds whichever answer S3 gives.

use aws_sdk_s3::primitives::ByteStream;
use aws_sdk_s3::types::{BucketLocationConstraint, CreateBucketConfiguration};
use aws_smithy_types::error::metadata::ProvideErrorMetadata;

use super::error::call_error;
use super::{CallError, Clients};
use crate::state::{Condition, GetError, StateStore, Stored, Written};

impl StateStore for Clients {
    /// Reads the object at `key` (GetObject) with its ETag.
    async fn get(&self, bucket: &str, key: &str) -> Result<Stored, GetError> {
        let object = match self.s3.get_object().bucket(bucket).key(key).send().await {
            Ok(o) => o,
            Err(e) if e.code() == Some("NoSuchKey") => return Ok(Stored::Absent),
            Err(e) if e.code() == Some("NoSuchBucket") => return Ok(Stored::NoBucket),
            Err(e) => return Err(GetError::Call(call_error("s3:GetObject", e))),
        };
        let etag = object.e_tag().unwrap_or_default().to_owned();
        let body = object
            .body
            .collect()
            .await
            .map_err(|e| GetError::Body(e.to_string()))?
            .into_bytes()
            .to_vec();
        Ok(Stored::Present { etag, body })
    }

    /// Writes `body` (JSON) at `key` (PutObject) if `when` holds:
    /// `Ok(Some(etag))` written, `Ok(None)` the condition failed.
    async fn put(&self, bucket: &str, key: &str, body: &[u8], when: &Condition) -> Written {
        let mut req = self
            .s3
            .put_object()
            .bucket(bucket)
            .key(key)
            .content_type("application/json")
            .body(ByteStream::from(body.to_vec()));
        req = match when {
            Condition::None => req,
            Condition::Absent => req.if_none_match("*"),
            Condition::Etag(e) => req.if_match(e),
        };
        match req.send().await {
            Ok(o) => Ok(Some(o.e_tag().unwrap_or_default().to_owned())),
            Err(e)
                if *when != Condition::None
                    && matches!(
                        e.code(),
                        Some("PreconditionFailed" | "ConditionalRequestConflict")
                    ) =>
            {
                Ok(None)
            }
            Err(e) => Err(call_error("s3:PutObject", e)),
        }
    }

    /// Deletes the object at `key` (DeleteObject); a bucket that is gone holds
    /// nothing to delete.
    async fn delete(&self, bucket: &str, key: &str) -> Result<(), CallError> {
        match self.s3.delete_object().bucket(bucket).key(key).send().await {
            Ok(_) => Ok(()),
            Err(e) if e.code() == Some("NoSuchBucket") => Ok(()),
            Err(e) => Err(call_error("s3:DeleteObject", e)),
        }
    }

    /// Creates the bucket in `region` (CreateBucket) for a state object written
    /// before the plan's bucket exists. Created by its owner already is done
    /// (BucketAlreadyOwnedByYou); us-east-1 takes no location constraint (S3 API
    /// Reference, "CreateBucket",
    /// https://docs.aws.amazon.com/AmazonS3/latest/API/API_CreateBucket.html).
    async fn create_bucket(&self, bucket: &str, region: &str) -> Result<(), CallError> {
        let config = (region != "us-east-1").then(|| {
            CreateBucketConfiguration::builder()
                .location_constraint(BucketLocationConstraint::from(region))
                .build()
        });
        match self
            .s3
            .create_bucket()
            .bucket(bucket)
            .set_create_bucket_configuration(config)
            .send()
            .await
        {
            Ok(_) => Ok(()),
            Err(e) if e.code() == Some("BucketAlreadyOwnedByYou") => Ok(()),
            Err(e) => Err(call_error("s3:CreateBucket", e)),
        }
    }

    /// Whether `bucket` has S3 Object Lock on (GetObjectLockConfiguration), which
    /// would keep every version of ctrail's objects for the bucket's retention
    /// (S3 User Guide, "Locking objects with Object Lock",
    /// https://docs.aws.amazon.com/AmazonS3/latest/userguide/object-lock.html).
    /// A bucket without it answers ObjectLockConfigurationNotFoundError; one
    /// that does not exist holds nothing yet.
    async fn object_locked(&self, bucket: &str) -> Result<bool, CallError> {
        match self
            .s3
            .get_object_lock_configuration()
            .bucket(bucket)
            .send()
            .await
        {
            Ok(o) => Ok(o
                .object_lock_configuration()
                .and_then(|c| c.object_lock_enabled())
                .is_some_and(|e| e.as_str() == "Enabled")),
            Err(e)
                if matches!(
                    e.code(),
                    Some("ObjectLockConfigurationNotFoundError" | "NoSuchBucket")
                ) =>
            {
                Ok(false)
            }
            Err(e) => Err(call_error("s3:GetObjectLockConfiguration", e)),
        }
    }
}
