//! Where ctrail keeps its own state (issue 26, item 5): the apply lock and
//! the ledger in a bucket of the spec's choosing, never in a log bucket with
//! Object Lock, never moved to an archive storage class by ctrail's own
//! lifecycle rule, and every way S3 may refuse to give them back explained.

mod support;

use serde_json::{Value, json};
use support::emulator::Emulator;
use support::{assert_says, text};

const TRAIL: &str = "audit-trail";
const LOGS: &str = "example-audit-trail-logs";
const STATE: &str = "example-ctrail-state";

/// A minimal spec in us-east-1, with `extra` appended.
fn spec(name: &str, extra: &str) -> String {
    let text = format!(
        "version: 1\nregion: us-east-1\ntrail:\n  name: {TRAIL}\nbucket:\n  name: {LOGS}\n{extra}"
    );
    support::scratch_file(name, "audit.yaml", &text)
}

fn keys(em: &Emulator, bucket: &str) -> Vec<String> {
    let args = ["s3api", "list-objects-v2", "--bucket", bucket, "--query"];
    em.names(
        None,
        &[&args[..], &["Contents[].Key", "--output", "json"]].concat(),
    )
}

/// A bucket made by hand, versioned, as ctrail's state bucket wants.
fn versioned_bucket(em: &Emulator, bucket: &str) {
    em.aws(&["s3api", "create-bucket", "--bucket", bucket]);
    em.aws(&[
        "s3api",
        "put-bucket-versioning",
        "--bucket",
        bucket,
        "--versioning-configuration",
        "Status=Enabled",
    ]);
}

#[test]
fn a_log_bucket_with_object_lock_holds_no_ctrail_object() {
    let em = Emulator::start();
    // The log bucket made by hand with Object Lock, as a compliance team
    // makes one (S3 User Guide, "Configuring S3 Object Lock").
    em.aws(&[
        "s3api",
        "create-bucket",
        "--bucket",
        LOGS,
        "--object-lock-enabled-for-bucket",
    ]);
    let in_logs = spec("state-object-lock", "");
    let out = em.ctrail(&["apply", "--auto-approve", &in_logs]);
    assert_says(
        &out,
        1,
        &[
            &format!("the bucket {LOGS} has S3 Object Lock"),
            "state.bucket",
            "nothing was applied",
        ],
    );
    assert_eq!(keys(&em, LOGS), Vec::<String>::new());
    let trails = em.aws(&["cloudtrail", "describe-trails", "--output", "json"]);
    assert!(!trails.contains(TRAIL), "nothing applied: {trails}");

    // With the state in a bucket of its own, the apply runs; the log bucket
    // still holds no object of ctrail's.
    versioned_bucket(&em, STATE);
    let elsewhere = spec(
        "state-object-lock-elsewhere",
        &format!("state:\n  bucket: {STATE}\n"),
    );
    em.apply(&elsewhere);
    assert_eq!(keys(&em, LOGS), Vec::<String>::new());
    assert_eq!(
        keys(&em, STATE),
        [
            format!("ctrail-lock/{TRAIL}.json"),
            format!("ctrail-state/{TRAIL}.json")
        ]
    );
    em.converged(&elsewhere);
}

#[test]
fn state_in_another_bucket_applies_and_a_second_apply_started_together_names_the_holder() {
    let em = Emulator::start();
    versioned_bucket(&em, STATE);
    let path = spec(
        "state-elsewhere",
        &format!("state:\n  bucket: {STATE}\n  prefix: ctrail\n"),
    );
    em.apply(&path);
    assert_eq!(
        keys(&em, STATE),
        [
            format!("ctrail/ctrail-lock/{TRAIL}.json"),
            format!("ctrail/ctrail-state/{TRAIL}.json")
        ]
    );
    // The log bucket holds no object of ctrail's.
    assert_eq!(keys(&em, LOGS), Vec::<String>::new());

    // A change to apply, by two runs started together, slowed so they
    // overlap: one applies, the other names the holder.
    let text_now = std::fs::read_to_string(&path).expect("spec");
    std::fs::write(&path, format!("{text_now}tags:\n  Team: audit\n")).expect("spec");
    em.configure(json!({"latency_ms": 60}));
    let (a, b) = (em.start_apply(&path), em.start_apply(&path));
    let outs = [
        a.wait_with_output().expect("apply a"),
        b.wait_with_output().expect("apply b"),
    ];
    em.configure(json!({}));
    let lost: Vec<String> = outs
        .iter()
        .filter(|o| !o.status.success())
        .map(text)
        .collect();
    assert_eq!(lost.len(), 1, "{}\n---\n{}", text(&outs[0]), text(&outs[1]));
    assert!(
        lost[0].contains("the trail is locked by")
            && lost[0].contains(&format!("s3://{STATE}/ctrail/ctrail-lock/{TRAIL}.json")),
        "{}",
        lost[0]
    );
    em.converged(&path);
}

#[test]
fn a_state_bucket_that_does_not_exist_is_named_and_nothing_is_applied() {
    let em = Emulator::start();
    let path = spec("state-missing", &format!("state:\n  bucket: {STATE}\n"));
    let out = em.ctrail(&["apply", "--auto-approve", &path]);
    let shown = text(&out);
    assert_eq!(out.status.code(), Some(1), "{shown}");
    assert!(
        shown.contains(&format!("the state bucket {STATE} does not exist")),
        "{shown}"
    );
    let trails = em.aws(&["cloudtrail", "describe-trails", "--output", "json"]);
    assert!(!trails.contains(TRAIL), "nothing applied: {trails}");
}

#[test]
fn a_ledger_in_an_archive_storage_class_is_named_with_what_to_do() {
    let em = Emulator::start();
    let path = spec("state-glacier", "");
    em.apply(&path);
    // ctrail's own rule leaves the ledger alone: it covers AWSLogs/ only.
    let rules = em.aws(&[
        "s3api",
        "get-bucket-lifecycle-configuration",
        "--bucket",
        LOGS,
        "--query",
        "Rules[].Filter.Prefix",
        "--output",
        "json",
    ]);
    assert_eq!(
        serde_json::from_str::<Value>(&rules).expect("json"),
        json!(["AWSLogs/"])
    );
    // A rule of someone else's moved it to Glacier (as a whole-bucket rule
    // does after 90 days).
    let ledger = format!("ctrail-state/{TRAIL}.json");
    em.aws(&[
        "s3api",
        "copy-object",
        "--bucket",
        LOGS,
        "--key",
        &ledger,
        "--copy-source",
        &format!("{LOGS}/{ledger}"),
        "--storage-class",
        "GLACIER",
    ]);
    let out = em.ctrail(&["plan", &path]);
    let shown = text(&out);
    assert_eq!(out.status.code(), Some(1), "{shown}");
    assert!(
        shown.contains("InvalidObjectState")
            && shown.contains("archive storage class")
            && shown.contains("restore-object")
            && shown.contains("AWSLogs/"),
        "{shown}"
    );
}

#[test]
fn a_denied_first_read_of_the_ledger_says_what_tells_missing_from_denied() {
    let em = Emulator::start();
    let path = spec("state-denied", "");
    // S3's answer to GetObject on a missing key for a caller without
    // s3:ListBucket.
    em.configure(
        json!({"faults": [{"op": "s3:GetObject", "times": -1, "status": 403,
        "code": "AccessDenied", "message": "Access Denied"}]}),
    );
    let out = em.ctrail(&["plan", &path]);
    assert_says(
        &out,
        1,
        &[
            &format!("s3://{LOGS}/ctrail-state/{TRAIL}.json"),
            "AccessDenied",
            "s3:ListBucket",
        ],
    );
}
