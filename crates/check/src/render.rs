//! Verdicts as text (a terminal), JSON (tools), Markdown (a pull request) and
//! SARIF 2.1.0 (code-scanning UIs, which show each failed control at the
//! spec line that sets it).

use serde_json::{Value, json};

use crate::controls::{Status, Verdict};
use crate::facts::Origin;

pub const BENCHMARK: &str = "CIS Amazon Web Services Foundations Benchmark v3.0.0";

/// A verdict's place: the file and line of its spec field, or the live
/// resource it was read from.
pub struct Place {
    pub file: Option<String>,
    pub line: Option<u32>,
    pub resource: Option<String>,
}

impl Place {
    fn shown(&self) -> Option<String> {
        match (&self.file, self.line, &self.resource) {
            (Some(f), Some(l), _) => Some(format!("{f}:{l}")),
            (Some(f), None, _) => Some(format!("{f}: left to the default")),
            (None, _, Some(r)) => Some(r.clone()),
            _ => None,
        }
    }
}

/// Where each verdict's deciding fact is, resolved by the caller.
pub type Locate<'a> = &'a dyn Fn(&Origin) -> Place;

fn word(s: Status) -> &'static str {
    match s {
        Status::Pass => "PASS",
        Status::Fail => "FAIL",
        Status::Manual => "MANUAL",
    }
}

fn place(v: &Verdict, locate: Locate<'_>) -> Place {
    match &v.origin {
        Some(o) => locate(o),
        None => Place {
            file: None,
            line: None,
            resource: None,
        },
    }
}

pub fn summary(verdicts: &[Verdict]) -> (usize, usize, usize) {
    let n = |s| verdicts.iter().filter(|v| v.status == s).count();
    (n(Status::Pass), n(Status::Fail), n(Status::Manual))
}

pub fn text(verdicts: &[Verdict], locate: Locate<'_>) -> String {
    let mut out = format!("{BENCHMARK}: CloudTrail and monitoring controls\n\n");
    for v in verdicts {
        out.push_str(&format!("{:<6} {:<6} {}\n", word(v.status), v.id, v.title));
        let at = place(v, locate).shown();
        out.push_str(&format!(
            "       {}{}\n",
            v.evidence,
            at.map_or(String::new(), |a| format!(" ({a})"))
        ));
        if let Some(r) = &v.remedy {
            out.push_str(&format!("       -> {r}\n"));
        }
    }
    let (pass, fail, manual) = summary(verdicts);
    out.push_str(&format!("\n{pass} pass, {fail} fail, {manual} manual\n"));
    out
}

pub fn json(verdicts: &[Verdict], locate: Locate<'_>) -> Value {
    let (pass, fail, manual) = summary(verdicts);
    let controls: Vec<Value> = verdicts
        .iter()
        .map(|v| {
            let p = place(v, locate);
            json!({
                "id": v.id,
                "title": v.title,
                "status": v.status,
                "evidence": v.evidence,
                "file": p.file,
                "line": p.line,
                "resource": p.resource,
                "remedy": v.remedy,
            })
        })
        .collect();
    json!({
        "benchmark": BENCHMARK,
        "controls": controls,
        "summary": {"pass": pass, "fail": fail, "manual": manual},
    })
}

pub fn markdown(verdicts: &[Verdict], locate: Locate<'_>) -> String {
    let (pass, fail, manual) = summary(verdicts);
    let mut out = format!(
        "### {BENCHMARK}: CloudTrail and monitoring\n\n**{pass} pass, {fail} fail, {manual} manual**\n\n| | control | evidence | where |\n| --- | --- | --- | --- |\n"
    );
    let cell = |s: &str| s.replace('|', "\\|").replace('\n', " ");
    for v in verdicts {
        let icon = match v.status {
            Status::Pass => "pass",
            Status::Fail => "**fail**",
            Status::Manual => "manual",
        };
        let mut evidence = cell(&v.evidence);
        if let Some(r) = &v.remedy {
            evidence.push_str(&format!("<br>-> `{}`", cell(r).replace('`', "'")));
        }
        out.push_str(&format!(
            "| {icon} | {} {} | {evidence} | {} |\n",
            v.id,
            cell(v.title),
            place(v, locate)
                .shown()
                .map_or(String::new(), |p| format!("`{p}`"))
        ));
    }
    out
}

/// SARIF 2.1.0: one rule per control; a result for each, failed ones at
/// level error, manual ones at warning, passes as `kind: pass`.
pub fn sarif(verdicts: &[Verdict], locate: Locate<'_>) -> Value {
    let rules: Vec<Value> = verdicts
        .iter()
        .map(|v| {
            json!({
                "id": format!("CIS-{}", v.id),
                "name": v.title,
                "shortDescription": {"text": format!("CIS v3.0 {}: {}", v.id, v.title)},
                "properties": {"tags": ["security", "CIS"]},
            })
        })
        .collect();
    let results: Vec<Value> = verdicts
        .iter()
        .enumerate()
        .map(|(i, v)| {
            let p = place(v, locate);
            // SARIF: a result that is not a failure has level none; a
            // control needing a person is a failure to act on, as a warning.
            let (kind, level) = match v.status {
                Status::Pass => ("pass", "none"),
                Status::Fail => ("fail", "error"),
                Status::Manual => ("fail", "warning"),
            };
            let mut text = format!("CIS {} {}: {}", v.id, v.title, v.evidence);
            if let Some(r) = &v.remedy {
                text.push_str(&format!(". Fix: {r}"));
            }
            let mut result = json!({
                "ruleId": format!("CIS-{}", v.id),
                "ruleIndex": i,
                "kind": kind,
                "level": level,
                "message": {"text": text},
            });
            if let Some(file) = p.file {
                result["locations"] = json!([{
                    "physicalLocation": {
                        "artifactLocation": {"uri": file},
                        "region": {"startLine": p.line.unwrap_or(1)},
                    }
                }]);
            }
            result
        })
        .collect();
    json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "ctrail",
                "informationUri": "https://www.cisecurity.org/benchmark/amazon_web_services",
                "rules": rules,
            }},
            "results": results,
        }],
    })
}
