//! `ctrail graph`: order, reasons, and the Graphviz and JSON renderings.

mod support;

use support::{assert_error, ctrail, golden, stderr, stdout};

/// The numbered resource lines of `ctrail graph`, in order.
fn order(text: &str) -> Vec<String> {
    text.lines()
        .filter_map(|l| {
            let (n, rest) = l.trim_start().split_once(". ")?;
            n.parse::<u32>().ok()?;
            Some(rest.split_whitespace().next()?.to_owned())
        })
        .collect()
}

#[test]
fn trail_is_listed_after_bucket_policy_and_role_policy() {
    let out = ctrail(&["graph", "specs/security-audit-trail.yaml"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    let order = order(&text);
    let listed = |a: &str| order.iter().position(|x| x == a);
    let pos = |a: &str| listed(a).unwrap_or_else(|| panic!("{a} not listed:\n{text}"));
    let trail = pos("trail.security-audit-trail");
    assert!(pos("s3_bucket_policy.my-org-cloudtrail-logs-2024") < trail);
    assert!(pos("iam_role_policy.CloudTrail-CloudWatchLogs-Role-security-audit-trail") < trail);
    assert!(pos("kms_key_policy.12345678-1234-1234-1234-123456789012") < trail);
    assert!(text.contains("after iam_role_policy.CloudTrail-CloudWatchLogs-Role-security-audit-trail (IAM propagation)"));
    assert!(text.contains(
        "after s3_bucket_policy.my-org-cloudtrail-logs-2024 (bucket policy checked by CreateTrail)"
    ));
}

#[test]
fn graph_text_matches_golden() {
    let out = ctrail(&["graph", "specs/security-audit-trail.yaml"]);
    golden("graph-security-audit-trail.txt", &stdout(&out));
    let out = ctrail(&["graph", "specs/minimal.yaml", "--attributes"]);
    golden("graph-minimal-attributes.txt", &stdout(&out));
}

#[test]
fn dot_output_is_graphviz_with_labelled_aws_edges() {
    let out = ctrail(&["graph", "--format", "dot", "specs/organization-trail.yaml"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let dot = stdout(&out);
    assert!(dot.starts_with("digraph ctrail {"), "{dot}");
    assert!(dot.contains(
        "\"iam_role_policy.CloudTrail-CloudWatchLogs-Role-org-audit-trail\" -> \"trail.org-audit-trail\" [label=\"IAM propagation\", style=bold];"
    ), "{dot}");
    assert!(
        dot.contains("\"sns_topic_policy.org-trail-deliveries\" -> \"trail.org-audit-trail\""),
        "{dot}"
    );
    assert!(dot.trim_end().ends_with('}'));
}

#[test]
fn json_output_lists_resources_edges_and_placeholders() {
    let out = ctrail(&["graph", "--format", "json", "specs/organization-trail.yaml"]);
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(doc["format_version"], 1);
    // The account guard resolves the account id; the organization id is live-only.
    assert_eq!(
        doc["placeholders"],
        serde_json::json!(["${organization_id}", "${kms_key_arn}"])
    );
    let policy = doc["resources"]
        .as_array()
        .expect("resources")
        .iter()
        .find(|r| r["kind"] == "s3_bucket_policy")
        .expect("bucket policy");
    assert_eq!(
        policy["desired"]["policy"]["Statement"][1]["Resource"],
        serde_json::json!([
            "arn:aws:s3:::org-cloudtrail-audit-logs-111122223333/org/AWSLogs/111122223333/*",
            "arn:aws:s3:::org-cloudtrail-audit-logs-111122223333/org/AWSLogs/${organization_id}/*"
        ])
    );
}

#[test]
fn graph_of_an_invalid_spec_fails_with_the_errors() {
    let out = ctrail(&["graph", "tests/invalid/unknown-region.yaml"]);
    assert_error(&out, "tests/invalid/unknown-region.yaml:2:9");
    assert!(stdout(&out).is_empty());
}
