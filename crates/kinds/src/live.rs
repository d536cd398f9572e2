//! What a stage reads from an account without naming the SDK: the live
//! reads `check --live` makes (`LiveReads`), those `verify` adds
//! (`DeliveryReads`), and their error. The kinds'
//! AWS runtime (feature `aws`) implements them for its clients; a stage
//! generic over them names no AWS crate.

use std::future::Future;

use crate::cloudtrail::event_selectors::EventSelectors;
use crate::cloudtrail::trail::{Listed, Status};
use crate::monitoring::{metric_alarm::MetricAlarm, metric_filter::MetricFilter};
use crate::s3::logging::Logging;
use crate::sns::subscription::Listed as Subscribed;

/// A failed read.
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
    #[error(
        "the credentials for account \"{name}\" belong to account {actual}, but the spec gives {expected}; nothing was read or changed"
    )]
    WrongNamedAccount {
        name: String,
        expected: String,
        actual: String,
    },
    #[error(
        "cannot reach account \"{name}\" ({account_id}, {how}): {source}; nothing was read or changed"
    )]
    Unreached {
        name: String,
        account_id: String,
        how: String,
        source: Box<ReadError>,
    },
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

/// The reads of one account in one region, each a named read of a kind.
pub trait LiveReads: Sized + Send + Sync {
    /// The region these reads are made in.
    fn region(&self) -> &str;

    /// The same reads in `region` (the same account and credentials).
    fn in_region(&self, region: &str) -> Self;

    /// The account the credentials belong to (GetCallerIdentity).
    fn account_id(&self) -> impl Future<Output = Result<String, ReadError>> + Send;

    /// Every trail the region sees, multi-region trails homed elsewhere and
    /// an organization's trails too (DescribeTrails).
    fn trails(&self) -> impl Future<Output = Result<Vec<Listed>, ReadError>> + Send;

    /// A trail's status, by its name or ARN; `None` when it does not exist.
    fn trail_status(
        &self,
        trail: &str,
    ) -> impl Future<Output = Result<Option<Status>, ReadError>> + Send;

    /// A trail's event selectors, by its name or ARN.
    fn event_selectors(
        &self,
        trail: &str,
    ) -> impl Future<Output = Result<Option<EventSelectors>, ReadError>> + Send;

    /// A bucket's server access logging; `None` when off.
    fn bucket_logging(
        &self,
        bucket: &str,
    ) -> impl Future<Output = Result<Option<Logging>, ReadError>> + Send;

    /// Whether a bucket has MFA Delete on.
    fn mfa_delete(&self, bucket: &str) -> impl Future<Output = Result<bool, ReadError>> + Send;

    /// Whether a KMS key (by ARN or id) rotates.
    fn key_rotation(&self, key: &str) -> impl Future<Output = Result<bool, ReadError>> + Send;

    /// Every metric alarm of the region.
    fn alarms(&self) -> impl Future<Output = Result<Vec<MetricAlarm>, ReadError>> + Send;

    /// Every metric filter on a log group (by name).
    fn metric_filters(
        &self,
        log_group: &str,
    ) -> impl Future<Output = Result<Vec<MetricFilter>, ReadError>> + Send;

    /// Every subscription to a topic; `None` when the topic does not exist.
    fn subscriptions(
        &self,
        topic: &str,
    ) -> impl Future<Output = Result<Option<Vec<Subscribed>>, ReadError>> + Send;
}

/// The reads that show a trail delivering (`ctrail verify`, `ctrail
/// report`), each a kind's named read.
pub trait DeliveryReads: LiveReads {
    /// The trail `name` as DescribeTrails shows it in this region (its
    /// shadow, for a multi-region trail homed elsewhere); `None` when the
    /// region does not see it.
    fn trail(&self, name: &str) -> impl Future<Output = Result<Option<Listed>, ReadError>> + Send;

    /// The ARNs ListTrails lists: a harmless read, which CloudTrail records
    /// as a management event.
    fn list_trails(&self) -> impl Future<Output = Result<Vec<String>, ReadError>> + Send;

    /// The time (ms since the epoch) of the newest event in a log group's
    /// stream; `None` when the stream has none, or does not exist.
    fn newest_event(
        &self,
        group: &str,
        stream: &str,
    ) -> impl Future<Output = Result<Option<i64>, ReadError>> + Send;

    /// Whether a metric filter pattern matches `message` (TestMetricFilter).
    fn filter_matches(
        &self,
        pattern: &str,
        message: String,
    ) -> impl Future<Output = Result<bool, ReadError>> + Send;

    /// The newest object under any of `prefixes` in `bucket`: its key and
    /// time (s since the epoch).
    fn newest_object(
        &self,
        bucket: &str,
        prefixes: &[String],
    ) -> impl Future<Output = Result<Option<(String, i64)>, ReadError>> + Send;
}
