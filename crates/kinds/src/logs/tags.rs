//! `log_group_tags`: the spec's tags on the log group.

use std::collections::BTreeMap;

use ctrail_model::ResourceKind;
use ctrail_spec::Spec;
use serde::{Deserialize, Serialize};

use crate::{Desired, Kind, Names};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LogGroupTags {
    pub tags: BTreeMap<String, String>,
}

impl Kind for LogGroupTags {
    const KIND: ResourceKind = ResourceKind::LogGroupTags;

    fn desired(spec: &Spec, _: &Names<'_>) -> Vec<Desired<Self>> {
        let Some(l) = &spec.cloudwatch_logs else {
            return Vec::new();
        };
        let tags = crate::tags::desired(spec);
        vec![Desired::new(&l.log_group, LogGroupTags { tags }).part_of(ResourceKind::LogGroup)]
    }
}

#[cfg(feature = "aws")]
mod aws {
    use std::collections::HashMap;

    use super::LogGroupTags;
    use crate::aws::{
        Api, CallError, Cx, Done, Found, ReadCx, Step, TagChange, absent_if_not_found, gone,
    };
    use crate::logs::shared::{arn, group};

    async fn change(cx: &Cx<'_>, name: &str, t: &TagChange) -> Result<(), CallError> {
        let c = &cx.clients.logs;
        let arn = cx.target.arn("logs", &format!("log-group:{name}"));
        if !t.remove.is_empty() {
            let req = c
                .untag_resource()
                .resource_arn(&arn)
                .set_tag_keys(Some(t.remove.clone()));
            crate::send!(cx, "logs:UntagResource", req).await?;
        }
        if !t.set.is_empty() {
            let tags: HashMap<String, String> = t.set.clone().into_iter().collect();
            let req = c.tag_resource().resource_arn(&arn).set_tags(Some(tags));
            crate::send!(cx, "logs:TagResource", req).await?;
        }
        Ok(())
    }

    impl Api for LogGroupTags {
        async fn read(rcx: &ReadCx<'_>, names: &[String]) -> Found<Self> {
            let c = &rcx.clients.logs;
            rcx.each(names, |name| async move {
                // The tags are read by ARN, which needs the account id.
                let tagged = async {
                    let ready = rcx.ready().await?;
                    let region = &rcx.spec.region;
                    let arn = arn(
                        &rcx.spec.partition,
                        region,
                        &ready.context.account_id,
                        &name,
                    );
                    let got = c.list_tags_for_resource().resource_arn(arn).send().await;
                    absent_if_not_found("logs:ListTagsForResource", got, &[])
                };
                let (exists, got) = tokio::join!(group(rcx, &name), tagged);
                if exists?.is_none() {
                    return Ok(None);
                }
                let got = got?;
                let tags = crate::tags::from_pairs(
                    got.as_ref()
                        .and_then(|t| t.tags())
                        .into_iter()
                        .flatten()
                        .map(|(k, v)| (k.as_str(), v.as_str())),
                );
                Ok(Some(LogGroupTags { tags }))
            })
            .await
        }

        async fn put(cx: &Cx<'_>, step: &Step<'_, Self>) -> Done {
            change(cx, step.name, &TagChange::of(step, &step.want.tags)).await?;
            Ok("set")
        }

        /// Removes every tag the group has.
        async fn delete(cx: &Cx<'_>, step: &Step<'_, Self>) -> Done {
            let c = &cx.clients.logs;
            let arn = cx.target.arn("logs", &format!("log-group:{}", step.name));
            let req = c.list_tags_for_resource().resource_arn(&arn);
            let listed = crate::send!(cx, "logs:ListTagsForResource", req).await;
            let keys: Vec<String> = match listed {
                Ok(l) => l
                    .tags()
                    .map(|m| m.keys().cloned().collect())
                    .unwrap_or_default(),
                Err(e) if gone(&e, &[]) => return Ok("already gone"),
                Err(e) => return Err(e),
            };
            change(cx, step.name, &TagChange::remove_all(&keys)).await?;
            Ok("removed")
        }
    }
}
