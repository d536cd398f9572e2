//! Many accounts in one run (issue 26, item 6): a spec per member account
//! of an organization, each reached by its own role, planned together. Each
//! account's calls are made with its own credentials; one account whose
//! role cannot be assumed fails alone; one summary names every account.

mod support;

use std::time::Instant;

use support::emulator::Emulator;
use support::text;

const MEMBERS: usize = 20;
/// The member whose role trusts another account than the caller's.
const BROKEN: usize = 7;

fn member(i: usize) -> String {
    format!("2100000000{i:02}")
}

/// In each member account, through the role AWS Organizations made there,
/// the role ctrail plans with: trusting the management account (the caller),
/// but for the broken one, which trusts an account that is not the caller's.
fn member_roles(em: &Emulator) {
    for i in 1..=MEMBERS {
        let account = member(i);
        let admin = em.organization_admin(&account);
        let trusted = if i == BROKEN {
            "999999999999"
        } else {
            "123456789012"
        };
        em.role_trusting(Some(&admin), "ctrail-plan", &[trusted], None);
    }
}

/// A fresh emulator whose organization's members have their roles
/// (`member_roles`), and a spec for each member in the scratch directory
/// `name`.
fn organization(name: &str) -> (Emulator, Vec<String>) {
    let em = Emulator::start();
    member_roles(&em);
    let specs = member_specs(&support::scratch(name));
    (em, specs)
}

/// The operations the caller's own account (not a member's) was called
/// with.
fn callers_operations(
    by_account: &std::collections::BTreeMap<String, std::collections::BTreeMap<String, u64>>,
) -> Vec<&String> {
    by_account
        .get("123456789012")
        .map(|c| c.keys().collect())
        .unwrap_or_default()
}

/// The run's summary, from its first line on, which must be `first`.
fn summary<'a>(shown: &'a str, first: &str) -> &'a str {
    let at = shown
        .find("Summary: ")
        .unwrap_or_else(|| panic!("no summary:\n{shown}"));
    let summary = &shown[at..];
    assert!(summary.starts_with(first), "{summary}");
    summary
}

/// A spec for each member account: its trail and bucket there, reached by
/// its role.
fn member_specs(dir: &std::path::Path) -> Vec<String> {
    (1..=MEMBERS)
        .map(|i| {
            let account = member(i);
            let path = dir.join(format!("member-{i:02}.yaml"));
            let text = format!(
                r#"version: 1
region: us-east-1
accounts:
  - name: member-{i:02}
    account_id: "{account}"
    role_arn: arn:aws:iam::{account}:role/ctrail-plan
trail:
  name: member-trail
bucket:
  name: audit-logs-{account}
cloudwatch_logs: false
"#
            );
            std::fs::write(&path, text).expect("spec");
            path.to_string_lossy().into_owned()
        })
        .collect()
}

#[test]
fn twenty_member_accounts_plan_in_one_run_each_with_its_own_credentials() {
    let (em, specs) = organization("organization-members");
    em.reset_counts();
    let mut args = vec!["plan", "--detailed-exitcode"];
    args.extend(specs.iter().map(String::as_str));
    let out = em.ctrail(&args);
    let shown = text(&out);
    // The broken account fails the run (the worst outcome), alone.
    assert_eq!(out.status.code(), Some(1), "{shown}");
    let summary = summary(&shown, "Summary: 20 spec(s), 1 failed");
    for i in 1..=MEMBERS {
        let line = summary
            .lines()
            .find(|l| l.contains(&format!("member-{i:02}.yaml")))
            .unwrap_or_else(|| panic!("member {i}: {summary}"));
        assert!(line.contains(&member(i)), "{line}");
        if i == BROKEN {
            assert!(
                line.contains("FAILED: ") && line.contains("cannot reach account \"member-07\""),
                "{line}"
            );
        } else {
            assert!(line.contains("to add"), "{line}");
        }
    }
    assert!(
        shown.contains(&format!(
            "is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::{}:role/ctrail-plan",
            member(BROKEN)
        )),
        "{shown}"
    );
    // Each reachable account was read with its own credentials; the
    // caller's account only assumed the roles.
    let by_account = em.counts_by_account();
    for i in (1..=MEMBERS).filter(|i| *i != BROKEN) {
        let calls = by_account
            .get(&member(i))
            .unwrap_or_else(|| panic!("no call in {}: {by_account:?}", member(i)));
        assert!(calls.contains_key("sts:GetCallerIdentity"), "{calls:?}");
        assert!(
            calls.contains_key("cloudtrail:GetTrail")
                || calls.contains_key("cloudtrail:DescribeTrails"),
            "{calls:?}"
        );
    }
    assert!(!by_account.contains_key(&member(BROKEN)), "{by_account:?}");
    let caller = callers_operations(&by_account);
    assert_eq!(caller, ["sts:AssumeRole"], "{by_account:?}");

    // `check --live` and `query --list` on one member's spec read that
    // member's account, with its own credentials.
    for args in [
        vec!["check", "--live", "--format", "json", specs[0].as_str()],
        vec!["query", "--list", specs[0].as_str()],
    ] {
        em.reset_counts();
        let out = em.ctrail(&args);
        assert!(
            matches!(out.status.code(), Some(0 | 1)) && !text(&out).contains("error:"),
            "{args:?}: {}",
            text(&out)
        );
        let by_account = em.counts_by_account();
        let caller = callers_operations(&by_account);
        assert_eq!(caller, ["sts:AssumeRole"], "{args:?}: {by_account:?}");
        assert!(
            by_account.contains_key(&member(1)),
            "{args:?}: {by_account:?}"
        );
    }
}

/// Wall time of the 20 specs in one run against 20 runs one after another
/// (for the closing note; not a timed test): `cargo nextest run
/// --run-ignored only -E 'test(wall_time)' --no-capture`.
#[test]
#[ignore]
fn wall_time_of_one_run_against_twenty() {
    let (em, specs) = organization("organization-wall");
    em.configure(serde_json::json!({"latency_ms": 50}));
    let started = Instant::now();
    let mut args = vec!["plan"];
    args.extend(specs.iter().map(String::as_str));
    em.ctrail(&args);
    let together = started.elapsed();
    let started = Instant::now();
    for s in &specs {
        em.ctrail(&["plan", s]);
    }
    let apart = started.elapsed();
    eprintln!(
        "20 specs at 50 ms a call: one run {together:?}, 20 runs one after another {apart:?}"
    );
}

#[test]
fn several_member_accounts_apply_in_one_run_and_a_broken_one_fails_alone() {
    let (em, specs) = organization("organization-apply");
    // Members 6, 7 (whose role cannot be assumed) and 8.
    let three: Vec<&str> = specs[5..8].iter().map(String::as_str).collect();
    let mut args = vec!["apply", "--auto-approve", "--parallelism", "3"];
    args.extend(&three);
    let out = em.ctrail(&args);
    let shown = text(&out);
    assert_eq!(out.status.code(), Some(1), "{shown}");
    let summary = summary(&shown, "Summary: 3 spec(s), 1 failed");
    for (i, want) in [
        (6, "applied and verified"),
        (7, "FAILED: "),
        (8, "applied and verified"),
    ] {
        let line = summary
            .lines()
            .find(|l| l.contains(&format!("member-{i:02}.yaml")))
            .unwrap_or_else(|| panic!("member {i}: {summary}"));
        assert!(line.contains(&member(i)) && line.contains(want), "{line}");
    }
    // Each spec's own output, whole, in argument order.
    let sections: Vec<usize> = three
        .iter()
        .map(|s| {
            shown
                .find(&format!("== {s} =="))
                .unwrap_or_else(|| panic!("{s}: {shown}"))
        })
        .collect();
    assert!(sections.windows(2).all(|w| w[0] < w[1]), "{shown}");
    // The two that applied are converged; run again, they say so.
    let again: Vec<&str> = vec!["apply", "--auto-approve", three[0], three[2]];
    let out = em.ctrail(&again);
    let shown = text(&out);
    assert_eq!(out.status.code(), Some(0), "{shown}");
    assert!(shown.contains("Summary: 2 spec(s), 0 failed"), "{shown}");
    assert_eq!(shown.matches("  no changes").count(), 2, "{shown}");
    // Drift over the three, as a ticket: one summary line each.
    let mut drift = vec!["drift", "--format", "markdown"];
    drift.extend(&three);
    let out = em.ctrail(&drift);
    let shown = text(&out);
    assert_eq!(out.status.code(), Some(1), "{shown}");
    assert!(shown.contains("Summary: 3 spec(s), 1 failed"), "{shown}");
    assert_eq!(shown.matches("  no changes").count(), 2, "{shown}");
    // The CIS controls on the live accounts, and delivery, over the three:
    // one summary line each, the broken one failing alone.
    for (command, fine) in [("check", " pass, "), ("verify", "verdict ")] {
        let mut args = vec![command];
        if command == "check" {
            args.push("--live");
        }
        args.extend(&three);
        let out = em.ctrail(&args);
        let shown = text(&out);
        assert!(
            matches!(out.status.code(), Some(1 | 2)),
            "{command}: {shown}"
        );
        let table = self::summary(&shown, "Summary: 3 spec(s)");
        for i in [6, 7, 8] {
            let line = table
                .lines()
                .find(|l| l.contains(&format!("member-{i:02}.yaml")))
                .unwrap_or_else(|| panic!("{command}, member {i}: {table}"));
            assert!(line.contains(&member(i)), "{line}");
            if i == 7 {
                assert!(line.contains("sts:AssumeRole"), "{command}: {line}");
            } else {
                assert!(line.contains(fine), "{command}: {line}");
            }
        }
    }
    let out = em.ctrail(&["check", "--format", "sarif", three[0], three[2]]);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out).contains("one spec per run"), "{}", text(&out));
    // Without --auto-approve, several specs are refused.
    let out = em.ctrail(&["apply", three[0], three[2]]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out).contains("only with --auto-approve"),
        "{}",
        text(&out)
    );
}
