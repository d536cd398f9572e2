//! `ctrail apply SPEC` and `ctrail apply PLAN`.

use std::collections::{BTreeMap, BTreeSet};
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use ctrail_executor::lock::LockPlace;
use ctrail_executor::{Options as ExecOptions, Outcome, Report};
use ctrail_kinds::aws::{Accounts, Clients, Connection, Retries};
use ctrail_kinds::aws::{KeyTarget, Target};
use ctrail_model::Place;
use ctrail_model::{ActionKind, Plan};
use ctrail_render::{Section, Style, plan};

use super::live::{self, Planned};
use crate::render::progress::Progress;

#[derive(clap::Args)]
pub struct Options {
    /// A spec file, or a plan saved with `ctrail plan --out`.
    #[arg(value_name = "SPEC|PLAN")]
    pub target: PathBuf,
    /// More specs or plans (each for its own accounts), applied in the same
    /// run with --auto-approve, at most --parallelism at once, each by its
    /// own `ctrail apply`; a summary line per spec follows.
    #[arg(value_name = "SPEC|PLAN")]
    pub more: Vec<PathBuf>,
    /// Apply without asking (for pipelines, after reviewing the plan).
    #[arg(long)]
    pub auto_approve: bool,
    /// Most actions running at once (and, over several specs, most specs
    /// applied at once).
    #[arg(long, default_value_t = 8, value_name = "N", value_parser = clap::value_parser!(u16).range(1..=64))]
    pub parallelism: u16,
    /// Seconds to keep retrying while AWS propagates a new role, policy or key.
    #[arg(long, default_value_t = 180, value_name = "SECONDS")]
    pub propagation_timeout: u64,
    /// Release the apply lock with this id first (its run is gone; the
    /// refusal of a locked apply names the id), then apply.
    #[arg(long, value_name = "LOCK_ID")]
    pub force_unlock: Option<String>,
    /// Accept the preflight finding with this id after judging it wrong (as
    /// `ctrail plan --accept-finding`); a saved plan's accepted findings are
    /// accepted already. Repeatable; an id that names no finding is an error.
    #[arg(long = "accept-finding", value_name = "ID")]
    pub accept_findings: Vec<String>,
}

/// The apply lock's calls, under the run's retry policy.
pub(crate) fn locker<'a>(
    clients: &'a Clients,
    opts: &Options,
) -> ctrail_executor::lock::Locker<'a, Clients> {
    let exec = ExecOptions {
        propagation_timeout: Duration::from_secs(opts.propagation_timeout),
        ..ExecOptions::default()
    };
    ctrail_executor::lock::Locker {
        store: clients,
        policy: exec.policy(),
        on_retry: &|_| {},
    }
}

/// A saved plan, if `path` holds one (JSON with a format version).
fn saved_plan(path: &Path) -> Option<anyhow::Result<Plan>> {
    let text = std::fs::read_to_string(path).ok()?;
    if !text.trim_start().starts_with('{') {
        return None;
    }
    Some(
        serde_json::from_str::<Plan>(&text)
            .map_err(|e| anyhow::anyhow!("{} is not a ctrail plan: {e}", path.display()))
            .and_then(|p| {
                if p.format_version == Plan::FORMAT_VERSION {
                    Ok(p)
                } else {
                    Err(anyhow::anyhow!(
                        "{} is a plan of format {}, this ctrail reads format {}",
                        path.display(),
                        p.format_version,
                        Plan::FORMAT_VERSION
                    ))
                }
            }),
    )
}

/// Why a saved plan no longer describes the account: the addresses whose
/// planned actions differ now.
fn staleness(saved: &Plan, fresh: &Plan) -> Vec<String> {
    let actions = |p: &Plan| -> BTreeMap<String, (ActionKind, Vec<ctrail_model::AttributeChange>)> {
        p.actions
            .iter()
            .map(|a| (a.address.to_string(), (a.kind, a.changes.clone())))
            .collect()
    };
    let (before, now) = (actions(saved), actions(fresh));
    let addresses: BTreeSet<&String> = before.keys().chain(now.keys()).collect();
    addresses
        .into_iter()
        .filter(|a| before.get(*a) != now.get(*a))
        .cloned()
        .collect()
}

fn confirm(n: usize) -> anyhow::Result<bool> {
    if !std::io::stdin().is_terminal() {
        return Err(anyhow::anyhow!(
            "refusing to apply without confirmation: there is no terminal to ask on; review the plan and pass --auto-approve"
        ));
    }
    let answer = super::ask(&format!(
        "\nApply these {n} change(s)? Only 'yes' is accepted: "
    ))?;
    Ok(answer == "yes")
}

pub fn run(opts: Options, conn: &Connection) -> ExitCode {
    if !opts.more.is_empty() {
        return super::apply_many::run(&opts, conn);
    }
    let rt = crate::runtime();
    rt.block_on(async {
        match apply(opts, conn).await {
            Ok(code) => code,
            Err(e) => {
                eprintln!("error: {e:#}");
                ExitCode::from(1)
            }
        }
    })
}

async fn apply(opts: Options, conn: &Connection) -> anyhow::Result<ExitCode> {
    let style = Style::detect();
    let (spec_path, saved) = match saved_plan(&opts.target) {
        Some(plan) => {
            let plan = plan?;
            (PathBuf::from(&plan.header.spec), Some(plan))
        }
        None => (opts.target.clone(), None),
    };
    // The lock's place, from the spec alone, so the lock is read with the plan.
    let spec = super::load_quiet(&spec_path)?.spec;
    let place = LockPlace::new(&spec.state, &spec.trail.name, &spec.region);
    let accounts = Accounts::connect(conn, &spec, Retries::Caller).await;
    // The lock and the ledger live in the state bucket (the log bucket by
    // default), in its account.
    let clients = accounts.at(Place::State);
    let locker = locker(clients, &opts);
    if let Some(id) = &opts.force_unlock {
        let was = locker.force_unlock(&place, id).await.map_err(super::said)?;
        eprintln!(
            "Released lock {id}, held by {} on {} since {}.",
            was.owner,
            was.host,
            was.since()
        );
    }
    let (planned, seen) = tokio::join!(live::plan(&spec_path, conn), locker.observe(&place));
    let mut planned = planned?;
    let seen = seen.map_err(|e| anyhow::anyhow!("reading the apply lock: {e}"))?;
    // What the reviewer saw accepted in the saved plan, and what this run accepts.
    let mut accepted = opts.accept_findings.clone();
    if let Some(saved) = &saved {
        accepted.extend(
            saved
                .preflight
                .iter()
                .filter(|f| f.accepted)
                .map(|f| f.id.clone()),
        );
    }
    let unknown = planned.plan.accept_findings(&opts.accept_findings);
    if !unknown.is_empty() {
        return Err(anyhow::anyhow!(
            "--accept-finding {} names no preflight finding of this plan; nothing was applied",
            unknown.join(", ")
        ));
    }
    planned.plan.accept_findings(&accepted);
    if let Some(saved) = &saved {
        if saved.header.spec_digest != planned.plan.header.spec_digest {
            return Err(anyhow::anyhow!(
                "{} changed since the plan was made; nothing was applied. Plan again.",
                spec_path.display()
            ));
        }
        if saved.header.live_fingerprint != planned.plan.header.live_fingerprint {
            let moved = staleness(saved, &planned.plan);
            return Err(anyhow::anyhow!(
                "the account changed since the plan was made; nothing was applied. {}Plan again.",
                if moved.is_empty() {
                    String::new()
                } else {
                    format!("Now different: {}. ", moved.join(", "))
                }
            ));
        }
    }
    let section = Section::new(&planned.plan);
    print!("{}", plan::text::render(&section, style));
    let blocking = planned.plan.blocking().count();
    if blocking > 0 {
        return Err(anyhow::anyhow!(
            "the preflight found {blocking} grant(s) AWS would refuse (listed above; --accept-finding ID accepts one judged wrong); nothing was applied"
        ));
    }
    if let Some(p) = planned.plan.prevented.first() {
        return Err(anyhow::anyhow!("{p}; nothing was applied"));
    }
    let summary = planned.plan.summary();
    if !summary.has_changes() {
        return Ok(ExitCode::SUCCESS);
    }
    if let Some((a, why)) = planned
        .plan
        .changes()
        .find_map(|a| a.refusal().map(|why| (a, why)))
    {
        return Err(anyhow::anyhow!("{}: {why}; nothing was applied", a.address));
    }
    if saved.is_none() && !opts.auto_approve && !confirm(planned.plan.changes().count())? {
        println!("Nothing was applied.");
        return Ok(ExitCode::from(1));
    }
    let owner = format!(
        "{} (account {})",
        std::env::var("USER")
            .or_else(|_| std::env::var("LOGNAME"))
            .unwrap_or_else(|_| "unknown user".into()),
        planned.live.context.account_id
    );
    let held = locker
        .acquire(&place, &seen, &owner, "ctrail apply")
        .await
        .map_err(super::said)?;
    if let Some(old) = &held.took_over {
        eprintln!(
            "Took over lock {} of {} on {} (process {}): its run is gone.",
            old.id, old.owner, old.host, old.pid
        );
    }
    println!("\nApplying:");
    // The ledger is written under the lock, as soon as every action that
    // changes it has completed (while the settings still run), else after
    // the run; the lock is released while the verifying re-read runs (it
    // needs no lock, and the ledger it reads is written already).
    let owning = Arc::new(ctrail_executor::ledger::Owning::of(&planned.plan));
    let finished = tokio::sync::Notify::new();
    let run = async {
        let report = run_plan(&planned.plan, &planned, &opts, &accounts, Some(&owning)).await;
        finished.notify_one();
        report
    };
    let early = async {
        tokio::select! {
            biased;
            () = owning.completed() => {}
            () = finished.notified() => return false,
        }
        let before = &planned.live.ownership.ledger;
        let after = owning.ledger(before, &planned.plan, &planned.desired);
        write_ledger(&planned, before, &after, (clients, &opts)).await;
        true
    };
    let (report, recorded) = tokio::join!(run, early);
    if !recorded {
        record(&planned.plan, &planned, &report, (clients, &opts)).await;
    }
    print_report(&report, style, "Apply");
    let outcome = async {
        if report.interrupted {
            return Ok(ExitCode::from(130));
        }
        if !report.succeeded() {
            return Ok(ExitCode::from(1));
        }
        verify(&spec_path, conn, style, &planned.live.context).await
    };
    let ((), code) = tokio::join!(release(&locker, Some(&held)), outcome);
    code
}

/// After a run of `plan` (the plan of `planned`, or a destroy's): what
/// ctrail now owns written to the trail's ledger, then the lock released.
/// Either failing is a warning: the run's outcome stands.
pub(crate) async fn settle(
    plan: &Plan,
    planned: &Planned,
    report: &Report,
    run: (&Clients, &Options),
    locker: &ctrail_executor::lock::Locker<'_, Clients>,
    held: Option<&ctrail_executor::lock::Held>,
) {
    record(plan, planned, report, run).await;
    release(locker, held).await;
}

/// What ctrail owns after a run of `plan`, written to the trail's ledger
/// (under the lock); a failure is a warning.
async fn record(plan: &Plan, planned: &Planned, report: &Report, run: (&Clients, &Options)) {
    let before = &planned.live.ownership.ledger;
    let after = ctrail_executor::ledger::after(before, plan, &planned.desired, report);
    write_ledger(planned, before, &after, run).await;
}

/// Writes `after` to the trail's ledger (under the lock) when it differs
/// from `before`; a failure is a warning.
async fn write_ledger(
    planned: &Planned,
    before: &ctrail_kinds::Ledger,
    after: &ctrail_kinds::Ledger,
    run: (&Clients, &Options),
) {
    let (clients, opts) = run;
    let exec = ExecOptions {
        propagation_timeout: Duration::from_secs(opts.propagation_timeout),
        ..ExecOptions::default()
    };
    let state = &planned.spec.state;
    if let Err(e) =
        ctrail_executor::ledger::record(clients, state, before, after, &exec.policy()).await
    {
        eprintln!("warning: {e}");
    }
}

/// Releases the lock this run holds; a failure is a warning.
async fn release(
    locker: &ctrail_executor::lock::Locker<'_, Clients>,
    held: Option<&ctrail_executor::lock::Held>,
) {
    if let Some(held) = held
        && let Err(e) = locker.release(held).await
    {
        eprintln!(
            "warning: the apply lock {} was not released: {e}",
            held.info.id
        );
    }
}

/// Carries out `plan` (made from `planned`'s desired graph and live state);
/// `owning`, when given, follows the actions that change the ledger.
pub(crate) async fn run_plan(
    plan: &Plan,
    planned: &Planned,
    opts: &Options,
    accounts: &Accounts,
    owning: Option<&Arc<ctrail_executor::ledger::Owning>>,
) -> Report {
    let target = Target {
        trail: planned.spec.trail.name.clone(),
        account_id: planned.live.context.account_id.clone(),
        region: planned.spec.region.clone(),
        partition: planned.spec.partition.clone(),
        key: KeyTarget::new(
            planned.live.context.kms_key_arn.clone(),
            planned.spec.kms.as_ref().map(|k| k.key.as_str()),
        ),
    };
    let exec = ExecOptions {
        parallelism: usize::from(opts.parallelism),
        propagation_timeout: Duration::from_secs(opts.propagation_timeout),
        ..ExecOptions::default()
    };
    let interrupt = Arc::new(AtomicBool::new(false));
    let flag = Arc::clone(&interrupt);
    tokio::spawn(async move {
        if tokio::signal::ctrl_c().await.is_ok() {
            eprintln!(
                "\ninterrupted: no new action starts; waiting for the running ones to finish"
            );
            flag.store(true, Ordering::SeqCst);
        }
    });
    let progress = Arc::new(Progress::new(plan.changes().count()));
    let sink = Arc::clone(&progress);
    let owning = owning.map(Arc::clone);
    let started = Instant::now();
    let report = ctrail_executor::apply(
        plan,
        &planned.desired,
        accounts,
        &target,
        &exec,
        Arc::new(move |e| {
            if let Some(o) = &owning {
                o.event(&e);
            }
            sink.event(&e);
        }),
        interrupt,
    )
    .await;
    progress.finish();
    tracing::info!(
        elapsed_ms = started.elapsed().as_millis() as u64,
        "apply finished"
    );
    report
}

/// What a run did; `what`: `Apply` or `Destroy`.
pub(crate) fn print_report(report: &Report, style: Style, what: &str) {
    let done = report.count(|o| matches!(o, Outcome::Completed { .. }));
    let failed = report.count(|o| matches!(o, Outcome::Failed { .. }));
    let not_started = report.count(|o| matches!(o, Outcome::NotStarted));
    if report.succeeded() {
        println!(
            "\n{}",
            style.bold(&format!("{what} complete: {done} change(s) made."))
        );
        return;
    }
    let why = if report.interrupted {
        "interrupted"
    } else {
        "stopped at a failure"
    };
    println!(
        "\n{}",
        style.alert(&format!(
            "{what} {why}: {done} completed, {failed} failed, {not_started} not started."
        ))
    );
    for (address, outcome) in &report.actions {
        match outcome {
            Outcome::Completed { done, .. } => println!("  completed    {address} ({done})"),
            Outcome::Failed { error } => println!("  FAILED       {address}: {error}"),
            Outcome::NotStarted => println!("  not started  {address}"),
        }
    }
    println!(
        "Running ctrail {} again continues from here: every action is idempotent.",
        what.to_lowercase()
    );
}

/// After an apply the account must match the spec. A difference left over is
/// retried briefly (eventual consistency) and then reported as an error.
async fn verify(
    spec: &Path,
    conn: &Connection,
    style: Style,
    known: &ctrail_model::LiveContext,
) -> anyhow::Result<ExitCode> {
    let mut wait = Duration::from_secs(1);
    for attempt in 0..4 {
        // The account, key and organization as the plan read them.
        let again = live::plan_knowing(spec, conn, Some(known)).await?;
        if !again.plan.summary().has_changes() {
            println!("Verified: a new plan shows no changes.");
            return Ok(ExitCode::SUCCESS);
        }
        if attempt == 3 {
            print!("{}", plan::text::render(&Section::new(&again.plan), style));
            return Err(anyhow::anyhow!(
                "the apply completed but a new plan still shows changes (above): a difference AWS keeps reporting, or one ctrail normalises wrongly"
            ));
        }
        tokio::time::sleep(wait).await;
        wait *= 2;
    }
    Ok(ExitCode::SUCCESS)
}
