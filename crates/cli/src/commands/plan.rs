//! `ctrail plan SPEC...`

use std::path::PathBuf;
use std::process::ExitCode;

use ctrail_kinds::aws::Connection;
use ctrail_render::{Section, Style, plan, runs};

use crate::PlanFormat;

#[derive(clap::Args)]
pub struct Options {
    /// The spec files to plan (each in its own section).
    #[arg(required = true, value_name = "SPEC")]
    pub specs: Vec<PathBuf>,
    /// Save the plan (JSON) for a later `ctrail apply PLAN`.
    #[arg(long, value_name = "PLAN")]
    pub out: Option<PathBuf>,
    /// `text` for a terminal, `markdown` for a pull-request comment, `json` for tools.
    #[arg(long, value_enum, default_value_t = PlanFormat::Text)]
    pub format: PlanFormat,
    /// Exit 0 when there are no changes, 2 when there are, 1 on error.
    #[arg(long)]
    pub detailed_exitcode: bool,
    /// Accept the preflight finding with this id (printed with it, e.g.
    /// PF-1a2b3c4d) after judging it wrong: the plan shows it as accepted and
    /// no longer fails on it. Repeatable; an id that names no finding is an error.
    #[arg(long = "accept-finding", value_name = "ID")]
    pub accept_findings: Vec<String>,
    /// Most specs planned at once (each with its own accounts' credentials).
    #[arg(long, default_value_t = 10, value_name = "N", value_parser = clap::value_parser!(u16).range(1..=64))]
    pub parallelism: u16,
}

pub fn run(opts: Options, conn: &Connection) -> ExitCode {
    if opts.out.is_some() && opts.specs.len() != 1 {
        eprintln!("error: --out saves the plan of one spec; give exactly one SPEC");
        return ExitCode::from(1);
    }
    let mut results = crate::runtime().block_on(super::live::plan_all(
        &opts.specs,
        conn,
        usize::from(opts.parallelism),
    ));
    let style = Style::detect();
    let mut failed = false;
    // An acceptance that names no finding fails the plan, and such a plan is
    // not saved: `apply PLAN` would carry the acceptances that did match.
    let mut acceptance_failed = false;
    if !opts.accept_findings.is_empty() {
        let mut unknown: Vec<&str> = opts.accept_findings.iter().map(String::as_str).collect();
        for planned in results.iter_mut().flatten() {
            let missing = planned.plan.accept_findings(&opts.accept_findings);
            unknown.retain(|id| missing.contains(id));
        }
        if !unknown.is_empty() {
            eprintln!(
                "error: --accept-finding {} names no preflight finding of {}",
                unknown.join(", "),
                if opts.specs.len() == 1 {
                    "this plan"
                } else {
                    "these plans"
                }
            );
            failed = true;
            acceptance_failed = true;
        }
    }
    let mut changes = false;
    let mut json_docs = Vec::new();
    let mut runs = Vec::new();
    for (i, result) in results.iter().enumerate() {
        let planned = match result {
            Ok(p) => p,
            Err(e) => {
                eprintln!("error: {e:#}");
                failed = true;
                runs.push(runs::Run {
                    spec: opts.specs[i].display().to_string(),
                    account: super::live::account_of(&opts.specs[i]),
                    outcome: runs::Outcome::Failed(format!("{e:#}")),
                });
                continue;
            }
        };
        runs.push(super::live::run_of(planned));
        let section = Section::new(&planned.plan);
        changes |= planned.plan.summary().has_changes();
        // A grant AWS would refuse fails the plan: apply would refuse it too.
        for f in &planned.plan.preflight {
            if f.accepted {
                eprintln!("warning: {}: {}", planned.plan.header.spec, f.message());
            } else {
                eprintln!("error: {}: {}", planned.plan.header.spec, f.message());
                failed = true;
            }
        }
        for p in &planned.plan.prevented {
            eprintln!("error: {}: {p}", planned.plan.header.spec);
            failed = true;
        }
        match opts.format {
            PlanFormat::Text => {
                if i > 0 {
                    println!();
                }
                print!("{}", plan::text::render(&section, style));
            }
            PlanFormat::Markdown => {
                if i > 0 {
                    println!("\n---\n");
                }
                print!("{}", plan::markdown::render(&section));
            }
            PlanFormat::Json => json_docs.push(plan::json::document(&section)),
        }
        if let Some(out) = &opts.out
            && acceptance_failed
        {
            eprintln!(
                "error: the plan was not saved to {}: --accept-finding named no finding",
                out.display()
            );
        } else if let Some(out) = &opts.out {
            if let Err(e) = std::fs::write(out, plan::json::render(&section)) {
                eprintln!("error: cannot write the plan to {}: {e}", out.display());
                failed = true;
            } else {
                eprintln!("saved the plan to {}", out.display());
            }
        }
    }
    if runs.len() > 1 && !matches!(opts.format, PlanFormat::Json) {
        // One line a spec, after them all: which account, and how it went.
        let table = runs::table(&runs);
        match opts.format {
            PlanFormat::Markdown => println!("\n---\n\n```\n{table}```"),
            _ => println!("\n{table}"),
        }
    }
    if matches!(opts.format, PlanFormat::Json) {
        let doc = if json_docs.len() == 1 {
            json_docs.remove(0)
        } else {
            serde_json::Value::Array(json_docs)
        };
        println!("{}", serde_json::to_string_pretty(&doc).unwrap_or_default());
    }
    if failed {
        ExitCode::from(1)
    } else if opts.detailed_exitcode && changes {
        ExitCode::from(2)
    } else {
        ExitCode::SUCCESS
    }
}
