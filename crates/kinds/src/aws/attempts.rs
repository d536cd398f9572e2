//! Every attempt of every call, observed in the SDK (an interceptor on each
//! client), for two things the SDK's retry strategy hides:
//!
//! - a read tried again says so (`ReadRetry`: what, why, attempt n of m),
//!   to whoever the connection names (`RetryReporter`; the CLI prints it on
//!   stderr);
//! - before the endpoint has answered anything in this run, a connection
//!   refused, a host name that does not resolve, a network with no route
//!   to the host or a connection not made within the connect timeout is
//!   the configuration's fault (a wrong `--endpoint-url`, a
//!   proxy that is down, no network), not a passing failure: the attempt
//!   ends as `Unreachable`, naming the endpoint and the region, and nobody
//!   retries it (it is a user error to the SDK's retry strategy and fatal to
//!   the executor's). Once the endpoint has answered, the same failures are
//!   transient again (a proxy restarting mid-run) and retried as before.

use std::error::Error as StdError;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use aws_smithy_runtime_api::box_error::BoxError;
use aws_smithy_runtime_api::client::dns::ResolveDnsError;
use aws_smithy_runtime_api::client::interceptors::Intercept;
use aws_smithy_runtime_api::client::interceptors::context::{
    BeforeDeserializationInterceptorContextRef, BeforeTransmitInterceptorContextRef, Error,
    FinalizerInterceptorContextMut, FinalizerInterceptorContextRef,
};
use aws_smithy_runtime_api::client::orchestrator::OrchestratorError;
use aws_smithy_runtime_api::client::result::ConnectorError;
use aws_smithy_runtime_api::client::retries::RequestAttempts;
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;
use aws_smithy_types::config_bag::{ConfigBag, Storable, StoreReplace};
use aws_smithy_types::error::ErrorMetadata;
use aws_smithy_types::retry::RetryConfig;

use super::error::{Class, chain, classify_code};

/// A read the SDK is about to try again.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReadRetry {
    /// The call, as ctrail names calls: `sts:GetCallerIdentity`.
    pub operation: String,
    /// What the failed attempt was told: AWS's `code: message`, or the
    /// cause of a failure that got no answer.
    pub reason: String,
    pub class: Class,
    /// The attempt starting now (2 or more) and the most there will be.
    pub attempt: u32,
    pub of: u32,
}

/// Who is told of every read tried again.
#[derive(Clone)]
pub struct RetryReporter(Arc<dyn Fn(&ReadRetry) + Send + Sync>);

impl RetryReporter {
    pub fn new(report: impl Fn(&ReadRetry) + Send + Sync + 'static) -> Self {
        RetryReporter(Arc::new(report))
    }
}

impl std::fmt::Debug for RetryReporter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("RetryReporter")
    }
}

/// Why no connection was made.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NoConnection {
    Refused,
    NoSuchHost,
    NoRoute,
    TimedOut,
}

impl std::fmt::Display for NoConnection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            NoConnection::Refused => "connection refused",
            NoConnection::NoSuchHost => "the host name does not resolve",
            NoConnection::NoRoute => "no route to the host",
            NoConnection::TimedOut => "no connection within the connect timeout",
        })
    }
}

/// An endpoint that could not be reached before it had answered anything.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("cannot reach {endpoint} (region {region}): {why}; {hint}")]
pub struct Unreachable {
    /// The scheme and host the call went to: the `--endpoint-url` (or
    /// AWS_ENDPOINT_URL) when one is set, else the service's endpoint for
    /// the region.
    pub endpoint: String,
    pub region: String,
    pub why: NoConnection,
    hint: &'static str,
}

impl Unreachable {
    pub fn new(endpoint: String, region: String, why: NoConnection, overridden: bool) -> Self {
        let hint = if overridden {
            "check --endpoint-url (or AWS_ENDPOINT_URL) and that the endpoint is up"
        } else {
            "check the region and the network"
        };
        Unreachable {
            endpoint,
            region,
            why,
            hint,
        }
    }
}

/// Why a connector error made no connection, if that is what it is: the
/// kinds of I/O error a connect fails with, a failed lookup from the SDK's
/// resolver (`ResolveDnsError`), or hyper-util's, whose message is
/// "dns error" (its `ConnectError` is private; `tests/endpoint.rs` runs
/// the real connector against a closed port and an unresolvable host), or
/// a timeout: ctrail's clients set no read timeout, so the connector's
/// only timeout is the connect timeout (a whole attempt's timeout is the
/// orchestrator's, not the connector's).
pub fn no_connection(e: &ConnectorError) -> Option<NoConnection> {
    if e.is_timeout() {
        return Some(NoConnection::TimedOut);
    }
    if !e.is_io() {
        return None;
    }
    let mut next: Option<&(dyn StdError + 'static)> = Some(e);
    while let Some(err) = next {
        if err.downcast_ref::<ResolveDnsError>().is_some() || err.to_string() == "dns error" {
            return Some(NoConnection::NoSuchHost);
        }
        if let Some(io) = err.downcast_ref::<std::io::Error>() {
            match io.kind() {
                std::io::ErrorKind::ConnectionRefused => return Some(NoConnection::Refused),
                std::io::ErrorKind::NetworkUnreachable | std::io::ErrorKind::HostUnreachable => {
                    return Some(NoConnection::NoRoute);
                }
                _ => {}
            }
        }
        next = err.source();
    }
    None
}

/// The scheme and authority of a URI: `https://sts.eu-west-1.amazonaws.com`.
fn origin(uri: &str) -> &str {
    let after_scheme = uri.find("://").map_or(0, |i| i + 3);
    match uri[after_scheme..].find(['/', '?']) {
        Some(end) => &uri[..after_scheme + end],
        None => uri,
    }
}

/// The endpoint an attempt was sent to.
#[derive(Debug, Clone)]
struct AttemptEndpoint(String);

impl Storable for AttemptEndpoint {
    type Storer = StoreReplace<Self>;
}

/// How the last attempt failed, for the report of the next.
#[derive(Debug, Clone)]
struct FailedAttempt {
    reason: String,
    class: Class,
}

impl Storable for FailedAttempt {
    type Storer = StoreReplace<Self>;
}

/// What every client of one `Clients` shares: whether the endpoint has
/// answered yet, the region, and who hears of retries.
#[derive(Debug, Clone)]
pub struct Watch {
    region: String,
    overridden: bool,
    answered: Arc<AtomicBool>,
    reporter: Option<RetryReporter>,
}

impl Watch {
    pub fn new(region: String, overridden: bool, reporter: Option<RetryReporter>) -> Self {
        Watch {
            region,
            overridden,
            answered: Arc::default(),
            reporter,
        }
    }

    /// A watch of the same endpoint and reporter for `region`'s clients,
    /// which have not been answered yet.
    pub fn in_region(&self, region: &str) -> Watch {
        Watch::new(region.to_owned(), self.overridden, self.reporter.clone())
    }

    /// The interceptor for one service's client; `service` is the prefix
    /// ctrail names its calls with (`sts`, `logs`).
    pub fn of(&self, service: &'static str) -> Attempts {
        Attempts {
            service,
            watch: self.clone(),
        }
    }
}

/// The interceptor on one service's client.
#[derive(Debug, Clone)]
pub struct Attempts {
    service: &'static str,
    watch: Watch,
}

/// What a failed attempt was told, and its class.
fn failure(e: &OrchestratorError<Error>, status: Option<u16>) -> FailedAttempt {
    let Some(op) = e.as_operation_error() else {
        // No answer (a dropped connection, a timeout) or an unreadable one.
        return FailedAttempt {
            reason: chain(e),
            class: Class::Transient,
        };
    };
    let mut next = op.source();
    while let Some(err) = next {
        if let Some(meta) = err.downcast_ref::<ErrorMetadata>() {
            let reason = match (meta.code(), meta.message()) {
                (Some(c), Some(m)) => format!("{c}: {m}"),
                (Some(c), None) => c.to_owned(),
                _ => chain(op),
            };
            return FailedAttempt {
                reason,
                class: classify_code(meta.code(), status),
            };
        }
        next = err.source();
    }
    FailedAttempt {
        reason: chain(op),
        class: classify_code(None, status),
    }
}

impl Intercept for Attempts {
    fn name(&self) -> &'static str {
        "ctrail attempts"
    }

    fn read_before_attempt(
        &self,
        _ctx: &BeforeTransmitInterceptorContextRef<'_>,
        _rc: &RuntimeComponents,
        cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        let Some(reporter) = &self.watch.reporter else {
            return Ok(());
        };
        let attempt = cfg.load::<RequestAttempts>().map_or(1, |a| a.attempts());
        if attempt < 2 {
            return Ok(());
        }
        let Some(failed) = cfg.load::<FailedAttempt>() else {
            return Ok(());
        };
        let operation = cfg
            .load::<aws_smithy_runtime_api::client::orchestrator::Metadata>()
            .map_or("call", |m| m.name());
        (reporter.0)(&ReadRetry {
            operation: format!("{}:{operation}", self.service),
            reason: failed.reason.clone(),
            class: failed.class,
            attempt,
            of: cfg
                .load::<RetryConfig>()
                .map_or(attempt, RetryConfig::max_attempts),
        });
        Ok(())
    }

    fn read_before_transmit(
        &self,
        ctx: &BeforeTransmitInterceptorContextRef<'_>,
        _rc: &RuntimeComponents,
        cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        let endpoint = origin(ctx.request().uri()).to_owned();
        cfg.interceptor_state().store_put(AttemptEndpoint(endpoint));
        Ok(())
    }

    fn read_after_transmit(
        &self,
        _ctx: &BeforeDeserializationInterceptorContextRef<'_>,
        _rc: &RuntimeComponents,
        _cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        self.watch.answered.store(true, Ordering::Relaxed);
        Ok(())
    }

    fn modify_before_attempt_completion(
        &self,
        ctx: &mut FinalizerInterceptorContextMut<'_>,
        _rc: &RuntimeComponents,
        cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        if self.watch.answered.load(Ordering::Relaxed) {
            return Ok(());
        }
        let Some(Err(err)) = ctx.output_or_error_mut() else {
            return Ok(());
        };
        let Some(why) = err.as_connector_error().and_then(no_connection) else {
            return Ok(());
        };
        let endpoint = cfg
            .load::<AttemptEndpoint>()
            .map_or_else(|| "the endpoint".to_owned(), |e| e.0.clone());
        let unreachable = Unreachable::new(
            endpoint,
            self.watch.region.clone(),
            why,
            self.watch.overridden,
        );
        *err = OrchestratorError::connector(ConnectorError::user(Box::new(unreachable)));
        Ok(())
    }

    fn read_after_attempt(
        &self,
        ctx: &FinalizerInterceptorContextRef<'_>,
        _rc: &RuntimeComponents,
        cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        if let Some(Err(e)) = ctx.output_or_error() {
            let status = ctx.response().map(|r| r.status().as_u16());
            cfg.interceptor_state().store_put(failure(e, status));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_origin_is_the_scheme_and_host() {
        assert_eq!(
            origin("https://sts.eu-west-1.amazonaws.com/?Action=GetCallerIdentity"),
            "https://sts.eu-west-1.amazonaws.com"
        );
        assert_eq!(
            origin("http://127.0.0.1:4566/my-bucket?policy"),
            "http://127.0.0.1:4566"
        );
        assert_eq!(origin("http://127.0.0.1:4566"), "http://127.0.0.1:4566");
    }

    #[test]
    fn refused_and_unresolvable_connections_are_no_connection() {
        let refused = ConnectorError::io(Box::new(std::io::Error::from(
            std::io::ErrorKind::ConnectionRefused,
        )));
        assert_eq!(no_connection(&refused), Some(NoConnection::Refused));
        let dns = ConnectorError::io(Box::new(ResolveDnsError::new("no such host")));
        assert_eq!(no_connection(&dns), Some(NoConnection::NoSuchHost));
        let reset = ConnectorError::io(Box::new(std::io::Error::from(
            std::io::ErrorKind::ConnectionReset,
        )));
        assert_eq!(no_connection(&reset), None);
        let timeout = ConnectorError::timeout("connect timed out".into());
        assert_eq!(no_connection(&timeout), Some(NoConnection::TimedOut));
        let other = ConnectorError::other("connection closed".into(), None);
        assert_eq!(no_connection(&other), None);
    }

    #[test]
    fn the_message_names_the_endpoint_the_region_and_what_to_check() {
        let u = Unreachable::new(
            "http://127.0.0.1:9".into(),
            "eu-west-1".into(),
            NoConnection::Refused,
            true,
        );
        assert_eq!(
            u.to_string(),
            "cannot reach http://127.0.0.1:9 (region eu-west-1): connection refused; check --endpoint-url (or AWS_ENDPOINT_URL) and that the endpoint is up"
        );
    }
}
