//! The ledger's object in the log bucket (`ctrail_model::Ledger`): read with
//! every plan, written at the end of every apply that changed something,
//! under the apply lock.

use aws_sdk_s3::primitives::ByteStream;
use aws_smithy_types::error::metadata::ProvideErrorMetadata;
use ctrail_model::Ledger;
use ctrail_model::ownership::ledger_key;

use super::{CallError, Class, Clients, ReadError, RetryPolicy, Retrying, call, read_error};

/// The trail's ledger; an empty one when there is none yet (or no bucket).
/// A ledger that cannot be parsed is an error: guessing could delete what
/// is not ctrail's, or keep what is.
pub async fn read(clients: &Clients, bucket: &str, trail: &str) -> Result<Ledger, ReadError> {
    let key = ledger_key(trail);
    let got = clients
        .s3
        .get_object()
        .bucket(bucket)
        .key(&key)
        .send()
        .await;
    let object = match got {
        Ok(o) => o,
        Err(e) if matches!(e.code(), Some("NoSuchKey" | "NoSuchBucket")) => {
            return Ok(Ledger::new(trail));
        }
        // Without the ledger ctrail cannot tell what it owns: never guess.
        Err(e) => {
            let cause = read_error("s3:GetObject", e);
            return Err(ReadError::Unexpected(format!(
                "reading what ctrail owns, s3://{bucket}/{key}: {cause}; plans need s3:GetObject on it"
            )));
        }
    };
    let bytes = object
        .body
        .collect()
        .await
        .map_err(|e| ReadError::Unexpected(format!("reading s3://{bucket}/{key}: {e}")))?
        .into_bytes();
    serde_json::from_slice(&bytes).map_err(|e| {
        ReadError::Unexpected(format!(
            "s3://{bucket}/{key} is not a ctrail ledger ({e}); restore it from its previous version (the bucket is versioned) or delete it to let ctrail adopt what the spec names again"
        ))
    })
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
        clients
            .s3
            .put_object()
            .bucket(bucket)
            .key(&key)
            .content_type("application/json")
            .body(ByteStream::from(body.clone()))
            .send()
            .await
            .map(|_| ())
            .map_err(|e| super::error::call_error("s3:PutObject", e))
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
        match clients
            .s3
            .delete_object()
            .bucket(bucket)
            .key(&key)
            .send()
            .await
        {
            Ok(_) => Ok(()),
            Err(e) if e.code() == Some("NoSuchBucket") => Ok(()),
            Err(e) => Err(super::error::call_error("s3:DeleteObject", e)),
        }
    })
    .await
}
