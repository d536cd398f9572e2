//! Facts read from the account as it is, including what ctrail does not
//! manage (another trail, a filter someone added by hand): every trail the
//! region sees (multi-region trails homed elsewhere too), what each records,
//! its bucket's access logging and its key's rotation; every metric filter on
//! the trails' log groups; the alarms on their metrics and whether the topics
//! those alarms notify have a confirmed subscriber. Read-only.

use std::collections::{BTreeMap, BTreeSet};

use aws_sdk_cloudtrail::types::Trail;
use ctrail_kinds::aws::read_error;
use ctrail_kinds::cloudtrail::event_selectors::EventSelectors as Selectors;
use ctrail_reader::{Clients, ReadError};
use futures::future::try_join_all;

use crate::facts::{Facts, FilterFacts, Kept, Notifies, Origin, Records, TrailFacts};

/// The log group's name in a trail's `CloudWatchLogsLogGroupArn`
/// (`arn:aws:logs:<region>:<account>:log-group:<name>:*`).
fn log_group_name(arn: &str) -> Option<String> {
    arn.split(':').nth(6).map(str::to_owned)
}

async fn trail_facts(c: &Clients, t: &Trail) -> Result<TrailFacts, ReadError> {
    let arn = t.trail_arn().unwrap_or_default().to_owned();
    let name = t.name().unwrap_or_default().to_owned();
    let (status, sel) = futures::join!(
        c.cloudtrail.get_trail_status().name(&arn).send(),
        c.cloudtrail.get_event_selectors().trail_name(&arn).send(),
    );
    let status = status.map_err(|e| read_error("cloudtrail:GetTrailStatus", e))?;
    let sel = sel.map_err(|e| read_error("cloudtrail:GetEventSelectors", e))?;
    let selectors = Selectors::from_aws(sel.event_selectors(), sel.advanced_event_selectors());
    let partition = arn.split(':').nth(1).unwrap_or("aws").to_owned();
    let (all_management_events, writes, reads) = crate::facts::selectors(&selectors, &partition);
    let bucket = t.s3_bucket_name().unwrap_or_default().to_owned();
    // A bucket the caller may not read: the verdicts say they cannot tell.
    let (logging, versioning) = futures::join!(
        c.s3.get_bucket_logging().bucket(&bucket).send(),
        c.s3.get_bucket_versioning().bucket(&bucket).send(),
    );
    let bucket_access_logging = logging.ok().map(|l| l.logging_enabled().is_some());
    let mfa_delete = versioning
        .ok()
        .map(|v| v.mfa_delete().is_some_and(|m| m.as_str() == "Enabled"));
    let kms_key = t.kms_key_id().map(str::to_owned);
    let key_rotation = match &kms_key {
        None => Some(false),
        // A key the caller may not read: the verdict says it cannot tell.
        Some(k) => c
            .kms
            .get_key_rotation_status()
            .key_id(k)
            .send()
            .await
            .ok()
            .map(|r| r.key_rotation_enabled()),
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
            multi_region: t.is_multi_region_trail().unwrap_or(false),
            logging: status.is_logging().unwrap_or(false),
            all_management_events,
            s3_object_events: (writes, reads),
            log_group: t.cloud_watch_logs_log_group_arn().and_then(log_group_name),
        },
        kept: Kept {
            log_file_validation: t.log_file_validation_enabled().unwrap_or(false),
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
    let mut pages = c.cloudwatch.describe_alarms().into_paginator().send();
    while let Some(page) = pages.next().await {
        let page = page.map_err(|e| read_error("cloudwatch:DescribeAlarms", e))?;
        for a in page.metric_alarms() {
            let key = (
                a.namespace().unwrap_or_default().to_owned(),
                a.metric_name().unwrap_or_default().to_owned(),
            );
            out.entry(key).or_default().push((
                a.alarm_name().unwrap_or_default().to_owned(),
                a.alarm_actions().to_vec(),
            ));
        }
    }
    Ok(out)
}

/// Whether an SNS topic has a confirmed subscription (an email nobody
/// confirmed is listed as `PendingConfirmation`).
async fn subscribed(c: &Clients, topic: &str) -> Result<bool, ReadError> {
    let subscriptions: Vec<_> = c
        .sns
        .list_subscriptions_by_topic()
        .topic_arn(topic)
        .into_paginator()
        .items()
        .send()
        .try_collect()
        .await
        .map_err(|e| read_error("sns:ListSubscriptionsByTopic", e))?;
    Ok(subscriptions
        .iter()
        .any(|s| s.subscription_arn().is_some_and(|a| a.starts_with("arn:"))))
}

/// The account's facts, as the region of `clients` sees them.
pub async fn gather(c: &Clients) -> Result<Facts, ReadError> {
    let described = c
        .cloudtrail
        .describe_trails()
        .include_shadow_trails(true)
        .send()
        .await
        .map_err(|e| read_error("cloudtrail:DescribeTrails", e))?;
    let trails = try_join_all(described.trail_list().iter().map(|t| trail_facts(c, t))).await?;
    let groups: BTreeSet<String> = trails
        .iter()
        .filter_map(|t| t.records.log_group.clone())
        .collect();
    let by_metric = alarms(c).await?;
    let mut filters = Vec::new();
    let mut topics: BTreeMap<String, bool> = BTreeMap::new();
    for group in groups {
        let mut pages = c
            .logs
            .describe_metric_filters()
            .log_group_name(&group)
            .into_paginator()
            .send();
        while let Some(page) = pages.next().await {
            let page = page.map_err(|e| read_error("logs:DescribeMetricFilters", e))?;
            for f in page.metric_filters() {
                let mut alarms_with_actions = Vec::new();
                let mut notified = Vec::new();
                for m in f.metric_transformations() {
                    let key = (m.metric_namespace().to_owned(), m.metric_name().to_owned());
                    for (name, actions) in by_metric.get(&key).into_iter().flatten() {
                        if !actions.is_empty() {
                            alarms_with_actions.push(name.clone());
                            notified
                                .extend(actions.iter().filter(|a| a.contains(":sns:")).cloned());
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
                let name = f.filter_name().unwrap_or_default().to_owned();
                filters.push(FilterFacts {
                    origin: Origin::Live(format!("log group {group}, metric filter {name}")),
                    name,
                    log_group: group.clone(),
                    pattern: f.filter_pattern().unwrap_or_default().to_owned(),
                    notifies: Notifies {
                        alarms: alarms_with_actions,
                        subscribed: Some(any),
                    },
                });
            }
        }
    }
    Ok(Facts {
        trails,
        filters,
        monitoring: None,
    })
}
