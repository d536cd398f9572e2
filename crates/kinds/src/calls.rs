//! Every AWS call a change makes runs under one retry policy, kept apart
//! from what the call does: transient failures back off with jitter,
//! IAM-propagation answers wait until a deadline, everything else fails at
//! once with AWS's message. SDK-free: the kinds' AWS runtime classifies each
//! failure (`Class`), and the executor's lock and the ledger retry through
//! `call` without naming the SDK.

use std::time::{Duration, Instant};

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

/// A failed write (or a read an action makes), with what AWS said.
#[derive(Debug, Clone, thiserror::Error)]
#[error("{operation}: {message}")]
pub struct CallError {
    pub operation: &'static str,
    pub code: Option<String>,
    pub message: String,
    pub class: Class,
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

impl RetryPolicy {
    /// Every call tried once, for tests.
    #[cfg(any(test, feature = "fixtures"))]
    pub fn once() -> RetryPolicy {
        RetryPolicy {
            propagation_timeout: Duration::ZERO,
            propagation_base_delay: Duration::ZERO,
            transient_attempts: 1,
            transient_base_delay: Duration::ZERO,
        }
    }
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

    #[test]
    fn backoff_grows_and_is_capped() {
        let base = Duration::from_millis(100);
        let cap = Duration::from_secs(2);
        assert!(backoff(0, base, cap) <= base);
        assert!(backoff(10, base, cap) <= cap);
        assert!(backoff(10, base, cap) >= cap / 2);
    }
}
