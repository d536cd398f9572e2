//! `trail_tags`: the spec's tags on the trail (by the trail's ARN).

use crate::cloudtrail::trail::Trail;
use crate::tags::Tags;

#[cfg(feature = "aws")]
mod aws;
#[cfg(feature = "aws")]
pub use aws::of_trail;

pub type TrailTags = Tags<Trail>;
