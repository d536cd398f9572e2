//! Trail rules CloudTrail applies and the emulator does not (issue 24,
//! items 7, 8 and 12): the test adapter refuses each as AWS does
//! (tests/proxy/trail_rules.py, judged case by case with boto3 in
//! tests/proxy/trail_rules_cases.py), and specs with a network activity
//! selector or a resource type newer than ctrail's list validate, apply and
//! converge.

mod support;

use support::emulator::Emulator;
use support::{root, scratch_file, stderr, stdout};

/// A trail made by ctrail with everything CloudTrail checks in place (its
/// bucket policy, its KMS key and policy, its log group and role); each rule
/// is then tried on it with an accepted and a refused setting.
#[test]
fn the_adapter_refuses_trail_settings_as_cloudtrail_does() {
    let em = Emulator::start();
    let spec = scratch_file(
        "trail-rules",
        "rules.yaml",
        "version: 1\nregion: us-east-1\ntrail: {name: rules-trail}\nbucket: {name: rules-trail-logs}\n\
         kms_key_id: alias/rules-trail\ncreate_kms_key: true\n\
         cloudwatch_logs: {log_group: rules-trail-group}\n",
    );
    em.apply(&spec);
    let out = em.run(
        &em.venv.join("bin/python"),
        &[
            root()
                .join("tests/proxy/trail_rules_cases.py")
                .to_str()
                .expect("utf-8"),
            "rules-trail",
        ],
    );
    let report = format!("{}{}", stdout(&out), stderr(&out));
    eprintln!("{report}");
    assert!(out.status.success(), "{report}");
    assert!(
        report.lines().filter(|l| l.starts_with("ok ")).count() >= 27,
        "{report}"
    );
}

/// Valid specs CloudTrail accepts that ctrail once refused or never knew:
/// each validates (a newer resource type with a warning naming the nearest
/// listed one), applies, and plans no change after.
#[test]
fn network_activity_and_newer_resource_type_specs_apply_and_converge() {
    let em = Emulator::start();
    for (spec, warning) in [
        (
            "tests/schema-corpus/valid-network-activity-selector.yaml",
            None,
        ),
        (
            "tests/schema-corpus/valid-newer-resource-type.yaml",
            Some(
                "\"AWS::S3Vectors::VectorIndexSnapshot\" is not in CloudTrail's list of data event resource types; nearest: AWS::S3Vectors::VectorBucket",
            ),
        ),
    ] {
        let out = em.ctrail(&["validate", spec]);
        assert_eq!(
            out.status.code(),
            Some(0),
            "{spec}: {}{}",
            stdout(&out),
            stderr(&out)
        );
        let said = format!("{}{}", stdout(&out), stderr(&out));
        match warning {
            Some(w) => assert!(said.contains(w), "{spec}: {said}"),
            None => assert!(!said.contains("warning"), "{spec}: {said}"),
        }
        em.apply(spec);
        let (code, plan) = em.plan_json(spec);
        assert_eq!(code, 0, "{spec}: a second plan shows changes: {plan:#}");
        let out = em.ctrail(&["plan", spec]);
        assert!(
            stdout(&out).contains("No changes"),
            "{spec}: {}",
            stdout(&out)
        );
    }
}

/// A topic given by ARN is sent to CloudTrail as that ARN (SnsTopicName
/// takes the name or the ARN; a name alone is the caller's own account's
/// topic), and the plan after apply compares ARNs: no change.
#[test]
fn a_topic_given_by_arn_is_sent_as_its_arn_and_converges() {
    let em = Emulator::start();
    let arn = "arn:aws:sns:us-east-1:123456789012:rules-deliveries";
    let spec = scratch_file(
        "trail-rules-topic",
        "topic.yaml",
        &format!(
            "version: 1\nregion: us-east-1\ntrail: {{name: topic-trail, sns_topic: \"{arn}\"}}\nbucket: {{name: topic-trail-logs}}\n"
        ),
    );
    em.apply(&spec);
    let got = em.cli(
        "cloudtrail get-trail --name topic-trail --query Trail.SnsTopicARN --output text",
        &[],
    );
    assert_eq!(got, arn);
    let (code, plan) = em.plan_json(&spec);
    assert_eq!(code, 0, "a second plan shows changes: {plan:#}");
}
