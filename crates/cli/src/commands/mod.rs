pub mod graph;
pub mod validate;

use std::path::Path;

use ctrail_spec::{LoadError, Loaded};

use crate::render::diagnostics;

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
