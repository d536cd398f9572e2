//! `iam_role_tags`: the spec's tags on the role.

use std::collections::BTreeMap;

use ctrail_model::ResourceKind;
use ctrail_spec::Spec;
use serde::{Deserialize, Serialize};

use crate::{Desired, Kind, Names};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RoleTags {
    pub tags: BTreeMap<String, String>,
}

impl Kind for RoleTags {
    const KIND: ResourceKind = ResourceKind::IamRoleTags;

    fn desired(spec: &Spec, _: &Names<'_>) -> Vec<Desired<Self>> {
        let Some(l) = &spec.cloudwatch_logs else {
            return Vec::new();
        };
        let tags = crate::tags::desired(spec);
        vec![Desired::new(&l.role_name, RoleTags { tags }).part_of(ResourceKind::IamRole)]
    }
}

#[cfg(feature = "aws")]
mod aws {
    use aws_sdk_iam::types::Tag;

    use super::RoleTags;
    use crate::aws::{Api, CallError, Cx, Done, Found, ReadCx, Step, TagChange, built, gone};
    use crate::iam::shared::role;

    async fn change(cx: &Cx<'_>, name: &str, t: &TagChange) -> Result<(), CallError> {
        let c = &cx.clients.iam;
        if !t.remove.is_empty() {
            let req = c
                .untag_role()
                .role_name(name)
                .set_tag_keys(Some(t.remove.clone()));
            crate::send!(cx, "iam:UntagRole", req).await?;
        }
        let tags = t
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

    impl Api for RoleTags {
        async fn read(rcx: &ReadCx<'_>, names: &[String]) -> Found<Self> {
            rcx.each(names, |name| async move {
                let live = role(rcx, &name).await?.map(|r| RoleTags {
                    tags: crate::tags::from_pairs(r.tags().iter().map(|t| (t.key(), t.value()))),
                });
                Ok(live)
            })
            .await
        }

        async fn put(cx: &Cx<'_>, step: &Step<'_, Self>) -> Done {
            change(cx, step.name, &TagChange::of(step, &step.want.tags)).await?;
            Ok("set")
        }

        /// Removes every tag the role has.
        async fn delete(cx: &Cx<'_>, step: &Step<'_, Self>) -> Done {
            let c = &cx.clients.iam;
            let keys: Vec<String> = match crate::aws!(
                cx,
                "iam:ListRoleTags",
                c.list_role_tags().role_name(step.name).send()
            )
            .await
            {
                Ok(l) => l.tags().iter().map(|t| t.key().to_owned()).collect(),
                Err(e) if gone(&e, &[]) => return Ok("already gone"),
                Err(e) => return Err(e),
            };
            change(cx, step.name, &TagChange::remove_all(&keys)).await?;
            Ok("removed")
        }
    }
}
