//! What a kind's put and delete work with: the clients, the account, and
//! every AWS call made under the retry policy, kept apart from what the
//! calls do: transient failures back off with jitter, IAM-propagation
//! answers wait until a deadline, everything else fails at once.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use ctrail_model::{ActionKind, AttributeChange};

use super::Clients;
use super::error::{CallError, Class};

/// The account being changed: values only AWS knows, from the reader.
#[derive(Debug, Clone, Default)]
pub struct Target {
    /// The trail whose spec is applied: ctrail's ownership tag names it.
    pub trail: String,
    pub account_id: String,
    pub region: String,
    pub partition: String,
    /// The spec's KMS key, if it has one.
    pub key: KeyTarget,
}

/// The spec's KMS key: its ARN when it existed as the plan was read; else
/// the alias of the key this apply creates (`create_kms_key`), whose ARN is
/// asked once it exists.
#[derive(Debug, Clone, Default)]
pub struct KeyTarget {
    pub arn: Option<String>,
    pub alias: Option<String>,
    created: Arc<tokio::sync::OnceCell<String>>,
}

impl KeyTarget {
    pub fn new(arn: Option<String>, named: Option<&str>) -> Self {
        let alias = named.filter(|k| k.starts_with("alias/")).map(str::to_owned);
        KeyTarget {
            arn,
            alias,
            created: Arc::default(),
        }
    }
}

impl Target {
    /// The spec's key's ARN: as read, or (a key this apply created, every
    /// step that names it running after its creation) from DescribeKey on
    /// its alias, asked once. `None` without a key.
    pub async fn key_arn(&self, clients: &Clients) -> Result<Option<String>, CallError> {
        if let Some(arn) = &self.key.arn {
            return Ok(Some(arn.clone()));
        }
        let Some(key) = &self.key.alias else {
            return Ok(None);
        };
        let arn = self
            .key
            .created
            .get_or_try_init(|| async {
                const OP: &str = "kms:DescribeKey";
                let out = clients.kms.describe_key().key_id(key).send().await;
                let out = out.map_err(|e| super::error::call_error(OP, e))?;
                out.key_metadata()
                    .and_then(|m| m.arn())
                    .map(str::to_owned)
                    .ok_or_else(|| super::refuse(OP, format!("no ARN for {key}")))
            })
            .await?;
        Ok(Some(arn.clone()))
    }

    /// An ARN in this account and region.
    pub fn arn(&self, service: &str, resource: &str) -> String {
        format!(
            "arn:{}:{service}:{}:{}:{resource}",
            self.partition, self.region, self.account_id
        )
    }
}

/// How calls are retried.
#[derive(Debug, Clone)]
pub struct RetryPolicy {
    /// How long to keep retrying IAM-propagation answers for one call.
    pub propagation_timeout: Duration,
    /// First wait after a propagation answer (doubles, with jitter).
    pub propagation_base_delay: Duration,
    /// Attempts for a call failing transiently (throttling, 5xx, timeouts).
    pub transient_attempts: u32,
    /// First wait after a transient failure (doubles, with jitter).
    pub transient_base_delay: Duration,
}

/// A wait before trying a call again, as it happens.
#[derive(Debug, Clone)]
pub struct Retrying {
    pub address: String,
    pub operation: &'static str,
    pub reason: String,
    pub class: Class,
    pub attempt: u32,
    pub delay: Duration,
}

/// What an action has to work with.
pub struct Cx<'a> {
    pub address: String,
    /// The clients of the account the kind acted on lives in.
    pub clients: &'a Clients,
    /// Every account's clients, by place.
    pub accounts: &'a super::Accounts,
    pub target: &'a Target,
    pub policy: &'a RetryPolicy,
    pub on_retry: &'a (dyn Fn(Retrying) + Send + Sync),
}

impl<'a> Cx<'a> {
    /// The same action's context, with the clients of the account holding
    /// `place`.
    pub fn placed(&self, place: ctrail_model::Place) -> Cx<'a> {
        Cx {
            address: self.address.clone(),
            clients: self.accounts.at(place),
            accounts: self.accounts,
            target: self.target,
            policy: self.policy,
            on_retry: self.on_retry,
        }
    }

    /// Runs one AWS call under the retry policy.
    pub async fn call<T, F, Fut>(&self, operation: &'static str, f: F) -> Result<T, CallError>
    where
        F: FnMut() -> Fut,
        Fut: std::future::Future<Output = Result<T, CallError>>,
    {
        call(&self.address, operation, self.policy, self.on_retry, f).await
    }
}

/// One change to carry out, with the kind's typed desired attributes.
#[derive(Debug, Clone)]
pub struct Step<'a, T> {
    pub name: &'a str,
    pub kind: ActionKind,
    pub want: T,
    pub changes: &'a [AttributeChange],
}

impl<T> Step<'_, T> {
    pub fn creating(&self) -> bool {
        self.kind == ActionKind::Create
    }
    /// What a create-or-replace call (Put...) did, as the report says it.
    pub fn put_outcome(&self) -> &'static str {
        if self.creating() {
            "created"
        } else {
            "updated"
        }
    }
    /// The live value of an attribute the plan changes, if it had one.
    pub fn old(&self, path: &str) -> Option<&serde_json::Value> {
        self.changes
            .iter()
            .find(|c| c.path == path)
            .and_then(|c| c.old.as_ref())
    }
    /// Tag keys AWS has that the spec does not (changes to `tags.<key>`
    /// with no new value).
    pub fn tags_to_remove(&self) -> Vec<String> {
        self.changes
            .iter()
            .filter(|c| c.new.is_none())
            .filter_map(|c| c.path.strip_prefix("tags.").map(str::to_owned))
            .collect()
    }
}

/// Tags to set and to remove: the one helper every tagged kind uses.
pub struct TagChange {
    pub remove: Vec<String>,
    pub set: BTreeMap<String, String>,
}

impl TagChange {
    pub fn of<T>(step: &Step<'_, T>, want: &BTreeMap<String, String>) -> TagChange {
        TagChange {
            remove: step.tags_to_remove(),
            set: want.clone(),
        }
    }
    /// Every one of `live`'s keys removed (a delete).
    pub fn remove_all<'k>(live: impl IntoIterator<Item = &'k String>) -> TagChange {
        TagChange {
            remove: live.into_iter().cloned().collect(),
            set: BTreeMap::new(),
        }
    }
}

/// One AWS call under the retry policy: `aws!(cx, "s3:PutBucketPolicy",
/// client.put_bucket_policy()...send())`. The request is rebuilt for every
/// attempt.
#[macro_export]
macro_rules! aws {
    ($cx:expr, $op:literal, $call:expr) => {
        $cx.call($op, || {
            let fut = $call;
            async move {
                fut.await
                    .map_err(|e| $crate::aws::error::call_error($op, e))
            }
        })
    };
}

/// A request built once and sent under the retry policy (a clone per
/// attempt): `send!(cx, "s3:PutBucketPolicy", request)`.
#[macro_export]
macro_rules! send {
    ($cx:expr, $op:literal, $req:expr) => {
        $crate::aws!($cx, $op, ($req).clone().send())
    };
}

/// A delete request sent under the retry policy; "not found" (or one of
/// the extra codes) means it is already gone:
/// `delete!(cx, "s3:DeleteBucket", request, "deleted")`.
#[macro_export]
macro_rules! delete {
    ($cx:expr, $op:literal, $req:expr, $done:literal $(, $also:literal)*) => {
        $crate::aws::deleted($crate::send!($cx, $op, $req).await, $done, &[$($also),*])
    };
}

/// A failure ctrail itself detects (not an AWS answer).
pub fn refuse(operation: &'static str, message: impl Into<String>) -> CallError {
    CallError {
        operation,
        code: None,
        message: message.into(),
        class: Class::Fatal,
    }
}

/// A request that could not be built from the attributes.
pub fn built<T, E: std::fmt::Display>(op: &'static str, r: Result<T, E>) -> Result<T, CallError> {
    r.map_err(|e| refuse(op, format!("cannot build the request: {e}")))
}

/// Whether a failed call means the resource is already gone (a delete is done).
pub fn gone(e: &CallError, also: &[&str]) -> bool {
    super::error::is_not_found(e.code.as_deref(), also)
}

/// A delete's outcome: `done` when the call succeeded, "already gone" when
/// AWS says there is nothing to delete (not found, or one of `also`).
pub fn deleted<T>(
    r: Result<T, CallError>,
    done: &'static str,
    also: &[&str],
) -> Result<&'static str, CallError> {
    match r {
        Ok(_) => Ok(done),
        Err(e) if gone(&e, also) => Ok("already gone"),
        Err(e) => Err(e),
    }
}

/// A shared policy ctrail's statements cannot be merged into.
#[derive(Debug, thiserror::Error)]
pub enum MergeError {
    #[error("the current policy is not JSON: {0}")]
    NotJson(#[source] serde_json::Error),
    #[error("the current policy has no Statement")]
    NoStatement,
    #[error("{0}")]
    Unwritable(#[source] serde_json::Error),
}

/// `ctrail`'s statements (Sid prefix `CTrail`) swapped into a policy that
/// others manage too; every other statement is kept as it is.
pub fn merge_owned_statements(
    policy: Option<&str>,
    owned: &serde_json::Value,
) -> Result<String, MergeError> {
    let doc: serde_json::Value = match policy {
        Some(text) => serde_json::from_str(text).map_err(MergeError::NotJson)?,
        None => serde_json::json!({"Version": "2012-10-17", "Statement": []}),
    };
    if doc.get("Statement").is_none() {
        return Err(MergeError::NoStatement);
    }
    let ours = owned.as_array().map(Vec::as_slice).unwrap_or_default();
    let doc = ctrail_policy::shared::with_owned(&doc, ours);
    serde_json::to_string(&doc).map_err(MergeError::Unwritable)
}

/// A live policy shared with others: ctrail's statements in it (what is
/// compared), and the whole document (the observation `_document`, for the
/// preflight). Unreadable text is no document.
pub fn owned_of(policy: Option<&str>) -> (serde_json::Value, Option<serde_json::Value>) {
    let policy = policy
        .and_then(ctrail_policy::canonical::parse_policy)
        .unwrap_or(serde_json::Value::Null);
    (
        ctrail_policy::shared::owned_statements(&policy),
        Some(policy),
    )
}

/// Exponential backoff with full jitter: a random wait up to
/// `base * 2^attempt`, capped.
fn backoff(attempt: u32, base: Duration, cap: Duration) -> Duration {
    let ceiling = base.saturating_mul(1u32 << attempt.min(16)).min(cap);
    let millis = u64::try_from(ceiling.as_millis())
        .unwrap_or(u64::MAX)
        .max(1);
    Duration::from_millis(fastrand::u64(millis / 2..=millis))
}

/// Runs one AWS call under the policy, reporting every wait.
pub async fn call<T, F, Fut>(
    address: &str,
    operation: &'static str,
    policy: &RetryPolicy,
    on_retry: &(dyn Fn(Retrying) + Send + Sync),
    mut f: F,
) -> Result<T, CallError>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Result<T, CallError>>,
{
    let started = Instant::now();
    let mut attempt = 0u32;
    loop {
        let err = match f().await {
            Ok(v) => return Ok(v),
            Err(e) => e,
        };
        let delay = match err.class {
            Class::Fatal => return Err(err),
            Class::Transient if attempt + 1 >= policy.transient_attempts => return Err(err),
            Class::Transient => backoff(
                attempt,
                policy.transient_base_delay,
                Duration::from_secs(10),
            ),
            Class::Propagation => {
                let wait = backoff(
                    attempt,
                    policy.propagation_base_delay,
                    Duration::from_secs(15),
                );
                if started.elapsed() + wait > policy.propagation_timeout {
                    return Err(CallError {
                        message: format!(
                            "{} (still failing after {:.0} s of waiting for AWS to propagate a role, policy or key; --propagation-timeout raises the limit)",
                            err.message,
                            started.elapsed().as_secs_f64()
                        ),
                        ..err
                    });
                }
                wait
            }
        };
        attempt += 1;
        on_retry(Retrying {
            address: address.to_owned(),
            operation,
            reason: err.message.clone(),
            class: err.class,
            attempt,
            delay,
        });
        tokio::time::sleep(delay).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{Value, json};

    #[test]
    fn backoff_grows_and_is_capped() {
        let base = Duration::from_millis(100);
        let cap = Duration::from_secs(2);
        assert!(backoff(0, base, cap) <= base);
        assert!(backoff(10, base, cap) <= cap);
        assert!(backoff(10, base, cap) >= cap / 2);
    }

    #[test]
    fn merging_keeps_other_statements() {
        let current = r#"{"Version":"2012-10-17","Statement":[{"Sid":"Root","Effect":"Allow"},{"Sid":"CTrailOld","Effect":"Allow"}]}"#;
        let merged =
            merge_owned_statements(Some(current), &json!([{"Sid": "CTrailNew"}])).expect("merged");
        let v: Value = serde_json::from_str(&merged).expect("json");
        let sids: Vec<&str> = v["Statement"]
            .as_array()
            .expect("list")
            .iter()
            .filter_map(|s| s["Sid"].as_str())
            .collect();
        assert_eq!(sids, vec!["Root", "CTrailNew"]);
    }
}
