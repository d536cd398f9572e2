//! `ctrail drift SPEC...`: the plan's read and diff, reported for alerting.

use std::path::PathBuf;
use std::process::ExitCode;

use ctrail_kinds::aws::Connection;
use ctrail_render::{drift, runs};

use crate::DriftFormat;

pub fn run(specs: &[PathBuf], format: DriftFormat, conn: &Connection) -> ExitCode {
    let results = crate::runtime().block_on(super::live::plan_all(specs, conn, 10));
    let mut failed = false;
    let mut drifted = false;
    let mut runs = Vec::new();
    for (i, result) in results.iter().enumerate() {
        match result {
            Ok(planned) => {
                runs.push(super::live::run_of(planned));
                // A grant AWS would refuse is reported as drift too.
                drifted |=
                    planned.plan.summary().has_changes() || !planned.plan.preflight.is_empty();
                match format {
                    DriftFormat::Jsonl => print!("{}", drift::json_lines(&planned.plan)),
                    DriftFormat::Markdown => {
                        if i > 0 {
                            println!("\n---\n");
                        }
                        print!("{}", drift::markdown(&planned.plan));
                    }
                }
            }
            Err(e) => {
                failed = true;
                eprintln!("error: {e:#}");
                runs.push(runs::Run {
                    spec: specs[i].display().to_string(),
                    account: super::live::account_of(&specs[i]),
                    outcome: runs::Outcome::Failed(format!("{e:#}")),
                });
                if matches!(format, DriftFormat::Jsonl) {
                    let spec = specs[i].display().to_string();
                    println!(
                        "{}",
                        serde_json::json!({"type": "error", "spec": spec, "error": format!("{e:#}")})
                    );
                }
            }
        }
    }
    // A ticket over several specs (accounts) ends with one line each.
    if runs.len() > 1 && matches!(format, DriftFormat::Markdown) {
        println!("\n---\n\n```\n{}```", runs::table(&runs));
    }
    if failed {
        ExitCode::from(1)
    } else if drifted {
        ExitCode::from(2)
    } else {
        ExitCode::SUCCESS
    }
}
