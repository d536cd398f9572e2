//! `kms_key_policy`: ctrail's statements (Sid prefix `CTrail`) in the
//! customer managed key's policy; the key's other statements belong to
//! whoever else manages the key and are kept as they are. The whole live
//! policy is kept as the observation `_document` for the preflight, which
//! judges the key as it will be after apply; it is read even when ctrail
//! does not manage the policy (`manage_key_policy: false`).

use ctrail_policy::canonical;
use ctrail_spec::{Encryption, Spec};
use serde_json::Value;

use crate::{Compare, Desired, ImportCx, Kind, Names, Rules, Security, SpecField, policies};

crate::attributes! {
    pub struct KeyPolicy {
        /// The key as the spec names it.
        pub key: String,
        /// ctrail's statements.
        pub statements: Value,
        /// The whole live policy (an observation, never diffed).
        #[serde(rename = "_document", default, skip_serializing_if = "Option::is_none")]
        pub document: Option<Value>,
    }
}

impl Kind for KeyPolicy {
    const PLACE: ctrail_model::Place = ctrail_model::Place::Key;
    const RULES: Rules = Rules::NONE
        .compare_by(&[("statements", Compare::Policy)])
        .security_relevant(&[("statements", "who may use the KMS key", Security::AnyChange)]);

    fn desired(spec: &Spec, names: &Names<'_>) -> Vec<Desired<Self>> {
        let Some(kms) = spec.kms.as_ref().filter(|k| k.manage_key_policy) else {
            return Vec::new();
        };
        let log_group = spec.cloudwatch_logs.as_ref().map(|l| l.log_group.as_str());
        // CloudTrail needs kms:Decrypt when the bucket encrypts with this key
        // through an S3 Bucket Key.
        let bucket_key = matches!(
            &spec.bucket.encryption,
            Encryption::SseKms { key, bucket_key: true } if key == &kms.key
        );
        let alarm_topic = spec
            .monitoring
            .alert_topic
            .as_ref()
            .is_some_and(|t| t.encrypted);
        let users = policies::KeyUsers {
            log_group,
            bucket_key,
            alarm_topic,
            readers: &kms.readers,
        };
        let statements = canonical::policy(&policies::kms_statements(names, users));
        let d = Desired::new(
            kms.key.as_str(),
            KeyPolicy {
                key: kms.key.as_str().to_owned(),
                statements,
                document: None,
            },
        );
        vec![crate::kms::key::of_key(kms, d)]
    }

    /// ctrail's statements as found are kept (left out) when they mean the
    /// ones ctrail would write for the imported spec: for its log group,
    /// the bucket's S3 Bucket Key and an encrypted alert topic as found.
    /// Otherwise the key policy is left to whoever keeps it.
    fn import(&self, _name: &str, cx: &ImportCx<'_>) -> Vec<SpecField> {
        let encryption = cx.live::<crate::s3::encryption::Encryption>(cx.names.bucket);
        // As the bucket's fields say it: SSE-KMS with the Bucket Key unless
        // SSE-S3 or SSE-KMS without it was found.
        let bucket_key = encryption.is_none_or(|e| match e.sse_algorithm.as_deref() {
            Some("AES256") => false,
            Some("aws:kms") => e.bucket_key_enabled,
            _ => true,
        });
        let alarm_topic = crate::monitoring::alert_topic::chosen(cx)
            .is_some_and(|(_, t)| t.kms_master_key_id.is_some());
        let users = policies::KeyUsers {
            log_group: cx.log_group(),
            bucket_key,
            alarm_topic,
            readers: &[],
        };
        let ours = cx.resolved(canonical::policy(&policies::kms_statements(
            &cx.names, users,
        )));
        if ctrail_policy::meaning::same_policy(&self.statements, &ours) {
            return Vec::new();
        }
        vec![SpecField::new(
            ctrail_spec::fields::MANAGE_KMS_KEY_POLICY,
            false,
            "found: the key policy does not hold ctrail's statements for this spec as ctrail would write them; false leaves the key policy as it is, to whoever keeps it (the plan's preflight still checks it lets CloudTrail use the key)",
        )]
    }
}

#[cfg(feature = "aws")]
mod aws {

    use serde_json::{Value, json};

    use super::KeyPolicy;
    use crate::aws::{
        Api, CallError, Cx, Done, Found, ReadCx, Step, merge_owned_statements, owned_of,
        read_error, refuse,
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
}
