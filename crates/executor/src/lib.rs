//! ctrail's executor: applies a plan in dependency order with bounded
//! concurrency and classified retries, and reports exactly what was done.
//!
//! - `schedule`: which actions may run now (their prerequisites done), at
//!   most `parallelism` at once; on a failure or an interrupt no new action
//!   starts, the running ones finish, and every action ends in the report as
//!   completed, failed or not started.
//! - the error policy lives apart from the logic (`ctrail_kinds::calls`'s
//!   retry policy): transient failures back off with jitter,
//!   IAM-propagation answers wait until a deadline, everything else fails
//!   at once with AWS's message;
//! - what each action does in AWS lives with its kind (`ctrail_kinds`);
//!   each is idempotent (creating what already exists checks it and carries
//!   on, deleting what is gone is done), so a re-run converges.

mod holder;
pub mod ledger;
pub mod lock;
mod schedule;

use std::sync::Arc;
use std::sync::atomic::AtomicBool;
use std::time::Duration;

use ctrail_model::Address;
use serde::Serialize;

use ctrail_kinds::calls::{Class, RetryPolicy};
use ctrail_kinds::change::Target;
pub use schedule::apply;

/// How the executor runs.
#[derive(Debug, Clone)]
pub struct Options {
    /// Most actions running at once.
    pub parallelism: usize,
    /// How long to keep retrying IAM-propagation answers for one call.
    pub propagation_timeout: Duration,
    /// First wait after a propagation answer (doubles, with jitter).
    pub propagation_base_delay: Duration,
    /// Attempts for a call failing transiently (throttling, 5xx, timeouts).
    pub transient_attempts: u32,
    /// First wait after a transient failure (doubles, with jitter).
    pub transient_base_delay: Duration,
}

impl Options {
    pub fn policy(&self) -> RetryPolicy {
        RetryPolicy {
            propagation_timeout: self.propagation_timeout,
            propagation_base_delay: self.propagation_base_delay,
            transient_attempts: self.transient_attempts,
            transient_base_delay: self.transient_base_delay,
        }
    }
}

impl Default for Options {
    fn default() -> Self {
        Options {
            parallelism: 8,
            propagation_timeout: Duration::from_secs(180),
            propagation_base_delay: Duration::from_secs(1),
            transient_attempts: 8,
            transient_base_delay: Duration::from_millis(200),
        }
    }
}

/// Progress, as it happens.
#[derive(Debug, Clone)]
pub enum Event {
    Started {
        address: Address,
    },
    Retrying {
        address: String,
        operation: &'static str,
        reason: String,
        class: Class,
        attempt: u32,
        delay: Duration,
    },
    Completed {
        address: Address,
        done: &'static str,
        elapsed: Duration,
    },
    Failed {
        address: Address,
        error: String,
        elapsed: Duration,
    },
}

/// Receives progress events; called from several tasks at once.
pub type Events = Arc<dyn Fn(Event) + Send + Sync>;

/// Set to stop starting new actions (Ctrl-C); running ones finish.
pub type Interrupt = Arc<AtomicBool>;

/// How one action ended.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum Outcome {
    Completed { done: &'static str, seconds: f64 },
    Failed { error: String },
    NotStarted,
}

/// What an apply did, action by action, in plan order.
#[derive(Debug, Clone, PartialEq, Serialize, Default)]
pub struct Report {
    pub actions: Vec<(Address, Outcome)>,
    pub interrupted: bool,
}

impl Report {
    pub fn succeeded(&self) -> bool {
        !self.interrupted
            && self
                .actions
                .iter()
                .all(|(_, o)| matches!(o, Outcome::Completed { .. }))
    }
    pub fn count(&self, f: impl Fn(&Outcome) -> bool) -> usize {
        self.actions.iter().filter(|(_, o)| f(o)).count()
    }
}
