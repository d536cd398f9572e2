//! Cost notes for changes that start billing, from CloudTrail's pricing
//! (the seeds' pricing table), as each kind words them (`Kind::billing`).

use ctrail_model::{ActionKind, Plan};

/// Notes for every change in the plan that turns on something billed.
pub fn notes(plan: &Plan) -> Vec<String> {
    let mut notes = Vec::new();
    for a in plan.changes() {
        let created = a.kind == ActionKind::Create;
        for c in &a.changes {
            if let Some(note) = ctrail_kinds::billing(a.address.kind, c, created) {
                notes.push(format!("{}: {note}", a.address));
            }
        }
    }
    notes
}
