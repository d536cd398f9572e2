//! What a kind's put and delete work with: the clients, the account, and
//! every AWS call made under the retry policy (`crate::calls`), kept apart
//! from what the calls do.

use std::collections::BTreeMap;

use super::Clients;
use crate::calls::{CallError, Class, RetryPolicy, Retrying, call};
use crate::change::{Step, Target};

/// The spec's key's ARN (`Target::key_arn`), a key this apply created
/// asked of `clients` by its alias (DescribeKey).
pub(crate) async fn key_arn(
    target: &Target,
    clients: &Clients,
) -> Result<Option<String>, CallError> {
    const OP: &str = "kms:DescribeKey";
    let describe = |alias: String| async move {
        let out = clients.kms.describe_key().key_id(&alias).send().await;
        let out = out.map_err(|e| super::error::call_error(OP, e))?;
        out.key_metadata()
            .and_then(|m| m.arn())
            .map(str::to_owned)
            .ok_or_else(|| super::refuse(OP, format!("no ARN for {alias}")))
    };
    target.key_arn(describe).await
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

    /// The spec's key's ARN (`Target::key_arn`), asked of these clients.
    pub async fn key_arn(&self) -> Result<Option<String>, CallError> {
        key_arn(self.target, self.clients).await
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

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{Value, json};

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
