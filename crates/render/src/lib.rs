//! ctrail's renderers, for the three audiences of a plan: a person in a
//! terminal (`text`), a reviewer in a pull request (`markdown`) and machines
//! (`json`, and JSON lines for drift alerts). Pure functions of a plan.

pub mod drift;
pub mod plan;
pub mod query;
pub mod runs;
mod style;

pub use style::Style;

use ctrail_differ::cost;
use ctrail_model::Plan;

/// A plan with what the renderers add to it.
pub struct Section<'a> {
    pub plan: &'a Plan,
    pub cost_notes: Vec<String>,
}

impl<'a> Section<'a> {
    pub fn new(plan: &'a Plan) -> Self {
        Section {
            plan,
            cost_notes: cost::notes(plan),
        }
    }
}
