//! Located problems found in a spec: file, line, column, the field's path, what
//! is wrong and what is allowed.

use std::fmt;

use serde::Serialize;

use crate::yaml::Loc;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
}

/// One problem in a spec file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    pub severity: Severity,
    pub file: String,
    pub line: u32,
    pub column: u32,
    /// The field's path in the spec, such as `trail.event_selectors[0].read_write_type`.
    pub field: String,
    pub message: String,
    /// What is allowed, or how to fix it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub help: Option<String>,
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sev = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        write!(
            f,
            "{}:{}:{}: {sev}: {}: {}",
            self.file, self.line, self.column, self.field, self.message
        )?;
        if let Some(help) = &self.help {
            write!(f, "\n  help: {help}")?;
        }
        Ok(())
    }
}

/// Every problem found in one spec file, in file order.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Diagnostics(pub Vec<Diagnostic>);

impl Diagnostics {
    pub fn has_errors(&self) -> bool {
        self.0.iter().any(|d| d.severity == Severity::Error)
    }
    pub fn errors(&self) -> impl Iterator<Item = &Diagnostic> {
        self.0.iter().filter(|d| d.severity == Severity::Error)
    }
    pub fn warnings(&self) -> impl Iterator<Item = &Diagnostic> {
        self.0.iter().filter(|d| d.severity == Severity::Warning)
    }
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
    pub fn len(&self) -> usize {
        self.0.len()
    }
    pub(crate) fn sort(&mut self) {
        self.0.sort_by_key(|d| (d.line, d.column, d.severity));
        self.0.dedup();
    }
}

impl fmt::Display for Diagnostics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for d in &self.0 {
            writeln!(f, "{d}")?;
        }
        Ok(())
    }
}

/// Collects diagnostics for one file while it is decoded.
pub(crate) struct Sink {
    file: String,
    found: Vec<Diagnostic>,
}

impl Sink {
    pub(crate) fn new(file: &str) -> Self {
        Sink {
            file: file.to_owned(),
            found: Vec::new(),
        }
    }

    pub(crate) fn error(&mut self, loc: Loc, field: &str, msg: impl Into<String>) -> Report<'_> {
        self.push(Severity::Error, loc, field, msg.into())
    }

    pub(crate) fn warning(&mut self, loc: Loc, field: &str, msg: impl Into<String>) -> Report<'_> {
        self.push(Severity::Warning, loc, field, msg.into())
    }

    /// An error: `v` is not one of the `allowed` values of a `what`.
    pub(crate) fn unknown(
        &mut self,
        v: &crate::decode::Located<String>,
        what: &str,
        allowed: &[&str],
    ) {
        let message = format!("unknown {what} \"{}\"", v.value);
        let report = self.push(Severity::Error, v.loc, &v.path, message);
        report.help(format!("allowed: {}", allowed.join(", ")));
    }

    fn push(&mut self, severity: Severity, loc: Loc, field: &str, message: String) -> Report<'_> {
        self.found.push(Diagnostic {
            severity,
            file: self.file.clone(),
            line: loc.line,
            column: loc.column,
            field: if field.is_empty() {
                "(document)".into()
            } else {
                field.to_owned()
            },
            message,
            help: None,
        });
        let last = self.found.len() - 1;
        Report(&mut self.found[last])
    }

    pub(crate) fn error_count(&self) -> usize {
        self.found
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .count()
    }

    pub(crate) fn finish(self) -> Diagnostics {
        let mut d = Diagnostics(self.found);
        d.sort();
        d
    }
}

/// Lets a caller attach help text to the diagnostic just recorded.
pub(crate) struct Report<'a>(&'a mut Diagnostic);

impl Report<'_> {
    pub(crate) fn help(self, help: impl Into<String>) {
        self.0.help = Some(help.into());
    }
}
