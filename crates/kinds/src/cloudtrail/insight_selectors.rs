//! `trail_insight_selectors`: CloudTrail Insights (unusual API call and
//! error rates). Insights need the trail to log management events, so they
//! follow the event selectors.

use ctrail_model::{AttributeChange, EdgeReason, ResourceKind};
use ctrail_spec::Spec;

use crate::{Compare, Desired, Kind, Names, Rules};

crate::attributes! {
    pub struct InsightSelectors {
        pub insight_types: Vec<String>,
    }
}

impl Kind for InsightSelectors {
    const RULES: Rules = Rules::NONE.compare_by(&[("insight_types", Compare::Sets(&[""]))]);

    fn billing(change: &AttributeChange, _: bool) -> Option<&'static str> {
        let count = |v: &Option<serde_json::Value>| {
            v.as_ref().and_then(|v| v.as_array()).map_or(0, Vec::len)
        };
        (change.path == "insight_types" && count(&change.new) > count(&change.old)).then_some(
            "CloudTrail Insights is billed at $0.35 per 100,000 events analysed, per insight type; check current prices at https://aws.amazon.com/cloudtrail/pricing/",
        )
    }

    fn desired(spec: &Spec, _: &Names<'_>) -> Vec<Desired<Self>> {
        let t = &spec.trail;
        let value = InsightSelectors {
            insight_types: t.insights.iter().map(|i| i.as_str().to_owned()).collect(),
        };
        let d = Desired::new(&t.name, value).part_of(ResourceKind::Trail);
        vec![d.after_sibling(ResourceKind::TrailEventSelectors, EdgeReason::Configured)]
    }
}

#[cfg(feature = "aws")]
mod aws {
    use aws_sdk_cloudtrail::types::{InsightSelector, InsightType};

    use super::InsightSelectors;
    use crate::aws::{Api, CallError, Cx, Done, Found, ReadCx, Step, absent_if_not_found, deleted};
    use crate::cloudtrail::shared::per_trail;

    impl InsightSelectors {
        pub(crate) fn to_aws(types: &[String]) -> Vec<InsightSelector> {
            let selector = |t: &String| {
                InsightSelector::builder()
                    .insight_type(InsightType::from(t.as_str()))
                    .build()
            };
            types.iter().map(selector).collect()
        }

        /// The types in sorted order (a set).
        pub(crate) fn from_aws(selectors: &[InsightSelector]) -> Self {
            let mut types: Vec<String> = selectors
                .iter()
                .filter_map(|s| s.insight_type())
                .map(|t| t.as_str().to_owned())
                .collect();
            types.sort_unstable();
            InsightSelectors {
                insight_types: types,
            }
        }
    }

    async fn set(cx: &Cx<'_>, name: &str, types: &[String]) -> Result<(), CallError> {
        let c = &cx.clients.cloudtrail;
        let selectors = InsightSelectors::to_aws(types);
        let req = c
            .put_insight_selectors()
            .trail_name(name)
            .set_insight_selectors(Some(selectors));
        crate::send!(cx, "cloudtrail:PutInsightSelectors", req).await?;
        Ok(())
    }

    impl Api for InsightSelectors {
        async fn read(rcx: &ReadCx<'_>, names: &[String]) -> Found<Self> {
            per_trail(rcx, names, |c, name| async move {
                let got = c.get_insight_selectors().trail_name(&name).send().await;
                let got = absent_if_not_found(
                    "cloudtrail:GetInsightSelectors",
                    got,
                    &["InsightNotEnabledException"],
                )?;
                let selectors = got
                    .as_ref()
                    .map(|i| i.insight_selectors())
                    .unwrap_or_default();
                Ok(Some(InsightSelectors::from_aws(selectors)))
            })
            .await
        }

        async fn put(cx: &Cx<'_>, step: &Step<'_, Self>) -> Done {
            set(cx, step.name, &step.want.insight_types).await?;
            Ok("set")
        }

        async fn delete(cx: &Cx<'_>, step: &Step<'_, Self>) -> Done {
            deleted(set(cx, step.name, &[]).await, "removed", &[])
        }
    }
}
