//! `ctrail apply` against the emulator: from empty, under faults, interrupted.

mod support;

use std::collections::BTreeMap;
use std::process::Stdio;
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use support::account::{Account, BUCKET, LOG_GROUP, ROLE, TRAIL};

fn text(o: &std::process::Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

fn converged(acct: &Account) {
    let out = acct.em.ctrail(&["plan", "--detailed-exitcode", &acct.spec]);
    assert_eq!(out.status.code(), Some(0), "not converged:\n{}", text(&out));
}

/// What a resource looks like through the AWS CLI (`command`: words with no
/// space in them), the part at `pick` (`/`-separated keys and list indexes),
/// with the parts that differ between two emulators for no reason (key ids)
/// made equal.
fn observe(acct: &Account, command: &str, pick: &str) -> Value {
    let command = format!("{command} --output json");
    let raw: Value = serde_json::from_str(&acct.em.cli(&command, &[])).expect("json");
    let mut v = raw;
    for p in pick.split('/').filter(|p| !p.is_empty()) {
        v = match p.parse::<usize>() {
            Ok(i) => v.get(i).cloned(),
            Err(_) => v.get(p).cloned(),
        }
        .unwrap_or(Value::Null);
    }
    let text = v.to_string().replace(
        &format!("arn:aws:kms:us-east-1:123456789012:key/{}", acct.key_id),
        "KEY",
    );
    serde_json::from_str(&text.replace(&acct.key_id, "KEY")).expect("json")
}

fn sorted_tags(v: Value, key: &str, value: &str) -> Value {
    let mut pairs: Vec<(String, String)> = v
        .as_array()
        .map(|a| {
            a.iter()
                .map(|t| {
                    (
                        t[key].as_str().unwrap_or_default().to_owned(),
                        t[value].as_str().unwrap_or_default().to_owned(),
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    pairs.sort();
    json!(pairs)
}

#[test]
fn apply_from_empty_creates_what_the_seed_procedure_creates_then_plan_is_empty() {
    let seeded = Account::seeded("apply-compare-seed");
    let applied = Account::empty("apply-compare-ctrail");
    let out = applied.apply(&[]);
    assert!(out.status.success(), "{}", text(&out));
    let t = text(&out);
    assert!(t.contains("Apply complete: 21 change(s) made."), "{t}");
    assert!(t.contains("Verified: a new plan shows no changes."), "{t}");
    converged(&applied);

    let trail_fields = [
        "Name",
        "S3BucketName",
        "IncludeGlobalServiceEvents",
        "IsMultiRegionTrail",
        "LogFileValidationEnabled",
        "CloudWatchLogsLogGroupArn",
        "CloudWatchLogsRoleArn",
        "IsOrganizationTrail",
    ];
    let mut differences = Vec::new();
    let mut compare = |what: &str, a: Value, b: Value| {
        if a != b {
            differences.push(format!("{what}: seed procedure {a} vs ctrail {b}"));
        }
    };
    // Step 5: the trail.
    let trail = |acct: &Account| {
        let t = observe(
            acct,
            &format!("cloudtrail get-trail --name {TRAIL}"),
            "Trail",
        );
        json!(
            trail_fields
                .iter()
                .map(|f| (f.to_string(), t[*f].clone()))
                .collect::<serde_json::Map<_, _>>()
        )
    };
    compare("trail", trail(&seeded), trail(&applied));
    let trail_arn = format!("arn:aws:cloudtrail:us-east-1:123456789012:trail/{TRAIL}");
    // What is compared: the AWS CLI command that reads it, and the part of
    // the answer. KMS: the seed passes the key id, ctrail the key's ARN;
    // both name the same key. AWS documents no source conditions on the
    // role's trust policy.
    let table = format!(
        "
        trail KMS key | cloudtrail get-trail --name {TRAIL} | Trail/KmsKeyId
        logging | cloudtrail get-trail-status --name {TRAIL} | IsLogging
        event selectors (step 6) | cloudtrail get-event-selectors --trail-name {TRAIL} | EventSelectors
        insights (step 7) | cloudtrail get-insight-selectors --trail-name {TRAIL} | InsightSelectors
        bucket location | s3api get-bucket-location --bucket {BUCKET} | LocationConstraint
        bucket versioning | s3api get-bucket-versioning --bucket {BUCKET} | Status
        bucket lifecycle | s3api get-bucket-lifecycle-configuration --bucket {BUCKET} | Rules
        bucket encryption algorithm | s3api get-bucket-encryption --bucket {BUCKET} | ServerSideEncryptionConfiguration/Rules
        log group | logs describe-log-groups --log-group-name-prefix {LOG_GROUP} | logGroups
        log group tags | logs list-tags-log-group --log-group-name {LOG_GROUP} | tags
        role trust policy | iam get-role --role-name {ROLE} | Role/AssumeRolePolicyDocument
        bucket tags | s3api get-bucket-tagging --bucket {BUCKET} | TagSet
        role tags | iam list-role-tags --role-name {ROLE} | Tags
        trail tags | cloudtrail list-tags --resource-id-list {trail_arn} | ResourceTagList/0/TagsList"
    );
    for row in table.lines().skip(1) {
        let [what, command, pick] = [0, 1, 2].map(|i| row.split('|').nth(i).unwrap_or("").trim());
        let mut a = observe(&seeded, command, pick);
        let mut b = observe(&applied, command, pick);
        if what.ends_with(" tags") && what != "log group tags" {
            // Tag lists are sets.
            (a, b) = (
                sorted_tags(a, "Key", "Value"),
                sorted_tags(b, "Key", "Value"),
            );
            assert_ne!(a, json!([]), "{what}: none read");
        }
        if what.ends_with(" tags") {
            // ctrail marks what it owns (docs/ownership.md), the one tag the
            // seed procedure does not write; it names the trail.
            let mark = json!(["ctrail:managed-by", TRAIL]);
            if let Some(pairs) = b.as_array_mut() {
                assert!(pairs.contains(&mark), "{what}: no ownership tag: {pairs:?}");
                pairs.retain(|p| *p != mark);
            }
            if let Some(map) = b.as_object_mut() {
                assert_eq!(
                    map.remove("ctrail:managed-by"),
                    Some(json!(TRAIL)),
                    "{what}"
                );
            }
        }
        if what == "log group" {
            // Creation times differ; ctrail also encrypts the group (a documented addition).
            for v in [&mut a, &mut b] {
                for g in v.as_array_mut().into_iter().flatten() {
                    if let Some(o) = g.as_object_mut() {
                        o.remove("creationTime");
                        o.remove("kmsKeyId");
                    }
                }
            }
        }
        if what == "bucket lifecycle" {
            // ctrail scopes the seed's rule to the log files (a documented
            // addition), so its ledger in the bucket never moves to Glacier.
            for r in b.as_array_mut().into_iter().flatten() {
                assert_eq!(r["Filter"], json!({"Prefix": "AWSLogs/"}), "{what}");
                r["Filter"] = json!({"Prefix": ""});
            }
        }
        if what == "bucket encryption algorithm" {
            // ctrail adds the S3 Bucket Key (a documented addition).
            for v in [&mut a, &mut b] {
                for r in v.as_array_mut().into_iter().flatten() {
                    if let Some(o) = r.as_object_mut() {
                        o.remove("BucketKeyEnabled");
                    }
                }
            }
        }
        compare(what, a, b);
    }
    // The role's permissions are narrowed from every stream of the group to
    // the streams CloudTrail creates (a documented addition), as AWS's
    // "Role policy document for CloudTrail to use CloudWatch Logs" writes them.
    let streams = format!(
        "arn:aws:logs:us-east-1:123456789012:log-group:{LOG_GROUP}:log-stream:123456789012_CloudTrail_*"
    );
    compare(
        "role policy",
        json!({"Version": "2012-10-17", "Statement": [
            {"Sid": "AWSCloudTrailCreateLogStream", "Effect": "Allow",
             "Action": "logs:CreateLogStream", "Resource": streams},
            {"Sid": "AWSCloudTrailPutLogEvents", "Effect": "Allow",
             "Action": "logs:PutLogEvents", "Resource": streams}]}),
        observe(
            &applied,
            &format!(
                "iam get-role-policy --policy-name CloudTrail-CloudWatchLogs-Delivery --role-name {ROLE}"
            ),
            "PolicyDocument",
        ),
    );
    assert!(differences.is_empty(), "\n{}", differences.join("\n"));
}

/// CreateTrail answers `times` times as AWS does while the new role has not
/// propagated yet.
fn refuse_create_trail_until_propagated(acct: &Account, times: u32) {
    acct.em.configure(json!({"faults": [{
        "op": "cloudtrail:CreateTrail", "times": times, "status": 400,
        "code": "InvalidCloudWatchLogsLogGroupArnException",
        "message": "Access denied. Verify in IAM that the role has adequate permissions."
    }]}));
}

#[test]
fn create_trail_refused_three_times_for_iam_propagation_still_converges() {
    let acct = Account::empty("apply-propagation");
    refuse_create_trail_until_propagated(&acct, 3);
    let out = acct.apply(&[]);
    let t = text(&out);
    assert!(out.status.success(), "{t}");
    assert_eq!(
        t.matches("InvalidCloudWatchLogsLogGroupArnException")
            .count(),
        3,
        "{t}"
    );
    assert!(
        t.contains("(waiting for AWS to propagate a new role, policy or key); retry 3 in"),
        "{t}"
    );
    assert_eq!(acct.em.counts().get("cloudtrail:CreateTrail"), Some(&4));
    assert!(!t.contains('\x1b'), "no terminal, plain lines only: {t:?}");
    converged(&acct);
}

/// On a terminal (a pseudo-terminal from script(1)) the event lines scroll
/// above a live progress bar: actions done of all, those running, and what
/// apply waits for.
#[test]
fn apply_on_a_terminal_shows_a_progress_bar_with_what_it_waits_for() {
    let acct = Account::empty("apply-terminal");
    refuse_create_trail_until_propagated(&acct, 2);
    let command = format!(
        "{} apply --auto-approve {}",
        env!("CARGO_BIN_EXE_ctrail"),
        acct.spec
    );
    let out = acct
        .em
        .env(&mut std::process::Command::new("script"))
        .args(["-qec", &command, "/dev/null"])
        .env("TERM", "xterm-256color")
        .output()
        .expect("script(1)");
    let t = text(&out);
    assert!(out.status.success(), "{t}");
    for part in [
        "done, ",
        " running",
        "waiting for AWS to propagate a new role, policy or key, retry 2 in",
        "  ok  trail.security-audit-trail: created",
        "\x1b[",
    ] {
        assert!(t.contains(part), "{part:?} missing from {t:?}");
    }
    // 20 to add and the key policy to change: the bar ends full.
    assert!(t.contains("21/21 done, 0 running"), "{t:?}");
    converged(&acct);
}

#[test]
fn transient_faults_of_every_kind_still_converge() {
    let acct = Account::empty("apply-transient");
    acct.em
        .configure(json!({"throttle_every": 3, "error_5xx_every": 7, "drop_every": 11}));
    let out = acct.apply(&[]);
    let t = text(&out);
    assert!(out.status.success(), "{t}");
    let injected = acct.em.injected();
    for kind in ["throttle", "5xx", "drop"] {
        assert!(
            injected["by_kind"][kind].as_u64().unwrap_or(0) > 0,
            "no {kind} injected: {injected}"
        );
    }
    acct.em.configure(json!({}));
    converged(&acct);
}

#[test]
fn a_permission_error_fails_fast_naming_the_resource_and_starts_nothing_after_it() {
    let acct = Account::empty("apply-denied");
    acct.em.configure(json!({"faults": [{
        "op": "s3:PutBucketPolicy", "times": -1, "status": 403, "code": "AccessDenied", "message": "Access Denied"
    }]}));
    let out = acct.apply(&[]);
    let t = text(&out);
    assert_eq!(out.status.code(), Some(1), "{t}");
    assert!(t.contains(&format!("FAILED       s3_bucket_policy.{BUCKET}: s3:PutBucketPolicy: AccessDenied: Access Denied")), "{t}");
    assert!(t.contains(&format!("not started  trail.{TRAIL}")), "{t}");
    assert!(t.contains("Apply stopped at a failure:"), "{t}");
    let counts = acct.em.counts();
    assert_eq!(
        counts.get("s3:PutBucketPolicy"),
        Some(&1),
        "retried: {counts:?}"
    );
    assert_eq!(counts.get("cloudtrail:CreateTrail"), None, "{counts:?}");
}

#[test]
fn killed_mid_apply_a_rerun_converges_without_duplicates() {
    let acct = Account::empty("apply-killed");
    // The spec with saved queries too: AWS keys those by id, so a rerun that
    // created them again would hold two of a name.
    let text_of = |p: &str| std::fs::read_to_string(p).expect("spec");
    let monitoring = text_of(
        &support::root()
            .join("specs/security-monitoring.yaml")
            .to_string_lossy(),
    );
    let section = &monitoring[monitoring
        .find("\nmonitoring:")
        .expect("monitoring section")..];
    std::fs::write(&acct.spec, format!("{}{section}", text_of(&acct.spec))).expect("spec");
    acct.em.configure(json!({"latency_ms": 150}));
    let mut child = acct
        .em
        .env(&mut std::process::Command::new(env!(
            "CARGO_BIN_EXE_ctrail"
        )))
        .args(["apply", "--auto-approve", "--parallelism", "2", &acct.spec])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start apply");
    // Kill it once it has saved some of the queries.
    let deadline = Instant::now() + Duration::from_secs(120);
    while acct
        .em
        .counts()
        .get("logs:PutQueryDefinition")
        .copied()
        .unwrap_or(0)
        < 2
    {
        assert!(
            Instant::now() < deadline,
            "apply never reached the saved queries"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    child.kill().expect("kill");
    let _ = child.wait();
    acct.em.configure(json!({}));
    // Some resources exist, some do not: the kill landed mid-apply.
    let saved = |acct: &Account| -> Vec<String> {
        let v: Value = serde_json::from_str(
            &acct
                .em
                .cli("logs describe-query-definitions --output json", &[]),
        )
        .expect("json");
        let mut names: Vec<String> = v["queryDefinitions"]
            .as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|q| q["name"].as_str())
                    .map(str::to_owned)
                    .collect()
            })
            .unwrap_or_default();
        names.sort();
        names
    };
    let before = saved(&acct);
    assert!(
        !before.is_empty(),
        "no saved query existed before the rerun"
    );
    assert!(
        before.len() < 10,
        "the kill came after every saved query: {before:?}"
    );
    acct.em.aws(&["s3api", "head-bucket", "--bucket", BUCKET]);
    let out = acct.em.ctrail(&["plan", "--detailed-exitcode", &acct.spec]);
    assert_eq!(
        out.status.code(),
        Some(2),
        "the kill came too late to test anything:\n{}",
        text(&out)
    );

    let out = acct.apply(&[]);
    assert!(out.status.success(), "{}", text(&out));
    converged(&acct);
    // Nothing twice: the saved queries (keyed by id) and what is keyed by name.
    let after = saved(&acct);
    let mut unique = after.clone();
    unique.dedup();
    assert_eq!(after, unique, "a saved query exists twice");
    assert_eq!(after.len(), 10, "{after:?}");
    let count = |args: &[&str], list: &str| -> usize {
        let v: Value = serde_json::from_str(&acct.em.aws(&[args, &["--output", "json"]].concat()))
            .expect("json");
        v[list].as_array().map(Vec::len).unwrap_or(0)
    };
    assert_eq!(count(&["cloudtrail", "describe-trails"], "trailList"), 1);
    assert_eq!(count(&["s3api", "list-buckets"], "Buckets"), 1);
    assert_eq!(count(&["logs", "describe-log-groups"], "logGroups"), 1);
    assert_eq!(count(&["sns", "list-subscriptions"], "Subscriptions"), 1);
    let roles: Value =
        serde_json::from_str(&acct.em.aws(&["iam", "list-roles", "--output", "json"]))
            .expect("json");
    let ours = roles["Roles"]
        .as_array()
        .map(|r| r.iter().filter(|r| r["RoleName"] == ROLE).count());
    assert_eq!(ours, Some(1));
}

#[test]
fn a_saved_plan_applies_and_a_stale_one_is_refused_naming_what_changed() {
    let acct = Account::seeded("apply-saved");
    let plan_path = acct.dir().join("plan.json");
    let plan = plan_path.to_str().expect("utf-8");
    let out = acct.em.ctrail(&["plan", "--out", plan, &acct.spec]);
    assert!(out.status.success(), "{}", text(&out));
    // Someone changes the account after the plan was made.
    acct.em
        .aws(&["cloudtrail", "stop-logging", "--name", TRAIL]);
    acct.em.reset_counts();
    let out = acct.em.ctrail(&["apply", plan]);
    let t = text(&out);
    assert_eq!(out.status.code(), Some(1), "{t}");
    assert!(
        t.contains(&format!("the account changed since the plan was made; nothing was applied. Now different: trail_logging.{TRAIL}.")),
        "{t}"
    );
    assert_eq!(acct.em.writes(), Vec::<String>::new());
    // A fresh plan applies without asking: it was reviewed when it was saved.
    let out = acct.em.ctrail(&["plan", "--out", plan, &acct.spec]);
    assert!(out.status.success());
    let out = acct.em.ctrail(&["apply", plan]);
    assert!(out.status.success(), "{}", text(&out));
    converged(&acct);
}

#[test]
fn apply_refuses_without_a_terminal_unless_auto_approved() {
    let acct = Account::empty("apply-no-tty");
    acct.em.reset_counts();
    let out = acct
        .em
        .env(&mut std::process::Command::new(env!(
            "CARGO_BIN_EXE_ctrail"
        )))
        .args(["apply", &acct.spec])
        .stdin(Stdio::null())
        .output()
        .expect("run");
    let t = text(&out);
    assert_eq!(out.status.code(), Some(1), "{t}");
    assert!(t.contains("refusing to apply without confirmation"), "{t}");
    let changed = acct.em.writes();
    assert!(changed.is_empty(), "{changed:?}");
}

#[test]
fn a_second_apply_is_a_no_op() {
    let acct = Account::empty("apply-twice");
    assert!(acct.apply(&[]).status.success());
    acct.em.reset_counts();
    let out = acct.apply(&[]);
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stdout).contains("No changes."));
    let writes = acct.em.writes();
    assert!(writes.is_empty(), "{writes:?}");
}

/// Every shipped spec, applied to a fresh account prepared as its comments
/// say (its account, its organization, its key), converges against the test
/// adapter, which refuses a trail whose documents lack a grant as AWS does.
#[test]
fn every_shipped_spec_applies_and_converges_against_the_strict_adapter() {
    let specs = support::files("specs", ".yaml");
    assert!(specs.len() >= 5, "{specs:?}");
    for spec in &specs {
        let em = support::emulator::Emulator::start();
        let out = em.run(
            &support::root().join("tests/apply-shipped-spec.sh"),
            &[env!("CARGO_BIN_EXE_ctrail"), spec],
        );
        let t = text(&out);
        assert!(out.status.success(), "{spec} did not converge:\n{t}");
        assert!(
            t.contains("No changes. The account matches the spec"),
            "{spec}:\n{t}"
        );
        assert_eq!(
            em.counts().get("cloudtrail:CreateTrail"),
            Some(&1),
            "{spec}"
        );
        assert_eq!(
            em.injected()["refused"],
            json!({}),
            "{spec}: the adapter refused a trail"
        );
    }
}

/// A write AWS carried out whose answer never arrived: every `every`-th
/// write of an apply is carried out and its answer lost. Every shipped spec
/// still converges, with nothing created twice (the script checks saved
/// queries, subscriptions and trails).
fn converges_with_lost_answers(every: &str, ordinal: &str) {
    let specs = support::files("specs", ".yaml");
    for spec in &specs {
        let em = support::emulator::Emulator::start();
        let out = em.run(
            &support::root().join("tests/apply-shipped-spec.sh"),
            &[env!("CARGO_BIN_EXE_ctrail"), spec, every],
        );
        let t = text(&out);
        assert!(
            out.status.success(),
            "{spec}, every {ordinal} write's answer lost:\n{t}"
        );
        assert!(
            t.contains("No changes. The account matches the spec"),
            "{spec}:\n{t}"
        );
        let lost = em.injected()["by_kind"]["lost_answer"]
            .as_u64()
            .unwrap_or(0);
        assert!(lost >= 5, "{spec}: only {lost} answers were lost");
        eprintln!(
            "{spec}: every {ordinal} write's answer lost ({lost} lost): converged, nothing twice"
        );
    }
}

#[test]
fn every_second_writes_answer_lost_still_converges_with_nothing_twice() {
    converges_with_lost_answers("2", "2nd");
}

#[test]
fn every_third_writes_answer_lost_still_converges_with_nothing_twice() {
    converges_with_lost_answers("3", "3rd");
}

/// `--endpoint-url`, as the AWS CLI spells it, sends every call there: with
/// AWS_ENDPOINT_URL unset, the plan reaches the emulator through the flag
/// alone.
#[test]
fn endpoint_url_flag_points_ctrail_at_an_endpoint() {
    let acct = Account::empty("endpoint-url");
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_ctrail"));
    acct.em.env(&mut cmd).env_remove("AWS_ENDPOINT_URL");
    cmd.args(["plan", "--endpoint-url", &acct.em.url, &acct.spec]);
    let out = cmd.output().expect("run ctrail");
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert!(text(&out).contains("to add"), "{}", text(&out));
}

/// Server access logging to a bucket managed elsewhere: S3 refuses
/// PutBucketLogging (as the adapter does, docs/aws-rules.md) until that
/// bucket's policy lets S3's logging service write for this log bucket and
/// account; a grant conditioned on another source bucket is not enough. Then
/// apply sets it, and the account converges.
#[test]
fn access_logging_to_an_existing_bucket_waits_for_its_grant_to_s3_logging() {
    let acct = Account::empty("apply-access-logging");
    let yaml = std::fs::read_to_string(&acct.spec).expect("spec").replace(
        &format!("bucket:\n  name: {BUCKET}\n"),
        &format!(
            "bucket:\n  name: {BUCKET}\n  access_logging: {{target_bucket: my-org-access-logs, create: false}}\n"
        ),
    );
    assert!(yaml.contains("access_logging"), "{yaml}");
    let spec = support::scratch_file("apply-access-logging", "spec.yaml", &yaml);
    acct.em
        .cli("s3api create-bucket --bucket my-org-access-logs", &[]);

    // The grant of the S3 User Guide's "Permissions for log delivery", for
    // one source bucket.
    let grant = |source: &str| {
        r#"{"Version": "2012-10-17", "Statement": [{"Sid": "S3ServerAccessLogsPolicy", "Effect": "Allow",
            "Principal": {"Service": "logging.s3.amazonaws.com"}, "Action": "s3:PutObject",
            "Resource": "arn:aws:s3:::my-org-access-logs/BUCKET/*",
            "Condition": {"ArnLike": {"aws:SourceArn": "arn:aws:s3:::SOURCE"},
                          "StringEquals": {"aws:SourceAccount": "123456789012"}}}]}"#
            .replace("BUCKET", BUCKET)
            .replace("SOURCE", source)
    };
    let refused = |why: &str| {
        let out = acct.em.ctrail(&["apply", "--auto-approve", &spec]);
        let t = text(&out);
        assert!(!out.status.success(), "{why}: applied\n{t}");
        assert!(
            t.contains(&format!("s3_bucket_logging.{BUCKET}"))
                && t.contains("InvalidTargetBucketForLogging"),
            "{why}:\n{t}"
        );
    };
    refused("no bucket policy");
    acct.em.cli(
        "s3api put-bucket-policy --bucket my-org-access-logs --policy {}",
        &[&grant("some-other-bucket")],
    );
    refused("a grant for another source bucket");

    acct.em.cli(
        "s3api put-bucket-policy --bucket my-org-access-logs --policy {}",
        &[&grant(BUCKET)],
    );
    let out = acct.em.ctrail(&["apply", "--auto-approve", &spec]);
    assert!(out.status.success(), "{}", text(&out));
    let logging: Value = serde_json::from_str(&acct.em.cli(
        "s3api get-bucket-logging --bucket {} --output json",
        &[BUCKET],
    ))
    .expect("json");
    assert_eq!(
        logging["LoggingEnabled"],
        json!({"TargetBucket": "my-org-access-logs", "TargetPrefix": format!("{BUCKET}/")})
    );
    let out = acct.em.ctrail(&["plan", "--detailed-exitcode", &spec]);
    assert_eq!(out.status.code(), Some(0), "not converged:\n{}", text(&out));
}

/// `create_kms_key`: the plan creates the key behind the alias and shows
/// where its ARN goes; apply creates it (tagged as ctrail's, rotation on,
/// ctrail's statements in its policy), and every resource that names the
/// key gets its ARN, learnt once it exists; the account then converges.
#[test]
fn a_key_ctrail_creates_is_made_before_everything_that_names_it() {
    let acct = Account::empty("apply-create-key");
    let yaml = std::fs::read_to_string(&acct.spec).expect("spec").replace(
        &format!("kms_key_id: {}\n", acct.key_id),
        "kms_key_id: alias/ctrail-created\ncreate_kms_key: true\n",
    );
    assert!(yaml.contains("create_kms_key"), "{yaml}");
    let spec = support::scratch_file("apply-create-key", "spec.yaml", &yaml);
    let out = acct.em.ctrail(&["plan", &spec]);
    let t = text(&out);
    assert!(out.status.success(), "{t}");
    assert!(t.contains("kms_key.alias/ctrail-created"), "{t}");

    let out = acct.em.ctrail(&["apply", "--auto-approve", &spec]);
    assert!(out.status.success(), "{}", text(&out));
    let meta: Value = serde_json::from_str(&acct.em.cli(
        "kms describe-key --key-id alias/ctrail-created --output json",
        &[],
    ))
    .expect("json");
    let arn = meta["KeyMetadata"]["Arn"]
        .as_str()
        .expect("key ARN")
        .to_owned();
    let id = meta["KeyMetadata"]["KeyId"]
        .as_str()
        .expect("key id")
        .to_owned();
    assert_eq!(meta["KeyMetadata"]["KeySpec"], "SYMMETRIC_DEFAULT");
    let trail: Value = serde_json::from_str(
        &acct
            .em
            .cli("cloudtrail get-trail --name {} --output json", &[TRAIL]),
    )
    .expect("json");
    assert_eq!(trail["Trail"]["KmsKeyId"], arn.as_str());
    let rotation = acct.em.cli(
        "kms get-key-rotation-status --key-id {} --query KeyRotationEnabled",
        &[&id],
    );
    assert_eq!(rotation.trim(), "true");
    let policy = acct.em.cli(
        "kms get-key-policy --key-id {} --policy-name default --query Policy --output text",
        &[&id],
    );
    assert!(policy.contains("CTrailAllowCloudTrailEncrypt"), "{policy}");
    let tags = acct.em.cli(
        "kms list-resource-tags --key-id {} --query Tags[?TagKey=='ctrail:alias'].TagValue --output text",
        &[&id],
    );
    assert_eq!(tags.trim(), "alias/ctrail-created");
    let out = acct.em.ctrail(&["plan", "--detailed-exitcode", &spec]);
    assert_eq!(out.status.code(), Some(0), "not converged:\n{}", text(&out));
}

/// The spec of `acct` with the monitoring example's section added.
fn with_monitoring(acct: &Account) {
    let text_of = |p: &std::path::Path| std::fs::read_to_string(p).expect("spec");
    let monitoring = text_of(&support::root().join("specs/security-monitoring.yaml"));
    let section = &monitoring[monitoring
        .find("\nmonitoring:")
        .expect("monitoring section")..];
    let spec = std::path::Path::new(&acct.spec);
    std::fs::write(spec, format!("{}{section}", text_of(spec))).expect("spec");
}

/// Two applies of one change started together: one takes the apply lock
/// and applies; the other exits non-zero naming the lock's holder and its
/// id, having written nothing but the lock it did not get. The account then
/// matches the spec, with every write made as often as by one apply alone.
/// A lock left by a run that is gone is refused the same way, and
/// `--force-unlock ID` releases it.
#[test]
fn two_applies_started_together_one_runs_the_other_names_the_lock_holder() {
    let write_counts = |acct: &Account| -> BTreeMap<String, u64> {
        let writes = acct.em.writes();
        acct.em
            .counts()
            .into_iter()
            .filter(|(op, n)| writes.contains(&format!("{op} x{n}")))
            .collect()
    };
    // One apply alone, for the counts.
    let alone = Account::empty("apply-lock-alone");
    assert!(alone.apply(&[]).status.success());
    with_monitoring(&alone);
    alone.em.reset_counts();
    let out = alone.apply(&[]);
    assert!(out.status.success(), "{}", text(&out));
    let solo = write_counts(&alone);

    let acct = Account::empty("apply-lock");
    assert!(acct.apply(&[]).status.success());
    with_monitoring(&acct);
    acct.em.reset_counts();
    // Calls slowed down, so the two runs overlap.
    acct.em.configure(json!({"latency_ms": 60}));
    let (a, b) = (
        acct.em.start_apply(&acct.spec),
        acct.em.start_apply(&acct.spec),
    );
    let outs = [
        a.wait_with_output().expect("apply a"),
        b.wait_with_output().expect("apply b"),
    ];
    acct.em.configure(json!({}));
    let won: Vec<&std::process::Output> = outs.iter().filter(|o| o.status.success()).collect();
    let lost: Vec<&std::process::Output> = outs.iter().filter(|o| !o.status.success()).collect();
    assert_eq!(
        (won.len(), lost.len()),
        (1, 1),
        "{}\n---\n{}",
        text(&outs[0]),
        text(&outs[1])
    );
    let refusal = text(lost[0]);
    assert!(
        refusal.contains("the trail is locked by")
            && refusal.contains("nothing was applied")
            && refusal.contains("--force-unlock"),
        "{refusal}"
    );
    assert_eq!(lost[0].status.code(), Some(1));
    converged(&acct);
    // Every write as often as by one apply alone, but the refused lock.
    let mut raced = write_counts(&acct);
    let locks = raced.remove("s3:PutObject").unwrap_or(0);
    let mut solo = solo.clone();
    let solo_locks = solo.remove("s3:PutObject").unwrap_or(0);
    assert_eq!(raced, solo, "writes of the race vs one apply alone");
    assert_eq!(
        locks,
        solo_locks + 1,
        "the loser's one write: the lock it did not get"
    );

    // A lock whose run died on another runner: refused, named, released.
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("clock")
        .as_secs();
    let dead = json!({"held": true, "id": "0123456789abcdef", "owner": "ci (account 123456789012)",
        "host": "runner-7", "pid": 4242, "operation": "ctrail apply",
        "started": now - 600, "expires": now + 3000});
    acct.em.cli(
        "s3api put-object --bucket {} --key ctrail-lock/security-audit-trail.json --body {}",
        &[
            BUCKET,
            &support::scratch_file("apply-lock", "dead-lock.json", &dead.to_string()),
        ],
    );
    // A change to apply: a tag.
    let spec = std::fs::read_to_string(&acct.spec).expect("spec");
    std::fs::write(
        &acct.spec,
        spec.replacen("tags:\n", "tags:\n  Locked: test\n", 1),
    )
    .expect("spec");
    let out = acct.apply(&[]);
    let t = text(&out);
    assert_eq!(out.status.code(), Some(1), "{t}");
    assert!(
        t.contains("locked by ci (account 123456789012) on runner-7")
            && t.contains("10 min")
            && t.contains("0123456789abcdef"),
        "{t}"
    );
    let out = acct.apply(&["--force-unlock", "0123456789abcdef"]);
    assert!(out.status.success(), "{}", text(&out));
    assert!(text(&out).contains("Released lock 0123456789abcdef"));
    converged(&acct);

    // A lock of a run that died on another machine with this machine's
    // name (two CI runners may share one), its process id not running
    // here: ownership is judged by the lock's id, which no run of this
    // machine took, so it is refused too, not taken over.
    let namesake = json!({"held": true, "id": "fedcba9876543210", "owner": "ci (account 123456789012)",
        "host": ctrail_executor::lock::host_name(), "pid": 3_999_999, "operation": "ctrail apply",
        "started": now - 60, "expires": now + 3000});
    acct.em.cli(
        "s3api put-object --bucket {} --key ctrail-lock/security-audit-trail.json --body {}",
        &[
            BUCKET,
            &support::scratch_file("apply-lock", "namesake-lock.json", &namesake.to_string()),
        ],
    );
    std::fs::write(
        &acct.spec,
        std::fs::read_to_string(&acct.spec).expect("spec").replacen(
            "  Locked: test\n",
            "  Locked: again\n",
            1,
        ),
    )
    .expect("spec");
    let out = acct.apply(&[]);
    let t = text(&out);
    assert_eq!(out.status.code(), Some(1), "{t}");
    assert!(t.contains("fedcba9876543210"), "{t}");
    let out = acct.apply(&["--force-unlock", "fedcba9876543210"]);
    assert!(out.status.success(), "{}", text(&out));
    converged(&acct);
}
