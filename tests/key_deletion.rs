//! The KMS key ctrail creates (`create_kms_key`), against the emulator:
//! `ctrail destroy` schedules it for deletion after taking ctrail's
//! `ctrail:alias` marker off it, and deletes its alias last, so an apply
//! within KMS's 30-day waiting period makes a new key and leaves the dying
//! one as it was; a destroy stopped at any step converges when run again,
//! and an apply after such a stopped destroy makes a new key rather than
//! use the dying one the alias still names; and the search for the key an
//! interrupted create made skips keys that are not `Enabled` and keys whose
//! tags KMS does not show.

mod support;

use serde_json::Value;
use support::emulator::Emulator;
use support::scratch_file;

const ALIAS: &str = "alias/key-window-logs";
const BUCKET: &str = "key-window-logs";
const ALIAS_ADDRESS: &str = "kms_key.alias/key-window-logs";

fn spec(dir: &str) -> String {
    scratch_file(
        dir,
        "spec.yaml",
        &format!(
            "version: 1\nregion: us-east-1\nkms_key_id: {ALIAS}\ncreate_kms_key: true\ntrail:\n  name: key-window\nbucket:\n  name: {BUCKET}\n  allow_destroy: true\ncloudwatch_logs: false\n"
        ),
    )
}

/// A fresh emulator with the spec in `dir` applied: the emulator, the
/// spec and the key its alias names.
fn applied(dir: &str) -> (Emulator, String, String) {
    let em = Emulator::start();
    let spec = spec(dir);
    em.apply(&spec);
    let key = aliased(&em);
    (em, spec, key)
}

/// The key behind the alias.
fn aliased(em: &Emulator) -> String {
    em.cli(
        "kms describe-key --key-id {} --query KeyMetadata.KeyId --output text",
        &[ALIAS],
    )
}

fn metadata(em: &Emulator, key: &str) -> Value {
    let out = em.cli("kms describe-key --key-id {}", &[key]);
    serde_json::from_str::<Value>(&out).expect("describe-key JSON")["KeyMetadata"].clone()
}

fn tags(em: &Emulator, key: &str) -> Value {
    let out = em.cli("kms list-resource-tags --key-id {}", &[key]);
    serde_json::from_str::<Value>(&out).expect("list-resource-tags JSON")["Tags"].clone()
}

fn aliases_of(em: &Emulator, key: &str) -> String {
    em.cli(
        "kms list-aliases --key-id {} --query Aliases[].AliasName --output text",
        &[key],
    )
}

/// `ctrail destroy` with the log data, which must fail (a fault injected):
/// its output.
fn destroy_fails(em: &Emulator, spec: &str) -> String {
    let out = em.try_destroy_with_log_data(spec, BUCKET);
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert_ne!(out.status.code(), Some(0), "destroy: {text}");
    text
}

/// One KMS call refused every time, as AWS would answer it.
fn refuse_always(em: &Emulator, op: &str, code: &str) {
    em.configure(serde_json::json!({"faults": [{
        "op": op, "times": -1, "status": 400, "code": code,
        "message": format!("injected: {op} refused")
    }]}));
}

/// The destroy stopped after ScheduleKeyDeletion, before DeleteAlias: the
/// key pending deletion, its marker gone, its ownership tag kept, the alias
/// still naming it.
fn stopped_before_delete_alias(em: &Emulator, spec: &str, key: &str) {
    refuse_always(em, "kms:DeleteAlias", "AccessDeniedException");
    let text = destroy_fails(em, spec);
    assert!(text.contains("kms:DeleteAlias"), "{text}");
    em.configure(serde_json::json!({}));
    assert_eq!(metadata(em, key)["KeyState"], "PendingDeletion");
    assert_eq!(aliased(em), key, "the alias goes last");
    let t = tags(em, key).to_string();
    assert!(!t.contains("ctrail:alias"), "{t}");
    assert!(
        t.contains("{\"TagKey\":\"ctrail:managed-by\",\"TagValue\":\"key-window\"}"),
        "{t}"
    );
}

#[test]
fn destroy_then_apply_within_the_deletion_window_makes_a_new_key() {
    let (em, spec, first) = applied("key-window");
    assert!(
        tags(&em, &first)
            .to_string()
            .contains("\"TagKey\":\"ctrail:alias\""),
        "{}",
        tags(&em, &first)
    );

    em.destroy_with_log_data(&spec, BUCKET);
    let dying = metadata(&em, &first);
    assert_eq!(dying["KeyState"], "PendingDeletion", "{dying:#}");
    let dying_tags = tags(&em, &first);
    assert!(
        !dying_tags.to_string().contains("ctrail:alias"),
        "the marker is taken off before ScheduleKeyDeletion: {dying_tags}"
    );

    // Within the 30 days: the apply makes a new key and goes through.
    em.apply(&spec);
    let second = aliased(&em);
    assert_ne!(second, first, "the alias went back on the dying key");
    assert_eq!(metadata(&em, &second)["KeyState"], "Enabled");
    let trail = em.cli(
        "cloudtrail get-trail --name key-window --query Trail.KmsKeyId --output text",
        &[],
    );
    assert!(trail.ends_with(&second), "{trail}");
    // The dying key is as destroy left it: pending deletion, no alias, no
    // marker, the same tags.
    assert_eq!(metadata(&em, &first)["KeyState"], "PendingDeletion");
    assert_eq!(metadata(&em, &first)["DeletionDate"], dying["DeletionDate"]);
    assert_eq!(aliases_of(&em, &first).trim(), "");
    assert_eq!(tags(&em, &first), dying_tags);
}

#[test]
fn a_destroy_stopped_at_each_step_converges_when_run_again() {
    let (em, spec, key) = applied("key-rerun");

    // Stopped after UntagResource: ScheduleKeyDeletion refused. The key
    // is still Enabled and aliased, so the next run finds it.
    refuse_always(&em, "kms:ScheduleKeyDeletion", "KMSInvalidStateException");
    let text = destroy_fails(&em, &spec);
    assert!(text.contains("kms:ScheduleKeyDeletion"), "{text}");
    em.configure(serde_json::json!({}));
    assert_eq!(
        metadata(&em, &key)["KeyState"],
        "Enabled",
        "KMSInvalidStateException on a key that is not pending deletion is an error"
    );
    assert_eq!(aliased(&em), key);

    // Stopped after ScheduleKeyDeletion: DeleteAlias refused.
    stopped_before_delete_alias(&em, &spec, &key);
    let dying = metadata(&em, &key);

    // Run again: the key is found by its alias and owned by its tag (the
    // ledger went with the bucket); it is neither untagged nor scheduled
    // again (KMS refuses both on a key pending deletion), only its alias
    // deleted.
    em.reset_counts();
    em.destroy_with_log_data(&spec, BUCKET);
    let counts = em.counts();
    for op in ["kms:ScheduleKeyDeletion", "kms:UntagResource"] {
        assert!(!counts.contains_key(op), "{op}: {counts:?}");
    }
    assert_eq!(counts.get("kms:DeleteAlias"), Some(&1), "{counts:?}");
    let now = metadata(&em, &key);
    assert_eq!(now["KeyState"], "PendingDeletion");
    assert_eq!(now["DeletionDate"], dying["DeletionDate"]);
    assert_eq!(aliases_of(&em, &key).trim(), "");
    assert!(!tags(&em, &key).to_string().contains("ctrail:alias"));

    // Nothing is left, and an apply makes a new key.
    let out = em.destroy_with_log_data(&spec, BUCKET);
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("Nothing to destroy"),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    em.apply(&spec);
    let second = aliased(&em);
    assert_ne!(second, key);
    assert_eq!(metadata(&em, &second)["KeyState"], "Enabled");
    assert_eq!(metadata(&em, &key)["DeletionDate"], dying["DeletionDate"]);
}

#[test]
fn an_apply_after_a_stopped_destroy_makes_a_new_key_not_the_dying_one() {
    let (em, spec, first) = applied("key-stopped");
    stopped_before_delete_alias(&em, &spec, &first);
    let dying = metadata(&em, &first);

    // The plan names the dying key and makes a new one; the key's policy
    // and rotation are for that new key.
    let (code, plan) = em.plan_json(&spec);
    assert_eq!(code, 2, "{plan:#}");
    let actions = plan["actions"].as_array().expect("actions");
    let action = |address: &str| {
        actions
            .iter()
            .find(|a| a["address"] == address)
            .unwrap_or_else(|| panic!("{address} in {plan:#}"))
    };
    let key = action(ALIAS_ADDRESS);
    assert_eq!(key["kind"], "update", "{key:#}");
    assert!(key["changes"].to_string().contains(&first), "{key:#}");
    assert!(
        key["notes"].to_string().contains("pending deletion"),
        "{key:#}"
    );
    for setting in ["kms_key_policy", "kms_key_rotation"] {
        let a = action(&format!("{setting}.{ALIAS}"));
        assert_eq!(a["kind"], "create", "{a:#}");
    }

    em.apply(&spec);
    let second = aliased(&em);
    assert_ne!(second, first, "the apply used the dying key");
    assert_eq!(metadata(&em, &second)["KeyState"], "Enabled");
    let marked = tags(&em, &second).to_string();
    assert!(
        marked.contains("\"TagValue\":\"alias/key-window-logs\""),
        "{marked}"
    );
    let trail = em.cli(
        "cloudtrail get-trail --name key-window --query Trail.KmsKeyId --output text",
        &[],
    );
    assert!(trail.ends_with(&second), "{trail}");
    let (code, plan) = em.plan_json(&spec);
    assert_eq!(code, 0, "{plan:#}");
    // The dying key is as the stopped destroy left it, but for its alias.
    let now = metadata(&em, &first);
    assert_eq!(now["KeyState"], "PendingDeletion");
    assert_eq!(now["DeletionDate"], dying["DeletionDate"]);
    assert_eq!(aliases_of(&em, &first).trim(), "");
}

#[test]
fn the_search_for_an_interrupted_create_skips_unusable_and_unreadable_keys() {
    let em = Emulator::start();
    let spec = spec("key-search");
    let tagged = |description: &str| {
        let tag = format!("TagKey=ctrail:alias,TagValue={ALIAS}");
        em.cli(
            "kms create-key --key-usage ENCRYPT_DECRYPT --description {} --tags {} --query KeyMetadata.KeyId --output text",
            &[description, &tag],
        )
    };
    // Listed first: a key whose tags the caller may not read.
    let unreadable = em.create_kms_key();
    let pending = tagged("pending");
    em.cli(
        "kms schedule-key-deletion --key-id {} --pending-window-in-days 7",
        &[&pending],
    );
    let disabled = tagged("disabled");
    em.cli("kms disable-key --key-id {}", &[&disabled]);
    // The key an earlier create made and never aliased, as ctrail made it.
    let orphan =
        tagged("Encrypts the log files of CloudTrail trail key-window (created by ctrail)");

    em.reset_counts();
    em.configure(serde_json::json!({"faults": [{
        "op": "kms:ListResourceTags", "times": 1, "status": 400,
        "code": "AccessDeniedException",
        "message": "User is not authorized to perform: kms:ListResourceTags"
    }]}));
    em.apply(&spec);
    assert_eq!(em.injected()["injected"], 1, "{}", em.injected());
    assert_eq!(aliased(&em), orphan);
    assert!(
        !em.counts().contains_key("kms:CreateKey"),
        "{:?}",
        em.counts()
    );
    assert_eq!(metadata(&em, &pending)["KeyState"], "PendingDeletion");
    assert_eq!(metadata(&em, &disabled)["KeyState"], "Disabled");
    for key in [&unreadable, &pending, &disabled] {
        assert_eq!(aliases_of(&em, key).trim(), "", "{key}");
    }
}
