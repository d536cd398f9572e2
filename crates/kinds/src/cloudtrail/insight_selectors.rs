//! `trail_insight_selectors`: CloudTrail Insights (unusual API call and
//! error rates), each type on management events, data events or both
//! (`InsightSelector.EventCategories`, CloudTrail API Reference,
//! https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_InsightSelector.html).
//! Insights need the trail to log the events they analyse, so they follow
//! the event selectors.

use std::collections::{BTreeMap, BTreeSet};

use ctrail_model::{AttributeChange, EdgeReason, ResourceKind};
use ctrail_spec::Spec;

use crate::cloudtrail::event_selectors::EventSelectors;
use crate::{Compare, Desired, ImportCx, Kind, Names, Rules, SpecField};

#[cfg(feature = "aws")]
mod aws;

/// What a type analyses when PutInsightSelectors names no category.
pub const MANAGEMENT: &str = "Management";

crate::attributes! {
    pub struct InsightSelectors {
        pub insight_types: Vec<String>,
        /// The events each type analyses (`EventCategories`, sorted) for
        /// the types that analyse other than management events alone (a
        /// type not listed analyses management events, as a selector
        /// without categories does).
        #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
        pub event_categories: BTreeMap<String, Vec<String>>,
    }
}

impl InsightSelectors {
    /// The types with the categories each analyses; a type given (or
    /// answered) without categories analyses management events. A type may
    /// come more than once (GetInsightSelectors could answer one selector
    /// per category): its categories are merged into one set, and a type
    /// whose set is exactly `{Management}` lists none.
    pub fn new(types: impl IntoIterator<Item = (String, Vec<String>)>) -> Self {
        let mut merged: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        for (t, categories) in types {
            let set = merged.entry(t).or_default();
            if categories.is_empty() {
                set.insert(MANAGEMENT.to_owned());
            }
            set.extend(categories);
        }
        let insight_types = merged.keys().cloned().collect();
        let event_categories = merged
            .into_iter()
            .filter(|(_, set)| !(set.len() == 1 && set.contains(MANAGEMENT)))
            .map(|(t, set)| (t, set.into_iter().collect()))
            .collect();
        InsightSelectors {
            insight_types,
            event_categories,
        }
    }

    /// The categories a type analyses: those listed, or management events
    /// for a type listed without any.
    pub fn categories_of(&self, insight_type: &str) -> Vec<String> {
        self.event_categories
            .get(insight_type)
            .cloned()
            .unwrap_or_else(|| vec![MANAGEMENT.to_owned()])
    }
}

impl Kind for InsightSelectors {
    const RULES: Rules = Rules::NONE.compare_by(&[
        ("insight_types", Compare::Sets(&[""])),
        ("event_categories", Compare::Sets(&["*"])),
    ]);

    fn billing(change: &AttributeChange, _: bool) -> Option<&'static str> {
        let count = |v: &Option<serde_json::Value>| {
            v.as_ref().and_then(|v| v.as_array()).map_or(0, Vec::len)
        };
        let data = |v: &Option<serde_json::Value>| {
            v.as_ref()
                .is_some_and(|v| v.to_string().contains("\"Data\""))
        };
        if change.path == "insight_types" && count(&change.new) > count(&change.old) {
            return Some(
                "CloudTrail Insights is billed at $0.35 per 100,000 events analysed, per insight type; check current prices at https://aws.amazon.com/cloudtrail/pricing/",
            );
        }
        (change.path.starts_with("event_categories") && data(&change.new) && !data(&change.old)).then_some(
            "Insights on data events is billed per data event analysed, per insight type (usage type DataInsightsEvents), and data events outnumber management events; check current prices at https://aws.amazon.com/cloudtrail/pricing/",
        )
    }

    fn desired(spec: &Spec, _: &Names<'_>) -> Vec<Desired<Self>> {
        let t = &spec.trail;
        let value = InsightSelectors::new(t.insights.iter().map(|i| {
            let categories = i.event_categories.iter().map(|c| c.as_str().to_owned());
            (i.insight_type.as_str().to_owned(), categories.collect())
        }));
        let d = Desired::new(&t.name, value).part_of(ResourceKind::Trail);
        vec![d.after_sibling(ResourceKind::TrailEventSelectors, EdgeReason::Configured)]
    }

    /// Left out when the types found are the default (ApiCallRateInsight
    /// when the trail logs write management events, else none); `false`
    /// for none; the types, with their categories where other than
    /// management events alone.
    fn import(&self, name: &str, cx: &ImportCx<'_>) -> Vec<SpecField> {
        let logs_management = cx
            .live::<EventSelectors>(name)
            .and_then(|s| s.as_spec())
            .is_some_and(|s| {
                ctrail_spec::rules::trail::logs_management(
                    &s,
                    ctrail_spec::rules::trail::Access::Write,
                )
            });
        let default = if logs_management {
            InsightSelectors::new(
                ctrail_spec::defaults::INSIGHTS.map(|t| (t.as_str().to_owned(), Vec::new())),
            )
        } else {
            InsightSelectors::new([])
        };
        let sorted = |s: &InsightSelectors| {
            let mut types = s.insight_types.clone();
            types.sort();
            (types, s.event_categories.clone())
        };
        if sorted(self) == sorted(&default) {
            return Vec::new();
        }
        let value = if self.insight_types.is_empty() {
            serde_json::Value::Bool(false)
        } else {
            self.insight_types
                .iter()
                .map(|t| match self.event_categories.get(t) {
                    Some(c) => serde_json::json!({"type": t, "event_categories": c}),
                    None => serde_json::json!(t),
                })
                .collect()
        };
        vec![SpecField::new(
            ctrail_spec::fields::TRAIL_INSIGHTS,
            value,
            "found: these Insights types (default: ApiCallRateInsight)",
        )]
    }
}

#[cfg(all(test, feature = "aws"))]
mod tests {
    use super::InsightSelectors;

    fn desired(trail: &str) -> InsightSelectors {
        let mut all = crate::testing::desired_of(&format!("  data_events: true\n{trail}"));
        assert_eq!(all.len(), 1);
        all.remove(0)
    }

    /// The short form means management events; the long form names the
    /// categories, kept as a sorted set per type.
    #[test]
    fn each_type_has_the_events_it_analyses() {
        let management = |t: &str| (t.to_owned(), vec!["Management".to_owned()]);
        assert_eq!(
            desired(""),
            InsightSelectors::new([management("ApiCallRateInsight")])
        );
        assert_eq!(
            desired("  insights: [ApiErrorRateInsight, ApiCallRateInsight]\n"),
            InsightSelectors::new([
                management("ApiCallRateInsight"),
                management("ApiErrorRateInsight")
            ])
        );
        let long = "  insights:\n    - {type: ApiCallRateInsight, event_categories: [Data, Management]}\n    - {type: ApiErrorRateInsight, event_categories: [Data]}\n";
        let want = InsightSelectors::new([
            (
                "ApiCallRateInsight".to_owned(),
                vec!["Management".to_owned(), "Data".to_owned()],
            ),
            ("ApiErrorRateInsight".to_owned(), vec!["Data".to_owned()]),
        ]);
        assert_eq!(desired(long), want);
        assert_eq!(
            serde_json::to_value(&want).expect("JSON"),
            serde_json::json!({
                "insight_types": ["ApiCallRateInsight", "ApiErrorRateInsight"],
                "event_categories": {
                    "ApiCallRateInsight": ["Data", "Management"],
                    "ApiErrorRateInsight": ["Data"],
                },
            })
        );
        // Management events alone: no categories listed, as before them.
        assert_eq!(
            serde_json::to_value(desired("")).expect("JSON"),
            serde_json::json!({"insight_types": ["ApiCallRateInsight"]})
        );
        assert_eq!(desired("  insights: false\n"), InsightSelectors::new([]));
    }

    /// A type given more than once keeps every category given for it;
    /// a type whose categories come to exactly Management lists none.
    #[test]
    fn a_type_given_twice_merges_its_categories() {
        let entry = |c: &[&str]| {
            let categories = c.iter().map(|c| (*c).to_owned()).collect();
            ("ApiCallRateInsight".to_owned(), categories)
        };
        let both = InsightSelectors::new([entry(&["Management", "Data"])]);
        assert_eq!(
            InsightSelectors::new([entry(&["Management"]), entry(&["Data"])]),
            both
        );
        assert_eq!(
            InsightSelectors::new([entry(&["Data"]), entry(&["Management"])]),
            both
        );
        assert_eq!(InsightSelectors::new([entry(&["Data"]), entry(&[])]), both);
        assert_eq!(
            serde_json::to_value(InsightSelectors::new([
                entry(&["Management"]),
                entry(&[]),
                entry(&["Management"])
            ]))
            .expect("JSON"),
            serde_json::json!({"insight_types": ["ApiCallRateInsight"]})
        );
    }
}
