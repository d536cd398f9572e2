//! The composite action at the repository root (`action.yml`), run step by
//! step as a runner would, and a stand-in for GitHub's release downloads
//! (`tests/github/release_server.py`) serving the archive `tools/just
//! release` wrote into dist/. Shared by tests/action.rs and
//! tests/workflows.rs (`#[path]` modules: each test binary compiles it).
//!
//! What a runner does and this does too: each `run:` step in bash with
//! `--noprofile --norc -eo pipefail`; `${{ ... }}` in `env:`, `with:`, `if:`
//! and the action's outputs from the inputs (their defaults filled in), the
//! earlier steps' outputs (`$GITHUB_OUTPUT`, `NAME=VALUE` and `NAME<<DELIM`
//! forms) and the job's context; a directory appended to `$GITHUB_PATH`
//! first on the PATH of the steps after; a step skipped after a failure
//! unless its `if:` says `always()`. `actions/cache` restores nothing (the
//! tool cache directory itself persists within a test, as a restored cache
//! would); other actions the action uses are handed to the caller.
#![allow(dead_code)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Child, Command};

use serde_json::Value;

/// What a runner gives every step of one job.
pub struct Job<'a> {
    /// `bash` with the job's environment and working directory, no arguments.
    pub shell: &'a dyn Fn() -> Command,
    /// The PATH before any step added to it.
    pub path: String,
    /// The job's `$GITHUB_PATH` file.
    pub github_path: PathBuf,
    /// Where each step's `$GITHUB_OUTPUT` file is made.
    pub temp: PathBuf,
    /// The job's context: `github.token`, `runner.os`, ...
    pub context: BTreeMap<String, String>,
}

/// One step, or the whole action: did it succeed, what it printed, its outputs.
#[derive(Debug, Default)]
pub struct Step {
    pub ok: bool,
    pub log: String,
    pub outputs: BTreeMap<String, String>,
}

impl Job<'_> {
    /// The PATH a step sees: the directories earlier steps added, the last
    /// added first, before the job's PATH.
    pub fn path_now(&self) -> String {
        let added = std::fs::read_to_string(&self.github_path).unwrap_or_default();
        let mut dirs: Vec<&str> = added.lines().filter(|l| !l.is_empty()).collect();
        dirs.reverse();
        dirs.push(&self.path);
        dirs.join(":")
    }

    /// Runs one `run:` script with the step's `env`.
    pub fn run(&self, script: &str, env: &BTreeMap<String, String>) -> Step {
        std::fs::create_dir_all(&self.temp).expect("runner temp");
        let output = self.temp.join(format!("output-{}", unique()));
        std::fs::write(&output, "").expect("GITHUB_OUTPUT");
        let mut cmd = (self.shell)();
        cmd.args(["--noprofile", "--norc", "-eo", "pipefail", "-c", script])
            .env("PATH", self.path_now())
            .env("GITHUB_PATH", &self.github_path)
            .env("GITHUB_OUTPUT", &output);
        for (k, v) in env {
            cmd.env(k, v);
        }
        let out = cmd.output().expect("bash");
        let outputs = parse_outputs(&std::fs::read_to_string(&output).unwrap_or_default());
        Step {
            ok: out.status.success(),
            log: format!(
                "({})\n{}{}",
                out.status,
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            ),
            outputs,
        }
    }
}

fn unique() -> String {
    use std::sync::atomic::{AtomicU64, Ordering};
    static NEXT: AtomicU64 = AtomicU64::new(0);
    format!(
        "{}-{}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed)
    )
}

/// A `$GITHUB_OUTPUT` file: `NAME=VALUE` lines and `NAME<<DELIM` blocks.
pub fn parse_outputs(text: &str) -> BTreeMap<String, String> {
    let mut outputs = BTreeMap::new();
    let mut lines = text.lines();
    while let Some(line) = lines.next() {
        if let Some((name, delim)) = line.split_once("<<") {
            let mut value = Vec::new();
            for l in lines.by_ref() {
                if l == delim {
                    break;
                }
                value.push(l);
            }
            outputs.insert(name.to_owned(), value.join("\n"));
        } else if let Some((name, value)) = line.split_once('=') {
            outputs.insert(name.to_owned(), value.to_owned());
        }
    }
    outputs
}

/// `text` with each `${{ EXPR }}` replaced by `lookup(EXPR)`; an expression
/// the lookup does not know stops the test.
pub fn interpolate(text: &str, lookup: &dyn Fn(&str) -> Option<String>) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(start) = rest.find("${{") {
        out.push_str(&rest[..start]);
        let end = rest[start..].find("}}").expect("closing }}") + start;
        let expr = rest[start + 3..end].trim();
        out.push_str(
            &lookup(expr).unwrap_or_else(|| panic!("the harness does not evaluate {expr}")),
        );
        rest = &rest[end + 2..];
    }
    out.push_str(rest);
    out
}

/// An `if:` of the forms the action uses: `always()`, `failure()`, or terms
/// `REF == 'text'` / `REF != 'text'` joined by `&&`; without `always()` or
/// `failure()` the step runs only while every step before succeeded.
pub fn condition(expr: Option<&str>, ok: bool, lookup: &dyn Fn(&str) -> Option<String>) -> bool {
    let Some(expr) = expr else { return ok };
    let expr = expr.trim().trim_start_matches("${{").trim_end_matches("}}");
    let mut status = ok;
    let mut holds = true;
    for term in expr.split("&&").map(str::trim) {
        match term {
            "always()" => status = true,
            "failure()" => status = !ok,
            "success()" => {}
            t => {
                let (left, right, equal) = if let Some((l, r)) = t.split_once("!=") {
                    (l, r, false)
                } else if let Some((l, r)) = t.split_once("==") {
                    (l, r, true)
                } else {
                    panic!("the harness does not evaluate if: {t}")
                };
                let value = lookup(left.trim())
                    .unwrap_or_else(|| panic!("the harness does not evaluate {left}"));
                let text = right.trim().trim_matches('\'');
                holds &= (value == text) == equal;
            }
        }
    }
    status && holds
}

/// Runs the composite action in `action_dir` with the step's `with:` inputs.
/// `uses` gets each action the action uses other than actions/cache, with its
/// evaluated inputs. The outputs are the action's `outputs:`.
pub fn composite(
    job: &Job,
    action_dir: &Path,
    with: &BTreeMap<String, String>,
    uses: &mut dyn FnMut(&str, &BTreeMap<String, String>),
) -> Step {
    let text = std::fs::read_to_string(action_dir.join("action.yml")).expect("action.yml");
    let action: Value = serde_saphyr::from_str(&text).expect("action.yml YAML");
    assert_eq!(action["runs"]["using"], "composite");
    let context = |expr: &str| job.context.get(expr).cloned();
    let mut inputs = BTreeMap::new();
    for (name, spec) in action["inputs"].as_object().expect("inputs") {
        let value = match with.get(name) {
            Some(v) => v.clone(),
            None if spec["required"] == true => panic!("the action's input {name} is required"),
            None => interpolate(&scalar(&spec["default"]), &context),
        };
        inputs.insert(name.clone(), value);
    }
    for name in with.keys() {
        assert!(inputs.contains_key(name), "the action has no input {name}");
    }
    let mut steps: BTreeMap<String, BTreeMap<String, String>> = BTreeMap::new();
    let (mut ok, mut log) = (true, String::new());
    for (i, step) in action["runs"]["steps"]
        .as_array()
        .expect("steps")
        .iter()
        .enumerate()
    {
        let lookup = |expr: &str| -> Option<String> {
            if let Some(name) = expr.strip_prefix("inputs.") {
                return inputs.get(name).cloned();
            }
            if let Some(rest) = expr.strip_prefix("steps.") {
                let (id, output) = rest.split_once(".outputs.")?;
                return Some(
                    steps
                        .get(id)
                        .and_then(|o| o.get(output))
                        .cloned()
                        .unwrap_or_default(),
                );
            }
            job.context.get(expr).cloned()
        };
        let name = step["id"]
            .as_str()
            .or(step["uses"].as_str())
            .map_or_else(|| format!("step {i}"), str::to_owned);
        if !condition(step["if"].as_str(), ok, &lookup) {
            log.push_str(&format!("  -- {name}: skipped\n"));
            continue;
        }
        let evaluated = |map: &Value| -> BTreeMap<String, String> {
            map.as_object()
                .map(|m| {
                    m.iter()
                        .map(|(k, v)| (k.clone(), interpolate(&scalar(v), &lookup)))
                        .collect()
                })
                .unwrap_or_default()
        };
        if let Some(action) = step["uses"].as_str() {
            let with = evaluated(&step["with"]);
            match action.split('@').next().unwrap_or(action) {
                "actions/cache" => log.push_str(&format!("  -- {name}: no cache restored\n")),
                other => {
                    log.push_str(&format!("  -- {name}: {with:?}\n"));
                    uses(other, &with);
                }
            }
            continue;
        }
        assert_eq!(
            step["shell"], "bash",
            "{name}: composite steps name their shell"
        );
        let mut env = evaluated(&step["env"]);
        env.insert(
            "GITHUB_ACTION_PATH".to_owned(),
            action_dir.to_string_lossy().into_owned(),
        );
        let script = interpolate(step["run"].as_str().expect("run"), &lookup);
        let result = job.run(&script, &env);
        log.push_str(&format!("  -- {name} {}", result.log));
        ok &= result.ok;
        if let Some(id) = step["id"].as_str() {
            steps.insert(id.to_owned(), result.outputs);
        }
    }
    let lookup = |expr: &str| -> Option<String> {
        let (id, output) = expr.strip_prefix("steps.")?.split_once(".outputs.")?;
        Some(
            steps
                .get(id)
                .and_then(|o| o.get(output))
                .cloned()
                .unwrap_or_default(),
        )
    };
    let outputs = action["outputs"]
        .as_object()
        .expect("outputs")
        .iter()
        .map(|(k, v)| {
            (
                k.clone(),
                interpolate(v["value"].as_str().expect("value"), &lookup),
            )
        })
        .collect();
    Step { ok, log, outputs }
}

fn scalar(v: &Value) -> String {
    match v {
        Value::Null => String::new(),
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// The stand-in for GitHub's release downloads: serves a copy of the
/// archive and SHA256SUMS that `tools/just release` wrote into dist/, as the
/// assets of release v<the workspace's version>.
pub struct ReleaseServer {
    child: Child,
    pub port: u16,
    /// The served copies: a test may tamper with them.
    pub dir: PathBuf,
    pub version: String,
    pub target: String,
}

impl Drop for ReleaseServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl ReleaseServer {
    pub fn start(python: &Path, root: &Path, dir: PathBuf) -> ReleaseServer {
        let version = env!("CARGO_PKG_VERSION").to_owned();
        let host = Command::new("rustc")
            .arg("-vV")
            .output()
            .expect("rustc -vV");
        let target = String::from_utf8_lossy(&host.stdout)
            .lines()
            .find_map(|l| l.strip_prefix("host: ").map(str::to_owned))
            .expect("rustc's host");
        let archive = format!("ctrail-{version}-{target}.tar.gz");
        let dist = root.join("dist");
        assert!(
            dist.join(&archive).is_file() && dist.join("SHA256SUMS").is_file(),
            "dist/{archive} or dist/SHA256SUMS is missing: run `tools/just release` first (`tools/just test` does)"
        );
        std::fs::create_dir_all(&dir).expect("release dir");
        for file in [archive.as_str(), "SHA256SUMS"] {
            std::fs::copy(dist.join(file), dir.join(file)).expect("copy the release");
        }
        let (child, port) = crate::support::spawn_server(
            Command::new(python)
                .arg(root.join("tests/github/release_server.py"))
                .arg("--dir")
                .arg(&dir)
                .arg("--version")
                .arg(&version),
            "port ",
        );
        ReleaseServer {
            child,
            port,
            dir,
            version,
            target,
        }
    }

    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    pub fn archive(&self) -> PathBuf {
        self.dir
            .join(format!("ctrail-{}-{}.tar.gz", self.version, self.target))
    }

    /// The inputs that point the action at this server and at the archive
    /// built here (the runner's own target would be a musl build).
    pub fn inputs(&self) -> [(String, String); 2] {
        [
            ("release-url".to_owned(), self.url()),
            ("target".to_owned(), self.target.clone()),
        ]
    }
}
