//! Read errors, and the line between "not found" (an answer) and a failure.

use aws_smithy_runtime_api::client::result::SdkError;
use aws_smithy_types::error::metadata::ProvideErrorMetadata;

#[derive(Debug, Clone, thiserror::Error)]
pub enum ReadError {
    #[error("{operation} failed: {message}")]
    Call {
        operation: &'static str,
        code: Option<String>,
        message: String,
    },
    #[error(
        "the credentials belong to account {actual}, but the spec is for account {expected}; nothing was read or changed"
    )]
    WrongAccount { expected: String, actual: String },
    #[error("the KMS key {key} does not exist or is not visible to these credentials")]
    KmsKeyNotFound { key: String },
    #[error("{0}")]
    Unexpected(String),
}

impl ReadError {
    pub fn code(&self) -> Option<&str> {
        match self {
            ReadError::Call { code, .. } => code.as_deref(),
            _ => None,
        }
    }
}

/// The error codes that mean "this does not exist" for the calls ctrail makes.
const NOT_FOUND: &[&str] = &[
    "NoSuchBucket",
    "NoSuchEntity",
    "TrailNotFoundException",
    "ResourceNotFoundException",
    "NotFoundException",
    "NotFound",
    "NoSuchBucketPolicy",
];

pub(crate) fn call_error<E, R>(operation: &'static str, e: SdkError<E, R>) -> ReadError
where
    E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
    R: std::fmt::Debug + Send + Sync + 'static,
{
    let code = e.code().map(str::to_owned);
    let message = match (e.code(), e.message()) {
        (Some(c), Some(m)) => format!("{c}: {m}"),
        (Some(c), None) => c.to_owned(),
        _ => chain(&e),
    };
    ReadError::Call {
        operation,
        code,
        message,
    }
}

/// `Ok(None)` when the error means "not found" (or one of `also_absent`).
pub(crate) fn absent_if_not_found<T, E, R>(
    operation: &'static str,
    r: Result<T, SdkError<E, R>>,
    also_absent: &[&str],
) -> Result<Option<T>, ReadError>
where
    E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
    R: std::fmt::Debug + Send + Sync + 'static,
{
    match r {
        Ok(v) => Ok(Some(v)),
        Err(e) => match e.code() {
            Some(c) if NOT_FOUND.contains(&c) || also_absent.contains(&c) => Ok(None),
            _ => Err(call_error(operation, e)),
        },
    }
}

/// An error and its sources, each by its `Display`, joined with ": ".
pub fn chain(e: &(dyn std::error::Error + 'static)) -> String {
    let mut parts = vec![e.to_string()];
    let mut source = e.source();
    while let Some(s) = source {
        let text = s.to_string();
        if !parts.iter().any(|p| p.contains(&text)) {
            parts.push(text);
        }
        source = s.source();
    }
    parts.join(": ")
}
