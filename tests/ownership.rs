//! Adopt and retire, against the emulator: what ctrail owns (its tag, its
//! ledger) and nothing else is ever deleted; a spec dropping monitoring
//! deletes the filters and alarms ctrail made, not one added by hand;
//! `ctrail import` of the seed procedure's setup plans no setting change;
//! `ctrail destroy` keeps the bucket and its log files unless told, the full
//! teardown removes everything, and a second destroy is a no-op;
//! `prevent_destroy` turns a delete into an error.

mod support;

use serde_json::Value;
use support::account::{Account, BUCKET, LOG_GROUP, ROLE, TRAIL, changed};
use support::emulator::Emulator;
use support::{assert_contains, assert_stderr, assert_stdout, root, scratch, text};

fn lines(s: &str) -> Vec<String> {
    let mut v: Vec<String> = s.split_whitespace().map(str::to_owned).collect();
    v.sort();
    v
}

/// `specs/security-monitoring.yaml` for a fresh emulator, and the same spec
/// without its monitoring section.
fn monitoring_specs(name: &str) -> (Emulator, String, String) {
    let em = Emulator::start();
    let dir = scratch(name);
    let full =
        std::fs::read_to_string(root().join("specs/security-monitoring.yaml")).expect("spec");
    let cut = &full[..full.find("\nmonitoring:").expect("monitoring section")];
    let (with, without) = (dir.join("with.yaml"), dir.join("without.yaml"));
    std::fs::write(&with, &full).expect("write");
    std::fs::write(&without, format!("{cut}\n")).expect("write");
    let s = |p: std::path::PathBuf| p.to_string_lossy().into_owned();
    (em, s(with), s(without))
}

#[test]
fn dropping_monitoring_deletes_only_what_ctrail_made() {
    let (em, with, without) = monitoring_specs("own-prune");
    em.apply(&with);
    let ours = lines(&em.cli(
        "logs describe-metric-filters --log-group-name {} --query metricFilters[].filterName --output text",
        &[LOG_GROUP],
    ));
    assert_eq!(ours.len(), 15, "{ours:?}");
    // The alert topic and its email subscription are there to be pruned.
    assert_eq!(alert_topics(&em), vec![ALERT_TOPIC]);
    assert_eq!(
        alert_subscriptions(&em),
        vec!["email security-team@example.com"]
    );
    // Someone adds a filter and an alarm of their own on the same log group.
    em.cli(
        "logs put-metric-filter --log-group-name {} --filter-name HandMade --filter-pattern {} --metric-transformations metricName=HandMade,metricNamespace=Mine,metricValue=1",
        &[LOG_GROUP, "{ $.eventName = \"DeleteTrail\" }"],
    );
    em.cli(
        "cloudwatch put-metric-alarm --alarm-name HandMadeAlarm --metric-name HandMade --namespace Mine --statistic Sum --period 300 --evaluation-periods 1 --threshold 1 --comparison-operator GreaterThanOrEqualToThreshold",
        &[],
    );
    em.cli(
        "logs put-query-definition --name HandMadeQuery --log-group-names {} --query-string {}",
        &[LOG_GROUP, "fields @timestamp"],
    );
    let theirs = serde_json::json!(["metric_filter.HandMade", "query_definition.HandMadeQuery"]);
    // With the monitoring section still there, the plan names them and leaves them.
    let (code, plan) = em.plan_json(&with);
    assert_eq!(code, 0, "{plan:#}");
    assert_eq!(plan["left_alone"], theirs);

    let (code, plan) = em.plan_json(&without);
    assert_eq!(code, 2, "{plan:#}");
    let deleted: Vec<String> = changed(&plan)
        .into_keys()
        .filter(|a| a.starts_with("metric_filter.") || a.starts_with("metric_alarm."))
        .collect();
    assert_eq!(
        deleted.len(),
        30,
        "15 filters and their 15 alarms: {deleted:?}"
    );
    assert!(
        plan["actions"]
            .as_array()
            .expect("actions")
            .iter()
            .filter(|a| a["kind"] != "no_op")
            .all(|a| a["kind"] == "delete")
    );
    assert!(
        !deleted.iter().any(|a| a.contains("HandMade")),
        "{deleted:?}"
    );
    assert_eq!(plan["left_alone"], theirs);
    let out = em.ctrail(&["plan", &without]);
    assert!(
        String::from_utf8_lossy(&out.stdout)
            .contains("metric_filter.HandMade: not managed by ctrail, left alone"),
        "{}",
        text(&out)
    );

    em.apply(&without);
    let left = em.cli(
        "logs describe-metric-filters --log-group-name {} --query metricFilters[].filterName --output text",
        &[LOG_GROUP],
    );
    assert_eq!(lines(&left), vec!["HandMade"]);
    let alarms = em.cli(
        "cloudwatch describe-alarms --query MetricAlarms[].AlarmName --output text",
        &[],
    );
    assert_eq!(lines(&alarms), vec!["HandMadeAlarm"]);
    let queries = em.cli(
        "logs describe-query-definitions --query queryDefinitions[].name --output text",
        &[],
    );
    assert_eq!(lines(&queries), vec!["HandMadeQuery"]);
    // The alert topic went with the section, and with it its subscription.
    assert_eq!(alert_topics(&em), Vec::<String>::new());
    assert_eq!(alert_subscriptions(&em), Vec::<String>::new());
    let (code, plan) = em.plan_json(&without);
    assert_eq!(code, 0, "{plan:#}");
}

/// `BUCKET`'s policy, public access block (its four switches) and default
/// encryption rules, read back with the AWS CLI; each read must succeed, so
/// a setting deleted reads as the CLI's error.
fn bucket_settings(em: &Emulator) -> [String; 3] {
    [
        em.cli(
            "s3api get-bucket-policy --bucket {} --query Policy --output text",
            &[BUCKET],
        ),
        em.cli(
            "s3api get-public-access-block --bucket {} --query PublicAccessBlockConfiguration.[BlockPublicAcls,IgnorePublicAcls,BlockPublicPolicy,RestrictPublicBuckets] --output text",
            &[BUCKET],
        ),
        em.cli(
            "s3api get-bucket-encryption --bucket {} --query ServerSideEncryptionConfiguration.Rules --output json",
            &[BUCKET],
        ),
    ]
}

/// The alert topic of `specs/security-monitoring.yaml`.
const ALERT_TOPIC: &str = "cloudtrail-security-alerts";

/// The names of the account's SNS topics called `ALERT_TOPIC`, read back
/// with the AWS CLI (ListTopics gives ARNs; the name is the ARN's last part).
fn alert_topics(em: &Emulator) -> Vec<String> {
    lines(&em.cli(
        "sns list-topics --query Topics[].TopicArn --output text",
        &[],
    ))
    .into_iter()
    .filter_map(|arn| arn.rsplit(':').next().map(str::to_owned))
    .filter(|name| name == ALERT_TOPIC)
    .collect()
}

/// "protocol endpoint" of every subscription in the account to a topic
/// called `ALERT_TOPIC`, pending confirmation or not (ListSubscriptions).
fn alert_subscriptions(em: &Emulator) -> Vec<String> {
    let listed = em.cli("sns list-subscriptions --output json", &[]);
    let doc: Value = serde_json::from_str(&listed).expect("ListSubscriptions JSON");
    let mut subs: Vec<String> = doc["Subscriptions"]
        .as_array()
        .expect("Subscriptions")
        .iter()
        .filter(|s| {
            s["TopicArn"]
                .as_str()
                .is_some_and(|a| a.ends_with(&format!(":{ALERT_TOPIC}")))
        })
        .map(|s| {
            format!(
                "{} {}",
                s["Protocol"].as_str().unwrap_or("?"),
                s["Endpoint"].as_str().unwrap_or("?")
            )
        })
        .collect();
    subs.sort();
    subs
}

#[test]
fn prevent_destroy_turns_a_delete_into_an_error() {
    let (em, with, without) = monitoring_specs("own-prevent");
    em.apply(&with);
    let protected =
        std::fs::read_to_string(&without).expect("spec") + "prevent_destroy: [metric_filter.*]\n";
    std::fs::write(&without, protected).expect("write");
    let out = em.ctrail(&["plan", &without]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("metric_filter.AWSConfigChanges would be deleted, but prevent_destroy lists it (\"metric_filter.*\")"),
        "{err}"
    );
    let out = em.ctrail(&["apply", "--auto-approve", &without]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(String::from_utf8_lossy(&out.stderr).contains("nothing was applied"));
    let filters = em.cli(
        "logs describe-metric-filters --log-group-name {} --query metricFilters[].filterName --output text",
        &[LOG_GROUP],
    );
    assert_eq!(lines(&filters).len(), 15, "nothing was deleted");
    // An entry naming no kind is a spec error with its line.
    let bad = std::fs::read_to_string(&with).expect("spec") + "prevent_destroy: [buckets.*]\n";
    std::fs::write(&with, bad).expect("write");
    let out = em.ctrail(&["validate", &with]);
    assert_stderr(
        &out,
        1,
        "\"buckets.*\" names no resource kind ctrail manages",
    );
}

#[test]
fn import_of_the_seed_setup_plans_no_setting_change_then_adopts_it() {
    let acct = Account::seeded("own-import");
    let (out_arg, imported) = acct.em.import(TRAIL, acct.dir());
    // Only what differs from ctrail's defaults is written, each with why.
    assert_contains(
        &imported,
        &[
            "data_events: true",
            "public_access_block: false",
            "bucket_key: false",
            "manage_kms_key_policy: false",
            "kms_key_rotation: false",
            "encrypted: false",
            "  policy:\n",
            "  role_policy:\n",
            &format!("log_group: \"{LOG_GROUP}\""),
        ],
    );
    // The seed's lifecycle rule covers the whole bucket (no prefix), ctrail's
    // only the log files: import keeps the rule as found.
    support::assert_contains(
        &imported,
        &["lifecycle:", "- \"id\": \"CloudTrailLogLifecycle\""],
    );
    for default in [
        "retention_days",
        "versioning",
        "insights",
        "role_name",
        "multi_region",
    ] {
        assert!(
            !imported.contains(&format!("{default}:")),
            "{default} is ctrail's default:\n{imported}"
        );
    }
    assert!(
        imported.contains("# found: this bucket policy."),
        "{imported}"
    );
    let out = acct.em.ctrail(&["validate", &out_arg]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));

    // The plan changes no setting: it adopts what the seed made.
    let (code, plan) = acct.em.plan_json(&out_arg);
    assert_eq!(code, 2, "{plan:#}");
    let summary = &plan["summary"];
    assert_eq!(
        (
            &summary["add"],
            &summary["change"],
            &summary["replace"],
            &summary["destroy"]
        ),
        (
            &Value::from(0),
            &Value::from(0),
            &Value::from(0),
            &Value::from(0)
        ),
        "{plan:#}"
    );
    assert_eq!(summary["adopt"], 4, "{plan:#}");
    let adopted: Vec<String> = changed(&plan).into_keys().collect();
    assert_eq!(
        adopted,
        vec![
            format!("iam_role.{ROLE}"),
            format!("log_group.{LOG_GROUP}"),
            format!("s3_bucket.{BUCKET}"),
            format!("trail.{TRAIL}"),
        ]
    );
    let out = acct.em.ctrail(&["apply", "--auto-approve", &out_arg]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    // Adopting tagged each resource as ctrail's; the plan is now empty.
    let tag = acct.em.cli(
        "iam list-role-tags --role-name {} --query Tags[?Key=='ctrail:managed-by'].Value --output text",
        &[ROLE],
    );
    assert_eq!(tag.trim(), TRAIL);
    let (code, plan) = acct.em.plan_json(&out_arg);
    assert_eq!(code, 0, "{plan:#}");
}

#[test]
fn destroy_keeps_the_log_data_unless_told_and_a_second_destroy_is_a_no_op() {
    let (em, with, _) = monitoring_specs("own-destroy");
    em.apply(&with);
    let log_key = "AWSLogs/123456789012/CloudTrail/us-east-1/2026/11/26/x.json.gz";
    let file = scratch("own-destroy").join("x.json.gz");
    std::fs::write(&file, b"\x1f\x8b").expect("write");
    em.cli(
        "s3api put-object --bucket {} --key {} --body {}",
        &[BUCKET, log_key, &file.to_string_lossy()],
    );

    // What the kept bucket holds besides its log files, as applied.
    let settings = bucket_settings(&em);
    assert!(
        settings[0].contains("cloudtrail.amazonaws.com"),
        "{settings:?}"
    );
    assert_eq!(
        settings[1], "True\tTrue\tTrue\tTrue",
        "public access block: {settings:?}"
    );
    assert!(
        settings[2].contains("SSEAlgorithm"),
        "encryption: {settings:?}"
    );

    // By default: everything but the bucket (and its log file) and the log group.
    let out = em.ctrail(&["destroy", "--auto-approve", &with]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let shown = String::from_utf8_lossy(&out.stdout);
    assert!(
        shown.contains(&format!("kept: s3_bucket.{BUCKET}: holds audit logs")),
        "{shown}"
    );
    assert!(
        shown.contains("Verified: a second destroy finds nothing to delete."),
        "{shown}"
    );
    let (gone, _) = em.cli_result("cloudtrail get-trail --name {}", &[TRAIL]);
    assert!(!gone, "the trail is deleted");
    let (role, _) = em.cli_result("iam get-role --role-name {}", &[ROLE]);
    assert!(!role, "the role is deleted");
    let alarms = em.cli(
        "cloudwatch describe-alarms --query MetricAlarms[].AlarmName --output text",
        &[],
    );
    assert_eq!(alarms.trim(), "");
    let (kept, _) = em.cli_result("s3api head-object --bucket {} --key {}", &[BUCKET, log_key]);
    assert!(kept, "the log file is kept");
    let groups = em.cli(
        "logs describe-log-groups --query logGroups[].logGroupName --output text",
        &[],
    );
    assert_eq!(groups.trim(), LOG_GROUP);
    // The kept log group's filters, the saved queries and the alert topic
    // went with the trail.
    let filters = em.cli(
        "logs describe-metric-filters --log-group-name {} --query metricFilters[].filterName --output text",
        &[LOG_GROUP],
    );
    assert_eq!(filters.trim(), "");
    let queries = em.cli(
        "logs describe-query-definitions --query queryDefinitions[].name --output text",
        &[],
    );
    assert_eq!(queries.trim(), "");
    assert_eq!(alert_topics(&em), Vec::<String>::new());
    assert_eq!(alert_subscriptions(&em), Vec::<String>::new());
    // The kept bucket keeps its policy, public access block and encryption.
    assert_eq!(bucket_settings(&em), settings);

    // A second destroy changes nothing.
    em.reset_counts();
    let out = em.ctrail(&["destroy", "--auto-approve", &with]);
    assert_stdout(&out, 0, "Nothing to destroy");
    assert!(em.writes().is_empty(), "{:?}", em.writes());

    // The full teardown: the spec allows it, the run is told, the name typed.
    let allowed = std::fs::read_to_string(&with)
        .expect("spec")
        .replace(
            &format!("  name: {BUCKET}\n"),
            &format!("  name: {BUCKET}\n  allow_destroy: true\n"),
        )
        .replace(
            "  retention_days: 365\n",
            "  retention_days: 365\n  allow_destroy: true\n",
        );
    std::fs::write(&with, allowed).expect("write");
    let out = em.ctrail(&["destroy", "--auto-approve", &with]);
    assert_stderr(&out, 1, "--delete-log-data");
    let out = em.ctrail(&["destroy", "--auto-approve", "--delete-log-data", &with]);
    assert_stderr(
        &out,
        1,
        &format!("--confirm-bucket {BUCKET}; nothing was deleted"),
    );
    let (kept, _) = em.cli_result("s3api head-object --bucket {} --key {}", &[BUCKET, log_key]);
    assert!(kept, "still kept");
    em.destroy_with_log_data(&with, BUCKET);
    let buckets = em.cli(
        "s3api list-buckets --query Buckets[].Name --output text",
        &[],
    );
    assert_eq!(buckets.trim(), "");
    let groups = em.cli(
        "logs describe-log-groups --query logGroups[].logGroupName --output text",
        &[],
    );
    assert_eq!(groups.trim(), "");
    let out = em.ctrail(&["destroy", "--auto-approve", "--delete-log-data", &with]);
    assert_stdout(&out, 0, "Nothing to destroy");
}

#[test]
fn destroy_leaves_alone_what_ctrail_does_not_own() {
    // The seed procedure's setup, never applied by ctrail: nothing is its.
    let acct = Account::seeded("own-destroy-foreign");
    acct.em.reset_counts();
    let out = acct.em.ctrail(&["destroy", "--auto-approve", &acct.spec]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let shown = String::from_utf8_lossy(&out.stdout);
    assert!(
        shown.contains(&format!("trail.{TRAIL}: not managed by ctrail, left alone")),
        "{shown}"
    );
    assert!(acct.em.writes().is_empty(), "{:?}", acct.em.writes());
}

#[test]
fn import_brings_the_filters_alarms_topic_and_queries_on_the_log_group() {
    let (em, with, _) = monitoring_specs("own-import-monitoring");
    em.apply(&with);
    em.cli(
        "logs put-metric-filter --log-group-name {} --filter-name HandMade --filter-pattern {} --metric-transformations metricName=HandMade,metricNamespace=Mine,metricValue=1",
        &[LOG_GROUP, "{ $.eventName = \"DeleteTrail\" }"],
    );
    em.cli(
        "cloudwatch put-metric-alarm --alarm-name HandMadeAlarm --metric-name HandMade --namespace Mine --statistic Sum --period 60 --evaluation-periods 1 --threshold 2 --comparison-operator GreaterThanOrEqualToThreshold",
        &[],
    );
    let (out_arg, imported) = em.import(TRAIL, &scratch("own-import-monitoring"));
    assert_contains(
        &imported,
        &[
            "  alert_topic:\n",
            "\"security-team@example.com\"",
            "\"name\": \"cloudtrail-security-alerts\"",
            "\"name\": \"HandMade\"",
            "\"threshold\": 2.0",
            "\"name\": \"CloudTrail/AccessDeniedByRole\"",
            "\"description\": \"The break-glass role was assumed\"",
        ],
    );
    // Everything ctrail made is as found; what was made by hand is adopted.
    let (code, plan) = em.plan_json(&out_arg);
    assert_eq!(code, 2, "{plan:#}");
    let changed: Vec<(String, Vec<String>)> = changed(&plan).into_iter().collect();
    assert_eq!(
        changed,
        vec![
            ("metric_alarm.HandMadeAlarm".to_owned(), vec![]),
            ("metric_filter.HandMade".to_owned(), vec![]),
        ],
        "{plan:#}"
    );
    assert_eq!(plan["summary"]["adopt"], 2);
    em.apply(&out_arg);
    let (code, plan) = em.plan_json(&out_arg);
    assert_eq!(code, 0, "{plan:#}");
}

#[test]
fn import_of_the_cis_setup_keeps_access_logging_and_plans_no_change() {
    let em = Emulator::start();
    let dir = scratch("own-import-cis");
    let spec = dir.join("cis.yaml").to_string_lossy().into_owned();
    std::fs::copy(root().join("specs/cis.yaml"), &spec).expect("copy spec");
    em.apply(&spec);
    // Everything was ctrail's already: nothing to adopt, nothing to change.
    em.import_plans_no_change(
        "cis-audit-trail",
        &dir,
        &[
            "  access_logging:\n    \"create\": false\n    \"target_bucket\": \"example-org-cis-cloudtrail-access-logs\"\n",
            "  alert_topic:\n",
            "  event_selectors:\n",
        ],
    );
}
