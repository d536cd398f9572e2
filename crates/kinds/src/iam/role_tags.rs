//! `iam_role_tags`: the spec's tags on the role.

use crate::iam::role::Role;
use crate::tags::Tags;

#[cfg(feature = "aws")]
mod aws;

pub type RoleTags = Tags<Role>;
