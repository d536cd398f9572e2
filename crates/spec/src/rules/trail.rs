//! Trail settings CloudTrail refuses together: global service events on a
//! multi-Region trail, and Insights on management events the trail does
//! not log.

use super::{Check, Problem};
use crate::model::{EventSelectors, FieldSelector, InsightType, ReadWriteType};

/// A multi-Region trail must include global service events: CreateTrail and
/// UpdateTrail answer `InvalidParameterCombinationException` ("Multi-Region
/// trail must include global service events"). The CloudTrail User Guide's
/// `update-trail` page turns global service events off only on a
/// single-Region trail ("Using the update-trail command to update a trail",
/// https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-create-and-update-a-trail-by-using-the-aws-cli-update-trail.html);
/// the API Reference names the exception for "the combination of parameters
/// provided is not valid" (CreateTrail, Errors,
/// https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_CreateTrail.html).
pub fn global_events(multi_region: bool, include_global_service_events: bool) -> Check {
    if multi_region && !include_global_service_events {
        return Err(Problem::new(
            "a multi-Region trail must include global service events",
        )
        .help("remove `include_global_service_events: false`, or set `multi_region: false` (CloudTrail refuses the pair with InvalidParameterCombinationException)"));
    }
    Ok(())
}

/// Read or write management events.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    Read,
    Write,
}

impl Access {
    /// The event's `readOnly` value.
    fn read_only(self) -> &'static str {
        match self {
            Access::Read => "true",
            Access::Write => "false",
        }
    }
}

/// Whether the selectors log management events of this access: a basic
/// selector with management events whose read_write_type includes it, or an
/// advanced Management selector whose `readOnly` conditions (if any) admit
/// it. Other `readOnly` operators are taken to admit it: the answer errs
/// towards "logged", so a setup AWS accepts is never refused.
pub fn logs_management(selectors: &EventSelectors, access: Access) -> bool {
    match selectors {
        EventSelectors::Basic(b) => b.iter().any(|s| {
            s.include_management_events
                && match s.read_write_type {
                    ReadWriteType::All => true,
                    ReadWriteType::ReadOnly => access == Access::Read,
                    ReadWriteType::WriteOnly => access == Access::Write,
                }
        }),
        EventSelectors::Advanced(a) => a
            .iter()
            .filter(|s| {
                s.field_selectors.iter().any(|f| {
                    f.field == "eventCategory" && f.equals.iter().any(|v| v == "Management")
                })
            })
            .any(|s| {
                s.field_selectors
                    .iter()
                    .filter(|f| f.field == "readOnly")
                    .all(|f| admits(f, access.read_only()))
            }),
    }
}

fn admits(f: &FieldSelector, value: &str) -> bool {
    (f.equals.is_empty() || f.equals.iter().any(|v| v == value))
        && !f.not_equals.iter().any(|v| v == value)
}

/// What an Insights type on management events needs the trail to log
/// (CloudTrail User Guide, "Working with CloudTrail Insights",
/// https://docs.aws.amazon.com/awscloudtrail/latest/userguide/logging-insights-events-with-cloudtrail.html):
///
/// > API call rate – A measurement of write-only management API calls [...]
/// > the trail or event data store must enable Insights and log write
/// > management events.
/// > API error rate – [...] must enable Insights and log read or write
/// > management events, or both read and write management events.
///
/// The API Reference's PutInsightSelectors says the same. So a read-only
/// trail may have ApiErrorRateInsight, and not ApiCallRateInsight.
///
/// `on_management`: the Insights types the spec turns on for management
/// events.
pub fn management_insights(on_management: &[InsightType], selectors: &EventSelectors) -> Check {
    let on_management = |t: InsightType| on_management.contains(&t);
    let writes = logs_management(selectors, Access::Write);
    let reads = logs_management(selectors, Access::Read);
    if on_management(InsightType::ApiCallRateInsight) && !writes {
        return Err(Problem::new(
            "ApiCallRateInsight needs the trail to log write management events",
        )
        .help(if reads {
            "the event selectors log only read management events: log write ones too (read_write_type All or WriteOnly, or drop readOnly = true), or use ApiErrorRateInsight, which needs read or write management events"
        } else {
            "include management events in the event selectors, or turn insights off with `insights: false`"
        }));
    }
    if on_management(InsightType::ApiErrorRateInsight) && !writes && !reads {
        return Err(Problem::new(
            "ApiErrorRateInsight needs the trail to log management events",
        )
        .help("include management events in the event selectors, or turn insights off with `insights: false`"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{AdvancedSelector, BasicSelector};

    fn basic(rw: ReadWriteType, mgmt: bool) -> EventSelectors {
        let mut s = BasicSelector::all_management_events();
        s.read_write_type = rw;
        s.include_management_events = mgmt;
        EventSelectors::Basic(vec![s])
    }

    fn field(name: &str, equals: &[&str], not_equals: &[&str]) -> FieldSelector {
        FieldSelector {
            field: name.into(),
            equals: equals.iter().map(|s| s.to_string()).collect(),
            not_equals: not_equals.iter().map(|s| s.to_string()).collect(),
            starts_with: vec![],
            not_starts_with: vec![],
            ends_with: vec![],
            not_ends_with: vec![],
        }
    }

    fn management(read_only: Option<FieldSelector>) -> EventSelectors {
        let mut fs = vec![field("eventCategory", &["Management"], &[])];
        fs.extend(read_only);
        EventSelectors::Advanced(vec![AdvancedSelector {
            name: None,
            field_selectors: fs,
        }])
    }

    fn insight(t: InsightType) -> Vec<InsightType> {
        vec![t]
    }

    #[test]
    fn multi_region_needs_global_events() {
        assert!(global_events(true, false).is_err());
        assert!(global_events(true, true).is_ok());
        assert!(global_events(false, false).is_ok());
        assert!(global_events(false, true).is_ok());
    }

    #[test]
    fn call_rate_needs_write_management_events() {
        let call = insight(InsightType::ApiCallRateInsight);
        for ok in [
            basic(ReadWriteType::All, true),
            basic(ReadWriteType::WriteOnly, true),
            management(None),
            management(Some(field("readOnly", &["false"], &[]))),
            management(Some(field("readOnly", &[], &["true"]))),
            management(Some(field("readOnly", &["true", "false"], &[]))),
        ] {
            assert!(management_insights(&call, &ok).is_ok(), "{ok:?}");
        }
        for bad in [
            basic(ReadWriteType::ReadOnly, true),
            basic(ReadWriteType::All, false),
            management(Some(field("readOnly", &["true"], &[]))),
            management(Some(field("readOnly", &[], &["false"]))),
        ] {
            assert!(management_insights(&call, &bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn error_rate_needs_read_or_write_management_events() {
        let err = insight(InsightType::ApiErrorRateInsight);
        assert!(management_insights(&err, &basic(ReadWriteType::ReadOnly, true)).is_ok());
        assert!(
            management_insights(&err, &management(Some(field("readOnly", &["true"], &[])))).is_ok()
        );
        assert!(management_insights(&err, &basic(ReadWriteType::All, false)).is_err());
    }

    #[test]
    fn no_insights_on_management_events_need_no_management_events() {
        assert!(management_insights(&[], &basic(ReadWriteType::All, false)).is_ok());
    }
}
