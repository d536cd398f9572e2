//! What the account shows, as plain data (so checks are pure and testable
//! without AWS).

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Evidence {
    pub read: Reading,
    /// GetTrailStatus in the home region; `None`: the trail does not exist.
    pub status: Option<TrailStatus>,
    /// DescribeTrails (with shadow trails) in each other region verified.
    pub views: Vec<RegionView>,
    /// The newest delivery of each kind for each region verified.
    pub deliveries: Vec<Delivered>,
    /// What the policy evaluator finds missing in the live documents (bucket
    /// policy, key policy, role, topic policies): the preflight's judgement
    /// of the account as it is.
    pub refused: Vec<ctrail_model::Finding>,
    /// The grants the live documents give, each with its statement.
    pub granted: Vec<ctrail_model::Grant>,
    /// Each metric filter with a sample event, tested on it.
    pub filters: Vec<FilterTest>,
    /// Each SNS topic the live alarms notify, and who would hear.
    pub alarm_topics: Vec<AlarmTopic>,
}

/// A topic alarms notify: `None` subscriptions when the topic is gone;
/// otherwise each subscription's endpoint and whether its owner confirmed
/// it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AlarmTopic {
    pub topic_arn: String,
    pub alarms: Vec<String>,
    pub subscriptions: Option<Vec<(String, bool)>>,
}

/// TestMetricFilter on a filter's live pattern with the CloudTrail event
/// it exists for.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FilterTest {
    pub name: String,
    pub sample_event: serde_json::Value,
    /// What the log group holds; `None` when the filter is not there.
    pub pattern: Option<String>,
    pub matched: bool,
}

/// Whose account was read, the trail's home region, and when (seconds since
/// the epoch).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Reading {
    pub account_id: String,
    pub home_region: String,
    pub at: i64,
}

/// The trail's own report of its deliveries (GetTrailStatus).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct TrailStatus {
    pub is_logging: bool,
    pub latest_delivery_time: Option<i64>,
    /// Each delivery error reported (`LatestDeliveryError`, ...), by name.
    pub errors: Vec<(String, String)>,
}

/// The trail as another region sees it: `seen` is `None` when that region
/// does not list it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct RegionView {
    pub region: String,
    pub seen: Option<Seen>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Seen {
    pub multi_region: bool,
    pub home_region: Option<String>,
}

/// What CloudTrail delivers, and where.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Delivery {
    /// `AWSLogs/<account>/CloudTrail/<region>/YYYY/MM/DD/...json.gz`
    LogFile,
    /// `AWSLogs/<account>/CloudTrail-Digest/<region>/...` (validation on)
    DigestFile,
    /// An event in the log group's stream `<account>_CloudTrail_<region>`.
    LogEvent,
}

impl Delivery {
    /// The check's id prefix and the thing in words.
    pub fn names(self) -> (&'static str, &'static str) {
        match self {
            Delivery::LogFile => ("log-files", "log file"),
            Delivery::DigestFile => ("digest-files", "digest file"),
            Delivery::LogEvent => ("cloudwatch-logs", "event in log stream"),
        }
    }
}

/// The newest delivery of one kind for one region, if any: the object key
/// or log stream, and when (seconds since the epoch).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Delivered {
    pub kind: Delivery,
    pub region: String,
    pub latest: Option<(String, i64)>,
}
