//! Spec → graph: every kind says which resources the spec implies and what
//! each must follow; the graph holds them and orders them.

use ctrail_kinds::Names;
use ctrail_model::{Address, ResourceKind};
use ctrail_spec::Spec;

use crate::graph::{GraphError, Resource, ResourceGraph};

/// Expands a validated spec into its resource graph. Fails only on an
/// internal inconsistency (a cycle, a duplicate, an edge to nothing), never
/// on user input: the spec crate has already refused bad input.
pub fn build(spec: &Spec) -> Result<ResourceGraph, GraphError> {
    let names = Names::of(spec);
    let mut g = ResourceGraph::default();
    let mut edges = Vec::new();
    for kind in ResourceKind::ALL {
        for d in ctrail_kinds::desired(kind, spec, &names).map_err(GraphError::Attributes)? {
            let address = Address::new(kind, &d.name);
            for (first, why) in d.after {
                edges.push((first, address.clone(), why));
            }
            g.add(Resource {
                address,
                desired: d.value,
                holds_audit_logs: d.audit_logs.is_some(),
                destroy_allowed: d.audit_logs.unwrap_or(true),
            })?;
        }
    }
    for (first, then, why) in edges {
        g.depend(&first, &then, why)?;
    }
    if let Some(account) = &spec.account_id {
        let account = account.clone();
        g.resolve(&move |p| (p == crate::Placeholder::AccountId).then(|| account.clone()));
    }
    g.waves()?;
    Ok(g)
}
