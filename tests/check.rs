//! `ctrail check SPEC`: the CIS v3.0 CloudTrail and monitoring controls on
//! what the account will hold, each at the spec line that decides it.

mod support;

use std::collections::BTreeMap;

use serde_json::Value;
use support::{ctrail, scratch_file, stderr, stdout};

/// Control id -> (status, line) from `ctrail check --format json`.
fn verdicts(spec: &str) -> (i32, BTreeMap<String, (String, Option<u64>)>) {
    let out = ctrail(&["check", "--format", "json", spec]);
    let doc: Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}{}", stdout(&out), stderr(&out)));
    let map = doc["controls"]
        .as_array()
        .expect("controls")
        .iter()
        .map(|c| {
            (
                c["id"].as_str().expect("id").to_owned(),
                (
                    c["status"].as_str().expect("status").to_owned(),
                    c["line"].as_u64(),
                ),
            )
        })
        .collect();
    (out.status.code().unwrap_or(-1), map)
}

fn status_of<'a>(v: &'a BTreeMap<String, (String, Option<u64>)>, id: &str) -> &'a str {
    &v.get(id).unwrap_or_else(|| panic!("no control {id}")).0
}

/// The seed procedure's parameters as a spec: the logging controls pass
/// (multi-region, validation, KMS and its rotation, which ctrail keeps on,
/// S3 data events); every monitoring control fails (no filters); MFA Delete
/// is a person's job.
#[test]
fn the_seed_setup_fails_every_monitoring_control() {
    let (code, v) = verdicts("specs/security-audit-trail.yaml");
    assert_eq!(code, 1);
    for id in ["3.1", "3.2", "3.5", "3.6", "3.8", "3.9"] {
        assert_eq!(status_of(&v, id), "pass", "{id}: {v:?}");
    }
    for n in 1..=15 {
        assert_eq!(status_of(&v, &format!("4.{n}")), "fail", "4.{n}");
    }
    assert_eq!(status_of(&v, "2.1.2"), "manual");
}

/// `profile: cis`: every control an API can set passes; MFA Delete and the
/// controls of other services (AWS Config, VPC flow logs, Security Hub) are
/// manual steps.
#[test]
fn the_cis_profile_passes_every_control_it_can_set() {
    let (code, v) = verdicts("specs/cis.yaml");
    assert_eq!(code, 0, "nothing fails: {v:?}");
    let with = |status: &str| -> Vec<&String> {
        v.iter()
            .filter(|(_, s)| s.0 == status)
            .map(|(id, _)| id)
            .collect()
    };
    assert!(with("fail").is_empty(), "{v:?}");
    assert_eq!(with("manual"), ["2.1.2", "3.3", "3.7", "4.16"], "{v:?}");
    for id in ["3.3", "3.7", "4.16"] {
        assert!(v[id].1.is_none(), "{id} has no spec line: {v:?}");
    }
}

/// The monitoring example: every CIS filter with an alarm to a subscribed
/// topic passes, except Organizations, which the spec disables; the verdict
/// points at the line that decides it.
#[test]
fn the_monitoring_spec_passes_each_filter_it_keeps() {
    let (code, v) = verdicts("specs/security-monitoring.yaml");
    assert_eq!(code, 1);
    for n in 1..=14 {
        assert_eq!(status_of(&v, &format!("4.{n}")), "pass", "4.{n}: {v:?}");
    }
    assert_eq!(status_of(&v, "4.15"), "fail");
    let text = std::fs::read_to_string(support::root().join("specs/security-monitoring.yaml"))
        .expect("spec");
    let line_of = |needle: &str| {
        text.lines()
            .position(|l| l.trim_start().starts_with(needle))
            .map(|i| i as u64 + 1)
    };
    assert_eq!(
        v["4.2"].1,
        line_of("presets:"),
        "a preset filter is set by presets"
    );
    // The spec replaces the preset's UnauthorizedAPICalls with its own.
    assert_eq!(v["4.1"].1, line_of("metric_filters:"));
    assert_eq!(v["4.15"].1, line_of("monitoring:"));
}

/// A filter short of the benchmark's calls fails, naming what it lacks; an
/// alarm that notifies nobody fails; without a subscriber the topic does
/// not count.
#[test]
fn a_filter_short_of_terms_or_an_alarm_notifying_nobody_fails() {
    let path = scratch_file(
        "check-own",
        "own.yaml",
        r#"version: 1
region: us-east-1
trail: {name: audit-trail}
bucket: {name: audit-trail-logs}
monitoring:
  alert_topic: {name: alerts, emails: [secops@example.com]}
  metric_filters:
    - name: TrailChanges
      pattern: '{ ($.eventName = CreateTrail) || ($.eventName = UpdateTrail) || ($.eventName = DeleteTrail) }'
    - name: RootUse
      pattern: '{ $.userIdentity.type = "Root" && $.userIdentity.invokedBy NOT EXISTS && $.eventType != "AwsServiceEvent" }'
      alarm: false
"#,
    );
    let out = ctrail(&["check", &path]);
    assert_eq!(out.status.code(), Some(1));
    support::assert_contains(
        &stdout(&out),
        &[
            "FAIL   4.5    CloudTrail configuration changes are monitored",
            "filter TrailChanges lacks StartLogging, StopLogging",
            "FAIL   4.3    Usage of the root account is monitored",
            "filter RootUse: no alarm on its metric notifies anyone",
        ],
    );
    let (_, v) = verdicts(&path);
    assert_eq!(v["4.5"].1, Some(7), "at monitoring.metric_filters");
}

/// SARIF 2.1.0 for code scanning: one rule per control, a failed control
/// at level error at its spec line, a manual one at warning, passes as
/// kind pass; Markdown for a pull request.
#[test]
fn sarif_and_markdown_show_each_control_at_its_line() {
    let out = ctrail(&[
        "check",
        "--format",
        "sarif",
        "specs/security-monitoring.yaml",
    ]);
    let doc: Value = serde_json::from_slice(&out.stdout).expect("SARIF is JSON");
    assert_eq!(doc["version"], "2.1.0");
    let run = &doc["runs"][0];
    assert_eq!(run["tool"]["driver"]["name"], "ctrail");
    let results = run["results"].as_array().expect("results");
    assert_eq!(
        results.len(),
        run["tool"]["driver"]["rules"]
            .as_array()
            .map_or(0, Vec::len)
    );
    let by_rule = |id: &str| {
        results
            .iter()
            .find(|r| r["ruleId"] == id)
            .unwrap_or_else(|| panic!("{id}"))
    };
    let failed = by_rule("CIS-4.15");
    assert_eq!(failed["level"], "error");
    let loc = &failed["locations"][0]["physicalLocation"];
    assert_eq!(
        loc["artifactLocation"]["uri"],
        "specs/security-monitoring.yaml"
    );
    assert!(loc["region"]["startLine"].as_u64().is_some_and(|l| l > 1));
    assert_eq!(by_rule("CIS-2.1.2")["level"], "warning");
    assert_eq!(by_rule("CIS-4.1")["kind"], "pass");
    assert_eq!(by_rule("CIS-4.1")["level"], "none");

    let md = ctrail(&[
        "check",
        "--format",
        "markdown",
        "specs/security-monitoring.yaml",
    ]);
    support::assert_contains(
        &stdout(&md),
        &[
            "| | control | evidence | where |",
            "| **fail** | 4.15 AWS Organizations changes are monitored |",
            "`specs/security-monitoring.yaml:",
        ],
    );
}

/// `--live` judges the account as it is. The seed's CLI setup: the trail's
/// own settings pass, every monitoring control fails. Then ctrail's CIS
/// monitoring applied, a function subscribed to the alert topic, and
/// an Organizations filter and alarm someone made by hand (the spec disables
/// the preset's): every monitoring control passes, that one on the
/// unmanaged filter.
#[test]
fn live_judges_the_account_including_what_ctrail_does_not_manage() {
    let acct = support::account::Account::seeded("check-live");
    let live = |spec: &str| {
        let out = acct
            .em
            .ctrail(&["check", "--live", "--format", "json", spec]);
        let doc: Value = serde_json::from_slice(&out.stdout)
            .unwrap_or_else(|e| panic!("{e}: {}{}", stdout(&out), stderr(&out)));
        let by_id: BTreeMap<String, (String, String)> = doc["controls"]
            .as_array()
            .expect("controls")
            .iter()
            .map(|c| {
                (
                    c["id"].as_str().unwrap_or_default().to_owned(),
                    (
                        c["status"].as_str().unwrap_or_default().to_owned(),
                        c["evidence"].as_str().unwrap_or_default().to_owned(),
                    ),
                )
            })
            .collect();
        (out.status.code(), by_id)
    };
    let (code, v) = live(&acct.spec);
    assert_eq!(code, Some(1));
    for id in ["3.1", "3.2", "3.5"] {
        assert_eq!(v[id].0, "pass", "{id}: {v:#?}");
    }
    assert_eq!(v["3.4"].0, "fail", "no access logging on the seed's bucket");
    // Read live, MFA Delete is a verdict, not a manual step.
    assert_eq!(v["2.1.2"].0, "fail");
    for n in 1..=15 {
        assert_eq!(v[&format!("4.{n}")].0, "fail", "4.{n}: {v:#?}");
    }

    let monitored = std::fs::read_to_string(&acct.spec).expect("spec")
        + "monitoring:\n  presets: [cis]\n  disable: [OrganizationsChanges]\n  alert_topic: {name: cis-alerts, emails: [secops@example.com]}\n";
    let spec = support::scratch_file("check-live", "monitored.yaml", &monitored);
    let out = acct.em.ctrail(&["apply", "--auto-approve", &spec]);
    assert!(out.status.success(), "{}", stderr(&out));
    // The email is unconfirmed: alarms notify a topic nobody hears yet.
    let (_, v) = live(&spec);
    assert_eq!(v["4.1"].0, "fail");
    assert!(v["4.1"].1.contains("no subscriber"), "{:?}", v["4.1"]);

    // A pager function subscribed: confirmed on subscription (no email).
    let topic = "arn:aws:sns:us-east-1:123456789012:cis-alerts";
    acct.em.cli(
        "sns subscribe --topic-arn {} --protocol lambda --notification-endpoint {}",
        &[
            topic,
            "arn:aws:lambda:us-east-1:123456789012:function:pager",
        ],
    );
    let org_pattern = "{ ($.eventSource = organizations.amazonaws.com) && (($.eventName = AcceptHandshake) || ($.eventName = AttachPolicy) || ($.eventName = CancelHandshake) || ($.eventName = CreateAccount) || ($.eventName = CreateOrganization) || ($.eventName = CreateOrganizationalUnit) || ($.eventName = CreatePolicy) || ($.eventName = DeclineHandshake) || ($.eventName = DeleteOrganization) || ($.eventName = DeleteOrganizationalUnit) || ($.eventName = DeletePolicy) || ($.eventName = DetachPolicy) || ($.eventName = DisablePolicyType) || ($.eventName = EnableAllFeatures) || ($.eventName = EnablePolicyType) || ($.eventName = InviteAccountToOrganization) || ($.eventName = LeaveOrganization) || ($.eventName = MoveAccount) || ($.eventName = RemoveAccountFromOrganization) || ($.eventName = UpdateOrganizationalUnit) || ($.eventName = UpdatePolicy)) }";
    acct.em.cli(
        "logs put-metric-filter --log-group-name CloudTrail/SecurityLogs --filter-name HandMadeOrgChanges --filter-pattern {} --metric-transformations metricName=HandMadeOrgChanges,metricNamespace=Security,metricValue=1",
        &[org_pattern],
    );
    acct.em.cli(
        "cloudwatch put-metric-alarm --alarm-name HandMadeOrgChangesAlarm --metric-name HandMadeOrgChanges --namespace Security --statistic Sum --period 300 --evaluation-periods 1 --threshold 1 --comparison-operator GreaterThanOrEqualToThreshold --alarm-actions {}",
        &[topic],
    );
    let (_, v) = live(&spec);
    for n in 1..=15 {
        assert_eq!(v[&format!("4.{n}")].0, "pass", "4.{n}: {v:#?}");
    }
    assert!(
        v["4.15"].1.contains("HandMadeOrgChanges"),
        "{:?}",
        v["4.15"]
    );
}
