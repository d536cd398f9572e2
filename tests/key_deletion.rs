//! The KMS key ctrail creates (`create_kms_key`), against the emulator:
//! `ctrail destroy` schedules it for deletion after taking ctrail's
//! `ctrail:alias` marker off it, so an apply within KMS's 30-day waiting
//! period makes a new key and leaves the dying one as it was; and the search
//! for the key an interrupted create made skips keys that are not `Enabled`
//! and keys whose tags KMS does not show.

mod support;

use serde_json::Value;
use support::emulator::Emulator;
use support::scratch_file;

const ALIAS: &str = "alias/key-window-logs";
const BUCKET: &str = "key-window-logs";

fn spec(dir: &str) -> String {
    scratch_file(
        dir,
        "spec.yaml",
        &format!(
            "version: 1\nregion: us-east-1\nkms_key_id: {ALIAS}\ncreate_kms_key: true\ntrail:\n  name: key-window\nbucket:\n  name: {BUCKET}\n  allow_destroy: true\ncloudwatch_logs: false\n"
        ),
    )
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

#[test]
fn destroy_then_apply_within_the_deletion_window_makes_a_new_key() {
    let em = Emulator::start();
    let spec = spec("key-window");
    em.apply(&spec);
    let first = aliased(&em);
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
