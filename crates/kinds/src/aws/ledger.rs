//! The ledger's object in the log bucket (`ctrail_model::Ledger`): read with
//! every plan, written at the end of every apply that changed something,
//! under the apply lock. Its S3 calls are the `state` module's, which the
//! lock shares.

use crate::{Attributes, Ledger};
use ctrail_model::ownership::ledger_key;

use super::state::{self, Condition, GetError, Stored};
use super::{CallError, Class, Clients, ReadError, RetryPolicy, Retrying, call};

/// The trail's ledger; an empty one when there is none yet (or no bucket).
/// A ledger that cannot be parsed is an error: guessing could delete what
/// is not ctrail's, or keep what is.
pub async fn read(clients: &Clients, bucket: &str, trail: &str) -> Result<Ledger, ReadError> {
    let key = ledger_key(trail);
    let bytes = match state::get(clients, bucket, &key).await {
        Ok(Stored::Present { body, .. }) => body,
        Ok(Stored::Absent | Stored::NoBucket) => return Ok(Ledger::new(trail)),
        // Without the ledger ctrail cannot tell what it owns: never guess.
        Err(GetError::Call(e)) => {
            let cause = ReadError::Call {
                operation: e.operation,
                code: e.code,
                message: e.message,
            };
            return Err(ReadError::Unexpected(format!(
                "reading what ctrail owns, s3://{bucket}/{key}: {cause}; plans need s3:GetObject on it"
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

/// Writes the ledger (the caller holds the apply lock).
pub async fn write(
    clients: &Clients,
    bucket: &str,
    ledger: &Ledger,
    policy: &RetryPolicy,
    on_retry: &(dyn Fn(Retrying) + Send + Sync),
) -> Result<(), CallError> {
    let key = ledger_key(&ledger.trail);
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
    bucket: &str,
    trail: &str,
    policy: &RetryPolicy,
    on_retry: &(dyn Fn(Retrying) + Send + Sync),
) -> Result<(), CallError> {
    let key = ledger_key(trail);
    call("ledger", "s3:DeleteObject", policy, on_retry, || async {
        state::delete(clients, bucket, &key).await
    })
    .await
}
