//! An emulated account set up by the seed procedure, and a spec for it.

use std::path::PathBuf;

use serde_json::Value;

use super::emulator::Emulator;
use super::{root, scratch};

pub const TRAIL: &str = "security-audit-trail";
pub const BUCKET: &str = "my-org-cloudtrail-logs-2024";
pub const LOG_GROUP: &str = "CloudTrail/SecurityLogs";
pub const ROLE: &str = "CloudTrail-CloudWatchLogs-Role-security-audit-trail";

pub struct Account {
    pub em: Emulator,
    /// `specs/security-audit-trail.yaml` with the emulator's KMS key.
    pub spec: String,
    pub key_id: String,
    dir: PathBuf,
}

impl Account {
    /// A fresh emulator with a KMS key and nothing else, and the spec for it.
    pub fn empty(name: &str) -> Account {
        let em = Emulator::start();
        let key_id = em.create_kms_key();
        let dir = scratch(name);
        let text =
            std::fs::read_to_string(root().join("specs/security-audit-trail.yaml")).expect("spec");
        let spec_path = dir.join("security-audit-trail.yaml");
        std::fs::write(
            &spec_path,
            text.replace("12345678-1234-1234-1234-123456789012", &key_id),
        )
        .expect("write spec");
        Account {
            em,
            spec: spec_path.to_string_lossy().into_owned(),
            key_id,
            dir,
        }
    }

    /// `ctrail apply --auto-approve` on the spec.
    pub fn apply(&self, extra: &[&str]) -> std::process::Output {
        let mut args = vec!["apply", "--auto-approve"];
        args.extend_from_slice(extra);
        args.push(&self.spec);
        self.em.ctrail(&args)
    }

    pub fn dir(&self) -> &std::path::Path {
        &self.dir
    }

    /// A fresh emulator, a KMS key whose policy lets CloudTrail use it (the
    /// seed procedure's precondition), and the seed procedure run with the
    /// AWS CLI.
    pub fn seeded(name: &str) -> Account {
        let acct = Account::empty(name);
        for script in ["tests/seed-key-policy.sh", "tests/seed-procedure.sh"] {
            let out = acct.em.run(&root().join(script), &[&acct.key_id]);
            assert!(
                out.status.success(),
                "{script} failed:\n{}{}",
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            );
        }
        acct
    }

    /// `ctrail plan --format json` as a value, with the exit code.
    pub fn plan_json(&self) -> (i32, Value) {
        self.em.plan_json(&self.spec)
    }

    /// Brings every resource the plan lists to the state pinned by hand in
    /// `tests/fixtures/expected/security-audit-trail.json` (boto3, no
    /// ctrail), then checks the plan is empty: ctrail agrees with that file.
    pub fn remediate(&self) {
        let expected = root().join("tests/fixtures/expected/security-audit-trail.json");
        let (_, plan) = self.plan_json();
        let plan_path = self.dir.join("plan.json");
        std::fs::write(&plan_path, plan.to_string()).expect("write plan");
        let python = self.em.venv.join("bin/python");
        let out = self.em.run(
            &python,
            &[
                &root().join("tests/support/remediate.py").to_string_lossy(),
                &expected.to_string_lossy(),
                &plan_path.to_string_lossy(),
                &self.key_id,
            ],
        );
        assert!(
            out.status.success(),
            "remediation failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let (code, plan) = self.plan_json();
        assert_eq!(code, 0, "changes remain after remediation: {plan:#}");
    }
}

/// The changed actions of a plan document: address -> sorted change paths.
pub fn changed(plan: &Value) -> std::collections::BTreeMap<String, Vec<String>> {
    plan["actions"]
        .as_array()
        .expect("actions")
        .iter()
        .filter(|a| a["kind"] != "no_op")
        .map(|a| {
            let mut paths: Vec<String> = a["changes"]
                .as_array()
                .expect("changes")
                .iter()
                .map(|c| c["path"].as_str().unwrap_or_default().to_owned())
                .collect();
            paths.sort();
            (a["address"].as_str().unwrap_or_default().to_owned(), paths)
        })
        .collect()
}
