//! The GitHub Actions workflows in `examples/github-actions/`, run step by
//! step as a runner would: each `run:` step in bash (`-eo pipefail`, as
//! GitHub runs it) with the real `ctrail` against the emulator and the
//! workflow script against a stand-in for the GitHub API
//! (`tests/github/fake_github.py`, starting from the recorded payloads in
//! `tests/github/recorded/`). The `uses:` steps are the runner's: checkout is
//! the prepared workspace, credentials are the emulator's (or, for a role
//! ARN, that role's session, assumed through the emulator), upload-artifact
//! hands the files it names to the stand-in and keeps them for the run,
//! which download-artifact copies back. A workflow of several jobs runs them
//! in `needs:` order, a matrix job once per `include` entry, each in a
//! checkout of its own (`run_jobs`). ctrail's own
//! action (`OWNER/ctrail`, action.yml) runs its steps (tests/github/action.rs),
//! installing the archive `tools/just release` built from a stand-in release
//! server: the workflows run that binary, never the debug build.

#[path = "github/action.rs"]
mod action;
mod support;

use std::cell::RefCell;
use std::collections::BTreeMap;
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

/// Runs the workflow `file` of examples/github-actions/, which has one job,
/// in `ws` as a runner would for the commit `sha`.
fn run_workflow(file: &str, ws: &Path, em: &Emulator, gh: &FakeGitHub, sha: &str) -> Job {
    let run = run_jobs(
        &root().join("examples/github-actions").join(file),
        ws,
        em,
        gh,
        sha,
    );
    let [job]: [JobRun; 1] = run
        .try_into()
        .unwrap_or_else(|r: Vec<JobRun>| panic!("{file}: one job, ran {}", r.len()));
    Job {
        ok: job.ok,
        log: job.log,
    }
}

/// One job as it ran: a matrix job's runs are one each per `include` entry.
struct JobRun {
    /// The job's id in the workflow.
    id: String,
    /// The matrix entry it ran for (empty outside a matrix).
    matrix: BTreeMap<String, String>,
    ok: bool,
    log: String,
    /// Each step that ran, by its name: the exit code of a `run:` step, 0 or
    /// 1 for a `uses:` step.
    steps: Vec<(String, i32)>,
    /// What its steps appended to `$GITHUB_STEP_SUMMARY`.
    step_summary: String,
    /// The calls the adapter saw while it ran: per account (by the key that
    /// signed them), then per operation.
    calls: BTreeMap<String, BTreeMap<String, u64>>,
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Ended {
    Success,
    Failure,
    Skipped,
}

/// What a runner leaves in a job's directory: never part of a checkout.
const RUNNER_FILES: &[&str] = &[
    ".runner-temp",
    ".tool-cache",
    ".github-path",
    ".github-output",
    ".step-summary",
];

/// `value` as the text an expression sees.
fn scalar(value: &Value) -> String {
    match value {
        Value::Null => String::new(),
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// Whether a step or job with the `if:` `expr` runs, when what it follows
/// succeeded (`ok`): the conditions these workflows use, and no other. No
/// run is ever cancelled here.
fn holds(expr: Option<&str>, ok: bool) -> bool {
    let Some(expr) = expr else { return ok };
    let expr = expr.trim();
    let expr = expr
        .strip_prefix("${{")
        .and_then(|e| e.strip_suffix("}}"))
        .unwrap_or(expr)
        .trim();
    match expr {
        "always()" | "!cancelled()" => true,
        "success()" => ok,
        "failure()" => !ok,
        other => panic!("the harness does not evaluate if: {other}"),
    }
}

/// The job ids a job `needs:`.
fn needs(job: &Value) -> Vec<String> {
    match &job["needs"] {
        Value::Null => Vec::new(),
        Value::String(s) => vec![s.clone()],
        Value::Array(a) => a.iter().map(scalar).collect(),
        other => panic!("needs: {other}"),
    }
}

/// A job's runs: one per `strategy.matrix.include` entry, or one.
fn matrix_entries(id: &str, job: &Value) -> Vec<BTreeMap<String, String>> {
    let Some(strategy) = job["strategy"].as_object() else {
        return vec![BTreeMap::new()];
    };
    for key in strategy.keys() {
        assert!(
            matches!(key.as_str(), "matrix" | "fail-fast" | "max-parallel"),
            "{id}: the harness does not know strategy.{key}"
        );
    }
    let matrix = strategy["matrix"].as_object().expect("strategy.matrix");
    for key in matrix.keys() {
        assert_eq!(
            key, "include",
            "{id}: the harness expands matrix.include only"
        );
    }
    matrix["include"]
        .as_array()
        .expect("matrix.include")
        .iter()
        .map(|entry| {
            entry
                .as_object()
                .expect("an include entry")
                .iter()
                .map(|(k, v)| (k.clone(), scalar(v)))
                .collect()
        })
        .collect()
}

/// Copies the tree `from` into `to`, leaving out `skip` at its top.
fn copy_tree(from: &Path, to: &Path, skip: &[&str]) {
    std::fs::create_dir_all(to).expect("mkdir");
    for entry in std::fs::read_dir(from).expect("read dir").flatten() {
        let name = entry.file_name();
        if skip.iter().any(|s| name == *s) {
            continue;
        }
        let (src, dst) = (entry.path(), to.join(&name));
        if src.is_dir() {
            copy_tree(&src, &dst, &[]);
        } else {
            std::fs::copy(&src, &dst).expect("copy");
        }
    }
}

/// Whether `text` matches `pattern`, where `*` stands for any characters.
fn glob_match(pattern: &str, text: &str) -> bool {
    match pattern.split_once('*') {
        None => pattern == text,
        Some((head, rest)) => {
            let Some(tail) = text.strip_prefix(head) else {
                return false;
            };
            (0..=tail.len())
                .filter(|i| tail.is_char_boundary(*i))
                .any(|i| glob_match(rest, &tail[i..]))
        }
    }
}

/// The files a path pattern of upload-artifact names in `dir` (`DIR/*.ext`,
/// a file, or a directory's files), and the directory they are stored
/// relative to.
fn artifact_files(dir: &Path, pattern: &str) -> (PathBuf, Vec<PathBuf>) {
    let path = Path::new(pattern);
    let file = path.file_name().expect("a file name").to_string_lossy();
    let parent = dir.join(path.parent().unwrap_or(Path::new("")));
    assert!(
        !parent.to_string_lossy().contains('*'),
        "the harness globs file names only: {pattern}"
    );
    if !file.contains('*') {
        let whole = dir.join(path);
        if whole.is_dir() {
            let mut files = Vec::new();
            let mut dirs = vec![whole.clone()];
            while let Some(d) = dirs.pop() {
                for e in std::fs::read_dir(d).expect("read dir").flatten() {
                    if e.path().is_dir() {
                        dirs.push(e.path());
                    } else {
                        files.push(e.path());
                    }
                }
            }
            return (whole, files);
        }
        return (
            parent,
            [whole].into_iter().filter(|f| f.is_file()).collect(),
        );
    }
    let mut files: Vec<PathBuf> = std::fs::read_dir(&parent)
        .map(|d| {
            d.flatten()
                .map(|e| e.path())
                .filter(|p| {
                    p.is_file()
                        && glob_match(&file, &p.file_name().unwrap_or_default().to_string_lossy())
                })
                .collect()
        })
        .unwrap_or_default();
    files.sort();
    (parent, files)
}

/// What the runner keeps of one workflow run: its artifacts, by name.
struct Artifacts {
    dir: PathBuf,
    names: Vec<String>,
}

impl Artifacts {
    /// actions/upload-artifact@v4: the files `path` names, as the artifact
    /// `name` of this run (a name uploaded twice is refused, as v4 does,
    /// unless `overwrite` replaces it).
    fn upload(&mut self, with: &BTreeMap<String, String>, dir: &Path) -> (bool, String) {
        for key in with.keys() {
            assert!(
                matches!(
                    key.as_str(),
                    "name" | "path" | "if-no-files-found" | "retention-days" | "overwrite"
                ),
                "the harness does not know upload-artifact's {key}"
            );
        }
        let name = with.get("name").map_or("artifact", String::as_str);
        let pattern = with.get("path").expect("with.path");
        let mut found = Vec::new();
        for line in pattern.lines().map(str::trim).filter(|l| !l.is_empty()) {
            let (base, files) = artifact_files(dir, line);
            found.extend(files.into_iter().map(|f| (base.clone(), f)));
        }
        if found.is_empty() {
            let message = format!(
                "No files were found with the provided path: {pattern}. No artifacts will be uploaded."
            );
            return match with.get("if-no-files-found").map_or("warn", String::as_str) {
                "error" => (false, format!("::error::{message}\n")),
                "ignore" => (true, String::new()),
                _ => (true, format!("::warning::{message}\n")),
            };
        }
        let overwrite = with.get("overwrite").is_some_and(|o| o == "true");
        if overwrite {
            // The artifact of that name is deleted first (v4's `overwrite`).
            self.names.retain(|n| n != name);
            let _ = std::fs::remove_dir_all(self.dir.join(name));
        }
        if self.names.iter().any(|n| n == name) {
            return (
                false,
                format!(
                    "::error::Failed to CreateArtifact: an artifact with the name {name} already exists in this run (Conflict)\n"
                ),
            );
        }
        let store = self.dir.join(name);
        for (base, file) in &found {
            let to = store.join(file.strip_prefix(base).expect("under its base"));
            std::fs::create_dir_all(to.parent().expect("a directory")).expect("mkdir");
            std::fs::copy(file, &to).expect("store the artifact");
        }
        self.names.push(name.to_owned());
        (
            true,
            format!("uploaded {} file(s) as {name}\n", found.len()),
        )
    }

    /// actions/download-artifact@v4: the artifact `name`, or those `pattern`
    /// matches (each into a directory of its name unless `merge-multiple`),
    /// into `path`.
    fn download(&self, with: &BTreeMap<String, String>, dir: &Path) -> (bool, String) {
        for key in with.keys() {
            assert!(
                matches!(key.as_str(), "name" | "pattern" | "path" | "merge-multiple"),
                "the harness does not know download-artifact's {key}"
            );
        }
        let into = dir.join(with.get("path").map_or("", String::as_str));
        let merge = with.get("merge-multiple").is_some_and(|m| m == "true");
        let chosen: Vec<&String> = match (with.get("name"), with.get("pattern")) {
            (Some(name), _) => match self.names.iter().find(|n| *n == name) {
                Some(n) => vec![n],
                None => {
                    return (
                        false,
                        format!(
                            "::error::Unable to download artifact(s): Artifact not found for name: {name}\n"
                        ),
                    );
                }
            },
            (None, pattern) => self
                .names
                .iter()
                .filter(|n| pattern.is_none_or(|p| glob_match(p, n)))
                .collect(),
        };
        for name in &chosen {
            let to = if merge || with.contains_key("name") {
                into.clone()
            } else {
                into.join(name)
            };
            copy_tree(&self.dir.join(name), &to, &[]);
        }
        (true, format!("downloaded {} artifact(s)\n", chosen.len()))
    }
}

/// Runs every job of the workflow at `path` as a runner would for the
/// commit `sha`: in the order `needs:` gives (a job whose `if:` does not
/// hold is skipped), a matrix job once per `include` entry, one after
/// another. A workflow of one job without a matrix runs in `ws` itself; in
/// any other, each job's run gets a checkout of its own, a copy of `ws`.
/// Artifacts live for the run.
fn run_jobs(path: &Path, ws: &Path, em: &Emulator, gh: &FakeGitHub, sha: &str) -> Vec<JobRun> {
    let file = path.display().to_string();
    let text = std::fs::read_to_string(path).expect("workflow");
    let doc: Value = serde_saphyr::from_str(&text).expect("workflow YAML");
    let jobs = doc["jobs"].as_object().expect("jobs");
    let alone = jobs.len() == 1 && jobs.values().all(|j| j["strategy"].is_null());
    let mut artifacts = Artifacts {
        dir: ws.with_extension("artifacts"),
        names: Vec::new(),
    };
    let _ = std::fs::remove_dir_all(&artifacts.dir);
    let mut results: BTreeMap<String, Ended> = BTreeMap::new();
    let mut runs = Vec::new();
    while results.len() < jobs.len() {
        let (id, job) = jobs
            .iter()
            .find(|(id, job)| {
                !results.contains_key(*id) && needs(job).iter().all(|n| results.contains_key(n))
            })
            .unwrap_or_else(|| panic!("{file}: a job needs one that does not exist, or a cycle"));
        let needed: Vec<Ended> = needs(job).iter().map(|n| results[n]).collect();
        let all_ok = needed.iter().all(|r| *r == Ended::Success);
        if !holds(job["if"].as_str(), all_ok) {
            results.insert(id.clone(), Ended::Skipped);
            continue;
        }
        // Without `fail-fast: false`, the first failed run cancels the rest.
        let fail_fast = job["strategy"]["fail-fast"].as_bool().unwrap_or(true);
        let mut ok = true;
        for (i, entry) in matrix_entries(id, job).into_iter().enumerate() {
            if !ok && fail_fast {
                break;
            }
            let dir = if alone {
                ws.to_owned()
            } else {
                let name = ws.file_name().expect("a name").to_string_lossy();
                let dir = ws.with_file_name(format!("{name}.{id}-{i}"));
                let _ = std::fs::remove_dir_all(&dir);
                copy_tree(ws, &dir, RUNNER_FILES);
                dir
            };
            let run = run_job(id, job, entry, &dir, ws, em, gh, sha, &mut artifacts);
            ok &= run.ok;
            runs.push(run);
        }
        results.insert(id.clone(), if ok { Ended::Success } else { Ended::Failure });
    }
    runs
}

/// One run of the job `id` for its matrix `entry`, in `dir`, with
/// `${{ matrix.* }}`, `${{ github.token }}` and `${{ vars.* }}` (not set
/// in the test: a placeholder) evaluated in `env:`, `with:` and `run:`.
#[allow(clippy::too_many_arguments)]
fn run_job(
    id: &str,
    job: &Value,
    entry: BTreeMap<String, String>,
    dir: &Path,
    ws: &Path,
    em: &Emulator,
    gh: &FakeGitHub,
    sha: &str,
    artifacts: &mut Artifacts,
) -> JobRun {
    let steps = job["steps"].as_array().expect("steps").clone();
    let lookup = |expr: &str| -> Option<String> {
        if expr == "github.token" {
            return Some(TOKEN.to_owned());
        }
        if expr.starts_with("vars.") {
            return Some("set-in-the-repository-settings".to_owned());
        }
        let key = expr.strip_prefix("matrix.")?;
        Some(
            entry
                .get(key)
                .unwrap_or_else(|| panic!("{id}: no matrix.{key}"))
                .clone(),
        )
    };
    let eval = |v: &Value| action::interpolate(&scalar(v), &lookup);
    let evaluated = |map: &Value| -> BTreeMap<String, String> {
        map.as_object()
            .into_iter()
            .flatten()
            .map(|(k, v)| (k.clone(), eval(v)))
            .collect()
    };
    let summary = dir.join(".step-summary");
    let _ = std::fs::remove_file(&summary);
    // What steps set for the steps after them (credentials).
    let exported: RefCell<BTreeMap<String, String>> = RefCell::new(BTreeMap::new());
    // The job's environment, as the runner gives it to every step.
    let shell = || {
        let mut cmd = Command::new("bash");
        // The tool cache is kept for the whole test, as a restored cache
        // would be.
        support::runner_env(em.env(&mut cmd), dir, &ws.join(".tool-cache"))
            .current_dir(dir)
            .env("GITHUB_API_URL", gh.url())
            .env("GITHUB_SERVER_URL", "https://github.com")
            .env("GITHUB_SHA", sha)
            .env("GITHUB_RUN_ID", "12000000001")
            .env("GITHUB_JOB", id)
            .env("GITHUB_STEP_SUMMARY", &summary)
            .env(
                "GITHUB_EVENT_PATH",
                root().join("tests/github/recorded/pull_request.synchronize.json"),
            );
        for (k, v) in exported.borrow().iter() {
            cmd.env(k, v);
        }
        cmd
    };
    let runner = action::Job {
        shell: &shell,
        // No ctrail here: the workflow's install step puts it on the PATH.
        path: std::env::var("PATH").unwrap_or_default(),
        github_path: dir.join(".github-path"),
        temp: dir.join(".runner-temp"),
        context: [("github.token".to_owned(), TOKEN.to_owned())].into(),
    };
    let _ = std::fs::remove_file(&runner.github_path);
    let title = job["name"]
        .as_str()
        .map_or_else(|| id.to_owned(), |_| eval(&job["name"]));
    let (mut ok, mut log) = (true, format!("=== job {title}\n"));
    let mut ran = Vec::new();
    em.reset_counts();
    for step in &steps {
        let name = step["name"]
            .as_str()
            .or(step["uses"].as_str())
            .unwrap_or("?")
            .to_owned();
        if !holds(step["if"].as_str(), ok) {
            continue;
        }
        if let Some(uses) = step["uses"].as_str() {
            let action = uses.split('@').next().unwrap_or(uses);
            let with = evaluated(&step["with"]);
            let (step_ok, said) = match action {
                "actions/checkout" | "actions/cache" => (true, String::new()),
                "aws-actions/configure-aws-credentials" => {
                    configure_credentials(em, &with, &exported)
                }
                "OWNER/ctrail" => {
                    let mut with = with;
                    with.extend(gh.release.inputs());
                    let mut uses = |a: &str, _: &_| panic!("{id}: the action used {a}");
                    let step = action::composite(&runner, &root(), &with, &mut uses);
                    (step.ok, step.log)
                }
                "actions/upload-artifact" => {
                    // The stand-in serves the plan workflow's artifact to
                    // the apply workflow's API calls.
                    let pattern = with.get("path").expect("with.path");
                    let stored = dir.join(Path::new(pattern).parent().expect("a directory"));
                    gh.call(
                        "POST",
                        "/_fake/artifact",
                        &json!({"dir": stored.to_string_lossy()}),
                    );
                    artifacts.upload(&with, dir)
                }
                "actions/download-artifact" => artifacts.download(&with, dir),
                other => panic!("{id}: the harness does not know the action {other}"),
            };
            log.push_str(&format!("== {name}\n{said}"));
            ran.push((name, i32::from(!step_ok)));
            ok &= step_ok;
            continue;
        }
        let script = eval(&step["run"]);
        assert!(!script.is_empty(), "{id}: {name}: run or uses");
        let mut cmd = shell();
        cmd.args(["--noprofile", "--norc", "-eo", "pipefail", "-c", &script])
            .env("PATH", runner.path_now())
            .env("GITHUB_PATH", &runner.github_path)
            .env("GITHUB_OUTPUT", dir.join(".github-output"));
        for (k, v) in evaluated(&step["env"]) {
            cmd.env(k, v);
        }
        let out = cmd.output().expect("bash");
        log.push_str(&format!(
            "== {name} ({})\n{}{}",
            out.status,
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ));
        ran.push((name, out.status.code().unwrap_or(-1)));
        ok &= out.status.success();
    }
    JobRun {
        id: id.to_owned(),
        matrix: entry.clone(),
        ok,
        log,
        steps: ran,
        step_summary: std::fs::read_to_string(&summary).unwrap_or_default(),
        calls: em.counts_by_account(),
    }
}

/// aws-actions/configure-aws-credentials. OIDC cannot be emulated (no
/// GitHub token service, no identity provider in the emulator): a role ARN
/// is assumed with `sts:AssumeRole` from the runner's credentials, the
/// emulator's caller in the management account, through the emulator (whose
/// adapter refuses a role that does not exist or does not trust the
/// caller), and its session's credentials are the following steps'. A role
/// from a repository variable (not set in the test) leaves the caller's.
fn configure_credentials(
    em: &Emulator,
    with: &BTreeMap<String, String>,
    exported: &RefCell<BTreeMap<String, String>>,
) -> (bool, String) {
    for key in with.keys() {
        assert!(
            matches!(
                key.as_str(),
                "role-to-assume" | "aws-region" | "role-session-name"
            ),
            "the harness does not know configure-aws-credentials' {key}"
        );
    }
    let role = with.get("role-to-assume").expect("role-to-assume");
    if !role.starts_with("arn:") {
        return (true, "the emulator's caller stands for the role\n".into());
    }
    let session = with
        .get("role-session-name")
        .map_or("GitHubActions", String::as_str);
    let mut cmd = Command::new(em.venv.join("bin/aws"));
    em.env(&mut cmd);
    for (k, v) in exported.borrow().iter() {
        cmd.env(k, v);
    }
    let out = cmd
        .args([
            "sts",
            "assume-role",
            "--role-arn",
            role,
            "--role-session-name",
            session,
            "--output",
            "json",
        ])
        .output()
        .expect("aws sts assume-role");
    if !out.status.success() {
        return (
            false,
            format!(
                "::error::Could not assume role with OIDC: {}",
                String::from_utf8_lossy(&out.stderr)
            ),
        );
    }
    let answer: Value = serde_json::from_slice(&out.stdout).expect("credentials");
    let c = &answer["Credentials"];
    let mut env = exported.borrow_mut();
    for (var, field) in [
        ("AWS_ACCESS_KEY_ID", "AccessKeyId"),
        ("AWS_SECRET_ACCESS_KEY", "SecretAccessKey"),
        ("AWS_SESSION_TOKEN", "SessionToken"),
    ] {
        env.insert(var.to_owned(), c[field].as_str().expect(field).to_owned());
    }
    (true, format!("assumed {role}\n"))
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

/// The management account: the runner's caller, whom each member's plan
/// role trusts.
const MANAGEMENT: &str = "123456789012";

fn member(i: usize) -> String {
    format!("2100000000{i:02}")
}

/// The shipped workflow `file` with its matrix's `include:` list replaced by
/// `entries` (name, specs, role), every other line kept: the test runs the
/// shipped steps.
fn with_matrix(file: &str, entries: &[(String, String, String)]) -> String {
    let shipped =
        std::fs::read_to_string(root().join("examples/github-actions").join(file)).expect(file);
    let lines: Vec<&str> = shipped.lines().collect();
    let at = lines
        .iter()
        .position(|l| l.trim() == "include:")
        .expect("a matrix include list");
    let indent = lines[at].len() - lines[at].trim_start().len();
    let end = (at + 1..lines.len())
        .find(|&i| {
            let l = lines[i];
            !l.trim().is_empty() && l.len() - l.trim_start().len() <= indent
        })
        .expect("steps after the matrix");
    let pad = " ".repeat(indent);
    let mut out: Vec<String> = lines[..=at].iter().map(|l| (*l).to_owned()).collect();
    for (name, specs, role) in entries {
        out.push(format!("{pad}  - name: {name}"));
        out.push(format!("{pad}    specs: {specs}"));
        out.push(format!("{pad}    role: {role}"));
    }
    out.extend(lines[end..].iter().map(|l| (*l).to_owned()));
    let text = out.join("\n") + "\n";
    // Only the matrix differs.
    let parse = |t: &str| -> Value { serde_saphyr::from_str(t).expect("workflow YAML") };
    let (mut ours, mut theirs) = (parse(&text), parse(&shipped));
    for doc in [&mut ours, &mut theirs] {
        for job in doc["jobs"].as_object_mut().expect("jobs").values_mut() {
            if let Some(s) = job.get_mut("strategy") {
                s["matrix"] = Value::Null;
            }
        }
    }
    assert_eq!(ours, theirs, "only the matrix may differ");
    text
}

/// The matrix workflow over three member accounts of an organization, one
/// job each with its own role: each job's calls are made in its own
/// account; drift made by hand in one shows in its line; a job whose role
/// does not exist, and a spec listed with another account's job, fail
/// alone; the summary job runs after them all, its step summary has one
/// line per spec with its account and outcome, and it fails with the worst
/// code, 1.
#[test]
fn accounts_matrix_runs_a_job_per_account_and_joins_one_summary() {
    /// The member whose plan role was never made.
    const BROKEN: usize = 3;
    let em = Emulator::start();
    let gh = FakeGitHub::start(&em);
    let ws = workspace("workflow-accounts");
    std::fs::remove_file(ws.join("specs/audit.yaml")).expect("rm");
    let mut owners = Vec::new();
    for i in 1..=3 {
        let account = member(i);
        // The account's owners, through the role AWS Organizations made
        // there: the plan role, trusting the management account.
        let admin = em.organization_admin(&account);
        if i != BROKEN {
            em.role_trusting(Some(&admin), "ctrail-plan", &[MANAGEMENT], None);
        }
        let spec = ws.join(format!("specs/member-{i:02}.yaml"));
        std::fs::write(
            &spec,
            format!(
                "version: 1\nregion: us-east-1\naccount_id: \"{account}\"\ntrail: {{name: trail-{i:02}}}\nbucket: {{name: ctrail-accounts-{account}}}\ncloudwatch_logs: false\n"
            ),
        )
        .expect("spec");
        let out = em.ctrail_as(
            &admin,
            &["apply", "--auto-approve", &spec.to_string_lossy()],
        );
        assert_eq!(out.status.code(), Some(0), "{}", support::text(&out));
        owners.push(admin);
    }
    // For member 2's account, but listed with member 1's job.
    std::fs::write(
        ws.join("specs/stray.yaml"),
        format!(
            "version: 1\nregion: us-east-1\naccount_id: \"{}\"\ntrail: {{name: stray-trail}}\nbucket: {{name: ctrail-accounts-stray}}\ncloudwatch_logs: false\n",
            member(2)
        ),
    )
    .expect("spec");
    // Drift by hand in member 2.
    em.aws_as(
        &owners[1],
        &["cloudtrail", "stop-logging", "--name", "trail-02"],
    );

    let entries: Vec<(String, String, String)> = (1..=3)
        .map(|i| {
            let specs = if i == 1 {
                "specs/member-01.yaml specs/stray.yaml".to_owned()
            } else {
                format!("specs/member-{i:02}.yaml")
            };
            (
                format!("member-{i:02}"),
                specs,
                format!("arn:aws:iam::{}:role/ctrail-plan", member(i)),
            )
        })
        .collect();
    let workflow = ws.join(".github/workflows/ctrail-accounts.yml");
    std::fs::create_dir_all(workflow.parent().expect("dir")).expect("mkdir");
    std::fs::write(&workflow, with_matrix("ctrail-accounts.yml", &entries)).expect("workflow");
    let run = run_jobs(&workflow, &ws, &em, &gh, MERGED);
    let logs: String = run.iter().map(|j| j.log.as_str()).collect();

    // One run per account, then the summary.
    let ran: Vec<(&str, Option<&str>)> = run
        .iter()
        .map(|j| (j.id.as_str(), j.matrix.get("name").map(String::as_str)))
        .collect();
    assert_eq!(
        ran,
        [
            ("drift", Some("member-01")),
            ("drift", Some("member-02")),
            ("drift", Some("member-03")),
            ("summary", None),
        ],
        "{logs}"
    );
    // Each job's calls were made in its own account; the management account
    // only handed out the role's session.
    for (i, job) in run[..3].iter().enumerate().map(|(i, j)| (i + 1, j)) {
        let assumed: Vec<&String> = job.calls[MANAGEMENT].keys().collect();
        assert_eq!(assumed, ["sts:AssumeRole"], "{}: {:?}", job.log, job.calls);
        if i == BROKEN {
            assert_eq!(job.calls.len(), 1, "{:?}", job.calls);
            continue;
        }
        let accounts: Vec<&String> = job.calls.keys().collect();
        assert_eq!(accounts, [MANAGEMENT, &member(i)], "{:?}", job.calls);
        let own = &job.calls[&member(i)];
        assert!(
            own.contains_key("sts:GetCallerIdentity")
                && own.keys().any(|op| op.starts_with("cloudtrail:")),
            "{own:?}"
        );
    }
    // Member 1's job fails on the stray spec, member 3's on its role;
    // member 2's drift is the summary's to report.
    assert!(!run[0].ok && run[1].ok && !run[2].ok, "{logs}");
    support::assert_contains(
        &run[2].log,
        &[&format!(
            "is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::{}:role/ctrail-plan",
            member(BROKEN)
        )],
    );
    assert!(
        !run[2].steps.iter().any(|(name, _)| name == "Drift"),
        "{:?}",
        run[2].steps
    );

    // The summary ran despite the failures, and ends the run with 1.
    let summary = &run[3];
    assert_eq!(
        summary.steps.last(),
        Some(&("One summary".to_owned(), 1)),
        "{}",
        summary.log
    );
    assert!(!summary.ok);
    assert!(summary.calls.is_empty(), "offline: {:?}", summary.calls);
    let page = &summary.step_summary;
    support::assert_contains(
        page,
        &[
            "### ctrail drift across accounts",
            "Summary: 4 spec(s), 2 failed",
        ],
    );
    let line = |spec: &str| -> &str {
        page.lines()
            .find(|l| l.starts_with(spec))
            .unwrap_or_else(|| panic!("{spec}: {page}"))
    };
    let expected = [
        ("specs/member-01.yaml", member(1), "no changes".to_owned()),
        (
            "specs/member-02.yaml",
            member(2),
            "0 to add, 1 to change, 0 to replace, 0 to destroy".to_owned(),
        ),
        (
            "specs/member-03.yaml",
            member(3),
            "FAILED: no result: its job stopped before `ctrail drift` wrote one".to_owned(),
        ),
        (
            "specs/stray.yaml",
            member(2),
            "FAILED: specs/stray.yaml: ".to_owned(),
        ),
    ];
    for (spec, account, outcome) in &expected {
        let words: Vec<&str> = line(spec).split_whitespace().collect();
        assert_eq!(words[1], account, "{page}");
        assert!(
            line(spec).contains(outcome.as_str()),
            "{spec}: {outcome}: {page}"
        );
    }
    assert!(line("specs/stray.yaml").contains(&member(1)), "{page}");
    // In the order of the repository's specs, as `ctrail drift specs/*.yaml`.
    let order: Vec<usize> = expected
        .iter()
        .map(|(s, ..)| page.find(s).expect("line"))
        .collect();
    assert!(order.windows(2).all(|w| w[0] < w[1]), "{page}");
}
