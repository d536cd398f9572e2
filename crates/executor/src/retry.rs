//! The error policy, kept apart from what the actions do: every failed AWS
//! call is classified, and the class alone decides whether to wait and try
//! again, for how long, or to stop.

use std::time::{Duration, Instant};

use aws_smithy_runtime_api::client::orchestrator::HttpResponse;
use aws_smithy_runtime_api::client::result::SdkError;
use aws_smithy_types::error::metadata::ProvideErrorMetadata;

use crate::{Event, Options};

/// What a failure means for trying again.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Class {
    /// Throttling, 5xx, timeouts, dropped connections: back off and retry.
    Transient,
    /// What AWS answers right after a role, policy or key is created, until
    /// the change has propagated: retry until the propagation deadline.
    Propagation,
    /// Validation, permissions, conflicts: retrying will not help.
    Fatal,
}

/// A failed call, with what AWS said.
#[derive(Debug, Clone, thiserror::Error)]
#[error("{operation}: {message}")]
pub struct CallError {
    pub operation: &'static str,
    pub code: Option<String>,
    pub message: String,
    pub class: Class,
}

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

pub(crate) fn classify_code(code: Option<&str>, status: Option<u16>) -> Class {
    match code {
        Some(c) if PROPAGATION.contains(&c) => Class::Propagation,
        Some(c) if THROTTLING.contains(&c) || SERVER.contains(&c) => Class::Transient,
        _ if status.is_some_and(|s| s >= 500 || s == 429) => Class::Transient,
        _ => Class::Fatal,
    }
}

pub(crate) fn from_sdk<E>(operation: &'static str, e: SdkError<E, HttpResponse>) -> CallError
where
    E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
{
    let code = e.code().map(str::to_owned);
    let class = match &e {
        SdkError::TimeoutError(_) | SdkError::ResponseError(_) => Class::Transient,
        // A connection refused, reset or closed mid-request. (A user error,
        // such as a bad endpoint URL, is not.)
        SdkError::DispatchFailure(d) if !d.is_user() => Class::Transient,
        SdkError::ServiceError(s) => {
            classify_code(code.as_deref(), Some(s.raw().status().as_u16()))
        }
        _ => Class::Fatal,
    };
    let message = match (e.code(), e.message()) {
        (Some(c), Some(m)) => format!("{c}: {m}"),
        (Some(c), None) => c.to_owned(),
        _ => ctrail_reader::error_chain(&e),
    };
    CallError {
        operation,
        code,
        message,
        class,
    }
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
pub(crate) async fn call<T, F, Fut>(
    address: &str,
    operation: &'static str,
    opts: &Options,
    events: &(dyn Fn(Event) + Send + Sync),
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
            Class::Transient if attempt + 1 >= opts.transient_attempts => return Err(err),
            Class::Transient => {
                backoff(attempt, opts.transient_base_delay, Duration::from_secs(10))
            }
            Class::Propagation => {
                let wait = backoff(
                    attempt,
                    opts.propagation_base_delay,
                    Duration::from_secs(15),
                );
                if started.elapsed() + wait > opts.propagation_timeout {
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
        events(Event::Retrying {
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

    #[test]
    fn backoff_grows_and_is_capped() {
        let base = Duration::from_millis(100);
        let cap = Duration::from_secs(2);
        assert!(backoff(0, base, cap) <= base);
        assert!(backoff(10, base, cap) <= cap);
        assert!(backoff(10, base, cap) >= cap / 2);
    }
}
