//! `query_definition`: a Logs Insights saved query. AWS identifies a query
//! definition by id, so ctrail finds it by name and updates it in place.
//!
//! PutQueryDefinition without an id creates a new definition every time it
//! is called: a retry after an answer was lost would create a second one.
//! So every retry of the put looks the name up again first and updates what
//! an earlier attempt created. Copies that exist anyway (two definitions
//! with one name, for any reason) are read as `extra_copies` (present only
//! then; the spec has none): a plan reports them as drift and apply deletes
//! them, keeping the first.

use ctrail_model::{Address, EdgeReason, ResourceKind};
use ctrail_spec::Spec;

use crate::{Compare, Desired, ImportCx, Kind, Names, Rules, SpecField};

#[cfg(feature = "aws")]
mod aws;
#[cfg(feature = "aws")]
pub use aws::all;

crate::attributes! {
    pub struct QueryDefinition {
        pub name: Option<String>,
        pub query_string: Option<String>,
        pub log_group_names: Vec<String>,
        /// Definitions beyond the first with this name.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub extra_copies: Option<usize>,
    }
}

impl Kind for QueryDefinition {
    const STANDING: crate::Standing = crate::Standing::Resource { prunable: true };

    const RULES: Rules = Rules::NONE.compare_by(&[("log_group_names", Compare::Sets(&[""]))]);

    fn desired(spec: &Spec, _: &Names<'_>) -> Vec<Desired<Self>> {
        let Some(logs) = &spec.cloudwatch_logs else {
            return Vec::new();
        };
        spec.monitoring
            .queries
            .iter()
            .map(|q| {
                // The spec keeps log groups sorted and unique, as the reader does.
                let d = Desired::new(
                    &q.name,
                    QueryDefinition {
                        name: Some(q.name.clone()),
                        query_string: Some(q.query.clone()),
                        log_group_names: q.log_groups.clone(),
                        extra_copies: None,
                    },
                );
                if q.log_groups.contains(&logs.log_group) {
                    d.after(
                        Address::new(ResourceKind::LogGroup, &logs.log_group),
                        EdgeReason::References,
                    )
                } else {
                    d
                }
            })
            .collect()
    }

    /// An entry of `monitoring.queries` for a saved query naming the
    /// trail's log group.
    fn import(&self, name: &str, cx: &ImportCx<'_>) -> Vec<SpecField> {
        let Some(group) = cx.log_group() else {
            return Vec::new();
        };
        if !self.log_group_names.iter().any(|g| g == group) {
            return Vec::new();
        }
        let mut q = serde_json::json!({
            "name": self.name.as_deref().unwrap_or(name),
            "query": self.query_string.as_deref().unwrap_or_default(),
        });
        if self.log_group_names != [group] {
            q["log_groups"] = serde_json::json!(self.log_group_names);
        }
        vec![SpecField::item(
            ctrail_spec::fields::MONITORING_QUERIES,
            q,
            "found: these saved Logs Insights queries name the log group",
        )]
    }
}
