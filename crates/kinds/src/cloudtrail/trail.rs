//! `trail`: the trail itself, and the edges AWS enforces into it:
//! CreateTrail checks the bucket policy, the key policy, the topic policy
//! and the CloudWatch Logs role (docs/aws-rules.md).

use ctrail_model::placeholder::Placeholder;
use ctrail_model::{Address, EdgeReason, ResourceKind as K};
use ctrail_spec::Spec;

use crate::cloudtrail::event_selectors::EventSelectors;
use crate::sns::shared::{topic_arn, topic_name};
use crate::{Desired, ImportCx, Kind, Names, Rules, Security, SpecField, rank};

#[cfg(feature = "aws")]
mod aws;
#[cfg(feature = "aws")]
pub use aws::{describe_all, describe_named, get, list_trails, status};

crate::attributes! {
    pub struct Trail {
        pub name: String,
        pub home_region: String,
        /// Required by CreateTrail and kept by UpdateTrail: `None` is read
        /// only, a put of it is refused.
        #[serde(deserialize_with = "crate::nullable")]
        pub s3_bucket_name: Option<String>,
        // Each `Option` below that UpdateTrail sends is present in the
        // attributes, `null` meaning "none" (sent as "", which removes the
        // setting); a missing key is an error, never a removal.
        #[serde(deserialize_with = "crate::nullable")]
        pub s3_key_prefix: Option<String>,
        pub include_global_service_events: bool,
        pub is_multi_region_trail: bool,
        pub is_organization_trail: bool,
        pub enable_log_file_validation: bool,
        #[serde(deserialize_with = "crate::nullable")]
        pub kms_key_id: Option<String>,
        #[serde(deserialize_with = "crate::nullable")]
        pub cloud_watch_logs_log_group_arn: Option<String>,
        #[serde(deserialize_with = "crate::nullable")]
        pub cloud_watch_logs_role_arn: Option<String>,
        #[serde(deserialize_with = "crate::nullable")]
        pub sns_topic_name: Option<String>,
        /// `RecursiveLogging`: whether CloudTrail's own log deliveries (S3
        /// PutObject, CloudWatch Logs PutLogEvents) are logged as events
        /// (AWS's default: true). CloudTrail User Guide, "Suppressing
        /// recursive events with recursive logging",
        /// https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-trail-recursive-logging.html
        pub recursive_logging: bool,
    }
}

impl Kind for Trail {
    const STANDING: crate::Standing = crate::Standing::Resource { prunable: false };

    const RULES: Rules = Rules::NONE
        .replace_on(&["home_region"])
        .security_relevant(&[
            (
                "enable_log_file_validation",
                "log file validation",
                Security::Ranked(rank::bool),
            ),
            (
                "is_multi_region_trail",
                "recording in every region",
                Security::Ranked(rank::bool),
            ),
            (
                "include_global_service_events",
                "recording of IAM, STS and CloudFront events",
                Security::Ranked(rank::bool),
            ),
            (
                "kms_key_id",
                "log file encryption",
                Security::Ranked(rank::present),
            ),
            (
                "cloud_watch_logs_log_group_arn",
                "real-time delivery to CloudWatch Logs",
                Security::Ranked(rank::present),
            ),
        ]);

    /// Recursive logging turned back on while the trail logs S3 or
    /// CloudWatch Logs data events: each delivery is a billed event that is
    /// delivered in turn, without end. On a new trail it is AWS's default,
    /// and the spec turns it off whenever it would loop.
    fn billing(change: &ctrail_model::AttributeChange, created: bool) -> Option<&'static str> {
        let on = change.new.as_ref().and_then(serde_json::Value::as_bool) == Some(true);
        (change.path == "recursive_logging" && on && !created).then_some(
            "with recursive logging on, every log file CloudTrail delivers to S3 (PutObject) or CloudWatch Logs (PutLogEvents) is recorded as a data event when the trail logs S3 or CloudWatch Logs data events, delivered in turn and billed, without end; see https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-trail-recursive-logging.html and https://aws.amazon.com/cloudtrail/pricing/",
        )
    }

    fn desired(spec: &Spec, names: &Names<'_>) -> Vec<Desired<Self>> {
        let t = &spec.trail;
        let cwl = spec.cloudwatch_logs.as_ref();
        let value = Trail {
            name: t.name.clone(),
            home_region: spec.region.clone(),
            s3_bucket_name: Some(spec.bucket.name.clone()),
            s3_key_prefix: t.s3_key_prefix.clone(),
            include_global_service_events: t.include_global_service_events,
            is_multi_region_trail: t.multi_region,
            is_organization_trail: t.organization,
            enable_log_file_validation: t.log_file_validation,
            kms_key_id: spec
                .kms
                .as_ref()
                .map(|_| Placeholder::KmsKeyArn.token().to_owned()),
            cloud_watch_logs_log_group_arn: cwl
                .map(|l| format!("{}:*", names.log_group_arn(&l.log_group))),
            cloud_watch_logs_role_arn: cwl.map(|l| names.role_arn(&l.role_name)),
            // The topic's ARN, even when the spec names the topic: CreateTrail's
            // SnsTopicName takes "the name or ARN" (CloudTrail API Reference,
            // CreateTrail, https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_CreateTrail.html),
            // and a name alone means the caller's own account, so a topic the
            // spec gives by ARN in another account must be sent as its ARN.
            sns_topic_name: t.sns_topic.as_deref().map(|s| topic_arn(spec, s)),
            recursive_logging: t.recursive_logging,
        };
        let bucket = &spec.bucket.name;
        let mut d = Desired::new(&t.name, value)
            .after(Address::new(K::S3Bucket, bucket), EdgeReason::References)
            .after(
                Address::new(K::S3BucketPolicy, bucket),
                EdgeReason::BucketPolicyChecked,
            );
        if let Some(l) = cwl {
            d = d
                .after(
                    Address::new(K::LogGroup, &l.log_group),
                    EdgeReason::References,
                )
                .after(
                    Address::new(K::IamRole, &l.role_name),
                    EdgeReason::IamPropagation,
                )
                .after(
                    Address::new(K::IamRolePolicy, &l.role_name),
                    EdgeReason::IamPropagation,
                );
        }
        if let Some(k) = spec.kms.as_ref().filter(|k| k.manage_key_policy) {
            d = d.after(
                Address::new(K::KmsKeyPolicy, k.key.as_str()),
                EdgeReason::KeyPolicyChecked,
            );
        }
        if let Some(topic) = t.sns_topic.as_deref() {
            d = d.after(
                Address::new(K::SnsTopicPolicy, topic_name(topic)),
                EdgeReason::TopicPolicyChecked,
            );
        }
        vec![d]
    }

    fn import(&self, _name: &str, cx: &ImportCx<'_>) -> Vec<SpecField> {
        self.fields(cx)
    }
}

impl Trail {
    /// The spec fields of the trail as found: what it is called and uses
    /// (its bucket, key, log group and role, topic), and each setting that
    /// differs from ctrail's default. Recursive logging's default follows
    /// the event selectors read beside it.
    fn fields(&self, cx: &ImportCx<'_>) -> Vec<SpecField> {
        use ctrail_spec::{defaults as d, fields as f};
        let mut out = vec![SpecField::new(f::TRAIL_NAME, self.name.as_str(), "")];
        let mut unless = |default: bool, found: bool, at, comment| {
            if found != default {
                out.push(SpecField::new(at, found, comment));
            }
        };
        unless(
            d::MULTI_REGION,
            self.is_multi_region_trail,
            f::TRAIL_MULTI_REGION,
            "found: a single-region trail (default: all regions)",
        );
        unless(
            d::INCLUDE_GLOBAL_SERVICE_EVENTS,
            self.include_global_service_events,
            f::TRAIL_INCLUDE_GLOBAL_SERVICE_EVENTS,
            "found: global service events off (default on: IAM, STS, CloudFront)",
        );
        unless(
            d::LOG_FILE_VALIDATION,
            self.enable_log_file_validation,
            f::TRAIL_LOG_FILE_VALIDATION,
            "found: log file validation off (default on: digest files prove tampering)",
        );
        unless(
            d::ORGANIZATION,
            self.is_organization_trail,
            f::TRAIL_ORGANIZATION,
            "found: an organization trail",
        );
        let loops = cx
            .live::<EventSelectors>(&self.name)
            .and_then(|s| s.as_spec())
            .is_some_and(|s| s.may_log_deliveries());
        unless(
            d::recursive_logging(loops),
            self.recursive_logging,
            f::TRAIL_RECURSIVE_LOGGING,
            if self.recursive_logging {
                "found: CloudTrail's own log deliveries are logged (default off when the trail logs S3 or CloudWatch Logs data events)"
            } else {
                "found: CloudTrail's own log deliveries are not logged (default on unless the trail logs S3 or CloudWatch Logs data events)"
            },
        );
        if let Some(p) = &self.s3_key_prefix {
            out.push(SpecField::new(f::TRAIL_S3_KEY_PREFIX, p.as_str(), ""));
        }
        if let Some(topic) = &self.sns_topic_name {
            out.push(SpecField::new(
                f::TRAIL_SNS_TOPIC,
                topic.as_str(),
                "found: a notification per log file delivery to this topic",
            ));
        }
        if let Some(key) = &self.kms_key_id {
            out.push(SpecField::new(f::KMS_KEY_ID, key.as_str(), ""));
        }
        if let Some(bucket) = &self.s3_bucket_name {
            out.push(SpecField::new(f::BUCKET_NAME, bucket.as_str(), ""));
        }
        match (self.log_group(), self.role_name()) {
            (Some(group), Some(role)) => {
                if group != d::LOG_GROUP {
                    out.push(SpecField::new(f::LOGS_LOG_GROUP, group, ""));
                }
                if role != d::role_name(&self.name) {
                    out.push(SpecField::new(f::LOGS_ROLE_NAME, role, ""));
                }
            }
            _ => out.push(SpecField::new(
                f::CLOUDWATCH_LOGS,
                false,
                "found: no delivery to CloudWatch Logs (default on)",
            )),
        }
        out
    }

    /// The log group's name, from `cloud_watch_logs_log_group_arn`.
    pub fn log_group(&self) -> Option<&str> {
        let arn = self.cloud_watch_logs_log_group_arn.as_deref()?;
        ctrail_model::arn::log_group_name(arn)
    }

    /// The role's name, from `cloud_watch_logs_role_arn`.
    pub fn role_name(&self) -> Option<&str> {
        ctrail_model::arn::role_name(self.cloud_watch_logs_role_arn.as_deref()?)
    }
}

/// A trail as CloudTrail lists it: its ARN, and its attributes as the
/// kind reads them (the key as CloudTrail names it).
#[derive(Debug, Clone, PartialEq)]
pub struct Listed {
    pub arn: String,
    pub trail: Trail,
}

/// What GetTrailStatus says of a trail (CloudTrail API Reference,
/// GetTrailStatus,
/// https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_GetTrailStatus.html).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Status {
    pub is_logging: bool,
    /// `LatestDeliveryTime`, seconds since the epoch.
    pub latest_delivery_time: Option<i64>,
    /// Each delivery error reported (`LatestDeliveryError`,
    /// `LatestDigestDeliveryError`, `LatestCloudWatchLogsDeliveryError`,
    /// `LatestNotificationError`) that is not empty, by name.
    pub errors: Vec<(String, String)>,
}

#[cfg(feature = "aws")]
pub(crate) use aws::{get_trail, status_of};

/// CloudTrail takes a log group ARN with or without the `:*` suffix and
/// means the same group; compare it in the suffixed form the graph uses.
#[cfg(feature = "aws")]
fn log_group_arn_with_streams(arn: &str) -> String {
    if arn.ends_with(":*") {
        arn.to_owned()
    } else {
        format!("{arn}:*")
    }
}

#[cfg(all(test, feature = "aws"))]
mod tests {
    use super::Trail;
    use super::log_group_arn_with_streams;
    use crate::Kind;

    fn recursive_logging(trail: &str) -> bool {
        crate::testing::desired_of::<Trail>(trail)[0].recursive_logging
    }

    /// Suppressed by default whenever the trail may log the calls that
    /// deliver its own log files; AWS's default otherwise; as written when
    /// the spec says.
    #[test]
    fn recursive_logging_is_off_by_default_with_s3_or_logs_data_events() {
        assert!(recursive_logging(""));
        assert!(!recursive_logging("  data_events: true\n"));
        assert!(recursive_logging(
            "  data_events: true\n  recursive_logging: true\n"
        ));
        let lambda = "  event_selectors:\n    - data_resources: [{type: AWS::Lambda::Function, values: [\"arn:aws:lambda\"]}]\n";
        assert!(recursive_logging(lambda));
        let advanced = |types: &str| {
            format!(
                "  advanced_event_selectors:\n    - field_selectors:\n        - {{field: eventCategory, equals: [Data]}}\n        - {{field: resources.type, {types}}}\n"
            )
        };
        assert!(!recursive_logging(&advanced(
            "equals: [\"AWS::S3::Object\"]"
        )));
        assert!(recursive_logging(&advanced(
            "equals: [\"AWS::DynamoDB::Table\"]"
        )));
        assert!(!recursive_logging(&advanced(
            "equals: [\"AWS::DynamoDB::Table\", \"AWS::S3::Object\"]"
        )));
    }

    /// Turning it back on is noted as a cost; on a new trail it is AWS's
    /// default and noted nowhere.
    #[test]
    fn recursive_logging_turned_on_carries_a_cost_note() {
        let change = |old: bool, new: bool| ctrail_model::AttributeChange {
            path: "recursive_logging".into(),
            old: Some(serde_json::Value::Bool(old)),
            new: Some(serde_json::Value::Bool(new)),
        };
        let note = Trail::billing(&change(false, true), false).expect("a note");
        assert!(note.contains("without end"), "{note}");
        assert_eq!(Trail::billing(&change(true, false), false), None);
        assert_eq!(Trail::billing(&change(false, true), true), None);
    }

    /// A trail without its bucket is refused naming the field, not created
    /// or updated with `""`; a plan's trail missing a setting UpdateTrail
    /// would remove (the key, say) does not fit the kind, while `null` says
    /// "none".
    #[test]
    fn a_missing_bucket_or_setting_is_an_error() {
        let spec = ctrail_spec::parse(
            "t.yaml",
            "version: 1\nregion: us-east-1\ntrail: {name: ttt}\nbucket: {name: b-logs}\n",
        )
        .expect("valid")
        .spec;
        let mut t = Trail::desired(&spec, &crate::testing::names())[0]
            .value
            .clone();
        assert_eq!(t.bucket("cloudtrail:CreateTrail").ok(), Some("b-logs"));
        t.s3_bucket_name = None;
        let e = t.bucket("cloudtrail:CreateTrail").expect_err("refused");
        assert_eq!(
            e.to_string(),
            "cloudtrail:CreateTrail: the attributes have no s3_bucket_name; nothing is sent in its place"
        );
        let mut json = serde_json::to_value(&t).expect("json");
        assert!(json["kms_key_id"].is_null());
        assert!(serde_json::from_value::<Trail>(json.clone()).is_ok());
        json.as_object_mut().expect("object").remove("kms_key_id");
        let e = serde_json::from_value::<Trail>(json).expect_err("refused");
        assert!(e.to_string().contains("missing field `kms_key_id`"), "{e}");
    }

    #[test]
    fn log_group_arns_compare_with_the_suffix() {
        let bare = "arn:aws:logs:us-east-1:123456789012:log-group:CloudTrail/APILogs";
        assert_eq!(log_group_arn_with_streams(bare), format!("{bare}:*"));
        assert_eq!(
            log_group_arn_with_streams(&format!("{bare}:*")),
            format!("{bare}:*")
        );
    }
}
