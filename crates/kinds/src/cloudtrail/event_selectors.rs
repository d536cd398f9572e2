//! `trail_event_selectors`: which management and data events the trail
//! logs, as basic or advanced selectors. CloudTrail ORs selectors and their
//! values ("Logging data events", CloudTrail User Guide), so every list in
//! them is a set.

use ctrail_model::{AttributeChange, ResourceKind};
use ctrail_spec::{ReadWriteType, Spec};
use serde::{Deserialize, Serialize};

use crate::import::{as_sets, without_empty};
use crate::{Compare, Desired, ImportCx, Kind, Names, Rules, SpecField};

#[cfg(feature = "aws")]
mod aws;
#[cfg(feature = "aws")]
pub use aws::of_trail;

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
