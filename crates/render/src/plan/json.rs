//! The plan for machines: a versioned document with stable ordering
//! (actions in apply order, object keys sorted). It is also the saved-plan
//! file `ctrail plan --out` writes. Schema: docs/plan-json.md.

use ctrail_model::{Plan, Summary};
use serde::Serialize;
use serde_json::Value;

use crate::Section;

#[derive(Serialize)]
struct Document<'a> {
    format_version: u32,
    header: &'a ctrail_model::PlanHeader,
    summary: Summary,
    cost_notes: &'a [String],
    actions: &'a [ctrail_model::Action],
    /// Grants AWS would refuse; a plan with any is not applied.
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    preflight: &'a [ctrail_model::Finding],
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    left_alone: &'a [ctrail_model::Address],
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    prevented: &'a [String],
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    retained: &'a [String],
}

/// The plan document as a JSON value. Deserialising it as a
/// [`ctrail_model::Plan`] gives the plan back (extra keys are ignored).
pub fn document(section: &Section<'_>) -> Value {
    let plan: &Plan = section.plan;
    serde_json::to_value(Document {
        format_version: plan.format_version,
        header: &plan.header,
        summary: plan.summary(),
        cost_notes: &section.cost_notes,
        actions: &plan.actions,
        preflight: &plan.preflight,
        left_alone: &plan.left_alone,
        prevented: &plan.prevented,
        retained: &plan.retained,
    })
    .unwrap_or(Value::Null)
}

pub fn render(section: &Section<'_>) -> String {
    let mut s = serde_json::to_string_pretty(&document(section)).unwrap_or_default();
    s.push('\n');
    s
}
