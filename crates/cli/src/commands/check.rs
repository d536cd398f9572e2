//! `ctrail check SPEC [--live]`: the CIS AWS Foundations Benchmark v3.0
//! controls on CloudTrail and monitoring, judged on what the account will
//! hold once the spec is applied (for a pull request, before anything
//! changes), each at the spec line that decides it; with `--live`, on the
//! account as it is, including what ctrail does not manage.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use clap::ValueEnum;
use ctrail_check::render::{self, Place};
use ctrail_check::{Origin, Status};
use ctrail_kinds::aws::{Accounts, Connection, Retries};

#[derive(Clone, Copy, ValueEnum)]
pub enum CheckFormat {
    Text,
    Json,
    Markdown,
    /// SARIF 2.1.0, for code-scanning UIs (GitHub code scanning shows each
    /// failed control at the spec line).
    Sarif,
}

#[derive(clap::Args)]
pub struct Options {
    /// The spec whose CIS controls are judged.
    #[arg(value_name = "SPEC")]
    pub spec: PathBuf,
    /// `text` for a terminal, `json` for tools, `markdown` for a pull request, `sarif` for code scanning.
    #[arg(long, value_enum, default_value_t = CheckFormat::Text)]
    pub format: CheckFormat,
    /// Judge the account as it is (read-only), in the spec's region: every
    /// trail it sees, every metric filter on their log groups, the alarms
    /// and their topics' subscriptions, whoever made them.
    #[arg(long)]
    pub live: bool,
    /// More specs (each for its own accounts), judged in the same run, at
    /// most --parallelism at once, each by its own `ctrail check`; a summary
    /// line per spec follows (text and markdown only).
    #[arg(value_name = "SPEC")]
    pub more: Vec<PathBuf>,
    /// Most specs judged at once, over several specs.
    #[arg(long, default_value_t = 8, value_name = "N", value_parser = clap::value_parser!(u16).range(1..=64))]
    pub parallelism: u16,
}

pub fn run(opts: &Options, conn: &Connection) -> ExitCode {
    if !opts.more.is_empty() {
        return many(opts, conn);
    }
    super::or_error(check(opts, conn))
}

/// `ctrail check [--live] SPEC SPEC...`: each spec by a `ctrail check` of
/// its own (`many`); a control failing in one account fails the run.
fn many(opts: &Options, conn: &Connection) -> ExitCode {
    let format = match opts.format {
        CheckFormat::Text => "text",
        CheckFormat::Markdown => "markdown",
        CheckFormat::Json | CheckFormat::Sarif => {
            eprintln!(
                "error: --format json and sarif judge one spec per run (a document each): run ctrail check once per spec, or use text or markdown"
            );
            return ExitCode::from(1);
        }
    };
    let mut command = vec!["check".to_owned(), "--format".into(), format.into()];
    if opts.live {
        command.push("--live".into());
    }
    let parallelism = usize::from(opts.parallelism);
    super::many::run(&opts.spec, &opts.more, &command, conn, parallelism, outcome)
}

/// A spec's summary line: its verdicts' count line (`22 pass, 0 fail, 4
/// manual`), a failure when a control failed.
fn outcome(e: &super::many::Ended) -> ctrail_render::runs::Outcome {
    use ctrail_render::runs::Outcome;
    let counts = e.line(|l| {
        (l.contains(" pass, ") && l.contains(" fail"))
            .then(|| l.trim_matches(|c: char| c == '*' || c.is_whitespace()))
    });
    match (e.code, counts) {
        (Some(0), Some(c)) => Outcome::Done(c),
        (Some(1), Some(c)) => Outcome::Failed(c),
        _ => Outcome::Failed(e.error("failed (see its output above)")),
    }
}

/// The trail's account's facts, in the spec's region, read with that
/// account's credentials (its entry under `accounts`), and what lives in
/// another account the spec names with that account's; refused when an
/// account is not the spec's (the guard).
fn live_facts(spec: &ctrail_spec::Spec, conn: &Connection) -> anyhow::Result<ctrail_check::Facts> {
    crate::runtime().block_on(async {
        let accounts = Accounts::connect(conn, spec, Retries::Sdk).await;
        ctrail_kinds::aws::account::guard_spec(&accounts, spec).await?;
        // What lives in another account the spec names (an organization
        // trail's log group, seen from a member account) is read there.
        let reach = ctrail_check::live::Reach {
            home: accounts.trail(),
            others: accounts
                .named
                .iter()
                .map(|(a, c)| (a.account_id.clone(), c))
                .collect(),
        };
        Ok(ctrail_check::live::gather(&reach).await?)
    })
}

fn check(opts: &Options, conn: &Connection) -> anyhow::Result<ExitCode> {
    let loaded = super::load_quiet(&opts.spec)?;
    let text =
        std::fs::read_to_string(&opts.spec).with_context(|| opts.spec.display().to_string())?;
    let facts = if opts.live {
        live_facts(&loaded.spec, conn)?
    } else {
        ctrail_check::from_spec(&loaded.spec)
    };
    let verdicts = ctrail_check::judge(&facts);
    let file = opts.spec.display().to_string();
    // Parsed once; each verdict's field is looked up in it.
    let root = ctrail_spec::yaml::parse(&text).ok();
    let locate = |o: &Origin| match o {
        Origin::Spec(path) => Place {
            file: Some(file.clone()),
            line: root
                .as_ref()
                .and_then(|r| ctrail_spec::yaml::locate(r, path))
                .map(|l| l.line),
            resource: None,
        },
        Origin::Live(resource) => Place {
            file: None,
            line: None,
            resource: Some(resource.clone()),
        },
    };
    match opts.format {
        CheckFormat::Text => print!("{}", render::text(&verdicts, &locate)),
        CheckFormat::Markdown => print!("{}", render::markdown(&verdicts, &locate)),
        CheckFormat::Json => println!("{:#}", render::json(&verdicts, &locate)),
        CheckFormat::Sarif => println!("{:#}", render::sarif(&verdicts, &locate)),
    }
    Ok(if verdicts.iter().any(|v| v.status == Status::Fail) {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}
