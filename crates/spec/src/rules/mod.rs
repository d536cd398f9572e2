//! AWS naming and value rules, one module per subject. Each check returns
//! `Err(Problem)` describing what is wrong and what is allowed.

pub mod filter_pattern;
pub mod insights_query;
pub mod kms;
pub mod logs;
pub mod monitoring;
pub mod names;
pub mod regions;
pub mod resource_types;
pub mod selectors;
pub mod tags;
pub mod trail;

/// What is wrong with a value, and what would be accepted instead.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub message: String,
    pub help: Option<String>,
}

impl Problem {
    pub fn new(message: impl Into<String>) -> Self {
        Problem {
            message: message.into(),
            help: None,
        }
    }
    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }
}

pub type Check = Result<(), Problem>;

/// Passes when `ok`; otherwise fails with the problem `problem` makes.
pub fn ensure(ok: bool, problem: impl FnOnce() -> Problem) -> Check {
    if ok { Ok(()) } else { Err(problem()) }
}
