//! A client for the independent IAM judge: `@cloud-copilot/iam-simulate`,
//! pinned in `tests/iam-judge/package.json` and run by
//! `tests/iam-judge/judge.mjs` as a separate Node process (its license is
//! AGPL, so it is never linked into or shipped with ctrail).
//!
//! Used by ctrail-policy's differential test and by the cli crate's
//! integration tests; include it by path:
//!
//! ```ignore
//! #[path = "../crates/policy/tests/support/iam_judge.rs"]
//! mod iam_judge;
//! let verdicts = iam_judge::judge(&cases);
//! ```
//!
//! It needs `tools/just iam-judge` (node_modules in tests/iam-judge) and fails
//! the test, naming that recipe, when the judge is not installed. It depends
//! on serde_json and the standard library only.
#![allow(dead_code)]

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use serde_json::{Value, json};

/// Which kind of document the policy is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A resource's policy (bucket, key, topic, trust policy): its
    /// `Principal` is checked.
    Resource,
    /// The caller's own identity policy; the resource is in the caller's
    /// account.
    Identity,
}

/// Who makes the request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Caller {
    /// A service principal, such as `cloudtrail.amazonaws.com`.
    Service(String),
    /// An IAM principal (role, user, account root) of `account`. For a
    /// resource policy the judge takes the caller's identity policies to
    /// allow everything, so put the caller in another account than the
    /// resource for the verdict to be the resource policy's.
    Aws { arn: String, account: String },
}

/// One request judged against one policy document.
#[derive(Debug, Clone)]
pub struct Case {
    pub policy: Value,
    pub kind: Kind,
    pub caller: Caller,
    pub action: String,
    pub resource: String,
    /// The account that owns the resource.
    pub account: String,
    /// The condition keys the request carries, each with its values (one
    /// value for a single-valued key).
    pub context: BTreeMap<String, Vec<String>>,
}

/// The judge's answer, as in the IAM User Guide's "Policy evaluation logic".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    Allowed,
    ExplicitlyDenied,
    ImplicitlyDenied,
}

impl Verdict {
    pub fn allowed(self) -> bool {
        self == Verdict::Allowed
    }
}

impl Case {
    /// The case as judge.mjs reads it (one JSON line).
    pub fn to_json(&self) -> Value {
        let principal = match &self.caller {
            Caller::Service(s) => json!({"service": s}),
            Caller::Aws { arn, account } => json!({"arn": arn, "account": account}),
        };
        json!({
            "policy": self.policy,
            "kind": match self.kind { Kind::Resource => "resource", Kind::Identity => "identity" },
            "principal": principal,
            "action": self.action,
            "resource": self.resource,
            "account": self.account,
            "context": self.context,
        })
    }
}

/// The workspace's `tests/iam-judge`, found from the crate being tested.
fn judge_dir() -> PathBuf {
    let here = Path::new(env!("CARGO_MANIFEST_DIR"));
    here.ancestors()
        .map(|d| d.join("tests/iam-judge"))
        .find(|d| d.join("judge.mjs").is_file())
        .unwrap_or_else(|| {
            panic!(
                "tests/iam-judge/judge.mjs not found above {}",
                here.display()
            )
        })
}

/// Judges every case with iam-simulate, in one Node process; the verdicts
/// come back in the order of `cases`. Panics (failing the test) when the
/// judge is not installed or cannot judge a case.
pub fn judge(cases: &[Case]) -> Vec<Verdict> {
    let dir = judge_dir();
    let installed = dir.join("node_modules/@cloud-copilot/iam-simulate/package.json");
    assert!(
        installed.is_file(),
        "the IAM judge is not installed ({} is missing): run tools/just iam-judge",
        installed.display()
    );
    let mut input = String::new();
    for c in cases {
        input.push_str(&c.to_json().to_string());
        input.push('\n');
    }
    let mut child = Command::new("node")
        .arg(dir.join("judge.mjs"))
        .current_dir(&dir)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| {
            panic!("cannot start node for the IAM judge: {e} (run tools/just iam-judge)")
        });
    let mut stdin = child.stdin.take().expect("judge stdin");
    let writer = std::thread::spawn(move || stdin.write_all(input.as_bytes()));
    let out = child.wait_with_output().expect("the IAM judge's output");
    writer
        .join()
        .expect("writer thread")
        .expect("cases written to the IAM judge");
    assert!(
        out.status.success(),
        "the IAM judge failed ({}): {}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8_lossy(&out.stdout);
    let verdicts: Vec<Verdict> = text
        .lines()
        .zip(cases)
        .enumerate()
        .map(|(i, (line, case))| {
            let v: Value = serde_json::from_str(line)
                .unwrap_or_else(|e| panic!("IAM judge line {}: {e}: {line}", i + 1));
            match v["verdict"].as_str() {
                Some("allowed") => Verdict::Allowed,
                Some("explicitly denied") => Verdict::ExplicitlyDenied,
                Some("implicitly denied") => Verdict::ImplicitlyDenied,
                _ => panic!(
                    "the IAM judge could not judge case {}: {line}\n{:#}",
                    i + 1,
                    case.to_json()
                ),
            }
        })
        .collect();
    assert_eq!(
        verdicts.len(),
        cases.len(),
        "the IAM judge answered {} of {} cases",
        verdicts.len(),
        cases.len()
    );
    verdicts
}
