//! The AWS calls of `s3::tags` (feature `aws`): what it reads, puts and
//! deletes, and how; what the values mean is in the parent module.

use std::collections::BTreeMap;

use aws_sdk_s3::types::{Tag, Tagging};

use super::BucketTags;
use crate::aws::{
    CallError, Cx, ReadCx, ReadError, TagChange, absent_if_not_found, built, if_exists,
};
use crate::s3::bucket::Bucket;
use crate::s3::shared::bucket_region;
use crate::tags::{TagApi, aws_tags};

impl BucketTags {
    pub(crate) fn from_aws(set: &[Tag]) -> Self {
        BucketTags::from_pairs(set.iter().map(|t| (t.key(), t.value())))
    }
}

/// A whole tag set as S3 takes it.
pub(crate) fn tagging(tags: &BTreeMap<String, String>) -> Result<Tagging, CallError> {
    const OP: &str = "s3:PutBucketTagging";
    let tag = |k: &str, v: &str| Tag::builder().key(k).value(v).build();
    let set = aws_tags(OP, tags, tag)?;
    built(OP, Tagging::builder().set_tag_set(Some(set)).build())
}

/// The bucket's whole tag set as it is now (ctrail's tag included).
async fn current(cx: &Cx<'_>, name: &str) -> Result<BTreeMap<String, String>, CallError> {
    let c = &cx.clients.s3;
    let got = crate::aws!(
        cx,
        "s3:GetBucketTagging",
        c.get_bucket_tagging().bucket(name).send()
    )
    .await;
    match got {
        Ok(t) => Ok(crate::tags::from_pairs(
            t.tag_set().iter().map(|t| (t.key(), t.value())),
        )),
        Err(e) if crate::aws::gone(&e, &["NoSuchTagSet"]) => Ok(BTreeMap::new()),
        Err(e) => Err(e),
    }
}

impl TagApi for Bucket {
    async fn live(rcx: &ReadCx<'_>, name: &str) -> Result<Option<BucketTags>, ReadError> {
        let c = &rcx.clients.s3;
        let got = c.get_bucket_tagging().bucket(name).send();
        let Some(got) = if_exists(bucket_region(rcx, name), got).await? else {
            return Ok(None);
        };
        let got = absent_if_not_found("s3:GetBucketTagging", got, &["NoSuchTagSet"])?;
        let set = got.as_ref().map(|t| t.tag_set()).unwrap_or_default();
        Ok(Some(BucketTags::from_aws(set)))
    }

    async fn keys(cx: &Cx<'_>, name: &str) -> Result<Vec<String>, CallError> {
        Ok(current(cx, name).await?.into_keys().collect())
    }

    /// S3 replaces the whole set: the change is made to the set as it
    /// is now (read first), so a tag ctrail does not set stays.
    async fn change(cx: &Cx<'_>, name: &str, change: &TagChange) -> Result<(), CallError> {
        let c = &cx.clients.s3;
        let mut tags = current(cx, name).await?;
        for k in &change.remove {
            tags.remove(k);
        }
        tags.extend(change.set.clone());
        if tags.is_empty() {
            let req = c.delete_bucket_tagging().bucket(name);
            crate::send!(cx, "s3:DeleteBucketTagging", req).await?;
            return Ok(());
        }
        let req = c.put_bucket_tagging().bucket(name).tagging(tagging(&tags)?);
        crate::send!(cx, "s3:PutBucketTagging", req).await?;
        Ok(())
    }
}
