//! `s3_bucket_tags`: the spec's tags on the bucket (S3 replaces the whole
//! tag set at once).

use std::collections::BTreeMap;

use ctrail_model::ResourceKind;
use ctrail_spec::Spec;
use serde::{Deserialize, Serialize};

use crate::{Desired, Kind, Names};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BucketTags {
    pub tags: BTreeMap<String, String>,
}

impl Kind for BucketTags {
    const KIND: ResourceKind = ResourceKind::S3BucketTags;

    fn desired(spec: &Spec, _: &Names<'_>) -> Vec<Desired<Self>> {
        let tags = crate::tags::desired(spec);
        vec![Desired::new(&spec.bucket.name, BucketTags { tags }).part_of(ResourceKind::S3Bucket)]
    }
}

#[cfg(feature = "aws")]
mod aws {
    use aws_sdk_s3::types::{Tag, Tagging};

    use super::BucketTags;
    use crate::aws::{
        Api, CallError, Cx, Done, Found, ReadCx, Step, absent_if_not_found, built, deleted,
    };
    use crate::s3::shared::per_bucket;

    async fn remove(cx: &Cx<'_>, bucket: &str) -> Result<(), CallError> {
        let c = &cx.clients.s3;
        let req = c.delete_bucket_tagging().bucket(bucket);
        crate::send!(cx, "s3:DeleteBucketTagging", req).await?;
        Ok(())
    }

    impl BucketTags {
        pub(crate) fn from_aws(set: &[Tag]) -> Self {
            let tags = crate::tags::from_pairs(set.iter().map(|t| (t.key(), t.value())));
            BucketTags { tags }
        }

        /// S3 replaces the whole tag set at once.
        pub(crate) fn to_aws(&self) -> Result<Tagging, CallError> {
            const OP: &str = "s3:PutBucketTagging";
            let set = self
                .tags
                .iter()
                .map(|(k, v)| built(OP, Tag::builder().key(k).value(v).build()))
                .collect::<Result<Vec<_>, _>>()?;
            built(OP, Tagging::builder().set_tag_set(Some(set)).build())
        }
    }

    impl Api for BucketTags {
        async fn read(rcx: &ReadCx<'_>, names: &[String]) -> Found<Self> {
            let c = &rcx.clients.s3;
            per_bucket(rcx, names, |name| async move {
                let got = c.get_bucket_tagging().bucket(&name).send().await;
                let got = absent_if_not_found("s3:GetBucketTagging", got, &["NoSuchTagSet"])?;
                let set = got.as_ref().map(|t| t.tag_set()).unwrap_or_default();
                Ok(Some(BucketTags::from_aws(set)))
            })
            .await
        }

        async fn put(cx: &Cx<'_>, step: &Step<'_, Self>) -> Done {
            if step.want.tags.is_empty() {
                remove(cx, step.name).await?;
                return Ok("removed");
            }
            let tagging = step.want.to_aws()?;
            let c = &cx.clients.s3;
            let req = c.put_bucket_tagging().bucket(step.name).tagging(tagging);
            crate::send!(cx, "s3:PutBucketTagging", req).await?;
            Ok("set")
        }

        async fn delete(cx: &Cx<'_>, step: &Step<'_, Self>) -> Done {
            deleted(remove(cx, step.name).await, "removed", &[])
        }
    }
}
