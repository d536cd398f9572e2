//! Equality by meaning for every kind that holds a set: a rewrite in another
//! order (or with a repeated entry) is no change; a changed entry is a
//! change. Selector sets are also generated (property test).

use ctrail_differ::meaning::same;
use ctrail_model::ResourceKind as K;
use serde_json::{Value, json};

fn assert_set(kind: K, attribute: &str, value: Value, reordered: Value, changed: Value) {
    assert!(
        same(kind, attribute, Some(&value), Some(&reordered)),
        "{kind:?}.{attribute}: the same set compared as different"
    );
    assert!(
        !same(kind, attribute, Some(&value), Some(&changed)),
        "{kind:?}.{attribute}: a changed set compared as the same"
    );
}

#[test]
fn lifecycle_rules_and_transitions() {
    let rule = |id: &str, days: [u32; 2]| {
        json!({"id": id, "status": "Enabled", "prefix": "", "transitions": [
            {"days": days[0], "storage_class": "STANDARD_IA"}, {"days": days[1], "storage_class": "GLACIER"}]})
    };
    let reorder_transitions = |mut r: Value| {
        if let Some(t) = r["transitions"].as_array_mut() {
            t.reverse();
        }
        r
    };
    assert_set(
        K::S3BucketLifecycle,
        "rules",
        json!([rule("a", [30, 90]), rule("b", [60, 180])]),
        json!([
            reorder_transitions(rule("b", [60, 180])),
            rule("a", [30, 90])
        ]),
        json!([rule("a", [30, 90]), rule("b", [60, 365])]),
    );
}

/// Lists of names: any order is the same set, a repeated name changes
/// nothing, another name changes it.
#[test]
fn lists_of_names() {
    let a = "arn:aws:sns:us-east-1:1:a";
    let b = "arn:aws:sns:us-east-1:1:b";
    let c = "arn:aws:sns:us-east-1:1:c";
    let cases = [
        (
            K::TrailInsightSelectors,
            "insight_types",
            ["ApiCallRateInsight", "ApiErrorRateInsight", "x"],
        ),
        (K::MetricAlarm, "alarm_actions", [a, b, c]),
        (
            K::QueryDefinition,
            "log_group_names",
            ["CloudTrail/A", "CloudTrail/B", "CloudTrail/C"],
        ),
        (K::IamRole, "other_inline_policies", ["x", "y", "z"]),
        (K::IamRole, "attached_managed_policies", ["x", "y", "z"]),
    ];
    for (kind, attribute, [x, y, z]) in cases {
        let (value, same, changed) = (json!([x, y]), json!([y, x, x]), json!([x, z]));
        assert_set(kind, attribute, value, same, changed);
    }
}

#[test]
fn advanced_event_selectors_and_their_operator_values() {
    let sel = json!([
        {"name": "s3", "field_selectors": [
            {"field": "eventCategory", "equals": ["Data"]},
            {"field": "resources.type", "equals": ["AWS::S3::Object"]},
            {"field": "resources.ARN", "starts_with": ["arn:aws:s3:::a/", "arn:aws:s3:::b/"]}]},
        {"name": "mgmt", "field_selectors": [{"field": "eventCategory", "equals": ["Management"]}]}]);
    let reordered = json!([
        {"name": "mgmt", "field_selectors": [{"field": "eventCategory", "equals": ["Management"]}]},
        {"name": "s3", "field_selectors": [
            {"field": "resources.ARN", "starts_with": ["arn:aws:s3:::b/", "arn:aws:s3:::a/"]},
            {"field": "eventCategory", "equals": ["Data"]},
            {"field": "resources.type", "equals": ["AWS::S3::Object"]}]}]);
    let mut changed = sel.clone();
    changed[0]["field_selectors"][2]["starts_with"][1] = json!("arn:aws:s3:::c/");
    assert_set(K::TrailEventSelectors, "selectors", sel, reordered, changed);
}

#[test]
fn tags_are_maps_already() {
    let a = json!({"Owner": "sec", "Env": "prod"});
    let b: Value = serde_json::from_str(r#"{"Env": "prod", "Owner": "sec"}"#).expect("json");
    assert!(same(K::TrailTags, "tags", Some(&a), Some(&b)));
}

/// Basic event selectors, generated: shuffling selectors, their data
/// resources, their values and excluded sources is no change; changing one
/// value is.
#[test]
fn generated_basic_selectors() {
    let mut rng = fastrand::Rng::with_seed(5);
    const VALUES: &[&str] = &[
        "arn:aws:s3",
        "arn:aws:s3:::a/",
        "arn:aws:s3:::b/",
        "arn:aws:lambda",
        "arn:aws:dynamodb",
    ];
    for case in 0..300 {
        let selectors: Vec<Value> = (0..rng.usize(1..=3))
            .map(|i| {
                let rw = ["All", "ReadOnly", "WriteOnly"][i % 3];
                let resources: Vec<Value> = (0..rng.usize(0..=2))
                    .map(|j| {
                        let values: Vec<&str> = VALUES.iter().copied().filter(|_| rng.bool()).collect();
                        json!({"type": format!("AWS::T{j}"), "values": values})
                    })
                    .collect();
                json!({
                    "read_write_type": rw,
                    "include_management_events": rng.bool(),
                    "data_resources": resources,
                    "exclude_management_event_sources": if rng.bool() { json!(["kms.amazonaws.com", "rdsdata.amazonaws.com"]) } else { json!([]) },
                })
            })
            .collect();
        let mut shuffled = selectors.clone();
        for s in &mut shuffled {
            if let Some(r) = s["data_resources"].as_array_mut() {
                for d in r.iter_mut() {
                    if let Some(v) = d["values"].as_array_mut() {
                        rng.shuffle(v);
                    }
                }
                rng.shuffle(r);
            }
            if let Some(x) = s["exclude_management_event_sources"].as_array_mut() {
                x.reverse();
            }
        }
        rng.shuffle(&mut shuffled);
        let a = Value::Array(selectors.clone());
        let b = Value::Array(shuffled);
        assert!(
            same(K::TrailEventSelectors, "selectors", Some(&a), Some(&b)),
            "case {case}"
        );
        let mut changed = selectors;
        let i = rng.usize(..changed.len());
        changed[i]["read_write_type"] = json!("Changed");
        let c = Value::Array(changed);
        assert!(
            !same(K::TrailEventSelectors, "selectors", Some(&a), Some(&c)),
            "case {case}"
        );
    }
}
