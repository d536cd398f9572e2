//! The trail, its settings, and the edges AWS enforces into it.

use serde_json::{Value, json};

use super::{add_part, add_resource, iam, kms, logs, s3, sns, tags_value};
use crate::graph::{EdgeReason, GraphError, ResourceGraph};
use crate::policies::Names;
use ctrail_model::placeholder::Placeholder;
use ctrail_model::{Address, ResourceKind};
use ctrail_spec::Spec;

pub(crate) fn add(g: &mut ResourceGraph, spec: &Spec, names: &Names<'_>) -> Result<(), GraphError> {
    let t = &spec.trail;
    let cwl = spec.cloudwatch_logs.as_ref();
    let trail = add_resource(
        g,
        ResourceKind::Trail,
        &t.name,
        json!({
            "name": t.name,
            "home_region": spec.region,
            "s3_bucket_name": spec.bucket.name,
            "s3_key_prefix": t.s3_key_prefix,
            "include_global_service_events": t.include_global_service_events,
            "is_multi_region_trail": t.multi_region,
            "is_organization_trail": t.organization,
            "enable_log_file_validation": t.log_file_validation,
            "kms_key_id": spec.kms.as_ref().map(|_| Placeholder::KmsKeyArn.token()),
            "cloud_watch_logs_log_group_arn": cwl.map(|l| format!("{}:*", names.log_group_arn(&l.log_group))),
            "cloud_watch_logs_role_arn": cwl.map(|l| names.role_arn(&l.role_name)),
            "sns_topic_name": t.sns_topic.as_deref().map(sns::topic_name),
        }),
        None,
    )?;

    g.depend(
        &Address::new(ResourceKind::S3Bucket, &spec.bucket.name),
        &trail,
        EdgeReason::References,
    )?;
    g.depend(
        &s3::policy_address(spec),
        &trail,
        EdgeReason::BucketPolicyChecked,
    )?;
    if let Some(l) = cwl {
        g.depend(&logs::address(l), &trail, EdgeReason::References)?;
        g.depend(&iam::role_address(l), &trail, EdgeReason::IamPropagation)?;
        g.depend(&iam::policy_address(l), &trail, EdgeReason::IamPropagation)?;
    }
    let key = kms::address(spec);
    if g.contains(&key) {
        g.depend(&key, &trail, EdgeReason::KeyPolicyChecked)?;
    }
    if let Some(p) = sns::policy_address(spec) {
        g.depend(&p, &trail, EdgeReason::TopicPolicyChecked)?;
    }

    let selectors = add_part(
        g,
        &trail,
        ResourceKind::TrailEventSelectors,
        event_selectors(spec),
    )?;
    let insights = add_part(
        g,
        &trail,
        ResourceKind::TrailInsightSelectors,
        json!({
            "insight_types": t.insights.iter().map(|i| i.as_str()).collect::<Vec<_>>(),
        }),
    )?;
    g.depend(&selectors, &insights, EdgeReason::Configured)?;
    add_part(g, &trail, ResourceKind::TrailTags, tags_value(&spec.tags))?;
    let logging = add_part(
        g,
        &trail,
        ResourceKind::TrailLogging,
        json!({ "is_logging": t.logging }),
    )?;
    g.depend(&selectors, &logging, EdgeReason::Configured)?;
    Ok(())
}

fn event_selectors(spec: &Spec) -> Value {
    serde_json::to_value(&spec.trail.event_selectors).unwrap_or(Value::Null)
}
