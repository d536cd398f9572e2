//! Several specs (each for its own accounts) in one run, for `apply`,
//! `check` and `verify`: each spec is run by a `ctrail` process of its own,
//! at most `--parallelism` at once, with its own credentials and output
//! (printed whole, in argument order, once it ends, so that runs never
//! interleave), and a failure that stops nobody else. One summary line per
//! spec follows, and the exit code is the worst of theirs.

use std::path::{Path, PathBuf};
use std::process::{ExitCode, Stdio};

use ctrail_kinds::aws::Connection;
use ctrail_render::runs::{self, Outcome, Run};
use futures::StreamExt;

/// What one spec's run printed and how it ended.
pub(crate) struct Ended {
    pub target: PathBuf,
    pub code: Option<i32>,
    pub stdout: String,
    pub stderr: String,
}

impl Ended {
    /// The first line of the run's output that `pick` takes, as it takes it.
    pub fn line<'a>(&'a self, pick: impl Fn(&'a str) -> Option<&'a str>) -> Option<String> {
        self.stdout.lines().find_map(pick).map(str::to_owned)
    }

    /// The run's own last error line, else `otherwise`.
    pub fn error(&self, otherwise: &str) -> String {
        self.stderr
            .lines()
            .rev()
            .find_map(|l| l.strip_prefix("error: "))
            .unwrap_or(otherwise)
            .to_owned()
    }
}

/// The connection flags a spec's own run repeats.
fn connection_args(conn: &Connection) -> Vec<String> {
    let mut args = Vec::new();
    for (flag, value) in [
        ("--profile", &conn.profile),
        ("--region", &conn.region),
        ("--endpoint-url", &conn.endpoint_url),
    ] {
        if let Some(v) = value {
            args.push(flag.to_owned());
            args.push(v.clone());
        }
    }
    args
}

async fn run_one(args: Vec<String>, target: PathBuf) -> Ended {
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
            stderr: format!("error: cannot start ctrail: {e}\n"),
        },
    }
}

/// The account a spec's run acted in: as its spec names it, else as its
/// output's header said (`... in account 123456789012, ...`).
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

/// Runs `ctrail <command> <this run's connection flags> <target>` for
/// `first` and every one of `more`, at most `parallelism` at once; prints
/// each run's output, then the summary (each run's line from `outcome`).
/// The exit code is the highest of the runs' own.
pub(crate) fn run(
    first: &Path,
    more: &[PathBuf],
    command: &[String],
    conn: &Connection,
    parallelism: usize,
    outcome: impl Fn(&Ended) -> Outcome,
) -> ExitCode {
    let args_of = |target: &Path| {
        let mut args = command.to_vec();
        args.extend(connection_args(conn));
        args.push(target.display().to_string());
        args
    };
    let ended: Vec<Ended> = crate::runtime().block_on(
        futures::stream::iter(
            std::iter::once(first.to_path_buf())
                .chain(more.iter().cloned())
                .map(|t| run_one(args_of(&t), t)),
        )
        .buffered(parallelism.max(1))
        .collect(),
    );
    let mut summary = Vec::new();
    let mut worst = 0u8;
    for (i, e) in ended.iter().enumerate() {
        if i > 0 {
            println!();
        }
        println!("== {} ==", e.target.display());
        print!("{}", e.stdout);
        eprint!("{}", e.stderr);
        let code = e.code.and_then(|c| u8::try_from(c).ok()).unwrap_or(1);
        worst = worst.max(code);
        summary.push(Run {
            spec: e.target.display().to_string(),
            account: account(e),
            outcome: outcome(e),
        });
    }
    println!("\n{}", runs::table(&summary));
    ExitCode::from(worst)
}
