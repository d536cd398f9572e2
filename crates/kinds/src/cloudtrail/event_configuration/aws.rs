//! The AWS calls of `cloudtrail::event_configuration` (feature `aws`): what it reads, puts and
//! deletes, and how; what the values mean is in the parent module.

use aws_sdk_cloudtrail::types::{AggregationConfiguration, EventCategoryAggregation, Template};

use super::EventConfiguration;
use crate::aws::{
    Api, CallError, Cx, Done, Found, ReadCx, Step, absent_if_not_found, built, deleted,
};
use crate::cloudtrail::shared::per_trail;

const OP: &str = "cloudtrail:PutEventConfiguration";

impl EventConfiguration {
    /// What PutEventConfiguration sends: one configuration per category.
    pub(crate) fn to_aws(&self) -> Result<Vec<AggregationConfiguration>, CallError> {
        self.aggregation
            .iter()
            .map(|(category, templates)| {
                let templates = templates.iter().map(|t| Template::from(t.as_str()));
                built(
                    OP,
                    AggregationConfiguration::builder()
                        .event_category(EventCategoryAggregation::from(category.as_str()))
                        .set_templates(Some(templates.collect()))
                        .build(),
                )
            })
            .collect()
    }

    pub(crate) fn from_aws(configs: &[AggregationConfiguration]) -> Self {
        EventConfiguration::new(configs.iter().map(|c| {
            let templates = c.templates().iter().map(|t| t.as_str().to_owned());
            (c.event_category().as_str().to_owned(), templates.collect())
        }))
    }
}

async fn set(cx: &Cx<'_>, name: &str, want: &EventConfiguration) -> Result<(), CallError> {
    let req = cx
        .clients
        .cloudtrail
        .put_event_configuration()
        .trail_name(cx.clients.trail_id(name))
        .set_aggregation_configurations(Some(want.to_aws()?));
    crate::send!(cx, "cloudtrail:PutEventConfiguration", req).await?;
    Ok(())
}

impl Api for EventConfiguration {
    async fn read(rcx: &ReadCx<'_>, names: &[String]) -> Found<Self> {
        per_trail(rcx, names, |c, name| async move {
            let got = c.get_event_configuration().trail_name(name).send().await;
            let got = absent_if_not_found("cloudtrail:GetEventConfiguration", got, &[])?;
            let configs = got.as_ref().map(|g| g.aggregation_configurations());
            Ok(Some(EventConfiguration::from_aws(
                configs.unwrap_or_default(),
            )))
        })
        .await
    }

    /// PutEventConfiguration replaces the trail's aggregation. A new
    /// trail aggregates nothing, so none wanted there is no call.
    async fn put(cx: &Cx<'_>, step: &Step<'_, Self>) -> Done {
        if step.creating() && step.want.aggregation.is_empty() {
            return Ok("none to set");
        }
        set(cx, step.name, &step.want).await?;
        Ok("set")
    }

    /// Back to a trail's default: no aggregation (an empty list; the
    /// page names no other way to turn it off).
    async fn delete(cx: &Cx<'_>, step: &Step<'_, Self>) -> Done {
        let none = EventConfiguration::new([]);
        deleted(set(cx, step.name, &none).await, "removed", &[])
    }
}
