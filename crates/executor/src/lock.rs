//! The apply lock: two `ctrail apply` runs against one trail never
//! interleave their writes, and a run never applies a plan made before
//! another run changed the account.
//!
//! The lock is one object in the spec's state bucket (the log bucket by
//! default), `[prefix/]ctrail-lock/<trail>.json`, written only with S3 conditional writes (S3
//! User Guide, "Add preconditions to S3 operations with conditional
//! requests": `If-None-Match: *` creates only if absent, `If-Match: <ETag>`
//! replaces only that version; a lost race answers 412 PreconditionFailed),
//! as Terraform's S3 backend locks its state. Its ETag is read with the
//! plan (`observe`); taking it (`acquire`) is a write conditioned on that
//! ETag, so it fails if anyone took or released the lock since the plan was
//! read. Held, it names its owner, host, process, start and expiry; released,
//! it stays as `{"held": false}` (a new ETag, which invalidates every plan
//! read before). A holder that is gone (past its expiry, or a run of this
//! machine, known by the lock's id, whose process no longer runs: `holder`)
//! is taken over; `force_unlock` releases a named lock by hand. Its S3
//! calls are the kinds runtime's `state` module, which the ledger shares;
//! the lock's meaning lives here.

use std::time::{SystemTime, UNIX_EPOCH};

use ctrail_kinds::calls::{CallError, RetryPolicy, Retrying, call};
use ctrail_kinds::state::{Condition, GetError, StateStore, Stored};
use serde::{Deserialize, Serialize};

/// A time the lock records (seconds since the epoch) as
/// `2026-11-24T05:00:00Z`; empty when it has no such form.
fn utc(secs: i64) -> String {
    aws_smithy_types::DateTime::from_secs(secs)
        .fmt(aws_smithy_types::date_time::Format::DateTime)
        .unwrap_or_default()
}

/// How long a lock holds without its holder: longer than any apply.
pub const TTL_SECS: i64 = 3600;

/// What the lock object says.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LockInfo {
    pub held: bool,
    /// A random id: what `--force-unlock` names.
    #[serde(default)]
    pub id: String,
    #[serde(default)]
    pub owner: String,
    #[serde(default)]
    pub host: String,
    #[serde(default)]
    pub pid: u32,
    #[serde(default)]
    pub operation: String,
    #[serde(default)]
    pub started: i64,
    #[serde(default)]
    pub expires: i64,
}

impl LockInfo {
    /// When the lock was taken: `2026-11-24T05:00:00Z`.
    pub fn since(&self) -> String {
        utc(self.started)
    }
}

/// Where the lock of one trail lives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LockPlace {
    pub bucket: String,
    pub key: String,
    pub region: String,
    /// The bucket is the log bucket, which the plan creates: the lock may
    /// find it missing and create it first. Any other state bucket must
    /// exist.
    pub log_bucket: bool,
}

impl LockPlace {
    /// The lock of `trail` where the spec keeps ctrail's state.
    pub fn new(state: &ctrail_spec::State, trail: &str, region: &str) -> LockPlace {
        LockPlace {
            bucket: state.bucket.clone(),
            key: state.lock_key(trail),
            region: region.to_owned(),
            log_bucket: state.in_log_bucket,
        }
    }

    fn uri(&self) -> String {
        format!("s3://{}/{}", self.bucket, self.key)
    }
}

/// The lock object in the log bucket, as read with the plan (its ETag
/// conditions the write that takes it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StoredLock {
    /// The bucket does not exist yet.
    NoBucket,
    /// No lock object yet.
    Absent,
    Present {
        etag: String,
        info: LockInfo,
    },
}

/// A lock this run holds.
#[derive(Debug, Clone)]
pub struct Held {
    pub place: LockPlace,
    pub info: LockInfo,
    etag: String,
    /// The holder this run took over from, if it was gone.
    pub took_over: Option<LockInfo>,
}

#[derive(Debug, thiserror::Error)]
pub enum LockError {
    #[error("{}", held_message(.place, .info))]
    Held { place: LockPlace, info: LockInfo },
    #[error(
        "another run took or released the lock {} since this plan was read: the account may have changed; nothing was applied. Plan again.",
        .0.uri()
    )]
    Moved(LockPlace),
    #[error("the lock {} is {}, not {wanted}; nothing was unlocked", .place.uri(), describe(.found))]
    NotThatLock {
        place: LockPlace,
        found: Option<LockInfo>,
        wanted: String,
    },
    #[error(
        "the state bucket {0} does not exist: create it (versioned, no Object Lock) or name another in state.bucket; nothing was applied"
    )]
    NoStateBucket(String),
    #[error(
        "the bucket {0} has S3 Object Lock, which would keep every version of ctrail's lock and ledger for its retention; name another bucket for them in state.bucket; nothing was applied"
    )]
    ObjectLocked(String),
    #[error("{0}")]
    Call(#[from] CallError),
}

fn now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64)
}

fn describe(found: &Option<LockInfo>) -> String {
    match found {
        Some(i) if i.held => format!("held as {}", i.id),
        _ => "not held".to_owned(),
    }
}

fn held_message(place: &LockPlace, info: &LockInfo) -> String {
    let age = (now() - info.started).max(0);
    format!(
        "the trail is locked by {} on {} (process {}, {}) since {} ({} min {} s ago, lock {}, expires in {} min); nothing was applied. If that run is gone, release its lock: ctrail apply --force-unlock {} SPEC",
        info.owner,
        info.host,
        info.pid,
        info.operation,
        info.since(),
        age / 60,
        age % 60,
        info.id,
        ((info.expires - now()).max(0)) / 60,
        info.id,
    ) + &format!(" (lock object {})", place.uri())
}

/// This host's name, as the lock records it.
pub fn host_name() -> String {
    std::env::var("HOSTNAME")
        .ok()
        .filter(|h| !h.is_empty())
        .or_else(|| {
            std::fs::read_to_string("/etc/hostname")
                .ok()
                .map(|h| h.trim().to_owned())
        })
        .unwrap_or_else(|| "unknown host".to_owned())
}

/// Whether the holder is gone: past its expiry, or a run of this machine
/// (by the lock's id, `holder`) whose process no longer runs.
fn gone(info: &LockInfo) -> bool {
    info.expires < now() || crate::holder::dead_here(&info.id)
}

/// The lock calls: the run's retry policy, never SDK retries.
pub struct Locker<'a, S> {
    /// The state bucket's account's objects.
    pub store: &'a S,
    pub policy: RetryPolicy,
    pub on_retry: &'a (dyn Fn(Retrying) + Send + Sync),
}

impl<S: StateStore> Locker<'_, S> {
    /// Reads the lock object (with the plan), and refuses a state bucket
    /// with Object Lock, asked at the same time.
    pub async fn observe(&self, place: &LockPlace) -> Result<StoredLock, LockError> {
        let locked = call(
            "lock",
            "s3:GetObjectLockConfiguration",
            &self.policy,
            self.on_retry,
            || async { self.store.object_locked(&place.bucket).await },
        );
        let (stored, locked) = tokio::join!(self.read(place), locked);
        if locked? {
            return Err(LockError::ObjectLocked(place.bucket.clone()));
        }
        Ok(stored?)
    }

    /// Reads the lock object.
    async fn read(&self, place: &LockPlace) -> Result<StoredLock, CallError> {
        let stored = call(
            "lock",
            "s3:GetObject",
            &self.policy,
            self.on_retry,
            || async {
                self.store
                    .get(&place.bucket, &place.key)
                    .await
                    .map_err(GetError::into_call)
            },
        )
        .await?;
        Ok(match stored {
            Stored::NoBucket => StoredLock::NoBucket,
            Stored::Absent => StoredLock::Absent,
            Stored::Present { etag, body } => {
                // A lock object that does not parse holds nothing.
                let info = serde_json::from_slice(&body).unwrap_or(LockInfo {
                    held: false,
                    id: String::new(),
                    owner: String::new(),
                    host: String::new(),
                    pid: 0,
                    operation: String::new(),
                    started: 0,
                    expires: 0,
                });
                StoredLock::Present { etag, info }
            }
        })
    }

    /// A conditional put of `info`: `Ok(Some(etag))` written, `Ok(None)`
    /// the condition failed.
    async fn put(
        &self,
        place: &LockPlace,
        info: &LockInfo,
        condition: &Condition,
    ) -> Result<Option<String>, CallError> {
        let body = serde_json::to_vec(info).unwrap_or_default();
        call(
            "lock",
            "s3:PutObject",
            &self.policy,
            self.on_retry,
            || async {
                self.store
                    .put(&place.bucket, &place.key, &body, condition)
                    .await
            },
        )
        .await
    }

    /// Takes the lock, conditioned on the lock as `seen` with the plan. The
    /// bucket is created first when the plan found none (CreateBucket by
    /// its owner is idempotent, and the plan creates it anyway).
    pub async fn acquire(
        &self,
        place: &LockPlace,
        seen: &StoredLock,
        owner: &str,
        operation: &str,
    ) -> Result<Held, LockError> {
        let started = now();
        let info = LockInfo {
            held: true,
            id: format!("{:016x}", fastrand::u64(..)),
            owner: owner.to_owned(),
            host: host_name(),
            pid: std::process::id(),
            operation: operation.to_owned(),
            started,
            expires: started + TTL_SECS,
        };
        let (condition, took_over) = match seen {
            StoredLock::NoBucket if place.log_bucket => {
                self.create_bucket(place).await?;
                (Condition::Absent, None)
            }
            StoredLock::NoBucket => return Err(LockError::NoStateBucket(place.bucket.clone())),
            StoredLock::Absent => (Condition::Absent, None),
            StoredLock::Present { etag, info: old } if old.held => {
                if !gone(old) {
                    return Err(LockError::Held {
                        place: place.clone(),
                        info: old.clone(),
                    });
                }
                (Condition::Etag(etag.clone()), Some(old.clone()))
            }
            StoredLock::Present { etag, .. } => (Condition::Etag(etag.clone()), None),
        };
        if let Some(etag) = self.put(place, &info, &condition).await? {
            crate::holder::mark(&info.id);
            return Ok(Held {
                place: place.clone(),
                info,
                etag,
                took_over,
            });
        }
        // The condition failed: ours after a lost answer, or another run's.
        match self.read(place).await? {
            StoredLock::Present {
                etag,
                info: now_info,
            } if now_info.id == info.id => {
                crate::holder::mark(&info.id);
                Ok(Held {
                    place: place.clone(),
                    info,
                    etag,
                    took_over,
                })
            }
            StoredLock::Present { info: other, .. } if other.held => Err(LockError::Held {
                place: place.clone(),
                info: other,
            }),
            _ => Err(LockError::Moved(place.clone())),
        }
    }

    async fn create_bucket(&self, place: &LockPlace) -> Result<(), CallError> {
        call(
            "lock",
            "s3:CreateBucket",
            &self.policy,
            self.on_retry,
            || async { self.store.create_bucket(&place.bucket, &place.region).await },
        )
        .await
    }

    /// Releases a lock this run holds (whatever the apply's outcome).
    pub async fn release(&self, held: &Held) -> Result<(), LockError> {
        let released = LockInfo {
            held: false,
            id: held.info.id.clone(),
            owner: held.info.owner.clone(),
            host: held.info.host.clone(),
            pid: held.info.pid,
            operation: held.info.operation.clone(),
            started: held.info.started,
            expires: now(),
        };
        let condition = Condition::Etag(held.etag.clone());
        if self
            .put(&held.place, &released, &condition)
            .await?
            .is_some()
        {
            crate::holder::unmark(&held.info.id);
            return Ok(());
        }
        // Ours already (a lost answer), or someone took it over.
        match self.read(&held.place).await? {
            StoredLock::Present { info, .. } if info.id == held.info.id && !info.held => Ok(()),
            _ => Err(LockError::Moved(held.place.clone())),
        }
    }

    /// Releases the held lock `id` by hand (its run is gone).
    pub async fn force_unlock(&self, place: &LockPlace, id: &str) -> Result<LockInfo, LockError> {
        let (etag, info) = match self.read(place).await? {
            StoredLock::Present { etag, info } if info.held && info.id == id => (etag, info),
            StoredLock::Present { info, .. } => {
                return Err(LockError::NotThatLock {
                    place: place.clone(),
                    found: Some(info),
                    wanted: id.to_owned(),
                });
            }
            _ => {
                return Err(LockError::NotThatLock {
                    place: place.clone(),
                    found: None,
                    wanted: id.to_owned(),
                });
            }
        };
        let released = LockInfo {
            held: false,
            expires: now(),
            ..info.clone()
        };
        match self.put(place, &released, &Condition::Etag(etag)).await? {
            Some(_) => {
                crate::holder::unmark(&info.id);
                Ok(info)
            }
            None => Err(LockError::Moved(place.clone())),
        }
    }
}

#[cfg(test)]
mod tests {
    use ctrail_kinds::state::memory::Memory;

    use super::*;

    fn locker(store: &Memory) -> Locker<'_, Memory> {
        Locker {
            store,
            policy: RetryPolicy::once(),
            on_retry: &|_| {},
        }
    }

    fn place(log_bucket: bool) -> LockPlace {
        LockPlace {
            bucket: "logs".into(),
            key: "ctrail-lock/t.json".into(),
            region: "eu-west-1".into(),
            log_bucket,
        }
    }

    /// Two runs that planned against the same lock: the first takes it,
    /// the second is refused naming the holder, and after the release a
    /// plan read before it is stale.
    #[tokio::test]
    async fn a_lock_is_held_by_one_run_and_its_release_makes_older_plans_stale() {
        let store = Memory::with_bucket("logs");
        let (l, at) = (locker(&store), place(true));
        let seen = l.observe(&at).await.expect("observed");
        assert_eq!(seen, StoredLock::Absent);
        let held = l
            .acquire(&at, &seen, "first", "apply")
            .await
            .expect("taken");
        match l.acquire(&at, &seen, "second", "apply").await {
            Err(LockError::Held { info, .. }) => assert_eq!(info.owner, "first"),
            other => panic!("the second run is refused: {other:?}"),
        }
        let now_seen = l.observe(&at).await.expect("observed");
        match l.acquire(&at, &now_seen, "second", "apply").await {
            Err(LockError::Held { info, .. }) => assert_eq!(info.id, held.info.id),
            other => panic!("still held: {other:?}"),
        }
        l.release(&held).await.expect("released");
        // The plan that found no lock was read before the first run took it.
        assert!(matches!(
            l.acquire(&at, &seen, "second", "apply").await,
            Err(LockError::Moved(_))
        ));
        let fresh = l.observe(&at).await.expect("observed");
        let second = l
            .acquire(&at, &fresh, "second", "apply")
            .await
            .expect("taken");
        l.release(&second).await.expect("released");
    }

    /// The log bucket is created to hold the lock on a first apply; any
    /// other state bucket must exist.
    #[tokio::test]
    async fn only_the_log_bucket_is_created_for_the_lock() {
        let store = Memory::default();
        let l = locker(&store);
        let seen = l.observe(&place(false)).await.expect("observed");
        assert_eq!(seen, StoredLock::NoBucket);
        assert!(matches!(
            l.acquire(&place(false), &seen, "me", "apply").await,
            Err(LockError::NoStateBucket(b)) if b == "logs"
        ));
        let held = l
            .acquire(&place(true), &seen, "me", "apply")
            .await
            .expect("taken");
        assert!(store.object("logs", "ctrail-lock/t.json").is_some());
        l.release(&held).await.expect("released");
    }

    /// `--force-unlock` releases only the lock it names.
    #[tokio::test]
    async fn force_unlock_releases_only_the_named_lock() {
        let store = Memory::with_bucket("logs");
        let (l, at) = (locker(&store), place(true));
        let seen = l.observe(&at).await.expect("observed");
        let held = l.acquire(&at, &seen, "gone", "apply").await.expect("taken");
        assert!(matches!(
            l.force_unlock(&at, "0000000000000000").await,
            Err(LockError::NotThatLock { .. })
        ));
        let released = l.force_unlock(&at, &held.info.id).await.expect("released");
        assert_eq!(released.owner, "gone");
        let after = l.observe(&at).await.expect("observed");
        assert!(matches!(after, StoredLock::Present { info, .. } if !info.held));
    }
}
