//! `ctrail validate` on the example specs and on the invalid-spec suite.
//!
//! Each file in `tests/invalid/` marks every line where an error is expected
//! with a trailing `# expect: <field>` comment. The test requires exactly those
//! errors: the same fields on the same lines, nothing missing, nothing extra.

mod support;

use serde_json::Value;
use support::{
    assert_contains, assert_error, ctrail, files, root, scratch, scratch_file, stderr, stdout,
};

fn validate_json(path: &str) -> (i32, Value) {
    let out = ctrail(&["validate", "--format", "json", path]);
    let doc: Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{path}: output is not JSON ({e}): {}", stdout(&out)));
    (out.status.code().unwrap_or(-1), doc)
}

fn expectations(path: &str) -> Vec<(String, u64)> {
    let text = std::fs::read_to_string(root().join(path)).expect("read spec");
    let mut exp: Vec<(String, u64)> = text
        .lines()
        .enumerate()
        .filter_map(|(i, line)| {
            let field = line.split("# expect: ").nth(1)?.split_whitespace().next()?;
            Some((field.to_owned(), i as u64 + 1))
        })
        .collect();
    exp.sort();
    exp
}

#[test]
fn every_example_spec_is_valid() {
    let specs = files("specs", ".yaml");
    assert!(specs.len() >= 4, "{specs:?}");
    let mut args = vec!["validate"];
    args.extend(specs.iter().map(String::as_str));
    let out = ctrail(&args);
    assert!(out.status.success(), "{}{}", stdout(&out), stderr(&out));
    for s in &specs {
        assert!(
            stdout(&out).contains(&format!("ok    {s}")),
            "{s} not reported ok"
        );
    }
    assert!(!stderr(&out).contains("error"), "{}", stderr(&out));
}

#[test]
fn every_invalid_spec_reports_exactly_its_fields_and_lines() {
    let invalid = files("tests/invalid", ".yaml");
    assert!(invalid.len() >= 30, "only {} invalid specs", invalid.len());
    let mut failures = Vec::new();
    for path in &invalid {
        let expected = expectations(path);
        assert!(!expected.is_empty(), "{path} has no `# expect:` marker");
        let (code, doc) = validate_json(path);
        let mut got: Vec<(String, u64)> = doc["files"][0]["diagnostics"]
            .as_array()
            .expect("diagnostics")
            .iter()
            .filter(|d| d["severity"] == "error")
            .map(|d| {
                (
                    d["field"].as_str().unwrap_or_default().to_owned(),
                    d["line"].as_u64().unwrap_or_default(),
                )
            })
            .collect();
        got.sort();
        if code != 1 || got != expected || doc["valid"] != false {
            failures.push(format!(
                "{path}: exit {code}, errors {got:?}, expected {expected:?}"
            ));
        }
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}

#[test]
fn text_errors_name_file_line_column_field_and_what_is_allowed() {
    let out = ctrail(&[
        "validate",
        "tests/invalid/retention-not-accepted-by-cloudwatch.yaml",
    ]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    let said = [
        "error: cloudwatch_logs.retention_days: CloudWatch Logs does not accept a retention of 45 days",
        "--> tests/invalid/retention-not-accepted-by-cloudwatch.yaml:6:19",
        "6 |   retention_days: 45",
        "help: allowed: 1, 3, 5, 7, 14, 30, 60, 90",
    ];
    assert_contains(&err, &said);
    assert!(
        stdout(&out)
            .contains("FAIL  tests/invalid/retention-not-accepted-by-cloudwatch.yaml (1 error(s))")
    );
}

#[test]
fn one_run_reports_every_error_in_a_file() {
    let (_, doc) = validate_json("tests/invalid/several-errors-in-one-run.yaml");
    let n = doc["files"][0]["diagnostics"]
        .as_array()
        .map_or(0, Vec::len);
    assert_eq!(n, 5, "{doc}");
}

#[test]
fn a_mix_of_valid_and_invalid_files_fails_and_reports_each() {
    let out = ctrail(&[
        "validate",
        "specs/minimal.yaml",
        "tests/invalid/unknown-region.yaml",
    ]);
    assert_eq!(out.status.code(), Some(1));
    let o = stdout(&out);
    assert!(o.contains("ok    specs/minimal.yaml"), "{o}");
    assert!(o.contains("FAIL  tests/invalid/unknown-region.yaml"), "{o}");
}

#[test]
fn warnings_do_not_fail_validation() {
    let path = scratch_file(
        "warnings",
        "weak.yaml",
        "version: 1\nregion: us-east-1\ntrail:\n  name: weak-trail\n  log_file_validation: false\nbucket:\n  name: weak-trail-logs\n  public_access_block: false\n",
    );
    let out = ctrail(&["validate", "--format", "json", &path]);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    let doc: Value = serde_json::from_slice(&out.stdout).expect("json");
    let warned: Vec<&str> = doc["files"][0]["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .filter(|d| d["severity"] == "warning")
        .filter_map(|d| d["field"].as_str())
        .collect();
    assert_eq!(
        warned,
        vec!["trail.log_file_validation", "bucket.public_access_block"]
    );
}

/// Excluding KMS's management events (to save cost) blinds the CIS filter
/// for disabled or deleted keys: validation says so, naming the filter, and
/// says nothing when the source is logged.
#[test]
fn a_selector_that_blinds_a_cis_filter_is_warned_about() {
    let spec = |exclude: &str| {
        format!(
            "version: 1\nregion: us-east-1\ntrail:\n  name: audit-trail\n  event_selectors:\n    - exclude_management_event_sources: [{exclude}]\nbucket: {{name: audit-trail-logs}}\nmonitoring: {{presets: [cis]}}\n"
        )
    };
    let blind = scratch_file("blind-spots", "blind.yaml", &spec("kms.amazonaws.com"));
    let out = ctrail(&["validate", &blind]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_contains(
        &format!("{}{}", stdout(&out), stderr(&out)),
        &[
            "metric filter `CMKDisabledOrScheduledForDeletion` watches kms.amazonaws.com, whose management events the trail's event selectors do not log",
        ],
    );
    let seeing = scratch_file("blind-spots", "seeing.yaml", &spec("rdsdata.amazonaws.com"));
    let out = ctrail(&["validate", &seeing]);
    let all = format!("{}{}", stdout(&out), stderr(&out));
    assert!(!all.contains("can never match"), "{all}");
}

#[test]
fn hostile_input_is_refused_with_an_error() {
    let dir = scratch("hostile");
    let cases: [(&str, Vec<u8>, &str); 4] = [
        (
            "huge.yaml",
            format!("version: 1\npad: \"{}\"\n", "x".repeat(2 * 1024 * 1024)).into_bytes(),
            "larger than 1048576 bytes are refused",
        ),
        (
            "deep.yaml",
            format!(
                "version: 1\nx: {}{}\n",
                "[".repeat(10_000),
                "]".repeat(10_000)
            )
            .into_bytes(),
            "input refused: nesting deeper than 32 levels",
        ),
        (
            "many-documents.yaml",
            b"version: 1\n---\nversion: 1\n".to_vec(),
            "exactly one YAML document",
        ),
        (
            "not-utf8.yaml",
            b"version: 1\nregion: \xff\xfe\n".to_vec(),
            "not valid UTF-8",
        ),
    ];
    for (name, bytes, expected) in cases {
        let path = dir.join(name);
        std::fs::write(&path, bytes).expect("write");
        let (code, doc) = validate_json(path.to_str().expect("utf-8"));
        assert_eq!(code, 1, "{name}: {doc}");
        let msg = doc["files"][0]["diagnostics"][0]["message"]
            .as_str()
            .unwrap_or_default();
        assert!(msg.contains(expected), "{name}: {msg}");
    }
}

#[test]
fn a_missing_file_is_an_error_not_a_panic() {
    let out = ctrail(&["validate", "specs/does-not-exist.yaml"]);
    assert_error(&out, "cannot read specs/does-not-exist.yaml");
}

/// Shell completions for each shell, a man page per command, and a version
/// that names the build's git revision.
#[test]
fn completions_man_pages_and_version() {
    for shell in ["bash", "zsh", "fish", "powershell"] {
        let out = ctrail(&["completions", shell]);
        assert!(out.status.success(), "{shell}: {}", stderr(&out));
        let script = stdout(&out);
        assert!(
            script.contains("ctrail") && script.contains("verify"),
            "{shell}:\n{script}"
        );
    }
    let dir = scratch("man-pages");
    let out = ctrail(&["man", "--out", &dir.to_string_lossy()]);
    assert!(out.status.success(), "{}", stderr(&out));
    for page in [
        "ctrail",
        "ctrail-plan",
        "ctrail-apply",
        "ctrail-verify",
        "ctrail-report",
    ] {
        let text = std::fs::read_to_string(dir.join(format!("{page}.1"))).expect(page);
        assert!(text.contains(".TH"), "{page}: not a man page");
    }
    let version = stdout(&ctrail(&["--version"]));
    assert!(version.starts_with("ctrail 0.1.0 (git "), "{version}");
}

/// `ctrail schema` prints the published schema file; `-o` writes the same.
#[test]
fn schema_prints_the_published_schema() {
    let out = ctrail(&["schema"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let published =
        std::fs::read_to_string(root().join("schema/ctrail-spec.schema.json")).expect("schema");
    assert_eq!(stdout(&out), published);
    let path = scratch("schema").join("s.json");
    let path_arg = path.to_string_lossy().into_owned();
    assert!(ctrail(&["schema", "-o", &path_arg]).status.success());
    assert_eq!(std::fs::read_to_string(&path).expect("written"), published);
}

/// `ctrail init` with the seed's example input writes exactly the shipped
/// `specs/security-audit-trail.yaml`, which validates; a required parameter
/// missing without a terminal is an error, and an existing file is kept.
#[test]
fn init_from_the_seeds_example_input_writes_the_shipped_spec() {
    let seed = [
        "init",
        "--trail-name",
        "security-audit-trail",
        "--s3-bucket-name",
        "my-org-cloudtrail-logs-2024",
        "--region",
        "us-east-1",
        "--cloudwatch-log-group",
        "CloudTrail/SecurityLogs",
        "--enable-data-events",
        "--enable-insights",
        "--kms-key-id",
        "12345678-1234-1234-1234-123456789012",
        "--tags",
        r#"{"Environment":"prod","Owner":"security-team","Project":"audit","CostCenter":"IT-001"}"#,
    ];
    let out = ctrail(&seed);
    assert!(out.status.success(), "{}", stderr(&out));
    let shipped =
        std::fs::read_to_string(root().join("specs/security-audit-trail.yaml")).expect("spec");
    assert_eq!(stdout(&out), shipped);
    // As the seed writes its parameters: `--enable-data-events true`.
    let as_the_seed_writes: Vec<&str> = seed
        .iter()
        .flat_map(|a| match *a {
            "--enable-data-events" | "--enable-insights" => vec![*a, "true"],
            other => vec![other],
        })
        .collect();
    let out = ctrail(&as_the_seed_writes);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(stdout(&out), shipped);

    let dir = scratch("init");
    let path = dir.join("new.yaml");
    let path_arg = path.to_string_lossy().into_owned();
    let with_out: Vec<&str> = seed.iter().copied().chain(["--out", &path_arg]).collect();
    let out = ctrail(&with_out);
    assert!(out.status.success());
    // The modeline's default names ../schema/, which a scratch folder lacks:
    // init says how to get this ctrail's schema there.
    let expected = dir.join("../schema/ctrail-spec.schema.json");
    assert!(
        stderr(&out).contains(&format!("ctrail schema --out {}", expected.display())),
        "{}",
        stderr(&out)
    );
    assert!(ctrail(&["validate", &path_arg]).status.success());
    assert_error(&ctrail(&with_out), "cannot create");
    assert_error(
        &ctrail(&["init", "--region", "us-east-1"]),
        "--trail-name is required",
    );
    let bad_bucket = [
        "init",
        "--trail-name",
        "t1x",
        "--s3-bucket-name",
        "Bad_Bucket",
        "--region",
        "us-east-1",
    ];
    assert_error(&ctrail(&bad_bucket), "invalid spec; nothing was written");
}

/// `ctrail ... | head`: a reader that goes away ends ctrail quietly with the
/// shell's code for a closed pipe, never a panic.
#[test]
fn a_closed_pipe_ends_ctrail_quietly() {
    use std::process::{Command, Stdio};
    let mut child = Command::new(env!("CARGO_BIN_EXE_ctrail"))
        .arg("schema")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run ctrail");
    // Closed before ctrail writes its 60 kB.
    drop(child.stdout.take());
    let out = child.wait_with_output().expect("wait");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert_eq!(out.status.code(), Some(141), "{stderr}");
}

/// What docs/spec.md says of Insights on a trail that logs only read
/// management events is what `ctrail validate` does: ApiErrorRateInsight
/// (read or write management events) is accepted, ApiCallRateInsight
/// (write management events) refused (CloudTrail User Guide, "Working with
/// CloudTrail Insights").
#[test]
fn insights_on_a_read_only_trail_are_as_docs_spec_says() {
    let spec = |insights: &str| {
        format!(
            "version: 1\nregion: us-east-1\ntrail:\n  name: audit-trail\n  event_selectors:\n    - read_write_type: ReadOnly\n  insights: [{insights}]\nbucket: {{name: example-audit-logs}}\n"
        )
    };
    for (file, insights, want) in [
        ("errors.yaml", "ApiErrorRateInsight", 0),
        ("calls.yaml", "ApiCallRateInsight", 1),
    ] {
        let path = scratch_file("read-only-insights", file, &spec(insights));
        let (code, doc) = validate_json(&path);
        assert_eq!(code, want, "{insights}: {doc:#}");
    }

    let docs = std::fs::read_to_string(root().join("docs/spec.md")).expect("docs");
    let row = docs
        .lines()
        .find(|l| l.starts_with("| `insights` |"))
        .expect("docs/spec.md's insights row");
    assert!(!row.contains("an explicit list is an error"), "{row}");
    assert_contains(
        row,
        &["a read-only trail may list `ApiErrorRateInsight` but not `ApiCallRateInsight`"],
    );
}
