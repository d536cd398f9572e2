//! The IAM role CloudTrail assumes to write to the log group.

use serde_json::json;

use super::{add, add_part, tags_value};
use crate::canonical;
use crate::graph::{GraphError, ResourceGraph};
use crate::policies::{self, Names};
use ctrail_model::{Address, ResourceKind};
use ctrail_spec::{CloudWatchLogs, Spec};

/// The name of the role's inline policy.
pub const INLINE_POLICY_NAME: &str = "CloudTrail-CloudWatchLogs-Delivery";

pub(crate) fn role_address(logs: &CloudWatchLogs) -> Address {
    Address::new(ResourceKind::IamRole, &logs.role_name)
}

pub(crate) fn policy_address(logs: &CloudWatchLogs) -> Address {
    Address::new(ResourceKind::IamRolePolicy, &logs.role_name)
}

pub(crate) fn add_role(
    g: &mut ResourceGraph,
    spec: &Spec,
    names: &Names<'_>,
    logs: &CloudWatchLogs,
) -> Result<(), GraphError> {
    let role = add(
        g,
        ResourceKind::IamRole,
        &logs.role_name,
        json!({
            "name": logs.role_name,
            "path": "/",
            "assume_role_policy": canonical::policy(&policies::with_statements(
                policies::role_trust_policy(names),
                &logs.extra_trust_statements,
            )),
            // Anything else on the role would widen what CloudTrail's role may do.
            "other_inline_policies": [],
            "attached_managed_policies": [],
        }),
    )?;
    add_part(
        g,
        &role,
        ResourceKind::IamRolePolicy,
        json!({
            "policy_name": INLINE_POLICY_NAME,
            "policy": canonical::policy(&policies::with_statements(
                policies::role_logs_policy(names, &logs.log_group),
                &logs.extra_role_statements,
            )),
        }),
    )?;
    add_part(g, &role, ResourceKind::IamRoleTags, tags_value(&spec.tags))?;
    Ok(())
}
