//! The AWS calls of `kms::key_policy` (feature `aws`): what it reads, puts and
//! deletes, and how; what the values mean is in the parent module.

use serde_json::{Value, json};

use super::KeyPolicy;
use crate::aws::{
    Api, CallError, Cx, Done, Found, ReadCx, Step, merge_owned_statements, owned_of, read_error,
    refuse,
};

/// Swaps `owned` in for ctrail's statements in the key policy.
async fn swap(cx: &Cx<'_>, name: &str, owned: &Value) -> Result<(), CallError> {
    let c = &cx.clients.kms;
    let key = cx.key_arn().await?.unwrap_or_else(|| name.to_owned());
    let req = c.get_key_policy().key_id(&key).policy_name("default");
    let current = crate::send!(cx, "kms:GetKeyPolicy", req).await?;
    let merged = merge_owned_statements(current.policy(), owned)
        .map_err(|e| refuse("kms:PutKeyPolicy", e.to_string()))?;
    let req = c
        .put_key_policy()
        .key_id(&key)
        .policy_name("default")
        .policy(&merged);
    crate::send!(cx, "kms:PutKeyPolicy", req).await?;
    Ok(())
}

impl KeyPolicy {
    /// ctrail's statements of the key's policy, and the whole policy as
    /// the observation `_document`.
    pub(crate) fn from_aws(key: &str, policy: Option<&str>) -> Self {
        let (statements, document) = owned_of(policy);
        KeyPolicy {
            key: key.to_owned(),
            statements,
            document,
        }
    }
}

impl Api for KeyPolicy {
    async fn read(rcx: &ReadCx<'_>, names: &[String]) -> Found<Self> {
        let c = &rcx.clients.kms;
        let alias = rcx.spec.kms.as_ref().is_some_and(|k| k.key.is_alias());
        let mut keys = names.to_vec();
        if keys.is_empty()
            && let Some(k) = &rcx.spec.kms
        {
            keys.push(k.key.as_str().to_owned());
        }
        let mut out = Vec::new();
        for key in keys {
            // GetKeyPolicy takes a key id or ARN, not an alias: an alias
            // waits for DescribeKey's answer.
            let id = if alias {
                let ready = rcx.ready().await?;
                match ready.keys.arn.clone() {
                    Some(arn) => arn,
                    // The key ctrail is about to create has no policy yet.
                    None if rcx.spec.kms.as_ref().is_some_and(|k| k.create) => {
                        out.push((key, None));
                        continue;
                    }
                    None => key.clone(),
                }
            } else {
                key.clone()
            };
            let got = c
                .get_key_policy()
                .key_id(id)
                .policy_name("default")
                .send()
                .await
                .map_err(|e| read_error("kms:GetKeyPolicy", e))?;
            let live = KeyPolicy::from_aws(&key, got.policy());
            out.push((key, Some(live)));
        }
        Ok(out)
    }

    async fn put(cx: &Cx<'_>, step: &Step<'_, Self>) -> Done {
        swap(cx, step.name, &step.want.statements).await?;
        Ok("statements set")
    }

    /// Takes ctrail's statements out; the key and its other statements stay.
    async fn delete(cx: &Cx<'_>, step: &Step<'_, Self>) -> Done {
        swap(cx, step.name, &json!([])).await?;
        Ok("statements removed")
    }
}
