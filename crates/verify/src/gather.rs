//! Reads the evidence from the account, concurrently: the account id (for
//! the bucket's and the log streams' names) is one shared call that only
//! the reads needing it wait for; everything else starts at once.

use aws_smithy_types::date_time::Format;
use ctrail_kinds::door::Reach;
use ctrail_kinds::live::{DeliveryReads, LiveReads};
use ctrail_model::Place;
use ctrail_spec::Spec;
use futures::FutureExt;
use futures::future::join_all;

use ctrail_graph::{Resource, ResourceGraph};
use std::collections::BTreeMap;
use std::sync::Arc;

use ctrail_kinds::monitoring::{metric_alarm::MetricAlarm, metric_filter::MetricFilter};
use ctrail_kinds::{LiveState, ReadError};

use crate::evidence::{
    AlarmTopic, Delivered, Delivery, Evidence, FilterTest, Reading, RegionView, Seen, TrailStatus,
};

/// What stops the evidence from being gathered: a read AWS refused or
/// failed, or a spec whose graph cannot be built. Cloned, so that a read
/// several steps wait for (the account) can report to each.
#[derive(Debug, Clone, thiserror::Error)]
pub enum GatherError {
    #[error("{0}")]
    Read(Arc<ReadError>),
    #[error("building the graph: {0}")]
    Graph(Arc<ctrail_graph::GraphError>),
}

impl From<ReadError> for GatherError {
    fn from(e: ReadError) -> Self {
        GatherError::Read(Arc::new(e))
    }
}

impl GatherError {
    fn graph(e: ctrail_graph::GraphError) -> Self {
        GatherError::Graph(Arc::new(e))
    }
}

/// The newest of a delivery: what, and when.
type Latest = (String, i64);

/// The UTC dates (`YYYY/MM/DD`) of `at` and the day before: where the
/// newest files of a region are.
fn recent_days(at: i64) -> Vec<String> {
    [at, at - 86_400]
        .into_iter()
        .filter_map(|t| {
            let s = aws_smithy_types::DateTime::from_secs(t)
                .fmt(Format::DateTime)
                .ok()?;
            Some(s.get(..10)?.replace('-', "/"))
        })
        .collect()
}

/// The key prefix CloudTrail writes `kind` (`CloudTrail`, `CloudTrail-Digest`)
/// files of `region` under, for one day.
fn prefix(spec: &Spec, account: &str, kind: &str, region: &str, day: &str) -> String {
    let base = format!("AWSLogs/{account}/{kind}/{region}/{day}/");
    match spec.trail.s3_key_prefix.as_deref() {
        Some(p) => format!("{p}/{base}"),
        None => base,
    }
}

async fn trail_status(c: &impl LiveReads, name: &str) -> Result<Option<TrailStatus>, GatherError> {
    let got = c.trail_status(name).await?;
    Ok(got.map(|s| TrailStatus {
        is_logging: s.is_logging,
        latest_delivery_time: s.latest_delivery_time,
        errors: s.errors,
    }))
}

/// How `region` sees the trail (DescribeTrails with shadow trails), read
/// in the trail's account.
async fn view(accounts: &impl Reach, region: &str, trail: &str) -> Result<RegionView, GatherError> {
    let c = accounts.at(Place::Trail).in_region(region);
    let found = c.trail(trail).await?;
    let seen = found.map(|t| Seen {
        multi_region: t.trail.is_multi_region_trail,
        home_region: Some(t.trail.home_region).filter(|r| !r.is_empty()),
    });
    Ok(RegionView {
        region: region.to_owned(),
        seen,
    })
}

/// The newest event of the log group's stream for `region`.
async fn stream(
    c: &impl DeliveryReads,
    group_name: &str,
    account: &str,
    region: &str,
) -> Result<Option<Latest>, GatherError> {
    let name = format!("{account}_CloudTrail_{region}");
    let at = c.newest_event(group_name, &name).await?;
    Ok(at.map(|at| (format!("{group_name}:{name}"), at)))
}

/// The account as it is: the graph's resources with the attributes read
/// live (what does not exist left out), so that the preflight judges the
/// live documents rather than the spec's.
fn as_live(graph: &ResourceGraph, live: &LiveState) -> ResourceGraph {
    let mut out = ResourceGraph::default();
    for r in graph.resources() {
        if let Some(v) = live.present(&r.address) {
            let now = Resource {
                desired: v.clone(),
                ..r.clone()
            };
            // Addresses are unique in the graph it comes from.
            let _ = out.add(now);
        }
    }
    out
}

/// What `judged` finds: refused grants, filter tests, alarm topics.
struct Judged {
    live: LiveState,
    refused: Vec<ctrail_model::Finding>,
    granted: Vec<ctrail_model::Grant>,
    filters: Vec<FilterTest>,
    alarm_topics: Vec<AlarmTopic>,
}

/// What the plan's read of the account shows: every grant CloudTrail (and
/// CloudWatch, for alarms) relies on that the live documents refuse (the
/// preflight on the account as it is), and each metric filter's live
/// pattern tested on its sample event.
async fn judged(accounts: &impl Reach, spec: &Spec) -> Result<Judged, GatherError> {
    let c = accounts.at(Place::Trail);
    let graph = ctrail_graph::build(spec).map_err(GatherError::graph)?;
    let (live, resolved) = ctrail_reader::read(accounts, spec, &graph).await?;
    let now = as_live(&resolved, &live);
    let judged = ctrail_differ::preflight::judge_all(&now, &live, &spec.partition);
    let with_samples = spec.monitoring.metric_filters.iter().filter_map(|f| {
        let sample = f.sample_event.clone()?;
        let pattern = live
            .get::<MetricFilter>(&f.name)
            .map(|v| v.filter_pattern.clone());
        Some(test_filter(c, &f.name, sample, pattern))
    });
    let filters = join_all(with_samples)
        .await
        .into_iter()
        .collect::<Result<_, _>>()?;
    // Every topic a live alarm notifies, with the alarms that notify it.
    let mut notified: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (name, alarm) in live.all::<MetricAlarm>() {
        for arn in alarm.alarm_actions.iter().filter(|a| a.contains(":sns:")) {
            notified
                .entry(arn.clone())
                .or_default()
                .push(name.to_owned());
        }
    }
    let topics = join_all(
        notified
            .into_iter()
            .map(|(arn, alarms)| alarm_topic(c, arn, alarms)),
    );
    let alarm_topics = topics.await.into_iter().collect::<Result<_, _>>()?;
    Ok(Judged {
        live,
        refused: judged.findings,
        granted: judged.grants,
        filters,
        alarm_topics,
    })
}

/// Who hears a topic's notifications (ListSubscriptionsByTopic): a
/// subscription its owner has not confirmed has the ARN
/// `PendingConfirmation`.
async fn alarm_topic(
    c: &impl LiveReads,
    topic_arn: String,
    alarms: Vec<String>,
) -> Result<AlarmTopic, GatherError> {
    let listed = c.subscriptions(&topic_arn).await?;
    let subscriptions = listed.map(|subs| {
        subs.into_iter()
            .map(|s| {
                let endpoint = format!("{} {}", s.subscription.protocol, s.subscription.endpoint);
                (endpoint, s.confirmed)
            })
            .collect()
    });
    Ok(AlarmTopic {
        topic_arn,
        alarms,
        subscriptions,
    })
}

/// TestMetricFilter: does the live pattern match the sample event?
async fn test_filter(
    c: &impl DeliveryReads,
    name: &str,
    sample_event: serde_json::Value,
    pattern: Option<String>,
) -> Result<FilterTest, GatherError> {
    let matched = match &pattern {
        None => false,
        Some(p) => c.filter_matches(p, sample_event.to_string()).await?,
    };
    Ok(FilterTest {
        name: name.to_owned(),
        sample_event,
        pattern,
        matched,
    })
}

/// Harmless read calls (ListTrails, GetCallerIdentity) in each of
/// `regions`, in the trail's account, so that fresh management events exist
/// there to be delivered (seed 000, step 8: events in at least two other
/// regions).
pub async fn generate(accounts: &impl Reach, regions: &[String]) -> Result<(), GatherError> {
    let calls = regions.iter().map(|region| async move {
        let c = accounts.at(Place::Trail).in_region(region);
        c.list_trails().await?;
        c.account_id().await?;
        Ok::<_, GatherError>(())
    });
    join_all(calls).await.into_iter().collect()
}

/// Everything the checks judge, for the spec's trail in `regions` (the
/// home region first), and the account's live state as the plan reads it
/// (for the report).
pub async fn gather(
    accounts: &impl Reach,
    spec: &Spec,
    regions: &[String],
    at: i64,
) -> Result<(Evidence, LiveState), GatherError> {
    let home = spec.region.as_str();
    let trail = spec.trail.name.as_str();
    let c = accounts.at(Place::Trail);
    // The log bucket's account: a Log Archive account's, in the
    // organization layout.
    let b = accounts.at(Place::Bucket);
    let account = async { c.account_id().await.map_err(GatherError::from) }.shared();
    let others: Vec<&String> = regions.iter().filter(|r| *r != home).collect();
    let days = recent_days(at);
    let delivered = |delivery: Delivery, kind: &'static str| {
        let account = account.clone();
        let (b, days) = (b, &days);
        join_all(regions.iter().map(move |region| {
            let account = account.clone();
            async move {
                let account = account.await?;
                let prefixes: Vec<String> = days
                    .iter()
                    .map(|d| prefix(spec, &account, kind, region, d))
                    .collect();
                let latest = b.newest_object(&spec.bucket.name, &prefixes).await?;
                Ok::<_, GatherError>(Delivered {
                    kind: delivery,
                    region: region.clone(),
                    latest,
                })
            }
        }))
    };
    let streams = join_all(regions.iter().map(|region| {
        let account = account.clone();
        async move {
            let latest = match &spec.cloudwatch_logs {
                Some(l) => stream(c, &l.log_group, &account.await?, region).await?,
                None => None,
            };
            Ok::<_, GatherError>(Delivered {
                kind: Delivery::LogEvent,
                region: region.clone(),
                latest,
            })
        }
    }));
    let (account_id, status, views, log_files, digest_files, log_streams, refused) = futures::join!(
        account.clone(),
        trail_status(c, trail),
        join_all(others.iter().map(|r| view(accounts, r, trail))),
        delivered(Delivery::LogFile, "CloudTrail"),
        delivered(Delivery::DigestFile, "CloudTrail-Digest"),
        streams,
        judged(accounts, spec),
    );
    let judged = refused?;
    let deliveries = log_files.into_iter().chain(digest_files).chain(log_streams);
    let read = Reading {
        account_id: account_id?,
        home_region: home.to_owned(),
        at,
    };
    let evidence = Evidence {
        read,
        status: status?,
        views: views.into_iter().collect::<Result<_, _>>()?,
        deliveries: deliveries.collect::<Result<_, _>>()?,
        refused: judged.refused,
        granted: judged.granted,
        filters: judged.filters,
        alarm_topics: judged.alarm_topics,
    };
    Ok((evidence, judged.live))
}

#[cfg(test)]
mod tests {
    use super::recent_days;

    #[test]
    fn the_days_searched_are_today_and_yesterday_in_utc() {
        // 2026-11-26T00:30:00Z
        assert_eq!(recent_days(1_795_653_000), ["2026/11/26", "2026/11/25"]);
    }
}
