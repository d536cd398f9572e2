//! What a resource is and how it is named in plans: `kind.name`.

use std::fmt;

use serde::{Deserialize, Serialize};

/// Every AWS resource or sub-resource ctrail manages that has its own API.
/// The declaration order is the tie-break order among resources that do not
/// depend on each other, so listings read bucket, logs, IAM, KMS, SNS, trail.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ResourceKind {
    S3Bucket,
    S3PublicAccessBlock,
    S3BucketVersioning,
    S3BucketEncryption,
    S3BucketLifecycle,
    S3BucketTags,
    S3BucketPolicy,
    LogGroup,
    LogGroupRetention,
    LogGroupTags,
    IamRole,
    IamRolePolicy,
    IamRoleTags,
    KmsKeyPolicy,
    SnsTopic,
    SnsTopicPolicy,
    Trail,
    TrailEventSelectors,
    TrailInsightSelectors,
    TrailTags,
    TrailLogging,
    MetricFilter,
    MetricAlarm,
    SnsSubscription,
    QueryDefinition,
}

impl ResourceKind {
    pub const ALL: [ResourceKind; 25] = [
        Self::S3Bucket,
        Self::S3PublicAccessBlock,
        Self::S3BucketVersioning,
        Self::S3BucketEncryption,
        Self::S3BucketLifecycle,
        Self::S3BucketTags,
        Self::S3BucketPolicy,
        Self::LogGroup,
        Self::LogGroupRetention,
        Self::LogGroupTags,
        Self::IamRole,
        Self::IamRolePolicy,
        Self::IamRoleTags,
        Self::KmsKeyPolicy,
        Self::SnsTopic,
        Self::SnsTopicPolicy,
        Self::Trail,
        Self::TrailEventSelectors,
        Self::TrailInsightSelectors,
        Self::TrailTags,
        Self::TrailLogging,
        Self::MetricFilter,
        Self::MetricAlarm,
        Self::SnsSubscription,
        Self::QueryDefinition,
    ];

    pub fn parse(s: &str) -> Option<ResourceKind> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::S3Bucket => "s3_bucket",
            Self::S3PublicAccessBlock => "s3_public_access_block",
            Self::S3BucketVersioning => "s3_bucket_versioning",
            Self::S3BucketEncryption => "s3_bucket_encryption",
            Self::S3BucketLifecycle => "s3_bucket_lifecycle",
            Self::S3BucketTags => "s3_bucket_tags",
            Self::S3BucketPolicy => "s3_bucket_policy",
            Self::LogGroup => "log_group",
            Self::LogGroupRetention => "log_group_retention",
            Self::LogGroupTags => "log_group_tags",
            Self::IamRole => "iam_role",
            Self::IamRolePolicy => "iam_role_policy",
            Self::IamRoleTags => "iam_role_tags",
            Self::KmsKeyPolicy => "kms_key_policy",
            Self::SnsTopic => "sns_topic",
            Self::SnsTopicPolicy => "sns_topic_policy",
            Self::Trail => "trail",
            Self::TrailEventSelectors => "trail_event_selectors",
            Self::TrailInsightSelectors => "trail_insight_selectors",
            Self::TrailTags => "trail_tags",
            Self::TrailLogging => "trail_logging",
            Self::MetricFilter => "metric_filter",
            Self::MetricAlarm => "metric_alarm",
            Self::SnsSubscription => "sns_subscription",
            Self::QueryDefinition => "query_definition",
        }
    }
}

impl fmt::Display for ResourceKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Why one resource must exist before another.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum EdgeReason {
    /// A setting of the parent resource (the bucket's versioning, say).
    PartOf,
    /// The dependent names the other resource (the trail names the log group).
    References,
    /// CreateTrail checks the bucket policy (InsufficientS3BucketPolicyException).
    BucketPolicyChecked,
    /// A just-created role or role policy is not usable until IAM has
    /// propagated it (InvalidCloudWatchLogsLogGroupArnException).
    IamPropagation,
    /// The key policy must let the service use the key
    /// (InsufficientEncryptionPolicyException).
    KeyPolicyChecked,
    /// CreateTrail checks the topic policy (InsufficientSnsTopicPolicyException).
    TopicPolicyChecked,
    /// The alarm watches the metric the filter publishes.
    Watches,
    /// The alarm notifies the topic; the subscription is to the topic.
    Notifies,
    /// Insights need the trail's selectors to log management events, and
    /// logging starts only once the trail logs what the spec asks.
    Configured,
}

impl EdgeReason {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::PartOf => "part of",
            Self::References => "references",
            Self::BucketPolicyChecked => "bucket policy checked by CreateTrail",
            Self::IamPropagation => "IAM propagation",
            Self::KeyPolicyChecked => "key policy checked",
            Self::TopicPolicyChecked => "topic policy checked by CreateTrail",
            Self::Configured => "configured first",
            Self::Watches => "alarm watches the filter's metric",
            Self::Notifies => "notifies the topic",
        }
    }
}

/// A resource's unique name in a graph and in plans; written `kind.name`
/// (in JSON too).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(into = "String", try_from = "String")]
pub struct Address {
    pub kind: ResourceKind,
    pub name: String,
}

impl Address {
    pub fn new(kind: ResourceKind, name: impl Into<String>) -> Self {
        Address {
            kind,
            name: name.into(),
        }
    }
}

impl fmt::Display for Address {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}", self.kind, self.name)
    }
}

impl From<Address> for String {
    fn from(a: Address) -> String {
        a.to_string()
    }
}

impl TryFrom<String> for Address {
    type Error = String;
    fn try_from(s: String) -> Result<Address, String> {
        let (kind, name) = s
            .split_once('.')
            .ok_or_else(|| format!("\"{s}\" is not a resource address (kind.name)"))?;
        let kind =
            ResourceKind::parse(kind).ok_or_else(|| format!("unknown resource kind \"{kind}\""))?;
        Ok(Address::new(kind, name))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_round_trip_as_text() {
        for kind in ResourceKind::ALL {
            let a = Address::new(kind, "CloudTrail/APILogs.x");
            let json = serde_json::to_string(&a).expect("serialise");
            assert_eq!(json, format!("\"{}.CloudTrail/APILogs.x\"", kind.as_str()));
            assert_eq!(serde_json::from_str::<Address>(&json).expect("parse"), a);
        }
        assert!(serde_json::from_str::<Address>("\"nope.x\"").is_err());
    }
}
