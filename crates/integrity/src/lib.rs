//! ctrail's log file integrity validation (`ctrail validate-logs`): the
//! digest chain CloudTrail writes beside the log files, verified as the AWS
//! CLI's `validate-logs` does and with the same verdicts, for every region
//! in one run, fetching in parallel and hashing as the bytes stream in.
//! docs/log-integrity.md has the format and each fact's source.

#[cfg(test)]
mod chain_tests;
pub mod digest;
#[cfg(test)]
mod memory;
pub mod store;
pub mod testdata;
pub mod validate;

pub use digest::{DigestFile, EventTimes, Layout, LogFile};
pub use store::{ObjectStore, PublicKeys};
pub use validate::{
    Checked, Counts, FileKind, PublicKey, Report, Request, RunError, Verdict, public_keys, run,
    text,
};
