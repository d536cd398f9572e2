//! `ctrail verify` against the emulator, with the deliveries CloudTrail
//! would have made written by a fixture (the emulator delivers nothing).

mod support;

use serde_json::Value;
use support::account::{Account, BUCKET, LOG_GROUP, TRAIL};
use support::{assert_contains, root};

const ACCOUNT: &str = "123456789012";

fn text(o: &std::process::Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

/// Log files, digest files and log events for `regions` (`extra`:
/// `--remove` deletes the regions' log files instead).
fn deliver(acct: &Account, regions: &str, extra: &[&str]) {
    let script = root().join("tests/support/cloudtrail_fixture.py");
    let args = [
        &script.to_string_lossy(),
        "--bucket",
        BUCKET,
        "--account",
        ACCOUNT,
        "--trail",
        TRAIL,
        "--home",
        "us-east-1",
        "--regions",
        regions,
        "--log-group",
        LOG_GROUP,
    ];
    let args: Vec<&str> = args.iter().copied().chain(extra.iter().copied()).collect();
    let out = acct.em.run(&acct.em.venv.join("bin/python"), &args);
    assert!(out.status.success(), "fixture: {}", text(&out));
}

/// The line of check `id`, which must have failed.
fn failed<'a>(shown: &'a str, id: &str) -> &'a str {
    let line = shown.lines().find(|l| l.contains(id)).unwrap_or_default();
    assert!(
        line.starts_with(&format!("  fail    {id}")),
        "{id}:\n{shown}"
    );
    line
}

fn verify(acct: &Account, extra: &[&str]) -> (Option<i32>, String) {
    let mut args = vec!["verify", &acct.spec, "--regions", "us-west-2,eu-west-1"];
    args.extend_from_slice(extra);
    let out = acct.em.ctrail(&args);
    (out.status.code(), text(&out))
}

#[test]
fn verify_passes_on_deliveries_and_a_missing_region_is_pending_then_failed() {
    let acct = Account::empty("verify");
    let out = acct.apply(&[]);
    assert!(out.status.success(), "{}", text(&out));

    // Nothing delivered yet: every delivery pending, nothing failed; with
    // --generate, fresh read events are made in the other regions first,
    // and the output says how to look again.
    let (code, shown) = verify(&acct, &["--generate"]);
    assert_eq!(code, Some(2), "{shown}");
    let later = [
        "generated read events in us-west-2, eu-west-1",
        "Re-check later: ctrail verify ",
        "filter awsRegion != \"us-east-1\"",
    ];
    assert_contains(&shown, &later);
    assert!(shown.contains("pass    trail-logging"), "{shown}");
    assert!(shown.contains("pass    multi-region/eu-west-1"), "{shown}");
    assert!(shown.contains("pending log-files/us-east-1"), "{shown}");

    deliver(&acct, "us-east-1,us-west-2,eu-west-1", &[]);
    let (code, shown) = verify(&acct, &[]);
    assert_eq!(code, Some(0), "{shown}");
    for region in ["us-east-1", "us-west-2", "eu-west-1"] {
        for kind in ["log-files", "digest-files", "cloudwatch-logs"] {
            assert!(
                shown.contains(&format!("pass    {kind}/{region}")),
                "{kind}/{region}:\n{shown}"
            );
        }
    }
    assert!(
        shown.contains(&format!("AWSLogs/{ACCOUNT}/CloudTrail/eu-west-1/")),
        "{shown}"
    );
    assert!(shown.contains("Verdict: pass."), "{shown}");

    // One region's log files gone: that region is pending; under --wait,
    // once the wait runs out, it fails.
    deliver(&acct, "eu-west-1", &["--remove"]);
    let (code, shown) = verify(&acct, &[]);
    assert_eq!(code, Some(2), "{shown}");
    let pending: Vec<&str> = shown.lines().filter(|l| l.contains("pending ")).collect();
    assert_eq!(pending.len(), 1, "{shown}");
    assert!(pending[0].contains("log-files/eu-west-1"), "{shown}");

    let (code, shown) = verify(&acct, &["--wait", "2s"]);
    assert_eq!(code, Some(1), "{shown}");
    assert!(shown.contains("fail    log-files/eu-west-1"), "{shown}");
    assert!(shown.contains("still missing after --wait 2s"), "{shown}");

    let (code, shown) = verify(&acct, &["--format", "json"]);
    assert_eq!(code, Some(2));
    let doc: Value = serde_json::from_str(shown.lines().next().unwrap_or_default()).expect("json");
    assert_eq!(doc["verdict"], "pending");
    assert_eq!(doc["trail"], TRAIL);

    // The bucket policy's write statement removed by hand: the grant check
    // fails, judged by the policy evaluator on the live document.
    let policy = acct.em.cli(
        "s3api get-bucket-policy --bucket {} --query Policy --output text",
        &[BUCKET],
    );
    let mut policy: Value = serde_json::from_str(&policy).expect("policy");
    let statements = policy["Statement"].as_array_mut().expect("statements");
    let writes = |s: &Value| s["Action"] == "s3:PutObject" && s["Effect"] == "Allow";
    let removed = statements
        .iter()
        .find(|s| writes(s))
        .map(|s| s["Sid"].clone());
    statements.retain(|s| !writes(s));
    assert!(removed.is_some(), "{policy}");
    let text = policy.to_string();
    acct.em.cli(
        "s3api put-bucket-policy --bucket {} --policy {}",
        &[BUCKET, &text],
    );
    let (code, shown) = verify(&acct, &[]);
    assert_eq!(code, Some(1), "{shown}");
    let line = failed(&shown, "grants/bucket-policy");
    assert!(
        line.contains("cloudtrail.amazonaws.com s3:PutObject"),
        "{line}"
    );
    assert!(
        line.contains("InsufficientS3BucketPolicyException"),
        "{line}"
    );
    let role = shown
        .lines()
        .find(|l| l.contains("grants/role"))
        .unwrap_or_default();
    assert!(role.starts_with("  pass"), "{shown}");
    // A grant names the statement that gives it.
    assert!(
        role.contains("logs:PutLogEvents by statement \"AWSCloudTrailPutLogEvents\""),
        "{role}"
    );

    // Logging stopped by hand: a failure, whatever was delivered.
    acct.em.cli("cloudtrail stop-logging --name {}", &[TRAIL]);
    let (code, shown) = verify(&acct, &[]);
    assert_eq!(code, Some(1), "{shown}");
    assert!(shown.contains("fail    trail-logging"), "{shown}");
}

/// A private emulator with `specs/security-monitoring.yaml` applied: its
/// scratch folder and the spec's path.
fn monitored(name: &str) -> (support::emulator::Emulator, std::path::PathBuf, String) {
    let em = support::emulator::Emulator::start();
    let dir = support::scratch(name);
    let spec = dir.join("security-monitoring.yaml");
    std::fs::copy(root().join("specs/security-monitoring.yaml"), &spec).expect("copy spec");
    let spec = spec.to_string_lossy().into_owned();
    let out = em.ctrail(&["apply", "--auto-approve", &spec]);
    assert!(out.status.success(), "{}", text(&out));
    (em, dir, spec)
}

/// The CIS preset's filters tested on their sample events: all match as
/// applied; a pattern changed by hand to one that validates but matches
/// nothing (a misspelt event name) fails, naming the sample event.
#[test]
fn a_filter_pattern_that_matches_nothing_fails_verify_naming_its_sample_event() {
    let (em, _, spec) = monitored("verify-filters");

    let verify = |em: &support::emulator::Emulator| {
        let out = em.ctrail(&["verify", &spec, "--regions", "us-west-2"]);
        (out.status.code(), text(&out))
    };
    // Nothing delivered (pending), but every filter matches its event.
    let (code, shown) = verify(&em);
    assert_eq!(code, Some(2), "{shown}");
    let filters: Vec<&str> = shown
        .lines()
        .filter(|l| l.contains("metric-filter/"))
        .collect();
    assert_eq!(filters.len(), 15, "{shown}");
    assert!(filters.iter().all(|l| l.starts_with("  pass")), "{shown}");
    // The alert topic's one subscription is an email nobody confirmed yet:
    // every alarm is unheard until then.
    let topic = shown
        .lines()
        .find(|l| l.contains("alarm-topic/"))
        .unwrap_or_default();
    assert!(
        topic.starts_with("  pending alarm-topic/cloudtrail-security-alerts"),
        "{shown}"
    );
    assert!(
        topic.contains("security-team@example.com must confirm"),
        "{topic}"
    );

    let group = "CloudTrail/SecurityLogs";
    em.cli(
        "logs put-metric-filter --log-group-name {} --filter-name CloudTrailConfigChanges --filter-pattern {} --metric-transformations metricName=CloudTrailConfigChanges,metricNamespace=CloudTrailMetrics,metricValue=1",
        &[group, "{ ($.eventName = PutEventSelector) || ($.eventName = DeleteTrail) }"],
    );
    let (code, shown) = verify(&em);
    assert_eq!(code, Some(1), "{shown}");
    let line = failed(&shown, "metric-filter/CloudTrailConfigChanges");
    assert!(
        line.contains("PutEventSelectors") && line.contains("never fire"),
        "{line}"
    );
}

/// `ctrail report` from the live account holds every item of seed 000 step
/// 9's list, in Markdown, in one self-contained HTML page, and as JSON.
#[test]
fn the_report_holds_every_item_of_the_seeds_step_9() {
    let (em, dir, spec) = monitored("verify-report");

    let out = em.ctrail(&["report", &spec, "--regions", "us-west-2,eu-west-1"]);
    assert!(out.status.success(), "{}", text(&out));
    let report = String::from_utf8_lossy(&out.stdout).into_owned();
    let seed_items = [
        // Trail configuration summary, with KMS (this spec has none) and tags
        "## Trail configuration",
        "arn:aws:cloudtrail:us-east-1:123456789012:trail/security-audit-trail",
        "| KMS encryption (key) | not set |",
        "Environment=prod",
        // S3 bucket and CloudWatch setup details
        "## S3 bucket",
        "arn:aws:s3:::my-org-cloudtrail-logs-2024",
        "## CloudWatch Logs",
        "arn:aws:logs:us-east-1:123456789012:log-group:CloudTrail/SecurityLogs",
        // IAM roles and permissions
        "## IAM role and permissions",
        "arn:aws:iam::123456789012:role/CloudTrail-CloudWatchLogs-Role-security-audit-trail",
        "logs:PutLogEvents",
        // Monitoring and alerting
        "## Monitoring and alerting",
        "Alarm RootAccountUsageAlarm",
        "Alert topic arn:aws:sns:us-east-1:123456789012:cloudtrail-security-alerts",
        // Sample queries, usage and syntax
        "## Sample analysis queries",
        "### CloudTrail/FailedAPICallsByUser",
        "### CloudTrail/RootAccountActivity",
        "### CloudTrail/ResourceDeletions",
        "### CloudTrail/SecurityGroupChanges",
        "### CloudTrail/IAMPolicyChanges",
        "ctrail query SPEC NAME",
        "Syntax:",
        "Customise:",
        // Cost implications and optimisation
        "## Cost implications and optimisation",
        "https://aws.amazon.com/cloudtrail/pricing/",
        // Cross-region verification results
        "## Verification results (every region)",
        "multi-region/eu-west-1",
        "log-files/us-west-2",
        // Maintenance, troubleshooting, security practice
        "## Maintenance and troubleshooting",
        "## Security best practices",
        "Generated 20",
        // Policies and event selectors one row per statement or selector
        "**Bucket policy**",
        "| Sid | Effect | Principal | Action | Resource | Condition |",
        "**Trust policy**",
        "| Service: cloudtrail.amazonaws.com | sts:AssumeRole |",
        "**Permissions policy (inline)**",
        "**Event selectors**",
        "| Read/write events | Management events |",
    ];
    assert_contains(&report, &seed_items);

    let page = dir.join("report.html");
    let page_arg = page.to_string_lossy().into_owned();
    let out = em.ctrail(&["report", &spec, "--format", "html", "--out", &page_arg]);
    assert!(out.status.success(), "{}", text(&out));
    let html = std::fs::read_to_string(&page).expect("report.html");
    assert!(html.starts_with("<!DOCTYPE html>"), "{html}");
    assert!(
        !html.contains("<script") && !html.contains("<link"),
        "self-contained"
    );
    assert_contains(
        &html,
        &[
            "<h2>Trail configuration</h2>",
            "<h2>Security best practices</h2>",
        ],
    );
    // As a browser builds the page: the bucket policy is a table with a
    // header row and one body row per statement of the live policy, each
    // cell as the policy has it.
    let live_policy = em.cli(
        "s3api get-bucket-policy --bucket {} --query Policy --output text",
        &[BUCKET],
    );
    let live_policy: Value = serde_json::from_str(&live_policy).expect("the bucket policy");
    let statements = live_policy["Statement"].as_array().expect("statements");
    assert!(statements.len() >= 2, "{live_policy}");
    let table = support::browser::evaluate(
        &page,
        "const table = [...document.querySelectorAll('table.document')]
             .find(t => t.caption && t.caption.textContent === 'Bucket policy');
         if (!table) return null;
         const text = row => [...row.cells].map(c => c.innerText);
         return {head: [...table.tHead.rows].map(text), body: [...table.tBodies[0].rows].map(text),
                 rows: table.rows.length};",
    );
    assert_eq!(
        table["head"],
        serde_json::json!([[
            "Sid",
            "Effect",
            "Principal",
            "Action",
            "Resource",
            "Condition"
        ]]),
        "{table}"
    );
    let body = table["body"].as_array().expect("body rows");
    assert_eq!(body.len(), statements.len(), "{table}");
    assert_eq!(table["rows"], serde_json::json!(statements.len() + 1));
    for (row, statement) in body.iter().zip(statements) {
        assert_eq!(row[0], statement["Sid"], "{table}");
        assert_eq!(row[1], statement["Effect"], "{table}");
        // One action a line (ctrail reads string lists sorted).
        let mut actions: Vec<&str> = row[3].as_str().unwrap_or_default().lines().collect();
        let mut written = match &statement["Action"] {
            Value::Array(a) => a.iter().filter_map(Value::as_str).collect(),
            one => vec![one.as_str().unwrap_or_default()],
        };
        actions.sort_unstable();
        written.sort_unstable();
        assert_eq!(actions, written, "{table}");
    }

    let out = em.ctrail(&["report", &spec, "--format", "json"]);
    let doc: Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(doc["sections"].as_array().map(Vec::len), Some(10));

    // Values the report can only have read from the account, changed by
    // hand away from the spec: the trail stopped (its latest delivery time
    // then stays as GetTrailStatus last gave it), a key on the log group
    // (the spec names none) and another retention than the spec's 365 days.
    let key = em.create_kms_key();
    em.cli(
        "kms put-key-policy --key-id {} --policy-name default --policy {}",
        &[&key, LOGS_KEY_POLICY],
    );
    let key_arn = em.cli(
        "kms describe-key --key-id {} --query KeyMetadata.Arn --output text",
        &[&key],
    );
    em.cli(
        "logs associate-kms-key --log-group-name {} --kms-key-id {}",
        &[LOG_GROUP, &key_arn],
    );
    em.cli(
        "logs put-retention-policy --log-group-name {} --retention-in-days 30",
        &[LOG_GROUP],
    );
    em.cli("cloudtrail stop-logging --name {}", &[TRAIL]);
    let delivered = em.cli(
        "cloudtrail get-trail-status --name {} --query LatestDeliveryTime --output text",
        &[TRAIL],
    );
    // The AWS CLI (version 1) writes the time as the wire has it, seconds
    // since the epoch; the report writes it as RFC 3339 in UTC.
    let delivered = match delivered.parse::<f64>() {
        Ok(secs) => aws_sdk_s3::primitives::DateTime::from_secs(secs as i64)
            .fmt(aws_sdk_s3::primitives::DateTimeFormat::DateTime)
            .expect("a time"),
        Err(_) => panic!("LatestDeliveryTime: {delivered:?}"),
    };
    // A report that wrote its own clock's time would now show another.
    std::thread::sleep(std::time::Duration::from_millis(1100));
    let out = em.ctrail(&["report", &spec, "--regions", "us-west-2,eu-west-1"]);
    assert!(out.status.success(), "{}", text(&out));
    let report = String::from_utf8_lossy(&out.stdout).into_owned();
    assert_contains(
        &report,
        &[
            "| Logging | OFF |",
            &format!("| Latest delivery | {delivered} |"),
            &format!("| KMS encryption (key) | {key_arn} |"),
            "| Retention (days) | 30 |",
        ],
    );
}

/// A key policy that lets CloudWatch Logs use the key for this account's
/// log groups (the account's root keeps every right).
const LOGS_KEY_POLICY: &str = r#"{"Version":"2012-10-17","Statement":[{"Sid":"Root","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:root"},"Action":"kms:*","Resource":"*"},{"Sid":"Logs","Effect":"Allow","Principal":{"Service":"logs.us-east-1.amazonaws.com"},"Action":["kms:Encrypt*","kms:Decrypt*","kms:ReEncrypt*","kms:GenerateDataKey*","kms:Describe*"],"Resource":"*","Condition":{"ArnLike":{"kms:EncryptionContext:aws:logs:arn":"arn:aws:logs:us-east-1:123456789012:log-group:*"}}}]}"#;
