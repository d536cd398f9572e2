//! The ledger's object in the log bucket (`ctrail_model::Ledger`): read with
//! every plan, written at the end of every apply that changed something,
//! under the apply lock. Its S3 calls are the `state` module's, which the
//! lock shares.

use crate::{Attributes, Ledger};
use ctrail_spec::State;

use super::state::{self, Condition, GetError, Stored};
use super::{CallError, Class, Clients, ReadError, RetryPolicy, Retrying, call};

/// The trail's ledger; an empty one when there is none yet (or no bucket).
/// A ledger that cannot be parsed is an error: guessing could delete what
/// is not ctrail's, or keep what is.
pub async fn read(clients: &Clients, at: &State, trail: &str) -> Result<Ledger, ReadError> {
    let bucket = &at.bucket;
    let key = at.ledger_key(trail);
    let bytes = match state::get(clients, bucket, &key).await {
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

/// Writes the ledger (the caller holds the apply lock).
pub async fn write(
    clients: &Clients,
    at: &State,
    ledger: &Ledger,
    policy: &RetryPolicy,
    on_retry: &(dyn Fn(Retrying) + Send + Sync),
) -> Result<(), CallError> {
    let (bucket, key) = (&at.bucket, at.ledger_key(&ledger.trail));
    let body = serde_json::to_vec_pretty(ledger).map_err(|e| CallError {
        operation: "s3:PutObject",
        code: None,
        message: e.to_string(),
        class: Class::Fatal,
    })?;
    call("ledger", "s3:PutObject", policy, on_retry, || async {
        state::put(clients, bucket, &key, &body, &Condition::None)
            .await
            .map(|_| ())
    })
    .await
}

/// Deletes the ledger (every resource it listed is gone).
pub async fn remove(
    clients: &Clients,
    at: &State,
    trail: &str,
    policy: &RetryPolicy,
    on_retry: &(dyn Fn(Retrying) + Send + Sync),
) -> Result<(), CallError> {
    let (bucket, key) = (&at.bucket, at.ledger_key(trail));
    call("ledger", "s3:DeleteObject", policy, on_retry, || async {
        state::delete(clients, bucket, &key).await
    })
    .await
}
