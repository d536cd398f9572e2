//! The trail, its selectors, insights, tags and logging status.

use aws_sdk_cloudtrail::types::{
    AdvancedEventSelector, AdvancedFieldSelector, DataResource, EventSelector, InsightSelector,
    InsightType, ReadWriteType, Tag,
};
use serde_json::Value;

use super::{Cx, Step, aws, refuse, strings};
use crate::retry::CallError;

/// CreateTrail, or UpdateTrail for one that exists. On UpdateTrail an empty
/// string removes a setting (encryption, log group, prefix, topic).
pub(crate) async fn trail(cx: &Cx<'_>, step: &Step) -> Result<&'static str, CallError> {
    let c = &cx.clients.cloudtrail;
    let opt = |k: &str| step.str(k).map(str::to_owned);
    if step.creating() {
        let made = aws!(
            cx,
            "cloudtrail:CreateTrail",
            c.create_trail()
                .name(step.name())
                .s3_bucket_name(step.str("s3_bucket_name").unwrap_or_default())
                .set_s3_key_prefix(opt("s3_key_prefix"))
                .set_sns_topic_name(opt("sns_topic_name"))
                .include_global_service_events(step.bool("include_global_service_events"))
                .is_multi_region_trail(step.bool("is_multi_region_trail"))
                .is_organization_trail(step.bool("is_organization_trail"))
                .enable_log_file_validation(step.bool("enable_log_file_validation"))
                .set_cloud_watch_logs_log_group_arn(opt("cloud_watch_logs_log_group_arn"))
                .set_cloud_watch_logs_role_arn(opt("cloud_watch_logs_role_arn"))
                .set_kms_key_id(opt("kms_key_id"))
                .send()
        )
        .await;
        match made {
            Ok(_) => return Ok("created"),
            Err(e) if e.code.as_deref() == Some("TrailAlreadyExistsException") => {}
            Err(e) => return Err(e),
        }
    }
    let or_empty = |k: &str| step.str(k).unwrap_or_default().to_owned();
    aws!(
        cx,
        "cloudtrail:UpdateTrail",
        c.update_trail()
            .name(step.name())
            .s3_bucket_name(step.str("s3_bucket_name").unwrap_or_default())
            .s3_key_prefix(or_empty("s3_key_prefix"))
            .sns_topic_name(or_empty("sns_topic_name"))
            .include_global_service_events(step.bool("include_global_service_events"))
            .is_multi_region_trail(step.bool("is_multi_region_trail"))
            .is_organization_trail(step.bool("is_organization_trail"))
            .enable_log_file_validation(step.bool("enable_log_file_validation"))
            .cloud_watch_logs_log_group_arn(or_empty("cloud_watch_logs_log_group_arn"))
            .cloud_watch_logs_role_arn(or_empty("cloud_watch_logs_role_arn"))
            .kms_key_id(or_empty("kms_key_id"))
            .send()
    )
    .await?;
    Ok("updated")
}

fn basic(s: &Value) -> EventSelector {
    EventSelector::builder()
        .read_write_type(ReadWriteType::from(
            s.get("read_write_type")
                .and_then(Value::as_str)
                .unwrap_or("All"),
        ))
        .include_management_events(
            s.get("include_management_events")
                .and_then(Value::as_bool)
                .unwrap_or(true),
        )
        .set_data_resources(Some(
            s.get("data_resources")
                .and_then(Value::as_array)
                .map(|rs| {
                    rs.iter()
                        .map(|r| {
                            DataResource::builder()
                                .set_type(r.get("type").and_then(Value::as_str).map(str::to_owned))
                                .set_values(Some(strings(r.get("values"))))
                                .build()
                        })
                        .collect()
                })
                .unwrap_or_default(),
        ))
        // Sent only when there is something to exclude; AWS stores an
        // explicit empty list as given.
        .set_exclude_management_event_sources(
            Some(strings(s.get("exclude_management_event_sources"))).filter(|v| !v.is_empty()),
        )
        .build()
}

fn advanced(s: &Value) -> Result<AdvancedEventSelector, CallError> {
    let fields = s
        .get("field_selectors")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default()
        .iter()
        .map(|f| {
            AdvancedFieldSelector::builder()
                .field(f.get("field").and_then(Value::as_str).unwrap_or_default())
                .set_equals(Some(strings(f.get("equals"))).filter(|v| !v.is_empty()))
                .set_not_equals(Some(strings(f.get("not_equals"))).filter(|v| !v.is_empty()))
                .set_starts_with(Some(strings(f.get("starts_with"))).filter(|v| !v.is_empty()))
                .set_not_starts_with(
                    Some(strings(f.get("not_starts_with"))).filter(|v| !v.is_empty()),
                )
                .set_ends_with(Some(strings(f.get("ends_with"))).filter(|v| !v.is_empty()))
                .set_not_ends_with(Some(strings(f.get("not_ends_with"))).filter(|v| !v.is_empty()))
                .build()
                .map_err(|e| refuse("cloudtrail:PutEventSelectors", e.to_string()))
        })
        .collect::<Result<Vec<_>, _>>()?;
    AdvancedEventSelector::builder()
        .set_name(s.get("name").and_then(Value::as_str).map(str::to_owned))
        .set_field_selectors(Some(fields))
        .build()
        .map_err(|e| refuse("cloudtrail:PutEventSelectors", e.to_string()))
}

pub(crate) async fn event_selectors(cx: &Cx<'_>, step: &Step) -> Result<&'static str, CallError> {
    let c = &cx.clients.cloudtrail;
    let selectors = step
        .desired
        .get("selectors")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    if step.str("style") == Some("advanced") {
        let advanced = selectors
            .iter()
            .map(advanced)
            .collect::<Result<Vec<_>, _>>()?;
        aws!(
            cx,
            "cloudtrail:PutEventSelectors",
            c.put_event_selectors()
                .trail_name(step.name())
                .set_advanced_event_selectors(Some(advanced.clone()))
                .send()
        )
        .await?;
    } else {
        let basic: Vec<EventSelector> = selectors.iter().map(basic).collect();
        aws!(
            cx,
            "cloudtrail:PutEventSelectors",
            c.put_event_selectors()
                .trail_name(step.name())
                .set_event_selectors(Some(basic.clone()))
                .send()
        )
        .await?;
    }
    Ok("set")
}

pub(crate) async fn insight_selectors(cx: &Cx<'_>, step: &Step) -> Result<&'static str, CallError> {
    let c = &cx.clients.cloudtrail;
    let selectors: Vec<InsightSelector> = strings(step.desired.get("insight_types"))
        .iter()
        .map(|t| {
            InsightSelector::builder()
                .insight_type(InsightType::from(t.as_str()))
                .build()
        })
        .collect();
    aws!(
        cx,
        "cloudtrail:PutInsightSelectors",
        c.put_insight_selectors()
            .trail_name(step.name())
            .set_insight_selectors(Some(selectors.clone()))
            .send()
    )
    .await?;
    Ok("set")
}

pub(crate) async fn tags(cx: &Cx<'_>, step: &Step) -> Result<&'static str, CallError> {
    let c = &cx.clients.cloudtrail;
    let t = cx.target;
    let arn = format!(
        "arn:{}:cloudtrail:{}:{}:trail/{}",
        t.partition,
        t.region,
        t.account_id,
        step.name()
    );
    let remove: Vec<Tag> = step
        .tags_to_remove()
        .iter()
        .map(|k| {
            Tag::builder()
                .key(k)
                .build()
                .map_err(|e| refuse("cloudtrail:RemoveTags", e.to_string()))
        })
        .collect::<Result<_, _>>()?;
    if !remove.is_empty() {
        aws!(
            cx,
            "cloudtrail:RemoveTags",
            c.remove_tags()
                .resource_id(&arn)
                .set_tags_list(Some(remove.clone()))
                .send()
        )
        .await?;
    }
    let add: Vec<Tag> = step
        .tags()
        .iter()
        .map(|(k, v)| {
            Tag::builder()
                .key(k)
                .value(v)
                .build()
                .map_err(|e| refuse("cloudtrail:AddTags", e.to_string()))
        })
        .collect::<Result<_, _>>()?;
    if !add.is_empty() {
        aws!(
            cx,
            "cloudtrail:AddTags",
            c.add_tags()
                .resource_id(&arn)
                .set_tags_list(Some(add.clone()))
                .send()
        )
        .await?;
    }
    Ok("set")
}

pub(crate) async fn logging(cx: &Cx<'_>, step: &Step) -> Result<&'static str, CallError> {
    let c = &cx.clients.cloudtrail;
    if step.bool("is_logging") {
        aws!(
            cx,
            "cloudtrail:StartLogging",
            c.start_logging().name(step.name()).send()
        )
        .await?;
        Ok("started")
    } else {
        aws!(
            cx,
            "cloudtrail:StopLogging",
            c.stop_logging().name(step.name()).send()
        )
        .await?;
        Ok("stopped")
    }
}
