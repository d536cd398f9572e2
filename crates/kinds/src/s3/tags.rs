//! `s3_bucket_tags`: the spec's tags on the bucket. S3 replaces the whole
//! tag set at once (PutBucketTagging), and an empty set is no tagging at
//! all (DeleteBucketTagging).

use crate::s3::bucket::Bucket;
use crate::tags::Tags;

#[cfg(feature = "aws")]
mod aws;

pub type BucketTags = Tags<Bucket>;

#[cfg(all(test, feature = "aws"))]
pub(crate) use aws::tagging;
