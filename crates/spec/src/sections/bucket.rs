//! The `bucket` section: the S3 bucket that stores the trail's log files.

use serde::Serialize;

use super::Cx;
use crate::decode::Located;
use crate::decode::{self, Field};
use crate::defaults;
use crate::model::{Account, Encryption, KmsKeyRef, LifecycleRule, PublicAccessBlock, Transition};
use crate::rules;
use crate::shape::{Count, Field as Key, Object, Str, Ty};
use crate::yaml::Kind;

/// The log bucket, its settings expanded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Bucket {
    pub name: String,
    /// The account holding the bucket (its name under `accounts`); `None`:
    /// the caller's, in a spec without accounts.
    pub account: Option<String>,
    /// ctrail keeps the bucket and its settings; `false`: someone else does,
    /// and ctrail only reads its policy, for the preflight.
    pub managed: bool,
    pub versioning: bool,
    pub public_access_block: PublicAccessBlock,
    pub encryption: Encryption,
    pub lifecycle: Vec<LifecycleRule>,
    /// Whether a plan may ever delete this bucket (it holds the audit logs).
    pub allow_destroy: bool,
    /// Statements of the user's own, appended to the generated bucket policy.
    pub extra_policy_statements: Vec<serde_json::Value>,
    /// A whole bucket policy kept as written instead of ctrail's.
    pub policy: Option<serde_json::Value>,
    /// S3 Object Ownership; `BucketOwnerEnforced` disables ACLs.
    pub object_ownership: String,
    /// S3 server access logging of the log bucket (CIS 3.4).
    pub access_logging: Option<AccessLogging>,
}

/// Where S3 delivers the log bucket's server access logs: every request made
/// to the bucket, who read or deleted which log file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AccessLogging {
    /// The bucket the access logs go to (same account and region).
    pub target_bucket: String,
    /// The key prefix of the access logs in it.
    pub target_prefix: String,
    /// `Some`: ctrail creates and keeps the target bucket; `None`: it exists,
    /// managed elsewhere, and must grant S3's logging service itself.
    pub create: Option<AccessLogBucket>,
}

/// The target bucket ctrail creates: public access blocked, ACLs off, SSE-S3
/// (the only default encryption S3 delivers access logs into), a policy that
/// lets only S3's logging service write, for this bucket, and an expiry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct AccessLogBucket {
    /// Days after which access logs are deleted.
    pub expiration_days: u32,
}

const OWNERSHIP: [&str; 3] = [
    "BucketOwnerEnforced",
    "BucketOwnerPreferred",
    "ObjectWriter",
];

/// The fields of a bucket someone else keeps (`managed: false`).
const KEPT_BY_OTHERS: [&str; 3] = ["name", "account", "managed"];

pub(crate) const SHAPE: Object = Object::new(
    "bucket",
    &[
        Key::new(
            "name",
            Ty::Str(BUCKET_NAME),
            "The bucket's name: 3-63 lowercase letters, digits, dots and hyphens, starting and ending with a letter or digit, not an IP address, no reserved prefix or suffix.",
        )
        .required(),
        Key::new(
            "account",
            Ty::Str(super::accounts::NAME),
            "The account (its name under accounts) that holds the bucket, its settings and its access-log bucket: a Log Archive account, say (default: the trail's).",
        ),
        Key::new(
            "managed",
            Ty::Bool,
            "Whether ctrail keeps this bucket (default true). false: someone else keeps it (a Log Archive bucket under AWS Control Tower, whose guardrails forbid changing it): ctrail never writes the bucket or its policy, reads its policy where it can, and the plan's preflight proves that policy lets this trail deliver. It takes no settings then, and the spec names a state bucket.",
        ),
        Key::new(
            "versioning",
            Ty::Bool,
            "Keep overwritten and deleted log files recoverable (default true).",
        ),
        Key::new(
            "public_access_block",
            Ty::Either(&[Ty::Bool, Ty::Object(&PAB_SHAPE)]),
            "S3 Block Public Access: true (all four settings, the default), false, or each setting.",
        ),
        Key::new(
            "bucket_key",
            Ty::Bool,
            "With SSE-KMS, an S3 Bucket Key to cut KMS calls (default true).",
        ),
        Key::new(
            "sse_kms",
            Ty::Bool,
            "With kms_key_id, the bucket's default encryption is SSE-KMS with that key (default true); false keeps S3's SSE-S3, while CloudTrail still encrypts each log file with the key (ctrail import writes false for a bucket found so).",
        ),
        Key::new(
            "lifecycle",
            Ty::List(&Ty::Object(&RULE_SHAPE), Count::ANY),
            "Lifecycle rules. Left out: move log files to cheaper storage classes over time, never delete them.",
        ),
        Key::new(
            "allow_destroy",
            Ty::Bool,
            "Whether a plan may ever delete this bucket, which holds the audit logs (default false).",
        ),
        Key::new(
            "extra_policy_statements",
            Ty::List(&Ty::Json(super::statements::RESOURCE_STATEMENT), Count::ANY),
            "Statements of your own added to the bucket policy ctrail writes.",
        ),
        Key::new(
            "policy",
            Ty::Json(super::statements::DOCUMENT),
            "A whole bucket policy kept as written instead of the one ctrail writes (ctrail import writes the policy it found here). It drops ctrail's tightening (aws:SourceArn and aws:SourceAccount conditions, the TLS-only deny); the preflight still checks it lets CloudTrail deliver. Not with extra_policy_statements.",
        ),
        Key::new(
            "object_ownership",
            Ty::Str(Str::one_of(&OWNERSHIP)),
            "S3 Object Ownership (default BucketOwnerEnforced: ACLs off).",
        ),
        Key::new(
            "access_logging",
            Ty::Object(&ACCESS_LOGGING_SHAPE),
            "S3 server access logging of this bucket (CIS 3.4): every request made to it, delivered to another bucket.",
        ),
    ],
)
.also(&[
    r#"{"not": {"required": ["policy", "extra_policy_statements"]}}"#,
    r#"{"if": {"required": ["managed"], "properties": {"managed": {"const": false}}}, "then": {"propertyNames": {"enum": ["name", "account", "managed"]}}}"#,
]);
pub(crate) const BUCKET_NAME: Str = Str::ANY
    .pattern("^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$")
    .not(&[
        "^[0-9]{1,3}\\.[0-9]{1,3}\\.[0-9]{1,3}\\.[0-9]{1,3}$",
        "^(xn--|sthree-|amzn-s3-demo-)",
        "(-s3alias|--ol-s3|\\.mrap|--x-s3|--table-s3)$",
    ])
    .len(3, 63);
const ACCESS_LOGGING_SHAPE: Object = Object::new(
    "access logging",
    &[
        Key::new(
            "target_bucket",
            Ty::Str(BUCKET_NAME),
            "The bucket S3 delivers the access logs to: in the same account and region, not this bucket.",
        )
        .required(),
        Key::new(
            "target_prefix",
            Ty::Str(Str::ANY.len(0, 900)),
            "The key prefix of the access logs (default: this bucket's name and a slash).",
        ),
        Key::new(
            "create",
            Ty::Bool,
            "Whether ctrail creates and keeps the target bucket (default true): public access blocked, ACLs off, SSE-S3, a bucket policy letting only S3's logging service write, for this bucket. false: it exists and grants that itself.",
        ),
        Key::new(
            "expiration_days",
            DAYS,
            "Days after which the target bucket ctrail creates deletes access logs (default 365).",
        ),
    ],
)
.also(&[
    r#"{"if": {"required": ["create"], "properties": {"create": {"const": false}}}, "then": {"not": {"required": ["expiration_days"]}}}"#,
])
.unchecked(&["target_bucket is not the bucket itself"]);
const PAB_SHAPE: Object = Object::new(
    "public access block",
    &[
        Key::new(
            "block_public_acls",
            Ty::Bool,
            "Refuse requests that set public ACLs (default true).",
        ),
        Key::new(
            "ignore_public_acls",
            Ty::Bool,
            "Ignore public ACLs (default true).",
        ),
        Key::new(
            "block_public_policy",
            Ty::Bool,
            "Refuse a public bucket policy (default true).",
        ),
        Key::new(
            "restrict_public_buckets",
            Ty::Bool,
            "Restrict access under a public policy to AWS services and the account (default true).",
        ),
    ],
);
const DAYS: Ty = Ty::Int {
    min: 1,
    max: MAX_DAYS,
};
const RULE_SHAPE: Object = Object::new(
    "lifecycle rule",
    &[
        Key::new("id", Ty::Str(Str::ANY.len(1, 255)), "The rule's id, unique in the bucket.").required(),
        Key::new("enabled", Ty::Bool, "Whether the rule applies (default true)."),
        Key::new("prefix", Ty::Str(Str::ANY), "The key prefix the rule applies to (default: every object)."),
        Key::new(
            "transitions",
            Ty::List(&Ty::Object(&TRANSITION_SHAPE), Count::ANY),
            "Moves to other storage classes, in increasing days.",
        ),
        Key::new("expiration_days", DAYS, "Days after which log files are deleted."),
        Key::new(
            "noncurrent_version_expiration_days",
            DAYS,
            "Days after which overwritten or deleted versions are removed.",
        ),
        Key::new(
            "abort_incomplete_multipart_upload_days",
            DAYS,
            "Days after which incomplete multipart uploads are aborted.",
        ),
    ],
)
.also(&[
    r#"{"anyOf": [{"required": ["transitions"]}, {"required": ["expiration_days"]}, {"required": ["noncurrent_version_expiration_days"]}, {"required": ["abort_incomplete_multipart_upload_days"]}]}"#,
])
.unchecked(&[
    "rule ids are unique",
    "transitions are in increasing days, and expiration comes after the last transition",
]);
const TRANSITION_SHAPE: Object = Object::new(
    "transition",
    &[
        Key::new(
            "days",
            Ty::Int {
                min: 0,
                max: MAX_DAYS,
            },
            "Days after creation.",
        )
        .required(),
        Key::new(
            "storage_class",
            Ty::Str(Str::one_of(STORAGE_CLASSES)),
            "The storage class.",
        )
        .required(),
    ],
)
.also(&[
    r#"{"if": {"properties": {"storage_class": {"enum": ["STANDARD_IA", "ONEZONE_IA"]}}}, "then": {"properties": {"days": {"minimum": 30}}}}"#,
]);
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
const MAX_DAYS: i64 = 36_500;

pub(crate) fn read(
    cx: &mut Cx<'_>,
    f: Field<'_>,
    kms: Option<&KmsKeyRef>,
    accounts: &[Located<Account>],
    trail: Option<&crate::model::Trail>,
) -> Option<Bucket> {
    let trail_account = trail.and_then(|t| t.account.as_deref());
    let fields = decode::mapping(cx.sink, f, &SHAPE)?;
    let name = cx.required(&fields, "bucket", "name");
    let named = cx.string(&fields, "account");
    let account = super::accounts::placed(cx, accounts, named, trail_account);
    let managed = cx.bool_or(&fields, "managed", true);
    if !managed {
        let settings: Vec<(String, crate::yaml::Loc)> = fields
            .given()
            .filter(|(k, _)| !KEPT_BY_OTHERS.contains(k))
            .map(|(k, loc)| (k.to_owned(), loc))
            .collect();
        for (key, loc) in settings {
            cx.sink
                .error(
                    loc,
                    &format!("bucket.{key}"),
                    format!("`{key}` is a setting of the bucket, which ctrail does not keep (managed: false)"),
                )
                .help("remove it: the bucket's owner keeps its settings");
        }
    }
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
    let versioning = cx.bool_or(&fields, "versioning", defaults::VERSIONING);
    cx.warn_if_off(
        &fields,
        "versioning",
        versioning,
        "overwritten or deleted log files cannot be recovered",
    );
    let public_access_block = read_pab(cx, fields.get("public_access_block"));
    let bucket_key = cx.bool_or(&fields, "bucket_key", defaults::BUCKET_KEY);
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
        None => Some(vec![defaults::lifecycle_rule(
            trail.and_then(|t| t.s3_key_prefix.as_deref()),
        )]),
        Some(lf) => read_lifecycle(cx, lf),
    };
    let allow_destroy = cx.bool_or(&fields, "allow_destroy", defaults::BUCKET_ALLOW_DESTROY);
    // CloudTrail encrypts each log file with the trail's key whatever the
    // bucket's default encryption (CloudTrail User Guide, "Encrypting
    // CloudTrail log files with AWS KMS keys (SSE-KMS)"), so SSE-S3 as the
    // bucket's default is a setting found in the wild (seed 001's CLI steps
    // leave S3's default), not a gap.
    let sse_kms = cx.bool_or(&fields, "sse_kms", defaults::SSE_KMS);
    if let Some(sf) = fields.get("sse_kms") {
        if kms.is_none() {
            cx.sink.warning(
                sf.at(),
                sf.path,
                "`sse_kms` only applies with kms_key_id; the bucket uses SSE-S3",
            );
        } else if !sse_kms {
            cx.sink.warning(
                sf.at(),
                sf.path,
                "objects put in the bucket by others than CloudTrail are encrypted with SSE-S3, not the spec's key",
            );
        }
    }
    let encryption = match kms.filter(|_| sse_kms) {
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
    let policy = super::statements::read_document(
        cx,
        fields.get("policy"),
        "the bucket policy ctrail writes (aws:SourceArn and aws:SourceAccount conditions, the TLS-only deny)",
    );
    if let (Some(f), true) = (fields.get("policy"), fields.has("extra_policy_statements")) {
        cx.sink
            .error(f.at(), f.path, "`policy` replaces the whole bucket policy: `extra_policy_statements` would be ignored")
            .help("put the statements in `policy`, or remove `policy`");
    }
    let ownership = cx.string(&fields, "object_ownership");
    if let Some(o) = ownership
        .as_ref()
        .filter(|o| o.value != defaults::OBJECT_OWNERSHIP)
    {
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
    let access_logging = match (fields.get("access_logging"), &name) {
        (Some(af), Some(n)) => Some(read_access_logging(cx, af, &n.value)?),
        _ => None,
    };
    Some(Bucket {
        account,
        managed,
        object_ownership: ownership.map_or_else(|| defaults::OBJECT_OWNERSHIP.into(), |o| o.value),
        access_logging,
        name: name?.value,
        versioning,
        public_access_block,
        encryption,
        lifecycle: lifecycle?,
        allow_destroy,
        extra_policy_statements: extra_policy_statements?,
        policy: policy?,
    })
}

/// `access_logging`: the target bucket (created by ctrail unless
/// `create: false`), its prefix, and how long a created one keeps them.
fn read_access_logging(cx: &mut Cx<'_>, f: Field<'_>, bucket: &str) -> Option<AccessLogging> {
    let fields = decode::mapping(cx.sink, f, &ACCESS_LOGGING_SHAPE)?;
    let target = cx.required(&fields, f.path, "target_bucket")?;
    if !cx.check(&target, rules::names::bucket_name(&target.value)) {
        return None;
    }
    if target.value == bucket {
        cx.sink
            .error(
                target.loc,
                &target.path,
                "the log bucket's access logs cannot go to the log bucket itself",
            )
            .help("each delivery would be logged again, without end; name another bucket");
        return None;
    }
    let target_prefix = cx
        .string(&fields, "target_prefix")
        .map_or_else(|| defaults::access_log_prefix(bucket), |p| p.value);
    let create = cx.bool_or(&fields, "create", defaults::ACCESS_LOG_BUCKET_CREATE);
    let days = fields
        .get("expiration_days")
        .map(|df| (df, decode::integer(cx.sink, df, 1, MAX_DAYS.into())));
    if let Some((df, _)) = days.as_ref().filter(|_| !create) {
        cx.sink
            .error(
                df.at(),
                df.path,
                "`expiration_days` applies only to a target bucket ctrail creates",
            )
            .help("remove it, or `create: false`");
    }
    let expiration_days = match days {
        None => defaults::ACCESS_LOG_DAYS,
        Some((_, Some(d))) => d.value,
        Some((_, None)) => return None,
    };
    Some(AccessLogging {
        target_bucket: target.value,
        target_prefix,
        create: create.then_some(AccessLogBucket { expiration_days }),
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
            let Some(fields) = decode::mapping(cx.sink, f, &PAB_SHAPE) else {
                return PublicAccessBlock::ALL;
            };
            PublicAccessBlock {
                block_public_acls: cx.bool_or(
                    &fields,
                    "block_public_acls",
                    defaults::BLOCK_PUBLIC_ACCESS,
                ),
                ignore_public_acls: cx.bool_or(
                    &fields,
                    "ignore_public_acls",
                    defaults::BLOCK_PUBLIC_ACCESS,
                ),
                block_public_policy: cx.bool_or(
                    &fields,
                    "block_public_policy",
                    defaults::BLOCK_PUBLIC_ACCESS,
                ),
                restrict_public_buckets: cx.bool_or(
                    &fields,
                    "restrict_public_buckets",
                    defaults::BLOCK_PUBLIC_ACCESS,
                ),
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
        let Some(fields) = decode::mapping(cx.sink, item.field(), &RULE_SHAPE) else {
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
        let enabled = cx.bool_or(&fields, "enabled", defaults::LIFECYCLE_RULE_ENABLED);
        let prefix = cx
            .string(&fields, "prefix")
            .map(|p| p.value)
            .unwrap_or_default();
        let days = |cx: &mut Cx<'_>, key: &str| {
            fields
                .get(key)
                .and_then(|df| decode::integer(cx.sink, df, 1, MAX_DAYS.into()))
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
        let Some(fields) = decode::mapping(cx.sink, item.field(), &TRANSITION_SHAPE) else {
            continue;
        };
        let class = cx.required(&fields, &item.path, "storage_class");
        let days = match fields.get("days") {
            Some(df) => decode::integer(cx.sink, df, 0, MAX_DAYS.into()),
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
