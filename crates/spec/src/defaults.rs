//! Every default ctrail applies, in one place. `docs/spec.md` explains each.

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

/// The seed's lifecycle rule: 30 days STANDARD_IA, 90 GLACIER, 365 DEEP_ARCHIVE.
pub fn lifecycle_rule() -> LifecycleRule {
    LifecycleRule {
        id: LIFECYCLE_RULE_ID.to_owned(),
        enabled: true,
        prefix: String::new(),
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
