//! Reads the evidence from the account, concurrently: the account id (for
//! the bucket's and the log streams' names) is one shared call that only
//! the reads needing it wait for; everything else starts at once.

use aws_smithy_types::date_time::Format;
use ctrail_reader::{Clients, Connection};
use ctrail_spec::Spec;
use futures::FutureExt;
use futures::future::join_all;

use ctrail_graph::{Resource, ResourceGraph};
use std::collections::BTreeMap;

use ctrail_kinds::aws::error::is_not_found;
use ctrail_kinds::aws::{absent_if_not_found, read_error};
use ctrail_model::{LiveResource, LiveState};

use crate::evidence::{
    AlarmTopic, Delivered, Delivery, Evidence, FilterTest, Reading, RegionView, Seen, TrailStatus,
};

/// The newest of a delivery: what, and when.
type Latest = (String, i64);

fn secs(t: &aws_smithy_types::DateTime) -> i64 {
    t.secs()
}

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

/// The newest object under the prefixes (ListObjectsV2, every page).
async fn newest(
    c: &aws_sdk_s3::Client,
    bucket: &str,
    prefixes: &[String],
) -> Result<Option<Latest>, String> {
    let mut best: Option<Latest> = None;
    for p in prefixes {
        let mut pages = c
            .list_objects_v2()
            .bucket(bucket)
            .prefix(p)
            .into_paginator()
            .send();
        while let Some(page) = pages.next().await {
            let page = page.map_err(|e| read_error("s3:ListObjectsV2", e).to_string())?;
            for o in page.contents() {
                let (Some(key), Some(at)) = (o.key(), o.last_modified()) else {
                    continue;
                };
                if best.as_ref().is_none_or(|b| secs(at) > b.1) {
                    best = Some((key.to_owned(), secs(at)));
                }
            }
        }
    }
    Ok(best)
}

async fn trail_status(c: &Clients, trail: &str) -> Result<Option<TrailStatus>, String> {
    let got = c.cloudtrail.get_trail_status().name(trail).send().await;
    let got = absent_if_not_found("cloudtrail:GetTrailStatus", got, &[]);
    let Some(s) = got.map_err(|e| e.to_string())? else {
        return Ok(None);
    };
    let errors = [
        ("LatestDeliveryError", s.latest_delivery_error()),
        (
            "LatestDigestDeliveryError",
            s.latest_digest_delivery_error(),
        ),
        (
            "LatestCloudWatchLogsDeliveryError",
            s.latest_cloud_watch_logs_delivery_error(),
        ),
        ("LatestNotificationError", s.latest_notification_error()),
    ];
    let errors = errors
        .into_iter()
        .filter_map(|(name, e)| Some((name.to_owned(), e.filter(|e| !e.is_empty())?.to_owned())))
        .collect();
    Ok(Some(TrailStatus {
        is_logging: s.is_logging().unwrap_or(false),
        latest_delivery_time: s.latest_delivery_time().map(secs),
        errors,
    }))
}

/// How `region` sees the trail (DescribeTrails with shadow trails).
async fn view(
    conn: &Connection,
    home: &str,
    region: &str,
    trail: &str,
) -> Result<RegionView, String> {
    let there = Connection {
        region: Some(region.to_owned()),
        ..conn.clone()
    };
    let c = Clients::connect(&there, home).await;
    let got = c
        .cloudtrail
        .describe_trails()
        .trail_name_list(trail)
        .include_shadow_trails(true)
        .send()
        .await
        .map_err(|e| read_error("cloudtrail:DescribeTrails", e).to_string())?;
    let found = got.trail_list().iter().find(|t| t.name() == Some(trail));
    let seen = found.map(|t| Seen {
        multi_region: t.is_multi_region_trail().unwrap_or(false),
        home_region: t.home_region().map(str::to_owned),
    });
    Ok(RegionView {
        region: region.to_owned(),
        seen,
    })
}

/// The newest event of the log group's stream for `region`.
async fn stream(
    c: &Clients,
    group: &str,
    account: &str,
    region: &str,
) -> Result<Option<Latest>, String> {
    let name = format!("{account}_CloudTrail_{region}");
    let got = c
        .logs
        .describe_log_streams()
        .log_group_name(group)
        .log_stream_name_prefix(&name)
        .send()
        .await;
    let got = absent_if_not_found("logs:DescribeLogStreams", got, &[]);
    let Some(got) = got.map_err(|e| e.to_string())? else {
        return Ok(None);
    };
    Ok(got
        .log_streams()
        .iter()
        .filter(|s| s.log_stream_name() == Some(name.as_str()))
        .filter_map(|s| {
            let ms = s.last_event_timestamp().or(s.last_ingestion_time())?;
            Some((format!("{group}:{name}"), ms / 1000))
        })
        .max_by_key(|l| l.1))
}

/// The account as it is: the graph's resources with the attributes read
/// live (what does not exist left out), so that the preflight judges the
/// live documents rather than the spec's.
fn as_live(graph: &ResourceGraph, live: &LiveState) -> ResourceGraph {
    let mut out = ResourceGraph::default();
    for r in graph.resources() {
        if let Some(LiveResource::Present(v)) = live.resources.get(&r.address) {
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
async fn judged(c: &Clients, spec: &Spec) -> Result<Judged, String> {
    let graph = ctrail_graph::build(spec).map_err(|e| format!("building the graph: {e}"))?;
    let (live, resolved) = ctrail_reader::read(c, spec, &graph)
        .await
        .map_err(|e| e.to_string())?;
    let now = as_live(&resolved, &live);
    let judged = ctrail_differ::preflight::judge_all(&now, &live, &spec.partition);
    let with_samples = spec.monitoring.metric_filters.iter().filter_map(|f| {
        let sample = f.sample_event.clone()?;
        let live_filter = live.present(ctrail_model::ResourceKind::MetricFilter, &f.name);
        let pattern = live_filter
            .and_then(|v| v["filter_pattern"].as_str())
            .map(str::to_owned);
        Some(test_filter(c, &f.name, sample, pattern))
    });
    let filters = join_all(with_samples)
        .await
        .into_iter()
        .collect::<Result<_, _>>()?;
    // Every topic a live alarm notifies, with the alarms that notify it.
    let mut notified: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (address, observed) in &live.resources {
        if let (ctrail_model::ResourceKind::MetricAlarm, LiveResource::Present(v)) =
            (address.kind, observed)
        {
            let actions = v["alarm_actions"].as_array().into_iter().flatten();
            for arn in actions
                .filter_map(|a| a.as_str())
                .filter(|a| a.contains(":sns:"))
            {
                notified
                    .entry(arn.to_owned())
                    .or_default()
                    .push(address.name.clone());
            }
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
    c: &Clients,
    topic_arn: String,
    alarms: Vec<String>,
) -> Result<AlarmTopic, String> {
    let req = c.sns.list_subscriptions_by_topic().topic_arn(&topic_arn);
    let mut pages = req.into_paginator().send();
    let mut subs = Vec::new();
    while let Some(page) = pages.next().await {
        let page = match page {
            Ok(p) => p,
            Err(e)
                if is_not_found(
                    aws_smithy_types::error::metadata::ProvideErrorMetadata::code(&e),
                    &[],
                ) =>
            {
                return Ok(AlarmTopic {
                    topic_arn,
                    alarms,
                    subscriptions: None,
                });
            }
            Err(e) => return Err(read_error("sns:ListSubscriptionsByTopic", e).to_string()),
        };
        subs.extend(page.subscriptions().iter().map(|s| {
            let endpoint = format!(
                "{} {}",
                s.protocol().unwrap_or_default(),
                s.endpoint().unwrap_or_default()
            );
            (
                endpoint,
                s.subscription_arn().is_some_and(|a| a.starts_with("arn:")),
            )
        }));
    }
    Ok(AlarmTopic {
        topic_arn,
        alarms,
        subscriptions: Some(subs),
    })
}

/// TestMetricFilter: does the live pattern match the sample event?
async fn test_filter(
    c: &Clients,
    name: &str,
    sample_event: serde_json::Value,
    pattern: Option<String>,
) -> Result<FilterTest, String> {
    let matched = match &pattern {
        None => false,
        Some(p) => {
            let got = c
                .logs
                .test_metric_filter()
                .filter_pattern(p)
                .log_event_messages(sample_event.to_string())
                .send()
                .await
                .map_err(|e| read_error("logs:TestMetricFilter", e).to_string())?;
            !got.matches().is_empty()
        }
    };
    Ok(FilterTest {
        name: name.to_owned(),
        sample_event,
        pattern,
        matched,
    })
}

/// Harmless read calls (ListTrails, GetCallerIdentity) in each of
/// `regions`, so that fresh management events exist there to be delivered
/// (seed 000, step 8: events in at least two other regions).
pub async fn generate(conn: &Connection, home: &str, regions: &[String]) -> Result<(), String> {
    let calls = regions.iter().map(|region| async move {
        let there = Connection {
            region: Some(region.clone()),
            ..conn.clone()
        };
        let c = Clients::connect(&there, home).await;
        let listed = c.cloudtrail.list_trails().send().await;
        listed.map_err(|e| read_error("cloudtrail:ListTrails", e).to_string())?;
        let me = c.sts.get_caller_identity().send().await;
        me.map_err(|e| read_error("sts:GetCallerIdentity", e).to_string())?;
        Ok::<_, String>(())
    });
    join_all(calls).await.into_iter().collect()
}

/// Everything the checks judge, for the spec's trail in `regions` (the
/// home region first), and the account's live state as the plan reads it
/// (for the report).
pub async fn gather(
    conn: &Connection,
    spec: &Spec,
    regions: &[String],
    at: i64,
) -> Result<(Evidence, LiveState), String> {
    let home = spec.region.as_str();
    let trail = spec.trail.name.as_str();
    let c = Clients::connect(conn, home).await;
    let account = async {
        let me = c.sts.get_caller_identity().send().await;
        me.map_err(|e| read_error("sts:GetCallerIdentity", e).to_string())
            .map(|m| m.account().unwrap_or_default().to_owned())
    }
    .shared();
    let others: Vec<&String> = regions.iter().filter(|r| *r != home).collect();
    let days = recent_days(at);
    let delivered = |delivery: Delivery, kind: &'static str| {
        let account = account.clone();
        let (c, days) = (&c, &days);
        join_all(regions.iter().map(move |region| {
            let account = account.clone();
            async move {
                let account = account.await?;
                let prefixes: Vec<String> = days
                    .iter()
                    .map(|d| prefix(spec, &account, kind, region, d))
                    .collect();
                let latest = newest(&c.s3, &spec.bucket.name, &prefixes).await?;
                Ok::<_, String>(Delivered {
                    kind: delivery,
                    region: region.clone(),
                    latest,
                })
            }
        }))
    };
    let streams = join_all(regions.iter().map(|region| {
        let account = account.clone();
        let c = &c;
        async move {
            let latest = match &spec.cloudwatch_logs {
                Some(l) => stream(c, &l.log_group, &account.await?, region).await?,
                None => None,
            };
            Ok::<_, String>(Delivered {
                kind: Delivery::LogEvent,
                region: region.clone(),
                latest,
            })
        }
    }));
    let (account_id, status, views, log_files, digest_files, log_streams, refused) = futures::join!(
        account.clone(),
        trail_status(&c, trail),
        join_all(others.iter().map(|r| view(conn, home, r, trail))),
        delivered(Delivery::LogFile, "CloudTrail"),
        delivered(Delivery::DigestFile, "CloudTrail-Digest"),
        streams,
        judged(&c, spec),
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
