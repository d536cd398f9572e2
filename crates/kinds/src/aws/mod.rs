//! The AWS side of every kind: `Api` (read, put, delete) and what those
//! functions share: clients, errors, the retry policy, the read context.

pub mod account;
mod act;
pub mod attempts;
mod clients;
mod door;
pub mod error;
pub mod insights;
mod live;
pub mod objects;
mod read;
#[cfg(test)]
mod round_trips;
pub mod state;

use std::future::Future;

pub use crate::calls::{CallError, Class, RetryPolicy, Retrying, call};
pub use crate::change::{KeyTarget, Step, Target};
pub use crate::door::{KeyForms, Pending, Resolved};
pub use act::{Cx, TagChange, built, deleted, gone, merge_owned_statements, owned_of, refuse};
pub use attempts::{ReadRetry, RetryReporter, Unreachable};
pub use clients::{Accounts, Clients, Connection, Retries};
pub use error::{ReadError, absent_if_not_found, chain, read_error};
pub use read::{ReadCx, if_exists};

use crate::Kind;

/// What a kind's read returns: each named resource's live value, `None`
/// when it does not exist.
pub type Found<T> = Result<Vec<(String, Option<T>)>, ReadError>;

/// What a put or delete returns: what was done, in words.
pub type Done = Result<&'static str, CallError>;

/// A kind's AWS calls. Each is idempotent: creating what exists carries on
/// as an update, deleting what is gone is done.
pub trait Api: Kind {
    /// The live value of each named resource (and of any other the kind
    /// reads for the preflight), `None` when AWS says it does not exist.
    fn read(rcx: &ReadCx<'_>, names: &[String]) -> impl Future<Output = Found<Self>> + Send;

    /// Makes the resource match `step.want`; says what was done.
    fn put(cx: &Cx<'_>, step: &Step<'_, Self>) -> impl Future<Output = Done> + Send;

    /// Deletes the resource (or, for a setting AWS cannot remove, returns it
    /// to AWS's default); says what was done.
    fn delete(cx: &Cx<'_>, step: &Step<'_, Self>) -> impl Future<Output = Done> + Send;

    /// Marks the named resource as ctrail's, for the kinds that hold a
    /// resource's tags (`Tags<R>`); nothing for the others.
    fn mark(_cx: &Cx<'_>, _name: &str) -> impl Future<Output = Result<(), CallError>> + Send {
        async { Ok(()) }
    }

    /// The names of every resource of this kind found where the spec's
    /// would be (every metric filter on the trail's log group, say), so a
    /// plan can tell which are ctrail's and leave the others alone. Most
    /// kinds have one resource per spec and find nothing more.
    fn discover(_rcx: &ReadCx<'_>) -> impl Future<Output = Result<Vec<String>, ReadError>> + Send {
        async { Ok(Vec::new()) }
    }
}
