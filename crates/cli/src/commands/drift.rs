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
                    DriftFormat::Jsonl => {
                        // The trail's account as the summary table names it.
                        let account = planned
                            .spec
                            .account_at(ctrail_model::Place::Trail)
                            .map(ctrail_spec::Account::label);
                        print!(
                            "{}",
                            drift::json_lines_in(&planned.plan, account.as_deref())
                        );
                    }
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
                let run = runs::Run {
                    spec: specs[i].display().to_string(),
                    account: super::live::account_of(&specs[i]),
                    outcome: runs::Outcome::Failed(format!("{e:#}")),
                };
                if matches!(format, DriftFormat::Jsonl) {
                    let mut line = serde_json::json!({"type": "error", "spec": run.spec, "error": format!("{e:#}")});
                    // The account the spec names, when it names one.
                    if run.account != "-" {
                        line["account"] = run.account.clone().into();
                    }
                    println!("{line}");
                }
                runs.push(run);
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
