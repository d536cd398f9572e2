//! `ctrail apply SPEC SPEC...`: several specs (each for its own accounts) in
//! one run, each applied by a `ctrail apply` of its own (`many`), with its
//! own lock.

use std::process::ExitCode;

use ctrail_kinds::aws::Connection;
use ctrail_render::runs::Outcome;

use super::apply::Options;
use super::many::{self, Ended};

/// One spec's own `ctrail apply`, but for its connection and spec.
fn command(opts: &Options) -> Vec<String> {
    vec![
        "apply".into(),
        "--auto-approve".into(),
        "--parallelism".into(),
        opts.parallelism.to_string(),
        "--propagation-timeout".into(),
        opts.propagation_timeout.to_string(),
    ]
}

/// How a spec's run ended, for its summary line.
fn outcome(e: &Ended) -> Outcome {
    match e.code {
        Some(0) if e.stdout.contains("No changes.") => Outcome::Converged,
        Some(0) => Outcome::Done("applied and verified".into()),
        Some(130) => Outcome::Failed("interrupted".into()),
        // The run's own last error line says why.
        _ => Outcome::Failed(e.error("failed (see its output above)")),
    }
}

/// Applies every spec named, at most `--parallelism` at once.
pub fn run(opts: &Options, conn: &Connection) -> ExitCode {
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
    many::run(
        &opts.target,
        &opts.more,
        &command(opts),
        conn,
        usize::from(opts.parallelism),
        outcome,
    )
}
