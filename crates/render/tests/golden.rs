//! The renderings of saved plans, pinned as golden files under
//! `tests/golden/`. The plans in `tests/fixtures/plans/` were made by
//! `ctrail plan --out` against the emulator: from an empty account, after
//! the seed procedure, after five hand-made drifts, and the monitoring spec
//! after three (a filter pattern, an alarm threshold, a deleted saved query;
//! its email subscription pending confirmation).

#[path = "../../../tests/support/golden.rs"]
mod golden;

use std::path::{Path, PathBuf};

use ctrail_model::Plan;
use ctrail_render::{Section, Style, drift, plan};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn load(name: &str) -> Plan {
    let text = std::fs::read_to_string(
        root()
            .join("tests/fixtures/plans")
            .join(format!("{name}.json")),
    )
    .expect("fixture");
    serde_json::from_str(&text).expect("a saved plan deserialises as a Plan")
}

fn check(file: &str, actual: &str) {
    golden::check(&root().join("tests/golden").join(file), actual);
}

/// The JSON plan's action on `address`.
fn action<'a>(doc: &'a serde_json::Value, address: &str) -> &'a serde_json::Value {
    let actions = doc["actions"].as_array().expect("actions");
    let found = actions.iter().find(|a| a["address"] == address);
    found.unwrap_or_else(|| panic!("no action on {address}"))
}

#[test]
fn plans_render_as_pinned() {
    for name in [
        "from-empty",
        "seed-additions",
        "drifted",
        "monitoring-drifted",
    ] {
        let plan = load(name);
        let section = Section::new(&plan);
        check(
            &format!("plan-{name}.txt"),
            &plan::text::render(&section, Style::PLAIN),
        );
        check(
            &format!("plan-{name}.md"),
            &plan::markdown::render(&section),
        );
    }
}

/// The JSON plan, field by field as a reviewer checked it (a golden file of
/// it would only test a serde round trip of the fixture).
#[test]
fn the_json_plan_carries_the_checked_fields() {
    let plan = load("seed-additions");
    let doc = plan::json::document(&Section::new(&plan));
    assert_eq!(doc["format_version"], 1);
    assert_eq!(doc["header"]["trail"], "security-audit-trail");
    assert_eq!(doc["header"]["region"], "us-east-1");
    assert_eq!(doc["header"]["account_id"], "123456789012");
    assert_eq!(doc["header"]["spec"], "specs/security-audit-trail.yaml");
    assert_eq!(
        doc["header"]["spec_digest"].as_str().map(str::len),
        Some(64)
    );
    assert_eq!(
        doc["summary"],
        serde_json::json!({"add": 0, "change": 6, "replace": 0, "destroy": 0, "adopt": 0, "unchanged": 13})
    );
    let changed: Vec<(&str, &str)> = doc["actions"]
        .as_array()
        .expect("actions")
        .iter()
        .filter(|a| a["kind"] != "no_op")
        .map(|a| {
            (
                a["address"].as_str().unwrap_or_default(),
                a["kind"].as_str().unwrap_or_default(),
            )
        })
        .collect();
    assert_eq!(
        changed,
        [
            // Apply order: the log group's key needs the key policy first.
            (
                "kms_key_policy.0b5e1f2a-7c3d-4e8f-9a6b-1c2d3e4f5a6b",
                "update"
            ),
            (
                "s3_public_access_block.my-org-cloudtrail-logs-2024",
                "update"
            ),
            ("s3_bucket_encryption.my-org-cloudtrail-logs-2024", "update"),
            ("s3_bucket_policy.my-org-cloudtrail-logs-2024", "update"),
            ("log_group.CloudTrail/SecurityLogs", "update"),
            (
                "iam_role_policy.CloudTrail-CloudWatchLogs-Role-security-audit-trail",
                "update"
            ),
        ]
    );
    // The role's permissions: the seed's every-stream grant, then the
    // documented CloudTrail streams.
    let role = action(
        &doc,
        "iam_role_policy.CloudTrail-CloudWatchLogs-Role-security-audit-trail",
    );
    let change = &role["changes"][0];
    assert_eq!(change["path"], "policy");
    assert_eq!(
        change["old"]["Statement"][0]["Resource"],
        "arn:aws:logs:us-east-1:123456789012:log-group:CloudTrail/SecurityLogs:*"
    );
    assert_eq!(
        change["new"]["Statement"][1]["Resource"],
        "arn:aws:logs:us-east-1:123456789012:log-group:CloudTrail/SecurityLogs:log-stream:123456789012_CloudTrail_*"
    );
    assert_eq!(role["security"][0]["effect"], "changes");
    assert!(doc.get("preflight").is_none(), "no finding, no key");

    let drifted = plan::json::document(&Section::new(&load("drifted")));
    assert_eq!(drifted["summary"]["change"], 6);
    let logging = action(&drifted, "trail_logging.security-audit-trail");
    assert_eq!(
        logging["changes"][0],
        serde_json::json!({"path": "is_logging", "old": false, "new": true})
    );
    assert_eq!(logging["security"][0]["effect"], "restores");
}

#[test]
fn preflight_findings_are_in_the_json_plan() {
    let mut plan = load("seed-additions");
    plan.preflight.push(ctrail_model::Finding::example());
    let section = Section::new(&plan);
    let doc = plan::json::document(&section);
    assert_eq!(
        doc["preflight"][0]["exception"],
        "InsufficientS3BucketPolicyException"
    );
    let back: Plan = serde_json::from_str(&plan::json::render(&section)).expect("round trip");
    assert_eq!(back.preflight, plan.preflight);
    assert!(plan::text::render(&section, Style::PLAIN).contains(
        "x [PF-00000001] UpdateTrail would fail with InsufficientS3BucketPolicyException: bucket policy of b does not allow cloudtrail.amazonaws.com s3:PutObject"
    ));
    assert!(plan::markdown::render(&section).contains("> [!CAUTION]"));
    // Accepted, it is shown apart and no longer blocks.
    plan.preflight[0].accepted = true;
    assert_eq!(plan.blocking().count(), 0);
    let section = Section::new(&plan);
    let text = plan::text::render(&section, Style::PLAIN);
    assert!(
        text.contains("1 finding(s) accepted with --accept-finding")
            && text.contains("! [PF-00000001, accepted] UpdateTrail would fail")
            && !text.contains("cannot be applied"),
        "{text}"
    );
    let md = plan::markdown::render(&section);
    assert!(
        md.contains("> [!WARNING]") && !md.contains("[!CAUTION]"),
        "{md}"
    );
    let back: Plan = serde_json::from_str(&plan::json::render(&section)).expect("round trip");
    assert!(back.preflight[0].accepted);
    assert_eq!(
        plan::json::document(&section)["preflight"][0]["id"],
        "PF-00000001"
    );
    let lines = drift::json_lines(&plan);
    let finding: serde_json::Value = serde_json::from_str(
        lines
            .lines()
            .find(|l| l.contains("\"type\":\"preflight\""))
            .expect("a preflight line"),
    )
    .expect("json");
    assert_eq!(finding["finding"]["action"], "s3:PutObject");
    assert!(lines.contains("\"preflight\":1"), "{lines}");
    assert!(drift::markdown(&plan).contains("1 grant(s) AWS would refuse"));
}

#[test]
fn drift_reports_render_as_pinned() {
    for name in ["drifted", "monitoring-drifted"] {
        let plan = load(name);
        check(&format!("drift-{name}.jsonl"), &drift::json_lines(&plan));
        check(&format!("drift-{name}.md"), &drift::markdown(&plan));
    }
}

#[test]
fn the_json_rendering_is_a_saved_plan() {
    let plan = load("seed-additions");
    let text = plan::json::render(&Section::new(&plan));
    let back: Plan = serde_json::from_str(&text).expect("round trip");
    assert_eq!(back, plan);
}

#[test]
fn colour_only_when_asked() {
    let plan = load("drifted");
    let section = Section::new(&plan);
    assert!(!plan::text::render(&section, Style::PLAIN).contains('\x1b'));
    assert!(plan::text::render(&section, Style { color: true }).contains("\x1b[33m~ "));
}
