//! `trail_event_configuration`: aggregated data events, CloudTrail's
//! 5-minute summaries of a trail's data events by template
//! (PutEventConfiguration / GetEventConfiguration with
//! `AggregationConfigurations`; CloudTrail API Reference,
//! https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_PutEventConfiguration.html
//! and AggregationConfiguration,
//! https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_AggregationConfiguration.html;
//! User Guide, "Aggregating data events",
//! https://docs.aws.amazon.com/awscloudtrail/latest/userguide/aggregating-data-events.html).
//!
//! Managed only when the spec says `trail.aggregation` (`[]` for none): a
//! spec without it implies no resource, so ctrail neither reads nor writes
//! the setting (nor needs the permission to), and a trail's aggregation made
//! elsewhere is left alone. Aggregation needs the trail to log data events,
//! so it follows the event selectors.

use std::collections::BTreeMap;

use ctrail_model::{AttributeChange, EdgeReason, ResourceKind};
use ctrail_spec::Spec;

use crate::{Compare, Desired, Kind, Names, Rules};

#[cfg(feature = "aws")]
mod aws;

/// The one event category CloudTrail aggregates (`EventCategory`'s only
/// valid value).
pub const DATA: &str = "Data";

crate::attributes! {
    pub struct EventConfiguration {
        /// The templates aggregated, by event category
        /// (`AggregationConfigurations`), each list sorted; empty: no
        /// aggregation.
        pub aggregation: BTreeMap<String, Vec<String>>,
    }
}

impl EventConfiguration {
    /// Data events aggregated by `templates`; none when empty.
    pub fn data(templates: impl IntoIterator<Item = String>) -> Self {
        Self::new([(DATA.to_owned(), templates.into_iter().collect())])
    }

    /// The categories with their templates; a category with none is left
    /// out (AWS needs at least one template per configuration).
    pub fn new(by_category: impl IntoIterator<Item = (String, Vec<String>)>) -> Self {
        let mut aggregation: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for (category, templates) in by_category {
            let entry = aggregation.entry(category).or_default();
            entry.extend(templates);
            entry.sort_unstable();
            entry.dedup();
        }
        aggregation.retain(|_, t| !t.is_empty());
        EventConfiguration { aggregation }
    }
}

impl Kind for EventConfiguration {
    const RULES: Rules = Rules::NONE.compare_by(&[("aggregation", Compare::Sets(&["*"]))]);

    fn billing(change: &AttributeChange, _: bool) -> Option<&'static str> {
        // Templates named anywhere in the value (the map, or one list).
        fn templates(v: &serde_json::Value) -> usize {
            match v {
                serde_json::Value::String(_) => 1,
                serde_json::Value::Array(a) => a.iter().map(templates).sum(),
                serde_json::Value::Object(o) => o.values().map(templates).sum(),
                _ => 0,
            }
        }
        let count = |v: &Option<serde_json::Value>| v.as_ref().map_or(0, templates);
        (change.path.starts_with("aggregation") && count(&change.new) > count(&change.old)).then_some(
            "aggregated events are delivered besides the data events they summarise; check current prices at https://aws.amazon.com/cloudtrail/pricing/",
        )
    }

    fn desired(spec: &Spec, _: &Names<'_>) -> Vec<Desired<Self>> {
        let t = &spec.trail;
        let Some(templates) = &t.aggregation else {
            return Vec::new();
        };
        let value = EventConfiguration::data(templates.iter().map(|t| t.as_str().to_owned()));
        let d = Desired::new(&t.name, value).part_of(ResourceKind::Trail);
        // Aggregation needs the trail to log data events.
        vec![d.after_sibling(ResourceKind::TrailEventSelectors, EdgeReason::Configured)]
    }
}

#[cfg(all(test, feature = "aws"))]
mod tests {
    use super::EventConfiguration;

    fn desired(trail: &str) -> Vec<EventConfiguration> {
        crate::testing::desired_of(&format!("  data_events: true\n{trail}"))
    }

    /// Left out: not managed (no resource); `[]`: managed, none; templates
    /// as a set under Data.
    #[test]
    fn aggregation_is_managed_only_when_the_spec_says_it() {
        assert_eq!(desired(""), []);
        assert_eq!(
            desired("  aggregation: []\n"),
            [EventConfiguration::new([])]
        );
        let want = EventConfiguration::data(["API_ACTIVITY".into(), "USER_ACTIONS".into()]);
        assert_eq!(
            desired("  aggregation: [USER_ACTIONS, API_ACTIVITY]\n"),
            std::slice::from_ref(&want)
        );
        assert_eq!(
            serde_json::to_value(&want).expect("JSON"),
            serde_json::json!({"aggregation": {"Data": ["API_ACTIVITY", "USER_ACTIONS"]}})
        );
    }

    /// What PutEventConfiguration sends reads back as the desired value;
    /// none is an empty list.
    #[test]
    fn round_trip() {
        let want = EventConfiguration::data(["RESOURCE_ACCESS".into(), "API_ACTIVITY".into()]);
        let sent = want.to_aws().expect("request");
        assert_eq!(sent.len(), 1);
        assert_eq!(sent[0].event_category().as_str(), "Data");
        assert_eq!(EventConfiguration::from_aws(&sent), want);
        let none = EventConfiguration::new([]);
        assert!(none.to_aws().expect("request").is_empty());
        assert_eq!(EventConfiguration::from_aws(&[]), none);
    }
}
