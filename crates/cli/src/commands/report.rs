//! `ctrail report SPEC`: the setup report from live data (seed 000 step 9).
//! Exit 0 when written, 1 on an error.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, anyhow};
use clap::ValueEnum;
use ctrail_kinds::aws::{Accounts, Connection, Retries};
use ctrail_verify::{checks, gather::gather, report};

#[derive(Clone, Copy, ValueEnum)]
pub enum ReportFormat {
    Markdown,
    /// One self-contained page (inline style, no scripts).
    Html,
    Json,
}

#[derive(clap::Args)]
pub struct Options {
    #[command(flatten)]
    pub target: super::verify::Target,
    /// `markdown` for a ticket or pull request, `html` for one self-contained page, `json` for tools.
    #[arg(long, value_enum, default_value_t = ReportFormat::Markdown)]
    pub format: ReportFormat,
    /// Write the report to this file instead of standard output.
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
}

pub fn run(opts: Options, conn: &Connection) -> ExitCode {
    super::or_error(report(&opts, conn))
}

fn report(opts: &Options, conn: &Connection) -> anyhow::Result<ExitCode> {
    let (spec, expect) = opts.target.load()?;
    let at = super::verify::now();
    let gathered = crate::runtime().block_on(async {
        let accounts = Accounts::connect(conn, &spec, Retries::Sdk).await;
        gather(&accounts, &spec, &expect.regions, at).await
    });
    let shown = opts.target.spec.display();
    // The verify crate's reads answer a message.
    let (evidence, live) = gathered.map_err(|e| anyhow!("{shown}: {e}"))?;
    let all = checks(&expect, &evidence);
    let r = report::build(&spec, &evidence, &live, &all);
    let text = match opts.format {
        ReportFormat::Markdown => report::markdown(&r),
        ReportFormat::Html => report::html(&r),
        ReportFormat::Json => serde_json::to_string_pretty(&r)? + "\n",
    };
    match &opts.out {
        None => print!("{text}"),
        Some(path) => {
            std::fs::write(path, text)
                .with_context(|| format!("cannot write {}", path.display()))?;
            eprintln!("wrote {}", path.display());
        }
    }
    Ok(ExitCode::SUCCESS)
}
