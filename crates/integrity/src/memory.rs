//! A bucket and CloudTrail's public keys in memory, for the unit tests:
//! listings page as ListObjectsV2 pages (keys in binary order, common
//! prefixes rolled up and counted toward the page, `StartAfter` and the
//! continuation exclusive), small pages so every walk crosses several.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use crate::store::{GetError, Object, ObjectStore, Page, PublicKeys, Query, StoreError};
use crate::testdata;
use crate::validate::PublicKey;

/// Bytes handed out per chunk of a body.
const CHUNK: usize = 1000;

#[derive(Default)]
struct Inner {
    objects: BTreeMap<(String, String), testdata::Object>,
    /// Keys whose GetObject is refused (AccessDenied).
    denied: BTreeSet<String>,
    /// What every ListObjectsV2 answers instead of a page.
    list_fails: Option<StoreError>,
    keys: Vec<PublicKey>,
}

#[derive(Clone, Default)]
pub struct Memory {
    inner: Arc<Mutex<Inner>>,
    page_size: usize,
}

pub fn denied() -> StoreError {
    StoreError {
        code: "AccessDenied".into(),
        message: "Access Denied".into(),
    }
}

impl Memory {
    pub fn new(page_size: usize, keys: Vec<PublicKey>) -> Memory {
        let memory = Memory {
            inner: Arc::default(),
            page_size: page_size.max(1),
        };
        memory.inner().keys = keys;
        memory
    }

    fn inner(&self) -> MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(PoisonError::into_inner)
    }

    pub fn put(&self, bucket: &str, object: testdata::Object) {
        self.inner()
            .objects
            .insert((bucket.to_owned(), object.key.clone()), object);
    }

    pub fn remove(&self, bucket: &str, key: &str) -> Option<testdata::Object> {
        self.inner()
            .objects
            .remove(&(bucket.to_owned(), key.to_owned()))
    }

    pub fn deny(&self, key: &str) {
        self.inner().denied.insert(key.to_owned());
    }

    pub fn fail_lists(&self, error: StoreError) {
        self.inner().list_fails = Some(error);
    }
}

impl ObjectStore for Memory {
    async fn list(&self, query: &Query<'_>, page: Option<String>) -> Result<Page, StoreError> {
        let inner = self.inner();
        if let Some(e) = &inner.list_fails {
            return Err(e.clone());
        }
        // Each key, or the common prefix it rolls up into, in order.
        let mut entries: Vec<(String, bool)> = Vec::new();
        for (bucket, key) in inner.objects.keys() {
            if bucket != query.bucket
                || !key.starts_with(query.prefix)
                || query.start_after.is_some_and(|after| key.as_str() <= after)
            {
                continue;
            }
            let rest = &key[query.prefix.len()..];
            let entry = match query
                .delimiter
                .and_then(|d| rest.find(d).map(|i| i + d.len()))
            {
                Some(end) => (format!("{}{}", query.prefix, &rest[..end]), true),
                None => (key.clone(), false),
            };
            if entries.last() != Some(&entry) {
                entries.push(entry);
            }
        }
        let after: Vec<(String, bool)> = entries
            .into_iter()
            .filter(|(e, _)| page.as_ref().is_none_or(|p| e > p))
            .collect();
        let taken = &after[..after.len().min(self.page_size)];
        Ok(Page {
            keys: taken.iter().filter(|e| !e.1).map(|e| e.0.clone()).collect(),
            prefixes: taken.iter().filter(|e| e.1).map(|e| e.0.clone()).collect(),
            next: (after.len() > taken.len())
                .then(|| taken.last().map(|e| e.0.clone()))
                .flatten(),
        })
    }

    async fn get(&self, bucket: &str, key: &str) -> Result<Object, GetError> {
        let inner = self.inner();
        if inner.denied.contains(key) {
            return Err(GetError::Failed(denied()));
        }
        let object = inner
            .objects
            .get(&(bucket.to_owned(), key.to_owned()))
            .ok_or(GetError::NotFound)?;
        let chunks: Vec<Result<Vec<u8>, String>> =
            object.body.chunks(CHUNK).map(|c| Ok(c.to_vec())).collect();
        Ok(Object {
            metadata: object.metadata.iter().cloned().collect::<HashMap<_, _>>(),
            body: Box::pin(futures::stream::iter(chunks)),
        })
    }
}

impl PublicKeys for Memory {
    async fn public_keys(&self, start: i64, end: i64) -> Result<Vec<PublicKey>, StoreError> {
        Ok(self
            .inner()
            .keys
            .iter()
            .filter(|k| k.valid_from <= end && start <= k.valid_to)
            .cloned()
            .collect())
    }
}
