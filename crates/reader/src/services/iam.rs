//! The CloudWatch Logs role: its trust policy and tags, its inline delivery
//! policy, and any other policy attached to it (which would widen it).

use aws_sdk_iam::Client;
use ctrail_graph::{Address, INLINE_POLICY_NAME, ResourceGraph, ResourceKind as K, canonical};
use serde_json::json;

use super::{Found, all_absent, names, tags};
use crate::Observed;
use crate::error::{ReadError, absent_if_not_found};

const KINDS: &[K] = &[K::IamRole, K::IamRolePolicy, K::IamRoleTags];

pub(crate) async fn read(c: &Client, graph: &ResourceGraph) -> Result<Found, ReadError> {
    let mut found = Vec::new();
    for role in names(graph, K::IamRole) {
        found.extend(read_role(c, &role).await?);
    }
    Ok(found)
}

async fn read_role(c: &Client, name: &str) -> Result<Found, ReadError> {
    let (role, policy, inline, attached) = tokio::join!(
        c.get_role().role_name(name).send(),
        c.get_role_policy()
            .role_name(name)
            .policy_name(INLINE_POLICY_NAME)
            .send(),
        c.list_role_policies().role_name(name).send(),
        c.list_attached_role_policies().role_name(name).send(),
    );
    let Some(role) = absent_if_not_found("iam:GetRole", role, &[])?.and_then(|r| r.role().cloned())
    else {
        return Ok(all_absent(name, KINDS));
    };
    let mut other_inline: Vec<String> = absent_if_not_found("iam:ListRolePolicies", inline, &[])?
        .map(|l| {
            l.policy_names()
                .iter()
                .filter(|p| *p != INLINE_POLICY_NAME)
                .cloned()
                .collect()
        })
        .unwrap_or_default();
    other_inline.sort();
    let mut attached: Vec<String> =
        absent_if_not_found("iam:ListAttachedRolePolicies", attached, &[])?
            .map(|l| {
                l.attached_policies()
                    .iter()
                    .filter_map(|p| p.policy_arn())
                    .map(str::to_owned)
                    .collect()
            })
            .unwrap_or_default();
    attached.sort();
    let present = |k: K, v| (Address::new(k, name), Observed::Present(v));
    let mut found = vec![
        present(
            K::IamRole,
            json!({
                "name": role.role_name(),
                "path": role.path(),
                "assume_role_policy": role.assume_role_policy_document().and_then(canonical::parse_policy),
                "other_inline_policies": other_inline,
                "attached_managed_policies": attached,
            }),
        ),
        present(
            K::IamRoleTags,
            tags(role.tags().iter().map(|t| (t.key(), t.value()))),
        ),
    ];
    found.push(
        match absent_if_not_found("iam:GetRolePolicy", policy, &[])? {
            Some(p) => present(
                K::IamRolePolicy,
                json!({
                    "policy_name": p.policy_name(),
                    "policy": canonical::parse_policy(p.policy_document()),
                }),
            ),
            None => (Address::new(K::IamRolePolicy, name), Observed::Absent),
        },
    );
    Ok(found)
}
