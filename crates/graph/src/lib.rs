//! ctrail's resource graph: a validated spec expanded into every AWS resource
//! (and sub-resource with its own API) it implies, each with its desired
//! attributes, and the "must exist first" edges between them, including the
//! ones real AWS enforces (bucket policy, IAM propagation, key policy).
//! Addresses, kinds and placeholders are the model's (`ctrail_model`).

mod build;
mod dot;
mod graph;

pub use build::build;
pub use dot::to_dot;
pub use graph::{Dependency, GraphError, Resource, ResourceGraph};
