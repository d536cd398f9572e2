//! `ctrail apply SPEC SPEC...`: several specs (each for its own accounts) in
//! one run. Each spec is applied by a `ctrail apply` of its own, at most
//! `--parallelism` at once: its own credentials, its own lock, its own
//! output (printed whole, in argument order, once it ends, so that runs
//! never interleave), and a failure that stops nobody else. One summary
//! line per spec follows, and the exit code is the worst of them.

use std::path::{Path, PathBuf};
use std::process::{ExitCode, Stdio};

use ctrail_kinds::aws::Connection;
use ctrail_render::runs::{self, Outcome, Run};
use futures::StreamExt;

use super::apply::Options;

/// What one spec's run printed and how it ended.
struct Ended {
    target: PathBuf,
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

/// The arguments of one spec's own `ctrail apply`.
fn arguments(opts: &Options, conn: &Connection, target: &Path) -> Vec<String> {
    let mut args: Vec<String> = vec![
        "apply".into(),
        "--auto-approve".into(),
        "--parallelism".into(),
        opts.parallelism.to_string(),
        "--propagation-timeout".into(),
        opts.propagation_timeout.to_string(),
    ];
    for (flag, value) in [
        ("--profile", &conn.profile),
        ("--region", &conn.region),
        ("--endpoint-url", &conn.endpoint_url),
    ] {
        if let Some(v) = value {
            args.push(flag.into());
            args.push(v.clone());
        }
    }
    args.push(target.display().to_string());
    args
}

async fn apply_one(opts: &Options, conn: &Connection, target: PathBuf) -> Ended {
    let args = arguments(opts, conn, &target);
    // A process of its own, waited for off the runtime's threads.
    let out = tokio::task::spawn_blocking(move || {
        let exe = std::env::current_exe()?;
        std::process::Command::new(exe)
            .args(args)
            .stdin(Stdio::null())
            .output()
    })
    .await
    .unwrap_or_else(|e| Err(std::io::Error::other(e.to_string())));
    match out {
        Ok(o) => Ended {
            target,
            code: o.status.code(),
            stdout: String::from_utf8_lossy(&o.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&o.stderr).into_owned(),
        },
        Err(e) => Ended {
            target,
            code: None,
            stdout: String::new(),
            stderr: format!("error: cannot start ctrail apply: {e}\n"),
        },
    }
}

/// The account a spec's run acted in: as its spec names it, else as its
/// plan's header said (`... in account 123456789012, ...`).
fn account(e: &Ended) -> String {
    let named = super::live::account_of(&e.target);
    if named != "-" {
        return named;
    }
    e.stdout
        .lines()
        .find_map(|l| {
            let rest = l.split(" in account ").nth(1)?;
            let id: String = rest.chars().take_while(char::is_ascii_digit).collect();
            (id.len() == 12).then_some(id)
        })
        .unwrap_or(named)
}

/// How a spec's run ended, for its summary line.
fn outcome(e: &Ended) -> Outcome {
    match e.code {
        Some(0) if e.stdout.contains("No changes.") => Outcome::Converged,
        Some(0) => Outcome::Done("applied and verified".into()),
        Some(130) => Outcome::Failed("interrupted".into()),
        _ => {
            // The run's own last error line says why.
            let why = e
                .stderr
                .lines()
                .rev()
                .find_map(|l| l.strip_prefix("error: "))
                .unwrap_or("failed (see its output above)");
            Outcome::Failed(why.to_owned())
        }
    }
}

/// Applies every target, at most `--parallelism` at once.
pub fn run(targets: Vec<PathBuf>, opts: &Options, conn: &Connection) -> ExitCode {
    if !opts.auto_approve {
        eprintln!(
            "error: several specs are applied only with --auto-approve (review their plans first: ctrail plan SPEC...)"
        );
        return ExitCode::from(1);
    }
    if opts.force_unlock.is_some() || !opts.accept_findings.is_empty() {
        eprintln!(
            "error: --force-unlock and --accept-finding name one spec's lock or finding: apply that spec alone"
        );
        return ExitCode::from(1);
    }
    let parallelism = usize::from(opts.parallelism).max(1);
    let ended: Vec<Ended> = crate::runtime().block_on(
        futures::stream::iter(targets.into_iter().map(|t| apply_one(opts, conn, t)))
            .buffered(parallelism)
            .collect(),
    );
    let mut summary = Vec::new();
    for (i, e) in ended.iter().enumerate() {
        if i > 0 {
            println!();
        }
        println!("== {} ==", e.target.display());
        print!("{}", e.stdout);
        eprint!("{}", e.stderr);
        summary.push(Run {
            spec: e.target.display().to_string(),
            account: account(e),
            outcome: outcome(e),
        });
    }
    println!("\n{}", runs::table(&summary));
    ExitCode::from(runs::worst(&summary).exit_code(false))
}
