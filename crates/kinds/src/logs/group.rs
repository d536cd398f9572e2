//! `log_group`: the CloudWatch Logs log group CloudTrail delivers to,
//! encrypted with the spec's key when it has one. It holds audit logs: a
//! plan never deletes it unless the spec sets `allow_destroy`.

use ctrail_model::placeholder::Placeholder;
use ctrail_model::{Address, EdgeReason, ResourceKind};
use ctrail_spec::Spec;
use serde::{Deserialize, Serialize};

use crate::{Desired, Kind, Names};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LogGroup {
    pub name: String,
    pub kms_key_arn: Option<String>,
}

impl Kind for LogGroup {
    const KIND: ResourceKind = ResourceKind::LogGroup;

    fn desired(spec: &Spec, _: &Names<'_>) -> Vec<Desired<Self>> {
        let Some(l) = &spec.cloudwatch_logs else {
            return Vec::new();
        };
        let value = LogGroup {
            name: l.log_group.clone(),
            kms_key_arn: spec
                .kms
                .as_ref()
                .map(|_| Placeholder::KmsKeyArn.token().to_owned()),
        };
        let mut d = Desired::new(&l.log_group, value).holds_audit_logs(l.allow_destroy);
        // CloudWatch Logs checks the key policy on CreateLogGroup.
        if let Some(k) = spec.kms.as_ref().filter(|k| k.manage_key_policy) {
            d = d.after(
                Address::new(ResourceKind::KmsKeyPolicy, k.key.as_str()),
                EdgeReason::KeyPolicyChecked,
            );
        }
        vec![d]
    }
}

#[cfg(feature = "aws")]
mod aws {
    use super::LogGroup;
    use crate::aws::{Api, CallError, Cx, ReadCx, ReadError, Step, deleted};
    use crate::logs::shared::group;

    impl Api for LogGroup {
        async fn read(
            rcx: &ReadCx<'_>,
            names: &[String],
        ) -> Result<Vec<(String, Option<Self>)>, ReadError> {
            let mut out = Vec::new();
            for name in names {
                let live = match group(rcx, name).await? {
                    None => None,
                    Some(g) => {
                        let ready = rcx.ready().await?;
                        Some(LogGroup {
                            name: name.clone(),
                            kms_key_arn: ready.keys.normalise(g.kms_key_id()),
                        })
                    }
                };
                out.push((name.clone(), live));
            }
            Ok(out)
        }

        /// CreateLogGroup (with the KMS key when the spec has one); an
        /// existing group has its key associated or disassociated to match.
        async fn put(cx: &Cx<'_>, step: &Step<'_, Self>) -> Result<&'static str, CallError> {
            let c = &cx.clients.logs;
            let key = step.want.kms_key_arn.clone();
            if step.creating() {
                let made = crate::aws!(
                    cx,
                    "logs:CreateLogGroup",
                    c.create_log_group()
                        .log_group_name(step.name)
                        .set_kms_key_id(key.clone())
                        .send()
                )
                .await;
                match made {
                    Ok(_) => return Ok("created"),
                    Err(e) if e.code.as_deref() == Some("ResourceAlreadyExistsException") => {}
                    Err(e) => return Err(e),
                }
            }
            match key {
                Some(k) => {
                    crate::aws!(
                        cx,
                        "logs:AssociateKmsKey",
                        c.associate_kms_key()
                            .log_group_name(step.name)
                            .kms_key_id(&k)
                            .send()
                    )
                    .await?;
                    Ok("encryption key associated")
                }
                None => {
                    crate::aws!(
                        cx,
                        "logs:DisassociateKmsKey",
                        c.disassociate_kms_key().log_group_name(step.name).send()
                    )
                    .await?;
                    Ok("encryption key disassociated")
                }
            }
        }

        /// DeleteLogGroup, with every event it holds.
        async fn delete(cx: &Cx<'_>, step: &Step<'_, Self>) -> Result<&'static str, CallError> {
            let c = &cx.clients.logs;
            deleted(
                crate::aws!(
                    cx,
                    "logs:DeleteLogGroup",
                    c.delete_log_group().log_group_name(step.name).send()
                )
                .await,
                "deleted",
                &[],
            )
        }
    }
}
