//! ctrail's spec: one YAML file per account describing the CloudTrail setup it
//! should have.
//!
//! [`load`] reads a file, [`parse`] reads text. Both validate every field and
//! report all problems at once, each with file, line, column and the field's
//! path; on success the result is a [`Spec`] with every default expanded, so
//! later stages never guess.

mod decode;
pub mod defaults;
mod diagnostic;
pub mod draft;
pub mod fields;
pub mod model;
pub mod rules;
mod sections;
pub mod shape;
pub mod yaml;

use std::path::Path;

pub use diagnostic::{Diagnostic, Diagnostics, Severity};
pub use model::*;
pub use sections::SUPPORTED_VERSIONS;
pub use sections::monitoring::{PRESETS, Preset, PresetError, alarm_defaults, preset_entries};
pub use shape::json_schema;

/// A valid spec and the warnings found while reading it.
#[derive(Debug, Clone)]
pub struct Loaded {
    pub spec: Spec,
    pub warnings: Diagnostics,
}

#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    #[error("cannot read {path}: {source}")]
    Io {
        path: String,
        #[source]
        source: std::io::Error,
    },
    #[error("{} is not a valid ctrail spec ({} error(s))", .0.0.first().map(|d| d.file.as_str()).unwrap_or("spec"), .0.errors().count())]
    Invalid(Diagnostics),
}

/// Reads and validates a spec file.
pub fn load(path: &Path) -> Result<Loaded, LoadError> {
    let shown = path.display().to_string();
    let meta = std::fs::metadata(path).map_err(|source| LoadError::Io {
        path: shown.clone(),
        source,
    })?;
    if meta.len() > yaml::MAX_SPEC_BYTES as u64 {
        let mut sink = diagnostic::Sink::new(&shown);
        sink.error(
            yaml::Loc { line: 1, column: 1 },
            "",
            format!(
                "the file is {} bytes; specs larger than {} bytes are refused",
                meta.len(),
                yaml::MAX_SPEC_BYTES
            ),
        );
        return Err(LoadError::Invalid(sink.finish()));
    }
    let bytes = std::fs::read(path).map_err(|source| LoadError::Io {
        path: shown.clone(),
        source,
    })?;
    let text = match String::from_utf8(bytes) {
        Ok(t) => t,
        Err(e) => {
            let mut sink = diagnostic::Sink::new(&shown);
            let upto = &e.as_bytes()[..e.utf8_error().valid_up_to()];
            let line = upto.iter().filter(|b| **b == b'\n').count() + 1;
            sink.error(
                yaml::Loc {
                    line: u32::try_from(line).unwrap_or(u32::MAX),
                    column: 1,
                },
                "",
                "the file is not valid UTF-8",
            );
            return Err(LoadError::Invalid(sink.finish()));
        }
    };
    parse(&shown, &text).map_err(LoadError::Invalid)
}

/// Validates spec text; `source` names it in diagnostics (usually its path).
pub fn parse(source: &str, text: &str) -> Result<Loaded, Diagnostics> {
    let mut sink = diagnostic::Sink::new(source);
    let root = match yaml::parse(text) {
        Ok(root) => root,
        Err(e) => {
            sink.error(e.loc, "", e.message);
            return Err(sink.finish());
        }
    };
    let spec = sections::read(&mut sink, &root, source);
    let diags = sink.finish();
    match spec {
        Some(spec) if !diags.has_errors() => Ok(Loaded {
            spec,
            warnings: diags,
        }),
        _ => {
            debug_assert!(diags.has_errors(), "a spec was refused without an error");
            Err(diags)
        }
    }
}
