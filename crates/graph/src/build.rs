//! Spec → graph: every kind says which resources the spec implies and what
//! each must follow; the graph holds them and orders them.

use ctrail_kinds::Names;
use ctrail_model::placeholder::Placeholder;
use ctrail_model::{Address, EdgeReason, ResourceKind};
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
        for d in ctrail_kinds::desired(kind, spec, &names) {
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
    // A key ctrail creates comes before everything that names its ARN.
    if let Some(key) = spec.kms.as_ref().filter(|k| k.create) {
        let key = Address::new(ResourceKind::KmsKey, key.key.as_str());
        for r in g.resources() {
            if r.desired.placeholders().contains(&Placeholder::KmsKeyArn) {
                edges.push((key.clone(), r.address.clone(), EdgeReason::References));
            }
        }
    }
    for (first, then, why) in edges {
        // A bucket someone else keeps is not in the graph: nothing waits
        // for ctrail to make it.
        let kept = !spec.bucket.managed
            && ctrail_kinds::place(first.kind) == ctrail_model::Place::Bucket
            && g.get(&first).is_none();
        if !kept {
            g.depend(&first, &then, why)?;
        }
    }
    // The trail's account, when the spec says it: the guard, or its entry
    // under `accounts`.
    let account = spec.account_id.clone().or_else(|| {
        spec.account_at(ctrail_model::Place::Trail)
            .map(|a| a.account_id.clone())
    });
    if let Some(account) = &account {
        let account = account.clone();
        g.resolve(&move |p| (p == Placeholder::AccountId).then(|| account.clone()))?;
    }
    g.waves()?;
    Ok(g)
}
