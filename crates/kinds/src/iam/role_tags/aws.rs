//! The AWS calls of `iam::role_tags` (feature `aws`): what it reads, puts and
//! deletes, and how; what the values mean is in the parent module.

use std::collections::BTreeMap;

use aws_sdk_iam::types::Tag;

use super::RoleTags;
use crate::aws::{CallError, Cx, ReadCx, ReadError, TagChange};
use crate::iam::role::Role;
use crate::iam::shared::role;
use crate::tags::{TagApi, aws_tags};

impl RoleTags {
    pub(crate) fn from_aws(tags: &[Tag]) -> Self {
        RoleTags::from_pairs(tags.iter().map(|t| (t.key(), t.value())))
    }

    /// What TagRole sends: the tags to set.
    pub(crate) fn to_aws(set: &BTreeMap<String, String>) -> Result<Vec<Tag>, CallError> {
        let tag = |k: &str, v: &str| Tag::builder().key(k).value(v).build();
        aws_tags("iam:TagRole", set, tag)
    }
}

impl TagApi for Role {
    /// The tags GetRole answers with (one call for the role and its tags).
    async fn live(rcx: &ReadCx<'_>, name: &str) -> Result<Option<RoleTags>, ReadError> {
        let live = role(rcx, name).await?;
        Ok(live.map(|r| RoleTags::from_aws(r.tags())))
    }

    async fn keys(cx: &Cx<'_>, name: &str) -> Result<Vec<String>, CallError> {
        let req = cx.clients.iam.list_role_tags().role_name(name);
        let listed = crate::send!(cx, "iam:ListRoleTags", req).await?;
        Ok(listed.tags().iter().map(|t| t.key().to_owned()).collect())
    }

    async fn change(cx: &Cx<'_>, name: &str, change: &TagChange) -> Result<(), CallError> {
        let c = &cx.clients.iam;
        if !change.remove.is_empty() {
            let keys = Some(change.remove.clone());
            let req = c.untag_role().role_name(name).set_tag_keys(keys);
            crate::send!(cx, "iam:UntagRole", req).await?;
        }
        let tags = RoleTags::to_aws(&change.set)?;
        if !tags.is_empty() {
            let req = c.tag_role().role_name(name).set_tags(Some(tags));
            crate::send!(cx, "iam:TagRole", req).await?;
        }
        Ok(())
    }
}
