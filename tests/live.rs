//! `ctrail plan` and `ctrail drift` against the emulator, after the seed
//! procedure has been run by hand with the AWS CLI.

mod support;

use std::collections::BTreeMap;

use serde_json::Value;
use support::account::{Account, BUCKET, LOG_GROUP, ROLE, TRAIL, changed};

fn paths(p: &[&str]) -> Vec<String> {
    let mut v: Vec<String> = p.iter().map(|s| (*s).to_owned()).collect();
    v.sort();
    v
}

#[test]
fn after_the_seed_procedure_plan_shows_only_the_documented_secure_additions() {
    let acct = Account::seeded("seed-additions");
    let (code, plan) = acct.plan_json();
    assert_eq!(code, 2, "changes expected: {plan:#}");
    let expected: BTreeMap<String, Vec<String>> = [
        (format!("iam_role_policy.{ROLE}"), paths(&["policy"])),
        (
            format!("kms_key_policy.{}", acct.key_id),
            paths(&["statements"]),
        ),
        (
            format!("kms_key_rotation.{}", acct.key_id),
            paths(&["enabled"]),
        ),
        (
            format!("s3_public_access_block.{BUCKET}"),
            paths(&[
                "block_public_acls",
                "block_public_policy",
                "ignore_public_acls",
                "restrict_public_buckets",
            ]),
        ),
        (
            format!("s3_bucket_encryption.{BUCKET}"),
            paths(&["bucket_key_enabled"]),
        ),
        (format!("s3_bucket_policy.{BUCKET}"), paths(&["policy"])),
        (format!("log_group.{LOG_GROUP}"), paths(&["kms_key_arn"])),
        // The seed's lifecycle rule, scoped to the log files (AWSLogs/) so
        // that ctrail's ledger in the bucket never moves to Glacier.
        (format!("s3_bucket_lifecycle.{BUCKET}"), paths(&["rules"])),
        // What the seed made, ctrail did not: adopted, visibly.
        (format!("s3_bucket.{BUCKET}"), paths(&[])),
        (format!("iam_role.{ROLE}"), paths(&[])),
        // The seed logs S3 data events with recursive logging on.
        (format!("trail.{TRAIL}"), paths(&["recursive_logging"])),
    ]
    .into_iter()
    .collect();
    assert_eq!(changed(&plan), expected);
    assert_eq!(plan["summary"]["adopt"], 4);
    assert_eq!(plan["summary"]["add"], 0);
    assert_eq!(plan["summary"]["replace"], 0);

    // Every one of them is listed in the docs as a secure addition.
    let docs = std::fs::read_to_string(support::root().join("docs/spec.md")).expect("docs");
    let section = docs
        .split("## What ctrail adds beyond the manual procedure")
        .nth(1)
        .expect("docs section");
    for phrase in [
        "**Public access block**",
        "**Default encryption always**",
        "S3 Bucket Key",
        "**Bucket policy**",
        "**Role permissions**",
        "**KMS key policy statements**",
        "**Log group encryption**",
        "**KMS key rotation**",
        "**Recursive logging off**",
    ] {
        assert!(
            section.contains(phrase),
            "docs/spec.md does not list {phrase}"
        );
    }

    acct.remediate();
    let out = acct.em.ctrail(&["plan", "--detailed-exitcode", &acct.spec]);
    assert_eq!(out.status.code(), Some(0));
    assert!(
        String::from_utf8_lossy(&out.stdout)
            .contains("No changes. The account matches the spec (21 resources checked).")
    );
    let out = acct.em.ctrail(&["drift", &acct.spec]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
}

#[test]
fn a_converged_plan_reads_each_operation_once() {
    let acct = Account::seeded("one-wave");
    acct.remediate();
    acct.em.reset_counts();
    let out = acct.em.ctrail(&["plan", "--detailed-exitcode", &acct.spec]);
    assert_eq!(out.status.code(), Some(0));
    let counts = acct.em.counts();
    // The spec has one resource of each kind, so no operation may be called twice.
    let repeated: Vec<_> = counts.iter().filter(|(_, n)| **n > 1).collect();
    assert!(
        repeated.is_empty(),
        "operations called more than once: {repeated:?}"
    );
    assert!(counts.len() >= 20, "{counts:?}");
    assert_eq!(acct.em.writes(), Vec::<String>::new(), "{counts:?}");
}

/// `Emulator::writes` counts every operation but a read: the verbs that
/// change something without Put, Create, Update or Delete in their name,
/// and an S3 POST other than DeleteObjects, as the test adapter names them.
#[test]
fn every_write_is_counted_as_one() {
    use support::emulator::{Emulator, is_read};
    for read in [
        "cloudtrail:GetTrailStatus",
        "cloudtrail:LookupEvents",
        "logs:FilterLogEvents",
        "logs:TestMetricFilter",
        "s3:HeadBucket",
        "s3:ListObjectVersions",
        "unknown:GET /",
    ] {
        assert!(is_read(read), "{read}");
    }
    for write in [
        "sns:Publish",
        "sns:ConfirmSubscription",
        "kms:CancelKeyDeletion",
        "kms:RotateKeyOnDemand",
        "ec2:ModifyInstanceAttribute",
        "dynamodb:RestoreTableFromBackup",
        "logs:StartQuery",
        "s3:POST",
        "s3:DeleteObjects",
        "unknown:POST /",
        "sts:Listen",
    ] {
        assert!(!is_read(write), "{write}");
    }
    let em = Emulator::start();
    let key = em.create_kms_key();
    em.cli("kms schedule-key-deletion --key-id {}", &[&key]);
    let topic = em.cli(
        "sns create-topic --name writes --query TopicArn --output text",
        &[],
    );
    em.cli("s3api create-bucket --bucket writes", &[]);
    em.reset_counts();
    em.cli("kms cancel-key-deletion --key-id {}", &[&key]);
    em.cli("sns publish --topic-arn {} --message hello", &[&topic]);
    em.cli("s3api create-multipart-upload --bucket writes --key k", &[]);
    em.cli("s3api list-objects-v2 --bucket writes", &[]);
    assert_eq!(
        em.writes(),
        ["kms:CancelKeyDeletion x1", "s3:POST x1", "sns:Publish x1"],
        "{:?}",
        em.counts()
    );
}

/// One hand-made change, what ctrail must report, and how to make it.
struct Drift {
    name: &'static str,
    address: String,
    paths: Vec<String>,
    /// (path, effect in the plan) for security-relevant drifts.
    security: Option<&'static str>,
}

fn check_reported(acct: &Account, d: &Drift) -> Result<(), String> {
    let fail = |what: &str| Err(format!("{}: {what}", d.name));
    // JSON plan: exactly that resource, exactly those attributes.
    let (code, plan) = acct.plan_json();
    if code != 2 {
        return fail(&format!("plan --detailed-exitcode exited {code}"));
    }
    let got = changed(&plan);
    let want: BTreeMap<String, Vec<String>> =
        [(d.address.clone(), d.paths.clone())].into_iter().collect();
    if got != want {
        return fail(&format!("plan JSON reported {got:?}, expected {want:?}"));
    }
    if let Some(effect) = d.security {
        let action = plan["actions"]
            .as_array()
            .and_then(|a| a.iter().find(|a| a["address"] == d.address.as_str()));
        let effects: Vec<&Value> = action
            .map(|a| {
                a["security"]
                    .as_array()
                    .map(|s| s.iter().map(|n| &n["effect"]).collect())
                    .unwrap_or_default()
            })
            .unwrap_or_default();
        if !effects.iter().any(|e| *e == effect) {
            return fail(&format!(
                "expected a security note `{effect}`, got {effects:?}"
            ));
        }
    }
    // Text.
    let out = acct.em.ctrail(&["plan", "--detailed-exitcode", &acct.spec]);
    let text = String::from_utf8_lossy(&out.stdout);
    if out.status.code() != Some(2) || !text.contains(&format!("~ {} (update in place)", d.address))
    {
        return fail(&format!(
            "text plan (exit {:?}):\n{text}",
            out.status.code()
        ));
    }
    for p in &d.paths {
        if !text.contains(&format!(" {p}:")) {
            return fail(&format!("text plan does not show {p}:\n{text}"));
        }
    }
    if !text.contains("Plan: 0 to add, 1 to change, 0 to replace, 0 to destroy.") {
        return fail(&format!("text summary:\n{text}"));
    }
    // Markdown.
    let out = acct.em.ctrail(&[
        "plan",
        "--detailed-exitcode",
        "--format",
        "markdown",
        &acct.spec,
    ]);
    let md = String::from_utf8_lossy(&out.stdout);
    if out.status.code() != Some(2)
        || !md.contains(&format!("<code>~ {}</code>", d.address))
        || md.matches("<details>").count() != 1
    {
        return fail(&format!("markdown plan:\n{md}"));
    }
    for p in &d.paths {
        if !md.contains(&format!(" {p}:")) {
            return fail(&format!("markdown plan does not show {p}:\n{md}"));
        }
    }
    // Drift, JSON lines.
    let out = acct.em.ctrail(&["drift", &acct.spec]);
    let lines: Vec<Value> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or(Value::Null))
        .collect();
    let drifts: Vec<&Value> = lines.iter().filter(|l| l["type"] == "drift").collect();
    let drift_paths: Vec<String> = drifts
        .first()
        .and_then(|l| l["changes"].as_array())
        .map(|c| {
            let mut v: Vec<String> = c
                .iter()
                .map(|c| c["path"].as_str().unwrap_or_default().to_owned())
                .collect();
            v.sort();
            v
        })
        .unwrap_or_default();
    if out.status.code() != Some(2)
        || drifts.len() != 1
        || drifts[0]["address"] != d.address.as_str()
        || drift_paths != d.paths
    {
        return fail(&format!(
            "drift exit {:?}, lines {lines:?}",
            out.status.code()
        ));
    }
    if d.security == Some("restores") && !drifts[0]["security"].to_string().contains("\"weakened\"")
    {
        return fail(&format!("drift does not say weakened: {}", drifts[0]));
    }
    // Drift, Markdown.
    let out = acct
        .em
        .ctrail(&["drift", "--format", "markdown", &acct.spec]);
    let md = String::from_utf8_lossy(&out.stdout);
    if out.status.code() != Some(2)
        || !md.contains(&format!("| `{}` | `{}` |", d.address, d.paths[0]))
    {
        return fail(&format!("drift markdown:\n{md}"));
    }
    Ok(())
}

#[test]
fn each_hand_made_drift_is_reported_as_exactly_that_attribute() {
    let acct = Account::seeded("drifts");
    acct.remediate();
    let em = &acct.em;
    let other_key = em.create_kms_key();
    // AWS refuses a trail key whose policy does not let CloudTrail use it.
    let out = em.run(
        &support::root().join("tests/seed-key-policy.sh"),
        &[&other_key],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let policy_text = em.cli(
        "s3api get-bucket-policy --bucket {} --query Policy --output text",
        &[BUCKET],
    );
    let mut policy: Value = serde_json::from_str(&policy_text).expect("policy");
    if let Some(statements) = policy["Statement"].as_array_mut() {
        statements.retain(|s| s["Sid"] != "DenyInsecureTransport");
    }
    let policy_without_tls = policy.to_string();
    // S3 replaces the whole set: the hand edit keeps every other tag as it
    // was, ctrail's ownership tag too.
    let tagset = "TagSet=[{Key=Environment,Value=prod},{Key=Owner,Value=someone-else},{Key=Project,Value=audit},{Key=CostCenter,Value=IT-001},{Key=ctrail:managed-by,Value=security-audit-trail}]";
    let widened = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"logs:*","Resource":"*"}]}"#;
    let lifecycle = r#"{"Rules":[{"ID":"CloudTrailLogLifecycle","Status":"Enabled","Filter":{"Prefix":""},"Transitions":[{"Days":60,"StorageClass":"STANDARD_IA"},{"Days":90,"StorageClass":"GLACIER"},{"Days":365,"StorageClass":"DEEP_ARCHIVE"}]}]}"#;
    let management_only = r#"[{"ReadWriteType":"All","IncludeManagementEvents":true}]"#;

    type Make<'a> = Box<dyn Fn() + 'a>;
    let cases: Vec<(Drift, Make<'_>)> = vec![
        (
            Drift {
                name: "retention changed",
                address: format!("log_group_retention.{LOG_GROUP}"),
                paths: paths(&["retention_in_days"]),
                security: Some("restores"),
            },
            Box::new(|| {
                em.cli(
                    "logs put-retention-policy --log-group-name {} --retention-in-days 30",
                    &[LOG_GROUP],
                );
            }),
        ),
        (
            Drift {
                name: "versioning suspended",
                address: format!("s3_bucket_versioning.{BUCKET}"),
                paths: paths(&["status"]),
                security: Some("restores"),
            },
            Box::new(|| {
                em.cli("s3api put-bucket-versioning --bucket {} --versioning-configuration Status=Suspended", &[BUCKET]);
            }),
        ),
        (
            Drift {
                name: "policy statement removed",
                address: format!("s3_bucket_policy.{BUCKET}"),
                paths: paths(&["policy"]),
                security: Some("changes"),
            },
            Box::new(|| {
                em.cli(
                    "s3api put-bucket-policy --bucket {} --policy {}",
                    &[BUCKET, &policy_without_tls],
                );
            }),
        ),
        (
            Drift {
                name: "tag changed",
                address: format!("s3_bucket_tags.{BUCKET}"),
                paths: paths(&["tags.Owner"]),
                security: None,
            },
            Box::new(|| {
                em.cli(
                    "s3api put-bucket-tagging --bucket {} --tagging {}",
                    &[BUCKET, tagset],
                );
            }),
        ),
        (
            Drift {
                name: "logging stopped",
                address: format!("trail_logging.{TRAIL}"),
                paths: paths(&["is_logging"]),
                security: Some("restores"),
            },
            Box::new(|| {
                em.aws(&["cloudtrail", "stop-logging", "--name", TRAIL]);
            }),
        ),
        (
            Drift {
                name: "insights removed",
                address: format!("trail_insight_selectors.{TRAIL}"),
                paths: paths(&["insight_types"]),
                security: None,
            },
            Box::new(|| {
                em.cli(
                    "cloudtrail put-insight-selectors --trail-name {} --insight-selectors []",
                    &[TRAIL],
                );
            }),
        ),
        (
            Drift {
                name: "event selectors changed",
                address: format!("trail_event_selectors.{TRAIL}"),
                paths: paths(&["selectors"]),
                security: None,
            },
            Box::new(|| {
                em.cli(
                    "cloudtrail put-event-selectors --trail-name {} --event-selectors {}",
                    &[TRAIL, management_only],
                );
            }),
        ),
        (
            Drift {
                name: "role policy widened",
                address: format!("iam_role_policy.{ROLE}"),
                paths: paths(&["policy"]),
                security: Some("changes"),
            },
            Box::new(|| {
                em.cli("iam put-role-policy --role-name {} --policy-name CloudTrail-CloudWatchLogs-Delivery --policy-document {}", &[ROLE, widened]);
            }),
        ),
        (
            Drift {
                name: "public access block removed",
                address: format!("s3_public_access_block.{BUCKET}"),
                paths: paths(&[
                    "block_public_acls",
                    "block_public_policy",
                    "ignore_public_acls",
                    "restrict_public_buckets",
                ]),
                security: Some("restores"),
            },
            Box::new(|| {
                em.aws(&["s3api", "delete-public-access-block", "--bucket", BUCKET]);
            }),
        ),
        (
            Drift {
                name: "encryption removed",
                address: format!("s3_bucket_encryption.{BUCKET}"),
                paths: paths(&["bucket_key_enabled", "kms_master_key_id", "sse_algorithm"]),
                security: Some("restores"),
            },
            Box::new(|| {
                em.aws(&["s3api", "delete-bucket-encryption", "--bucket", BUCKET]);
            }),
        ),
        (
            Drift {
                name: "lifecycle rule changed",
                address: format!("s3_bucket_lifecycle.{BUCKET}"),
                paths: paths(&["rules"]),
                security: Some("changes"),
            },
            Box::new(|| {
                em.cli("s3api put-bucket-lifecycle-configuration --bucket {} --lifecycle-configuration {}", &[BUCKET, lifecycle]);
            }),
        ),
        (
            Drift {
                name: "trail KMS key changed",
                address: format!("trail.{TRAIL}"),
                paths: paths(&["kms_key_id"]),
                security: Some("changes"),
            },
            Box::new(|| {
                em.cli(
                    "cloudtrail update-trail --name {} --kms-key-id {}",
                    &[TRAIL, &other_key],
                );
            }),
        ),
    ];
    assert_eq!(cases.len(), 12);
    let mut failures = Vec::new();
    for (drift, make) in &cases {
        make();
        if let Err(e) = check_reported(&acct, drift) {
            failures.push(e);
        }
        acct.remediate();
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n\n"));
}

#[test]
fn the_account_guard_stops_before_anything_is_read() {
    let em = support::emulator::Emulator::start();
    let dir = support::scratch("guard");
    let spec = dir.join("guarded.yaml");
    std::fs::write(
        &spec,
        "version: 1\naccount_id: \"111122223333\"\nregion: us-east-1\ntrail: {name: guarded-trail}\nbucket: {name: guarded-trail-logs}\n",
    )
    .expect("write");
    em.reset_counts();
    let out = em.ctrail(&["plan", spec.to_str().expect("utf-8")]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("the credentials belong to account 123456789012, but the spec is for account 111122223333; nothing was read or changed"),
        "{err}"
    );
    let counts = em.counts();
    assert_eq!(
        counts.keys().collect::<Vec<_>>(),
        vec!["sts:GetCallerIdentity"],
        "{counts:?}"
    );
}

#[test]
fn several_specs_are_planned_in_one_run_each_in_its_own_section() {
    let em = support::emulator::Emulator::start();
    let out = em.ctrail(&[
        "plan",
        "--detailed-exitcode",
        "specs/minimal.yaml",
        "specs/data-events-advanced.yaml",
    ]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        out.status.code(),
        Some(2),
        "{text}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let first = text
        .find("ctrail plan: trail audit-trail in account 123456789012, eu-west-1")
        .expect("minimal section");
    let second = text
        .find("ctrail plan: trail sensitive-data-trail in account 123456789012, eu-central-1")
        .expect("advanced section");
    assert!(first < second, "sections follow the argument order");
    assert_eq!(
        text.matches("Plan: 19 to add, 0 to change, 0 to replace, 0 to destroy.")
            .count(),
        2,
        "{text}"
    );

    // One bad spec fails the run but the others are still planned.
    let out = em.ctrail(&[
        "plan",
        "specs/minimal.yaml",
        "tests/invalid/unknown-region.yaml",
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stdout).contains("ctrail plan: trail audit-trail"));
    assert!(String::from_utf8_lossy(&out.stderr).contains("tests/invalid/unknown-region.yaml:2:9"));

    let out = em.ctrail(&[
        "plan",
        "--format",
        "json",
        "specs/minimal.yaml",
        "specs/data-events-advanced.yaml",
    ]);
    let docs: Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(docs.as_array().map(Vec::len), Some(2));
}
