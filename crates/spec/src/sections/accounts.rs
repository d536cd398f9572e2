//! The `accounts` section: the AWS accounts a spec spans, and how ctrail
//! reaches each: the caller's own credentials, a role assumed from them
//! (with an external id and a session name), or a named profile. The trail
//! and the bucket each name theirs (`trail.account`, `bucket.account`): the
//! organization layout keeps the trail in the management account and the
//! log bucket in a Log Archive account (AWS Security Reference Architecture,
//! "Log Archive account"; AWS Control Tower).

use super::Cx;
use crate::decode::{self, Fields, Located};
use crate::model::{Account, Reach};
use crate::rules;
use crate::shape::{Count, Field as Key, Object, Str, Ty};

/// An account's name in the spec: what `trail.account` and
/// `bucket.account` write.
pub(crate) const NAME: Str = Str::ANY.pattern("^[a-z0-9][a-z0-9-]{0,62}$");

/// The session name AssumeRole takes (STS API Reference, AssumeRole,
/// RoleSessionName: 2-64 characters of `[\w+=,.@-]`).
const SESSION_NAME: Str = Str::ANY.pattern(r"^[\w+=,.@-]{2,64}$");

/// The session name when the spec gives none: CloudTrail records it in
/// every event the role's session makes, so ctrail's changes read as its.
pub const DEFAULT_SESSION_NAME: &str = "ctrail";

pub(crate) const ACCOUNT_SHAPE: Object = Object::new(
    "account",
    &[
        Key::new(
            "name",
            Ty::Str(NAME),
            "The account's name in this spec, which trail.account and bucket.account use: lowercase letters, digits and hyphens.",
        )
        .required(),
        Key::new(
            "account_id",
            Ty::Str(Str::ANY.pattern("^[0-9]{12}$")),
            "The 12-digit account id: before any read, ctrail checks that the credentials it reaches the account with are this account's (GetCallerIdentity). Quote it to keep leading zeros.",
        )
        .required(),
        Key::new(
            "role_arn",
            Ty::Str(Str::ANY.pattern(r"^arn:[^:]+:iam::[0-9]{12}:role/[\w+=,.@/-]+$")),
            "A role in this account that ctrail assumes from the caller's credentials. Left out (and no profile): the caller's credentials are this account's.",
        ),
        Key::new(
            "external_id",
            Ty::Str(Str::ANY.pattern(r"^[\w+=,.@:/-]{2,1224}$")),
            "The external id the role's trust policy asks for (sts:ExternalId). Needs role_arn.",
        ),
        Key::new(
            "session_name",
            Ty::Str(SESSION_NAME),
            "The role session's name, which CloudTrail records in every event of the session (default ctrail). Needs role_arn.",
        ),
        Key::new(
            "profile",
            Ty::Str(Str::ANY.len(1, 128)),
            "A named profile of the shared AWS config files whose credentials are this account's. Not with role_arn.",
        ),
    ],
)
.exclusive(&["role_arn", "profile"])
.also(&[
    r#"{"dependencies": {"external_id": ["role_arn"], "session_name": ["role_arn"]}}"#,
])
.unchecked(&["role_arn names a role in the account account_id gives"]);

pub(crate) const SHAPE: Ty = Ty::List(&Ty::Object(&ACCOUNT_SHAPE), Count::NON_EMPTY);

/// Reads `accounts`; each name and account id once.
pub(crate) fn read(cx: &mut Cx<'_>, top: &Fields<'_>) -> Vec<Located<Account>> {
    let mut out: Vec<Located<Account>> = Vec::new();
    let items = decode::list_at(cx.sink, top, "accounts");
    if let Some(f) = top.get("accounts").filter(|_| items.is_empty()) {
        cx.sink
            .error(f.at(), f.path, "accounts lists no account")
            .help("list each account the spec spans, or remove accounts");
    }
    for item in items {
        let Some(fields) = decode::mapping(cx.sink, item.field(), &ACCOUNT_SHAPE) else {
            continue;
        };
        if let Some(a) = read_one(cx, &fields, &item.path) {
            let twice = out
                .iter()
                .find(|o| o.value.name == a.value.name || o.value.account_id == a.value.account_id);
            if let Some(first) = twice {
                let what = if first.value.name == a.value.name {
                    format!("account name \"{}\"", a.value.name)
                } else {
                    format!("account id {}", a.value.account_id)
                };
                cx.sink
                    .error(a.loc, &a.path, format!("{what} is given twice"))
                    .help(format!("{} has it already", first.path));
                continue;
            }
            out.push(a);
        }
    }
    out
}

fn read_one(cx: &mut Cx<'_>, fields: &Fields<'_>, path: &str) -> Option<Located<Account>> {
    let name = cx.required(fields, path, "name");
    if let Some(n) = &name
        && !n
            .value
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
    {
        cx.sink
            .error(
                n.loc,
                &n.path,
                format!(
                    "account name \"{}\" is not lowercase letters, digits and hyphens",
                    n.value
                ),
            )
            .help("e.g. management, log-archive");
    }
    let id = cx
        .required(fields, path, "account_id")
        .filter(|a| cx.check(a, rules::names::account_id(&a.value)));
    let role = cx.string(fields, "role_arn");
    let profile = cx.string(fields, "profile");
    let external_id = cx.string(fields, "external_id");
    let session_name = cx.string(fields, "session_name");
    if let (Some(r), Some(id)) = (&role, &id) {
        cx.check(r, rules::names::role_in(&r.value, &id.value));
    }
    if let (Some(r), Some(_)) = (&role, &profile) {
        cx.sink
            .error(
                r.loc,
                &r.path,
                "an account is reached by role_arn or by profile, not both",
            )
            .help("keep one");
    }
    for extra in [&external_id, &session_name].into_iter().flatten() {
        if role.is_none() {
            cx.sink
                .error(
                    extra.loc,
                    &extra.path,
                    "needs role_arn: it is a parameter of the AssumeRole call",
                )
                .help("add role_arn, or remove it");
        }
    }
    let reach = match (role, profile) {
        (Some(r), _) => Reach::Role {
            arn: r.value,
            external_id: external_id.map(|e| e.value),
            session_name: session_name
                .map(|s| s.value)
                .unwrap_or_else(|| DEFAULT_SESSION_NAME.to_owned()),
        },
        (None, Some(p)) => Reach::Profile(p.value),
        (None, None) => Reach::Caller,
    };
    let name = name?;
    Some(Located {
        loc: name.loc,
        path: path.to_owned(),
        value: Account {
            name: name.value,
            account_id: id?.value,
            reach,
        },
    })
}

/// The account `field` (`trail.account`, `bucket.account`) names, checked
/// against `accounts`; `default` when the field is left out.
pub(crate) fn placed(
    cx: &mut Cx<'_>,
    accounts: &[Located<Account>],
    named: Option<Located<String>>,
    default: Option<&str>,
) -> Option<String> {
    let Some(n) = named else {
        return default.map(str::to_owned);
    };
    if accounts.is_empty() {
        cx.sink
            .error(n.loc, &n.path, format!("\"{}\" names an account, but the spec has no accounts", n.value))
            .help("list the accounts the spec spans under accounts:, each with its name and account_id");
        return None;
    }
    if accounts.iter().any(|a| a.value.name == n.value) {
        return Some(n.value);
    }
    let names: Vec<&str> = accounts.iter().map(|a| a.value.name.as_str()).collect();
    cx.sink.unknown(&n, "account", &names);
    None
}
