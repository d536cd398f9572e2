pub mod apply;
pub mod check;
pub mod destroy;
pub mod drift;
pub mod graph;
pub mod import;
pub mod init;
pub mod live;
pub mod plan;
pub mod query;
pub mod report;
pub mod validate;
pub mod validate_logs;
pub mod verify;

use std::path::Path;

use ctrail_spec::{LoadError, Loaded};

use crate::render::diagnostics;

/// Asks `question` on stderr and reads one line of answer from stdin,
/// trimmed.
pub fn ask(question: &str) -> Result<String, String> {
    use std::io::{BufRead, Write};
    eprint!("{question}");
    let _ = std::io::stderr().flush();
    let mut line = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut line)
        .map_err(|e| format!("cannot read the answer: {e}"))?;
    Ok(line.trim().to_owned())
}

/// The command's exit code, or 1 after printing its error: a message, or
/// (`anyhow`, at the CLI's edge) the error with its causes, `what: why`.
pub fn or_error<E: std::fmt::Display>(
    result: Result<std::process::ExitCode, E>,
) -> std::process::ExitCode {
    result.unwrap_or_else(|e| {
        eprintln!("error: {e:#}");
        std::process::ExitCode::from(1)
    })
}

/// Loads a spec; on failure prints why (with source snippets) to stderr.
pub fn load_or_report(path: &Path) -> Option<Loaded> {
    match ctrail_spec::load(path) {
        Ok(loaded) => {
            eprint!("{}", diagnostics::text(path, &loaded.warnings));
            Some(loaded)
        }
        Err(LoadError::Invalid(d)) => {
            eprint!("{}", diagnostics::text(path, &d));
            eprintln!(
                "{}: {} error(s); nothing was done",
                path.display(),
                d.errors().count()
            );
            None
        }
        Err(e @ LoadError::Io { .. }) => {
            eprintln!("error: {e}");
            None
        }
    }
}

/// Loads a spec for a live command: warnings go to stderr, errors come back
/// as one message (with every diagnostic) for the caller to report.
pub fn load_quiet(path: &Path) -> Result<Loaded, String> {
    match ctrail_spec::load(path) {
        Ok(loaded) => {
            eprint!("{}", diagnostics::text(path, &loaded.warnings));
            Ok(loaded)
        }
        Err(LoadError::Invalid(d)) => Err(format!(
            "{}{}: {} error(s); nothing was read or changed",
            diagnostics::text(path, &d),
            path.display(),
            d.errors().count()
        )),
        Err(e @ LoadError::Io { .. }) => Err(e.to_string()),
    }
}
