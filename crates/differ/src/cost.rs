//! Cost notes for changes that start billing, from CloudTrail's pricing
//! (the seeds' pricing table). Prices change: the notes say where to check.

use ctrail_graph::ResourceKind as K;
use serde_json::Value;

use ctrail_model::{ActionKind, Plan};

const CHECK: &str = "check current prices at https://aws.amazon.com/cloudtrail/pricing/";

fn logs_data_events(v: Option<&Value>) -> bool {
    let Some(v) = v else { return false };
    let selectors = v
        .get("selectors")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    selectors.iter().any(|s| {
        s.get("data_resources")
            .and_then(Value::as_array)
            .is_some_and(|d| !d.is_empty())
            || s.get("field_selectors")
                .and_then(Value::as_array)
                .is_some_and(|f| {
                    f.iter().any(|f| {
                        f.get("field") == Some(&Value::from("eventCategory"))
                            && f.get("equals")
                                .and_then(Value::as_array)
                                .is_some_and(|e| e.contains(&Value::from("Data")))
                    })
                })
    })
}

fn insight_count(v: Option<&Value>) -> usize {
    v.and_then(|v| v.get("insight_types"))
        .and_then(Value::as_array)
        .map_or(0, Vec::len)
}

/// The attribute `path` of an action before (live) and after (desired).
fn before_after(a: &ctrail_model::Action, path: &str) -> (Option<Value>, Option<Value>) {
    let c = a.changes.iter().find(|c| c.path == path);
    (c.and_then(|c| c.old.clone()), c.and_then(|c| c.new.clone()))
}

/// Notes for every change in the plan that turns on something billed.
pub fn notes(plan: &Plan) -> Vec<String> {
    let mut notes = Vec::new();
    for a in plan.changes() {
        match a.address.kind {
            K::TrailEventSelectors => {
                let (old, new) = before_after(a, "selectors");
                let wrap = |v: Option<Value>| v.map(|s| serde_json::json!({ "selectors": s }));
                if logs_data_events(wrap(new).as_ref()) && !logs_data_events(wrap(old).as_ref()) {
                    notes.push(format!(
                        "{}: data events are billed at $0.10 per 100,000 events, and busy S3 buckets generate many; {CHECK}",
                        a.address
                    ));
                }
            }
            K::TrailInsightSelectors => {
                let (old, new) = before_after(a, "insight_types");
                let wrap = |v: Option<Value>| v.map(|s| serde_json::json!({ "insight_types": s }));
                if insight_count(wrap(new).as_ref()) > insight_count(wrap(old).as_ref()) {
                    notes.push(format!(
                        "{}: CloudTrail Insights is billed at $0.35 per 100,000 events analysed, per insight type; {CHECK}",
                        a.address
                    ));
                }
            }
            K::LogGroup if a.kind == ActionKind::Create => notes.push(format!(
                "{}: CloudWatch Logs bills per GB ingested and per GB stored each month",
                a.address
            )),
            _ => {}
        }
    }
    notes
}
