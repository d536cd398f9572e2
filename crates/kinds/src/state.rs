//! ctrail's own objects in the spec's state bucket (the log bucket by
//! default): the ledger (`[prefix/]ctrail-state/<trail>.json`, what ctrail
//! owns: read with every plan, written at the end of every apply that
//! changed something, under the apply lock) and the apply lock
//! (`[prefix/]ctrail-lock/<trail>.json`: the executor's `lock`). SDK-free:
//! their S3 calls are a `StateStore`, which the kinds' AWS runtime
//! implements for its clients, one attempt each, every failure classified
//! for the caller's retry policy (`crate::calls::call`).
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

use std::future::Future;

use ctrail_spec::State;

use crate::calls::{CallError, Class, RetryPolicy, Retrying, call};
use crate::{Attributes, Ledger, ReadError};

/// A state object as read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Stored {
    /// The bucket does not exist (yet).
    NoBucket,
    /// The bucket has no object at the key.
    Absent,
    Present {
        /// The version read, for a write conditioned on it.
        etag: String,
        body: Vec<u8>,
    },
}

/// Why a state object could not be read.
#[derive(Debug, Clone, thiserror::Error)]
pub enum GetError {
    /// GetObject failed (AWS's answer, or none).
    #[error("{0}")]
    Call(CallError),
    /// The object's bytes broke off on the way.
    #[error("{0}")]
    Body(String),
}

impl GetError {
    /// As a failed call: a body that broke off is worth another attempt.
    pub fn into_call(self) -> CallError {
        match self {
            GetError::Call(e) => e,
            GetError::Body(message) => CallError {
                operation: "s3:GetObject",
                code: None,
                message,
                class: Class::Transient,
            },
        }
    }
}

/// What a write is conditioned on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Condition {
    /// Nothing: the write replaces whatever is there.
    None,
    /// No object has the key (`If-None-Match: *`).
    Absent,
    /// The object is still the version with this ETag (`If-Match`).
    Etag(String),
}

/// A conditional write: `Ok(Some(etag))` written, `Ok(None)` the condition
/// failed.
pub type Written = Result<Option<String>, CallError>;

/// The S3 calls on ctrail's state objects, one attempt each.
pub trait StateStore: Send + Sync {
    /// The object at `key` (GetObject) with its ETag.
    fn get(&self, bucket: &str, key: &str)
    -> impl Future<Output = Result<Stored, GetError>> + Send;

    /// Writes `body` (JSON) at `key` (PutObject) if `condition` holds.
    fn put(
        &self,
        bucket: &str,
        key: &str,
        body: &[u8],
        condition: &Condition,
    ) -> impl Future<Output = Written> + Send;

    /// Deletes the object at `key` (DeleteObject); a bucket that is gone
    /// holds nothing to delete.
    fn delete(&self, bucket: &str, key: &str)
    -> impl Future<Output = Result<(), CallError>> + Send;

    /// Creates the bucket in `region` (CreateBucket), for a state object
    /// written before the plan's bucket exists; one its owner created
    /// already is done.
    fn create_bucket(
        &self,
        bucket: &str,
        region: &str,
    ) -> impl Future<Output = Result<(), CallError>> + Send;

    /// Whether `bucket` has S3 Object Lock on; one that does not exist
    /// holds nothing yet.
    fn object_locked(&self, bucket: &str) -> impl Future<Output = Result<bool, CallError>> + Send;
}

/// The trail's ledger; an empty one when there is none yet (or no bucket).
/// A ledger that cannot be parsed is an error: guessing could delete what
/// is not ctrail's, or keep what is.
pub async fn read_ledger(
    store: &impl StateStore,
    at: &State,
    trail: &str,
) -> Result<Ledger, ReadError> {
    let bucket = &at.bucket;
    let key = at.ledger_key(trail);
    let bytes = match store.get(bucket, &key).await {
        Ok(Stored::Present { body, .. }) => body,
        Ok(Stored::Absent | Stored::NoBucket) => return Ok(Ledger::new(trail)),
        // Without the ledger ctrail cannot tell what it owns: never guess.
        Err(GetError::Call(e)) => {
            let what = unreadable(&e.code);
            let cause = ReadError::Call {
                operation: e.operation,
                code: e.code,
                message: e.message,
            };
            return Err(ReadError::Unexpected(format!(
                "reading what ctrail owns, s3://{bucket}/{key}: {cause}; {what}"
            )));
        }
        Err(GetError::Body(e)) => {
            return Err(ReadError::Unexpected(format!(
                "reading s3://{bucket}/{key}: {e}"
            )));
        }
    };
    let not_a_ledger = |e: &dyn std::fmt::Display| {
        ReadError::Unexpected(format!(
            "s3://{bucket}/{key} is not a ctrail ledger ({e}); restore it from its previous version (the bucket is versioned) or delete it to let ctrail adopt what the spec names again"
        ))
    };
    // Stored as JSON; each resource's attributes must be its kind's.
    let stored: ctrail_model::Ledger<serde_json::Value> =
        serde_json::from_slice(&bytes).map_err(|e| not_a_ledger(&e))?;
    stored
        .try_map(|address, v| Attributes::from_json(address, &v))
        .map_err(|e| not_a_ledger(&e))
}

/// What to do about a ledger S3 would not give, by S3's error code.
fn unreadable(code: &Option<String>) -> &'static str {
    match code.as_deref() {
        // GetObject on an object in S3 Glacier Flexible Retrieval or Deep
        // Archive: "Object is in an archive state" until restored (S3 API
        // Reference, "GetObject", InvalidObjectState,
        // https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetObject.html).
        Some("InvalidObjectState") => {
            "the ledger is in an archive storage class (a lifecycle rule moved it): restore it (aws s3api restore-object), then scope that rule to the log files' prefix (AWSLogs/), as ctrail's default rule is"
        }
        // Without s3:ListBucket, S3 answers 403 for a missing object too
        // (S3 API Reference, "GetObject", Permissions): a first plan with
        // no ledger yet cannot be told from a denied read.
        Some("AccessDenied") => {
            "S3 answers 403 AccessDenied both for a denied read and, without s3:ListBucket on the bucket, for an object that does not exist yet: plans need s3:GetObject on the ledger and s3:ListBucket on its bucket (docs/ownership.md lists what ctrail's principal needs)"
        }
        _ => "plans need s3:GetObject on it",
    }
}

/// Stores the ledger (the caller holds the apply lock): written, or
/// deleted once it lists nothing (every resource it listed is gone).
pub async fn store_ledger(
    store: &impl StateStore,
    at: &State,
    ledger: &Ledger,
    policy: &RetryPolicy,
    on_retry: &(dyn Fn(Retrying) + Send + Sync),
) -> Result<(), CallError> {
    let (bucket, key) = (&at.bucket, at.ledger_key(&ledger.trail));
    if ledger.owned.is_empty() {
        return call("ledger", "s3:DeleteObject", policy, on_retry, || async {
            store.delete(bucket, &key).await
        })
        .await;
    }
    let body = serde_json::to_vec_pretty(ledger).map_err(|e| CallError {
        operation: "s3:PutObject",
        code: None,
        message: e.to_string(),
        class: Class::Fatal,
    })?;
    call("ledger", "s3:PutObject", policy, on_retry, || async {
        store
            .put(bucket, &key, &body, &Condition::None)
            .await
            .map(|_| ())
    })
    .await
}

/// A state bucket held in memory, with S3's conditional writes, for tests
/// of the ledger and the lock without an emulator.
#[cfg(any(test, feature = "fixtures"))]
pub mod memory {
    use std::collections::{BTreeMap, BTreeSet};
    use std::sync::{Arc, Mutex};

    use super::{CallError, Condition, GetError, StateStore, Stored, Written};
    use crate::calls::Class;

    /// Buckets, and their objects by key with an ETag each.
    #[derive(Debug, Clone, Default)]
    pub struct Memory {
        inner: Arc<Mutex<Buckets>>,
    }

    #[derive(Debug, Default)]
    struct Buckets {
        names: BTreeSet<String>,
        objects: BTreeMap<(String, String), (String, Vec<u8>)>,
        written: u64,
        /// The code every call answers with, when set.
        failing: Option<&'static str>,
    }

    impl Memory {
        /// A store holding the bucket `name`, empty.
        pub fn with_bucket(name: &str) -> Memory {
            let m = Memory::default();
            m.buckets().names.insert(name.to_owned());
            m
        }

        fn buckets(&self) -> std::sync::MutexGuard<'_, Buckets> {
            self.inner.lock().unwrap_or_else(|e| e.into_inner())
        }

        /// The object at `key`, if any.
        pub fn object(&self, bucket: &str, key: &str) -> Option<Vec<u8>> {
            let b = self.buckets();
            let found = b.objects.get(&(bucket.to_owned(), key.to_owned()));
            found.map(|(_, body)| body.clone())
        }

        /// Writes `body` at `key` as another writer would.
        pub fn put_object(&self, bucket: &str, key: &str, body: &[u8]) {
            let mut b = self.buckets();
            b.written += 1;
            let etag = format!("\"{}\"", b.written);
            b.objects
                .insert((bucket.to_owned(), key.to_owned()), (etag, body.to_vec()));
        }

        /// Every call from now on fails with AWS's `code` (fatal).
        pub fn fail_with(&self, code: &'static str) {
            self.buckets().failing = Some(code);
        }

        fn refused(&self, operation: &'static str) -> Result<(), CallError> {
            match self.buckets().failing {
                Some(code) => Err(CallError {
                    operation,
                    code: Some(code.to_owned()),
                    message: format!("{code}: refused"),
                    class: Class::Fatal,
                }),
                None => Ok(()),
            }
        }
    }

    impl StateStore for Memory {
        async fn get(&self, bucket: &str, key: &str) -> Result<Stored, GetError> {
            self.refused("s3:GetObject").map_err(GetError::Call)?;
            let b = self.buckets();
            if !b.names.contains(bucket) {
                return Ok(Stored::NoBucket);
            }
            Ok(match b.objects.get(&(bucket.to_owned(), key.to_owned())) {
                Some((etag, body)) => Stored::Present {
                    etag: etag.clone(),
                    body: body.clone(),
                },
                None => Stored::Absent,
            })
        }

        async fn put(&self, bucket: &str, key: &str, body: &[u8], when: &Condition) -> Written {
            self.refused("s3:PutObject")?;
            let mut b = self.buckets();
            if !b.names.contains(bucket) {
                return Err(CallError {
                    operation: "s3:PutObject",
                    code: Some("NoSuchBucket".into()),
                    message: "NoSuchBucket: The specified bucket does not exist".into(),
                    class: Class::Fatal,
                });
            }
            let at = (bucket.to_owned(), key.to_owned());
            let current = b.objects.get(&at).map(|(etag, _)| etag.clone());
            let holds = match when {
                Condition::None => true,
                Condition::Absent => current.is_none(),
                Condition::Etag(e) => current.as_deref() == Some(e.as_str()),
            };
            if !holds {
                return Ok(None);
            }
            b.written += 1;
            let etag = format!("\"{}\"", b.written);
            b.objects.insert(at, (etag.clone(), body.to_vec()));
            Ok(Some(etag))
        }

        async fn delete(&self, bucket: &str, key: &str) -> Result<(), CallError> {
            self.refused("s3:DeleteObject")?;
            let at = (bucket.to_owned(), key.to_owned());
            self.buckets().objects.remove(&at);
            Ok(())
        }

        async fn create_bucket(&self, bucket: &str, _region: &str) -> Result<(), CallError> {
            self.refused("s3:CreateBucket")?;
            self.buckets().names.insert(bucket.to_owned());
            Ok(())
        }

        async fn object_locked(&self, _bucket: &str) -> Result<bool, CallError> {
            self.refused("s3:GetObjectLockConfiguration")?;
            Ok(false)
        }
    }
}

#[cfg(test)]
mod tests {
    use ctrail_model::{Address, ResourceKind, Variant};

    use super::memory::Memory;
    use super::*;
    use crate::s3::bucket::Bucket;

    fn state() -> State {
        State {
            bucket: "logs".into(),
            prefix: None,
            account: None,
            in_log_bucket: true,
        }
    }

    #[tokio::test]
    async fn a_ledger_written_is_read_back_as_each_kinds_attributes() {
        let store = Memory::with_bucket("logs");
        let at = state();
        let empty = read_ledger(&store, &at, "t").await.expect("no ledger yet");
        assert_eq!(empty, Ledger::new("t"));

        let mut ledger = Ledger::new("t");
        let address = Address::new(ResourceKind::S3Bucket, "logs");
        let bucket = Bucket {
            name: "logs".into(),
            region: "eu-west-1".into(),
        };
        ledger.owned.insert(address.clone(), bucket.clone().into());
        store_ledger(&store, &at, &ledger, &RetryPolicy::once(), &|_| {})
            .await
            .expect("written");
        let read = read_ledger(&store, &at, "t").await.expect("read");
        assert_eq!(read, ledger);
        assert_eq!(
            read.owned.get(&address).and_then(Bucket::of),
            Some(&bucket),
            "read back as the bucket's own attributes"
        );

        store_ledger(
            &store,
            &at,
            &Ledger::new("t"),
            &RetryPolicy::once(),
            &|_| {},
        )
        .await
        .expect("removed");
        assert!(store.object("logs", &at.ledger_key("t")).is_none());
    }

    #[tokio::test]
    async fn a_ledger_that_cannot_be_read_is_an_error_never_an_empty_one() {
        let store = Memory::with_bucket("logs");
        let at = state();
        store.put_object("logs", &at.ledger_key("t"), b"{not json");
        let e = read_ledger(&store, &at, "t")
            .await
            .expect_err("not a ledger");
        assert!(e.to_string().contains("is not a ctrail ledger"), "{e}");

        store.fail_with("AccessDenied");
        let e = read_ledger(&store, &at, "t").await.expect_err("denied");
        assert!(e.to_string().contains("s3:ListBucket"), "{e}");
    }

    #[tokio::test]
    async fn no_bucket_yet_holds_an_empty_ledger() {
        let store = Memory::default();
        let ledger = read_ledger(&store, &state(), "t").await.expect("empty");
        assert!(ledger.owned.is_empty());
    }
}
