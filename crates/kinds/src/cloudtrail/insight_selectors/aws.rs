//! The AWS calls of `cloudtrail::insight_selectors` (feature `aws`): what it reads, puts and
//! deletes, and how; what the values mean is in the parent module.

use aws_sdk_cloudtrail::types::{InsightSelector, InsightType, SourceEventCategory};

use super::InsightSelectors;
use crate::aws::{Api, CallError, Cx, Done, Found, ReadCx, Step, absent_if_not_found, deleted};
use crate::cloudtrail::shared::per_trail;

impl InsightSelectors {
    /// One selector per type, always with its `EventCategories`,
    /// `[Management]` included. The API Reference's InsightSelector page
    /// (https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_InsightSelector.html)
    /// says a selector without categories enables the type "on
    /// management API calls by default" and that given categories
    /// "overwrite the existing ones"; it does not say whether leaving
    /// them out also turns off data events enabled before. Naming
    /// `[Management]` overwrites them under either reading, so a type
    /// moved back from `[Management, Data]` to the short form converges.
    pub(crate) fn to_aws(&self) -> Vec<InsightSelector> {
        let selector = |t: &String| {
            let categories = self
                .categories_of(t)
                .iter()
                .map(|c| SourceEventCategory::from(c.as_str()))
                .collect();
            InsightSelector::builder()
                .insight_type(InsightType::from(t.as_str()))
                .set_event_categories(Some(categories))
                .build()
        };
        self.insight_types.iter().map(selector).collect()
    }

    /// The types and their categories, sorted (sets).
    pub(crate) fn from_aws(selectors: &[InsightSelector]) -> Self {
        InsightSelectors::new(selectors.iter().filter_map(|s| {
            let t = s.insight_type()?.as_str().to_owned();
            let categories = s.event_categories().iter().map(|c| c.as_str().to_owned());
            Some((t, categories.collect()))
        }))
    }
}

async fn set(cx: &Cx<'_>, name: &str, want: &InsightSelectors) -> Result<(), CallError> {
    let c = &cx.clients.cloudtrail;
    let selectors = want.to_aws();
    let req = c
        .put_insight_selectors()
        .trail_name(cx.clients.trail_id(name))
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
        set(cx, step.name, &step.want).await?;
        Ok("set")
    }

    async fn delete(cx: &Cx<'_>, step: &Step<'_, Self>) -> Done {
        let none = InsightSelectors::new([]);
        deleted(set(cx, step.name, &none).await, "removed", &[])
    }
}
