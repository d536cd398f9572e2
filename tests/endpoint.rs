//! A dead endpoint fails the first call within seconds, naming the endpoint
//! and the region; a read the SDK retries says so on stderr.

mod support;

use std::process::{Command, Output};
use std::time::{Duration, Instant};

use serde_json::json;
use support::emulator::Emulator;
use support::text;

/// Within a few seconds, whatever a dead endpoint is: no retry waits.
const FAST: Duration = Duration::from_secs(15);

/// A port on 127.0.0.1 nothing listens on.
fn closed_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

/// `ctrail` with test credentials, no shared AWS config, and `endpoint` as
/// AWS_ENDPOINT_URL; its output and how long it took.
fn ctrail_at(endpoint: &str, args: &[&str]) -> (Output, Duration) {
    let started = Instant::now();
    let out = Command::new(env!("CARGO_BIN_EXE_ctrail"))
        .args(args)
        .current_dir(support::root())
        .env("AWS_ENDPOINT_URL", endpoint)
        .env("AWS_ACCESS_KEY_ID", "testing")
        .env("AWS_SECRET_ACCESS_KEY", "testing")
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env("AWS_CONFIG_FILE", "/dev/null")
        .env("AWS_SHARED_CREDENTIALS_FILE", "/dev/null")
        .env_remove("AWS_PROFILE")
        .env_remove("AWS_SESSION_TOKEN")
        .env_remove("AWS_REGION")
        .env_remove("AWS_DEFAULT_REGION")
        .env("NO_COLOR", "1")
        .env_remove("RUST_LOG")
        .output()
        .expect("run ctrail");
    (out, started.elapsed())
}

fn assert_fails_fast(out: &Output, took: Duration, message: &str) {
    let t = text(out);
    assert_eq!(out.status.code(), Some(1), "{t}");
    assert!(took < FAST, "took {took:?}: {t}");
    assert!(support::stderr(out).contains(message), "{t}");
    assert!(!support::stderr(out).contains("attempt 2 of"), "{t}");
}

#[test]
fn a_refused_endpoint_fails_the_plan_within_seconds_naming_it_and_the_region() {
    let endpoint = format!("http://127.0.0.1:{}", closed_port());
    let (out, took) = ctrail_at(&endpoint, &["plan", "specs/minimal.yaml"]);
    assert_fails_fast(
        &out,
        took,
        &format!(
            "cannot reach {endpoint} (region eu-west-1): connection refused; check --endpoint-url (or AWS_ENDPOINT_URL) and that the endpoint is up"
        ),
    );
}

#[test]
fn an_unresolvable_endpoint_fails_the_plan_within_seconds_naming_it_and_the_region() {
    let endpoint = "http://ctrail-no-such-host.invalid:4566";
    let (out, took) = ctrail_at(
        endpoint,
        &["plan", "--region", "eu-central-1", "specs/minimal.yaml"],
    );
    assert_fails_fast(
        &out,
        took,
        &format!("cannot reach {endpoint} (region eu-central-1): the host name does not resolve"),
    );
}

#[test]
fn a_refused_endpoint_fails_apply_within_seconds_with_nothing_retried() {
    // Apply's own calls (the lock) are retried by the executor, not the
    // SDK: a first contact refused is not retried there either.
    let endpoint = format!("http://127.0.0.1:{}", closed_port());
    let (out, took) = ctrail_at(
        "http://127.0.0.1:1",
        &[
            "apply",
            "--auto-approve",
            "--endpoint-url",
            &endpoint,
            "specs/minimal.yaml",
        ],
    );
    assert_fails_fast(
        &out,
        took,
        &format!("cannot reach {endpoint} (region eu-west-1): connection refused"),
    );
    assert!(!support::stdout(&out).contains("retry 1"), "{}", text(&out));
}

#[test]
fn a_throttled_read_says_so_on_stderr_with_its_attempts_and_the_plan_succeeds() {
    let em = Emulator::start();
    em.configure(json!({"faults": [{
        "op": "sts:GetCallerIdentity", "times": 2, "status": 400,
        "code": "Throttling", "message": "Rate exceeded"
    }]}));
    let out = em.ctrail(&["plan", "specs/minimal.yaml"]);
    let t = text(&out);
    assert_eq!(out.status.code(), Some(0), "{t}");
    let err = support::stderr(&out);
    for attempt in [2, 3] {
        let line = format!(
            "  ... sts:GetCallerIdentity: Throttling: Rate exceeded (transient failure); attempt {attempt} of 8"
        );
        assert!(err.lines().any(|l| l == line), "{line:?} missing: {t}");
    }
    assert!(!err.contains("attempt 4 of 8"), "{t}");
    assert_eq!(em.counts().get("sts:GetCallerIdentity"), Some(&3), "{t}");
    assert!(support::stdout(&out).contains("Plan: "), "{t}");
}

#[test]
fn a_dropped_connection_is_still_retried_and_said_so() {
    // Only a connection never made to an endpoint that never answered is
    // final: a dropped connection is tried again as before.
    let em = Emulator::start();
    em.configure(json!({"drop_every": 2}));
    let out = em.ctrail(&["plan", "specs/minimal.yaml"]);
    let t = text(&out);
    assert_eq!(out.status.code(), Some(0), "{t}");
    assert!(
        em.injected()["by_kind"]["drop"].as_u64().unwrap_or(0) > 0,
        "{t}"
    );
    assert!(support::stderr(&out).contains("; attempt 2 of 8"), "{t}");
}
