//! The AWS calls of `logs::tags` (feature `aws`): what it reads, puts and
//! deletes, and how; what the values mean is in the parent module.

use std::collections::{BTreeMap, HashMap};

use super::LogGroupTags;
use crate::aws::{CallError, Cx, ReadCx, ReadError, TagChange, absent_if_not_found, if_exists};
use crate::logs::group::LogGroup;
use crate::logs::shared::{arn, group};
use crate::tags::TagApi;

impl LogGroupTags {
    pub(crate) fn from_aws(tags: Option<&HashMap<String, String>>) -> Self {
        let pairs = tags.into_iter().flatten();
        LogGroupTags::from_pairs(pairs.map(|(k, v)| (k.as_str(), v.as_str())))
    }

    /// What TagResource sends: the tags to set.
    pub(crate) fn to_aws(set: &BTreeMap<String, String>) -> HashMap<String, String> {
        set.clone().into_iter().collect()
    }
}

impl TagApi for LogGroup {
    async fn live(rcx: &ReadCx<'_>, name: &str) -> Result<Option<LogGroupTags>, ReadError> {
        let c = &rcx.clients.logs;
        // The tags are read by ARN, which needs the account id.
        let tagged = async {
            let ready = rcx.ready().await?;
            let spec = rcx.spec;
            let arn = arn(
                &spec.partition,
                &spec.region,
                &ready.context.account_id,
                name,
            );
            let got = c.list_tags_for_resource().resource_arn(arn).send().await;
            absent_if_not_found("logs:ListTagsForResource", got, &[])
        };
        let Some(got) = if_exists(group(rcx, name), tagged).await? else {
            return Ok(None);
        };
        let got = got?;
        Ok(Some(LogGroupTags::from_aws(
            got.as_ref().and_then(|t| t.tags()),
        )))
    }

    async fn keys(cx: &Cx<'_>, name: &str) -> Result<Vec<String>, CallError> {
        let arn = cx.target.arn("logs", &format!("log-group:{name}"));
        let req = cx.clients.logs.list_tags_for_resource().resource_arn(&arn);
        let listed = crate::send!(cx, "logs:ListTagsForResource", req).await?;
        Ok(listed
            .tags()
            .map(|m| m.keys().cloned().collect())
            .unwrap_or_default())
    }

    async fn change(cx: &Cx<'_>, name: &str, change: &TagChange) -> Result<(), CallError> {
        let c = &cx.clients.logs;
        let arn = cx.target.arn("logs", &format!("log-group:{name}"));
        if !change.remove.is_empty() {
            let keys = Some(change.remove.clone());
            let req = c.untag_resource().resource_arn(&arn).set_tag_keys(keys);
            crate::send!(cx, "logs:UntagResource", req).await?;
        }
        if !change.set.is_empty() {
            let tags = LogGroupTags::to_aws(&change.set);
            let req = c.tag_resource().resource_arn(&arn).set_tags(Some(tags));
            crate::send!(cx, "logs:TagResource", req).await?;
        }
        Ok(())
    }
}
