//! Reads the evidence from the account, concurrently: the account id (for
//! the bucket's and the log streams' names) is one shared call that only
//! the reads needing it wait for; everything else starts at once.

use aws_smithy_types::date_time::Format;
use ctrail_reader::{Clients, Connection};
use ctrail_spec::Spec;
use futures::FutureExt;
use futures::future::join_all;

use crate::evidence::{Delivered, Evidence, Latest, RegionView, TrailStatus};

/// An SDK failure, named by its operation, with AWS's code and message.
fn failed<E>(op: &str, e: E) -> String
where
    E: aws_smithy_types::error::metadata::ProvideErrorMetadata + std::fmt::Display,
{
    match (e.code(), e.message()) {
        (Some(code), Some(msg)) => format!("{op}: {code}: {msg}"),
        (Some(code), None) => format!("{op}: {code}"),
        _ => format!("{op}: {e}"),
    }
}

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
            let page = page.map_err(|e| failed("s3:ListObjectsV2", e))?;
            for o in page.contents() {
                let (Some(key), Some(at)) = (o.key(), o.last_modified()) else {
                    continue;
                };
                if best.as_ref().is_none_or(|b| secs(at) > b.at) {
                    best = Some(Latest {
                        what: key.to_owned(),
                        at: secs(at),
                    });
                }
            }
        }
    }
    Ok(best)
}

async fn trail_status(c: &Clients, trail: &str) -> Result<Option<TrailStatus>, String> {
    let got = c.cloudtrail.get_trail_status().name(trail).send().await;
    let s = match got {
        Ok(s) => s,
        Err(e)
            if e.as_service_error()
                .is_some_and(|e| e.is_trail_not_found_exception()) =>
        {
            return Ok(None);
        }
        Err(e) => return Err(failed("cloudtrail:GetTrailStatus", e)),
    };
    let text = |v: Option<&str>| v.filter(|v| !v.is_empty()).map(str::to_owned);
    Ok(Some(TrailStatus {
        is_logging: s.is_logging().unwrap_or(false),
        latest_delivery_time: s.latest_delivery_time().map(secs),
        latest_delivery_error: text(s.latest_delivery_error()),
        latest_digest_delivery_error: text(s.latest_digest_delivery_error()),
        latest_cloud_watch_logs_delivery_error: text(s.latest_cloud_watch_logs_delivery_error()),
        latest_notification_error: text(s.latest_notification_error()),
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
        profile: conn.profile.clone(),
        region: Some(region.to_owned()),
    };
    let c = Clients::connect(&there, home).await;
    let got = c
        .cloudtrail
        .describe_trails()
        .trail_name_list(trail)
        .include_shadow_trails(true)
        .send()
        .await
        .map_err(|e| failed("cloudtrail:DescribeTrails", e))?;
    let found = got.trail_list().iter().find(|t| t.name() == Some(trail));
    Ok(RegionView {
        region: region.to_owned(),
        listed: found.is_some(),
        multi_region: found
            .and_then(|t| t.is_multi_region_trail())
            .unwrap_or(false),
        home_region: found.and_then(|t| t.home_region()).map(str::to_owned),
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
    let got = match got {
        Ok(g) => g,
        Err(e)
            if e.as_service_error()
                .is_some_and(|e| e.is_resource_not_found_exception()) =>
        {
            return Ok(None);
        }
        Err(e) => return Err(failed("logs:DescribeLogStreams", e)),
    };
    Ok(got
        .log_streams()
        .iter()
        .filter(|s| s.log_stream_name() == Some(name.as_str()))
        .filter_map(|s| {
            let ms = s.last_event_timestamp().or(s.last_ingestion_time())?;
            Some(Latest {
                what: format!("{group}:{name}"),
                at: ms / 1000,
            })
        })
        .max_by_key(|l| l.at))
}

/// Everything the checks judge, for the spec's trail in `regions` (the
/// home region first).
pub async fn gather(
    conn: &Connection,
    spec: &Spec,
    regions: &[String],
    at: i64,
) -> Result<Evidence, String> {
    let home = spec.region.as_str();
    let trail = spec.trail.name.as_str();
    let c = Clients::connect(conn, home).await;
    let account = async {
        let me = c.sts.get_caller_identity().send().await;
        me.map_err(|e| failed("sts:GetCallerIdentity", e))
            .map(|m| m.account().unwrap_or_default().to_owned())
    }
    .shared();
    let others: Vec<&String> = regions.iter().filter(|r| *r != home).collect();
    let days = recent_days(at);
    let delivered = |kind: &'static str| {
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
                region: region.clone(),
                latest,
            })
        }
    }));
    let (account_id, status, views, log_files, digest_files, log_streams) = futures::join!(
        account.clone(),
        trail_status(&c, trail),
        join_all(others.iter().map(|r| view(conn, home, r, trail))),
        delivered("CloudTrail"),
        delivered("CloudTrail-Digest"),
        streams,
    );
    let all = |v: Vec<Result<Delivered, String>>| v.into_iter().collect::<Result<Vec<_>, _>>();
    Ok(Evidence {
        account_id: account_id?,
        home_region: home.to_owned(),
        at,
        status: status?,
        views: views.into_iter().collect::<Result<_, _>>()?,
        log_files: all(log_files)?,
        digest_files: all(digest_files)?,
        log_streams: all(log_streams)?,
    })
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
