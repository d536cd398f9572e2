//! `kms_key`: the customer managed key ctrail creates (`create_kms_key`)
//! behind the alias `kms_key_id` names: a symmetric encryption key
//! (`SYMMETRIC_DEFAULT`, the only kind CloudTrail, S3, CloudWatch Logs and
//! SNS encrypt with) under KMS's default key policy, to which
//! `kms_key_policy` adds ctrail's statements and `kms_key_rotation` its
//! yearly rotation. It is named by its alias: the key id is random.
//!
//! CreateKey takes no idempotency token, so a create whose answer was lost
//! would make a second key. The key carries the tag `ctrail:alias` with its
//! alias from its creation: a create first looks for a key with that tag
//! (the one an earlier, interrupted create made) and gives it the alias
//! instead. The tag is ctrail's marker, not one of the spec's tags. The
//! search takes only a customer managed key in state `Enabled`: a key
//! pending deletion or disabled cannot encrypt the trail's logs (KMS
//! Developer Guide, "Key states of AWS KMS keys",
//! https://docs.aws.amazon.com/kms/latest/developerguide/key-state.html),
//! and an AWS managed key cannot carry ctrail's tag (KMS API Reference,
//! TagResource: "you cannot tag an AWS managed key",
//! https://docs.aws.amazon.com/kms/latest/APIReference/API_TagResource.html).
//! A key whose tags or description the caller may not read is skipped, not
//! a failure of the search.
//!
//! The key also carries ctrail's ownership tag `ctrail:managed-by`
//! (docs/ownership.md), which, unlike the marker, stays on it until KMS
//! deletes it: a destroy deletes the key together with the log bucket,
//! which holds the ledger, so a destroy run again after one stopped midway
//! finds the key ctrail's by its tag.
//!
//! Deleting the key: UntagResource of the marker, ScheduleKeyDeletion, then
//! DeleteAlias. Each interruption converges on a run again: the alias still
//! names the key until the end, so the next destroy finds it; a key already
//! pending deletion is neither untagged nor scheduled again (both are
//! refused with `KMSInvalidStateException` on such a key, KMS Developer
//! Guide, "Key states of AWS KMS keys", table note "is pending deletion",
//! https://docs.aws.amazon.com/kms/latest/developerguide/key-state.html),
//! only its alias deleted (DeleteAlias works in every state). The marker
//! goes first, while the key is `Enabled`, so that a create never finds a
//! dying key by it.
//!
//! An alias that names a key pending deletion (a destroy stopped before
//! DeleteAlias, or a key scheduled by hand) reads as the key with
//! `pending_deletion_key` set, which the spec never has: the plan shows a
//! change, and the apply makes a new key (or takes the one an interrupted
//! create left) and moves the alias to it with UpdateAlias, which works
//! when the key the alias leaves is pending deletion (same table, note on
//! UpdateAlias). The dying key is left as it is, to its deletion. The
//! reader's context treats such a key as absent too, so the key policy, the
//! rotation and every ARN in the plan are those of the new key.
//!
//! The key decrypts every log file written with it: deleting it (KMS waits
//! 30 days) makes them unreadable, so a plan never deletes it unless the
//! bucket's `allow_destroy` is set.

use std::collections::BTreeMap;

use ctrail_spec::Spec;

use crate::{Desired, Kind, Names, Rules};

#[cfg(feature = "aws")]
mod aws;

/// The tag that marks the key ctrail created for an alias.
pub const ALIAS_TAG: &str = "ctrail:alias";

crate::attributes! {
    pub struct Key {
        /// `alias/<name>`.
        pub alias: String,
        pub description: String,
        pub key_spec: String,
        pub tags: BTreeMap<String, String>,
        /// The id of the key the alias names when that key is pending
        /// deletion; never desired, so such a key is a change, and the
        /// apply makes a new key for the alias.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub pending_deletion_key: Option<String>,
        /// ctrail's ownership tag as found: the trail it names. An
        /// observation (`_`), never compared.
        #[serde(rename = "_owner", default, skip_serializing_if = "Option::is_none")]
        pub owner: Option<String>,
    }
}

impl Kind for Key {
    const PLACE: ctrail_model::Place = ctrail_model::Place::Key;
    const STANDING: crate::Standing = crate::Standing::Resource { prunable: false };

    const RULES: Rules = Rules::NONE.replace_on(&["key_spec"]);

    fn owner(&self) -> Option<&str> {
        self.owner.as_deref()
    }

    /// The key holds its own tags, ctrail's ownership tag among them.
    const TAGS_OF: Option<ctrail_model::ResourceKind> = Some(ctrail_model::ResourceKind::KmsKey);

    fn desired(spec: &Spec, _: &Names<'_>) -> Vec<Desired<Self>> {
        let Some(k) = spec.kms.as_ref().filter(|k| k.create) else {
            return Vec::new();
        };
        let alias = k.key.as_str();
        let value = Key {
            alias: alias.to_owned(),
            description: format!(
                "Encrypts the log files of CloudTrail trail {} (created by ctrail)",
                spec.trail.name
            ),
            key_spec: "SYMMETRIC_DEFAULT".into(),
            tags: spec.tags.clone(),
            pending_deletion_key: None,
            owner: None,
        };
        vec![Desired::new(alias, value).holds_audit_logs(spec.bucket.allow_destroy)]
    }

    fn on_live(&self) -> Vec<String> {
        match &self.pending_deletion_key {
            Some(id) => vec![format!(
                "{} names key {id}, which is pending deletion (a destroy that stopped before deleting the alias, or a deletion scheduled by hand): apply makes a new key and moves the alias to it, leaving {id} to its deletion; to keep {id} instead, run `aws kms cancel-key-deletion --key-id {id}` and `aws kms enable-key --key-id {id}` before applying",
                self.alias
            )],
            None => Vec::new(),
        }
    }
}

/// Whether KMS is deleting the key: `PendingDeletion`, or
/// `PendingReplicaDeletion` for a multi-Region primary key (KMS API
/// Reference, ScheduleKeyDeletion,
/// https://docs.aws.amazon.com/kms/latest/APIReference/API_ScheduleKeyDeletion.html).
#[cfg(feature = "aws")]
pub fn pending_deletion(meta: &aws_sdk_kms::types::KeyMetadata) -> bool {
    use aws_sdk_kms::types::KeyState;
    matches!(
        meta.key_state(),
        Some(KeyState::PendingDeletion | KeyState::PendingReplicaDeletion)
    )
}

/// The spec's key as DescribeKey names it: its id and ARN.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SpecKey {
    pub key_id: String,
    pub arn: Option<String>,
}

/// The spec's key (DescribeKey of `kms.key`, an id, ARN or alias; AWS KMS
/// API Reference, DescribeKey,
/// https://docs.aws.amazon.com/kms/latest/APIReference/API_DescribeKey.html).
/// `None` for a key ctrail creates that does not exist yet, or whose alias
/// still names a key pending deletion (a destroy stopped before
/// DeleteAlias): that is the key the apply is about to create, and the
/// dying key's ARN, policy and rotation are not the spec's. A key the spec
/// names but does not create must exist.
#[cfg(feature = "aws")]
pub async fn of_spec(
    c: &crate::aws::Clients,
    kms: &ctrail_spec::Kms,
) -> Result<Option<SpecKey>, crate::aws::ReadError> {
    use crate::aws::{ReadError, read_error};
    match c.kms.describe_key().key_id(kms.key.as_str()).send().await {
        Ok(out) => Ok(out
            .key_metadata()
            .filter(|m| !(kms.create && pending_deletion(m)))
            .map(|m| SpecKey {
                key_id: m.key_id().to_owned(),
                arn: m.arn().map(str::to_owned),
            })),
        Err(e)
            if e.as_service_error()
                .is_some_and(|s| s.is_not_found_exception()) =>
        {
            match kms.create {
                true => Ok(None),
                false => Err(ReadError::KmsKeyNotFound {
                    key: kms.key.as_str().to_owned(),
                }),
            }
        }
        Err(e) => Err(read_error("kms:DescribeKey", e)),
    }
}

/// A setting of the spec's key: part of the key when ctrail creates it.
pub(crate) fn of_key<T>(kms: &ctrail_spec::Kms, d: Desired<T>) -> Desired<T> {
    if kms.create {
        d.part_of(ctrail_model::ResourceKind::KmsKey)
    } else {
        d
    }
}
