//! What the controls are judged on: the account's trails and the metric
//! filters on their log groups, with their alarms. From a spec (what the
//! account will hold after apply) or from the account itself; each fact
//! says where it comes from, so a verdict can point at the spec line that
//! sets it or the resource that shows it.

use ctrail_kinds::cloudtrail::event_selectors::{Advanced, EventSelectors as Selectors};
use ctrail_spec::{AlarmAction, EventSelectors, Spec};
use serde::Serialize;

/// Where a fact comes from: a spec field (its dotted path) or a live resource.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", content = "at", rename_all = "snake_case")]
pub enum Origin {
    Spec(String),
    Live(String),
}

#[derive(Debug, Clone, Serialize)]
pub struct Facts {
    pub trails: Vec<TrailFacts>,
    pub filters: Vec<FilterFacts>,
    /// Where monitoring is set up (a missing filter is reported there).
    pub monitoring: Option<Origin>,
    /// Log groups of the trails that could not be read from here: in
    /// another account, which the spec's `accounts` does not reach.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub unreadable: Vec<Unreadable>,
}

/// A trail's log group in an account the check cannot read (an
/// organization trail's, seen from a member account).
#[derive(Debug, Clone, Serialize)]
pub struct Unreadable {
    pub log_group: LogGroup,
    pub account: String,
}

/// A CloudWatch Logs log group: its name, and, read from the account, its
/// ARN (which names its account and region), so that groups of one name in
/// two accounts or regions are never taken for one another.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LogGroup {
    pub name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub arn: Option<String>,
}

impl LogGroup {
    /// A group as a spec names it (in the spec's own account and region).
    pub fn named(name: &str) -> LogGroup {
        LogGroup {
            name: name.to_owned(),
            arn: None,
        }
    }

    /// The group a trail's `CloudWatchLogsLogGroupArn` names
    /// (`arn:aws:logs:REGION:ACCOUNT:log-group:NAME:*`), its ARN without
    /// the trailing `:*`.
    pub fn of_arn(arn: &str) -> Option<LogGroup> {
        let name = ctrail_model::arn::log_group_name(arn)?;
        Some(LogGroup {
            name: name.to_owned(),
            arn: Some(arn.strip_suffix(":*").unwrap_or(arn).to_owned()),
        })
    }

    /// Whether this is `other`: by ARN where both are known, else by name
    /// (facts from a spec, all in its own account and region).
    pub fn is(&self, other: &LogGroup) -> bool {
        match (&self.arn, &other.arn) {
            (Some(a), Some(b)) => a == b,
            _ => self.name == other.name,
        }
    }
}

impl std::fmt::Display for LogGroup {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.name)
    }
}

/// A trail and what it records.
#[derive(Debug, Clone, Serialize)]
pub struct TrailFacts {
    pub name: String,
    pub records: Records,
    pub kept: Kept,
    /// Where each setting comes from, by setting name.
    pub origins: Vec<(&'static str, Origin)>,
}

/// What a trail records, and where it delivers events.
#[derive(Debug, Clone, Serialize)]
pub struct Records {
    /// Every region's events, and logging (not stopped).
    pub multi_region: bool,
    pub logging: bool,
    /// A selector logs both read and write management events.
    pub all_management_events: bool,
    /// S3 object-level data events for every bucket: (writes, reads).
    pub s3_object_events: (bool, bool),
    /// The CloudWatch Logs log group it delivers to.
    pub log_group: Option<LogGroup>,
}

/// How a trail's log files are kept.
#[derive(Debug, Clone, Serialize)]
pub struct Kept {
    /// Signed digest files are written.
    pub log_file_validation: bool,
    /// The KMS key that encrypts them, and whether it rotates (`None`: it
    /// cannot be told from here).
    pub kms_key: Option<String>,
    pub key_rotation: Option<bool>,
    /// Their bucket, and whether it has server access logging and MFA
    /// Delete (`None`: cannot be told from here).
    pub bucket: String,
    pub bucket_access_logging: Option<bool>,
    pub mfa_delete: Option<bool>,
}

impl TrailFacts {
    pub fn origin(&self, setting: &str) -> Option<&Origin> {
        self.origins
            .iter()
            .find(|(s, _)| *s == setting)
            .map(|(_, o)| o)
    }
}

/// A metric filter on a log group and what its alarms do.
#[derive(Debug, Clone, Serialize)]
pub struct FilterFacts {
    pub name: String,
    /// The log group it filters, and its pattern as written.
    pub log_group: LogGroup,
    pub pattern: String,
    pub notifies: Notifies,
    pub origin: Origin,
}

/// Who a filter's alarms notify.
#[derive(Debug, Clone, Serialize)]
pub struct Notifies {
    /// Alarms on the filter's metric that have actions.
    pub alarms: Vec<String>,
    /// Whether an alarm's topic has a subscriber; `None` when unknown.
    pub subscribed: Option<bool>,
}

/// What the account will hold once `spec` is applied.
pub fn from_spec(spec: &Spec) -> Facts {
    let t = &spec.trail;
    let (management_all, writes, reads) =
        selectors(&Selectors::from(&t.event_selectors), &spec.partition);
    let selectors_path = match t.event_selectors {
        EventSelectors::Basic(_) => "trail.event_selectors",
        EventSelectors::Advanced(_) => "trail.advanced_event_selectors",
    };
    let at = |p: &str| Origin::Spec(p.to_owned());
    let trail = TrailFacts {
        name: t.name.clone(),
        records: Records {
            multi_region: t.multi_region,
            logging: t.logging,
            all_management_events: management_all,
            s3_object_events: (writes, reads),
            log_group: spec
                .cloudwatch_logs
                .as_ref()
                .map(|l| LogGroup::named(&l.log_group)),
        },
        kept: Kept {
            log_file_validation: t.log_file_validation,
            kms_key: spec.kms.as_ref().map(|k| k.key.as_str().to_owned()),
            // ctrail keeps it as the spec says (kms_key_rotation).
            key_rotation: spec.kms.as_ref().map(|k| k.rotation),
            bucket: spec.bucket.name.clone(),
            bucket_access_logging: Some(spec.bucket.access_logging.is_some()),
            mfa_delete: None,
        },
        origins: vec![
            ("multi_region", at("trail.multi_region")),
            ("logging", at("trail.logging")),
            ("selectors", at(selectors_path)),
            ("log_file_validation", at("trail.log_file_validation")),
            ("kms_key", at("kms_key_id")),
            ("log_group", at("cloudwatch_logs")),
            (
                "bucket",
                at(match spec.bucket.access_logging {
                    Some(_) => "bucket.access_logging",
                    None => "bucket.name",
                }),
            ),
        ],
    };
    let subscribed = spec
        .monitoring
        .alert_topic
        .as_ref()
        .map(ctrail_spec::AlertTopic::has_subscriber);
    let filters = spec
        .monitoring
        .metric_filters
        .iter()
        .filter_map(|m| {
            let group = LogGroup::named(&spec.cloudwatch_logs.as_ref()?.log_group);
            let alarms_with_actions = m
                .alarm
                .iter()
                .filter(|a| {
                    a.actions.iter().any(|x| match x {
                        AlarmAction::AlertTopic => spec.monitoring.alert_topic.is_some(),
                        AlarmAction::Arn(_) => true,
                    })
                })
                .map(|a| a.name.clone())
                .collect();
            let origin = match &m.preset {
                Some(_) => at("monitoring.presets"),
                None => at("monitoring.metric_filters"),
            };
            Some(FilterFacts {
                name: m.name.clone(),
                log_group: group,
                pattern: m.pattern.clone(),
                notifies: Notifies {
                    alarms: alarms_with_actions,
                    subscribed,
                },
                origin,
            })
        })
        .collect();
    Facts {
        trails: vec![trail],
        filters,
        monitoring: Some(at("monitoring")),
        unreadable: Vec::new(),
    }
}

/// (read and write management events, S3 object writes for every bucket,
/// S3 object reads for every bucket), from selectors as CloudTrail stores
/// them (the spec's, or the account's).
pub(crate) fn selectors(s: &Selectors, partition: &str) -> (bool, bool, bool) {
    let every_bucket =
        |v: &str| v == format!("arn:{partition}:s3") || v == format!("arn:{partition}:s3:::");
    match s {
        // No selector at all: every management event (CloudTrail's default).
        Selectors::Basic(all) if all.is_empty() => (true, false, false),
        Selectors::Basic(all) => {
            let management = all
                .iter()
                .any(|b| b.include_management_events && b.read_write_type == "All");
            let s3 = |rw: &[&str]| {
                all.iter().any(|b| {
                    rw.contains(&b.read_write_type.as_str())
                        && b.data_resources.iter().any(|d| {
                            d.resource_type.as_deref() == Some("AWS::S3::Object")
                                && d.values.iter().any(|v| every_bucket(v))
                        })
                })
            };
            (
                management,
                s3(&["All", "WriteOnly"]),
                s3(&["All", "ReadOnly"]),
            )
        }
        Selectors::Advanced(all) => {
            let field = |sel: &Advanced, name: &str| {
                sel.field_selectors
                    .iter()
                    .find(|f| f.field == name)
                    .cloned()
            };
            let is = |sel: &Advanced, name: &str, value: &str| {
                field(sel, name).is_some_and(|f| f.equals.iter().any(|v| v == value))
            };
            let management = all.iter().any(|sel| {
                is(sel, "eventCategory", "Management")
                    && field(sel, "readOnly").is_none()
                    && field(sel, "eventSource").is_none()
            });
            let s3 = |read_only: &str| {
                all.iter().any(|sel| {
                    is(sel, "eventCategory", "Data")
                        && is(sel, "resources.type", "AWS::S3::Object")
                        && field(sel, "resources.ARN").is_none()
                        && field(sel, "readOnly")
                            .is_none_or(|f| f.equals.iter().any(|v| v == read_only))
                })
            };
            (management, s3("false"), s3("true"))
        }
    }
}
