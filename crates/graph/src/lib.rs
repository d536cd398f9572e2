//! ctrail's resource graph: a validated spec expanded into every AWS resource
//! (and sub-resource with its own API) it implies, each with its desired
//! attributes, and the "must exist first" edges between them, including the
//! ones real AWS enforces (bucket policy, IAM propagation, key policy).

mod address;
mod build;
pub use ctrail_policy::canonical;
mod dot;
mod graph;
pub mod meaning;
pub mod placeholder;
pub mod policies;
mod resources;

pub use address::{Address, ResourceKind};
pub use build::build;
pub use dot::to_dot;
pub use graph::{Dependency, EdgeReason, GraphError, Resource, ResourceGraph};
pub use placeholder::Placeholder;
pub use resources::iam::INLINE_POLICY_NAME;
