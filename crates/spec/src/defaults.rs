//! Every default ctrail applies, in one place: the sections (`sections/*`)
//! read a field and, when it is absent, take its value from here.
//! `docs/spec.md` explains each.

use crate::model::{InsightType, LifecycleRule, Transition};

/// The seed procedure's log group name.
pub const LOG_GROUP: &str = "CloudTrail/APILogs";
/// The seed procedure's retention for the log group.
pub const RETENTION_DAYS: u32 = 90;
/// Prefix of the CloudWatch Logs role name; the trail name follows it.
pub const ROLE_PREFIX: &str = "CloudTrail-CloudWatchLogs-Role-";
/// The name of the role's inline permissions policy ctrail writes.
pub const ROLE_POLICY_NAME: &str = "CloudTrail-CloudWatchLogs-Delivery";
/// Insights on by default (the seed's `enable_insights: true`).
pub const INSIGHTS: [InsightType; 1] = [InsightType::ApiCallRateInsight];
/// The id of the seed's lifecycle rule.
pub const LIFECYCLE_RULE_ID: &str = "CloudTrailLogLifecycle";

pub fn role_name(trail_name: &str) -> String {
    format!("{ROLE_PREFIX}{trail_name}")
}

/// The seed's lifecycle rule: 30 days STANDARD_IA, 90 GLACIER, 365
/// DEEP_ARCHIVE, for the log files only: scoped to the prefix CloudTrail
/// delivers under (`[s3_key_prefix/]AWSLogs/`, CloudTrail User Guide,
/// "Finding your CloudTrail log files"), so that ctrail's own lock and
/// ledger in the bucket are never moved to an archive storage class, where
/// GetObject fails until they are restored.
pub fn lifecycle_rule(s3_key_prefix: Option<&str>) -> LifecycleRule {
    LifecycleRule {
        id: LIFECYCLE_RULE_ID.to_owned(),
        enabled: true,
        prefix: match s3_key_prefix {
            Some(p) => format!("{p}/AWSLogs/"),
            None => "AWSLogs/".to_owned(),
        },
        transitions: vec![
            transition(30, "STANDARD_IA"),
            transition(90, "GLACIER"),
            transition(365, "DEEP_ARCHIVE"),
        ],
        expiration_days: None,
        noncurrent_version_expiration_days: None,
        abort_incomplete_multipart_upload_days: None,
    }
}

fn transition(days: u32, class: &str) -> Transition {
    Transition {
        days,
        storage_class: class.to_owned(),
    }
}

/// The seed's data events (`enable_data_events: true`): all S3 objects and all
/// Lambda functions, with management events.
pub fn seed_data_event_resources() -> Vec<(&'static str, &'static str)> {
    vec![
        ("AWS::S3::Object", "arn:{partition}:s3"),
        ("AWS::Lambda::Function", "arn:{partition}:lambda"),
    ]
}

// The trail (`trail`).

/// `trail.multi_region`.
pub const MULTI_REGION: bool = true;
/// `trail.include_global_service_events`.
pub const INCLUDE_GLOBAL_SERVICE_EVENTS: bool = true;
/// `trail.log_file_validation`.
pub const LOG_FILE_VALIDATION: bool = true;
/// `trail.logging`.
pub const LOGGING: bool = true;
/// `trail.organization`.
pub const ORGANIZATION: bool = false;
/// An event selector's `include_management_events`.
pub const INCLUDE_MANAGEMENT_EVENTS: bool = true;

/// `trail.recursive_logging`: off when the trail may log its own
/// deliveries as data events (`loops`), AWS's default (on) otherwise.
pub fn recursive_logging(loops: bool) -> bool {
    !loops
}

// The key (top level).

/// `manage_kms_key_policy`.
pub const MANAGE_KMS_KEY_POLICY: bool = true;
/// `create_kms_key`.
pub const CREATE_KMS_KEY: bool = false;
/// `kms_key_rotation` (CIS 3.6).
pub const KMS_KEY_ROTATION: bool = true;

// The log bucket (`bucket`).

/// `bucket.versioning`.
pub const VERSIONING: bool = true;
/// `bucket.bucket_key`.
pub const BUCKET_KEY: bool = true;
/// `bucket.sse_kms`.
pub const SSE_KMS: bool = true;
/// `bucket.allow_destroy`.
pub const BUCKET_ALLOW_DESTROY: bool = false;
/// Each of `bucket.public_access_block`'s four settings.
pub const BLOCK_PUBLIC_ACCESS: bool = true;
/// `bucket.object_ownership`: ACLs off.
pub const OBJECT_OWNERSHIP: &str = "BucketOwnerEnforced";
/// A lifecycle rule's `enabled`.
pub const LIFECYCLE_RULE_ENABLED: bool = true;
/// `bucket.access_logging.create`.
pub const ACCESS_LOG_BUCKET_CREATE: bool = true;
/// `bucket.access_logging.expiration_days`: a year, as for audit logs.
pub const ACCESS_LOG_DAYS: u32 = 365;

/// `bucket.access_logging.target_prefix`: the log bucket's name and a slash.
pub fn access_log_prefix(bucket: &str) -> String {
    format!("{bucket}/")
}

// CloudWatch Logs (`cloudwatch_logs`).

/// `cloudwatch_logs.enabled`.
pub const CLOUDWATCH_LOGS: bool = true;
/// `cloudwatch_logs.allow_destroy`.
pub const LOG_GROUP_ALLOW_DESTROY: bool = false;
/// `cloudwatch_logs.encrypted` (used when the spec has a key).
pub const LOG_GROUP_ENCRYPTED: bool = true;

// Monitoring (`monitoring`).

/// Defaults of every metric filter and alarm; docs/monitoring.md explains them.
pub mod alarm {
    pub const STATISTIC: &str = "Sum";
    pub const PERIOD: u32 = 300;
    pub const EVALUATION_PERIODS: u32 = 1;
    pub const THRESHOLD: f64 = 1.0;
    pub const COMPARISON: &str = "GreaterThanOrEqualToThreshold";
    pub const TREAT_MISSING_DATA: &str = "notBreaching";
    pub const NAMESPACE: &str = "CloudTrailMetrics";
    pub const METRIC_VALUE: &str = "1";

    /// An alarm's name: its filter's name and `Alarm`.
    pub fn name(filter: &str) -> String {
        format!("{filter}Alarm")
    }
}
