//! The spec after validation and default expansion. Every field is resolved:
//! later stages never apply defaults of their own.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// A validated, fully expanded spec for one account and home region.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Spec {
    pub version: u32,
    /// The path the spec was read from, as given.
    pub source: String,
    /// When set, ctrail refuses to touch an account with another id.
    pub account_id: Option<String>,
    /// The accounts the spec spans, each with how ctrail reaches it; empty:
    /// the caller's account alone (`account_id` guards it).
    pub accounts: Vec<Account>,
    /// The home region of the trail, bucket and log group.
    pub region: String,
    /// `aws`, `aws-cn` or `aws-us-gov`, derived from the region.
    pub partition: String,
    /// Applied to every resource that takes tags.
    pub tags: BTreeMap<String, String>,
    pub kms: Option<Kms>,
    pub trail: Trail,
    pub bucket: Bucket,
    /// `None` when CloudWatch Logs delivery is turned off.
    pub cloudwatch_logs: Option<CloudWatchLogs>,
    /// Metric filters, alarms, the alert topic and saved queries.
    pub monitoring: Monitoring,
    /// Addresses (`kind.name`, `kind.*`, `*`) no plan may delete or replace.
    pub prevent_destroy: Vec<String>,
    /// Where ctrail keeps its apply lock and ledger.
    pub state: State,
}

/// Where ctrail keeps its own objects: the apply lock and the ledger.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct State {
    pub bucket: String,
    /// A key prefix for both objects; `None`: at the bucket's top.
    pub prefix: Option<String>,
    /// The account holding the bucket (its name under `accounts`); `None`:
    /// the caller's, in a spec without accounts.
    pub account: Option<String>,
    /// The bucket is the log bucket (the default): the lock may find it
    /// missing before the plan creates it.
    pub in_log_bucket: bool,
}

impl State {
    fn key(&self, dir: &str, trail: &str) -> String {
        match &self.prefix {
            Some(p) => format!("{p}/{dir}/{trail}.json"),
            None => format!("{dir}/{trail}.json"),
        }
    }

    /// The ledger's key: `[prefix/]ctrail-state/<trail>.json`.
    pub fn ledger_key(&self, trail: &str) -> String {
        self.key("ctrail-state", trail)
    }

    /// The apply lock's key: `[prefix/]ctrail-lock/<trail>.json`.
    pub fn lock_key(&self, trail: &str) -> String {
        self.key("ctrail-lock", trail)
    }
}

/// The customer managed KMS key used for the trail's log files and the bucket.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Kms {
    pub key: KmsKeyRef,
    /// ctrail keeps its own CloudTrail statements in the key policy, leaving
    /// every other statement alone.
    pub manage_key_policy: bool,
    /// ctrail keeps the key's automatic rotation on (CIS 3.6).
    pub rotation: bool,
    /// ctrail creates the key behind the alias `key` names when there is
    /// none (`create_kms_key`), and keeps its description and tags.
    pub create: bool,
    /// IAM principals (ARNs) the key policy lets decrypt the log files.
    pub readers: Vec<String>,
    /// The account holding the key (its name under `accounts`,
    /// `kms_key_account`); the trail's by default. `None`: the caller's, in
    /// a spec without accounts.
    pub account: Option<String>,
}

/// The four ways a KMS key can be named.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "form", content = "value", rename_all = "snake_case")]
pub enum KmsKeyRef {
    KeyId(String),
    KeyArn(String),
    AliasName(String),
    AliasArn(String),
}

impl KmsKeyRef {
    /// An alias (name or ARN), which some KMS calls do not accept.
    pub fn is_alias(&self) -> bool {
        matches!(self, KmsKeyRef::AliasName(_) | KmsKeyRef::AliasArn(_))
    }

    /// The text as the user wrote it.
    pub fn as_str(&self) -> &str {
        match self {
            KmsKeyRef::KeyId(s)
            | KmsKeyRef::KeyArn(s)
            | KmsKeyRef::AliasName(s)
            | KmsKeyRef::AliasArn(s) => s,
        }
    }
}

/// An account the spec spans.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Account {
    /// Its name in the spec (`trail.account`, `bucket.account`).
    pub name: String,
    /// Checked against GetCallerIdentity before any read.
    pub account_id: String,
    pub reach: Reach,
}

/// How ctrail reaches an account.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "by", rename_all = "snake_case")]
pub enum Reach {
    /// The caller's own credentials.
    Caller,
    /// A role assumed from the caller's credentials (sts:AssumeRole).
    Role {
        arn: String,
        external_id: Option<String>,
        session_name: String,
    },
    /// A named profile of the shared config files.
    Profile(String),
}

impl Account {
    /// How plans and summaries name it: `log-archive (222222222222)`.
    pub fn label(&self) -> String {
        format!("{} ({})", self.name, self.account_id)
    }
}

impl Spec {
    /// The account holding `place`; `None` in a spec without accounts (the
    /// caller's).
    pub fn account_at(&self, place: ctrail_model::Place) -> Option<&Account> {
        let name = match place {
            ctrail_model::Place::Trail => self.trail.account.as_deref(),
            ctrail_model::Place::Bucket => self.bucket.account.as_deref(),
            ctrail_model::Place::Key => match &self.kms {
                Some(k) => k.account.as_deref(),
                None => self.trail.account.as_deref(),
            },
            ctrail_model::Place::State => self.state.account.as_deref(),
        }?;
        self.accounts.iter().find(|a| a.name == name)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Trail {
    pub name: String,
    /// The account holding the trail and everything CloudWatch (its name
    /// under `accounts`); `None`: the caller's, in a spec without accounts.
    pub account: Option<String>,
    /// The account (its name under `accounts`) registered as CloudTrail's
    /// delegated administrator, whose credentials make every CloudTrail
    /// call, naming the trail (the management account's) by its ARN.
    pub delegated_admin: Option<String>,
    pub multi_region: bool,
    pub include_global_service_events: bool,
    pub log_file_validation: bool,
    /// Whether the trail is logging (StartLogging / StopLogging).
    pub logging: bool,
    pub organization: bool,
    pub s3_key_prefix: Option<String>,
    /// SNS topic (name) notified on every log file delivery.
    pub sns_topic: Option<String>,
    pub event_selectors: EventSelectors,
    pub insights: Vec<Insight>,
    /// Aggregated data events (PutEventConfiguration): the templates, or
    /// `None` when the spec leaves aggregation to others (not managed).
    pub aggregation: Option<Vec<AggregationTemplate>>,
    /// `RecursiveLogging`: whether CloudTrail's own log deliveries (S3
    /// PutObject, CloudWatch Logs PutLogEvents) are logged as events.
    pub recursive_logging: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "style", content = "selectors", rename_all = "snake_case")]
pub enum EventSelectors {
    Basic(Vec<BasicSelector>),
    Advanced(Vec<AdvancedSelector>),
}

impl EventSelectors {
    /// Whether the selectors log data events of any resource type.
    pub fn logs_data_events(&self) -> bool {
        match self {
            EventSelectors::Basic(b) => b.iter().any(|s| !s.data_resources.is_empty()),
            EventSelectors::Advanced(a) => a.iter().any(|s| s.category_is("Data")),
        }
    }

    /// Whether the selectors may log the calls CloudTrail makes to deliver
    /// log files: S3 object data events (PutObject to the bucket) or
    /// CloudWatch Logs data events (PutLogEvents to the log group)
    /// (CloudTrail User Guide, "Suppressing recursive events with recursive
    /// logging",
    /// https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-trail-recursive-logging.html).
    /// A Data selector whose resource type is not pinned with `equals`
    /// may: the answer errs towards yes.
    pub fn may_log_deliveries(&self) -> bool {
        let delivery = |t: &str| t == "AWS::S3::Object" || t.starts_with("AWS::Logs::");
        match self {
            EventSelectors::Basic(b) => b
                .iter()
                .flat_map(|s| &s.data_resources)
                .any(|d| delivery(&d.resource_type)),
            EventSelectors::Advanced(a) => a.iter().filter(|s| s.category_is("Data")).any(|s| {
                match s
                    .field_selectors
                    .iter()
                    .find(|f| f.field == "resources.type")
                {
                    Some(f) if !f.equals.is_empty() => f.equals.iter().any(|t| delivery(t)),
                    _ => true,
                }
            }),
        }
    }
}

impl AdvancedSelector {
    /// Whether `eventCategory` equals `category` in this selector.
    pub fn category_is(&self, category: &str) -> bool {
        self.field_selectors
            .iter()
            .any(|f| f.field == "eventCategory" && f.equals.iter().any(|v| v == category))
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BasicSelector {
    pub read_write_type: ReadWriteType,
    pub include_management_events: bool,
    pub data_resources: Vec<DataResource>,
    pub exclude_management_event_sources: Vec<String>,
}

impl BasicSelector {
    /// What a trail logs when no selector is configured: every management event.
    pub fn all_management_events() -> Self {
        BasicSelector {
            read_write_type: ReadWriteType::All,
            include_management_events: true,
            data_resources: Vec::new(),
            exclude_management_event_sources: Vec::new(),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum ReadWriteType {
    ReadOnly,
    WriteOnly,
    All,
}

impl ReadWriteType {
    pub const NAMES: [&'static str; 3] = ["All", "ReadOnly", "WriteOnly"];
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "All" => Some(Self::All),
            "ReadOnly" => Some(Self::ReadOnly),
            "WriteOnly" => Some(Self::WriteOnly),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DataResource {
    #[serde(rename = "type")]
    pub resource_type: String,
    pub values: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AdvancedSelector {
    pub name: Option<String>,
    pub field_selectors: Vec<FieldSelector>,
}

/// One field's conditions in an advanced selector; the kinds store it as
/// CloudTrail does, so it is read back (`Deserialize`) as well.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct FieldSelector {
    pub field: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub equals: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub not_equals: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub starts_with: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub not_starts_with: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub ends_with: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub not_ends_with: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub enum InsightType {
    ApiCallRateInsight,
    ApiErrorRateInsight,
}

impl InsightType {
    pub const NAMES: [&'static str; 2] = ["ApiCallRateInsight", "ApiErrorRateInsight"];
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "ApiCallRateInsight" => Some(Self::ApiCallRateInsight),
            "ApiErrorRateInsight" => Some(Self::ApiErrorRateInsight),
            _ => None,
        }
    }
    pub fn as_str(self) -> &'static str {
        match self {
            Self::ApiCallRateInsight => "ApiCallRateInsight",
            Self::ApiErrorRateInsight => "ApiErrorRateInsight",
        }
    }
}

/// One Insights type and the events it analyses (`InsightSelector`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Insight {
    pub insight_type: InsightType,
    /// Sorted, never empty; `[Management]` when the spec names only the type.
    pub event_categories: Vec<InsightCategory>,
}

impl Insight {
    /// The type on management events: what a type name alone means.
    pub fn on_management(insight_type: InsightType) -> Self {
        Insight {
            insight_type,
            event_categories: vec![InsightCategory::Management],
        }
    }

    pub fn analyses(&self, category: InsightCategory) -> bool {
        self.event_categories.contains(&category)
    }
}

/// The events an Insights type analyses (`InsightSelector.EventCategories`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub enum InsightCategory {
    Management,
    Data,
}

impl InsightCategory {
    pub const NAMES: [&'static str; 2] = ["Management", "Data"];
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "Management" => Some(Self::Management),
            "Data" => Some(Self::Data),
            _ => None,
        }
    }
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Management => "Management",
            Self::Data => "Data",
        }
    }
}

/// A template of aggregated data events (`AggregationConfiguration.Templates`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub enum AggregationTemplate {
    ApiActivity,
    ResourceAccess,
    UserActions,
}

impl AggregationTemplate {
    pub const NAMES: [&'static str; 3] = ["API_ACTIVITY", "RESOURCE_ACCESS", "USER_ACTIONS"];
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "API_ACTIVITY" => Some(Self::ApiActivity),
            "RESOURCE_ACCESS" => Some(Self::ResourceAccess),
            "USER_ACTIONS" => Some(Self::UserActions),
            _ => None,
        }
    }
    pub fn as_str(self) -> &'static str {
        match self {
            Self::ApiActivity => "API_ACTIVITY",
            Self::ResourceAccess => "RESOURCE_ACCESS",
            Self::UserActions => "USER_ACTIONS",
        }
    }
}

pub use crate::sections::bucket::{AccessLogBucket, AccessLogging, Bucket};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct PublicAccessBlock {
    pub block_public_acls: bool,
    pub ignore_public_acls: bool,
    pub block_public_policy: bool,
    pub restrict_public_buckets: bool,
}

impl PublicAccessBlock {
    pub const ALL: PublicAccessBlock = PublicAccessBlock {
        block_public_acls: true,
        ignore_public_acls: true,
        block_public_policy: true,
        restrict_public_buckets: true,
    };
}

/// Default encryption of new objects in the bucket.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "algorithm")]
pub enum Encryption {
    /// SSE-S3 (`AES256`).
    #[serde(rename = "AES256")]
    SseS3,
    /// SSE-KMS with the spec's key; the S3 Bucket Key cuts KMS request costs.
    #[serde(rename = "aws:kms")]
    SseKms { key: KmsKeyRef, bucket_key: bool },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LifecycleRule {
    pub id: String,
    pub enabled: bool,
    pub prefix: String,
    pub transitions: Vec<Transition>,
    pub expiration_days: Option<u32>,
    pub noncurrent_version_expiration_days: Option<u32>,
    pub abort_incomplete_multipart_upload_days: Option<u32>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Transition {
    pub days: u32,
    pub storage_class: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CloudWatchLogs {
    pub log_group: String,
    /// `None` means the events never expire.
    pub retention_days: Option<u32>,
    pub role_name: String,
    /// Whether a plan may ever delete this log group (it holds audit logs).
    pub allow_destroy: bool,
    /// Statements of the user's own, appended to the role's trust policy.
    pub extra_trust_statements: Vec<serde_json::Value>,
    /// Statements of the user's own, appended to the role's permissions.
    pub extra_role_statements: Vec<serde_json::Value>,
    /// The role's whole permissions policy kept as written instead of ctrail's.
    pub role_policy: Option<serde_json::Value>,
    /// The name of the role's inline permissions policy (default
    /// `CloudTrail-CloudWatchLogs-Delivery`).
    pub role_policy_name: String,
    /// The log group is encrypted with the spec's KMS key (when it has one).
    pub encrypted: bool,
}

/// Security monitoring on the trail's log group, presets expanded.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct Monitoring {
    /// The presets in effect, by name (`cis`, `sample_queries`).
    pub presets: Vec<String>,
    pub alert_topic: Option<AlertTopic>,
    pub metric_filters: Vec<MetricFilter>,
    pub queries: Vec<SavedQuery>,
}

/// Where alarms send their notifications.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AlertTopic {
    /// A topic ctrail creates (a name) or one managed elsewhere (an ARN).
    pub topic: TopicRef,
    /// Email subscriptions; each stays pending until its owner confirms it.
    pub emails: Vec<String>,
    /// Whether ctrail encrypts the topic it creates with the spec's KMS key
    /// (SSE-KMS): on by default when the spec has `kms_key_id`.
    pub encrypted: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "form", content = "value", rename_all = "snake_case")]
pub enum TopicRef {
    Name(String),
    Arn(String),
}

impl AlertTopic {
    /// Whether someone hears the alarms: a topic ctrail creates needs an
    /// email subscription; a topic managed elsewhere has its owner's.
    pub fn has_subscriber(&self) -> bool {
        match self.topic {
            TopicRef::Name(_) => !self.emails.is_empty(),
            TopicRef::Arn(_) => true,
        }
    }
}

/// A metric filter on the trail's log group and the alarm on its metric.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MetricFilter {
    pub name: String,
    pub pattern: String,
    pub metric_name: String,
    pub metric_namespace: String,
    pub metric_value: String,
    /// `None` when the spec turns the alarm off.
    pub alarm: Option<Alarm>,
    /// A CloudTrail event the pattern exists to match: `ctrail verify` runs
    /// TestMetricFilter on it, so a pattern that matches nothing is found.
    pub sample_event: Option<serde_json::Value>,
    /// The preset the entry comes from, if any.
    pub preset: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Alarm {
    pub name: String,
    pub description: Option<String>,
    pub statistic: String,
    pub period: u32,
    pub evaluation_periods: u32,
    pub threshold: f64,
    pub comparison: String,
    pub treat_missing_data: String,
    /// SNS topic ARNs notified when the alarm fires; the alert topic is
    /// written as `alert_topic` and resolved by the graph.
    pub actions: Vec<AlarmAction>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum AlarmAction {
    AlertTopic,
    Arn(String),
}

/// A Logs Insights query saved in the account (a query definition).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SavedQuery {
    pub name: String,
    pub query: String,
    pub log_groups: Vec<String>,
    pub preset: Option<String>,
}
