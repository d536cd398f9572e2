//! The checks, pure: what the spec expects against the evidence, each pass,
//! pending or fail, with what was seen.

use serde::Serialize;

use crate::evidence::{AlarmTopic, Delivered, Delivery, Evidence, FilterTest, RegionView};

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
    pub kms_key: bool,
    pub sns_topic: bool,
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
            kms_key: spec.kms.is_some(),
            sns_topic: spec.trail.sns_topic.is_some(),
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
                expect.trail, ev.read.home_region
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
    let failed: Vec<String> = status
        .errors
        .iter()
        .map(|(name, e)| format!("{name}: {e}"))
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
        out.extend(
            ev.views
                .iter()
                .map(|v| multi_region(v, &ev.read.home_region)),
        );
    }
    let wanted = |d: &&Delivered| match d.kind {
        Delivery::LogFile => true,
        Delivery::DigestFile => expect.log_file_validation,
        Delivery::LogEvent => expect.cloudwatch_logs,
    };
    out.extend(ev.deliveries.iter().filter(wanted).map(delivery));
    out.extend(grants(expect, &ev.refused, &ev.granted));
    out.extend(ev.filters.iter().map(filter));
    out.extend(ev.alarm_topics.iter().map(alarm_topic));
    out
}

/// A topic alarms notify: someone must have confirmed a subscription, or
/// every alarm on it goes unheard.
fn alarm_topic(t: &AlarmTopic) -> Check {
    let name = ctrail_model::arn::last_part(&t.topic_arn);
    let id = format!("alarm-topic/{name}");
    let alarms = t.alarms.join(", ");
    let Some(subs) = &t.subscriptions else {
        return check(
            id,
            Status::Fail,
            format!(
                "{} does not exist: alarms {alarms} notify nothing",
                t.topic_arn
            ),
        );
    };
    let confirmed: Vec<&str> = subs
        .iter()
        .filter(|(_, c)| *c)
        .map(|(e, _)| e.as_str())
        .collect();
    let waiting: Vec<&str> = subs
        .iter()
        .filter(|(_, c)| !*c)
        .map(|(e, _)| e.as_str())
        .collect();
    if !confirmed.is_empty() {
        let heard = format!("{} alarm(s) reach {}", t.alarms.len(), confirmed.join(", "));
        return check(id, Status::Pass, heard);
    }
    if !waiting.is_empty() {
        let why = format!(
            "no confirmed subscription: {} must confirm the email SNS sent (alarms {alarms} are unheard until then)",
            waiting.join(", ")
        );
        return check(id, Status::Pending, why);
    }
    check(
        id,
        Status::Fail,
        format!("no subscription: alarms {alarms} notify no one"),
    )
}

/// A metric filter against the CloudTrail event it exists for.
fn filter(t: &FilterTest) -> Check {
    let id = format!("metric-filter/{}", t.name);
    let event = t.sample_event.to_string();
    match (&t.pattern, t.matched) {
        (None, _) => check(id, Status::Fail, "not in the log group (run ctrail apply)"),
        (Some(_), true) => check(
            id,
            Status::Pass,
            format!("matches its sample event {event}"),
        ),
        (Some(p), false) => check(
            id,
            Status::Fail,
            format!(
                "the pattern {p} does not match its sample event {event}: its alarm would never fire"
            ),
        ),
    }
}

/// The documents whose grants CloudTrail (and CloudWatch, for alarms)
/// relies on: a check each, failed by every refusal found in it.
fn grants(
    expect: &Expect,
    refused: &[ctrail_model::Finding],
    granted: &[ctrail_model::Grant],
) -> Vec<Check> {
    // (check, the documents it covers, what passes in words, expected)
    let groups = [
        (
            "grants/bucket-policy",
            "bucket policy",
            "bucket policy grants",
            true,
        ),
        (
            "grants/key-policy",
            "key policy",
            "key policy grants",
            expect.kms_key,
        ),
        (
            "grants/role",
            "policy of role",
            "role's trust and permissions policies grant",
            expect.cloudwatch_logs,
        ),
        (
            "grants/topic-policy",
            "topic policy",
            "topic policy grants",
            expect.sns_topic,
        ),
    ];
    let mut out = Vec::new();
    let mut judged = vec![false; refused.len()];
    for (id, document, words, expected) in groups {
        let found: Vec<String> = refused
            .iter()
            .enumerate()
            .filter(|(_, f)| f.document.contains(document))
            .map(|(i, f)| {
                judged[i] = true;
                refusal(f)
            })
            .collect();
        if !found.is_empty() {
            out.push(check(id, Status::Fail, found.join("; ")));
        } else if expected {
            // Each grant once, with the statement that gives it.
            let by: std::collections::BTreeSet<String> = granted
                .iter()
                .filter(|g| g.document.contains(document))
                .map(|g| format!("{} {} by {}", g.principal, g.action, g.statement))
                .collect();
            let by: Vec<String> = by.into_iter().collect();
            let what = format!("the live {words} what CloudTrail needs: {}", by.join("; "));
            out.push(check(id, Status::Pass, what));
        }
    }
    for (f, _) in refused.iter().zip(judged).filter(|(_, j)| !j) {
        let id = format!("grants/{}", f.document);
        out.push(check(id, Status::Fail, refusal(f)));
    }
    out
}

/// A grant the live documents refuse, and what AWS answers for it.
fn refusal(f: &ctrail_model::Finding) -> String {
    let answer = match &f.exception {
        Some(e) => format!("{} answers {e}", f.operation),
        None => format!("{} is dropped", f.operation),
    };
    format!("{} ({answer})", f.refused())
}

/// How another region sees a multi-region trail.
fn multi_region(v: &RegionView, home: &str) -> Check {
    let id = format!("multi-region/{}", v.region);
    let Some(seen) = &v.seen else {
        let why = format!(
            "DescribeTrails in {} does not list the trail: that region is not recorded",
            v.region
        );
        return check(id, Status::Fail, why);
    };
    let seen_home = seen.home_region.as_deref().unwrap_or("unknown");
    let what = format!(
        "DescribeTrails in {} lists it with IsMultiRegionTrail {}, home region {seen_home}",
        v.region, seen.multi_region
    );
    let ok = seen.multi_region && seen_home == home;
    check(id, if ok { Status::Pass } else { Status::Fail }, what)
}

/// One region's newest delivery of one kind: there is pass, missing is
/// pending.
fn delivery(d: &Delivered) -> Check {
    let (kind, what) = d.kind.names();
    let id = format!("{kind}/{}", d.region);
    match &d.latest {
        Some((name, at)) => check(
            id,
            Status::Pass,
            format!("newest {what}: {name} at {}", when(*at)),
        ),
        None => check(
            id,
            Status::Pending,
            format!(
                "no {what} for {} yet: CloudTrail delivers within about 5-15 minutes of an event; run ctrail verify again, or with --wait 20m",
                d.region
            ),
        ),
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
    use crate::evidence::{Reading, Seen, TrailStatus};

    fn expect() -> Expect {
        Expect {
            trail: "t".into(),
            multi_region: true,
            log_file_validation: true,
            cloudwatch_logs: true,
            kms_key: false,
            sns_topic: false,
            regions: vec!["us-east-1".into(), "us-west-2".into()],
        }
    }

    /// Every kind delivered in both regions, but log files in us-west-2
    /// unless `west_files`.
    fn evidence(west_files: bool) -> Evidence {
        let kinds = [Delivery::LogFile, Delivery::DigestFile, Delivery::LogEvent];
        let deliveries = kinds
            .into_iter()
            .flat_map(|kind| {
                ["us-east-1", "us-west-2"].map(|region| Delivered {
                    kind,
                    region: region.into(),
                    latest: (west_files || kind != Delivery::LogFile || region == "us-east-1")
                        .then(|| (format!("AWSLogs/1/{region}/f.json.gz"), 1_764_151_200)),
                })
            })
            .collect();
        let seen = Seen {
            multi_region: true,
            home_region: Some("us-east-1".into()),
        };
        Evidence {
            read: Reading {
                account_id: "1".into(),
                home_region: "us-east-1".into(),
                at: 1_764_151_300,
            },
            status: Some(TrailStatus {
                is_logging: true,
                ..TrailStatus::default()
            }),
            views: vec![RegionView {
                region: "us-west-2".into(),
                seen: Some(seen),
            }],
            deliveries,
            refused: Vec::new(),
            granted: Vec::new(),
            filters: Vec::new(),
            alarm_topics: Vec::new(),
        }
    }

    #[test]
    fn everything_delivered_passes() {
        let all = checks(&expect(), &evidence(true));
        assert_eq!(overall(&all), Status::Pass, "{all:#?}");
        // logging, errors, one other region, 3 kinds x 2 regions, 2 grants
        assert_eq!(all.len(), 2 + 1 + 2 * 3 + 2);
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
            latest_delivery_time: None,
            errors: vec![("LatestDeliveryError".into(), "AccessDenied".into())],
        });
        ev.views[0].seen = None;
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
    fn a_refused_grant_fails_its_document_naming_the_statement() {
        let mut ev = evidence(true);
        ev.refused = vec![ctrail_model::Finding {
            resource: "arn:aws:s3:::b/AWSLogs/1/*".into(),
            reason: "explicitly denied by statement \"NoWrites\"".into(),
            ..ctrail_model::Finding::example()
        }];
        let all = checks(&expect(), &ev);
        let bucket = all
            .iter()
            .find(|c| c.id == "grants/bucket-policy")
            .expect("check");
        assert_eq!(bucket.status, Status::Fail);
        assert!(bucket.evidence.contains("NoWrites"), "{}", bucket.evidence);
        let role = all.iter().find(|c| c.id == "grants/role").expect("check");
        assert_eq!(role.status, Status::Pass);
    }

    #[test]
    fn an_alarm_topic_needs_a_confirmed_subscription() {
        let topic = |subs: Option<Vec<(String, bool)>>| AlarmTopic {
            topic_arn: "arn:aws:sns:us-east-1:1:alerts".into(),
            alarms: vec!["RootAccountUsageAlarm".into()],
            subscriptions: subs,
        };
        let email = |confirmed| ("email secops@example.com".to_owned(), confirmed);
        let verdict = |t| alarm_topic(&t).status;
        assert_eq!(verdict(topic(Some(vec![email(true)]))), Status::Pass);
        assert_eq!(verdict(topic(Some(vec![email(false)]))), Status::Pending);
        assert_eq!(verdict(topic(Some(Vec::new()))), Status::Fail);
        assert_eq!(verdict(topic(None)), Status::Fail);
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
