//! `trail_tags`: the spec's tags on the trail.

use std::collections::BTreeMap;

use ctrail_model::ResourceKind;
use ctrail_spec::Spec;
use serde::{Deserialize, Serialize};

use crate::{Desired, Kind, Names};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TrailTags {
    pub tags: BTreeMap<String, String>,
}

impl Kind for TrailTags {
    const KIND: ResourceKind = ResourceKind::TrailTags;

    fn desired(spec: &Spec, _: &Names<'_>) -> Vec<Desired<Self>> {
        let tags = crate::tags::desired(spec);
        vec![Desired::new(&spec.trail.name, TrailTags { tags }).part_of(ResourceKind::Trail)]
    }
}

#[cfg(feature = "aws")]
mod aws {
    use aws_sdk_cloudtrail::types::Tag;

    use super::TrailTags;
    use crate::aws::{
        Api, CallError, Cx, Done, Found, ReadCx, Step, TagChange, absent_if_not_found, built, gone,
    };
    use crate::cloudtrail::shared::{arn, trail};

    async fn change(cx: &Cx<'_>, name: &str, t: &TagChange) -> Result<(), CallError> {
        let c = &cx.clients.cloudtrail;
        let target = cx.target;
        let arn = arn(&target.partition, &target.region, &target.account_id, name);
        let remove = t
            .remove
            .iter()
            .map(|k| built("cloudtrail:RemoveTags", Tag::builder().key(k).build()))
            .collect::<Result<Vec<_>, _>>()?;
        if !remove.is_empty() {
            let req = c
                .remove_tags()
                .resource_id(&arn)
                .set_tags_list(Some(remove));
            crate::send!(cx, "cloudtrail:RemoveTags", req).await?;
        }
        let add = t
            .set
            .iter()
            .map(|(k, v)| built("cloudtrail:AddTags", Tag::builder().key(k).value(v).build()))
            .collect::<Result<Vec<_>, _>>()?;
        if !add.is_empty() {
            let req = c.add_tags().resource_id(&arn).set_tags_list(Some(add));
            crate::send!(cx, "cloudtrail:AddTags", req).await?;
        }
        Ok(())
    }

    impl Api for TrailTags {
        async fn read(rcx: &ReadCx<'_>, names: &[String]) -> Found<Self> {
            let c = &rcx.clients.cloudtrail;
            rcx.each(names, |name| async move {
                // The tags are read by ARN, which needs the account id.
                let tagged = async {
                    let ready = rcx.ready().await?;
                    let region = rcx
                        .want::<crate::cloudtrail::trail::Trail>(&name)
                        .map(|t| t.home_region)
                        .unwrap_or_else(|| rcx.spec.region.clone());
                    let arn = arn(
                        &rcx.spec.partition,
                        &region,
                        &ready.context.account_id,
                        &name,
                    );
                    let got = c.list_tags().resource_id_list(arn).send().await;
                    absent_if_not_found("cloudtrail:ListTags", got, &[])
                };
                let (exists, got) = tokio::join!(trail(rcx, &name), tagged);
                if exists?.is_none() {
                    return Ok(None);
                }
                let got = got?;
                let tags = crate::tags::from_pairs(
                    got.as_ref()
                        .map(|t| t.resource_tag_list())
                        .unwrap_or_default()
                        .iter()
                        .flat_map(|r| r.tags_list())
                        .map(|t| (t.key(), t.value().unwrap_or_default())),
                );
                Ok(Some(TrailTags { tags }))
            })
            .await
        }

        async fn put(cx: &Cx<'_>, step: &Step<'_, Self>) -> Done {
            change(cx, step.name, &TagChange::of(step, &step.want.tags)).await?;
            Ok("set")
        }

        /// Removes every tag the trail has.
        async fn delete(cx: &Cx<'_>, step: &Step<'_, Self>) -> Done {
            let c = &cx.clients.cloudtrail;
            let t = cx.target;
            let arn = arn(&t.partition, &t.region, &t.account_id, step.name);
            let req = c.list_tags().resource_id_list(&arn);
            let listed = crate::send!(cx, "cloudtrail:ListTags", req).await;
            let keys: Vec<String> = match listed {
                Ok(l) => l
                    .resource_tag_list()
                    .iter()
                    .flat_map(|r| r.tags_list())
                    .map(|t| t.key().to_owned())
                    .collect(),
                Err(e) if gone(&e, &[]) => return Ok("already gone"),
                Err(e) => return Err(e),
            };
            change(cx, step.name, &TagChange::remove_all(&keys)).await?;
            Ok("removed")
        }
    }
}
