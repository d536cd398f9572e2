//! Facts read from the account as it is, including what ctrail does not
//! manage (another trail, a filter someone added by hand): every trail the
//! region sees (multi-region trails homed elsewhere too), what each records,
//! its bucket's access logging and its key's rotation; every metric filter on
//! the trails' log groups; the alarms on their metrics and whether the topics
//! those alarms notify have a confirmed subscriber. Read-only.
//!
//! An organization trail seen from a member account lives in the
//! management account, with its log group, its alarms and its topics (and
//! its key, often in a Log Archive account): those are read with the
//! clients of the spec's `accounts` entry for their account (`Reach`). One
//! no entry reaches is not guessed at: its log group is `unreadable`, and
//! the monitoring controls say they cannot tell.

use std::collections::BTreeMap;

use ctrail_kinds::aws::{Clients, ReadError};
use ctrail_kinds::cloudtrail::event_selectors::{self, EventSelectors as Selectors};
use ctrail_kinds::cloudtrail::trail::{self, Listed};
use ctrail_kinds::kms::key_rotation;
use ctrail_kinds::monitoring::{metric_alarm, metric_filter};
use ctrail_kinds::s3::{logging as bucket_logging, versioning};
use ctrail_kinds::sns::subscription;
use futures::future::try_join_all;

use crate::facts::{
    Facts, FilterFacts, Kept, LogGroup, Notifies, Origin, Records, TrailFacts, Unreadable,
};

/// The clients that read each account: the checked account's own, and
/// those of the other accounts the spec names (its `accounts` entries).
pub struct Reach<'a> {
    pub home: &'a Clients,
    /// Each other account's id and clients.
    pub others: Vec<(String, &'a Clients)>,
}

impl<'a> Reach<'a> {
    /// The clients of the account an ARN names (the checked account's for
    /// an ARN of its own, or one naming no account), in the ARN's region (a
    /// multi-region trail homed in another region keeps its log group,
    /// alarms and topic there); `None` when no entry reaches the account.
    fn of(&self, home_id: &str, arn: &str) -> Option<Clients> {
        let parsed = ctrail_model::arn::Arn::parse(arn);
        let account = match parsed.as_ref().map(|a| a.account) {
            None | Some("") => self.home,
            Some(a) if a == home_id => self.home,
            Some(a) => self.others.iter().find(|(id, _)| id == a)?.1,
        };
        Some(account.in_region(parsed.map_or("", |a| a.region)))
    }
}

async fn trail_facts(
    c: &Clients,
    reach: &Reach<'_>,
    home_id: &str,
    listed: &Listed,
) -> Result<TrailFacts, ReadError> {
    let t = &listed.trail;
    let arn = listed.arn.clone();
    let name = t.name.clone();
    let (status, selectors) =
        futures::join!(trail::status(c, &arn), event_selectors::of_trail(c, &arn),);
    // A trail gone since DescribeTrails neither logs nor records anything.
    let status = status?.unwrap_or_default();
    let selectors = selectors?.unwrap_or(Selectors::Basic(Vec::new()));
    let partition = ctrail_model::arn::partition(&arn)
        .unwrap_or("aws")
        .to_owned();
    let (all_management_events, writes, reads) = crate::facts::selectors(&selectors, &partition);
    let bucket = t.s3_bucket_name.clone().unwrap_or_default();
    // A bucket the caller may not read: the verdicts say they cannot tell.
    let (logging, mfa_delete) = futures::join!(
        bucket_logging::get(c, &bucket),
        versioning::mfa_delete(c, &bucket),
    );
    let bucket_access_logging = logging.ok().flatten().map(|l| l.target_bucket.is_some());
    let mfa_delete = mfa_delete.ok();
    let kms_key = t.kms_key_id.clone();
    let key_rotation = match &kms_key {
        None => Some(false),
        // A key the caller may not read: the verdict says it cannot tell.
        Some(k) => match reach.of(home_id, k) {
            Some(there) => key_rotation::enabled(&there, k).await.ok(),
            None => None,
        },
    };
    let live = |what: String| Origin::Live(what);
    Ok(TrailFacts {
        origins: vec![
            ("multi_region", live(arn.clone())),
            ("logging", live(arn.clone())),
            ("selectors", live(format!("{arn} (event selectors)"))),
            ("log_file_validation", live(arn.clone())),
            (
                "kms_key",
                live(kms_key.clone().unwrap_or_else(|| arn.clone())),
            ),
            ("log_group", live(arn.clone())),
            ("bucket", live(format!("s3://{bucket}"))),
        ],
        name,
        records: Records {
            multi_region: t.is_multi_region_trail,
            logging: status.is_logging,
            all_management_events,
            s3_object_events: (writes, reads),
            log_group: t
                .cloud_watch_logs_log_group_arn
                .as_deref()
                .and_then(LogGroup::of_arn),
        },
        kept: Kept {
            log_file_validation: t.enable_log_file_validation,
            kms_key,
            key_rotation,
            bucket,
            bucket_access_logging,
            mfa_delete,
        },
    })
}

/// Alarms by (namespace, metric): each alarm's name and its actions.
type AlarmsByMetric = BTreeMap<(String, String), Vec<(String, Vec<String>)>>;

/// Every metric alarm of the region, by the metric it watches.
async fn alarms(c: &Clients) -> Result<AlarmsByMetric, ReadError> {
    let mut out = AlarmsByMetric::new();
    for a in metric_alarm::all(c).await? {
        let key = (
            a.namespace.unwrap_or_default(),
            a.metric_name.unwrap_or_default(),
        );
        out.entry(key)
            .or_default()
            .push((a.alarm_name.unwrap_or_default(), a.alarm_actions));
    }
    Ok(out)
}

/// Whether an SNS topic has a confirmed subscription (an email nobody
/// confirmed is listed as `PendingConfirmation`).
async fn subscribed(c: &Clients, topic: &str) -> Result<bool, ReadError> {
    let subscriptions = subscription::of_topic(c, topic).await?.unwrap_or_default();
    Ok(subscriptions.iter().any(|s| s.confirmed))
}

/// The account's facts, as the region of `reach.home` sees them; what
/// lives in another account read with that account's clients.
pub async fn gather(reach: &Reach<'_>) -> Result<Facts, ReadError> {
    let c = reach.home;
    let (home_id, described) = futures::try_join!(
        ctrail_kinds::aws::account::account_id(c),
        trail::describe_all(c)
    )?;
    let home_id = home_id.as_str();
    let trails = try_join_all(described.iter().map(|t| trail_facts(c, reach, home_id, t))).await?;
    // Each log group once, by its ARN (which names its account and region).
    let groups: BTreeMap<String, LogGroup> = described
        .iter()
        .filter_map(|t| LogGroup::of_arn(t.trail.cloud_watch_logs_log_group_arn.as_deref()?))
        .filter_map(|g| Some((g.arn.clone()?, g)))
        .collect();
    // The alarms of each (account, region) a group is in.
    let mut alarms_of: BTreeMap<(String, String), AlarmsByMetric> = BTreeMap::new();
    let mut filters = Vec::new();
    let mut unreadable = Vec::new();
    let mut topics: BTreeMap<String, Option<bool>> = BTreeMap::new();
    for (group_arn, group) in groups {
        let account = ctrail_model::arn::Arn::parse(&group_arn)
            .map(|a| a.account.to_owned())
            .unwrap_or_default();
        let Some(there) = reach.of(home_id, &group_arn) else {
            unreadable.push(Unreadable {
                log_group: group,
                account,
            });
            continue;
        };
        let place = (account.clone(), there.region.clone());
        let by_metric = match alarms_of.get(&place) {
            Some(a) => a,
            None => {
                let read = alarms(&there).await?;
                alarms_of.entry(place).or_insert(read)
            }
        };
        for f in metric_filter::on_log_group(&there, &group.name).await? {
            let mut alarms_with_actions = Vec::new();
            let mut notified = Vec::new();
            let key = (
                f.metric_namespace.clone().unwrap_or_default(),
                f.metric_name.clone().unwrap_or_default(),
            );
            if f.metric_name.is_some() {
                for (name, actions) in by_metric.get(&key).into_iter().flatten() {
                    if !actions.is_empty() {
                        alarms_with_actions.push(name.clone());
                        notified.extend(actions.iter().filter(|a| a.contains(":sns:")).cloned());
                    }
                }
            }
            // A topic no entry reaches: whether anyone is subscribed
            // cannot be told from here.
            let mut any = Some(false);
            for topic in notified {
                let yes = match topics.get(&topic) {
                    Some(v) => *v,
                    None => {
                        let v = match reach.of(home_id, &topic) {
                            Some(t) => Some(subscribed(&t, &topic).await?),
                            None => None,
                        };
                        topics.insert(topic.clone(), v);
                        v
                    }
                };
                any = match (any, yes) {
                    (_, Some(true)) | (Some(true), _) => Some(true),
                    (Some(false), Some(false)) => Some(false),
                    _ => None,
                };
            }
            let name = f.filter_name.clone().unwrap_or_default();
            let origin = if account == home_id {
                format!("log group {group}, metric filter {name}")
            } else {
                format!("log group {group} (account {account}), metric filter {name}")
            };
            filters.push(FilterFacts {
                origin: Origin::Live(origin),
                name,
                log_group: group.clone(),
                pattern: f.filter_pattern,
                notifies: Notifies {
                    alarms: alarms_with_actions,
                    subscribed: any,
                },
            });
        }
    }
    Ok(Facts {
        trails,
        filters,
        monitoring: None,
        unreadable,
    })
}
