//! Metric filters the trail's own selectors blind: a filter watches an event
//! source (its pattern's `$.eventSource = ...`, or its sample event's) whose
//! management events no event selector logs, so it can never match. The
//! classic case: `exclude_management_event_sources: [kms.amazonaws.com]` (to
//! save cost) silences the CIS filter for disabled or deleted KMS keys.

use std::collections::BTreeSet;

use crate::model::{AdvancedSelector, BasicSelector, EventSelectors, FieldSelector, MetricFilter};

/// The event sources a filter watches.
pub(crate) fn watched_sources(m: &MetricFilter) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let mut rest = m.pattern.as_str();
    while let Some(at) = rest.find("$.eventSource") {
        rest = &rest[at + "$.eventSource".len()..];
        let value = rest.trim_start();
        let Some(value) = value.strip_prefix('=') else {
            continue;
        };
        let value = value.trim_start().trim_start_matches('"');
        let end = value
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '.' || c == '-'))
            .unwrap_or(value.len());
        if end > 0 {
            out.insert(value[..end].to_owned());
        }
    }
    if let Some(src) = m
        .sample_event
        .as_ref()
        .and_then(|e| e.get("eventSource"))
        .and_then(serde_json::Value::as_str)
    {
        out.insert(src.to_owned());
    }
    out
}

fn basic_logs(s: &BasicSelector, source: &str) -> bool {
    s.include_management_events
        && !s
            .exclude_management_event_sources
            .iter()
            .any(|x| x == source)
}

fn condition_admits(f: &FieldSelector, value: &str) -> bool {
    (f.equals.is_empty() || f.equals.iter().any(|v| v == value))
        && !f.not_equals.iter().any(|v| v == value)
        && (f.starts_with.is_empty() || f.starts_with.iter().any(|p| value.starts_with(p.as_str())))
        && !f
            .not_starts_with
            .iter()
            .any(|p| value.starts_with(p.as_str()))
        && (f.ends_with.is_empty() || f.ends_with.iter().any(|p| value.ends_with(p.as_str())))
        && !f.not_ends_with.iter().any(|p| value.ends_with(p.as_str()))
}

fn is_management(s: &AdvancedSelector) -> bool {
    s.field_selectors
        .iter()
        .any(|f| f.field == "eventCategory" && f.equals.iter().any(|c| c == "Management"))
}

fn advanced_logs(s: &AdvancedSelector, source: &str) -> bool {
    is_management(s)
        && s.field_selectors
            .iter()
            .filter(|f| f.field == "eventSource")
            .all(|f| condition_admits(f, source))
}

/// Whether the selectors log some management events, and this source's.
fn logs(selectors: &EventSelectors, source: &str) -> (bool, bool) {
    match selectors {
        EventSelectors::Basic(all) => (
            all.iter().any(|s| s.include_management_events),
            all.iter().any(|s| basic_logs(s, source)),
        ),
        EventSelectors::Advanced(all) => (
            all.iter().any(is_management),
            all.iter().any(|s| advanced_logs(s, source)),
        ),
    }
}

/// Each (filter, source) whose source's management events the selectors
/// keep out while they log others.
pub(crate) fn blinded<'a>(
    selectors: &EventSelectors,
    filters: &'a [MetricFilter],
) -> Vec<(&'a MetricFilter, String)> {
    let mut out = Vec::new();
    for m in filters {
        for source in watched_sources(m) {
            if let (true, false) = logs(selectors, &source) {
                out.push((m, source));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::ReadWriteType;

    fn filter(pattern: &str, sample: Option<serde_json::Value>) -> MetricFilter {
        MetricFilter {
            name: "F".into(),
            pattern: pattern.into(),
            metric_name: "F".into(),
            metric_namespace: "N".into(),
            metric_value: "1".into(),
            alarm: None,
            sample_event: sample,
            preset: None,
        }
    }

    fn basic(exclude: &[&str]) -> EventSelectors {
        EventSelectors::Basic(vec![BasicSelector {
            read_write_type: ReadWriteType::All,
            include_management_events: true,
            data_resources: Vec::new(),
            exclude_management_event_sources: exclude.iter().map(|s| (*s).to_owned()).collect(),
        }])
    }

    #[test]
    fn sources_come_from_the_pattern_and_the_sample_event() {
        let m = filter(
            r#"{ ($.eventSource = kms.amazonaws.com) && ($.eventName = DisableKey) || ($.eventSource = "s3.amazonaws.com") }"#,
            Some(serde_json::json!({"eventSource": "ec2.amazonaws.com"})),
        );
        let got: Vec<String> = watched_sources(&m).into_iter().collect();
        assert_eq!(
            got,
            ["ec2.amazonaws.com", "kms.amazonaws.com", "s3.amazonaws.com"]
        );
    }

    #[test]
    fn excluding_kms_blinds_the_kms_filter_only() {
        let kms = filter("{ ($.eventSource = kms.amazonaws.com) }", None);
        let iam = filter("{ ($.eventName = PutRolePolicy) }", None);
        let filters = [kms, iam];
        let hit = blinded(&basic(&["kms.amazonaws.com"]), &filters);
        assert_eq!(hit.len(), 1);
        assert_eq!(hit[0].1, "kms.amazonaws.com");
        assert!(blinded(&basic(&[]), &filters).is_empty());
    }

    #[test]
    fn advanced_selectors_blind_by_not_equals_or_by_listing_others() {
        let kms = filter("{ ($.eventSource = kms.amazonaws.com) }", None);
        let mgmt = |cond: FieldSelector| {
            EventSelectors::Advanced(vec![AdvancedSelector {
                name: None,
                field_selectors: vec![
                    FieldSelector {
                        field: "eventCategory".into(),
                        equals: vec!["Management".into()],
                        ..FieldSelector::default()
                    },
                    cond,
                ],
            }])
        };
        let not_kms = mgmt(FieldSelector {
            field: "eventSource".into(),
            not_equals: vec!["kms.amazonaws.com".into()],
            ..FieldSelector::default()
        });
        let only_iam = mgmt(FieldSelector {
            field: "eventSource".into(),
            equals: vec!["iam.amazonaws.com".into()],
            ..FieldSelector::default()
        });
        let read_only = mgmt(FieldSelector {
            field: "readOnly".into(),
            equals: vec!["false".into()],
            ..FieldSelector::default()
        });
        let filters = [kms];
        assert_eq!(blinded(&not_kms, &filters).len(), 1);
        assert_eq!(blinded(&only_iam, &filters).len(), 1);
        assert!(blinded(&read_only, &filters).is_empty());
    }
}
