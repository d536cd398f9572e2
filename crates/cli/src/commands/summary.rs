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

/// What one result file gives: the entry of each spec it reports on, and,
/// when it cannot be read to its end, why (its specs cut short are failed
/// entries, those it completed before are kept).
struct Read {
    entries: Vec<Entry>,
    error: Option<String>,
}

/// Each spec's entry, in the order the result gives them.
fn entries_of(text: &str, file: &str) -> Read {
    let mut out = Vec::new();
    // Per spec whose summary line is still to come: its lines so far.
    let mut open: Vec<(String, Seen)> = Vec::new();
    let mut error = None;
    for (n, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let at = format!("{file}:{}", n + 1);
        if let Err(e) = entry_of(line, &at, &mut open, &mut out) {
            error = Some(e);
            break;
        }
    }
    if let (None, Some((spec, _))) = (&error, open.first()) {
        error = Some(format!(
            "{file}: the lines of {spec} end before its summary line (did `ctrail drift` stop before it ended?)"
        ));
    }
    for (spec, _) in open {
        out.push(Entry {
            run: Run {
                spec,
                account: "-".into(),
                outcome: Outcome::Failed(format!(
                    "its result {file} is cut short before its summary line"
                )),
            },
            code: 1,
        });
    }
    if out.is_empty() && error.is_none() {
        error = Some(format!(
            "{file}: no spec's summary or error line (did `ctrail drift` stop before it wrote any?)"
        ));
    }
    Read {
        entries: out,
        error,
    }
}

/// Reads one line of a result (`at`: its file and line number) into the
/// lines seen of specs still `open`, or, a summary or error line, into
/// `out`.
fn entry_of(
    line: &str,
    at: &str,
    open: &mut Vec<(String, Seen)>,
    out: &mut Vec<Entry>,
) -> Result<(), String> {
    let line: Line = serde_json::from_str(line)
        .map_err(|e| format!("{at}: not a line of `ctrail drift --format jsonl`: {e}"))?;
    match line {
        Line::Drift { spec, action } => {
            let s = seen(open, &spec);
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
            let s = seen(open, &spec);
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
                let why = format!(
                    "{at}: the summary of {spec} counts {drifted} drifted resource(s) and {preflight} preflight finding(s), but {} and {} are listed before it",
                    s.drifted, s.findings
                );
                out.push(Entry {
                    run: Run {
                        spec,
                        account: account.unwrap_or(account_id),
                        outcome: Outcome::Failed(format!("its result does not add up ({at})")),
                    },
                    code: 1,
                });
                return Err(why);
            }
            let outcome = Outcome::of_plan(s.blocking, prevented.first(), &s.summary);
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
    Ok(())
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
/// its account as `account_of` names it, and why: no job wrote it, or
/// it is in one of the `unreadable` results), then those not expected.
fn join(
    mut entries: Vec<Entry>,
    expect: &[PathBuf],
    unreadable: &[String],
    account_of: impl Fn(&Path) -> String,
) -> Vec<Entry> {
    let missing = if unreadable.is_empty() {
        "no result: its job stopped before `ctrail drift` wrote one".to_owned()
    } else {
        format!(
            "no result: its job stopped before `ctrail drift` wrote one, or it is in {}, which could not be read",
            unreadable.join(", ")
        )
    };
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
                    outcome: Outcome::Failed(missing.clone()),
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
    let mut unreadable = Vec::new();
    for file in &opts.results {
        let shown = file.display().to_string();
        let read = match std::fs::read_to_string(file) {
            Ok(text) => entries_of(&text, &shown),
            Err(e) => Read {
                entries: Vec::new(),
                error: Some(format!("cannot read {shown}: {e}")),
            },
        };
        entries.extend(read.entries);
        if let Some(e) = read.error {
            eprintln!("error: {e}");
            unreadable.push(shown);
        }
    }
    let entries = join(entries, &opts.expect, &unreadable, super::live::account_of);
    let mut reported: Vec<&str> = entries.iter().map(|e| e.run.spec.as_str()).collect();
    reported.sort_unstable();
    let twice: std::collections::BTreeSet<&str> = reported
        .windows(2)
        .filter(|w| w[0] == w[1])
        .map(|w| w[0])
        .collect();
    for spec in twice {
        eprintln!(
            "warning: more than one result reports on {spec} (two matrix entries name it?): each is listed"
        );
    }
    let code = entries
        .iter()
        .fold(u8::from(!unreadable.is_empty()), |c, e| worse(c, e.code));
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

    /// The entries of a result read to its end.
    fn complete(text: &str) -> Vec<Entry> {
        let read = entries_of(text, "r.jsonl");
        assert_eq!(read.error, None);
        read.entries
    }

    /// Why a result could not be read to its end, and its entries.
    fn refused(text: &str, file: &str) -> (String, Vec<Entry>) {
        let read = entries_of(text, file);
        (read.error.expect("refused"), read.entries)
    }

    fn accounts(entries: &[Entry]) -> Vec<&str> {
        entries.iter().map(|e| e.run.account.as_str()).collect()
    }

    #[test]
    fn each_specs_summary_or_error_is_the_line_drift_gives_it() {
        let entries = complete(RESULT);
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
        // A prevented delete is a planned delete: drift as well.
        let text = concat!(
            r#"{"type":"preflight","spec":"s.yaml","finding":{"id":"PF-1"},"message":"m"}"#,
            "\n",
            r#"{"type":"summary","spec":"s.yaml","account_id":"1","drifted":0,"checked":3,"preflight":1}"#,
            "\n",
            r#"{"type":"drift","spec":"p.yaml","address":"s3_bucket.b","action":"delete"}"#,
            "\n",
            r#"{"type":"summary","spec":"p.yaml","account_id":"1","drifted":1,"checked":3,"preflight":0,"prevented":["the bucket b is in prevent_destroy"]}"#,
            "\n",
        );
        let entries = complete(text);
        assert_eq!(
            entries[0].run.outcome,
            Outcome::Failed("1 preflight finding(s)".into())
        );
        assert_eq!(entries[0].code, 2);
        assert_eq!(
            entries[1].run.outcome,
            Outcome::Failed("the bucket b is in prevent_destroy".into())
        );
        assert_eq!(entries[1].code, 2);
    }

    #[test]
    fn a_line_that_is_not_drifts_names_its_file_and_line() {
        let text = format!("{RESULT}{{\"type\":\"summary\",\"spec\":\"x\"}}\n");
        let (e, kept) = refused(&text, "results/a.jsonl");
        assert!(
            e.starts_with("results/a.jsonl:6: not a line of `ctrail drift --format jsonl`: "),
            "{e}"
        );
        // The specs it completed before that line are kept.
        assert_eq!(kept.len(), 3);
        let (e, kept) = refused("Plan: 1 to add\n", "r.jsonl");
        assert!(e.starts_with("r.jsonl:1: "), "{e}");
        assert!(kept.is_empty());
    }

    #[test]
    fn an_empty_or_cut_short_result_is_refused_and_its_cut_specs_failed() {
        for text in ["", "\n\n"] {
            let (e, kept) = refused(text, "results/a.jsonl");
            assert_eq!(
                e,
                "results/a.jsonl: no spec's summary or error line (did `ctrail drift` stop before it wrote any?)"
            );
            assert!(kept.is_empty());
        }
        // specs/c.yaml complete, then specs/a.yaml's drift line, cut there.
        let lines: Vec<&str> = RESULT.lines().collect();
        let cut = [lines[2], lines[0]].join("\n");
        let (e, kept) = refused(&cut, "r.jsonl");
        assert!(
            e.contains("the lines of specs/a.yaml end before its summary line"),
            "{e}"
        );
        let runs: Vec<(&str, &Outcome, u8)> = kept
            .iter()
            .map(|e| (e.run.spec.as_str(), &e.run.outcome, e.code))
            .collect();
        assert_eq!(
            runs,
            [
                ("specs/c.yaml", &Outcome::Converged, 0),
                (
                    "specs/a.yaml",
                    &Outcome::Failed(
                        "its result r.jsonl is cut short before its summary line".into()
                    ),
                    1
                ),
            ]
        );
        let (e, kept) = refused(lines[1], "r.jsonl");
        assert!(
            e.starts_with("r.jsonl:1: the summary of specs/a.yaml counts 1"),
            "{e}"
        );
        assert_eq!(kept.len(), 1);
        assert_eq!(kept[0].code, 1);
    }

    #[test]
    fn expected_specs_order_the_table_and_a_missing_one_fails() {
        let entries = complete(RESULT);
        let expect = [
            PathBuf::from("./specs/b.yaml"),
            PathBuf::from("specs/d.yaml"),
            PathBuf::from("specs/a.yaml"),
        ];
        let joined = join(entries, &expect, &[], |p| {
            format!("named in {}", p.display())
        });
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
        // With a result that could not be read, the spec may be in it.
        let joined = join(
            Vec::new(),
            &[PathBuf::from("specs/d.yaml")],
            &["results/x.jsonl".to_owned()],
            |_| "-".into(),
        );
        assert!(
            matches!(&joined[0].run.outcome, Outcome::Failed(why) if why.ends_with("or it is in results/x.jsonl, which could not be read")),
            "{:?}",
            joined[0]
        );
    }
}
