//! `ctrail import` of setups made the documented ways, against the emulator:
//! each is built as its users build it, with the AWS CLI (tests/setups/),
//! then imported, the draft planned twice (to read what it names, then to
//! check it). The plan on the imported spec only adopts (nothing to add,
//! change, replace or destroy), the adopting apply goes through, and the
//! plan after it is empty.
//!
//! The setups: (a) seed 000's CLI steps with the role's inline policy under
//! a name of the user's own; (b) seed 001's CLI steps; (c) seed 001's
//! CloudFormation template as the calls CloudFormation makes; (d) the
//! CloudTrail console's defaults (role CloudTrail_CloudWatchLogs_Role, its
//! inline policy named by the console, scoped to the home region's streams).

mod support;

use serde_json::Value;
use support::emulator::Emulator;
use support::{assert_contains, root, scratch, text};

/// A fresh emulator with `script` (under tests/setups/) run in it.
fn built_by(script: &str, args: &[&str]) -> Emulator {
    let em = Emulator::start();
    run(&em, script, args);
    em
}

fn run(em: &Emulator, script: &str, args: &[&str]) {
    let out = em.run(&root().join(script), args);
    assert!(out.status.success(), "{script} failed: {}", text(&out));
}

/// Import, plan (only adopts), the adopting apply, then an empty plan.
fn imports_and_adopts(em: &Emulator, trail: &str, dir: &str, written: &[&str]) -> String {
    em.reset_counts();
    let (path, imported) = em.import(trail, &scratch(dir));
    // The draft is planned twice, each plan's read asking STS for the
    // account once: once to read what it names, once to check it.
    let counts = em.counts();
    assert_eq!(
        counts.get("sts:GetCallerIdentity"),
        Some(&2),
        "import's plans: {counts:?}"
    );
    assert_contains(&imported, written);
    let (code, plan) = em.plan_json(&path);
    let summary = &plan["summary"];
    let zero = Value::from(0);
    assert_eq!(
        [
            &summary["add"],
            &summary["change"],
            &summary["replace"],
            &summary["destroy"]
        ],
        [&zero, &zero, &zero, &zero],
        "the plan on the imported spec changes something:\n{imported}\n{plan:#}"
    );
    assert!(summary["adopt"].as_u64().is_some_and(|n| n > 0), "{plan:#}");
    assert_eq!(code, 2, "{plan:#}");
    // The adopting apply leaves nothing to change.
    em.apply(&path);
    em.converged(&path);
    imported
}

#[test]
fn seed_000_cli_steps_with_the_users_policy_name() {
    let em = Emulator::start();
    // KMS's defaults, named: the emulator leaves KeyUsage out otherwise.
    let key = em.cli(
        "kms create-key --key-spec SYMMETRIC_DEFAULT --key-usage ENCRYPT_DECRYPT --query KeyMetadata.KeyId --output text",
        &[],
    );
    run(&em, "tests/seed-key-policy.sh", &[&key]);
    run(&em, "tests/setups/seed-000-cli.sh", &[&key]);
    imports_and_adopts(
        &em,
        "security-audit-trail",
        "setup-000",
        &["  role_policy_name: \"CloudTrail-CloudWatchLogs-Policy-security-audit-trail\"\n"],
    );
    // The adopting apply kept the policy under its name, and only it.
    let names = em.cli(
        "iam list-role-policies --role-name {} --query PolicyNames --output text",
        &["CloudTrail-CloudWatchLogs-Role-security-audit-trail"],
    );
    assert_eq!(
        names.trim(),
        "CloudTrail-CloudWatchLogs-Policy-security-audit-trail"
    );
}

#[test]
fn seed_001_cli_steps() {
    let em = built_by("tests/setups/seed-001-cli.sh", &[]);
    imports_and_adopts(
        &em,
        "my-production-trail",
        "setup-001-cli",
        &[
            "  role_policy_name: \"CloudTrailCloudWatchLogsPolicy\"\n",
            "  role_name: \"CloudTrailCloudWatchLogsRole\"\n",
            "  log_group: \"/aws/cloudtrail/my-trail\"\n",
            // S3's default SSE-S3 on the bucket, the trail's key on the logs.
            "  sse_kms: false\n",
            // `aws s3 mb` never enables versioning.
            "  versioning: false\n",
        ],
    );
}

#[test]
fn seed_001_cloudformation_template() {
    let em = built_by("tests/setups/seed-001-cloudformation.sh", &[]);
    imports_and_adopts(
        &em,
        "organization-trail",
        "setup-001-cfn",
        &[
            "  role_policy_name: \"CloudTrailCloudWatchPolicy\"\n",
            "  role_name: \"organization-trail-cloudwatch-role\"\n",
        ],
    );
}

#[test]
fn console_defaults_with_the_home_region_stream_policy() {
    let em = built_by("tests/setups/console-defaults.sh", &[]);
    let imported = imports_and_adopts(
        &em,
        "management-events",
        "setup-console",
        &[
            "  role_name: \"CloudTrail_CloudWatchLogs_Role\"\n",
            "  role_policy_name: \"oneClick_CloudTrail_CloudWatchLogs_Role_1764806400000\"\n",
            "log-stream:123456789012_CloudTrail_us-east-1*",
        ],
    );
    assert!(imported.contains("  role_policy:\n"), "{imported}");
}
