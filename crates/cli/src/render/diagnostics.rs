//! Diagnostics for people: the location, the offending line with a caret,
//! and what is allowed.

use std::path::Path;

use ctrail_spec::{Diagnostic, Diagnostics, Severity};

/// The source lines diagnostics point at, when the file is small enough to show.
fn source_lines(path: &Path) -> Vec<String> {
    let small = std::fs::metadata(path)
        .map(|m| m.len() <= ctrail_spec::yaml::MAX_SPEC_BYTES as u64)
        .unwrap_or(false);
    if !small {
        return Vec::new();
    }
    std::fs::read_to_string(path)
        .map(|t| t.lines().map(str::to_owned).collect())
        .unwrap_or_default()
}

pub fn text(path: &Path, diags: &Diagnostics) -> String {
    if diags.is_empty() {
        return String::new();
    }
    let lines = source_lines(path);
    let mut out = String::new();
    for d in &diags.0 {
        out.push_str(&one(d, &lines));
    }
    out
}

fn one(d: &Diagnostic, lines: &[String]) -> String {
    let sev = match d.severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
    };
    let mut out = format!("{sev}: {}: {}\n", d.field, d.message);
    out.push_str(&format!("  --> {}:{}:{}\n", d.file, d.line, d.column));
    let line_no = d.line as usize;
    if let Some(src) = line_no.checked_sub(1).and_then(|i| lines.get(i)) {
        let gutter = " ".repeat(line_no.to_string().len());
        let shown: String = src.chars().take(160).collect();
        let col = (d.column as usize)
            .saturating_sub(1)
            .min(shown.chars().count());
        let pad: String = shown
            .chars()
            .take(col)
            .map(|c| if c == '\t' { '\t' } else { ' ' })
            .collect();
        out.push_str(&format!(
            " {gutter} |\n {line_no} | {shown}\n {gutter} | {pad}^\n"
        ));
    }
    if let Some(help) = &d.help {
        out.push_str(&format!("  = help: {help}\n"));
    }
    out.push('\n');
    out
}
