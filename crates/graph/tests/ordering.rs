//! Every "must exist first" edge, asserted exactly, and the apply order they imply.

use ctrail_graph::build;
use ctrail_kinds::cloudtrail::trail::Trail;
use ctrail_kinds::monitoring::metric_alarm::MetricAlarm;
use ctrail_kinds::s3::{encryption::Encryption, policy::BucketPolicy};
use ctrail_model::{Address, EdgeReason, Placeholder, ResourceKind as K};

const FULL: &str = r#"
version: 1
region: us-east-1
tags: {Environment: prod}
kms_key_id: alias/cloudtrail
trail:
  name: security-audit-trail
  sns_topic: trail-deliveries
bucket:
  name: my-org-cloudtrail-logs-2024
cloudwatch_logs:
  log_group: CloudTrail/SecurityLogs
"#;

fn graph(text: &str) -> ctrail_graph::ResourceGraph {
    let loaded = ctrail_spec::parse("test.yaml", text).expect("valid spec");
    build(&loaded.spec).expect("graph")
}

/// The graph's resources in apply order, as addresses.
fn apply_order(g: &ctrail_graph::ResourceGraph) -> Vec<String> {
    let ordered = g.ordered().expect("acyclic");
    ordered.iter().map(|r| r.address.to_string()).collect()
}

fn a(kind: K, name: &str) -> Address {
    Address::new(kind, name)
}

/// The graph's edges that `keep`, each as `from -> to: why`, sorted.
fn edges(
    g: &ctrail_graph::ResourceGraph,
    keep: impl Fn(&ctrail_graph::Dependency) -> bool,
) -> Vec<String> {
    let mut out: Vec<String> = g
        .dependencies()
        .into_iter()
        .filter(|d| keep(d))
        .map(|d| format!("{} -> {}: {}", d.from, d.to, d.reason.as_str()))
        .collect();
    out.sort();
    out
}

/// One edge a line (after a first empty line), trimmed, sorted.
fn lines(text: &str) -> Vec<&str> {
    let mut out: Vec<&str> = text.lines().skip(1).map(str::trim).collect();
    out.sort();
    out
}

#[test]
fn every_edge_is_declared_with_its_reason() {
    let g = graph(FULL);
    let bucket = "my-org-cloudtrail-logs-2024";
    let group = "CloudTrail/SecurityLogs";
    let role = "CloudTrail-CloudWatchLogs-Role-security-audit-trail";
    let trail = "security-audit-trail";
    let key = "alias/cloudtrail";
    let topic = "trail-deliveries";
    use EdgeReason::*;
    // What must exist first, what waits on it, and why. CreateTrail fails
    // with InsufficientS3BucketPolicyException without the bucket policy,
    // InvalidCloudWatchLogsLogGroupArnException until IAM has propagated the
    // role, InsufficientEncryptionPolicyException without the key policy.
    let expected = format!(
        "
        s3_bucket.{bucket} -> trail.{trail}: references
        s3_bucket_policy.{bucket} -> trail.{trail}: bucket policy checked by CreateTrail
        log_group.{group} -> trail.{trail}: references
        iam_role.{role} -> trail.{trail}: IAM propagation
        iam_role_policy.{role} -> trail.{trail}: IAM propagation
        kms_key_policy.{key} -> trail.{trail}: key policy checked
        kms_key_policy.{key} -> log_group.{group}: key policy checked
        sns_topic_policy.{topic} -> trail.{trail}: topic policy checked by CreateTrail
        trail_event_selectors.{trail} -> trail_insight_selectors.{trail}: configured first
        trail_event_selectors.{trail} -> trail_logging.{trail}: configured first"
    );
    assert_eq!(edges(&g, |d| d.reason != PartOf), lines(&expected));

    // Every setting is part of its resource, the one of the same name that
    // is part of nothing; nothing else is "part of" anything.
    let part_of: Vec<(Address, Address)> = g
        .dependencies()
        .into_iter()
        .filter(|d| d.reason == PartOf)
        .map(|d| (d.from, d.to))
        .collect();
    let roots: Vec<&Address> = g
        .resources()
        .map(|r| &r.address)
        .filter(|x| part_of.iter().all(|(_, to)| to != *x))
        .collect();
    for r in g.resources().map(|r| &r.address) {
        let parents: Vec<&Address> = part_of
            .iter()
            .filter(|(_, to)| to == r)
            .map(|(f, _)| f)
            .collect();
        if roots.contains(&r) {
            continue;
        }
        assert_eq!(parents.len(), 1, "{r}: {parents:?}");
        assert!(
            roots.contains(&parents[0]) && parents[0].name == r.name,
            "{r} is part of {}",
            parents[0]
        );
    }
    for kind in [
        K::S3Bucket,
        K::LogGroup,
        K::IamRole,
        K::SnsTopic,
        K::Trail,
        K::KmsKeyPolicy,
        K::KmsKeyRotation,
    ] {
        assert!(
            roots.iter().any(|x| x.kind == kind),
            "{kind} is a resource of its own"
        );
    }
    assert_eq!(roots.len(), 7, "{roots:?}");
}

#[test]
fn trail_comes_after_bucket_policy_and_role_policy() {
    let g = graph(FULL);
    let order = apply_order(&g);
    let pos = |s: &str| order.iter().position(|x| x == s).expect(s);
    let trail = pos("trail.security-audit-trail");
    assert!(pos("s3_bucket_policy.my-org-cloudtrail-logs-2024") < trail);
    assert!(pos("iam_role_policy.CloudTrail-CloudWatchLogs-Role-security-audit-trail") < trail);
    assert!(pos("kms_key_policy.alias/cloudtrail") < trail);
    assert!(pos("log_group.CloudTrail/SecurityLogs") < trail);
    assert!(
        pos("trail_event_selectors.security-audit-trail")
            < pos("trail_insight_selectors.security-audit-trail")
    );
    // Every edge is respected by the order, not just the ones named above.
    for d in g.dependencies() {
        assert!(
            pos(&d.from.to_string()) < pos(&d.to.to_string()),
            "{} before {}",
            d.from,
            d.to
        );
    }
}

#[test]
fn waves_group_independent_work() {
    let g = graph(FULL);
    let waves: Vec<Vec<String>> = g
        .waves()
        .expect("acyclic")
        .iter()
        .map(|w| w.iter().map(|r| r.address.kind.to_string()).collect())
        .collect();
    assert_eq!(
        waves[0],
        vec![
            "s3_bucket",
            "iam_role",
            "kms_key_policy",
            "kms_key_rotation",
            "sns_topic"
        ]
    );
    assert!(waves[2].contains(&"trail".to_string()), "{waves:?}");
    assert_eq!(waves.len(), 5, "{waves:?}");
}

#[test]
fn minimal_spec_has_no_kms_or_sns_and_default_names() {
    let g =
        graph("version: 1\nregion: eu-west-1\ntrail: {name: t1-trail}\nbucket: {name: b1-logs}\n");
    assert!(g.get(&a(K::LogGroup, "CloudTrail/APILogs")).is_some());
    assert!(
        g.get(&a(K::IamRole, "CloudTrail-CloudWatchLogs-Role-t1-trail"))
            .is_some()
    );
    assert!(
        !g.resources()
            .any(|r| matches!(r.address.kind, K::KmsKeyPolicy | K::SnsTopic))
    );
    assert_eq!(g.placeholders(), vec![Placeholder::AccountId]);
    let trail = g.want::<Trail>("t1-trail").expect("trail");
    assert_eq!(
        trail.cloud_watch_logs_log_group_arn.as_deref(),
        Some("arn:aws:logs:eu-west-1:${account_id}:log-group:CloudTrail/APILogs:*")
    );
    assert!(trail.is_multi_region_trail);
    assert!(trail.enable_log_file_validation);
    let enc = g.want::<Encryption>("b1-logs").expect("encryption");
    assert_eq!(enc.sse_algorithm.as_deref(), Some("AES256"));
}

#[test]
fn account_guard_resolves_the_account_placeholder() {
    let g = graph(
        "version: 1\naccount_id: \"123456789012\"\nregion: us-east-1\ntrail: {name: t1-trail}\nbucket: {name: b1-logs}\n",
    );
    assert!(g.placeholders().is_empty());
    let policy = g.want::<BucketPolicy>("b1-logs").expect("policy");
    assert_eq!(
        policy.policy["Statement"][1]["Resource"],
        "arn:aws:s3:::b1-logs/AWSLogs/123456789012/*"
    );
}

#[test]
fn without_cloudwatch_logs_there_is_no_role() {
    let g = graph(
        "version: 1\nregion: us-east-1\ntrail: {name: t1-trail}\nbucket: {name: b1-logs}\ncloudwatch_logs: false\n",
    );
    assert!(
        !g.resources()
            .any(|r| matches!(r.address.kind, K::IamRole | K::LogGroup))
    );
    let trail = g.want::<Trail>("t1-trail").expect("trail");
    assert!(trail.cloud_watch_logs_role_arn.is_none());
}

#[test]
fn audit_log_holders_are_marked() {
    let g = graph(FULL);
    let holders: Vec<String> = g
        .resources()
        .filter(|r| r.holds_audit_logs)
        .map(|r| r.address.to_string())
        .collect();
    assert_eq!(
        holders,
        vec![
            "s3_bucket.my-org-cloudtrail-logs-2024",
            "log_group.CloudTrail/SecurityLogs"
        ]
    );
}

const MONITORING: &str = r#"
version: 1
region: us-east-1
trail: {name: audit-trail}
bucket: {name: example-audit-logs}
cloudwatch_logs: {log_group: CloudTrail/Audit}
monitoring:
  alert_topic:
    name: security-alerts
    emails: [secops@example.com]
  metric_filters:
    - name: RootUsage
      pattern: '{ $.userIdentity.type = "Root" }'
    - name: Quiet
      pattern: '{ $.eventName = "StopLogging" }'
      alarm: false
    - name: Elsewhere
      pattern: '{ $.eventName = "DeleteTrail" }'
      alarm:
        actions: ["arn:aws:sns:us-east-1:123456789012:pager"]
  queries:
    - name: CloudTrail/Root
      query: 'filter userIdentity.type = "Root"'
"#;

#[test]
fn monitoring_waits_for_the_log_group_and_alarms_for_their_filter_and_topic() {
    let g = graph(MONITORING);
    let group = "CloudTrail/Audit";
    let topic = "security-alerts";
    let expected = format!(
        "
        log_group.{group} -> metric_filter.RootUsage: references
        log_group.{group} -> metric_filter.Quiet: references
        log_group.{group} -> metric_filter.Elsewhere: references
        metric_filter.RootUsage -> metric_alarm.RootUsageAlarm: alarm watches the filter's metric
        sns_topic.{topic} -> metric_alarm.RootUsageAlarm: notifies the topic
        metric_filter.Elsewhere -> metric_alarm.ElsewhereAlarm: alarm watches the filter's metric
        sns_topic.{topic} -> sns_subscription.{topic}/secops@example.com: part of
        log_group.{group} -> query_definition.CloudTrail/Root: references"
    );
    let monitoring = [
        K::MetricFilter,
        K::MetricAlarm,
        K::SnsSubscription,
        K::QueryDefinition,
    ];
    let actual = edges(&g, |d| monitoring.contains(&d.to.kind));
    assert_eq!(actual, lines(&expected));
    // `alarm: false` leaves the filter without an alarm; an alarm with its own
    // actions does not notify the alert topic.
    assert!(g.get(&a(K::MetricAlarm, "QuietAlarm")).is_none());
    let elsewhere = g.want::<MetricAlarm>("ElsewhereAlarm").expect("alarm");
    assert_eq!(
        elsewhere.alarm_actions,
        vec!["arn:aws:sns:us-east-1:123456789012:pager"]
    );
    let order = apply_order(&g);
    let pos = |s: &str| order.iter().position(|o| o == s).expect(s);
    assert!(pos("log_group.CloudTrail/Audit") < pos("metric_filter.RootUsage"));
    assert!(pos("metric_filter.RootUsage") < pos("metric_alarm.RootUsageAlarm"));
    assert!(pos("sns_topic.security-alerts") < pos("metric_alarm.RootUsageAlarm"));
}
