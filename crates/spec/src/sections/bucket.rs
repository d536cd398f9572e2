//! The `bucket` section: the S3 bucket that stores the trail's log files.

use serde::Serialize;

use super::Cx;
use crate::decode::{self, Field};
use crate::defaults;
use crate::model::{Encryption, KmsKeyRef, LifecycleRule, PublicAccessBlock, Transition};
use crate::rules;
use crate::yaml::Kind;

/// The log bucket, its settings expanded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Bucket {
    pub name: String,
    pub versioning: bool,
    pub public_access_block: PublicAccessBlock,
    pub encryption: Encryption,
    pub lifecycle: Vec<LifecycleRule>,
    /// Whether a plan may ever delete this bucket (it holds the audit logs).
    pub allow_destroy: bool,
    /// Statements of the user's own, appended to the generated bucket policy.
    pub extra_policy_statements: Vec<serde_json::Value>,
    /// S3 Object Ownership; `BucketOwnerEnforced` disables ACLs.
    pub object_ownership: String,
}

const OWNERSHIP: [&str; 3] = [
    "BucketOwnerEnforced",
    "BucketOwnerPreferred",
    "ObjectWriter",
];

const KEYS: &[&str] = &[
    "name",
    "versioning",
    "public_access_block",
    "bucket_key",
    "lifecycle",
    "allow_destroy",
    "extra_policy_statements",
    "object_ownership",
];
const PAB_KEYS: &[&str] = &[
    "block_public_acls",
    "ignore_public_acls",
    "block_public_policy",
    "restrict_public_buckets",
];
const RULE_KEYS: &[&str] = &[
    "id",
    "enabled",
    "prefix",
    "transitions",
    "expiration_days",
    "noncurrent_version_expiration_days",
    "abort_incomplete_multipart_upload_days",
];
const TRANSITION_KEYS: &[&str] = &["days", "storage_class"];
const STORAGE_CLASSES: &[&str] = &[
    "STANDARD_IA",
    "ONEZONE_IA",
    "INTELLIGENT_TIERING",
    "GLACIER_IR",
    "GLACIER",
    "DEEP_ARCHIVE",
];
/// S3 keeps objects at least this long before moving them to an IA class.
const MIN_IA_DAYS: u32 = 30;
const MAX_DAYS: i128 = 36_500;

pub(crate) fn read(cx: &mut Cx<'_>, f: Field<'_>, kms: Option<&KmsKeyRef>) -> Option<Bucket> {
    let fields = decode::mapping(cx.sink, f, KEYS)?;
    let name = cx.required(&fields, "bucket", "name");
    if let Some(n) = &name {
        cx.check(n, rules::names::bucket_name(&n.value));
        if n.value.contains('.') {
            cx.sink
                .warning(
                    n.loc,
                    &n.path,
                    "dots in bucket names break virtual-hosted-style HTTPS",
                )
                .help("prefer hyphens");
        }
    }
    let versioning = cx.bool_or(&fields, "versioning", true);
    cx.warn_if_off(
        &fields,
        "versioning",
        versioning,
        "overwritten or deleted log files cannot be recovered",
    );
    let public_access_block = read_pab(cx, fields.get("public_access_block"));
    let bucket_key = cx.bool_or(&fields, "bucket_key", true);
    if kms.is_none()
        && let Some(bf) = fields.get("bucket_key")
    {
        cx.sink.warning(
            bf.at(),
            bf.path,
            "`bucket_key` only applies to SSE-KMS; no kms_key_id is set",
        );
    }
    let lifecycle = match fields.get("lifecycle") {
        None => Some(vec![defaults::lifecycle_rule()]),
        Some(lf) => read_lifecycle(cx, lf),
    };
    let allow_destroy = cx.bool_or(&fields, "allow_destroy", false);
    let encryption = match kms {
        Some(key) => Encryption::SseKms {
            key: key.clone(),
            bucket_key,
        },
        None => Encryption::SseS3,
    };
    let extra_policy_statements = super::statements::read(
        cx,
        fields.get("extra_policy_statements"),
        super::statements::Document::Resource,
    );
    let ownership = cx.string(&fields, "object_ownership");
    if let Some(o) = ownership.as_ref().filter(|o| o.value != OWNERSHIP[0]) {
        let (sink, what) = (&mut *cx.sink, format!("object ownership `{}`", o.value));
        match OWNERSHIP.contains(&o.value.as_str()) {
            true => sink.warning(o.loc, &o.path, format!("{what} keeps ACLs on")),
            false => sink.error(o.loc, &o.path, format!("unknown {what}")),
        }
        .help(format!(
            "allowed: {} (the default disables ACLs)",
            OWNERSHIP.join(", ")
        ));
    }
    Some(Bucket {
        object_ownership: ownership.map_or_else(|| OWNERSHIP[0].into(), |o| o.value),
        name: name?.value,
        versioning,
        public_access_block,
        encryption,
        lifecycle: lifecycle?,
        allow_destroy,
        extra_policy_statements: extra_policy_statements?,
    })
}

/// `public_access_block: true` (all four settings), `false`, or a mapping.
fn read_pab(cx: &mut Cx<'_>, f: Option<Field<'_>>) -> PublicAccessBlock {
    let Some(f) = f else {
        return PublicAccessBlock::ALL;
    };
    let off = |all: bool| PublicAccessBlock {
        block_public_acls: all,
        ignore_public_acls: all,
        block_public_policy: all,
        restrict_public_buckets: all,
    };
    let pab = match &f.node.kind {
        Kind::Bool(b) => off(*b),
        _ => {
            let Some(fields) = decode::mapping(cx.sink, f, PAB_KEYS) else {
                return PublicAccessBlock::ALL;
            };
            PublicAccessBlock {
                block_public_acls: cx.bool_or(&fields, "block_public_acls", true),
                ignore_public_acls: cx.bool_or(&fields, "ignore_public_acls", true),
                block_public_policy: cx.bool_or(&fields, "block_public_policy", true),
                restrict_public_buckets: cx.bool_or(&fields, "restrict_public_buckets", true),
            }
        }
    };
    if pab != PublicAccessBlock::ALL {
        cx.sink
            .warning(
                f.at(),
                f.path,
                "public access is not fully blocked on the audit log bucket",
            )
            .help("audit logs should never be public; keep all four settings on");
    }
    pab
}

fn read_lifecycle(cx: &mut Cx<'_>, f: Field<'_>) -> Option<Vec<LifecycleRule>> {
    let items = decode::list(cx.sink, f)?;
    let before = cx.sink.error_count();
    let mut out: Vec<LifecycleRule> = Vec::new();
    for item in &items {
        let Some(fields) = decode::mapping(cx.sink, item.field(), RULE_KEYS) else {
            continue;
        };
        let Some(id) = cx.required(&fields, &item.path, "id") else {
            continue;
        };
        if id.value.is_empty() || id.value.chars().count() > 255 {
            cx.sink
                .error(id.loc, &id.path, "rule ids are 1-255 characters");
        } else if out.iter().any(|r| r.id == id.value) {
            cx.sink.error(
                id.loc,
                &id.path,
                format!("rule id \"{}\" is used twice", id.value),
            );
        }
        let enabled = cx.bool_or(&fields, "enabled", true);
        let prefix = cx
            .string(&fields, "prefix")
            .map(|p| p.value)
            .unwrap_or_default();
        let days = |cx: &mut Cx<'_>, key: &str| {
            fields
                .get(key)
                .and_then(|df| decode::integer(cx.sink, df, 1, MAX_DAYS))
        };
        let expiration = days(cx, "expiration_days");
        let noncurrent = days(cx, "noncurrent_version_expiration_days");
        let abort = days(cx, "abort_incomplete_multipart_upload_days");
        let transitions = fields
            .get("transitions")
            .and_then(|tf| read_transitions(cx, tf))
            .unwrap_or_default();
        if let (Some(e), Some(last)) = (&expiration, transitions.last())
            && e.value <= last.days
        {
            cx.sink.error(
                e.loc,
                &e.path,
                format!(
                    "objects expire after {} days, before their last transition at {} days",
                    e.value, last.days
                ),
            );
        }
        if let Some(e) = &expiration
            && e.value < 365
        {
            cx.sink
                .warning(
                    e.loc,
                    &e.path,
                    format!("audit logs are deleted after {} days", e.value),
                )
                .help("most compliance regimes want at least a year of CloudTrail logs");
        }
        let actions = [
            "transitions",
            "expiration_days",
            "noncurrent_version_expiration_days",
            "abort_incomplete_multipart_upload_days",
        ];
        if !actions.iter().any(|a| fields.has(a)) {
            cx.sink
                .error(fields.loc, &item.path, format!("rule \"{}\" has no action", id.value))
                .help("give transitions, expiration_days, noncurrent_version_expiration_days or abort_incomplete_multipart_upload_days");
        }
        out.push(LifecycleRule {
            id: id.value,
            enabled,
            prefix,
            transitions,
            expiration_days: expiration.map(|e| e.value),
            noncurrent_version_expiration_days: noncurrent.map(|e| e.value),
            abort_incomplete_multipart_upload_days: abort.map(|e| e.value),
        });
    }
    (cx.sink.error_count() == before).then_some(out)
}

fn read_transitions(cx: &mut Cx<'_>, f: Field<'_>) -> Option<Vec<Transition>> {
    let items = decode::list(cx.sink, f)?;
    let mut out: Vec<Transition> = Vec::new();
    for item in &items {
        let Some(fields) = decode::mapping(cx.sink, item.field(), TRANSITION_KEYS) else {
            continue;
        };
        let class = cx.required(&fields, &item.path, "storage_class");
        let days = match fields.get("days") {
            Some(df) => decode::integer(cx.sink, df, 0, MAX_DAYS),
            None => {
                cx.sink.error(
                    fields.loc,
                    &decode::child_path(&item.path, "days"),
                    "missing required field `days`",
                );
                None
            }
        };
        let (Some(class), Some(days)) = (class, days) else {
            continue;
        };
        if !STORAGE_CLASSES.contains(&class.value.as_str()) {
            cx.sink.unknown(&class, "storage class", STORAGE_CLASSES);
            continue;
        }
        if matches!(class.value.as_str(), "STANDARD_IA" | "ONEZONE_IA") && days.value < MIN_IA_DAYS
        {
            cx.sink.error(
                days.loc,
                &days.path,
                format!(
                    "{} needs at least {MIN_IA_DAYS} days, not {}",
                    class.value, days.value
                ),
            );
            continue;
        }
        if let Some(prev) = out.last()
            && days.value <= prev.days
        {
            cx.sink.error(
                days.loc,
                &days.path,
                format!(
                    "transitions must be in increasing days; {} follows {}",
                    days.value, prev.days
                ),
            );
            continue;
        }
        out.push(Transition {
            days: days.value,
            storage_class: class.value,
        });
    }
    Some(out)
}
