//! `log_group_tags`: the spec's tags on the log group (by the group's ARN).

use crate::logs::group::LogGroup;
use crate::tags::Tags;

#[cfg(feature = "aws")]
mod aws;

pub type LogGroupTags = Tags<LogGroup>;
