//! Helpers for tests that run the real `ctrail` binary from the repository root.

#![allow(dead_code)]

pub mod account;
pub mod browser;
pub mod emulator;
pub mod golden;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .canonicalize()
        .expect("repository root")
}

/// The environment a GitHub-hosted Linux runner gives a job's steps in
/// repository example-org/cloudtrail-specs checked out at `workspace`,
/// with `tool_cache` its tool cache; no GitHub token unless a step sets one.
pub fn runner_env<'a>(
    cmd: &'a mut Command,
    workspace: &Path,
    tool_cache: &Path,
) -> &'a mut Command {
    cmd.env("CI", "true")
        .env("GITHUB_ACTIONS", "true")
        .env("GITHUB_REPOSITORY", "example-org/cloudtrail-specs")
        .env("GITHUB_WORKSPACE", workspace)
        .env("RUNNER_OS", "Linux")
        .env("RUNNER_ARCH", "X64")
        .env("RUNNER_TEMP", workspace.join(".runner-temp"))
        .env("RUNNER_TOOL_CACHE", tool_cache)
        .env_remove("GH_TOKEN")
        .env_remove("GITHUB_TOKEN")
}

/// Starts a test server that prints `<prefix><port>` on its first line of
/// stdout once it listens; the child and that port.
pub fn spawn_server(cmd: &mut Command, prefix: &str) -> (std::process::Child, u16) {
    use std::io::BufRead;
    let mut child = cmd
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("start {cmd:?}: {e}"));
    let mut line = String::new();
    std::io::BufReader::new(child.stdout.take().expect("stdout"))
        .read_line(&mut line)
        .expect("the server says its port");
    let port = line
        .trim()
        .strip_prefix(prefix)
        .and_then(|p| p.parse().ok())
        .unwrap_or_else(|| panic!("unexpected first line from {cmd:?}: {line}"));
    (child, port)
}

/// One HTTP/1.1 request to a test server on 127.0.0.1; the response body.
pub fn http(port: u16, method: &str, path: &str, body: &str) -> String {
    use std::io::{Read, Write};
    let mut s = std::net::TcpStream::connect(("127.0.0.1", port)).expect("connect");
    write!(
        s,
        "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
    .expect("write");
    let mut resp = String::new();
    s.read_to_string(&mut resp).expect("read");
    resp.split_once("\r\n\r\n")
        .map(|(_, b)| b.to_owned())
        .unwrap_or_default()
}

pub fn ctrail(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_ctrail"))
        .args(args)
        .current_dir(root())
        .env("NO_COLOR", "1")
        .env_remove("RUST_LOG")
        .output()
        .expect("run ctrail")
}

/// `path`, a tool that `tools/just RECIPE` installs: a missing one fails the
/// test, saying to run that recipe (`tools/just test` runs them all).
pub fn installed(path: PathBuf, recipe: &str) -> PathBuf {
    assert!(
        path.exists(),
        "{} is missing: run `tools/just {recipe}` (or `tools/just test`, which installs it)",
        path.display()
    );
    path
}

/// A command's exit code, stdout and stderr, for an assertion's message.
pub fn text(o: &Output) -> String {
    format!(
        "exit {:?}\n--- stdout\n{}\n--- stderr\n{}",
        o.status.code(),
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// `text` says each of `parts`.
pub fn assert_contains(text: &str, parts: &[&str]) {
    for p in parts {
        assert!(text.contains(p), "no {p:?} in:\n{text}");
    }
}

/// `o` exited `code` and its output (`text`) says each of `parts`; that
/// output.
pub fn assert_says(o: &Output, code: i32, parts: &[&str]) -> String {
    let shown = text(o);
    assert_eq!(o.status.code(), Some(code), "{shown}");
    assert_contains(&shown, parts);
    shown
}

/// `o` exited `code` and its stdout says `part`.
pub fn assert_stdout(o: &Output, code: i32, part: &str) {
    assert_eq!(o.status.code(), Some(code), "{}", text(o));
    assert!(stdout(o).contains(part), "no {part:?} in:\n{}", text(o));
}

/// `o` exited `code` and its stderr says `part`.
pub fn assert_stderr(o: &Output, code: i32, part: &str) {
    assert_eq!(o.status.code(), Some(code), "{}", text(o));
    assert!(stderr(o).contains(part), "no {part:?} in:\n{}", text(o));
}

/// `ctrail` exited 1 with an error that says `text`.
pub fn assert_error(o: &Output, text: &str) {
    let err = stderr(o);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(err.contains(text), "no {text:?} in:\n{err}");
}

/// Files in `dir` (relative to the root) ending in `ext`, sorted, as relative
/// paths. Hidden files (an editor's `.spec.yaml.swp`, a stray `.draft.yaml`)
/// are not the project's and are left out.
pub fn files(dir: &str, ext: &str) -> Vec<String> {
    let mut out: Vec<String> = std::fs::read_dir(root().join(dir))
        .expect("read dir")
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(ext) && !n.starts_with('.'))
        .map(|n| format!("{dir}/{n}"))
        .collect();
    out.sort();
    out
}

/// A scratch directory for this test process.
pub fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("ctrail-test-{}-{name}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("scratch dir");
    dir
}

/// Writes `text` to `file` in the scratch directory `dir`; its path.
pub fn scratch_file(dir: &str, file: &str, text: &str) -> String {
    let path = scratch(dir).join(file);
    std::fs::write(&path, text).expect("write a scratch file");
    path.to_string_lossy().into_owned()
}

/// Compares `actual` with `tests/golden/NAME`; `UPDATE_GOLDEN=1` rewrites it.
pub fn golden(name: &str, actual: &str) {
    golden::check(&root().join("tests/golden").join(name), actual);
}
