//! The CloudWatch Logs log group CloudTrail delivers to.

use serde_json::json;

use super::{add_part, add_resource, tags_value};
use crate::graph::{EdgeReason, GraphError, ResourceGraph};
use ctrail_model::placeholder::Placeholder;
use ctrail_model::{Address, ResourceKind};
use ctrail_spec::{CloudWatchLogs, Spec};

pub(crate) fn address(logs: &CloudWatchLogs) -> Address {
    Address::new(ResourceKind::LogGroup, &logs.log_group)
}

pub(crate) fn add(
    g: &mut ResourceGraph,
    spec: &Spec,
    logs: &CloudWatchLogs,
) -> Result<(), GraphError> {
    let kms = spec.kms.as_ref().map(|_| Placeholder::KmsKeyArn.token());
    let group = add_resource(
        g,
        ResourceKind::LogGroup,
        &logs.log_group,
        json!({ "name": logs.log_group, "kms_key_arn": kms }),
        Some(logs.allow_destroy),
    )?;
    add_part(
        g,
        &group,
        ResourceKind::LogGroupRetention,
        json!({ "retention_in_days": logs.retention_days }),
    )?;
    add_part(
        g,
        &group,
        ResourceKind::LogGroupTags,
        tags_value(&spec.tags),
    )?;
    if let Some(k) = &spec.kms
        && k.manage_key_policy
    {
        let key = super::kms::address(spec);
        if g.contains(&key) {
            g.depend(&key, &group, EdgeReason::KeyPolicyChecked)?;
        }
    }
    Ok(())
}
