//! The path every live command shares: load the spec, build its graph, read
//! the account, diff, preflight. Errors carry the spec's path and what failed.

use std::path::Path;

use ctrail_kinds::LiveState;
use ctrail_kinds::aws::{Accounts, Connection, Retries};
use ctrail_model::{Plan, PlanHeader};
use sha2::{Digest, Sha256};

/// A spec planned against its account.
pub struct Planned {
    pub plan: Plan,
    pub spec: ctrail_spec::Spec,
    /// The graph with every placeholder resolved from the live state.
    pub desired: ctrail_graph::ResourceGraph,
    pub live: LiveState,
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

pub fn sha256(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}

/// The fingerprint of a live state: changes whenever anything ctrail reads changes.
pub fn fingerprint(live: &LiveState) -> anyhow::Result<String> {
    serde_json::to_vec(live)
        .map(|bytes| sha256(&bytes))
        .map_err(|e| anyhow::anyhow!("cannot fingerprint the live state: {e}"))
}

pub async fn plan(path: &Path, conn: &Connection) -> anyhow::Result<Planned> {
    let shown = path.display().to_string();
    let bytes = std::fs::read(path).map_err(|e| anyhow::anyhow!("cannot read {shown}: {e}"))?;
    let loaded = super::load_quiet(path)?;
    let spec = loaded.spec;
    let graph = ctrail_graph::build(&spec)
        .map_err(|e| anyhow::anyhow!("{shown}: internal error building the graph: {e}"))?;
    let accounts = Accounts::connect(conn, &spec, Retries::Sdk).await;
    let started = std::time::Instant::now();
    let (live, desired) = ctrail_reader::read(&accounts, &spec, &graph)
        .await
        .map_err(|e| anyhow::anyhow!("{shown}: reading account state failed: {e}"))?;
    tracing::info!(spec = %shown, elapsed_ms = started.elapsed().as_millis() as u64, "read live state");
    let actions =
        ctrail_differ::diff(&desired, &live).map_err(|e| anyhow::anyhow!("{shown}: {e}"))?;
    let header = PlanHeader {
        spec: shown,
        spec_digest: sha256(&bytes),
        trail: spec.trail.name.clone(),
        region: spec.region.clone(),
        account_id: live.context.account_id.clone(),
        live_fingerprint: fingerprint(&live)?,
    };
    let mut plan = Plan::new(header, actions);
    show_accounts(&mut plan, &spec);
    plan.preflight = ctrail_differ::preflight::check(&desired, &live, &spec.partition);
    plan.left_alone = live.ownership.unmanaged.iter().cloned().collect();
    plan.prevented = ctrail_differ::prevented(&plan.actions, &spec.prevent_destroy);
    Ok(Planned {
        plan,
        spec,
        desired,
        live,
    })
}

/// Plans several specs concurrently; results come back in argument order.
pub async fn plan_all(
    paths: &[std::path::PathBuf],
    conn: &Connection,
) -> Vec<anyhow::Result<Planned>> {
    futures::future::join_all(paths.iter().map(|p| plan(p, conn))).await
}

/// Names, on each action of a spec that spans several accounts, the account
/// its resource lives in (`log-archive (222222222222)`).
pub fn show_accounts(plan: &mut Plan, spec: &ctrail_spec::Spec) {
    for a in &mut plan.actions {
        a.account = spec
            .account_at(ctrail_kinds::place(a.address.kind))
            .map(|account| format!("{} ({})", account.name, account.account_id));
    }
}
