//! `kms_key_policy`: ctrail's statements (Sid prefix `CTrail`) in the
//! customer managed key's policy; the key's other statements belong to
//! whoever else manages the key and are kept as they are. The whole live
//! policy is kept as the observation `_document` for the preflight, which
//! judges the key as it will be after apply; it is read even when ctrail
//! does not manage the policy (`manage_key_policy: false`).

use ctrail_policy::canonical;
use ctrail_spec::{Encryption, Spec};
use serde_json::Value;

use crate::{Compare, Desired, ImportCx, Kind, Names, Rules, SpecField, any_change, policies};

#[cfg(feature = "aws")]
mod aws;

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
        .security_relevant(&[any_change("statements", "who may use the KMS key")]);

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
