//! The AWS calls of `cloudtrail::event_selectors` (feature `aws`): what it reads, puts and
//! deletes, and how; what the values mean is in the parent module.

use aws_sdk_cloudtrail::types::{
    AdvancedEventSelector, AdvancedFieldSelector, DataResource as AwsDataResource, EventSelector,
    ReadWriteType,
};

use super::{Advanced, Basic, DataResource, EventSelectors, FieldSelector};
use crate::aws::{
    Api, CallError, Clients, Cx, Done, Found, ReadCx, ReadError, Step, absent_if_not_found, built,
    deleted,
};
use crate::cloudtrail::shared::per_trail;

/// The trail's event selectors (by name, or by ARN for a trail homed in
/// another region), `None` when the trail does not exist. Every
/// GetEventSelectors ctrail makes (CloudTrail API Reference,
/// GetEventSelectors,
/// https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_GetEventSelectors.html).
pub async fn of_trail(c: &Clients, trail: &str) -> Result<Option<EventSelectors>, ReadError> {
    let got = c
        .cloudtrail
        .get_event_selectors()
        .trail_name(c.trail_id(trail))
        .send()
        .await;
    let got = absent_if_not_found("cloudtrail:GetEventSelectors", got, &[])?;
    Ok(got.map(|s| EventSelectors::from_aws(s.event_selectors(), s.advanced_event_selectors())))
}

const OP: &str = "cloudtrail:PutEventSelectors";

fn some(v: &[String]) -> Option<Vec<String>> {
    Some(v.to_vec()).filter(|v| !v.is_empty())
}

impl EventSelectors {
    /// GetEventSelectors' answer: advanced selectors when there are any,
    /// the basic ones otherwise.
    pub fn from_aws(basic: &[EventSelector], advanced: &[AdvancedEventSelector]) -> Self {
        if advanced.is_empty() {
            EventSelectors::Basic(basic.iter().map(Basic::from_aws).collect())
        } else {
            EventSelectors::Advanced(advanced.iter().map(Advanced::from_aws).collect())
        }
    }
}

impl Basic {
    pub(crate) fn from_aws(s: &EventSelector) -> Basic {
        Basic {
            read_write_type: s.read_write_type().map_or("All", |t| t.as_str()).to_owned(),
            include_management_events: s.include_management_events().unwrap_or(true),
            data_resources: s
                .data_resources()
                .iter()
                .map(|d| DataResource {
                    resource_type: d.r#type().map(str::to_owned),
                    values: d.values().to_vec(),
                })
                .collect(),
            exclude_management_event_sources: s.exclude_management_event_sources().to_vec(),
        }
    }

    pub(crate) fn to_aws(&self) -> EventSelector {
        EventSelector::builder()
            .read_write_type(ReadWriteType::from(self.read_write_type.as_str()))
            .include_management_events(self.include_management_events)
            .set_data_resources(Some(
                self.data_resources
                    .iter()
                    .map(|r| {
                        AwsDataResource::builder()
                            .set_type(r.resource_type.clone())
                            .set_values(Some(r.values.clone()))
                            .build()
                    })
                    .collect(),
            ))
            // Sent only when there is something to exclude; AWS stores an
            // explicit empty list as given.
            .set_exclude_management_event_sources(some(&self.exclude_management_event_sources))
            .build()
    }
}

impl Advanced {
    pub(crate) fn from_aws(s: &AdvancedEventSelector) -> Advanced {
        Advanced {
            name: s.name().map(str::to_owned),
            field_selectors: s
                .field_selectors()
                .iter()
                .map(|f| FieldSelector {
                    field: f.field().to_owned(),
                    equals: f.equals().to_vec(),
                    not_equals: f.not_equals().to_vec(),
                    starts_with: f.starts_with().to_vec(),
                    not_starts_with: f.not_starts_with().to_vec(),
                    ends_with: f.ends_with().to_vec(),
                    not_ends_with: f.not_ends_with().to_vec(),
                })
                .collect(),
        }
    }

    pub(crate) fn to_aws(&self) -> Result<AdvancedEventSelector, CallError> {
        let fields = self
            .field_selectors
            .iter()
            .map(|f| {
                built(
                    OP,
                    AdvancedFieldSelector::builder()
                        .field(&f.field)
                        .set_equals(some(&f.equals))
                        .set_not_equals(some(&f.not_equals))
                        .set_starts_with(some(&f.starts_with))
                        .set_not_starts_with(some(&f.not_starts_with))
                        .set_ends_with(some(&f.ends_with))
                        .set_not_ends_with(some(&f.not_ends_with))
                        .build(),
                )
            })
            .collect::<Result<Vec<_>, _>>()?;
        built(
            OP,
            AdvancedEventSelector::builder()
                .set_name(self.name.clone())
                .set_field_selectors(Some(fields))
                .build(),
        )
    }
}

async fn put_selectors(cx: &Cx<'_>, name: &str, want: &EventSelectors) -> Result<(), CallError> {
    let c = &cx.clients.cloudtrail;
    match want {
        EventSelectors::Advanced(a) => {
            let advanced = a
                .iter()
                .map(Advanced::to_aws)
                .collect::<Result<Vec<_>, _>>()?;
            let req = c
                .put_event_selectors()
                .trail_name(cx.clients.trail_id(name))
                .set_advanced_event_selectors(Some(advanced));
            crate::send!(cx, "cloudtrail:PutEventSelectors", req).await?;
        }
        EventSelectors::Basic(b) => {
            let basic: Vec<EventSelector> = b.iter().map(Basic::to_aws).collect();
            let req = c
                .put_event_selectors()
                .trail_name(cx.clients.trail_id(name))
                .set_event_selectors(Some(basic));
            crate::send!(cx, "cloudtrail:PutEventSelectors", req).await?;
        }
    }
    Ok(())
}

impl Api for EventSelectors {
    async fn read(rcx: &ReadCx<'_>, names: &[String]) -> Found<Self> {
        per_trail(rcx, names, |_, name| async move {
            of_trail(rcx.clients, &name).await
        })
        .await
    }

    async fn put(cx: &Cx<'_>, step: &Step<'_, Self>) -> Done {
        put_selectors(cx, step.name, &step.want).await?;
        Ok("set")
    }

    /// Back to what a trail logs with no selector: every management event.
    async fn delete(cx: &Cx<'_>, step: &Step<'_, Self>) -> Done {
        let default = EventSelectors::Basic(vec![Basic {
            read_write_type: "All".into(),
            include_management_events: true,
            data_resources: Vec::new(),
            exclude_management_event_sources: Vec::new(),
        }]);
        deleted(
            put_selectors(cx, step.name, &default).await,
            "reset to every management event",
            &[],
        )
    }
}
