//! The pre-commit hooks of `.pre-commit-hooks.yaml`, run by pre-commit itself
//! (pinned in tools/requirements-lint.txt, installed by `tools/just
//! lint-workflows`) as a user's repository would: `pre-commit try-repo` in a
//! scratch git repository, on the specs staged for a commit, with the built
//! `ctrail` on PATH. The hook repository is a scratch git repository holding
//! exactly the files the hooks use, so the test sees them as committed.

mod support;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use support::emulator::venv;
use support::{root, scratch, text};

const BROKEN: &str = "version: 1
region: eu-west-1
trail:
  name: audit-trail
  is_multi_region: true
bucket:
  name: example-audit-trail-logs
";

fn git(dir: &Path, args: &[&str]) {
    let out = Command::new("git")
        .args(["-c", "user.name=t", "-c", "user.email=t@example.com"])
        .args(args)
        .current_dir(dir)
        .output()
        .expect("run git");
    assert!(out.status.success(), "git {args:?}: {}", text(&out));
}

/// A git repository holding the hooks' manifest and their entry script.
fn hook_repository(name: &str) -> PathBuf {
    let dir = scratch(name);
    std::fs::create_dir_all(dir.join("tools/pre-commit")).expect("mkdir");
    for file in [".pre-commit-hooks.yaml", "tools/pre-commit/ctrail-hook"] {
        std::fs::copy(root().join(file), dir.join(file)).expect("copy a hook file");
    }
    git(&dir, &["init", "-q"]);
    git(&dir, &["add", "."]);
    git(&dir, &["commit", "-q", "-m", "hooks"]);
    dir
}

/// A user's repository with `specs` (name, text) staged for a commit.
fn user_repository(name: &str, specs: &[(&str, &str)]) -> PathBuf {
    let dir = scratch(name);
    std::fs::create_dir_all(dir.join("specs")).expect("mkdir");
    git(&dir, &["init", "-q"]);
    for (file, spec) in specs {
        std::fs::write(dir.join("specs").join(file), spec).expect("write a spec");
        git(&dir, &["add", &format!("specs/{file}")]);
    }
    dir
}

/// `pre-commit try-repo HOOKS HOOK` in `repo`, on its staged files.
fn try_repo(hooks: &Path, repo: &Path, hook: &str) -> Output {
    let pre_commit = support::installed(venv().join("bin/pre-commit"), "lint-workflows");
    let bin = Path::new(env!("CARGO_BIN_EXE_ctrail"))
        .parent()
        .expect("bin dir");
    let path = std::env::join_paths(std::iter::once(bin.to_path_buf()).chain(
        std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default()),
    ))
    .expect("PATH");
    Command::new(pre_commit)
        .args(["try-repo", &hooks.to_string_lossy(), hook])
        .current_dir(repo)
        .env("PATH", path)
        .env("PRE_COMMIT_HOME", repo.join(".pre-commit-cache"))
        .env("NO_COLOR", "1")
        .output()
        .expect("run pre-commit")
}

fn read(spec: &str) -> String {
    std::fs::read_to_string(root().join("specs").join(spec)).expect("a shipped spec")
}

/// The hook `hook` of `hooks` run on the user's repository `name` with
/// `specs` staged (`user_repository`): it exits `code`, saying each of
/// `says`.
fn hook_says(
    hooks: &Path,
    hook: &str,
    (name, specs): (&str, &[(&str, &str)]),
    code: i32,
    says: &[&str],
) {
    let out = try_repo(hooks, &user_repository(name, specs), hook);
    support::assert_says(&out, code, says);
}

#[test]
fn a_broken_spec_fails_the_commit_at_its_line_and_a_good_one_passes() {
    let hooks = hook_repository("pre-commit-hooks-validate");
    hook_says(
        &hooks,
        "ctrail-validate",
        (
            "pre-commit-validate",
            &[("broken.yaml", BROKEN), ("good.yaml", &read("cis.yaml"))],
        ),
        1,
        &[
            "ctrail validate...",
            "Failed",
            "trail.is_multi_region: unknown field `is_multi_region`",
            "specs/broken.yaml:5:3",
            "did you mean `multi_region`?",
            "ok    specs/good.yaml",
        ],
    );
    hook_says(
        &hooks,
        "ctrail-validate",
        (
            "pre-commit-validate-good",
            &[("good.yaml", &read("cis.yaml"))],
        ),
        0,
        &["ctrail validate...", "Passed"],
    );
}

#[test]
fn the_cis_hook_fails_a_spec_that_fails_a_control_at_the_deciding_line() {
    let hooks = hook_repository("pre-commit-hooks-check");
    hook_says(
        &hooks,
        "ctrail-check",
        (
            "pre-commit-check",
            &[("minimal.yaml", &read("minimal.yaml"))],
        ),
        1,
        &[
            "ctrail check (CIS, offline)...",
            "Failed",
            "FAIL   3.4    S3 bucket access logging is enabled on the CloudTrail S3 bucket",
            "(specs/minimal.yaml:9)",
        ],
    );
    hook_says(
        &hooks,
        "ctrail-check",
        ("pre-commit-check-good", &[("cis.yaml", &read("cis.yaml"))]),
        0,
        &["ctrail check (CIS, offline)...", "Passed"],
    );
}
