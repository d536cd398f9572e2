//! Cost notes for changes that start billing, from CloudTrail's pricing
//! (the seeds' pricing table), as each kind words them (`Kind::billing`).

use ctrail_model::{ActionKind, Plan};

/// Notes for every change in the plan that turns on something billed.
pub fn notes(plan: &Plan) -> Vec<String> {
    let mut notes = Vec::new();
    for a in plan.changes() {
        let created = a.kind == ActionKind::Create;
        for c in &a.changes {
            let billed = ctrail_kinds::billing(
                a.address.kind,
                &c.path,
                c.old.as_ref(),
                c.new.as_ref(),
                created,
            );
            if let Some(note) = billed {
                notes.push(format!("{}: {note}", a.address));
            }
        }
    }
    notes
}
