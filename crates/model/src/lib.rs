//! ctrail's data model, shared by every stage and free of any AWS SDK: how
//! resources are named (`Address`, `ResourceKind`), values only AWS knows
//! (`Placeholder`), what the reader found (`LiveState`), and the plan the
//! differ makes (`Plan`), a plain serialisable value rendered elsewhere.

mod address;
pub mod arn;
mod live;
pub mod ownership;
mod place;
pub mod placeholder;
mod plan;

pub use address::{Address, AddressError, EdgeReason, ResourceKind};
pub use live::{LiveContext, LiveResource, LiveState, Variant};
pub use ownership::{Ledger, OWNER_TAG, Ownership};
pub use place::Place;
pub use placeholder::Placeholder;
pub use plan::{
    Action, ActionKind, AttributeChange, Effect, Finding, Grant, Plan, PlanHeader, SecurityNote,
    Summary,
};
