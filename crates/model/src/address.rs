//! What a resource is and how it is named in plans: `kind.name`.

use std::fmt;

use serde::{Deserialize, Serialize};

macro_rules! resource_kinds {
    ($($variant:ident => $name:literal,)*) => {
        /// Every AWS resource or sub-resource ctrail manages that has its own API.
        /// The declaration order is the tie-break order among resources that do not
        /// depend on each other, so listings read bucket, logs, IAM, KMS, SNS, trail.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        pub enum ResourceKind {
            $(#[serde(rename = $name)] $variant,)*
        }

        impl ResourceKind {
            pub const ALL: [ResourceKind; [$($name),*].len()] = [$(Self::$variant,)*];

            pub fn as_str(self) -> &'static str {
                match self {
                    $(Self::$variant => $name,)*
                }
            }
        }
    };
}

// One line per kind: its name in plans. What the kind is and does lives in
// its module in crates/kinds, registered there.
resource_kinds! {
    S3Bucket => "s3_bucket",
    S3PublicAccessBlock => "s3_public_access_block",
    S3BucketVersioning => "s3_bucket_versioning",
    S3BucketEncryption => "s3_bucket_encryption",
    S3BucketLifecycle => "s3_bucket_lifecycle",
    S3BucketTags => "s3_bucket_tags",
    S3BucketPolicy => "s3_bucket_policy",
    S3BucketOwnershipControls => "s3_bucket_ownership_controls",
    S3BucketLogging => "s3_bucket_logging",
    LogGroup => "log_group",
    LogGroupRetention => "log_group_retention",
    LogGroupTags => "log_group_tags",
    IamRole => "iam_role",
    IamRolePolicy => "iam_role_policy",
    IamRoleTags => "iam_role_tags",
    KmsKey => "kms_key",
    KmsKeyPolicy => "kms_key_policy",
    KmsKeyRotation => "kms_key_rotation",
    SnsTopic => "sns_topic",
    SnsTopicPolicy => "sns_topic_policy",
    Trail => "trail",
    TrailEventSelectors => "trail_event_selectors",
    TrailInsightSelectors => "trail_insight_selectors",
    TrailTags => "trail_tags",
    TrailLogging => "trail_logging",
    TrailEventConfiguration => "trail_event_configuration",
    MetricFilter => "metric_filter",
    MetricAlarm => "metric_alarm",
    SnsSubscription => "sns_subscription",
    QueryDefinition => "query_definition",
}

impl ResourceKind {
    pub fn parse(s: &str) -> Option<ResourceKind> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
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
    /// PutBucketLogging checks the target bucket's grant to S3's logging
    /// service (InvalidTargetBucketForLogging).
    LoggingGrantChecked,
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
            Self::LoggingGrantChecked => "bucket policy checked by PutBucketLogging",
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

/// Text that is not a resource address.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AddressError {
    /// No `.` between a kind and a name.
    NotAnAddress(String),
    /// A kind ctrail does not know.
    UnknownKind(String),
}

impl fmt::Display for AddressError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::NotAnAddress(s) => write!(f, "\"{s}\" is not a resource address (kind.name)"),
            Self::UnknownKind(k) => write!(f, "unknown resource kind \"{k}\""),
        }
    }
}

impl std::error::Error for AddressError {}

impl TryFrom<String> for Address {
    type Error = AddressError;
    fn try_from(s: String) -> Result<Address, AddressError> {
        let Some((kind, name)) = s.split_once('.') else {
            return Err(AddressError::NotAnAddress(s));
        };
        let kind =
            ResourceKind::parse(kind).ok_or_else(|| AddressError::UnknownKind(kind.to_owned()))?;
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
