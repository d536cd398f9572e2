//! The GitHub Action (`action.yml`) run step by step as a runner would
//! (tests/github/action.rs), installing the archive `tools/just release`
//! built from a stand-in release server on 127.0.0.1: its SHA-256 checked
//! against SHA256SUMS, `ctrail plan` run against the emulator through the
//! action's steps and its outputs read by a later step; a tampered archive,
//! downloaded or cached, refused with the reason.

#[path = "github/action.rs"]
mod action;
mod support;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use action::{Job, ReleaseServer};
use serde_json::Value;
use support::emulator::Emulator;
use support::{root, scratch};

/// A workspace as actions/checkout leaves it, with one spec.
fn workspace(name: &str) -> PathBuf {
    let ws = scratch(name);
    std::fs::create_dir_all(ws.join("specs")).expect("mkdir");
    std::fs::write(
        ws.join("specs/audit.yaml"),
        "version: 1\nregion: us-east-1\ntrail: {name: action-trail}\nbucket: {name: ctrail-action-audit-logs}\n",
    )
    .expect("spec");
    ws
}

/// The runner's environment for a job in `ws` on Linux X64; the PATH holds
/// no ctrail until the action adds it.
fn shell(ws: &Path, em: Option<&Emulator>) -> impl Fn() -> Command + use<> {
    let ws = ws.to_owned();
    let env: Vec<(String, String)> = em
        .map(|em| {
            let mut c = Command::new("true");
            em.env(&mut c);
            c.get_envs()
                .filter_map(|(k, v)| {
                    Some((
                        k.to_string_lossy().into_owned(),
                        v?.to_string_lossy().into_owned(),
                    ))
                })
                .collect()
        })
        .unwrap_or_default();
    move || {
        let mut cmd = Command::new("bash");
        cmd.current_dir(&ws).envs(env.iter().map(|(k, v)| (k, v)));
        support::runner_env(&mut cmd, &ws, &ws.join(".tool-cache"));
        cmd
    }
}

fn job<'a>(ws: &Path, shell: &'a dyn Fn() -> Command) -> Job<'a> {
    let github_path = ws.join(".github-path");
    let _ = std::fs::remove_file(&github_path);
    Job {
        shell,
        path: "/usr/local/bin:/usr/bin:/bin".to_owned(),
        github_path,
        temp: ws.join(".runner-temp"),
        context: BTreeMap::from([("github.token".to_owned(), "test-github-token".to_owned())]),
    }
}

fn inputs(release: &ReleaseServer, pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    let mut with: BTreeMap<String, String> = release.inputs().into_iter().collect();
    with.insert("version".to_owned(), release.version.clone());
    for (k, v) in pairs {
        with.insert((*k).to_owned(), (*v).to_owned());
    }
    with
}

/// A workspace `name` (`workspace`), a release server serving the archive
/// from its `.release`, the runner's shell there (`shell`) and the action's
/// inputs for that release with `pairs`.
fn set_up(
    name: &str,
    em: Option<&Emulator>,
    pairs: &[(&str, &str)],
) -> (
    PathBuf,
    ReleaseServer,
    impl Fn() -> Command + use<>,
    BTreeMap<String, String>,
) {
    let ws = workspace(name);
    let release = ReleaseServer::start(Path::new("python3"), &root(), ws.join(".release"));
    let sh = shell(&ws, em);
    let with = inputs(&release, pairs);
    (ws, release, sh, with)
}

/// `uses: ./` with `command: plan`: the release downloaded and verified,
/// the plan made against the emulator, and a later step reading the exit
/// code and the plan's JSON from the step's outputs. Run again, the cached
/// archive is verified again and used.
#[test]
fn plan_through_the_action_with_outputs_for_later_steps() {
    let em = Emulator::start();
    let (ws, release, sh, with) = set_up(
        "action-plan",
        Some(&em),
        &[
            ("command", "plan"),
            ("specs", "specs/*.yaml"),
            ("args", "--detailed-exitcode"),
        ],
    );
    let job = job(&ws, &sh);
    let mut uses = |a: &str, _: &BTreeMap<String, String>| panic!("unexpected action {a}");
    let step = action::composite(&job, &root(), &with, &mut uses);
    eprintln!("{}", step.log);
    assert!(step.ok, "{}", step.log);
    support::assert_contains(
        &step.log,
        &[
            &format!("downloading {}/v{}/ctrail-", release.url(), release.version),
            "matches SHA256SUMS",
            &format!("ctrail {}", release.version),
            "ctrail plan exited 2",
        ],
    );
    let installed = &step.outputs["path"];
    assert!(
        installed.starts_with(&*ws.join(".tool-cache").to_string_lossy()),
        "{installed}"
    );
    assert_eq!(step.outputs["exit-code"], "2");

    // A later step of the job reads the outputs, as
    // `env: {CODE: ${{ steps.ctrail.outputs.exit-code }}, ...}` would.
    let outputs = BTreeMap::from([("ctrail".to_owned(), step.outputs.clone())]);
    let lookup = |expr: &str| {
        let (id, name) = expr.strip_prefix("steps.")?.split_once(".outputs.")?;
        outputs.get(id)?.get(name).cloned()
    };
    let env: BTreeMap<String, String> = [
        ("CODE", "${{ steps.ctrail.outputs.exit-code }}"),
        ("PLAN", "${{ steps.ctrail.outputs.json }}"),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), action::interpolate(v, &lookup)))
    .collect();
    let later = job.run(
        r#"echo "exit code $CODE"
printf '%s' "$PLAN" | python3 -c 'import json, sys
plan = json.load(sys.stdin)
print("plan of", plan["header"]["trail"], "summary", json.dumps(plan["summary"], sort_keys=True))
print("ctrail on the PATH:", sys.argv[1])' "$(command -v ctrail)""#,
        &env,
    );
    eprintln!("later step: {}", later.log);
    assert!(later.ok, "{}", later.log);
    support::assert_contains(
        &later.log,
        &["exit code 2", "plan of action-trail summary", "\"add\": "],
    );
    let plan: Value = serde_json::from_str(&step.outputs["json"]).expect("the json output");
    assert!(
        plan["summary"]["add"].as_u64().is_some_and(|n| n > 0),
        "{plan:#}"
    );
    support::assert_contains(&later.log, &[&format!("ctrail on the PATH: {installed}")]);

    // Again: from the cache, checked again.
    let again = action::composite(&job, &root(), &with, &mut uses);
    assert!(again.ok, "{}", again.log);
    support::assert_contains(&again.log, &["from the cache", "matches SHA256SUMS"]);
}

/// A tampered archive is refused, downloaded or cached, saying why; the
/// command never runs; nothing is put on the PATH. A runner without a
/// release build and a release without the archive's line are refused too.
#[test]
fn a_tampered_archive_is_refused_with_the_reason() {
    let (ws, release, sh, with) = set_up("action-tampered", None, &[("command", "validate")]);
    let job = job(&ws, &sh);
    let mut uses = |a: &str, _: &BTreeMap<String, String>| panic!("unexpected action {a}");
    let good = std::fs::read(release.archive()).expect("archive");

    // Served altered: one byte of the archive changed.
    let mut bad = good.clone();
    let mid = bad.len() / 2;
    bad[mid] ^= 0xff;
    std::fs::write(release.archive(), &bad).expect("tamper");
    let refused = action::composite(&job, &root(), &with, &mut uses);
    eprintln!("{}", refused.log);
    assert!(!refused.ok, "{}", refused.log);
    support::assert_contains(
        &refused.log,
        &[
            "does not match SHA256SUMS of v",
            "the download was altered or damaged; refusing to install it",
            "-- run: skipped",
        ],
    );
    assert!(!refused.log.contains("ctrail validate exited"));
    assert_eq!(
        std::fs::read_to_string(&job.github_path).unwrap_or_default(),
        ""
    );

    // Served intact: installed. Then the cached copy altered: refused.
    std::fs::write(release.archive(), &good).expect("restore");
    let installed = action::composite(&job, &root(), &with, &mut uses);
    assert!(installed.ok, "{}", installed.log);
    support::assert_contains(&installed.log, &["ctrail validate exited 0"]);
    let cache = ws
        .join(".tool-cache/ctrail")
        .join(&release.version)
        .join(&release.target);
    let cached = cache.join(release.archive().file_name().expect("name"));
    std::fs::write(&cached, &bad).expect("tamper with the cache");
    let poisoned = action::composite(&job, &root(), &with, &mut uses);
    assert!(!poisoned.ok, "{}", poisoned.log);
    support::assert_contains(
        &poisoned.log,
        &["from the cache", "does not match SHA256SUMS"],
    );

    // SHA256SUMS without the archive's line.
    std::fs::write(release.dir.join("SHA256SUMS"), "").expect("empty sums");
    let unlisted = action::composite(&job, &root(), &with, &mut uses);
    assert!(!unlisted.ok);
    support::assert_contains(
        &unlisted.log,
        &[
            "has no line for",
            "refusing to install an archive that cannot be checked",
        ],
    );

    // The runner's own platform picks the release target; Windows has none.
    let resolve = |os: &str, arch: &str| {
        let env = BTreeMap::from([
            ("RUNNER_OS".to_owned(), os.to_owned()),
            ("RUNNER_ARCH".to_owned(), arch.to_owned()),
            ("CTRAIL_VERSION".to_owned(), "v1.2.3".to_owned()),
        ]);
        job.run(
            &format!(
                "bash {}/tools/action/install.sh resolve && cat \"$GITHUB_OUTPUT\"",
                root().display()
            ),
            &env,
        )
    };
    for (os, arch, target) in [
        ("Linux", "X64", "x86_64-unknown-linux-musl"),
        ("Linux", "ARM64", "aarch64-unknown-linux-musl"),
        ("macOS", "ARM64", "aarch64-apple-darwin"),
    ] {
        let step = resolve(os, arch);
        assert_eq!(step.outputs["target"], target, "{}", step.log);
        assert_eq!(step.outputs["key"], format!("ctrail-1.2.3-{target}"));
    }
    let windows = resolve("Windows", "X64");
    assert!(!windows.ok);
    support::assert_contains(
        &windows.log,
        &["no ctrail release is built for Windows X64"],
    );
}

/// `command: check`: the CIS verdicts as JSON and as SARIF, handed to
/// github/codeql-action/upload-sarif in one run; a failed control fails the
/// action after the upload.
#[test]
fn check_uploads_its_sarif() {
    // The release server serves the archive until the test ends.
    let (ws, _release, sh, with) = set_up("action-check", None, &[("command", "check")]);
    let job = job(&ws, &sh);
    let mut uploaded = Vec::new();
    let mut uses = |a: &str, with: &BTreeMap<String, String>| {
        uploaded.push((a.to_owned(), with.clone()));
    };
    let step = action::composite(&job, &root(), &with, &mut uses);
    eprintln!("{}", step.log);
    assert_eq!(uploaded.len(), 1, "{uploaded:?}");
    let (action, upload) = &uploaded[0];
    assert_eq!(action, "github/codeql-action/upload-sarif");
    assert_eq!(upload["category"], "ctrail-check");
    let sarif: Value = serde_json::from_str(
        &std::fs::read_to_string(&upload["sarif_file"]).expect("the SARIF file"),
    )
    .expect("SARIF JSON");
    assert_eq!(sarif["runs"].as_array().map(Vec::len), Some(1));
    assert!(
        sarif["runs"][0]["results"]
            .as_array()
            .is_some_and(|r| !r.is_empty())
    );
    let verdicts: Value = serde_json::from_str(&step.outputs["json"]).expect("json output");
    assert_eq!(verdicts.as_array().map(Vec::len), Some(1), "one spec");
    match step.outputs["exit-code"].as_str() {
        "0" => assert!(step.ok, "{}", step.log),
        "1" => {
            assert!(!step.ok);
            support::assert_contains(
                &step.log,
                &["::error title=ctrail check::ctrail check exited 1"],
            );
        }
        other => panic!("exit code {other}"),
    }
}
