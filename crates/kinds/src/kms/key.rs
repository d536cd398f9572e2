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
//! Deleting the key removes the tag first: ScheduleKeyDeletion keeps the
//! key for its waiting period (KMS API Reference, ScheduleKeyDeletion,
//! https://docs.aws.amazon.com/kms/latest/APIReference/API_ScheduleKeyDeletion.html),
//! and a key still tagged would be found again by the next create, which
//! would put the alias back on a key CloudTrail cannot use.
//!
//! The key decrypts every log file written with it: deleting it (KMS waits
//! 30 days) makes them unreadable, so a plan never deletes it unless the
//! bucket's `allow_destroy` is set.

use std::collections::BTreeMap;

use ctrail_spec::Spec;

use crate::{Desired, Kind, Names, Rules};

/// The tag that marks the key ctrail created for an alias.
pub const ALIAS_TAG: &str = "ctrail:alias";

crate::attributes! {
    pub struct Key {
        /// `alias/<name>`.
        pub alias: String,
        pub description: String,
        pub key_spec: String,
        pub tags: BTreeMap<String, String>,
    }
}

impl Kind for Key {
    const STANDING: crate::Standing = crate::Standing::Resource { prunable: false };

    const RULES: Rules = Rules::NONE.replace_on(&["key_spec"]);

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
        };
        vec![Desired::new(alias, value).holds_audit_logs(spec.bucket.allow_destroy)]
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

#[cfg(feature = "aws")]
mod aws {
    use aws_sdk_kms::types::{KeyManagerType, KeyMetadata, KeySpec, KeyState, KeyUsageType, Tag};
    use aws_smithy_types::error::metadata::ProvideErrorMetadata;

    use super::{ALIAS_TAG, Key};
    use crate::aws::error::call_error;
    use crate::aws::{
        Api, CallError, Cx, Done, Found, ReadCx, Step, TagChange, read_error, refuse,
    };
    use crate::tags::aws_tags;

    /// The spec's tags and ctrail's marker, as KMS takes them.
    fn kms_tags(want: &Key, marker: bool) -> Result<Vec<Tag>, CallError> {
        let tag = |k: &str, v: &str| Tag::builder().tag_key(k).tag_value(v).build();
        let mut set = want.tags.clone();
        if marker {
            set.insert(ALIAS_TAG.into(), want.alias.clone());
        }
        aws_tags("kms:TagResource", &set, tag)
    }

    /// Why a key tagged for the alias cannot be the one to reuse: an AWS
    /// managed key, or one not `Enabled` (pending deletion, disabled,
    /// pending import, unavailable); `None` when it can.
    fn unusable(meta: &KeyMetadata) -> Option<String> {
        if meta.key_manager() != Some(&KeyManagerType::Customer) {
            return Some("an AWS managed key".into());
        }
        match meta.key_state() {
            Some(KeyState::Enabled) => None,
            Some(state) => Some(format!("in state {}", state.as_str())),
            None => Some("in no state KMS names".into()),
        }
    }

    /// Whether KMS refused to show this key to the caller (its key policy
    /// does not let it): that key is skipped, the search goes on.
    fn denied(code: Option<&str>) -> bool {
        matches!(code, Some("AccessDeniedException" | "AccessDenied"))
    }

    /// The key an earlier create made for `alias` and never aliased (its
    /// answer lost, or the apply stopped before CreateAlias): a customer
    /// managed, `Enabled` key carrying `ctrail:alias = alias`. A key whose
    /// tags or metadata KMS does not show is skipped. One attempt: the
    /// caller's retry policy repeats it.
    async fn orphan(c: &aws_sdk_kms::Client, alias: &str) -> Result<Option<String>, CallError> {
        let mut pages = c.list_keys().into_paginator().send();
        while let Some(page) = pages.next().await {
            let page = page.map_err(|e| call_error("kms:ListKeys", e))?;
            for key in page.keys() {
                let Some(id) = key.key_id() else { continue };
                let tags = match c.list_resource_tags().key_id(id).send().await {
                    Ok(t) => t,
                    Err(e) if denied(e.code()) => {
                        tracing::warn!(
                            key = id,
                            "kms:ListResourceTags denied; skipping this key in the search for {alias}'s key"
                        );
                        continue;
                    }
                    Err(e) => return Err(call_error("kms:ListResourceTags", e)),
                };
                let ours = tags
                    .tags()
                    .iter()
                    .any(|t| t.tag_key() == ALIAS_TAG && t.tag_value() == alias);
                if !ours {
                    continue;
                }
                let meta = match c.describe_key().key_id(id).send().await {
                    Ok(out) => out.key_metadata().cloned(),
                    Err(e) if denied(e.code()) => {
                        tracing::warn!(
                            key = id,
                            "kms:DescribeKey denied; skipping this key in the search for {alias}'s key"
                        );
                        continue;
                    }
                    Err(e) => return Err(call_error("kms:DescribeKey", e)),
                };
                match meta.as_ref().map(unusable) {
                    Some(None) => return Ok(Some(id.to_owned())),
                    Some(Some(why)) => {
                        tracing::info!(key = id, "tagged for {alias} but {why}; not reused");
                    }
                    None => {}
                }
            }
        }
        Ok(None)
    }

    /// The key behind the alias, as DescribeKey and ListResourceTags answer.
    async fn key_id(cx: &Cx<'_>, alias: &str) -> Result<String, CallError> {
        let req = cx.clients.kms.describe_key().key_id(alias);
        let out = crate::send!(cx, "kms:DescribeKey", req).await?;
        out.key_metadata()
            .map(|m| m.key_id().to_owned())
            .ok_or_else(|| refuse("kms:DescribeKey", format!("no key behind {alias}")))
    }

    impl Api for Key {
        async fn read(rcx: &ReadCx<'_>, names: &[String]) -> Found<Self> {
            let c = &rcx.clients.kms;
            rcx.each(names, |alias| async move {
                let got = c.describe_key().key_id(&alias).send().await;
                let meta = match got {
                    Ok(out) => out.key_metadata().cloned(),
                    Err(e)
                        if e.as_service_error()
                            .is_some_and(|s| s.is_not_found_exception()) =>
                    {
                        None
                    }
                    Err(e) => return Err(read_error("kms:DescribeKey", e)),
                };
                let Some(meta) = meta else {
                    return Ok(None);
                };
                let tagged = c.list_resource_tags().key_id(meta.key_id()).send().await;
                let tagged = tagged.map_err(|e| read_error("kms:ListResourceTags", e))?;
                let tags = tagged
                    .tags()
                    .iter()
                    .filter(|t| t.tag_key() != ALIAS_TAG)
                    .map(|t| (t.tag_key(), t.tag_value()));
                Ok(Some(Key {
                    alias: alias.clone(),
                    description: meta.description().unwrap_or_default().to_owned(),
                    key_spec: meta
                        .key_spec()
                        .map(|s| s.as_str().to_owned())
                        .unwrap_or_default(),
                    tags: crate::tags::from_pairs(tags),
                }))
            })
            .await
        }

        /// CreateKey (or the key an interrupted create left) and CreateAlias;
        /// an existing key has its description and tags set to match.
        async fn put(cx: &Cx<'_>, step: &Step<'_, Self>) -> Done {
            let c = &cx.clients.kms;
            let want = &step.want;
            if step.creating() {
                // Each attempt looks first for the key an earlier attempt
                // made, so a lost answer never leaves a second key.
                let req = c
                    .create_key()
                    .description(&want.description)
                    .key_spec(KeySpec::from(want.key_spec.as_str()))
                    .key_usage(KeyUsageType::EncryptDecrypt)
                    .set_tags(Some(kms_tags(want, true)?));
                let id = cx
                    .call("kms:CreateKey", || async {
                        if let Some(id) = orphan(c, &want.alias).await? {
                            return Ok(id);
                        }
                        let out = req.clone().send().await;
                        let out = out.map_err(|e| call_error("kms:CreateKey", e))?;
                        let meta = out.key_metadata();
                        let id = meta.map(|m| m.key_id().to_owned());
                        id.ok_or_else(|| refuse("kms:CreateKey", "no key id in the answer"))
                    })
                    .await?;
                let req = c.create_alias().alias_name(&want.alias).target_key_id(&id);
                match crate::send!(cx, "kms:CreateAlias", req).await {
                    Ok(_) => {}
                    // The alias an earlier attempt made (its answer lost).
                    Err(e) if e.code.as_deref() == Some("AlreadyExistsException") => {}
                    Err(e) => return Err(e),
                }
                return Ok("created");
            }
            let id = key_id(cx, &want.alias).await?;
            if step.changes.iter().any(|ch| ch.path == "description") {
                let req = c
                    .update_key_description()
                    .key_id(&id)
                    .description(&want.description);
                crate::send!(cx, "kms:UpdateKeyDescription", req).await?;
            }
            let change = TagChange::of(step, &want.tags);
            if !change.remove.is_empty() {
                let req = c
                    .untag_resource()
                    .key_id(&id)
                    .set_tag_keys(Some(change.remove));
                crate::send!(cx, "kms:UntagResource", req).await?;
            }
            let set = Key {
                tags: change.set,
                ..want.clone()
            };
            let set = kms_tags(&set, false)?;
            if !set.is_empty() {
                let req = c.tag_resource().key_id(&id).set_tags(Some(set));
                crate::send!(cx, "kms:TagResource", req).await?;
            }
            Ok("updated")
        }

        /// UntagResource of ctrail's `ctrail:alias` marker, DeleteAlias, then
        /// ScheduleKeyDeletion with KMS's longest waiting period (30 days),
        /// in which CancelKeyDeletion brings it back. The marker goes first,
        /// while the key is still `Enabled` (the key-state table lets
        /// TagResource and UntagResource run on an Enabled key; whether a key
        /// pending deletion may be untagged does not matter then): a later
        /// create must make a new key, never find this dying one.
        async fn delete(cx: &Cx<'_>, step: &Step<'_, Self>) -> Done {
            let c = &cx.clients.kms;
            let id = match key_id(cx, &step.want.alias).await {
                Ok(id) => id,
                Err(e) if crate::aws::gone(&e, &[]) => return Ok("already gone"),
                Err(e) => return Err(e),
            };
            // UntagResource of a tag key the key lacks succeeds (KMS API
            // Reference, UntagResource), so a repeated delete is safe.
            let req = c.untag_resource().key_id(&id).tag_keys(ALIAS_TAG);
            crate::send!(cx, "kms:UntagResource", req).await?;
            let req = c.delete_alias().alias_name(&step.want.alias);
            crate::send!(cx, "kms:DeleteAlias", req).await?;
            let req = c
                .schedule_key_deletion()
                .key_id(&id)
                .pending_window_in_days(30);
            crate::send!(cx, "kms:ScheduleKeyDeletion", req).await?;
            Ok("deletion scheduled (30 days)")
        }
    }

    #[cfg(test)]
    mod tests {
        use aws_sdk_kms::types::{KeyManagerType, KeyMetadata, KeyState};

        use super::unusable;

        fn key(manager: KeyManagerType, state: KeyState) -> KeyMetadata {
            KeyMetadata::builder()
                .key_id("1234abcd-12ab-34cd-56ef-1234567890ab")
                .key_manager(manager)
                .key_state(state)
                .build()
                .expect("key metadata")
        }

        #[test]
        fn only_an_enabled_customer_managed_key_is_reused() {
            assert_eq!(
                unusable(&key(KeyManagerType::Customer, KeyState::Enabled)),
                None
            );
            for (state, why) in [
                (KeyState::PendingDeletion, "in state PendingDeletion"),
                (KeyState::Disabled, "in state Disabled"),
                (KeyState::PendingImport, "in state PendingImport"),
            ] {
                assert_eq!(
                    unusable(&key(KeyManagerType::Customer, state)).as_deref(),
                    Some(why)
                );
            }
            assert_eq!(
                unusable(&key(KeyManagerType::Aws, KeyState::Enabled)).as_deref(),
                Some("an AWS managed key")
            );
        }
    }
}
