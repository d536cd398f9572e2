//! What validation reads, and from where: the objects of the trail's bucket
//! (`ObjectStore`: S3's ListObjectsV2 and GetObject) and the public keys
//! CloudTrail signs digests with (`PublicKeys`: CloudTrail's
//! ListPublicKeys). The AWS implementation is the kinds crate's runtime
//! (`ctrail_kinds::aws::objects`); the unit tests use one in memory.

use std::collections::HashMap;
use std::future::Future;
use std::pin::Pin;

use futures::Stream;

use crate::validate::PublicKey;

/// A call the store could not answer: AWS's error code (`error` when there
/// was none) and its message (empty when there was none).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoreError {
    pub code: String,
    pub message: String,
}

/// Which keys to list (one ListObjectsV2 request, page after page).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Query<'a> {
    pub bucket: &'a str,
    pub prefix: &'a str,
    /// Keys with this after the prefix are rolled up into `Page::prefixes`.
    pub delimiter: Option<&'a str>,
    /// Only keys after this one (in UTF-8 binary order).
    pub start_after: Option<&'a str>,
}

/// One page of a listing, its keys in UTF-8 binary order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Page {
    pub keys: Vec<String>,
    /// With a delimiter: each distinct prefix up to and including it.
    pub prefixes: Vec<String>,
    /// What asks for the next page; `None` on the last.
    pub next: Option<String>,
}

/// An object's bytes, chunk by chunk as they arrive; a chunk that fails
/// says why.
pub type Body = Pin<Box<dyn Stream<Item = Result<Vec<u8>, String>> + Send>>;

/// An object: its user metadata (`x-amz-meta-*`, by the name after the
/// prefix) and its bytes.
pub struct Object {
    pub metadata: HashMap<String, String>,
    pub body: Body,
}

/// Why an object was not given.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GetError {
    /// No object has the key.
    NotFound,
    /// Anything else (AccessDenied, say).
    Failed(StoreError),
}

/// The objects of a bucket, read only. Cloned into each task of a run.
pub trait ObjectStore: Clone + Send + Sync + 'static {
    /// One page of the keys `query` names; `page` is the previous page's
    /// `next` (`None` for the first).
    fn list(
        &self,
        query: &Query<'_>,
        page: Option<String>,
    ) -> impl Future<Output = Result<Page, StoreError>> + Send;

    /// The object at `key`.
    fn get(&self, bucket: &str, key: &str)
    -> impl Future<Output = Result<Object, GetError>> + Send;
}

/// The public keys CloudTrail signed digests with.
pub trait PublicKeys {
    /// The keys valid at some time between `start` and `end` (seconds since
    /// the epoch).
    fn public_keys(
        &self,
        start: i64,
        end: i64,
    ) -> impl Future<Output = Result<Vec<PublicKey>, StoreError>> + Send;
}
