//! Errors of AWS calls, described one way for reads and writes: what AWS
//! said (`code: message`), or the chain of causes for a failure that never
//! reached AWS. The line between "not found" (an answer) and a failure is
//! drawn here too, and every failure is classified for the retry policy.

use aws_smithy_runtime_api::client::orchestrator::HttpResponse;
use aws_smithy_runtime_api::client::result::SdkError;
use aws_smithy_types::error::metadata::ProvideErrorMetadata;

use super::attempts::Unreachable;

pub use crate::calls::{CallError, Class};
pub use crate::live::ReadError;

const THROTTLING: &[&str] = &[
    "Throttling",
    "ThrottlingException",
    "ThrottledException",
    "RequestThrottled",
    "RequestThrottledException",
    "TooManyRequestsException",
    "RequestLimitExceeded",
    "SlowDown",
    "PriorRequestNotComplete",
    "OperationAborted",
    "ConcurrentModificationException",
];

/// Server-side failures and timeouts: S3 answers `RequestTimeout` (400) when
/// a request's body did not arrive in time, which a retry fixes.
const SERVER: &[&str] = &[
    "RequestTimeout",
    "RequestTimeoutException",
    "InternalError",
    "InternalFailure",
    "InternalServerError",
    "InternalServiceError",
    "ServiceUnavailable",
    "ServiceUnavailableException",
];

/// Answers AWS gives while a just-made role, policy or key propagates.
pub const PROPAGATION: &[&str] = &[
    "InvalidCloudWatchLogsLogGroupArnException",
    "InvalidCloudWatchLogsRoleArnException",
    "InsufficientS3BucketPolicyException",
    "InsufficientEncryptionPolicyException",
    "InsufficientSnsTopicPolicyException",
    "KmsKeyNotFoundException",
];

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

pub fn classify_code(code: Option<&str>, status: Option<u16>) -> Class {
    match code {
        Some(c) if PROPAGATION.contains(&c) => Class::Propagation,
        Some(c) if THROTTLING.contains(&c) || SERVER.contains(&c) => Class::Transient,
        _ if status.is_some_and(|s| s >= 500 || s == 429) => Class::Transient,
        _ => Class::Fatal,
    }
}

/// AWS's error code, and the message to show: `code: message` when AWS
/// answered, the endpoint and region when it could not be reached at all
/// (`Unreachable`), else the chain of causes when the call never got an
/// answer.
pub fn describe<E, R>(e: &SdkError<E, R>) -> (Option<String>, String)
where
    E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
    R: std::fmt::Debug + Send + Sync + 'static,
{
    let code = e.code().map(str::to_owned);
    let message = match (e.code(), e.message()) {
        (Some(c), Some(m)) => format!("{c}: {m}"),
        (Some(c), None) => c.to_owned(),
        _ => unreachable_in(e).map_or_else(|| chain(e), ToString::to_string),
    };
    (code, message)
}

/// The `Unreachable` among an error's causes, if any.
fn unreachable_in<'a>(e: &'a (dyn std::error::Error + 'static)) -> Option<&'a Unreachable> {
    let mut next = Some(e);
    while let Some(err) = next {
        if let Some(u) = err.downcast_ref::<Unreachable>() {
            return Some(u);
        }
        next = err.source();
    }
    None
}

/// A failed read call.
pub fn read_error<E, R>(operation: &'static str, e: SdkError<E, R>) -> ReadError
where
    E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
    R: std::fmt::Debug + Send + Sync + 'static,
{
    let (code, message) = describe(&e);
    ReadError::Call {
        operation,
        code,
        message,
    }
}

/// A failed write call, classified for the retry policy.
pub fn call_error<E>(operation: &'static str, e: SdkError<E, HttpResponse>) -> CallError
where
    E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
{
    let (code, message) = describe(&e);
    let class = match &e {
        SdkError::TimeoutError(_) | SdkError::ResponseError(_) => Class::Transient,
        // A connection refused, reset or closed mid-request. (A user error,
        // such as a bad endpoint URL or an endpoint that could not be
        // reached before it ever answered, `Unreachable`, is not.)
        SdkError::DispatchFailure(d) if !d.is_user() => Class::Transient,
        SdkError::ServiceError(s) => {
            classify_code(code.as_deref(), Some(s.raw().status().as_u16()))
        }
        _ => Class::Fatal,
    };
    CallError {
        operation,
        code,
        message,
        class,
    }
}

/// Whether AWS's error code means "not found" (or one of `also`).
pub fn is_not_found(code: Option<&str>, also: &[&str]) -> bool {
    code.is_some_and(|c| NOT_FOUND.contains(&c) || also.contains(&c))
}

/// `Ok(None)` when the error means "not found" (or one of `also_absent`).
pub fn absent_if_not_found<T, E, R>(
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
        Err(e) if is_not_found(e.code(), also_absent) => Ok(None),
        Err(e) => Err(read_error(operation, e)),
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classes() {
        assert_eq!(
            classify_code(Some("InvalidCloudWatchLogsLogGroupArnException"), Some(400)),
            Class::Propagation
        );
        assert_eq!(
            classify_code(Some("ThrottlingException"), Some(400)),
            Class::Transient
        );
        assert_eq!(classify_code(Some("SlowDown"), Some(503)), Class::Transient);
        assert_eq!(classify_code(None, Some(502)), Class::Transient);
        assert_eq!(
            classify_code(Some("RequestTimeout"), Some(400)),
            Class::Transient
        );
        assert_eq!(classify_code(Some("AccessDenied"), Some(403)), Class::Fatal);
        assert_eq!(
            classify_code(Some("MalformedPolicy"), Some(400)),
            Class::Fatal
        );
    }
}
