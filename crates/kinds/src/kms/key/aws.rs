//! The AWS calls of `kms::key` (feature `aws`): what it reads, puts and
//! deletes, and how; what the values mean is in the parent module.

use aws_sdk_kms::types::{KeyManagerType, KeyMetadata, KeySpec, KeyState, KeyUsageType, Tag};
use aws_smithy_runtime_api::client::orchestrator::HttpResponse;
use aws_smithy_runtime_api::client::result::SdkError;
use aws_smithy_types::error::metadata::ProvideErrorMetadata;

use super::{ALIAS_TAG, Key, pending_deletion};
use crate::aws::error::call_error;
use crate::aws::{Api, CallError, Cx, Done, Found, ReadCx, Step, TagChange, read_error, refuse};
use crate::tags::aws_tags;

/// The spec's tags, ctrail's ownership tag naming `trail` and, on a new
/// key, ctrail's marker, as KMS takes them.
fn kms_tags(want: &Key, trail: &str, marker: bool) -> Result<Vec<Tag>, CallError> {
    let tag = |k: &str, v: &str| Tag::builder().tag_key(k).tag_value(v).build();
    let mut set = want.tags.clone();
    set.insert(ctrail_model::OWNER_TAG.into(), trail.to_owned());
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

/// The answer to `operation` on the key `id`, or `None` when KMS refused to
/// show this key to the caller (its key policy does not let it): that key
/// is skipped, with a warning, and the search for `alias`'s key goes on.
fn unless_denied<T, E>(
    operation: &'static str,
    id: &str,
    alias: &str,
    answer: Result<T, SdkError<E, HttpResponse>>,
) -> Result<Option<T>, CallError>
where
    E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
{
    match answer {
        Ok(t) => Ok(Some(t)),
        Err(e) if matches!(e.code(), Some("AccessDeniedException" | "AccessDenied")) => {
            tracing::warn!(
                key = id,
                "{operation} denied; skipping this key in the search for {alias}'s key"
            );
            Ok(None)
        }
        Err(e) => Err(call_error(operation, e)),
    }
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
            let tags = c.list_resource_tags().key_id(id).send().await;
            let Some(tags) = unless_denied("kms:ListResourceTags", id, alias, tags)? else {
                continue;
            };
            let ours = tags
                .tags()
                .iter()
                .any(|t| t.tag_key() == ALIAS_TAG && t.tag_value() == alias);
            if !ours {
                continue;
            }
            let described = c.describe_key().key_id(id).send().await;
            let Some(out) = unless_denied("kms:DescribeKey", id, alias, described)? else {
                continue;
            };
            let meta = out.key_metadata().cloned();
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

/// The key behind the alias, as DescribeKey answers.
async fn key_of(cx: &Cx<'_>, alias: &str) -> Result<KeyMetadata, CallError> {
    let req = cx.clients.kms.describe_key().key_id(alias);
    let out = crate::send!(cx, "kms:DescribeKey", req).await?;
    out.key_metadata()
        .cloned()
        .ok_or_else(|| refuse("kms:DescribeKey", format!("no key behind {alias}")))
}

/// A new key for the alias: the key an earlier, interrupted attempt made
/// (found by its marker), else CreateKey. Each attempt looks first for
/// the key an earlier attempt made, so a lost answer never leaves a
/// second key.
async fn make_key(cx: &Cx<'_>, want: &Key) -> Result<String, CallError> {
    let c = &cx.clients.kms;
    let req = c
        .create_key()
        .description(&want.description)
        .key_spec(KeySpec::from(want.key_spec.as_str()))
        .key_usage(KeyUsageType::EncryptDecrypt)
        .set_tags(Some(kms_tags(want, &cx.target.trail, true)?));
    cx.call("kms:CreateKey", || async {
        if let Some(id) = orphan(c, &want.alias).await? {
            return Ok(id);
        }
        let out = req.clone().send().await;
        let out = out.map_err(|e| call_error("kms:CreateKey", e))?;
        let meta = out.key_metadata();
        let id = meta.map(|m| m.key_id().to_owned());
        id.ok_or_else(|| refuse("kms:CreateKey", "no key id in the answer"))
    })
    .await
}

/// Whether the key `id` is pending deletion now (asked after KMS
/// answered `KMSInvalidStateException`).
async fn now_pending(cx: &Cx<'_>, id: &str) -> Result<bool, CallError> {
    Ok(pending_deletion(&key_of(cx, id).await?))
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
            let mut tags = crate::tags::from_pairs(
                tagged
                    .tags()
                    .iter()
                    .filter(|t| t.tag_key() != ALIAS_TAG)
                    .map(|t| (t.tag_key(), t.tag_value())),
            );
            let owner = tags.remove(ctrail_model::OWNER_TAG);
            Ok(Some(Key {
                alias: alias.clone(),
                description: meta.description().unwrap_or_default().to_owned(),
                key_spec: meta
                    .key_spec()
                    .map(|s| s.as_str().to_owned())
                    .unwrap_or_default(),
                tags,
                pending_deletion_key: pending_deletion(&meta).then(|| meta.key_id().to_owned()),
                owner,
            }))
        })
        .await
    }

    /// CreateKey (or the key an interrupted create left) and CreateAlias;
    /// an alias naming a key pending deletion gets a new key the same
    /// way and UpdateAlias; an existing key has its description and
    /// tags set to match.
    async fn put(cx: &Cx<'_>, step: &Step<'_, Self>) -> Done {
        let c = &cx.clients.kms;
        let want = &step.want;
        if step.creating() {
            let id = make_key(cx, want).await?;
            let req = c.create_alias().alias_name(&want.alias).target_key_id(&id);
            match crate::send!(cx, "kms:CreateAlias", req).await {
                Ok(_) => {}
                // The alias an earlier attempt made (its answer lost).
                Err(e) if e.code.as_deref() == Some("AlreadyExistsException") => {}
                Err(e) => return Err(e),
            }
            return Ok("created");
        }
        let meta = key_of(cx, &want.alias).await?;
        if pending_deletion(&meta) {
            // UpdateAlias may move an alias off a key pending deletion
            // (KMS Developer Guide, "Key states of AWS KMS keys"; KMS API
            // Reference, UpdateAlias,
            // https://docs.aws.amazon.com/kms/latest/APIReference/API_UpdateAlias.html).
            // Sent again, it names the same key: nothing changes.
            let id = make_key(cx, want).await?;
            let req = c.update_alias().alias_name(&want.alias).target_key_id(&id);
            crate::send!(cx, "kms:UpdateAlias", req).await?;
            return Ok("created a new key; the alias moved off the key pending deletion");
        }
        let id = meta.key_id().to_owned();
        if step.changes.iter().any(|ch| ch.path == "description") {
            let req = c
                .update_key_description()
                .key_id(&id)
                .description(&want.description);
            crate::send!(cx, "kms:UpdateKeyDescription", req).await?;
        }
        let change = TagChange::of(step, &want.tags);
        let remove: Vec<String> = change
            .remove
            .into_iter()
            .filter(|k| k != ctrail_model::OWNER_TAG)
            .collect();
        if !remove.is_empty() {
            let req = c.untag_resource().key_id(&id).set_tag_keys(Some(remove));
            crate::send!(cx, "kms:UntagResource", req).await?;
        }
        // The spec's changed tags, and ctrail's ownership tag (a key
        // made before ctrail tagged its keys gets it here).
        let set = Key {
            tags: change.set,
            ..want.clone()
        };
        let set = kms_tags(&set, &cx.target.trail, false)?;
        let req = c.tag_resource().key_id(&id).set_tags(Some(set));
        crate::send!(cx, "kms:TagResource", req).await?;
        Ok("updated")
    }

    /// UntagResource of ctrail's `ctrail:alias` marker, ScheduleKeyDeletion
    /// with KMS's longest waiting period (30 days), in which
    /// CancelKeyDeletion brings it back, then DeleteAlias. The alias goes
    /// last, so a destroy stopped at any point finds the key again by
    /// it; a key already pending deletion (a destroy stopped after
    /// ScheduleKeyDeletion) only loses its alias: KMS refuses to untag
    /// or schedule such a key (`KMSInvalidStateException`, "Key states
    /// of AWS KMS keys"), and its marker went before it was scheduled.
    async fn delete(cx: &Cx<'_>, step: &Step<'_, Self>) -> Done {
        let c = &cx.clients.kms;
        let alias = &step.want.alias;
        let meta = match key_of(cx, alias).await {
            Ok(meta) => meta,
            Err(e) if crate::aws::gone(&e, &[]) => return Ok("already gone"),
            Err(e) => return Err(e),
        };
        let id = meta.key_id().to_owned();
        let scheduled_now = !pending_deletion(&meta);
        if scheduled_now {
            // UntagResource of a tag key the key lacks succeeds (KMS API
            // Reference, UntagResource), so a repeated delete is safe.
            let req = c.untag_resource().key_id(&id).tag_keys(ALIAS_TAG);
            crate::send!(cx, "kms:UntagResource", req).await?;
            let req = c
                .schedule_key_deletion()
                .key_id(&id)
                .pending_window_in_days(30);
            match crate::send!(cx, "kms:ScheduleKeyDeletion", req).await {
                Ok(_) => {}
                // KMS API Reference, ScheduleKeyDeletion, Errors:
                // KMSInvalidStateException, "the state of the specified
                // resource is not valid for this request"; the key-state
                // table gives it for a key already pending deletion (a
                // retry whose first answer was lost). That is done; any
                // other state is the error it says.
                Err(e) if e.code.as_deref() == Some("KMSInvalidStateException") => {
                    if !now_pending(cx, &id).await? {
                        return Err(e);
                    }
                }
                Err(e) => return Err(e),
            }
        }
        // DeleteAlias works on a key in any state (key-state table); a
        // retry whose first answer was lost finds the alias gone.
        let req = c.delete_alias().alias_name(alias);
        match crate::send!(cx, "kms:DeleteAlias", req).await {
            Ok(_) => {}
            Err(e) if crate::aws::gone(&e, &[]) => {}
            Err(e) => return Err(e),
        }
        Ok(if scheduled_now {
            "deletion scheduled (30 days)"
        } else {
            "deletion was already scheduled; alias deleted"
        })
    }

    /// ctrail's ownership tag on the key the alias names (adopting it).
    async fn mark(cx: &Cx<'_>, name: &str) -> Result<(), CallError> {
        let id = key_of(cx, name).await?.key_id().to_owned();
        let owner = [(ctrail_model::OWNER_TAG.to_owned(), cx.target.trail.clone())];
        let tag = |k: &str, v: &str| Tag::builder().tag_key(k).tag_value(v).build();
        let set = aws_tags("kms:TagResource", owner.iter().map(|(k, v)| (k, v)), tag)?;
        let req = cx
            .clients
            .kms
            .tag_resource()
            .key_id(&id)
            .set_tags(Some(set));
        crate::send!(cx, "kms:TagResource", req).await?;
        Ok(())
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

    #[test]
    fn a_key_pending_deletion_behind_the_alias_is_named_in_the_plan() {
        use crate::kms::key::{Key, pending_deletion};
        let dying = key(KeyManagerType::Customer, KeyState::PendingDeletion);
        assert!(pending_deletion(&dying));
        for state in [KeyState::Enabled, KeyState::Disabled] {
            assert!(!pending_deletion(&key(KeyManagerType::Customer, state)));
        }
        let live = Key {
            alias: "alias/logs".into(),
            description: String::new(),
            key_spec: "SYMMETRIC_DEFAULT".into(),
            tags: Default::default(),
            pending_deletion_key: Some(dying.key_id().to_owned()),
            owner: Some("trail".into()),
        };
        let notes = crate::Kind::on_live(&live);
        assert_eq!(notes.len(), 1);
        assert!(notes[0].contains("apply makes a new key"), "{notes:?}");
        assert!(notes[0].contains(dying.key_id()), "{notes:?}");
        // Never desired: a live key pending deletion is a change; the
        // ownership tag is an observation, never compared.
        let json = serde_json::to_value(&live).expect("json");
        assert!(json.get("pending_deletion_key").is_some());
        assert_eq!(json["_owner"], "trail");
        let enabled = Key {
            pending_deletion_key: None,
            owner: None,
            ..live
        };
        let json = serde_json::to_value(&enabled).expect("json");
        assert!(json.get("pending_deletion_key").is_none() && json.get("_owner").is_none());
    }
}
