//! `iam_role_tags`: the spec's tags on the role.

use ctrail_model::ResourceKind;
use ctrail_spec::Spec;

use crate::tags::{Tagged, Tags};

/// The role CloudTrail assumes, as a tagged resource.
pub struct Role;

pub type RoleTags = Tags<Role>;

impl Tagged for Role {
    const ON: ResourceKind = ResourceKind::IamRole;

    fn name(spec: &Spec) -> Option<&str> {
        spec.cloudwatch_logs.as_ref().map(|l| l.role_name.as_str())
    }
}

#[cfg(feature = "aws")]
mod aws {
    use aws_sdk_iam::types::Tag;

    use super::{Role, RoleTags};
    use crate::aws::{CallError, Cx, ReadCx, ReadError, TagChange, built};
    use crate::iam::shared::role;
    use crate::tags::TagApi;

    impl TagApi for Role {
        /// The tags GetRole answers with (one call for the role and its tags).
        async fn live(rcx: &ReadCx<'_>, name: &str) -> Result<Option<RoleTags>, ReadError> {
            let live = role(rcx, name).await?;
            Ok(live.map(|r| RoleTags::from_pairs(r.tags().iter().map(|t| (t.key(), t.value())))))
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
            let tags = change
                .set
                .iter()
                .map(|(k, v)| built("iam:TagRole", Tag::builder().key(k).value(v).build()))
                .collect::<Result<Vec<_>, _>>()?;
            if !tags.is_empty() {
                let req = c.tag_role().role_name(name).set_tags(Some(tags));
                crate::send!(cx, "iam:TagRole", req).await?;
            }
            Ok(())
        }
    }
}
