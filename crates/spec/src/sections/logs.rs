//! The `cloudwatch_logs` section: the log group CloudTrail delivers to and the
//! IAM role it assumes to write there.

use super::Cx;
use crate::decode::{self, Field, Located};
use crate::defaults;
use crate::model::CloudWatchLogs;
use crate::rules;
use crate::shape::{Count, Field as Key, Object, Str, Ty};
use crate::yaml::Kind;

pub(crate) const SHAPE: Object = Object::new(
    "cloudwatch_logs",
    &[
        Key::new("enabled", Ty::Bool, "Deliver to CloudWatch Logs (default true)."),
        Key::new(
            "log_group",
            Ty::Str(Str::ANY.pattern("^[A-Za-z0-9_/.#-]+$").len(1, 512)),
            "The log group (default aws-cloudtrail-logs/<trail>): 1-512 letters, digits and _ - / . #.",
        ),
        Key::new(
            "retention_days",
            Ty::Either(&[
                Ty::IntIn(rules::logs::RETENTION_DAYS),
                Ty::Str(Str::one_of(&["never"])),
            ]),
            "How long CloudWatch Logs keeps events: a retention CloudWatch accepts, or never.",
        ),
        Key::new(
            "role_name",
            Ty::Str(Str::ANY.pattern("^[A-Za-z0-9+=,.@_-]+$").len(1, rules::names::MAX_ROLE_NAME)),
            "The IAM role CloudTrail assumes to write to the log group (default derived from the trail's name).",
        ),
        Key::new(
            "allow_destroy",
            Ty::Bool,
            "Whether a plan may ever delete the log group (default false).",
        ),
        Key::new(
            "extra_trust_statements",
            Ty::List(&Ty::Json(super::statements::RESOURCE_STATEMENT), Count::ANY),
            "Statements of your own added to the role's trust policy.",
        ),
        Key::new(
            "encrypted",
            Ty::Bool,
            "Whether the log group is encrypted with kms_key_id (default true when the spec has a key).",
        ),
        Key::new(
            "role_policy",
            Ty::Json(super::statements::DOCUMENT),
            "The role's whole permissions policy kept as written instead of the one ctrail writes (ctrail import writes the policy it found here). It drops ctrail's narrowing to the streams CloudTrail creates; the preflight still checks it lets CloudTrail deliver. Not with extra_role_statements.",
        ),
        Key::new(
            "role_policy_name",
            Ty::Str(Str::ANY.pattern("^[A-Za-z0-9+=,.@_-]+$").len(1, 128)),
            "The name of the role's inline permissions policy (default CloudTrail-CloudWatchLogs-Delivery): 1-128 letters, digits and + = , . @ _ -. ctrail import writes the name it found.",
        ),
        Key::new(
            "extra_role_statements",
            Ty::List(&Ty::Json(super::statements::IDENTITY_STATEMENT), Count::ANY),
            "Statements of your own added to the role's permissions policy.",
        ),
    ],
)
.also(&[r#"{"not": {"required": ["role_policy", "extra_role_statements"]}}"#])
.unchecked(&["the role name derived from the trail's name fits IAM's 64 characters"]);

/// `Some(None)`: delivery turned off; `None`: errors were recorded.
pub(crate) fn read(
    cx: &mut Cx<'_>,
    f: Option<Field<'_>>,
    trail_name: Option<&Located<String>>,
) -> Option<Option<CloudWatchLogs>> {
    let fields = match f {
        None => None,
        Some(f) if matches!(f.node.kind, Kind::Bool(false)) => {
            cx.sink.warning(
                f.at(),
                f.path,
                "CloudWatch Logs delivery is off: no real-time monitoring or Logs Insights",
            );
            return Some(None);
        }
        Some(f) => Some(decode::mapping(cx.sink, f, &SHAPE)?),
    };
    if let Some(fields) = &fields
        && !cx.bool_or(fields, "enabled", defaults::CLOUDWATCH_LOGS)
    {
        return Some(None);
    }

    let log_group = match fields.as_ref().and_then(|fs| cx.string(fs, "log_group")) {
        Some(g) => cx
            .check(&g, rules::logs::log_group_name(&g.value))
            .then_some(g.value),
        None => Some(defaults::LOG_GROUP.to_owned()),
    };
    let retention_days = match fields.as_ref().and_then(|fs| fs.get("retention_days")) {
        None => Some(Some(defaults::RETENTION_DAYS)),
        Some(rf) => retention(cx, rf),
    };
    let role_name = match fields.as_ref().and_then(|fs| cx.string(fs, "role_name")) {
        Some(r) => cx
            .check(&r, rules::names::role_name(&r.value))
            .then_some(r.value),
        None => {
            let t = trail_name?;
            let derived = defaults::role_name(&t.value);
            match derived.chars().count() <= rules::names::MAX_ROLE_NAME {
                true => Some(derived),
                false => {
                    cx.sink
                        .error(t.loc, &t.path, format!(
                            "the default role name \"{derived}\" is longer than IAM's 64 characters"
                        ))
                        .help("set cloudwatch_logs.role_name, or use a shorter trail name");
                    None
                }
            }
        }
    };
    let allow_destroy = fields
        .as_ref()
        .map(|fs| cx.bool_or(fs, "allow_destroy", defaults::LOG_GROUP_ALLOW_DESTROY))
        .unwrap_or(defaults::LOG_GROUP_ALLOW_DESTROY);
    use super::statements::{Document, read};
    let field = |key: &str| fields.as_ref().and_then(|fs| fs.get(key));
    let extra_trust_statements = read(cx, field("extra_trust_statements"), Document::Resource);
    let extra_role_statements = read(cx, field("extra_role_statements"), Document::Identity);
    let encrypted = fields
        .as_ref()
        .map(|fs| cx.bool_or(fs, "encrypted", defaults::LOG_GROUP_ENCRYPTED))
        .unwrap_or(defaults::LOG_GROUP_ENCRYPTED);
    // A key of another account than the trail's encrypts no log group.
    let explicit = field("encrypted");
    let encrypted =
        super::key_account::may_encrypt(cx, explicit.as_ref(), encrypted, "the log group")
            && encrypted;
    if let Some(fs) = fields.as_ref().filter(|_| cx.key_elsewhere.is_none()) {
        cx.warn_if_off(
            fs,
            "encrypted",
            encrypted,
            "the log group's events are stored without the spec's KMS key",
        );
    }
    let role_policy = super::statements::read_document(
        cx,
        field("role_policy"),
        "the role policy ctrail writes (CreateLogStream and PutLogEvents on CloudTrail's streams only)",
    );
    let role_policy_name = match fields
        .as_ref()
        .and_then(|fs| cx.string(fs, "role_policy_name"))
    {
        Some(n) => cx
            .check(&n, rules::names::role_policy_name(&n.value))
            .then_some(n.value),
        None => Some(defaults::ROLE_POLICY_NAME.to_owned()),
    };
    if let (Some(f), Some(_)) = (field("role_policy"), field("extra_role_statements")) {
        cx.sink
            .error(f.at(), f.path, "`role_policy` replaces the whole permissions policy: `extra_role_statements` would be ignored")
            .help("put the statements in `role_policy`, or remove `role_policy`");
    }
    Some(Some(CloudWatchLogs {
        log_group: log_group?,
        retention_days: retention_days?,
        role_name: role_name?,
        allow_destroy,
        extra_trust_statements: extra_trust_statements?,
        extra_role_statements: extra_role_statements?,
        role_policy: role_policy?,
        role_policy_name: role_policy_name?,
        encrypted,
    }))
}

/// A retention CloudWatch accepts, or `never`.
fn retention(cx: &mut Cx<'_>, f: Field<'_>) -> Option<Option<u32>> {
    if let Kind::Str(s) = &f.node.kind
        && s == "never"
    {
        return Some(None);
    }
    let days = decode::integer(cx.sink, f, 1, 10_000)?;
    cx.check(&days, rules::logs::retention_days(days.value))
        .then_some(Some(days.value))
}
