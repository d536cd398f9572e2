//! `ctrail check SPEC`: the CIS AWS Foundations Benchmark v3.0 controls on
//! CloudTrail and monitoring, judged on what the account will hold once the
//! spec is applied (for a pull request, before anything changes), each at the
//! spec line that decides it.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::ValueEnum;
use ctrail_check::render::{self, Place};
use ctrail_check::{Origin, Status};

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
    #[arg(value_name = "SPEC")]
    pub spec: PathBuf,
    #[arg(long, value_enum, default_value_t = CheckFormat::Text)]
    pub format: CheckFormat,
}

pub fn run(opts: &Options) -> ExitCode {
    super::or_error(check(opts))
}

fn check(opts: &Options) -> Result<ExitCode, String> {
    let loaded = super::load_quiet(&opts.spec)?;
    let text =
        std::fs::read_to_string(&opts.spec).map_err(|e| format!("{}: {e}", opts.spec.display()))?;
    let verdicts = ctrail_check::judge(&ctrail_check::from_spec(&loaded.spec));
    let file = opts.spec.display().to_string();
    let locate = |o: &Origin| match o {
        Origin::Spec(path) => Place {
            file: Some(file.clone()),
            line: ctrail_spec::yaml::locate(&text, path).map(|l| l.line),
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
