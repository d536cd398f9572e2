//! Spec → graph.

use ctrail_spec::Spec;

use crate::graph::{GraphError, ResourceGraph};
use crate::policies::Names;
use crate::resources::{iam, kms, logs, monitoring, s3, sns, trail};

/// Expands a validated spec into its resource graph. Fails only on an
/// internal inconsistency (a cycle or a duplicate), never on user input: the
/// spec crate has already refused bad input.
pub fn build(spec: &Spec) -> Result<ResourceGraph, GraphError> {
    let names = Names {
        partition: &spec.partition,
        region: &spec.region,
        trail_name: &spec.trail.name,
        bucket: &spec.bucket.name,
        s3_key_prefix: spec.trail.s3_key_prefix.as_deref(),
        organization: spec.trail.organization,
    };
    let mut g = ResourceGraph::default();
    s3::add(&mut g, spec, &names)?;
    kms::add_key_policy(&mut g, spec, &names)?;
    if let Some(l) = &spec.cloudwatch_logs {
        logs::add(&mut g, spec, l)?;
        iam::add_role(&mut g, spec, &names, l)?;
    }
    sns::add_topic(&mut g, spec, &names)?;
    trail::add(&mut g, spec, &names)?;
    monitoring::add_all(&mut g, spec)?;
    if let Some(account) = &spec.account_id {
        let account = account.clone();
        g.resolve(&move |p| (p == crate::Placeholder::AccountId).then(|| account.clone()));
    }
    g.waves()?;
    Ok(g)
}
