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

pub use build::build;
pub use ctrail_kinds::iam::shared::INLINE_POLICY_NAME;
pub use ctrail_kinds::policies;
pub use ctrail_model::EdgeReason;
pub use ctrail_model::Placeholder;
pub use ctrail_model::{Address, ResourceKind};
pub use dot::to_dot;
pub use graph::{Dependency, GraphError, Resource, ResourceGraph};
