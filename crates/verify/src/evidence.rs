//! What the account shows, as plain data (so checks are pure and testable
//! without AWS).

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Evidence {
    pub account_id: String,
    pub home_region: String,
    /// When it was read, in seconds since the epoch.
    pub at: i64,
    /// GetTrailStatus in the home region; `None`: the trail does not exist.
    pub status: Option<TrailStatus>,
    /// DescribeTrails (with shadow trails) in each other region verified.
    pub views: Vec<RegionView>,
    /// The newest log file under `AWSLogs/<account>/CloudTrail/<region>/`.
    pub log_files: Vec<Delivered>,
    /// The newest digest file under `AWSLogs/<account>/CloudTrail-Digest/<region>/`.
    pub digest_files: Vec<Delivered>,
    /// The newest event in the log group's stream `<account>_CloudTrail_<region>`.
    pub log_streams: Vec<Delivered>,
}

/// The trail's own report of its deliveries (GetTrailStatus).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct TrailStatus {
    pub is_logging: bool,
    pub latest_delivery_time: Option<i64>,
    pub latest_delivery_error: Option<String>,
    pub latest_digest_delivery_error: Option<String>,
    pub latest_cloud_watch_logs_delivery_error: Option<String>,
    pub latest_notification_error: Option<String>,
}

/// The trail as another region sees it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct RegionView {
    pub region: String,
    /// The trail is listed there (a multi-region trail's shadow).
    pub listed: bool,
    pub multi_region: bool,
    pub home_region: Option<String>,
}

/// The newest delivery of one kind for one region, if any.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Delivered {
    pub region: String,
    pub latest: Option<Latest>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Latest {
    /// The object key or the log stream.
    pub what: String,
    /// When, in seconds since the epoch.
    pub at: i64,
}
