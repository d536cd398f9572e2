//! `ctrail validate SPEC...`

use std::path::PathBuf;
use std::process::ExitCode;

use ctrail_spec::{Diagnostic, LoadError};
use serde::Serialize;

use crate::DiagnosticsFormat;
use crate::render::diagnostics;

#[derive(Serialize)]
struct FileResult {
    file: String,
    valid: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    trail: Option<String>,
    diagnostics: Vec<Diagnostic>,
}

pub fn run(specs: &[PathBuf], format: DiagnosticsFormat) -> ExitCode {
    let mut results = Vec::with_capacity(specs.len());
    for path in specs {
        let shown = path.display().to_string();
        let result = match ctrail_spec::load(path) {
            Ok(loaded) => FileResult {
                file: shown,
                valid: true,
                trail: Some(loaded.spec.trail.name.clone()),
                diagnostics: loaded.warnings.0,
            },
            Err(LoadError::Invalid(d)) => FileResult {
                file: shown,
                valid: false,
                trail: None,
                diagnostics: d.0,
            },
            Err(e @ LoadError::Io { .. }) => FileResult {
                file: shown.clone(),
                valid: false,
                trail: None,
                diagnostics: vec![Diagnostic {
                    severity: ctrail_spec::Severity::Error,
                    file: shown,
                    line: 0,
                    column: 0,
                    field: "(file)".into(),
                    message: e.to_string(),
                    help: None,
                }],
            },
        };
        results.push(result);
    }
    let all_valid = results.iter().all(|r| r.valid);
    match format {
        DiagnosticsFormat::Json => {
            let doc = serde_json::json!({ "valid": all_valid, "files": results });
            println!("{}", serde_json::to_string_pretty(&doc).unwrap_or_default());
        }
        DiagnosticsFormat::Text => {
            for (path, r) in specs.iter().zip(&results) {
                let d = ctrail_spec::Diagnostics(r.diagnostics.clone());
                eprint!("{}", diagnostics::text(path, &d));
                let warnings = d.warnings().count();
                let suffix = if warnings > 0 {
                    format!(", {warnings} warning(s)")
                } else {
                    String::new()
                };
                if r.valid {
                    println!(
                        "ok    {} (trail {}{suffix})",
                        r.file,
                        r.trail.as_deref().unwrap_or("?")
                    );
                } else {
                    println!("FAIL  {} ({} error(s){suffix})", r.file, d.errors().count());
                }
            }
        }
    }
    if all_valid {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}
