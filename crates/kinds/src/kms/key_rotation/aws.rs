//! The AWS calls of `kms::key_rotation` (feature `aws`): what it reads, puts and
//! deletes, and how; what the values mean is in the parent module.

use super::KeyRotation;
use crate::aws::{Api, CallError, Clients, Cx, Done, Found, ReadCx, ReadError, Step, read_error};

/// Whether automatic rotation is on for the key (its id or ARN). Every
/// GetKeyRotationStatus ctrail makes (AWS KMS API Reference,
/// GetKeyRotationStatus,
/// https://docs.aws.amazon.com/kms/latest/APIReference/API_GetKeyRotationStatus.html).
pub async fn enabled(c: &Clients, key: &str) -> Result<bool, ReadError> {
    let got = c.kms.get_key_rotation_status().key_id(key).send().await;
    let got = got.map_err(|e| read_error("kms:GetKeyRotationStatus", e))?;
    Ok(got.key_rotation_enabled())
}

/// The key id or ARN the rotation calls take: an alias waits for the
/// read's DescribeKey answer (reading), or the target's key ARN (acting).
/// `None`: the key ctrail is about to create, with no rotation yet.
async fn key_id(rcx: &ReadCx<'_>, key: &str) -> Result<Option<String>, crate::aws::ReadError> {
    if !key.contains("alias/") {
        return Ok(Some(key.to_owned()));
    }
    let ready = rcx.ready().await?;
    let creating = rcx.spec.kms.as_ref().is_some_and(|k| k.create);
    Ok(match ready.keys.arn.clone() {
        Some(arn) => Some(arn),
        None if creating => None,
        None => Some(key.to_owned()),
    })
}

async fn set(cx: &Cx<'_>, name: &str, on: bool) -> Result<(), CallError> {
    let key = cx.key_arn().await?.unwrap_or_else(|| name.to_owned());
    let c = &cx.clients.kms;
    if on {
        let req = c.enable_key_rotation().key_id(&key);
        crate::send!(cx, "kms:EnableKeyRotation", req).await?;
    } else {
        let req = c.disable_key_rotation().key_id(&key);
        crate::send!(cx, "kms:DisableKeyRotation", req).await?;
    }
    Ok(())
}

impl Api for KeyRotation {
    async fn read(rcx: &ReadCx<'_>, names: &[String]) -> Found<Self> {
        let mut out = Vec::new();
        for name in names {
            let Some(key) = key_id(rcx, name).await? else {
                out.push((name.clone(), None));
                continue;
            };
            let enabled = enabled(rcx.clients, &key).await?;
            out.push((name.clone(), Some(KeyRotation { enabled })));
        }
        Ok(out)
    }

    async fn put(cx: &Cx<'_>, step: &Step<'_, Self>) -> Done {
        set(cx, step.name, step.want.enabled).await?;
        Ok(if step.want.enabled {
            "rotation on"
        } else {
            "rotation off"
        })
    }

    /// The key and its rotation belong to its owner: ctrail stops
    /// managing rotation and leaves it as it is (turning it off would
    /// weaken the key for whoever still uses it).
    async fn delete(_: &Cx<'_>, _: &Step<'_, Self>) -> Done {
        Ok("left as it is")
    }
}
