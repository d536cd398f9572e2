//! The AWS calls of `cloudtrail::tags` (feature `aws`): what it reads, puts and
//! deletes, and how; what the values mean is in the parent module.

use std::collections::BTreeMap;

use aws_sdk_cloudtrail::types::{ResourceTag, Tag};

use super::TrailTags;
use crate::aws::{
    CallError, Clients, Cx, ReadCx, ReadError, TagChange, absent_if_not_found, if_exists,
};
use crate::cloudtrail::shared::{arn, trail};
use crate::cloudtrail::trail::Trail;
use crate::tags::{TagApi, aws_tags};

/// ListTags of the trail `arn`, `None` when it does not exist (every
/// read of a trail's tags; CloudTrail API Reference, ListTags,
/// https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_ListTags.html).
async fn listed(c: &Clients, arn: &str) -> Result<Option<Vec<ResourceTag>>, ReadError> {
    let got = c.cloudtrail.list_tags().resource_id_list(arn).send().await;
    let got = absent_if_not_found("cloudtrail:ListTags", got, &[])?;
    Ok(got.map(|t| t.resource_tag_list().to_vec()))
}

/// Every tag on the trail `arn`, ctrail's own included; none when the
/// trail does not exist.
pub async fn of_trail(c: &Clients, arn: &str) -> Result<BTreeMap<String, String>, ReadError> {
    let lists = listed(c, arn).await?.unwrap_or_default();
    Ok(lists
        .iter()
        .flat_map(|r| r.tags_list())
        .map(|t| (t.key().to_owned(), t.value().unwrap_or_default().to_owned()))
        .collect())
}

impl TrailTags {
    pub(crate) fn from_aws(lists: &[ResourceTag]) -> Self {
        let pairs = lists.iter().flat_map(|r| r.tags_list());
        TrailTags::from_pairs(pairs.map(|t| (t.key(), t.value().unwrap_or_default())))
    }

    /// What AddTags sends: the tags to set.
    pub(crate) fn to_aws(set: &BTreeMap<String, String>) -> Result<Vec<Tag>, CallError> {
        let tag = |k: &str, v: &str| Tag::builder().key(k).value(v).build();
        aws_tags("cloudtrail:AddTags", set, tag)
    }
}

impl TagApi for Trail {
    async fn live(rcx: &ReadCx<'_>, name: &str) -> Result<Option<TrailTags>, ReadError> {
        // The tags are read by ARN, which needs the account id and the
        // trail's home region.
        let tagged = async {
            let ready = rcx.ready().await?;
            let region = rcx.want::<Trail>(name).map(|t| t.home_region);
            let region = region.unwrap_or_else(|| rcx.spec.region.clone());
            let account = &ready.context.account_id;
            let arn = arn(&rcx.spec.partition, &region, account, name);
            listed(rcx.clients, &arn).await
        };
        let Some(got) = if_exists(trail(rcx, name), tagged).await? else {
            return Ok(None);
        };
        let got = got?;
        Ok(Some(TrailTags::from_aws(
            got.as_deref().unwrap_or_default(),
        )))
    }

    async fn keys(cx: &Cx<'_>, name: &str) -> Result<Vec<String>, CallError> {
        let t = cx.target;
        let arn = arn(&t.partition, &t.region, &t.account_id, name);
        let req = cx.clients.cloudtrail.list_tags().resource_id_list(&arn);
        let listed = crate::send!(cx, "cloudtrail:ListTags", req).await?;
        let lists = listed.resource_tag_list().iter();
        Ok(lists
            .flat_map(|r| r.tags_list())
            .map(|t| t.key().to_owned())
            .collect())
    }

    async fn change(cx: &Cx<'_>, name: &str, change: &TagChange) -> Result<(), CallError> {
        let c = &cx.clients.cloudtrail;
        let t = cx.target;
        let arn = arn(&t.partition, &t.region, &t.account_id, name);
        let none = String::new();
        let keys = change.remove.iter().map(|k| (k, &none));
        let remove = aws_tags("cloudtrail:RemoveTags", keys, |k, _| {
            Tag::builder().key(k).build()
        })?;
        if !remove.is_empty() {
            let req = c
                .remove_tags()
                .resource_id(&arn)
                .set_tags_list(Some(remove));
            crate::send!(cx, "cloudtrail:RemoveTags", req).await?;
        }
        let add = TrailTags::to_aws(&change.set)?;
        if !add.is_empty() {
            let req = c.add_tags().resource_id(&arn).set_tags_list(Some(add));
            crate::send!(cx, "cloudtrail:AddTags", req).await?;
        }
        Ok(())
    }
}
