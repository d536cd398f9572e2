//! ctrail's statements in the KMS key policy (Sid prefix `CTrail`); the
//! key's other statements belong to whoever else manages the key. The whole
//! policy is kept as the observation `_document` for the preflight, which
//! judges the key as it will be after apply. The key policy is read even
//! when ctrail does not manage it (`manage_key_policy: false`), so the
//! preflight can judge it.

use aws_sdk_kms::Client;
use ctrail_graph::{Address, ResourceGraph, ResourceKind as K, canonical};
use ctrail_policy::shared::owned_statements;
use ctrail_spec::Spec;
use serde_json::{Value, json};

use super::{Found, names};
use crate::Observed;
use crate::context::Pending;
use crate::error::{ReadError, call_error};

pub(crate) async fn read(
    c: &Client,
    graph: &ResourceGraph,
    spec: &Spec,
    cx: &Pending<'_>,
) -> Result<Found, ReadError> {
    let alias = spec.kms.as_ref().is_some_and(|k| k.key.is_alias());
    let mut found = Vec::new();
    let mut keys = names(graph, K::KmsKeyPolicy);
    if keys.is_empty()
        && let Some(k) = &spec.kms
    {
        keys.push(k.key.as_str().to_owned());
    }
    for key in keys {
        // GetKeyPolicy takes a key id or ARN, not an alias: an alias waits
        // for DescribeKey's answer.
        let id = if alias {
            let ready = cx.clone().await?;
            ready.keys.arn.clone().unwrap_or_else(|| key.clone())
        } else {
            key.clone()
        };
        let out = c
            .get_key_policy()
            .key_id(id)
            .policy_name("default")
            .send()
            .await
            .map_err(|e| call_error("kms:GetKeyPolicy", e))?;
        let policy = out
            .policy()
            .and_then(canonical::parse_policy)
            .unwrap_or(Value::Null);
        found.push((
            Address::new(K::KmsKeyPolicy, &key),
            Observed::Present(json!({
                "key": key,
                "statements": owned_statements(&policy),
                "_document": policy,
            })),
        ));
    }
    Ok(found)
}
