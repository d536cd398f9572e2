pub mod apply;
mod apply_many;
pub mod check;
pub mod destroy;
pub mod drift;
pub mod graph;
pub mod import;
pub mod init;
pub mod live;
mod many;
pub mod plan;
pub mod query;
pub mod report;
pub mod summary;
pub mod validate;
pub mod validate_logs;
pub mod verify;

use std::path::Path;

use ctrail_spec::{LoadError, Loaded};

use crate::render::diagnostics;

/// An answer that could not be read from stdin.
#[derive(Debug)]
pub struct AskError(std::io::Error);

impl std::fmt::Display for AskError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "cannot read the answer: {}", self.0)
    }
}

impl std::error::Error for AskError {}

/// For the commands whose errors are still a message.
impl From<AskError> for String {
    fn from(e: AskError) -> String {
        e.to_string()
    }
}

/// Asks `question` on stderr and reads one line of answer from stdin,
/// trimmed.
pub fn ask(question: &str) -> Result<String, AskError> {
    use std::io::{BufRead, Write};
    eprint!("{question}");
    // The question is a courtesy: a stderr that cannot be flushed still
    // lets the answer be read.
    let _ = std::io::stderr().flush();
    let mut line = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut line)
        .map_err(AskError)?;
    Ok(line.trim().to_owned())
}

/// An error whose message already says its cause (the executor's lock
/// errors, the differ's), as the CLI's error: its message alone, since
/// printing its chain (`{:#}`) would say the cause twice.
pub fn said<E: std::fmt::Display>(e: E) -> anyhow::Error {
    anyhow::anyhow!("{e}")
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

/// A spec a live command cannot use.
#[derive(Debug)]
pub enum LoadFailure {
    /// Its diagnostics, rendered with their source lines, and how many
    /// errors there are.
    Invalid {
        path: std::path::PathBuf,
        shown: String,
        errors: usize,
    },
    /// The file could not be read.
    Io(LoadError),
}

impl std::fmt::Display for LoadFailure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Invalid {
                path,
                shown,
                errors,
            } => write!(
                f,
                "{shown}{}: {errors} error(s); nothing was read or changed",
                path.display()
            ),
            Self::Io(e) => e.fmt(f),
        }
    }
}

impl std::error::Error for LoadFailure {}

/// For the commands whose errors are still a message.
impl From<LoadFailure> for String {
    fn from(e: LoadFailure) -> String {
        e.to_string()
    }
}

/// Loads a spec for a live command: warnings go to stderr, errors come back
/// as one error (with every diagnostic) for the caller to report.
pub fn load_quiet(path: &Path) -> Result<Loaded, LoadFailure> {
    match ctrail_spec::load(path) {
        Ok(loaded) => {
            eprint!("{}", diagnostics::text(path, &loaded.warnings));
            Ok(loaded)
        }
        Err(LoadError::Invalid(d)) => Err(LoadFailure::Invalid {
            path: path.to_owned(),
            shown: diagnostics::text(path, &d),
            errors: d.errors().count(),
        }),
        Err(e @ LoadError::Io { .. }) => Err(LoadFailure::Io(e)),
    }
}
