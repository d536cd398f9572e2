//! `ctrail summary RESULT...`: the summary of a drift run spread over
//! several CI jobs (examples/github-actions/ctrail-accounts.yml fans out one
//! job per account, each `ctrail drift --format jsonl`): the JSON Lines they
//! wrote, joined into the table `ctrail drift SPEC...` ends with, one line
//! per spec with its account and outcome, and the exit code `ctrail drift`
//! over those specs would give (0 nothing drifted, 2 drift, 1 a spec could
//! not be checked). A result that cannot be read, and with `--expect` a spec
//! no result reports on (its job stopped before `ctrail drift` wrote one),
//! count as failed. Reads no AWS account.

use std::path::{Component, Path, PathBuf};
use std::process::ExitCode;

use ctrail_model::{ActionKind, Summary};
use ctrail_render::runs::{self, Outcome, Run};
use serde::Deserialize;

#[derive(clap::Args)]
pub struct Options {
    /// Files of `ctrail drift --format jsonl` output, one or more specs each.
    #[arg(value_name = "RESULT", required_unless_present = "expect")]
    pub results: Vec<PathBuf>,
    /// A spec some RESULT must report on (repeatable): one that none does is
    /// failed (its job stopped before `ctrail drift` wrote its result). The
    /// table follows the order of these, then the specs not expected.
    #[arg(long = "expect", value_name = "SPEC")]
    pub expect: Vec<PathBuf>,
}

/// The lines of a drift result this summary reads (docs/plan-json.md).
#[derive(Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
enum Line {
    Drift {
        spec: String,
        action: ActionKind,
    },
    Preflight {
        spec: String,
        finding: Finding,
    },
    Summary {
        spec: String,
        account_id: String,
        #[serde(default)]
        account: Option<String>,
        drifted: usize,
        #[serde(default)]
        preflight: usize,
        #[serde(default)]
        prevented: Vec<String>,
    },
    Error {
        spec: String,
        error: String,
        #[serde(default)]
        account: Option<String>,
    },
}

#[derive(Deserialize)]
struct Finding {
    #[serde(default)]
    accepted: bool,
}

/// One spec's line of the table, and the exit code `ctrail drift` gives it.
#[derive(Debug)]
struct Entry {
    run: Run,
    code: u8,
}

/// What a spec's lines before its summary line add up to.
#[derive(Default)]
struct Seen {
    /// The plan's summary, from each drifted resource's action.
    summary: Summary,
    drifted: usize,
    findings: usize,
    blocking: usize,
}

/// The lines seen so far of `spec`, one of those whose summary line is to come.
fn seen<'a>(open: &'a mut Vec<(String, Seen)>, spec: &str) -> &'a mut Seen {
    let i = match open.iter().position(|(s, _)| s == spec) {
        Some(i) => i,
        None => {
            open.push((spec.to_owned(), Seen::default()));
            open.len() - 1
        }
    };
    &mut open[i].1
}

/// Each spec's entry, in the order the result gives them.
fn entries_of(text: &str, file: &str) -> Result<Vec<Entry>, String> {
    let mut out = Vec::new();
    // Per spec whose summary line is still to come: its lines so far.
    let mut open: Vec<(String, Seen)> = Vec::new();
    for (n, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let at = format!("{file}:{}", n + 1);
        let line: Line = serde_json::from_str(line)
            .map_err(|e| format!("{at}: not a line of `ctrail drift --format jsonl`: {e}"))?;
        match line {
            Line::Drift { spec, action } => {
                let s = seen(&mut open, &spec);
                s.drifted += 1;
                match action {
                    ActionKind::NoOp => s.summary.unchanged += 1,
                    ActionKind::Create => s.summary.add += 1,
                    ActionKind::Update => s.summary.change += 1,
                    ActionKind::Replace => s.summary.replace += 1,
                    ActionKind::Delete => s.summary.destroy += 1,
                    ActionKind::Adopt => s.summary.adopt += 1,
                }
            }
            Line::Preflight { spec, finding } => {
                let s = seen(&mut open, &spec);
                s.findings += 1;
                s.blocking += usize::from(!finding.accepted);
            }
            Line::Summary {
                spec,
                account_id,
                account,
                drifted,
                preflight,
                prevented,
            } => {
                let s = match open.iter().position(|(s, _)| *s == spec) {
                    Some(i) => open.remove(i).1,
                    None => Seen::default(),
                };
                if (s.drifted, s.findings) != (drifted, preflight) {
                    return Err(format!(
                        "{at}: the summary of {spec} counts {drifted} drifted resource(s) and {preflight} preflight finding(s), but {} and {} are listed before it",
                        s.drifted, s.findings
                    ));
                }
                let outcome = if s.blocking > 0 {
                    Outcome::Failed(format!("{} preflight finding(s)", s.blocking))
                } else if let Some(p) = prevented.first() {
                    Outcome::Failed(p.clone())
                } else if s.summary.has_changes() {
                    Outcome::Changes(
                        ctrail_render::plan::summary_line(&s.summary)
                            .trim_start_matches("Plan: ")
                            .trim_end_matches('.')
                            .to_owned(),
                    )
                } else {
                    Outcome::Converged
                };
                // A grant AWS would refuse is drift too (`ctrail drift`).
                let code = if drifted > 0 || preflight > 0 { 2 } else { 0 };
                out.push(Entry {
                    run: Run {
                        spec,
                        account: account.unwrap_or(account_id),
                        outcome,
                    },
                    code,
                });
            }
            Line::Error {
                spec,
                error,
                account,
            } => out.push(Entry {
                run: Run {
                    spec,
                    account: account.unwrap_or_else(|| "-".into()),
                    outcome: Outcome::Failed(error),
                },
                code: 1,
            }),
        }
    }
    if let Some((spec, _)) = open.first() {
        return Err(format!(
            "{file}: the lines of {spec} end before its summary line (did `ctrail drift` stop before it ended?)"
        ));
    }
    if out.is_empty() {
        return Err(format!(
            "{file}: no spec's summary or error line (did `ctrail drift` stop before it wrote any?)"
        ));
    }
    Ok(out)
}

/// Whether a result's spec path names the file `expected`.
fn same_spec(spec: &str, expected: &Path) -> bool {
    let parts = |p: &Path| -> Vec<PathBuf> {
        p.components()
            .filter(|c| !matches!(c, Component::CurDir))
            .map(|c| PathBuf::from(c.as_os_str()))
            .collect()
    };
    parts(Path::new(spec)) == parts(expected)
}

/// The entries in the order of `expect` (a spec none reports on failed,
/// its account as `account_of` names it), then those not expected.
fn join(
    mut entries: Vec<Entry>,
    expect: &[PathBuf],
    account_of: impl Fn(&Path) -> String,
) -> Vec<Entry> {
    let mut out = Vec::new();
    for expected in expect {
        let (found, rest): (Vec<Entry>, Vec<Entry>) = entries
            .into_iter()
            .partition(|e| same_spec(&e.run.spec, expected));
        entries = rest;
        if found.is_empty() {
            out.push(Entry {
                run: Run {
                    spec: expected.display().to_string(),
                    account: account_of(expected),
                    outcome: Outcome::Failed(
                        "no result: its job stopped before `ctrail drift` wrote one".into(),
                    ),
                },
                code: 1,
            });
        }
        out.extend(found);
    }
    out.extend(entries);
    out
}

/// The worse of two `ctrail drift` exit codes: 1 (an error), then 2
/// (drift), then 0.
fn worse(a: u8, b: u8) -> u8 {
    let rank = |c: u8| match c {
        0 => 0,
        2 => 1,
        _ => 2,
    };
    if rank(b) > rank(a) { b } else { a }
}

pub fn run(opts: &Options) -> ExitCode {
    let mut entries = Vec::new();
    let mut code = 0;
    for file in &opts.results {
        let shown = file.display().to_string();
        let read = std::fs::read_to_string(file)
            .map_err(|e| format!("cannot read {shown}: {e}"))
            .and_then(|text| entries_of(&text, &shown));
        match read {
            Ok(mut found) => entries.append(&mut found),
            Err(e) => {
                eprintln!("error: {e}");
                code = 1;
            }
        }
    }
    let entries = join(entries, &opts.expect, super::live::account_of);
    code = entries.iter().fold(code, |c, e| worse(c, e.code));
    let table: Vec<Run> = entries.into_iter().map(|e| e.run).collect();
    print!("{}", runs::table(&table));
    ExitCode::from(code)
}

#[cfg(test)]
mod tests {
    use super::*;

    const RESULT: &str = concat!(
        r#"{"type":"drift","spec":"specs/a.yaml","trail":"t","account_id":"210000000001","region":"us-east-1","address":"trail_logging.t","resource_kind":"trail_logging","action":"update","changes":[],"security":[]}"#,
        "\n",
        r#"{"type":"summary","spec":"specs/a.yaml","trail":"t","account_id":"210000000001","region":"us-east-1","drifted":1,"checked":9,"preflight":0}"#,
        "\n",
        r#"{"type":"summary","spec":"specs/c.yaml","trail":"c","account_id":"210000000003","account":"prod (210000000003)","region":"us-east-1","drifted":0,"checked":9,"preflight":0}"#,
        "\n\n",
        r#"{"type":"error","spec":"specs/b.yaml","account":"210000000002","error":"specs/b.yaml: reading account state failed: cannot reach account"}"#,
        "\n",
    );

    fn accounts(entries: &[Entry]) -> Vec<&str> {
        entries.iter().map(|e| e.run.account.as_str()).collect()
    }

    #[test]
    fn each_specs_summary_or_error_is_the_line_drift_gives_it() {
        let entries = entries_of(RESULT, "r.jsonl").expect("entries");
        let runs: Vec<Run> = entries.iter().map(|e| e.run.clone()).collect();
        assert_eq!(
            runs::table(&runs),
            "Summary: 3 spec(s), 1 failed\n\
             SPEC          ACCOUNT              OUTCOME\n\
             specs/a.yaml  210000000001         0 to add, 1 to change, 0 to replace, 0 to destroy\n\
             specs/c.yaml  prod (210000000003)  no changes\n\
             specs/b.yaml  210000000002         FAILED: specs/b.yaml: reading account state failed: cannot reach account\n"
        );
        let codes: Vec<u8> = entries.iter().map(|e| e.code).collect();
        assert_eq!(codes, [2, 0, 1]);
        assert_eq!(entries.iter().fold(0, |c, e| worse(c, e.code)), 1);
        assert_eq!(worse(0, 2), 2);
        assert_eq!(worse(2, 0), 2);
    }

    #[test]
    fn a_preflight_finding_or_a_prevented_delete_fails_the_line_and_drifts() {
        let text = concat!(
            r#"{"type":"preflight","spec":"s.yaml","finding":{"id":"PF-1"},"message":"m"}"#,
            "\n",
            r#"{"type":"summary","spec":"s.yaml","account_id":"1","drifted":0,"checked":3,"preflight":1}"#,
            "\n",
            r#"{"type":"summary","spec":"p.yaml","account_id":"1","drifted":0,"checked":3,"preflight":0,"prevented":["the bucket b is in prevent_destroy"]}"#,
            "\n",
        );
        let entries = entries_of(text, "r.jsonl").expect("entries");
        assert_eq!(
            entries[0].run.outcome,
            Outcome::Failed("1 preflight finding(s)".into())
        );
        assert_eq!(entries[0].code, 2);
        assert_eq!(
            entries[1].run.outcome,
            Outcome::Failed("the bucket b is in prevent_destroy".into())
        );
    }

    #[test]
    fn a_line_that_is_not_drifts_names_its_file_and_line() {
        let text = format!("{RESULT}{{\"type\":\"summary\",\"spec\":\"x\"}}\n");
        let e = entries_of(&text, "results/a.jsonl").expect_err("refused");
        assert!(
            e.starts_with("results/a.jsonl:6: not a line of `ctrail drift --format jsonl`: "),
            "{e}"
        );
        let e = entries_of("Plan: 1 to add\n", "r.jsonl").expect_err("refused");
        assert!(e.starts_with("r.jsonl:1: "), "{e}");
    }

    #[test]
    fn an_empty_or_cut_short_result_is_refused() {
        for text in ["", "\n\n"] {
            let e = entries_of(text, "results/a.jsonl").expect_err("refused");
            assert_eq!(
                e,
                "results/a.jsonl: no spec's summary or error line (did `ctrail drift` stop before it wrote any?)"
            );
        }
        let cut = RESULT.lines().next().expect("a drift line");
        let e = entries_of(cut, "r.jsonl").expect_err("refused");
        assert!(
            e.contains("the lines of specs/a.yaml end before its summary line"),
            "{e}"
        );
        let miscounted = RESULT.lines().nth(1).expect("a summary line");
        let e = entries_of(miscounted, "r.jsonl").expect_err("refused");
        assert!(
            e.starts_with("r.jsonl:1: the summary of specs/a.yaml counts 1"),
            "{e}"
        );
    }

    #[test]
    fn expected_specs_order_the_table_and_a_missing_one_fails() {
        let entries = entries_of(RESULT, "r.jsonl").expect("entries");
        let expect = [
            PathBuf::from("./specs/b.yaml"),
            PathBuf::from("specs/d.yaml"),
            PathBuf::from("specs/a.yaml"),
        ];
        let joined = join(entries, &expect, |p| format!("named in {}", p.display()));
        let specs: Vec<&str> = joined.iter().map(|e| e.run.spec.as_str()).collect();
        assert_eq!(
            specs,
            [
                "specs/b.yaml",
                "specs/d.yaml",
                "specs/a.yaml",
                "specs/c.yaml"
            ]
        );
        assert_eq!(
            accounts(&joined),
            [
                "210000000002",
                "named in specs/d.yaml",
                "210000000001",
                "prod (210000000003)"
            ]
        );
        assert!(
            matches!(&joined[1].run.outcome, Outcome::Failed(why) if why.starts_with("no result")),
            "{:?}",
            joined[1]
        );
        assert_eq!(joined[1].code, 1);
    }
}
