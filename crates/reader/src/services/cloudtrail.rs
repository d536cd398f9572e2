//! The trail, its logging status, selectors, insights and tags: five
//! concurrent calls per trail.

use aws_sdk_cloudtrail::Client;
use aws_sdk_cloudtrail::types::{AdvancedEventSelector, EventSelector};
use ctrail_graph::{Address, ResourceGraph, ResourceKind as K};
use serde_json::{Value, json};

use super::{Found, all_absent, names, tags};
use crate::Observed;
use crate::context::Pending;
use crate::error::{ReadError, absent_if_not_found};

const KINDS: &[K] = &[
    K::Trail,
    K::TrailEventSelectors,
    K::TrailInsightSelectors,
    K::TrailTags,
    K::TrailLogging,
];

pub(crate) async fn read(
    c: &Client,
    graph: &ResourceGraph,
    cx: &Pending<'_>,
) -> Result<Found, ReadError> {
    let mut found = Vec::new();
    for name in names(graph, K::Trail) {
        let region = super::desired_str(graph, K::Trail, &name, "home_region").unwrap_or_default();
        found.extend(read_trail(c, &name, &region, cx).await?);
    }
    Ok(found)
}

async fn read_trail(
    c: &Client,
    name: &str,
    region: &str,
    cx: &Pending<'_>,
) -> Result<Found, ReadError> {
    // The tags are read by ARN, which needs the account id.
    let tagged = async {
        let ready = cx.clone().await?;
        let account = &ready.context.account_id;
        let partition = ctrail_spec::rules::regions::partition(region);
        let arn = format!("arn:{partition}:cloudtrail:{region}:{account}:trail/{name}");
        let out = c.list_tags().resource_id_list(arn).send().await;
        Ok::<_, ReadError>((ready, out))
    };
    let (trail, status, selectors, insights, tagged) = tokio::join!(
        c.get_trail().name(name).send(),
        c.get_trail_status().name(name).send(),
        c.get_event_selectors().trail_name(name).send(),
        c.get_insight_selectors().trail_name(name).send(),
        tagged,
    );
    let (ready, tag_list) = tagged?;
    let keys = &ready.keys;
    let Some(trail) =
        absent_if_not_found("cloudtrail:GetTrail", trail, &[])?.and_then(|t| t.trail().cloned())
    else {
        return Ok(all_absent(name, KINDS));
    };
    let present = |k: K, v: Value| (Address::new(k, name), Observed::Present(v));
    let mut found = vec![present(
        K::Trail,
        json!({
            "name": trail.name(),
            // Omitted by some endpoints: a trail read in a region lives there.
            "home_region": trail.home_region().unwrap_or(region),
            "s3_bucket_name": trail.s3_bucket_name(),
            "s3_key_prefix": trail.s3_key_prefix(),
            "include_global_service_events": trail.include_global_service_events().unwrap_or(false),
            "is_multi_region_trail": trail.is_multi_region_trail().unwrap_or(false),
            "is_organization_trail": trail.is_organization_trail().unwrap_or(false),
            "enable_log_file_validation": trail.log_file_validation_enabled().unwrap_or(false),
            "kms_key_id": keys.normalise(trail.kms_key_id()),
            "cloud_watch_logs_log_group_arn": trail.cloud_watch_logs_log_group_arn().map(log_group_arn_with_streams),
            "cloud_watch_logs_role_arn": trail.cloud_watch_logs_role_arn(),
            "sns_topic_name": trail.sns_topic_arn().and_then(|a| a.rsplit(':').next()),
        }),
    )];

    if let Some(status) = absent_if_not_found("cloudtrail:GetTrailStatus", status, &[])? {
        found.push(present(
            K::TrailLogging,
            json!({ "is_logging": status.is_logging().unwrap_or(false) }),
        ));
    } else {
        found.push((Address::new(K::TrailLogging, name), Observed::Absent));
    }

    if let Some(sel) = absent_if_not_found("cloudtrail:GetEventSelectors", selectors, &[])? {
        let value = if sel.advanced_event_selectors().is_empty() {
            json!({ "style": "basic", "selectors": sel.event_selectors().iter().map(basic).collect::<Vec<_>>() })
        } else {
            json!({ "style": "advanced", "selectors": sel.advanced_event_selectors().iter().map(advanced).collect::<Vec<_>>() })
        };
        found.push(present(K::TrailEventSelectors, value));
    }

    let insights = absent_if_not_found(
        "cloudtrail:GetInsightSelectors",
        insights,
        &["InsightNotEnabledException"],
    )?;
    let mut types: Vec<&str> = insights
        .as_ref()
        .map(|i| {
            i.insight_selectors()
                .iter()
                .filter_map(|s| s.insight_type())
                .map(|t| t.as_str())
                .collect()
        })
        .unwrap_or_default();
    types.sort_unstable();
    found.push(present(
        K::TrailInsightSelectors,
        json!({ "insight_types": types }),
    ));

    let tag_list = absent_if_not_found("cloudtrail:ListTags", tag_list, &[])?;
    let pairs: Vec<(&str, &str)> = tag_list
        .as_ref()
        .map(|t| {
            t.resource_tag_list()
                .iter()
                .flat_map(|r| r.tags_list())
                .map(|t| (t.key(), t.value().unwrap_or_default()))
                .collect()
        })
        .unwrap_or_default();
    found.push(present(K::TrailTags, tags(pairs)));
    Ok(found)
}

/// CloudTrail takes a log group ARN with or without the `:*` suffix and
/// means the same group; compare it in the suffixed form the graph uses.
fn log_group_arn_with_streams(arn: &str) -> String {
    if arn.ends_with(":*") {
        arn.to_owned()
    } else {
        format!("{arn}:*")
    }
}

fn basic(s: &EventSelector) -> Value {
    json!({
        "read_write_type": s.read_write_type().map_or("All", |t| t.as_str()),
        "include_management_events": s.include_management_events().unwrap_or(true),
        "data_resources": s.data_resources().iter().map(|d| json!({
            "type": d.r#type(),
            "values": d.values(),
        })).collect::<Vec<_>>(),
        "exclude_management_event_sources": s.exclude_management_event_sources(),
    })
}

fn advanced(s: &AdvancedEventSelector) -> Value {
    json!({
        "name": s.name(),
        "field_selectors": s.field_selectors().iter().map(|f| {
            let mut m = serde_json::Map::new();
            m.insert("field".into(), json!(f.field()));
            for (key, values) in [
                ("equals", f.equals()),
                ("not_equals", f.not_equals()),
                ("starts_with", f.starts_with()),
                ("not_starts_with", f.not_starts_with()),
                ("ends_with", f.ends_with()),
                ("not_ends_with", f.not_ends_with()),
            ] {
                if !values.is_empty() {
                    m.insert(key.into(), json!(values));
                }
            }
            Value::Object(m)
        }).collect::<Vec<_>>(),
    })
}

#[cfg(test)]
mod tests {
    use super::log_group_arn_with_streams;

    #[test]
    fn log_group_arns_compare_with_the_suffix() {
        let bare = "arn:aws:logs:us-east-1:123456789012:log-group:CloudTrail/APILogs";
        assert_eq!(log_group_arn_with_streams(bare), format!("{bare}:*"));
        assert_eq!(
            log_group_arn_with_streams(&format!("{bare}:*")),
            format!("{bare}:*")
        );
    }
}
