//! One line a spec for a run over several specs (`ctrail plan specs/*.yaml`
//! across the accounts of an organization): which account each is for and
//! how its run ended, the worst outcome deciding the exit code.

use std::fmt::Write;

/// How one spec's run ended, worst last.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Outcome {
    /// Nothing to change.
    Converged,
    /// Changes to make: what the plan's summary line says.
    Changes(String),
    /// Changes made (an apply's): what was done.
    Done(String),
    /// The run failed: the plan could not be made, or it cannot be applied
    /// (a preflight finding, a prevented delete); why, in short.
    Failed(String),
}

impl Outcome {
    /// A planned spec's outcome: failed with `blocking` preflight findings
    /// or a delete `prevent_destroy` forbids (the first of `prevented`),
    /// else its changes (the plan's summary line), else converged. One rule
    /// for a plan read here and for one read back from its JSON Lines.
    pub fn of_plan(
        blocking: usize,
        prevented: Option<&String>,
        summary: &ctrail_model::Summary,
    ) -> Outcome {
        if blocking > 0 {
            Outcome::Failed(format!("{blocking} preflight finding(s)"))
        } else if let Some(p) = prevented {
            Outcome::Failed(p.clone())
        } else if summary.has_changes() {
            Outcome::Changes(
                crate::plan::summary_line(summary)
                    .trim_start_matches("Plan: ")
                    .trim_end_matches('.')
                    .to_owned(),
            )
        } else {
            Outcome::Converged
        }
    }

    /// The exit code of a run whose worst outcome this is, with
    /// `--detailed-exitcode` (2: changes) or without (0).
    pub fn exit_code(&self, detailed: bool) -> u8 {
        match self {
            Outcome::Converged => 0,
            Outcome::Changes(_) => {
                if detailed {
                    2
                } else {
                    0
                }
            }
            Outcome::Done(_) => 0,
            Outcome::Failed(_) => 1,
        }
    }

    fn text(&self) -> String {
        match self {
            Outcome::Converged => "no changes".into(),
            Outcome::Changes(s) | Outcome::Done(s) => s.clone(),
            Outcome::Failed(why) => format!("FAILED: {why}"),
        }
    }
}

/// One spec's line.
#[derive(Debug, Clone)]
pub struct Run {
    pub spec: String,
    /// The account it is for (`name (id)`, or the id), as far as known.
    pub account: String,
    pub outcome: Outcome,
}

/// The table of every spec's run: spec, account, outcome, aligned.
pub fn table(runs: &[Run]) -> String {
    let spec_w = runs.iter().map(|r| r.spec.len()).max().unwrap_or(0).max(4);
    let account_w = runs
        .iter()
        .map(|r| r.account.len())
        .max()
        .unwrap_or(0)
        .max(7);
    let failed = runs
        .iter()
        .filter(|r| matches!(r.outcome, Outcome::Failed(_)))
        .count();
    let mut out = format!(
        "Summary: {} spec(s), {} failed\n{:<spec_w$}  {:<account_w$}  OUTCOME\n",
        runs.len(),
        failed,
        "SPEC",
        "ACCOUNT"
    );
    for r in runs {
        let _ = writeln!(
            out,
            "{:<spec_w$}  {:<account_w$}  {}",
            r.spec,
            r.account,
            r.outcome.text()
        );
    }
    out
}

/// The worst of the outcomes (`Converged` for none).
pub fn worst(runs: &[Run]) -> Outcome {
    runs.iter()
        .map(|r| r.outcome.clone())
        .max()
        .unwrap_or(Outcome::Converged)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(spec: &str, outcome: Outcome) -> Run {
        Run {
            spec: spec.into(),
            account: "210000000001".into(),
            outcome,
        }
    }

    #[test]
    fn the_table_has_a_line_a_spec_aligned_and_counts_the_failed() {
        let t = table(&[
            run("specs/a.yaml", Outcome::Converged),
            run(
                "specs/long-name.yaml",
                Outcome::Failed("cannot reach account".into()),
            ),
        ]);
        assert_eq!(
            t,
            "Summary: 2 spec(s), 1 failed\n\
             SPEC                  ACCOUNT       OUTCOME\n\
             specs/a.yaml          210000000001  no changes\n\
             specs/long-name.yaml  210000000001  FAILED: cannot reach account\n"
        );
    }

    #[test]
    fn the_worst_outcome_decides_the_exit_code() {
        let changes = Outcome::Changes("1 to add".into());
        let runs = [run("a", Outcome::Converged), run("b", changes.clone())];
        assert_eq!(worst(&runs), changes);
        assert_eq!(worst(&runs).exit_code(true), 2);
        assert_eq!(worst(&runs).exit_code(false), 0);
        let runs = [run("a", Outcome::Failed("x".into())), run("b", changes)];
        assert_eq!(worst(&runs).exit_code(true), 1);
        assert_eq!(worst(&[]).exit_code(true), 0);
    }
}
