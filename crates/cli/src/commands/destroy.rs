//! `ctrail destroy SPEC`: deletes what ctrail owns of a spec, in reverse
//! dependency order, shown and confirmed like apply. What holds audit logs
//! stays unless the spec's `allow_destroy` says otherwise; a bucket is
//! emptied only with `--delete-log-data` and its name typed (or given with
//! `--confirm-bucket`); what ctrail does not own is left alone.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::process::ExitCode;

use ctrail_differ::destroy::{Data, OBJECTS, destroy};
use ctrail_executor::lock::{LockPlace, StoredLock};
use ctrail_kinds::LiveResource;
use ctrail_kinds::aws::{Accounts, Clients, Connection, Retries};
use ctrail_model::{ActionKind, Plan, ResourceKind};
use ctrail_render::{Section, Style, plan};

use super::apply::{self, print_report};
use super::live::{self, Planned};

#[derive(clap::Args)]
pub struct Options {
    /// The spec whose resources ctrail made are deleted.
    #[arg(value_name = "SPEC")]
    pub spec: PathBuf,
    /// Destroy without asking (for pipelines, after reviewing the plan).
    #[arg(long)]
    pub auto_approve: bool,
    /// Allow deleting log data: empty the buckets the spec lets ctrail
    /// delete (`allow_destroy`), and delete its log group. Each bucket's
    /// name must still be typed, or given with --confirm-bucket.
    #[arg(long)]
    pub delete_log_data: bool,
    /// The name of a bucket whose objects may be deleted (instead of typing
    /// it); repeat for several.
    #[arg(long, value_name = "BUCKET")]
    pub confirm_bucket: Vec<String>,
    /// Most actions running at once.
    #[arg(long, default_value_t = 8, value_name = "N", value_parser = clap::value_parser!(u16).range(1..=64))]
    pub parallelism: u16,
    /// Release the apply lock with this id first (its run is gone).
    #[arg(long, value_name = "LOCK_ID")]
    pub force_unlock: Option<String>,
}

pub fn run(opts: Options, conn: &Connection) -> ExitCode {
    let rt = crate::runtime();
    super::or_error(rt.block_on(run_destroy(opts, conn)))
}

/// The destroy plan of a spec planned against its account.
async fn plan_destroy(
    planned: &Planned,
    clients: &Clients,
    delete_log_data: bool,
) -> anyhow::Result<Plan> {
    let mut data = Data {
        delete_log_data,
        ..Data::default()
    };
    // Count what the buckets ctrail may delete hold (only those).
    for r in planned.desired.resources() {
        let present = matches!(
            planned.live.resources.get(&r.address),
            Some(LiveResource::Present(_))
        );
        if r.address.kind == ResourceKind::S3Bucket && r.destroy_allowed && present {
            let n = ctrail_kinds::s3::bucket::stored_objects(&clients.s3, &r.address.name)
                .await
                .map_err(|e| anyhow::anyhow!("counting the objects of {}: {e}", r.address.name))?;
            data.objects.insert(r.address.name.clone(), n);
        }
    }
    let d = destroy(&planned.desired, &planned.live, &data).map_err(super::said)?;
    let mut plan = Plan::new(planned.plan.header.clone(), d.actions);
    live::show_accounts(&mut plan, &planned.spec);
    plan.left_alone = d.left_alone;
    plan.retained = d.retained;
    plan.prevented = ctrail_differ::prevented(&plan.actions, &planned.spec.prevent_destroy);
    Ok(plan)
}

/// The buckets the plan empties, with how many objects each holds.
fn emptied(plan: &Plan) -> BTreeMap<String, u64> {
    plan.changes()
        .filter(|a| a.address.kind == ResourceKind::S3Bucket)
        .filter_map(|a| {
            let n = a.changes.iter().find(|c| c.path == OBJECTS)?.old.as_ref()?;
            Some((a.address.name.clone(), n.as_u64().unwrap_or(0)))
        })
        .collect()
}

/// Asks for the deletes, and for each bucket's name before emptying it.
fn confirm(plan: &Plan, opts: &Options) -> anyhow::Result<bool> {
    let terminal = std::io::IsTerminal::is_terminal(&std::io::stdin());
    for (bucket, n) in emptied(plan) {
        if opts.confirm_bucket.contains(&bucket) {
            continue;
        }
        if !terminal {
            return Err(anyhow::anyhow!(
                "s3_bucket.{bucket} holds {n} object version(s) of audit logs; confirm deleting them with --confirm-bucket {bucket}; nothing was deleted"
            ));
        }
        let answer = super::ask(&format!(
            "\ns3_bucket.{bucket} holds {n} object version(s) of audit logs. Type the bucket's name to delete them: "
        ))?;
        if answer != bucket {
            return Ok(false);
        }
    }
    if opts.auto_approve {
        return Ok(true);
    }
    if !terminal {
        return Err(anyhow::anyhow!(
            "refusing to destroy without confirmation: there is no terminal to ask on; review the plan and pass --auto-approve"
        ));
    }
    let n = plan.changes().count();
    let answer = super::ask(&format!(
        "\nDestroy these {n} resource(s)? Only 'yes' is accepted: "
    ))?;
    Ok(answer == "yes")
}

async fn run_destroy(opts: Options, conn: &Connection) -> anyhow::Result<ExitCode> {
    let style = Style::detect();
    let spec = super::load_quiet(&opts.spec)?.spec;
    let place = LockPlace::new(&spec.state, &spec.trail.name, &spec.region);
    let accounts = Accounts::connect(conn, &spec, Retries::Caller).await;
    // The state bucket's account (the lock and the ledger), and the log
    // bucket's (the objects a deleted bucket holds).
    let clients = accounts.at(ctrail_model::Place::State);
    let logs = accounts.at(ctrail_model::Place::Bucket);
    let apply_opts = apply::Options {
        target: opts.spec.clone(),
        more: Vec::new(),
        auto_approve: opts.auto_approve,
        parallelism: opts.parallelism,
        propagation_timeout: 180,
        force_unlock: opts.force_unlock.clone(),
        accept_findings: Vec::new(),
    };
    let locker = apply::locker(clients, &apply_opts);
    if let Some(id) = &opts.force_unlock {
        let was = locker.force_unlock(&place, id).await.map_err(super::said)?;
        eprintln!("Released lock {id}, held by {} on {}.", was.owner, was.host);
    }
    let (planned, seen) = tokio::join!(live::plan(&opts.spec, conn), locker.observe(&place));
    let planned = planned?;
    let seen = seen.map_err(|e| anyhow::anyhow!("reading the apply lock: {e}"))?;
    let plan = plan_destroy(&planned, logs, opts.delete_log_data).await?;
    if let Some(p) = plan.prevented.first() {
        print!("{}", plan::text::render(&Section::new(&plan), style));
        return Err(anyhow::anyhow!("{p}; nothing was deleted"));
    }
    if !plan.summary().has_changes() {
        println!(
            "Nothing to destroy: trail {} in account {}, {} ({}).",
            spec.trail.name,
            planned.live.context.account_id,
            spec.region,
            opts.spec.display()
        );
        for line in plan::ownership_lines(&plan) {
            println!("{line}");
        }
        return Ok(ExitCode::SUCCESS);
    }
    println!("Destroy plan: everything ctrail owns of this spec, but what is kept.\n");
    print!("{}", plan::text::render(&Section::new(&plan), style));
    if let Some((a, why)) = plan.changes().find_map(|a| a.refusal().map(|w| (a, w))) {
        return Err(anyhow::anyhow!("{}: {why}; nothing was deleted", a.address));
    }
    if !confirm(&plan, &opts)? {
        println!("Nothing was deleted.");
        return Ok(ExitCode::from(1));
    }
    // With no log bucket holding the lock there is nothing that another
    // run could be writing to it either; a state bucket of its own must
    // exist (acquire says so).
    let held = match seen {
        StoredLock::NoBucket if place.log_bucket => None,
        seen => {
            let owner = format!("{} (account {})", user(), planned.live.context.account_id);
            Some(
                locker
                    .acquire(&place, &seen, &owner, "ctrail destroy")
                    .await
                    .map_err(super::said)?,
            )
        }
    };
    println!("\nDestroying:");
    let report = apply::run_plan(&plan, &planned, &apply_opts, &accounts, None).await;
    let bucket_gone = report.actions.iter().any(|(a, o)| {
        a.kind == ResourceKind::S3Bucket
            && a.name == spec.bucket.name
            && matches!(o, ctrail_executor::Outcome::Completed { .. })
    });
    // A deleted log bucket that held the state took the ledger and the
    // lock with it.
    let bucket_gone = bucket_gone && spec.state.in_log_bucket;
    if !bucket_gone {
        let run = (clients, &apply_opts);
        apply::settle(&plan, &planned, &report, run, &locker, held.as_ref()).await;
    }
    print_report(&report, style, "Destroy");
    if report.interrupted {
        return Ok(ExitCode::from(130));
    }
    if !report.succeeded() {
        return Ok(ExitCode::from(1));
    }
    // What is left must be only what is kept: a second destroy finds nothing.
    let again = live::plan(&opts.spec, conn).await?;
    let left = plan_destroy(&again, logs, opts.delete_log_data).await?;
    let remaining: Vec<String> = left
        .changes()
        .filter(|a| a.kind == ActionKind::Delete)
        .map(|a| a.address.to_string())
        .collect();
    if !remaining.is_empty() {
        return Err(anyhow::anyhow!(
            "the destroy completed but these still exist: {}",
            remaining.join(", ")
        ));
    }
    println!("Verified: a second destroy finds nothing to delete.");
    Ok(ExitCode::SUCCESS)
}

fn user() -> String {
    std::env::var("USER")
        .or_else(|_| std::env::var("LOGNAME"))
        .unwrap_or_else(|_| "unknown user".into())
}
