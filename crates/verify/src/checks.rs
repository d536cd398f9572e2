//! The checks, pure: what the spec expects against the evidence, each pass,
//! pending or fail, with what was seen.

use serde::Serialize;

use crate::evidence::{Delivered, Evidence};

/// How a check came out. The order is the severity: the overall verdict is
/// the worst check's.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Pass,
    /// Not yet: CloudTrail delivers log files within about 5-15 minutes of
    /// an event (hours for an opt-in region), so a missing delivery is
    /// pending until `--wait` runs out.
    Pending,
    Fail,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Pass => "pass",
            Status::Pending => "pending",
            Status::Fail => "fail",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Check {
    /// `trail-logging`, `log-files/eu-west-1`, ...
    pub id: String,
    pub status: Status,
    /// What was seen, with the times and names that prove it.
    pub evidence: String,
}

/// What the spec asks of the trail, for the checks.
#[derive(Debug, Clone, PartialEq)]
pub struct Expect {
    pub trail: String,
    pub multi_region: bool,
    pub log_file_validation: bool,
    pub cloudwatch_logs: bool,
    /// Every region verified, the home region first.
    pub regions: Vec<String>,
}

impl Expect {
    pub fn of(spec: &ctrail_spec::Spec, others: &[String]) -> Expect {
        let mut regions = vec![spec.region.clone()];
        regions.extend(others.iter().filter(|r| **r != spec.region).cloned());
        Expect {
            trail: spec.trail.name.clone(),
            multi_region: spec.trail.multi_region,
            log_file_validation: spec.trail.log_file_validation,
            cloudwatch_logs: spec.cloudwatch_logs.is_some(),
            regions,
        }
    }
}

fn check(id: impl Into<String>, status: Status, evidence: impl Into<String>) -> Check {
    Check {
        id: id.into(),
        status,
        evidence: evidence.into(),
    }
}

/// A time as RFC 3339.
pub fn when(at: i64) -> String {
    aws_smithy_types::DateTime::from_secs(at)
        .fmt(aws_smithy_types::date_time::Format::DateTime)
        .unwrap_or_else(|_| at.to_string())
}

/// Every check, in a fixed order.
pub fn checks(expect: &Expect, ev: &Evidence) -> Vec<Check> {
    let mut out = Vec::new();
    let Some(status) = &ev.status else {
        out.push(check(
            "trail-exists",
            Status::Fail,
            format!(
                "trail {} not found in {} (run ctrail apply)",
                expect.trail, ev.home_region
            ),
        ));
        return out;
    };
    out.push(if status.is_logging {
        check("trail-logging", Status::Pass, "IsLogging: true")
    } else {
        check(
            "trail-logging",
            Status::Fail,
            "IsLogging: false: the trail records nothing (StartLogging)",
        )
    });
    let errors = [
        ("LatestDeliveryError", &status.latest_delivery_error),
        (
            "LatestDigestDeliveryError",
            &status.latest_digest_delivery_error,
        ),
        (
            "LatestCloudWatchLogsDeliveryError",
            &status.latest_cloud_watch_logs_delivery_error,
        ),
        ("LatestNotificationError", &status.latest_notification_error),
    ];
    let failed: Vec<String> = errors
        .iter()
        .filter_map(|(name, e)| {
            e.as_ref()
                .filter(|e| !e.is_empty())
                .map(|e| format!("{name}: {e}"))
        })
        .collect();
    out.push(if failed.is_empty() {
        let last = status.latest_delivery_time.map(when);
        let seen = last.map_or("no delivery reported yet".into(), |t| {
            format!("latest delivery {t}")
        });
        check(
            "trail-delivery-errors",
            Status::Pass,
            format!("no delivery error; {seen}"),
        )
    } else {
        check("trail-delivery-errors", Status::Fail, failed.join("; "))
    });
    if expect.multi_region {
        for v in &ev.views {
            let id = format!("multi-region/{}", v.region);
            out.push(match (v.listed, v.multi_region, v.home_region.as_deref()) {
                (true, true, Some(h)) if h == ev.home_region => check(
                    id,
                    Status::Pass,
                    format!("DescribeTrails in {} lists it, multi-region, home {h}", v.region),
                ),
                (true, multi, home) => check(
                    id,
                    Status::Fail,
                    format!(
                        "DescribeTrails in {} lists it with IsMultiRegionTrail {multi}, home region {}",
                        v.region,
                        home.unwrap_or("unknown")
                    ),
                ),
                (false, _, _) => check(
                    id,
                    Status::Fail,
                    format!("DescribeTrails in {} does not list the trail: that region is not recorded", v.region),
                ),
            });
        }
    }
    deliveries(&mut out, "log-files", "log file", &ev.log_files);
    if expect.log_file_validation {
        deliveries(&mut out, "digest-files", "digest file", &ev.digest_files);
    }
    if expect.cloudwatch_logs {
        deliveries(
            &mut out,
            "cloudwatch-logs",
            "event in log stream",
            &ev.log_streams,
        );
    }
    out
}

fn deliveries(out: &mut Vec<Check>, kind: &str, what: &str, seen: &[Delivered]) {
    for d in seen {
        let id = format!("{kind}/{}", d.region);
        out.push(match &d.latest {
            Some(l) => check(id, Status::Pass, format!("newest {what}: {} at {}", l.what, when(l.at))),
            None => check(
                id,
                Status::Pending,
                format!(
                    "no {what} for {} yet: CloudTrail delivers within about 5-15 minutes of an event; run ctrail verify again, or with --wait 20m",
                    d.region
                ),
            ),
        });
    }
}

/// The verdict of all checks: the worst.
pub fn overall(checks: &[Check]) -> Status {
    checks
        .iter()
        .map(|c| c.status)
        .max()
        .unwrap_or(Status::Pass)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::evidence::{Latest, RegionView, TrailStatus};

    fn expect() -> Expect {
        Expect {
            trail: "t".into(),
            multi_region: true,
            log_file_validation: true,
            cloudwatch_logs: true,
            regions: vec!["us-east-1".into(), "us-west-2".into()],
        }
    }

    fn delivered(region: &str, latest: bool) -> Delivered {
        Delivered {
            region: region.into(),
            latest: latest.then(|| Latest {
                what: format!("AWSLogs/1/CloudTrail/{region}/f.json.gz"),
                at: 1_764_151_200,
            }),
        }
    }

    fn evidence(other_region_files: bool) -> Evidence {
        Evidence {
            account_id: "1".into(),
            home_region: "us-east-1".into(),
            at: 1_764_151_300,
            status: Some(TrailStatus {
                is_logging: true,
                ..TrailStatus::default()
            }),
            views: vec![RegionView {
                region: "us-west-2".into(),
                listed: true,
                multi_region: true,
                home_region: Some("us-east-1".into()),
            }],
            log_files: vec![
                delivered("us-east-1", true),
                delivered("us-west-2", other_region_files),
            ],
            digest_files: vec![delivered("us-east-1", true), delivered("us-west-2", true)],
            log_streams: vec![delivered("us-east-1", true), delivered("us-west-2", true)],
        }
    }

    #[test]
    fn everything_delivered_passes() {
        let all = checks(&expect(), &evidence(true));
        assert_eq!(overall(&all), Status::Pass, "{all:#?}");
        assert_eq!(all.len(), 2 + 1 + 2 * 3);
    }

    #[test]
    fn a_region_without_files_is_pending_not_failed() {
        let all = checks(&expect(), &evidence(false));
        assert_eq!(overall(&all), Status::Pending);
        let pending: Vec<&str> = all
            .iter()
            .filter(|c| c.status == Status::Pending)
            .map(|c| c.id.as_str())
            .collect();
        assert_eq!(pending, ["log-files/us-west-2"]);
    }

    #[test]
    fn stopped_logging_a_delivery_error_or_an_unrecorded_region_fails() {
        let mut ev = evidence(true);
        ev.status = Some(TrailStatus {
            is_logging: false,
            latest_delivery_error: Some("AccessDenied".into()),
            ..TrailStatus::default()
        });
        ev.views[0].listed = false;
        let failed: Vec<String> = checks(&expect(), &ev)
            .into_iter()
            .filter(|c| c.status == Status::Fail)
            .map(|c| format!("{}: {}", c.id, c.evidence))
            .collect();
        assert_eq!(failed.len(), 3, "{failed:#?}");
        assert!(failed[1].contains("LatestDeliveryError: AccessDenied"));
        assert!(failed[2].starts_with("multi-region/us-west-2"));
    }

    #[test]
    fn no_trail_is_one_failure() {
        let mut ev = evidence(true);
        ev.status = None;
        let all = checks(&expect(), &ev);
        assert_eq!(all.len(), 1);
        assert_eq!(all[0].status, Status::Fail);
    }
}
