//! The GitHub Actions workflows in `examples/github-actions/`, run step by
//! step as a runner would: each `run:` step in bash (`-eo pipefail`, as
//! GitHub runs it) with the real `ctrail` against the emulator and the
//! workflow script against a stand-in for the GitHub API
//! (`tests/github/fake_github.py`, starting from the recorded payloads in
//! `tests/github/recorded/`). The `uses:` steps are the runner's: checkout is
//! the prepared workspace, credentials are the emulator's, and
//! upload-artifact hands the files it names to the stand-in. ctrail's own
//! action (`OWNER/ctrail`, action.yml) runs its steps (tests/github/action.rs),
//! installing the archive `tools/just release` built from a stand-in release
//! server: the workflows run that binary, never the debug build.

#[path = "github/action.rs"]
mod action;
mod support;

use std::path::{Path, PathBuf};
use std::process::{Child, Command};

use serde_json::{Value, json};
use support::emulator::Emulator;
use support::{root, scratch};

const TOKEN: &str = "test-github-token";
const PR: u64 = 7;
/// The merge commit of pull request 7 (tests/github/recorded/commit-pulls.json).
const MERGED: &str = "5d4c3b2a1f0e9d8c7b6a5f4e3d2c1b0a9f8e7d6c";
const MARKER: &str = "<!-- ctrail:plan -->";

struct FakeGitHub {
    child: Child,
    port: u16,
    /// github.com's release downloads.
    release: action::ReleaseServer,
}

impl Drop for FakeGitHub {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl FakeGitHub {
    fn start(em: &Emulator) -> FakeGitHub {
        let (child, port) = support::spawn_server(
            Command::new(em.venv.join("bin/python"))
                .arg(root().join("tests/github/fake_github.py"))
                .arg("--recorded")
                .arg(root().join("tests/github/recorded")),
            "port ",
        );
        let release = action::ReleaseServer::start(
            &em.venv.join("bin/python"),
            &root(),
            scratch(&format!("release-{port}")),
        );
        FakeGitHub {
            child,
            port,
            release,
        }
    }

    fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    fn call(&self, method: &str, path: &str, body: &Value) -> Value {
        let resp = support::http(self.port, method, path, &body.to_string());
        serde_json::from_str(&resp).expect("JSON")
    }

    fn state(&self) -> Value {
        self.call("GET", "/_fake/state", &Value::Null)
    }

    fn requests(&self) -> Vec<String> {
        self.call("GET", "/_fake/requests", &Value::Null)
            .as_array()
            .expect("list")
            .iter()
            .map(|r| {
                format!(
                    "{} {}",
                    r[0].as_str().unwrap_or(""),
                    r[1].as_str().unwrap_or("")
                )
            })
            .collect()
    }

    fn plan_comments(&self) -> Vec<Value> {
        self.state()["comments"][PR.to_string()]
            .as_array()
            .expect("the pull request's comments")
            .iter()
            .filter(|c| c["body"].as_str().is_some_and(|b| b.contains(MARKER)))
            .cloned()
            .collect()
    }
}

/// A repository of specs as `actions/checkout` leaves it, with the workflow
/// script where the workflows expect it.
fn workspace(name: &str) -> PathBuf {
    let ws = scratch(name);
    std::fs::create_dir_all(ws.join("specs")).expect("mkdir");
    std::fs::create_dir_all(ws.join(".github/ctrail")).expect("mkdir");
    std::fs::copy(
        root().join("examples/github-actions/ctrail_github.py"),
        ws.join(".github/ctrail/ctrail_github.py"),
    )
    .expect("copy the script");
    std::fs::write(
        ws.join("specs/audit.yaml"),
        "version: 1\nregion: us-east-1\ntrail: {name: audit-trail}\nbucket: {name: ctrail-workflow-audit-logs}\n",
    )
    .expect("spec");
    ws
}

struct Job {
    ok: bool,
    log: String,
}

/// A step's `env:` value: the expressions these workflows use, and no other.
fn expression(value: &str) -> String {
    match value {
        "${{ github.token }}" => TOKEN.to_owned(),
        v if v.starts_with("${{ vars.") => "set-in-the-repository-settings".to_owned(),
        v => {
            assert!(!v.contains("${{"), "the harness does not evaluate {v}");
            v.to_owned()
        }
    }
}

/// Runs the workflow's one job in `ws` as a runner would for `event`.
fn run_workflow(file: &str, ws: &Path, em: &Emulator, gh: &FakeGitHub, sha: &str) -> Job {
    let text = std::fs::read_to_string(root().join("examples/github-actions").join(file))
        .expect("workflow");
    let doc: Value = serde_saphyr::from_str(&text).expect("workflow YAML");
    let jobs = doc["jobs"].as_object().expect("jobs");
    assert_eq!(jobs.len(), 1, "{file}: one job");
    let steps = jobs.values().next().expect("job")["steps"]
        .as_array()
        .expect("steps")
        .clone();
    // The job's environment, as the runner gives it to every step.
    let shell = || {
        let mut cmd = Command::new("bash");
        em.env(&mut cmd)
            .current_dir(ws)
            .env("CI", "true")
            .env("GITHUB_ACTIONS", "true")
            .env("GITHUB_REPOSITORY", "example-org/cloudtrail-specs")
            .env("GITHUB_API_URL", gh.url())
            .env("GITHUB_SERVER_URL", "https://github.com")
            .env("GITHUB_SHA", sha)
            .env("GITHUB_RUN_ID", "12000000001")
            .env("GITHUB_WORKSPACE", ws)
            .env(
                "GITHUB_EVENT_PATH",
                root().join("tests/github/recorded/pull_request.synchronize.json"),
            )
            .env("RUNNER_OS", "Linux")
            .env("RUNNER_ARCH", "X64")
            .env("RUNNER_TEMP", ws.join(".runner-temp"))
            .env("RUNNER_TOOL_CACHE", ws.join(".tool-cache"))
            .env_remove("GH_TOKEN")
            .env_remove("GITHUB_TOKEN");
        cmd
    };
    let job = action::Job {
        shell: &shell,
        // No ctrail here: the workflow's install step puts it on the PATH.
        path: std::env::var("PATH").unwrap_or_default(),
        github_path: ws.join(".github-path"),
        temp: ws.join(".runner-temp"),
        context: [("github.token".to_owned(), TOKEN.to_owned())].into(),
    };
    let _ = std::fs::remove_file(&job.github_path);
    let (mut ok, mut log) = (true, String::new());
    for step in &steps {
        let name = step["name"]
            .as_str()
            .or(step["uses"].as_str())
            .unwrap_or("?");
        let runs = match step["if"].as_str() {
            None => ok,
            Some("always()") => true,
            Some("failure()") => !ok,
            Some(other) => panic!("{file}: the harness does not evaluate if: {other}"),
        };
        if !runs {
            continue;
        }
        if let Some(uses) = step["uses"].as_str() {
            let action = uses.split('@').next().unwrap_or(uses);
            match action {
                "actions/checkout" | "actions/cache" | "aws-actions/configure-aws-credentials" => {}
                "OWNER/ctrail" => {
                    let mut with: std::collections::BTreeMap<String, String> = step["with"]
                        .as_object()
                        .into_iter()
                        .flatten()
                        .map(|(k, v)| (k.clone(), expression(v.as_str().expect("a string"))))
                        .collect();
                    with.extend(gh.release.inputs());
                    let mut uses = |a: &str, _: &_| panic!("{file}: the action used {a}");
                    let step = action::composite(&job, &root(), &with, &mut uses);
                    log.push_str(&format!("== {name}\n{}", step.log));
                    ok &= step.ok;
                }
                "actions/upload-artifact" => {
                    let pattern = step["with"]["path"].as_str().expect("with.path");
                    let dir = ws.join(Path::new(pattern).parent().expect("a directory"));
                    gh.call(
                        "POST",
                        "/_fake/artifact",
                        &json!({"dir": dir.to_string_lossy()}),
                    );
                }
                other => panic!("{file}: the harness does not know the action {other}"),
            }
            continue;
        }
        let script = step["run"].as_str().expect("run or uses");
        let mut cmd = shell();
        cmd.args(["--noprofile", "--norc", "-eo", "pipefail", "-c", script])
            .env("PATH", job.path_now())
            .env("GITHUB_PATH", &job.github_path)
            .env("GITHUB_OUTPUT", ws.join(".github-output"));
        if let Some(env) = step["env"].as_object() {
            for (k, v) in env {
                cmd.env(k, expression(v.as_str().expect("a string")));
            }
        }
        let out = cmd.output().expect("bash");
        log.push_str(&format!(
            "== {name} ({})\n{}{}",
            out.status,
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ));
        ok &= out.status.success();
    }
    Job { ok, log }
}

/// The plan workflow on the recorded pull request: one comment with every
/// spec's Markdown plan; the second push updates that comment in place; the
/// reviewer's comment is left alone. The apply workflow on the merge commit
/// applies exactly the saved plan; run again, that plan is stale and refused;
/// a commit not merged from a pull request has no reviewed plan.
#[test]
fn plan_comment_is_sticky_and_apply_takes_only_the_reviewed_plan() {
    let em = Emulator::start();
    let gh = FakeGitHub::start(&em);
    let ws = workspace("workflow-plan-apply");
    let head = "9b8a7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2f1a0b";

    let first = run_workflow("ctrail-plan.yml", &ws, &em, &gh, head);
    assert!(first.ok, "{}", first.log);
    let comments = gh.plan_comments();
    assert_eq!(comments.len(), 1, "{comments:#?}");
    let body = comments[0]["body"].as_str().expect("body");
    support::assert_contains(
        body,
        &[
            "## ctrail plan: 1 spec(s) at `9b8a7c6d5e4f`",
            "Spec: `specs/audit.yaml`",
            "to add",
            "audit-trail",
            "ctrail-workflow-audit-logs",
            "artifact `ctrail-plans`",
        ],
    );
    assert!(ws.join("plans/audit.json").exists());

    // A second push: the same comment, edited.
    let second = run_workflow("ctrail-plan.yml", &ws, &em, &gh, head);
    assert!(second.ok, "{}", second.log);
    let again = gh.plan_comments();
    assert_eq!(again.len(), 1, "{again:#?}");
    assert_eq!(again[0]["id"], comments[0]["id"]);
    let requests = gh.requests();
    let posts = requests
        .iter()
        .filter(|r| {
            r.starts_with(&format!(
                "POST /repos/example-org/cloudtrail-specs/issues/{PR}/comments"
            ))
        })
        .count();
    let patches = requests
        .iter()
        .filter(|r| r.starts_with("PATCH /repos/example-org/cloudtrail-specs/issues/comments/"))
        .count();
    assert_eq!((posts, patches), (1, 1), "{requests:#?}");
    let all = &gh.state()["comments"][PR.to_string()];
    assert_eq!(
        all.as_array().map(Vec::len),
        Some(2),
        "the reviewer's comment stays"
    );

    // Merged: the reviewed plan is applied, exactly.
    let applied = run_workflow("ctrail-apply.yml", &ws, &em, &gh, MERGED);
    assert!(applied.ok, "{}", applied.log);
    support::assert_contains(&applied.log, &["reviewed plans of #7 (run 11984523001"]);
    let plan = em.ctrail(&[
        "plan",
        "--detailed-exitcode",
        &ws.join("specs/audit.yaml").to_string_lossy(),
    ]);
    assert_eq!(plan.status.code(), Some(0), "{}", support::stdout(&plan));

    // The same plan again: the account changed since it was made.
    let stale = run_workflow("ctrail-apply.yml", &ws, &em, &gh, MERGED);
    assert!(!stale.ok, "a stale plan must fail the job:\n{}", stale.log);
    support::assert_contains(
        &stale.log,
        &["the account changed since the plan was made; nothing was applied"],
    );

    // Pushed straight to main: nothing was reviewed, nothing is applied.
    let direct = "1111111111111111111111111111111111111111";
    gh.call("POST", "/_fake/unmerged", &json!({"sha": direct}));
    let refused = run_workflow("ctrail-apply.yml", &ws, &em, &gh, direct);
    assert!(!refused.ok);
    support::assert_contains(&refused.log, &["was not merged from a pull request"]);
}

/// The drift workflow: nothing drifted, no issue; trail logging stopped by
/// hand, one issue with the drift report; still drifted the next day, the
/// same issue updated; put right, the issue closed.
#[test]
fn drift_keeps_one_issue_per_spec_and_closes_it() {
    let em = Emulator::start();
    let gh = FakeGitHub::start(&em);
    let ws = workspace("workflow-drift");
    let spec = ws.join("specs/audit.yaml").to_string_lossy().into_owned();
    let out = em.ctrail(&["apply", "--auto-approve", &spec]);
    assert!(out.status.success(), "{}", support::stderr(&out));

    let quiet = run_workflow("ctrail-drift.yml", &ws, &em, &gh, MERGED);
    assert!(quiet.ok, "{}", quiet.log);
    assert!(gh.state()["issues"].as_array().is_some_and(Vec::is_empty));

    em.aws(&["cloudtrail", "stop-logging", "--name", "audit-trail"]);
    let drifted = run_workflow("ctrail-drift.yml", &ws, &em, &gh, MERGED);
    assert!(drifted.ok, "{}", drifted.log);
    let issues = gh.state()["issues"].clone();
    assert_eq!(issues.as_array().map(Vec::len), Some(1), "{issues:#}");
    let issue = &issues[0];
    assert_eq!(issue["title"], "Drift in specs/audit.yaml");
    assert_eq!(issue["labels"][0]["name"], "ctrail-drift");
    support::assert_contains(
        issue["body"].as_str().expect("body"),
        &["<!-- ctrail:drift specs/audit.yaml -->", "logging"],
    );

    let still = run_workflow("ctrail-drift.yml", &ws, &em, &gh, MERGED);
    assert!(still.ok, "{}", still.log);
    let issues = gh.state()["issues"].clone();
    assert_eq!(issues.as_array().map(Vec::len), Some(1), "{issues:#}");
    assert!(
        gh.requests().iter().any(|r| r
            == &format!(
                "PATCH /repos/example-org/cloudtrail-specs/issues/{}",
                issue["number"]
            )),
        "the second run updates the issue"
    );

    let out = em.ctrail(&["apply", "--auto-approve", &spec]);
    assert!(out.status.success(), "{}", support::stderr(&out));
    let fixed = run_workflow("ctrail-drift.yml", &ws, &em, &gh, MERGED);
    assert!(fixed.ok, "{}", fixed.log);
    let issue = &gh.state()["issues"][0];
    assert_eq!(issue["state"], "closed", "{issue:#}");
    let closing = &gh.state()["comments"][issue["number"].to_string()];
    support::assert_contains(
        closing[0]["body"].as_str().expect("a closing comment"),
        &["No drift in `specs/audit.yaml` any more"],
    );
}
