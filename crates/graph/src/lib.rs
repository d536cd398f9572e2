//! ctrail's resource graph: a validated spec expanded into every AWS resource
//! (and sub-resource with its own API) it implies, each with its desired
//! attributes, and the "must exist first" edges between them, including the
//! ones real AWS enforces (bucket policy, IAM propagation, key policy).

mod build;
pub use ctrail_policy::canonical;
mod dot;
mod graph;
pub mod meaning;
pub use ctrail_model::placeholder;
pub mod policies;
mod resources;

pub use build::build;
pub use ctrail_model::Placeholder;
pub use ctrail_model::{Address, ResourceKind};
pub use dot::to_dot;
pub use graph::{Dependency, EdgeReason, GraphError, Resource, ResourceGraph};
pub use resources::iam::INLINE_POLICY_NAME;
