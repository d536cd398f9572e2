//! `ctrail verify SPEC`: is the trail really delivering, in every region?
//! Exit 0 when every check passes, 2 when a delivery is still pending, 1 on
//! a failure (or an error).

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use anyhow::anyhow;
use clap::ValueEnum;
use ctrail_kinds::aws::{Accounts, Connection, Retries};
use ctrail_verify::gather::{gather, generate};
use ctrail_verify::{Check, Expect, Status, checks, overall, render};

use crate::render::progress::Wait;

#[derive(Clone, Copy, ValueEnum)]
pub enum VerifyFormat {
    Text,
    Json,
    Markdown,
}

/// Which trail, and which regions besides its home region.
#[derive(clap::Args)]
pub struct Target {
    /// The spec whose trail is verified.
    #[arg(value_name = "SPEC")]
    pub spec: PathBuf,
    /// Other regions whose delivery is checked (the home region always is);
    /// by default two of us-east-1, us-west-2 and eu-west-1.
    #[arg(long, value_delimiter = ',', value_name = "REGION,...")]
    pub regions: Vec<String>,
}

impl Target {
    /// The spec, and what its trail is expected to do in the regions.
    pub fn load(&self) -> Result<(ctrail_spec::Spec, Expect), super::LoadFailure> {
        let spec = super::load_quiet(&self.spec)?.spec;
        let others = if self.regions.is_empty() {
            default_regions(&spec.region)
        } else {
            self.regions.clone()
        };
        let expect = Expect::of(&spec, &others);
        Ok((spec, expect))
    }
}

#[derive(clap::Args)]
pub struct Options {
    #[command(flatten)]
    pub target: Target,
    /// Keep checking, with backoff, until nothing is pending or this long has
    /// passed (e.g. 20m); what is still missing then fails.
    #[arg(long, value_name = "DURATION")]
    pub wait: Option<String>,
    /// First make harmless read calls (ListTrails, GetCallerIdentity) in the
    /// other regions, so fresh events exist there to be delivered.
    #[arg(long)]
    pub generate: bool,
    /// `text` for a terminal, `json` for tools, `markdown` for a ticket.
    #[arg(long, value_enum, default_value_t = VerifyFormat::Text)]
    pub format: VerifyFormat,
    /// More specs (each for its own accounts), verified in the same run, at
    /// most --parallelism at once, each by its own `ctrail verify`; a
    /// summary line per spec follows (text and markdown only).
    #[arg(value_name = "SPEC")]
    pub more: Vec<PathBuf>,
    /// Most specs verified at once, over several specs.
    #[arg(long, default_value_t = 8, value_name = "N", value_parser = clap::value_parser!(u16).range(1..=64))]
    pub parallelism: u16,
}

/// Two regions other than `home`, for the multi-region checks.
pub(crate) fn default_regions(home: &str) -> Vec<String> {
    ["us-east-1", "us-west-2", "eu-west-1"]
        .into_iter()
        .filter(|r| *r != home)
        .take(2)
        .map(str::to_owned)
        .collect()
}

pub(crate) fn now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
}

/// What is still pending when `--wait` runs out has failed.
fn timed_out(mut all: Vec<Check>, wait: &str) -> Vec<Check> {
    for c in all.iter_mut().filter(|c| c.status == Status::Pending) {
        c.status = Status::Fail;
        c.evidence = format!("{} (still missing after --wait {wait})", c.evidence);
    }
    all
}

/// How to look for the other regions' events later, by hand.
fn later(path: &std::path::Path, spec: &ctrail_spec::Spec) -> String {
    let path = path.display();
    let region = &spec.region;
    let again = format!(
        "Re-check later: ctrail verify {path} --wait 20m (exits once nothing is pending)
"
    );
    let Some(logs) = &spec.cloudwatch_logs else {
        return again;
    };
    let query = format!(
        "fields @timestamp, awsRegion, eventName | filter awsRegion != \"{region}\" | sort @timestamp desc"
    );
    format!(
        "{again}Or look for other regions' events in the log group:\n  aws logs start-query --log-group-name {} --start-time <epoch-seconds> --end-time <epoch-seconds> --query-string '{query}' --region {region}\n",
        logs.log_group
    )
}

pub fn run(opts: Options, conn: &Connection) -> ExitCode {
    if !opts.more.is_empty() {
        return many(&opts, conn);
    }
    super::or_error(verify(&opts, conn))
}

/// `ctrail verify SPEC SPEC...`: each spec by a `ctrail verify` of its own
/// (`many`), with the same regions, wait and generation; the exit code is
/// the worst verdict's (1 fail, 2 pending).
fn many(opts: &Options, conn: &Connection) -> ExitCode {
    let format = match opts.format {
        VerifyFormat::Text => "text",
        VerifyFormat::Markdown => "markdown",
        VerifyFormat::Json => {
            eprintln!(
                "error: --format json verifies one spec per run (a document each): run ctrail verify once per spec, or use text or markdown"
            );
            return ExitCode::from(1);
        }
    };
    let mut command = vec!["verify".to_owned(), "--format".into(), format.into()];
    if !opts.target.regions.is_empty() {
        command.push("--regions".into());
        command.push(opts.target.regions.join(","));
    }
    if let Some(w) = &opts.wait {
        command.push("--wait".into());
        command.push(w.clone());
    }
    if opts.generate {
        command.push("--generate".into());
    }
    let parallelism = usize::from(opts.parallelism);
    super::many::run(
        &opts.target.spec,
        &opts.more,
        &command,
        conn,
        parallelism,
        outcome,
    )
}

/// A spec's summary line: its verdict (`Verdict: pass. ...`), a failure
/// when it is fail or pending.
fn outcome(e: &super::many::Ended) -> ctrail_render::runs::Outcome {
    use ctrail_render::runs::Outcome;
    let verdict = e.line(|l| {
        let v = l.trim_start_matches("**").strip_prefix("Verdict: ")?;
        Some(v.split('.').next().unwrap_or(v).trim_end_matches("**"))
    });
    match (e.code, verdict) {
        (Some(0), Some(v)) => Outcome::Done(format!("verdict {v}")),
        (Some(1 | 2), Some(v)) => Outcome::Failed(format!("verdict {v}")),
        _ => Outcome::Failed(e.error("failed (see its output above)")),
    }
}

fn verify(opts: &Options, conn: &Connection) -> anyhow::Result<ExitCode> {
    let (spec, expect) = opts.target.load()?;
    let wait = opts
        .wait
        .as_deref()
        .map(|w| super::query::duration_of(w, "--wait"));
    let wait = wait
        .transpose()?
        .map(|secs| Duration::from_secs(u64::try_from(secs).unwrap_or(0)));
    // The trail's account's reads, and the log bucket's, as the spec's
    // `accounts` reach them (the caller's, in a spec without).
    // One runtime for the clients and every read they make: a client's
    // connections belong to the runtime that opened them.
    let rt = crate::runtime();
    let accounts = rt.block_on(Accounts::connect(conn, &spec, Retries::Sdk));
    if opts.generate {
        let others: Vec<String> = expect.regions[1..].to_vec();
        rt.block_on(generate(&accounts, &others))
            .map_err(|e| anyhow!("generating events: {e}"))?;
        eprintln!(
            "generated read events in {} at {}; CloudTrail delivers them within about 5-15 minutes (hours in an opt-in region)",
            others.join(", "),
            ctrail_verify::checks::when(now())
        );
    }
    let started = Instant::now();
    let mut delay = Duration::from_secs(5);
    let progress = wait.map(Wait::new);
    let all = loop {
        let gathered = rt.block_on(gather(&accounts, &spec, &expect.regions, now()));
        let shown = opts.target.spec.display();
        // The verify crate's reads answer a message.
        let (evidence, _) = gathered.map_err(|e| anyhow!("{shown}: {e}"))?;
        let all = checks(&expect, &evidence);
        let (Some(limit), Some(progress)) = (wait, &progress) else {
            break all;
        };
        if overall(&all) != Status::Pending {
            break all;
        }
        let left = limit.saturating_sub(started.elapsed());
        if left.is_zero() {
            break timed_out(all, opts.wait.as_deref().unwrap_or_default());
        }
        let pending = all.iter().filter(|c| c.status == Status::Pending).count();
        let pause = delay.min(left);
        progress.waiting(&format!(
            "waiting for {pending} pending check(s); next look in {:.0} s",
            pause.as_secs_f64()
        ));
        progress.sleep(pause, started.elapsed());
        delay = (delay * 2).min(Duration::from_secs(60));
    };
    if let Some(p) = &progress {
        p.finish();
    }
    let trail = spec.trail.name.as_str();
    match opts.format {
        VerifyFormat::Text => {
            print!("{}", render::text(trail, &all));
            if overall(&all) == Status::Pending {
                print!("{}", later(&opts.target.spec, &spec));
            }
        }
        VerifyFormat::Markdown => print!("{}", render::markdown(trail, &all)),
        VerifyFormat::Json => println!("{}", render::json(trail, &all)),
    }
    Ok(match overall(&all) {
        Status::Pass => ExitCode::SUCCESS,
        Status::Pending => ExitCode::from(2),
        Status::Fail => ExitCode::from(1),
    })
}
