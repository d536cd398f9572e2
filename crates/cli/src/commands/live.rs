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
    plan_knowing(path, conn, None).await
}

/// `plan`, with the values only AWS knows that this run read already (an
/// apply's verifying re-read): see `ctrail_reader::read_knowing`.
pub async fn plan_knowing(
    path: &Path,
    conn: &Connection,
    known: Option<&ctrail_model::LiveContext>,
) -> anyhow::Result<Planned> {
    let shown = path.display().to_string();
    let bytes = std::fs::read(path).map_err(|e| anyhow::anyhow!("cannot read {shown}: {e}"))?;
    let loaded = super::load_quiet(path)?;
    let spec = loaded.spec;
    let graph = ctrail_graph::build(&spec)
        .map_err(|e| anyhow::anyhow!("{shown}: internal error building the graph: {e}"))?;
    let accounts = Accounts::connect(conn, &spec, Retries::Sdk).await;
    let started = std::time::Instant::now();
    let (live, desired) = ctrail_reader::read_knowing(&accounts, &spec, &graph, known)
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
    plan.preflight = ctrail_differ::preflight::check(&desired, &live, &spec.partition);
    show_accounts(&mut plan, &spec);
    plan.left_alone = live.ownership.unmanaged.iter().cloned().collect();
    plan.prevented = ctrail_differ::prevented(&plan.actions, &spec.prevent_destroy);
    Ok(Planned {
        plan,
        spec,
        desired,
        live,
    })
}

/// Plans several specs, at most `parallelism` at once, each with its own
/// accounts' credentials; one that fails does not stop the others. Results
/// come back in argument order.
pub async fn plan_all(
    paths: &[std::path::PathBuf],
    conn: &Connection,
    parallelism: usize,
) -> Vec<anyhow::Result<Planned>> {
    use futures::StreamExt;
    futures::stream::iter(paths.iter().map(|p| plan(p, conn)))
        .buffered(parallelism.max(1))
        .collect()
        .await
}

/// The account a spec is for, as its summary line names it: its trail's
/// account under `accounts`, its `account_id`, or `-` when neither is known
/// (a spec that does not load).
pub fn account_of(path: &Path) -> String {
    let Ok(loaded) = super::load_quiet(path) else {
        return "-".into();
    };
    let spec = loaded.spec;
    match spec.account_at(ctrail_model::Place::Trail) {
        Some(a) => a.label(),
        None => spec.account_id.unwrap_or_else(|| "-".into()),
    }
}

/// A planned spec's summary line: converged, its changes, or what stops it.
pub fn run_of(planned: &Planned) -> ctrail_render::runs::Run {
    use ctrail_render::runs::Outcome;
    let plan = &planned.plan;
    let account = match planned.spec.account_at(ctrail_model::Place::Trail) {
        Some(a) => a.label(),
        None => plan.header.account_id.clone(),
    };
    let outcome = Outcome::of_plan(
        plan.blocking().count(),
        plan.prevented.first(),
        &plan.summary(),
    );
    ctrail_render::runs::Run {
        spec: plan.header.spec.clone(),
        account,
        outcome,
    }
}

/// Names, on each action and preflight finding of a spec that spans several
/// accounts, the account its resource lives in (`log-archive
/// (222222222222)`): a finding's by the document it judged (a bucket's
/// policy in the bucket's account, a key's in the key's, every other in the
/// trail's).
pub fn show_accounts(plan: &mut Plan, spec: &ctrail_spec::Spec) {
    let named = |place| spec.account_at(place).map(ctrail_spec::Account::label);
    for a in &mut plan.actions {
        a.account = named(ctrail_kinds::place(a.address.kind));
    }
    for f in &mut plan.preflight {
        // A key the apply creates is named by its placeholder until then.
        let service = if f.resource == ctrail_model::Placeholder::KmsKeyArn.token() {
            Some("kms")
        } else {
            ctrail_model::arn::Arn::parse(&f.resource).map(|arn| arn.service)
        };
        f.account = named(match service {
            Some("s3") => ctrail_model::Place::Bucket,
            Some("kms") => ctrail_model::Place::Key,
            _ => ctrail_model::Place::Trail,
        });
    }
}
