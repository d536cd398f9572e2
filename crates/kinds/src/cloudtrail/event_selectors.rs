//! `trail_event_selectors`: which management and data events the trail
//! logs, as basic or advanced selectors. CloudTrail ORs selectors and their
//! values ("Logging data events", CloudTrail User Guide), so every list in
//! them is a set.

use ctrail_model::{AttributeChange, ResourceKind};
use ctrail_spec::{ReadWriteType, Spec};
use serde::{Deserialize, Serialize};

use crate::import::{as_sets, without_empty};
use crate::{Compare, Desired, ImportCx, Kind, Names, Rules, SpecField};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "style", content = "selectors", rename_all = "snake_case")]
pub enum EventSelectors {
    Basic(Vec<Basic>),
    Advanced(Vec<Advanced>),
}

crate::attributes! {
    pub struct Basic {
        /// `All`, `ReadOnly` or `WriteOnly`.
        pub read_write_type: String,
        pub include_management_events: bool,
        pub data_resources: Vec<DataResource>,
        pub exclude_management_event_sources: Vec<String>,
    }
}

crate::attributes! {
    pub struct DataResource {
        #[serde(rename = "type")]
        pub resource_type: Option<String>,
        pub values: Vec<String>,
    }
}

crate::attributes! {
    pub struct Advanced {
        pub name: Option<String>,
        pub field_selectors: Vec<FieldSelector>,
    }
}

/// One field's conditions: the spec's type, as CloudTrail stores it.
pub use ctrail_spec::FieldSelector;

/// The spec's selectors as CloudTrail stores them.
impl From<&ctrail_spec::EventSelectors> for EventSelectors {
    fn from(s: &ctrail_spec::EventSelectors) -> Self {
        match s {
            ctrail_spec::EventSelectors::Basic(b) => EventSelectors::Basic(
                b.iter()
                    .map(|s| Basic {
                        read_write_type: read_write(s.read_write_type).into(),
                        include_management_events: s.include_management_events,
                        data_resources: s
                            .data_resources
                            .iter()
                            .map(|d| DataResource {
                                resource_type: Some(d.resource_type.clone()),
                                values: d.values.clone(),
                            })
                            .collect(),
                        exclude_management_event_sources: s
                            .exclude_management_event_sources
                            .clone(),
                    })
                    .collect(),
            ),
            ctrail_spec::EventSelectors::Advanced(a) => EventSelectors::Advanced(
                a.iter()
                    .map(|s| Advanced {
                        name: s.name.clone(),
                        field_selectors: s.field_selectors.clone(),
                    })
                    .collect(),
            ),
        }
    }
}

impl EventSelectors {
    /// The selectors as a spec holds them; `None` for a read/write type the
    /// spec does not know.
    pub fn as_spec(&self) -> Option<ctrail_spec::EventSelectors> {
        use ctrail_spec as s;
        Some(match self {
            EventSelectors::Basic(b) => s::EventSelectors::Basic(
                b.iter()
                    .map(|b| {
                        Some(s::BasicSelector {
                            read_write_type: s::ReadWriteType::parse(&b.read_write_type)?,
                            include_management_events: b.include_management_events,
                            data_resources: b
                                .data_resources
                                .iter()
                                .map(|d| s::DataResource {
                                    resource_type: d.resource_type.clone().unwrap_or_default(),
                                    values: d.values.clone(),
                                })
                                .collect(),
                            exclude_management_event_sources: b
                                .exclude_management_event_sources
                                .clone(),
                        })
                    })
                    .collect::<Option<_>>()?,
            ),
            EventSelectors::Advanced(a) => s::EventSelectors::Advanced(
                a.iter()
                    .map(|a| s::AdvancedSelector {
                        name: a.name.clone(),
                        field_selectors: a.field_selectors.clone(),
                    })
                    .collect(),
            ),
        })
    }

    /// Whether these are the same selectors as `other` (every list a set).
    fn same_as(&self, other: &ctrail_spec::EventSelectors) -> bool {
        let value = |s: &EventSelectors| serde_json::to_value(s).map(|v| as_sets(&v)).ok();
        value(self) == value(&EventSelectors::from(other))
    }
}

/// The seed procedure's selector (`data_events: true`): management events
/// with every S3 object's and Lambda function's data events.
fn seed_selector(partition: &str) -> ctrail_spec::EventSelectors {
    let mut s = ctrail_spec::BasicSelector::all_management_events();
    s.data_resources = ctrail_spec::defaults::seed_data_event_resources()
        .into_iter()
        .map(|(t, v)| ctrail_spec::DataResource {
            resource_type: t.to_owned(),
            values: vec![v.replace("{partition}", partition)],
        })
        .collect();
    ctrail_spec::EventSelectors::Basic(vec![s])
}

fn read_write(t: ReadWriteType) -> &'static str {
    match t {
        ReadWriteType::All => "All",
        ReadWriteType::ReadOnly => "ReadOnly",
        ReadWriteType::WriteOnly => "WriteOnly",
    }
}

/// Whether selectors (the `selectors` attribute) log data events.
fn logs_data_events(selectors: Option<&serde_json::Value>) -> bool {
    use serde_json::Value;
    let selectors = selectors
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    selectors.iter().any(|s| {
        s.get("data_resources")
            .and_then(Value::as_array)
            .is_some_and(|d| !d.is_empty())
            || s.get("field_selectors")
                .and_then(Value::as_array)
                .is_some_and(|f| {
                    f.iter().any(|f| {
                        f.get("field") == Some(&Value::from("eventCategory"))
                            && f.get("equals")
                                .and_then(Value::as_array)
                                .is_some_and(|e| e.contains(&Value::from("Data")))
                    })
                })
    })
}

impl Kind for EventSelectors {
    const RULES: Rules = Rules::NONE.compare_by(&[(
        "selectors",
        Compare::Sets(&[
            "",
            "[].data_resources",
            "[].data_resources.[].values",
            "[].exclude_management_event_sources",
            "[].field_selectors",
            "[].field_selectors.[].*",
        ]),
    )]);

    fn billing(change: &AttributeChange, _: bool) -> Option<&'static str> {
        let (old, new) = (change.old.as_ref(), change.new.as_ref());
        (change.path == "selectors" && logs_data_events(new) && !logs_data_events(old)).then_some(
            "data events are billed at $0.10 per 100,000 events, and busy S3 buckets generate many; CloudTrail's own deliveries of log files (S3 PutObject, CloudWatch Logs PutLogEvents) would be among them, each delivered and billed in turn without end, unless the trail's recursive_logging is off (ctrail's default with S3 or CloudWatch Logs data events); check current prices at https://aws.amazon.com/cloudtrail/pricing/",
        )
    }

    fn desired(spec: &Spec, _: &Names<'_>) -> Vec<Desired<Self>> {
        let value = EventSelectors::from(&spec.trail.event_selectors);
        vec![Desired::new(&spec.trail.name, value).part_of(ResourceKind::Trail)]
    }

    /// Left out for every management event (the default), `data_events`
    /// for the seed procedure's selector, else the selectors as found.
    fn import(&self, _name: &str, cx: &ImportCx<'_>) -> Vec<SpecField> {
        use ctrail_spec::fields as f;
        let every_management_event = ctrail_spec::EventSelectors::Basic(vec![
            ctrail_spec::BasicSelector::all_management_events(),
        ]);
        if self.same_as(&every_management_event) {
            return Vec::new();
        }
        if self.same_as(&seed_selector(cx.names.partition)) {
            return vec![SpecField::new(
                f::TRAIL_DATA_EVENTS,
                true,
                "found: S3 object and Lambda invoke data events with management events",
            )];
        }
        let (at, list) = match self {
            EventSelectors::Basic(b) => (f::TRAIL_EVENT_SELECTORS, serde_json::to_value(b)),
            EventSelectors::Advanced(a) => {
                (f::TRAIL_ADVANCED_EVENT_SELECTORS, serde_json::to_value(a))
            }
        };
        let list = without_empty(&list.unwrap_or_default());
        vec![SpecField::new(at, list, "found: these event selectors")]
    }
}

#[cfg(feature = "aws")]
pub use aws::of_trail;

#[cfg(feature = "aws")]
mod aws {
    use aws_sdk_cloudtrail::types::{
        AdvancedEventSelector, AdvancedFieldSelector, DataResource as AwsDataResource,
        EventSelector, ReadWriteType,
    };

    use super::{Advanced, Basic, DataResource, EventSelectors, FieldSelector};
    use crate::aws::{
        Api, CallError, Clients, Cx, Done, Found, ReadCx, ReadError, Step, absent_if_not_found,
        built, deleted,
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
        Ok(
            got.map(|s| {
                EventSelectors::from_aws(s.event_selectors(), s.advanced_event_selectors())
            }),
        )
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

    async fn put_selectors(
        cx: &Cx<'_>,
        name: &str,
        want: &EventSelectors,
    ) -> Result<(), CallError> {
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
}
