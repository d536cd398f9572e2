//! Security monitoring against the emulator: the CIS preset, alarms, the
//! alert topic and saved queries applied and converged; drifts on a filter
//! pattern, an alarm threshold and a deleted saved query each reported
//! exactly; `ctrail query` running a saved query over CloudTrail-shaped events.

mod support;

use std::collections::BTreeMap;
use std::time::{SystemTime, UNIX_EPOCH};

use serde_json::{Value, json};
use support::account::changed;
use support::emulator::Emulator;
use support::{root, scratch, text};

const LOG_GROUP: &str = "CloudTrail/SecurityLogs";

/// A private emulator and `specs/security-monitoring.yaml` copied for it.
fn setup(name: &str) -> (Emulator, String) {
    let em = Emulator::start();
    let dir = scratch(name);
    let spec = dir.join("security-monitoring.yaml");
    std::fs::copy(root().join("specs/security-monitoring.yaml"), &spec).expect("copy spec");
    (em, spec.to_string_lossy().into_owned())
}

fn json_of(s: &str) -> Value {
    serde_json::from_str(s).unwrap_or_else(|e| panic!("not JSON ({e}): {s}"))
}

/// Checks a drift is reported as exactly `address` with `paths` changed (or
/// created, when `paths` is None) in the JSON plan, the text plan and drift.
fn assert_drift(em: &Emulator, spec: &str, address: &str, kind: &str, paths: &[&str]) {
    let (code, plan) = em.plan_json(spec);
    assert_eq!(code, 2, "{address}: plan exit {code}: {plan:#}");
    let want: BTreeMap<String, Vec<String>> = [(
        address.to_owned(),
        paths.iter().map(|p| (*p).to_owned()).collect(),
    )]
    .into_iter()
    .collect();
    let mut got = changed(&plan);
    if kind == "create" {
        // A create lists every desired attribute; the address is what counts.
        for v in got.values_mut() {
            v.clear();
        }
    }
    assert_eq!(got, want, "{address}: {plan:#}");
    let action = plan["actions"]
        .as_array()
        .and_then(|a| a.iter().find(|a| a["address"] == address))
        .expect("the action");
    assert_eq!(action["kind"], kind, "{action:#}");

    let out = em.ctrail(&["plan", "--detailed-exitcode", spec]);
    let t = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    let summary = if kind == "create" {
        "Plan: 1 to add, 0 to change, 0 to replace, 0 to destroy."
    } else {
        "Plan: 0 to add, 1 to change, 0 to replace, 0 to destroy."
    };
    assert!(t.contains(summary), "{t}");
    assert!(t.contains(address), "{t}");
    for p in paths {
        assert!(
            t.contains(&format!(" {p}:")),
            "text plan does not show {p}:\n{t}"
        );
    }

    let out = em.ctrail(&["plan", "--detailed-exitcode", "--format", "markdown", spec]);
    let md = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert_eq!(md.matches("<details>").count(), 1, "{md}");
    assert!(md.contains(address), "{md}");

    let out = em.ctrail(&["drift", spec]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    let drifts: Vec<Value> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(json_of)
        .filter(|l| l["type"] == "drift")
        .collect();
    assert_eq!(drifts.len(), 1, "{drifts:?}");
    assert_eq!(drifts[0]["address"], address);
}

#[test]
fn the_cis_preset_applies_converges_and_each_drift_is_reported_exactly() {
    let (em, spec) = setup("cis");
    let out = em.ctrail(&["validate", &spec]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));

    em.apply(&spec);
    let out = em.ctrail(&["plan", "--detailed-exitcode", &spec]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let t = String::from_utf8_lossy(&out.stdout);
    assert!(t.contains("No changes."), "{t}");
    // The email subscription waits for its owner: said, not diffed.
    assert!(
        t.contains("sns_subscription.cloudtrail-security-alerts/security-team@example.com"),
        "{t}"
    );

    // One wave of reads: 60 resources, no operation called twice (all the
    // filters in one DescribeMetricFilters, the alarms in one DescribeAlarms).
    em.reset_counts();
    let out = em.ctrail(&["plan", "--detailed-exitcode", &spec]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let counts = em.counts();
    assert!(counts.values().all(|n| *n == 1), "{counts:?}");
    for op in [
        "logs:DescribeMetricFilters",
        "monitoring:DescribeAlarms",
        "logs:DescribeQueryDefinitions",
        "sns:ListSubscriptionsByTopic",
    ] {
        assert_eq!(counts.get(op), Some(&1), "{op}: {counts:?}");
    }

    // What the account holds, read with the AWS CLI.
    let filters = json_of(&em.cli(
        "logs describe-metric-filters --log-group-name {}",
        &[LOG_GROUP],
    ));
    let filters = filters["metricFilters"].as_array().expect("filters");
    let mut names: Vec<&str> = filters
        .iter()
        .filter_map(|f| f["filterName"].as_str())
        .collect();
    names.sort_unstable();
    assert_eq!(
        names,
        [
            "AWSConfigChanges",
            "BreakGlassRoleUsed",
            "CMKDisabledOrScheduledForDeletion",
            "CloudTrailConfigChanges",
            "ConsoleAuthenticationFailures",
            "ConsoleSignInWithoutMFA",
            "IAMPolicyChanges",
            "NetworkACLChanges",
            "NetworkGatewayChanges",
            "RootAccountUsage",
            "RouteTableChanges",
            "S3BucketPolicyChanges",
            "SecurityGroupChanges",
            "UnauthorizedAPICalls",
            "VPCChanges",
        ],
        "OrganizationsChanges is disabled, BreakGlassRoleUsed added"
    );
    let root_filter = filters
        .iter()
        .find(|f| f["filterName"] == "RootAccountUsage")
        .expect("root filter");
    assert_eq!(
        root_filter["filterPattern"],
        "{ $.userIdentity.type = \"Root\" && $.userIdentity.invokedBy NOT EXISTS && $.eventType != \"AwsServiceEvent\" }"
    );
    assert_eq!(
        root_filter["metricTransformations"][0]["metricNamespace"],
        "CloudTrailMetrics"
    );

    let alarms = json_of(&em.aws(&["cloudwatch", "describe-alarms"]));
    let alarms = alarms["MetricAlarms"].as_array().expect("alarms");
    assert_eq!(alarms.len(), 15);
    let topic = "arn:aws:sns:us-east-1:123456789012:cloudtrail-security-alerts";
    for a in alarms {
        assert_eq!(a["AlarmActions"], json!([topic]), "{a:#}");
        assert_eq!(a["Namespace"], "CloudTrailMetrics");
    }
    let unauthorized = alarms
        .iter()
        .find(|a| a["AlarmName"] == "UnauthorizedAPICallsAlarm")
        .expect("alarm");
    assert_eq!(
        unauthorized["Threshold"], 10.0,
        "the spec overrides the preset's 5"
    );
    assert_eq!(
        unauthorized["ComparisonOperator"],
        "GreaterThanOrEqualToThreshold"
    );

    let queries = json_of(&em.aws(&["logs", "describe-query-definitions"]));
    let queries = queries["queryDefinitions"].as_array().expect("queries");
    assert_eq!(queries.len(), 10, "nine preset queries and the spec's own");

    let subs = json_of(&em.aws(&["sns", "list-subscriptions-by-topic", "--topic-arn", topic]));
    assert_eq!(
        subs["Subscriptions"][0]["Endpoint"],
        "security-team@example.com"
    );

    // Drift 1: a filter pattern changed by hand.
    em.cli("logs put-metric-filter --log-group-name {} --filter-name ConsoleSignInWithoutMFA --filter-pattern {} --metric-transformations metricName=ConsoleSignInWithoutMFA,metricNamespace=CloudTrailMetrics,metricValue=1", &[LOG_GROUP, "{ $.eventName = \"ConsoleLogin\" }"]);
    assert_drift(
        &em,
        &spec,
        "metric_filter.ConsoleSignInWithoutMFA",
        "update",
        &["filter_pattern"],
    );
    em.apply(&spec);

    // Drift 2: an alarm threshold raised by hand.
    em.cli("cloudwatch put-metric-alarm --alarm-name RootAccountUsageAlarm --alarm-description {} --metric-name RootAccountUsage --namespace CloudTrailMetrics --statistic Sum --period 300 --evaluation-periods 1 --threshold 100 --comparison-operator GreaterThanOrEqualToThreshold --treat-missing-data notBreaching --alarm-actions {}", &["Usage of the root account (CIS v3.0 4.3)", topic]);
    assert_drift(
        &em,
        &spec,
        "metric_alarm.RootAccountUsageAlarm",
        "update",
        &["threshold"],
    );
    em.apply(&spec);

    // Drift 3: a saved query deleted by hand.
    let id = em.cli("logs describe-query-definitions --query-definition-name-prefix CloudTrail/RootAccountActivity --query queryDefinitions[0].queryDefinitionId --output text", &[]);
    em.cli(
        "logs delete-query-definition --query-definition-id {}",
        &[&id],
    );
    assert_drift(
        &em,
        &spec,
        "query_definition.CloudTrail/RootAccountActivity",
        "create",
        &[],
    );
    em.apply(&spec);

    let (code, plan) = em.plan_json(&spec);
    assert_eq!(code, 0, "{plan:#}");
    let queries = json_of(&em.aws(&["logs", "describe-query-definitions"]));
    assert_eq!(
        queries["queryDefinitions"].as_array().map(Vec::len),
        Some(10),
        "re-created once, not duplicated"
    );
}

/// Seconds since the epoch, rounded down to the minute.
fn minute_now() -> i64 {
    let s = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .expect("clock")
        .as_secs();
    i64::try_from(s - s % 60).expect("fits")
}

fn event(ms: i64, name: &str, user: Value, error: Option<&str>, ip: &str) -> Value {
    let mut doc = json!({
        "eventVersion": "1.09",
        "userIdentity": user,
        "eventTime": "2026-11-25T10:00:00Z",
        "eventSource": format!("{}.amazonaws.com", if name.contains("Bucket") { "s3" } else if name == "ConsoleLogin" { "signin" } else { "iam" }),
        "eventName": name,
        "awsRegion": "us-east-1",
        "sourceIPAddress": ip,
        "userAgent": "aws-cli/2.15.0",
        "eventType": if name == "ConsoleLogin" { "AwsConsoleSignIn" } else { "AwsApiCall" },
    });
    if let Some(e) = error {
        doc["errorCode"] = json!(e);
        doc["errorMessage"] = json!("User is not authorized to perform this operation");
    }
    json!({ "timestamp": ms, "message": doc.to_string() })
}

fn iam_user(name: &str) -> Value {
    json!({ "type": "IAMUser", "userName": name, "arn": format!("arn:aws:iam::123456789012:user/{name}") })
}

#[test]
fn ctrail_query_runs_a_saved_query_over_cloudtrail_events_in_every_format() {
    let (em, spec) = setup("query");
    em.aws(&["logs", "create-log-group", "--log-group-name", LOG_GROUP]);
    em.cli("logs create-log-stream --log-group-name {} --log-stream-name 123456789012_CloudTrail_us-east-1", &[LOG_GROUP]);
    let base = minute_now() - 600;
    let ms = |s: i64| (base + s) * 1000;
    let root_user = json!({ "type": "Root", "arn": "arn:aws:iam::123456789012:root" });
    let events = json!([
        event(
            ms(0),
            "DeleteBucket",
            iam_user("alice"),
            Some("AccessDenied"),
            "203.0.113.5"
        ),
        event(
            ms(10),
            "PutBucketPolicy",
            iam_user("bob"),
            Some("AccessDenied"),
            "203.0.113.9"
        ),
        event(
            ms(20),
            "DeleteBucket",
            iam_user("alice"),
            Some("AccessDenied"),
            "203.0.113.5"
        ),
        event(ms(30), "ListUsers", iam_user("alice"), None, "203.0.113.5"),
        event(ms(40), "ConsoleLogin", root_user, None, "198.51.100.7"),
        event(ms(50), "CreateUser", iam_user("carol"), None, "10.0.0.12"),
        event(
            ms(60),
            "PutBucketPolicy",
            iam_user("alice"),
            Some("AccessDenied"),
            "203.0.113.5"
        ),
    ]);
    em.cli("logs put-log-events --log-group-name {} --log-stream-name 123456789012_CloudTrail_us-east-1 --log-events {}", &[LOG_GROUP, &events.to_string()]);
    let (start, end) = ((base - 60).to_string(), (base + 3600).to_string());
    let run = |name: &str, format: &str| {
        em.ctrail(&[
            "query", &spec, name, "--start", &start, "--end", &end, "--format", format,
        ])
    };

    // Failed calls by user: only the errors, counted and sorted.
    let out = run("CloudTrail/FailedAPICallsByUser", "json");
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("not saved in the account yet"),
        "{}",
        text(&out)
    );
    assert!(
        err.contains("3 row(s); 4 of 7 record(s) matched"),
        "{}",
        text(&out)
    );
    let rows = json_of(&String::from_utf8_lossy(&out.stdout));
    let mut rows: Vec<Value> = rows.as_array().expect("rows").clone();
    assert_eq!(
        rows[0],
        json!({"userIdentity.userName": "alice", "errorCode": "AccessDenied", "eventName": "DeleteBucket", "failures": "2"})
    );
    rows[1..].sort_by_key(|r| {
        r["userIdentity.userName"]
            .as_str()
            .unwrap_or_default()
            .to_owned()
    });
    assert_eq!(
        rows[1..],
        [
            json!({"userIdentity.userName": "alice", "errorCode": "AccessDenied", "eventName": "PutBucketPolicy", "failures": "1"}),
            json!({"userIdentity.userName": "bob", "errorCode": "AccessDenied", "eventName": "PutBucketPolicy", "failures": "1"}),
        ]
    );

    // Top callers as CSV: every event counted by caller ARN, most first.
    let out = run("CloudTrail/TopAPICallers", "csv");
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let csv = String::from_utf8_lossy(&out.stdout);
    let lines: Vec<&str> = csv.split("\r\n").collect();
    assert_eq!(lines[0], "userIdentity.arn,calls");
    assert_eq!(lines[1], "arn:aws:iam::123456789012:user/alice,4");
    let mut rest = lines[2..5].to_vec();
    rest.sort_unstable();
    assert_eq!(
        rest,
        [
            "arn:aws:iam::123456789012:root,1",
            "arn:aws:iam::123456789012:user/bob,1",
            "arn:aws:iam::123456789012:user/carol,1",
        ]
    );
    assert_eq!(lines[5], "", "{csv}");

    // Root activity as a table: the one root event, with its time.
    let out = run("CloudTrail/RootAccountActivity", "table");
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let table = String::from_utf8_lossy(&out.stdout);
    let when = aws_smithy_types::DateTime::from_secs(base + 40)
        .fmt(aws_smithy_types::date_time::Format::DateTime)
        .expect("format")
        .replace('T', " ")
        .replace('Z', ".000");
    let lines: Vec<&str> = table.lines().collect();
    assert_eq!(lines.len(), 4, "{table}");
    assert!(lines[0].starts_with("@timestamp"), "{table}");
    for column in ["sourceIPAddress", "eventName", "userAgent", "awsRegion"] {
        assert!(lines[0].contains(column), "{table}");
    }
    assert!(lines[1].starts_with("----------"), "{table}");
    assert!(lines[2].starts_with(&when), "{when} in {table}");
    assert!(
        lines[2].contains("ConsoleLogin") && lines[2].contains("198.51.100.7"),
        "{table}"
    );
    assert_eq!(lines[3], "(1 row)");

    // --limit; a range with no events; an unknown name; the list.
    let out = em.ctrail(&[
        "query",
        &spec,
        "CloudTrail/ResourceDeletions",
        "--start",
        &start,
        "--end",
        &end,
        "--format",
        "json",
        "--limit",
        "1",
    ]);
    let rows = json_of(&String::from_utf8_lossy(&out.stdout));
    assert_eq!(rows.as_array().map(Vec::len), Some(1), "{}", text(&out));
    assert_eq!(rows[0]["eventName"], "DeleteBucket");
    let out = em.ctrail(&[
        "query",
        &spec,
        "CloudTrail/ResourceDeletions",
        "--start",
        "1000",
        "--end",
        "2000",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert_eq!(String::from_utf8_lossy(&out.stdout), "(0 rows)\n");
    let out = em.ctrail(&["query", &spec, "CloudTrail/Nope"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("no query named \"CloudTrail/Nope\""),
        "{}",
        text(&out)
    );
    let out = em.ctrail(&[
        "query",
        &spec,
        "CloudTrail/ResourceDeletions",
        "--since",
        "soon",
    ]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("--since takes a duration"),
        "{}",
        text(&out)
    );

    let out = em.ctrail(&["query", "--list", &spec, "--format", "csv"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let list = String::from_utf8_lossy(&out.stdout);
    assert_eq!(list.lines().count(), 11, "{list}");
    assert!(
        list.contains("CloudTrail/AccessDeniedByRole,spec,CloudTrail/SecurityLogs,not saved"),
        "{list}"
    );
    assert!(
        list.contains(
            "CloudTrail/TopAPICallers,preset sample_queries,CloudTrail/SecurityLogs,not saved"
        ),
        "{list}"
    );

    // The calls: one StartQuery per run, GetQueryResults polled until done.
    let counts = em.counts();
    assert_eq!(counts.get("logs:StartQuery"), Some(&5), "{counts:?}");
    assert!(
        counts.get("logs:GetQueryResults") >= Some(&10),
        "{counts:?}"
    );
}

/// The CIS AWS Foundations Benchmark filter patterns (section 3, monitoring),
/// pinned here by hand so that a typo in the preset (which would keep its
/// alarm silent forever) fails this test instead of being copied into the docs.
/// The spec under test disables OrganizationsChanges and replaces
/// UnauthorizedAPICalls, checked elsewhere.
const CIS_PATTERNS: &[(&str, &str)] = &[
    (
        "ConsoleSignInWithoutMFA",
        "{ ($.eventName = \"ConsoleLogin\") && ($.additionalEventData.MFAUsed != \"Yes\") && ($.userIdentity.type = \"IAMUser\") && ($.responseElements.ConsoleLogin = \"Success\") }",
    ),
    (
        "RootAccountUsage",
        "{ $.userIdentity.type = \"Root\" && $.userIdentity.invokedBy NOT EXISTS && $.eventType != \"AwsServiceEvent\" }",
    ),
    (
        "IAMPolicyChanges",
        "{ ($.eventName = DeleteGroupPolicy) || ($.eventName = DeleteRolePolicy) || ($.eventName = DeleteUserPolicy) || ($.eventName = PutGroupPolicy) || ($.eventName = PutRolePolicy) || ($.eventName = PutUserPolicy) || ($.eventName = CreatePolicy) || ($.eventName = DeletePolicy) || ($.eventName = CreatePolicyVersion) || ($.eventName = DeletePolicyVersion) || ($.eventName = AttachRolePolicy) || ($.eventName = DetachRolePolicy) || ($.eventName = AttachUserPolicy) || ($.eventName = DetachUserPolicy) || ($.eventName = AttachGroupPolicy) || ($.eventName = DetachGroupPolicy) }",
    ),
    (
        "CloudTrailConfigChanges",
        "{ ($.eventName = CreateTrail) || ($.eventName = UpdateTrail) || ($.eventName = DeleteTrail) || ($.eventName = StartLogging) || ($.eventName = StopLogging) || ($.eventName = PutEventSelectors) || ($.eventName = PutInsightSelectors) }",
    ),
    (
        "ConsoleAuthenticationFailures",
        "{ ($.eventName = ConsoleLogin) && ($.errorMessage = \"Failed authentication\") }",
    ),
    (
        "CMKDisabledOrScheduledForDeletion",
        "{ ($.eventSource = kms.amazonaws.com) && (($.eventName = DisableKey) || ($.eventName = ScheduleKeyDeletion)) }",
    ),
    (
        "S3BucketPolicyChanges",
        "{ ($.eventSource = s3.amazonaws.com) && (($.eventName = PutBucketAcl) || ($.eventName = PutBucketPolicy) || ($.eventName = PutBucketCors) || ($.eventName = PutBucketLifecycle) || ($.eventName = PutBucketReplication) || ($.eventName = DeleteBucketPolicy) || ($.eventName = DeleteBucketCors) || ($.eventName = DeleteBucketLifecycle) || ($.eventName = DeleteBucketReplication)) }",
    ),
    (
        "AWSConfigChanges",
        "{ ($.eventSource = config.amazonaws.com) && (($.eventName = StopConfigurationRecorder) || ($.eventName = DeleteDeliveryChannel) || ($.eventName = PutDeliveryChannel) || ($.eventName = PutConfigurationRecorder)) }",
    ),
    (
        "SecurityGroupChanges",
        "{ ($.eventName = AuthorizeSecurityGroupIngress) || ($.eventName = AuthorizeSecurityGroupEgress) || ($.eventName = RevokeSecurityGroupIngress) || ($.eventName = RevokeSecurityGroupEgress) || ($.eventName = CreateSecurityGroup) || ($.eventName = DeleteSecurityGroup) || ($.eventName = ModifySecurityGroupRules) }",
    ),
    (
        "NetworkACLChanges",
        "{ ($.eventName = CreateNetworkAcl) || ($.eventName = CreateNetworkAclEntry) || ($.eventName = DeleteNetworkAcl) || ($.eventName = DeleteNetworkAclEntry) || ($.eventName = ReplaceNetworkAclEntry) || ($.eventName = ReplaceNetworkAclAssociation) }",
    ),
    (
        "NetworkGatewayChanges",
        "{ ($.eventName = CreateCustomerGateway) || ($.eventName = DeleteCustomerGateway) || ($.eventName = AttachInternetGateway) || ($.eventName = CreateInternetGateway) || ($.eventName = DeleteInternetGateway) || ($.eventName = DetachInternetGateway) }",
    ),
    (
        "RouteTableChanges",
        "{ ($.eventSource = ec2.amazonaws.com) && (($.eventName = CreateRoute) || ($.eventName = CreateRouteTable) || ($.eventName = ReplaceRoute) || ($.eventName = ReplaceRouteTableAssociation) || ($.eventName = DeleteRouteTable) || ($.eventName = DeleteRoute) || ($.eventName = DisassociateRouteTable)) }",
    ),
    (
        "VPCChanges",
        "{ ($.eventName = CreateVpc) || ($.eventName = DeleteVpc) || ($.eventName = ModifyVpcAttribute) || ($.eventName = AcceptVpcPeeringConnection) || ($.eventName = CreateVpcPeeringConnection) || ($.eventName = DeleteVpcPeeringConnection) || ($.eventName = RejectVpcPeeringConnection) || ($.eventName = AttachClassicLinkVpc) || ($.eventName = DetachClassicLinkVpc) || ($.eventName = DisableVpcClassicLink) || ($.eventName = EnableVpcClassicLink) }",
    ),
];

/// The fenced blocks of a Markdown file: the text of every pattern and query
/// the presets doc shows.
fn fenced_blocks(markdown: &str) -> Vec<String> {
    markdown
        .split("```\n")
        .skip(1)
        .step_by(2)
        .map(|b| b.trim_end_matches('\n').to_owned())
        .collect()
}

#[test]
fn the_presets_applied_are_the_text_the_docs_show_even_through_faults() {
    let (em, spec) = setup("presets-doc");
    // Throttling, 5xx and dropped connections on every service, CloudWatch's
    // CBOR protocol included: the executor's retry rules carry the apply.
    em.configure(json!({"throttle_every": 4, "error_5xx_every": 9, "drop_every": 13}));
    em.apply(&spec);
    let injected = em.injected();
    assert!(
        injected["injected"].as_u64().unwrap_or(0) >= 10,
        "{injected}"
    );
    em.configure(json!({}));
    let (code, plan) = em.plan_json(&spec);
    assert_eq!(code, 0, "{plan:#}");

    let docs = std::fs::read_to_string(root().join("docs/monitoring-presets.md")).expect("docs");
    let shown = fenced_blocks(&docs);
    assert_eq!(
        shown.len(),
        15 + 9,
        "15 CIS filters and 9 sample queries in the docs"
    );

    // Preset entries the spec does not replace or disable, as AWS holds them.
    let own = [
        "UnauthorizedAPICalls",
        "BreakGlassRoleUsed",
        "CloudTrail/AccessDeniedByRole",
    ];
    let filters = json_of(&em.cli(
        "logs describe-metric-filters --log-group-name {}",
        &[LOG_GROUP],
    ));
    let mut checked = 0;
    for f in filters["metricFilters"].as_array().expect("filters") {
        let name = f["filterName"].as_str().unwrap_or_default();
        if own.contains(&name) {
            continue;
        }
        let pattern = f["filterPattern"].as_str().unwrap_or_default();
        let pinned = CIS_PATTERNS
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, p)| *p)
            .unwrap_or_else(|| panic!("{name} is not a pinned CIS filter"));
        assert_eq!(pattern, pinned, "{name}: the account holds another pattern");
        assert!(
            shown.iter().any(|s| s == pattern),
            "{name}: {pattern} is not in the docs"
        );
        checked += 1;
    }
    let queries = json_of(&em.aws(&["logs", "describe-query-definitions"]));
    for q in queries["queryDefinitions"].as_array().expect("queries") {
        let name = q["name"].as_str().unwrap_or_default();
        if own.contains(&name) {
            continue;
        }
        let text = q["queryString"].as_str().unwrap_or_default();
        assert!(
            shown.iter().any(|s| s == text),
            "{name}: {text} is not in the docs"
        );
        checked += 1;
    }
    assert_eq!(
        checked,
        13 + 9,
        "13 preset filters (one disabled, one replaced) and 9 queries"
    );
}

#[test]
fn the_proxy_logs_insights_evaluator_passes_its_own_unit_tests() {
    // The evaluator stands in for Logs Insights in the query tests above, so
    // its semantics are tested too (tests/proxy/test_insights_eval.py).
    let out = std::process::Command::new(support::emulator::venv().join("bin/python"))
        .args(["-m", "unittest", "-v", "test_insights_eval"])
        .current_dir(root().join("tests/proxy"))
        .output()
        .expect("run python");
    let report = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{report}");
    assert!(report.contains("Ran 6 tests"), "{report}");
}
