//! Facts read from the account as it is, including what ctrail does not
//! manage (another trail, a filter someone added by hand): every trail the
//! region sees (multi-region trails homed elsewhere too), what each records,
//! its bucket's access logging and its key's rotation; every metric filter on
//! the trails' log groups; the alarms on their metrics and whether the topics
//! those alarms notify have a confirmed subscriber. Read-only.

use std::collections::{BTreeMap, BTreeSet};

use ctrail_kinds::aws::{Clients, ReadError};
use ctrail_kinds::cloudtrail::event_selectors::{self, EventSelectors as Selectors};
use ctrail_kinds::cloudtrail::trail::{self, Listed};
use ctrail_kinds::kms::key_rotation;
use ctrail_kinds::monitoring::{metric_alarm, metric_filter};
use ctrail_kinds::s3::{logging as bucket_logging, versioning};
use ctrail_kinds::sns::subscription;
use futures::future::try_join_all;

use crate::facts::{Facts, FilterFacts, Kept, Notifies, Origin, Records, TrailFacts};

async fn trail_facts(c: &Clients, listed: &Listed) -> Result<TrailFacts, ReadError> {
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
        Some(k) => key_rotation::enabled(c, k).await.ok(),
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
            log_group: t.log_group().map(str::to_owned),
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

/// The account's facts, as the region of `clients` sees them.
pub async fn gather(c: &Clients) -> Result<Facts, ReadError> {
    let described = trail::describe_all(c).await?;
    let trails = try_join_all(described.iter().map(|t| trail_facts(c, t))).await?;
    let groups: BTreeSet<String> = trails
        .iter()
        .filter_map(|t| t.records.log_group.clone())
        .collect();
    let by_metric = alarms(c).await?;
    let mut filters = Vec::new();
    let mut topics: BTreeMap<String, bool> = BTreeMap::new();
    for group in groups {
        for f in metric_filter::on_log_group(c, &group).await? {
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
            let mut any = false;
            for topic in notified {
                let yes = match topics.get(&topic) {
                    Some(v) => *v,
                    None => {
                        let v = subscribed(c, &topic).await?;
                        topics.insert(topic.clone(), v);
                        v
                    }
                };
                any |= yes;
            }
            let name = f.filter_name.clone().unwrap_or_default();
            filters.push(FilterFacts {
                origin: Origin::Live(format!("log group {group}, metric filter {name}")),
                name,
                log_group: group.clone(),
                pattern: f.filter_pattern,
                notifies: Notifies {
                    alarms: alarms_with_actions,
                    subscribed: Some(any),
                },
            });
        }
    }
    Ok(Facts {
        trails,
        filters,
        monitoring: None,
    })
}
