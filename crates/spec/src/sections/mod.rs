//! Decoding of each spec section into the expanded model. One module per
//! top-level section; each reads its keys, applies defaults and records every
//! problem it finds.

pub(crate) mod accounts;
mod blind_spots;
pub(crate) mod bucket;
mod key_account;
mod logs;
pub(crate) mod monitoring;
mod profile;
mod selectors;
mod state;
mod statements;
mod trail;

use std::collections::BTreeMap;

use crate::decode::{self, Field, Fields, Located};
use crate::defaults;
use crate::diagnostic::Sink;
use crate::model::{Kms, Spec};
use crate::rules::{self, Problem};
use crate::shape::{Count, Field as Key, Object, Str, Ty};
use crate::yaml::{Loc, Node};

/// The spec versions this build understands.
pub const SUPPORTED_VERSIONS: &[u32] = &[1];

/// The top level of a spec.
pub(crate) const SHAPE: Object = Object::new(
    "ctrail spec",
    &[
        Key::new("version", Ty::IntIn(SUPPORTED_VERSIONS), "The spec format's version: 1.").required(),
        Key::new(
            "profile",
            Ty::Str(Str::one_of(profile::NAMES)),
            "cis: every CloudTrail and monitoring control of the CIS AWS Foundations Benchmark v3.0 that an API can set, as defaults and rules (docs/cis.md): the event selectors (management events, S3 object-level reads and writes), the cis monitoring preset; it needs kms_key_id and an alert topic with a subscriber, and refuses a setting that turns a control off.",
        ),
        Key::new(
            "account_id",
            Ty::Str(Str::ANY.pattern("^[0-9]{12}$")),
            "The 12-digit AWS account the spec is for: plan and apply refuse to run in another. Quote it to keep leading zeros.",
        ),
        Key::new(
            "accounts",
            accounts::SHAPE,
            "The AWS accounts the spec spans, each with how ctrail reaches it, for the organization layout: the trail in the management account, the log bucket in a Log Archive account. Left out: the caller's account alone. Not with account_id.",
        ),
        Key::new(
            "region",
            Ty::Str(Str::one_of(rules::regions::KNOWN)),
            "The home region of the trail, its bucket and its log group.",
        )
        .required(),
        Key::new("tags", TAGS, "Tags on every resource ctrail creates."),
        Key::new(
            "kms_key_id",
            Ty::Str(
                Str::ANY
                    .pattern(r"^(([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}|mrk-[0-9a-fA-F]{32})|alias/[A-Za-z0-9/_-]{1,250}|arn:[^:]+:kms:[^:]*:[0-9]{12}:(key/([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}|mrk-[0-9a-fA-F]{32})|alias/[A-Za-z0-9/_-]{1,250}))$")
                    .not(&["^(arn:[^:]+:kms:[^:]*:[0-9]{12}:)?alias/aws/"]),
            ),
            "The customer managed KMS key that encrypts log files (SSE-KMS): a key id, key ARN, alias name or alias ARN. Left out: SSE-S3.",
        ),
        Key::new(
            "create_kms_key",
            Ty::Bool,
            "Whether ctrail creates the key behind kms_key_id, an alias name (alias/<name>), when there is none: a symmetric key with the default key policy plus ctrail's statements, rotation on, the spec's tags (default false: the key exists).",
        ),
        Key::new(
            "kms_key_account",
            Ty::Str(accounts::NAME),
            "The account (its name under accounts) that holds the key: the Log Archive account, say, beside the bucket (default: the trail's). CloudTrail's statements in its policy name the trail's account. Needs kms_key_id.",
        ),
        Key::new(
            "kms_key_readers",
            Ty::List(
                &Ty::Str(Str::ANY.pattern(r"^arn:[^:]+:iam::[0-9]{12}:(root|(role|user)/[\w+=,.@/-]+)$")),
                Count::ANY,
            ),
            "IAM roles, users or accounts (ARNs) the key policy lets decrypt the log files (kms:Decrypt with CloudTrail's encryption context). Needs kms_key_id.",
        ),
        Key::new(
            "manage_kms_key_policy",
            Ty::Bool,
            "Whether ctrail keeps CloudTrail's statements in the key's policy (default true). Needs kms_key_id.",
        ),
        Key::new(
            "kms_key_rotation",
            Ty::Bool,
            "Whether ctrail keeps the key's automatic rotation on (default true; CIS 3.6). Needs kms_key_id.",
        ),
        Key::new(
            "prevent_destroy",
            Ty::List(
                &Ty::Str(Str::ANY.pattern(r"^(\*|[a-z0-9_]+\.(\*|.+))$")),
                Count::ANY,
            ),
            "Resources no plan may delete or replace, by address: `kind.name` (as plans write them), `kind.*`, or `*` for all. A plan or destroy that would delete or replace one is an error.",
        ),
        Key::new("trail", Ty::Object(&trail::SHAPE), "The trail.").required(),
        Key::new(
            "bucket",
            Ty::Object(&bucket::SHAPE),
            "The S3 bucket the trail delivers log files to.",
        )
        .required(),
        Key::new(
            "state",
            Ty::Object(&state::SHAPE),
            "Where ctrail keeps its apply lock and its ledger of what it owns. Left out: the log bucket, when it is in the trail's account (otherwise required).",
        ),
        Key::new(
            "cloudwatch_logs",
            Ty::OffOr(&logs::SHAPE),
            "Delivery to CloudWatch Logs (on by default): the log group and the role CloudTrail assumes. `false` turns it off.",
        ),
        Key::new(
            "monitoring",
            Ty::Object(&monitoring::SHAPE),
            "Metric filters, alarms and saved Logs Insights queries on the trail's log group.",
        ),
    ],
)
.also(&[
    r#"{"not": {"required": ["account_id", "accounts"]}}"#,
    r#"{"dependencies": {"manage_kms_key_policy": ["kms_key_id"], "kms_key_rotation": ["kms_key_id"], "create_kms_key": ["kms_key_id"], "kms_key_readers": ["kms_key_id"], "kms_key_account": ["kms_key_id"]}}"#,
    r#"{"if": {"required": ["monitoring"], "properties": {"monitoring": {"required": ["alert_topic"], "properties": {"alert_topic": {"required": ["encrypted"], "properties": {"encrypted": {"const": true}}}}}}}, "then": {"required": ["kms_key_id"]}}"#,
    r#"{"if": {"required": ["create_kms_key"], "properties": {"create_kms_key": {"const": true}}}, "then": {"properties": {"kms_key_id": {"pattern": "^alias/"}, "manage_kms_key_policy": {"const": true}}}}"#,
    r#"{"not": {"required": ["monitoring", "cloudwatch_logs"], "properties": {"cloudwatch_logs": {"anyOf": [{"const": false}, {"required": ["enabled"], "properties": {"enabled": {"const": false}}}]}}}}"#,
    r#"{"if": {"required": ["profile"], "properties": {"profile": {"const": "cis"}}}, "then": {"required": ["kms_key_id", "monitoring"], "properties": {"bucket": {"required": ["access_logging"]}, "kms_key_rotation": {"const": true}, "monitoring": {"required": ["alert_topic"]}, "cloudwatch_logs": {"not": {"anyOf": [{"const": false}, {"required": ["enabled"], "properties": {"enabled": {"const": false}}}]}}, "trail": {"not": {"anyOf": [{"required": ["data_events"]}, {"required": ["event_selectors"]}, {"required": ["advanced_event_selectors"]}]}, "properties": {"multi_region": {"const": true}, "logging": {"const": true}, "log_file_validation": {"const": true}}}}}}"#,
])
.unchecked(&[
    "a key ARN or alias ARN in kms_key_id names the spec's region",
    "under profile cis, the alert topic has a subscriber and no cis preset entry is disabled",
    "each prevent_destroy entry's kind is a resource kind ctrail manages",
    ACCOUNT_NAMES,
    "each account's name and account_id is listed once",
    STATE_NEEDED,
    TAG_CHARACTERS,
]);

/// Tags: at most 50, keys and values as every tagging API accepts them.
/// Their characters (letters and numbers of any script) are checked by
/// `ctrail validate` (rules::tags) and listed among the schema's limits: a
/// `\p{L}` pattern is ECMA-262 only, and Python's `re` (the `jsonschema`
/// package, check-jsonschema's python variant) cannot compile it, so a spec
/// with tags failed to validate there.
pub(crate) const TAGS: Ty = Ty::Map {
    key: Str::ANY.not(&["^[aA][wW][sS]:"]).len(1, 128),
    value: Str::ANY.len(0, 256),
    max: rules::tags::MAX_TAGS,
};

/// What the schema leaves of the accounts' rules to `ctrail validate`.
pub(crate) const ACCOUNT_NAMES: &str = "trail.account and bucket.account name an account listed under accounts, and trail.account is given when accounts lists more than one";

/// When a spec must name its state bucket, which the schema cannot tell.
pub(crate) const STATE_NEEDED: &str = "state is given when the log bucket is kept by someone else (managed: false) or is not in the trail's account, and names another bucket than a kept log bucket";

/// What the schema leaves of the tag rules to `ctrail validate`.
pub(crate) const TAG_CHARACTERS: &str =
    "tag keys and values hold only letters and numbers (of any script), spaces and _ . : / = + - @";

/// State shared by the section decoders of one file.
pub(crate) struct Cx<'s> {
    pub sink: &'s mut Sink,
    pub region: String,
    pub partition: &'static str,
    /// `profile: cis`, whose defaults the sections apply.
    pub profile: Option<profile::Profile>,
    /// The key's account, when it is not the trail's (`kms_key_account`):
    /// the log group and alert topic are not encrypted with it
    /// (`key_account`).
    pub key_elsewhere: Option<String>,
}

impl Cx<'_> {
    /// Records `problem` (if any) against a located value.
    pub(crate) fn check<T>(&mut self, value: &Located<T>, result: Result<(), Problem>) -> bool {
        match result {
            Ok(()) => true,
            Err(p) => {
                self.report(value.loc, &value.path, p);
                false
            }
        }
    }

    pub(crate) fn report(&mut self, loc: Loc, path: &str, p: Problem) {
        let r = self.sink.error(loc, path, p.message);
        if let Some(h) = p.help {
            r.help(h);
        }
    }

    pub(crate) fn string(&mut self, fields: &Fields<'_>, key: &str) -> Option<Located<String>> {
        fields.get(key).and_then(|f| decode::string(self.sink, f))
    }

    pub(crate) fn bool_or(&mut self, fields: &Fields<'_>, key: &str, default: bool) -> bool {
        fields
            .get(key)
            .and_then(|f| decode::boolean(self.sink, f))
            .unwrap_or(default)
    }

    /// A required string: reports its absence at the mapping's location.
    pub(crate) fn required(
        &mut self,
        fields: &Fields<'_>,
        parent: &str,
        key: &str,
    ) -> Option<Located<String>> {
        if !fields.has(key) {
            self.sink.error(
                fields.loc,
                &decode::child_path(parent, key),
                format!("missing required field `{key}`"),
            );
            return None;
        }
        self.string(fields, key)
    }

    /// Warns (at the value) when a security-relevant default is turned off.
    pub(crate) fn warn_if_off(&mut self, fields: &Fields<'_>, key: &str, value: bool, why: &str) {
        if !value && let Some(f) = fields.get(key) {
            self.sink
                .warning(f.at(), f.path, format!("`{key}` is off: {why}"));
        }
    }
}

/// `kms_key_readers`: IAM principal ARNs, each once; they need ctrail to
/// keep its statements in the key policy.
fn read_key_readers(cx: &mut Cx<'_>, top: &Fields<'_>, manage_key_policy: bool) -> Vec<String> {
    let Some(f) = top.get("kms_key_readers") else {
        return Vec::new();
    };
    if !manage_key_policy {
        cx.sink
            .error(
                f.at(),
                f.path,
                "`kms_key_readers` needs ctrail to keep its statements in the key policy",
            )
            .help("remove manage_kms_key_policy: false, or grant the readers in the key policy yourself");
    }
    let mut out: Vec<String> = Vec::new();
    for r in decode::string_list(cx.sink, f).unwrap_or_default() {
        if cx.check(&r, rules::names::principal_arn(&r.value)) && !out.contains(&r.value) {
            out.push(r.value);
        }
    }
    out
}

/// Decodes the whole document into an expanded spec, recording every problem.
pub(crate) fn read(sink: &mut Sink, root: &Node, source: &str) -> Option<Spec> {
    let top = decode::mapping(
        sink,
        Field {
            node: root,
            path: "",
            key: None,
        },
        &SHAPE,
    )?;

    let version = read_version(sink, &top);
    let (region, partition) = read_region(sink, &top);
    let mut cx = Cx {
        sink,
        region: region.clone().unwrap_or_default(),
        partition,
        profile: None,
        key_elsewhere: None,
    };
    cx.profile = profile::read(&mut cx, &top);

    let account_id = cx.string(&top, "account_id");
    if let Some(a) = &account_id {
        cx.check(a, rules::names::account_id(&a.value));
    }
    let accounts = accounts::read(&mut cx, &top);
    if let (Some(a), Some(f)) = (&account_id, top.get("accounts")) {
        cx.sink
            .error(a.loc, &a.path, "account_id and accounts are both given")
            .help(format!(
                "with accounts (line {}), each account's account_id is its guard: remove the top-level account_id",
                f.at().line
            ));
    }
    let tags = read_tags(&mut cx, &top);
    let kms_key = cx.string(&top, "kms_key_id").and_then(|k| {
        region.as_ref()?;
        match rules::kms::key_ref(&k.value, &cx.region) {
            Ok(r) => Some(r),
            Err(p) => {
                cx.report(k.loc, &k.path, p);
                None
            }
        }
    });
    let manage_key_policy = cx.bool_or(
        &top,
        "manage_kms_key_policy",
        defaults::MANAGE_KMS_KEY_POLICY,
    );
    let create_key = cx.bool_or(&top, "create_kms_key", defaults::CREATE_KMS_KEY);
    if create_key {
        if let (Some(k), Some(f)) = (
            kms_key
                .as_ref()
                .filter(|k| !matches!(k, crate::model::KmsKeyRef::AliasName(_))),
            top.get("kms_key_id"),
        ) {
            cx.sink
                .error(
                    f.at(),
                    f.path,
                    format!(
                        "with create_kms_key, kms_key_id names the alias of the key ctrail creates, not \"{}\"",
                        k.as_str()
                    ),
                )
                .help("kms_key_id: alias/<name>");
        }
        if !manage_key_policy && let Some(f) = top.get("manage_kms_key_policy") {
            cx.sink
                .error(
                    f.at(),
                    f.path,
                    "a key ctrail creates has ctrail's statements in its policy, or CloudTrail could not use it",
                )
                .help("remove manage_kms_key_policy, or create_kms_key");
        }
    }
    let rotation = cx.bool_or(&top, "kms_key_rotation", defaults::KMS_KEY_ROTATION);
    cx.warn_if_off(
        &top,
        "kms_key_rotation",
        rotation,
        "the key's material is never rotated (CIS 3.6)",
    );
    let readers = read_key_readers(&mut cx, &top, manage_key_policy);
    for key in [
        "manage_kms_key_policy",
        "kms_key_rotation",
        "create_kms_key",
        "kms_key_readers",
        "kms_key_account",
    ] {
        if let Some(f) = top.get(key).filter(|_| !top.has("kms_key_id")) {
            let (loc, path) = (f.node.loc, f.path.to_owned());
            cx.sink
                .error(loc, &path, format!("`{key}` needs `kms_key_id`"))
                .help(format!("set kms_key_id, or remove {key}"));
        }
    }

    let prevent_destroy = read_prevent_destroy(&mut cx, &top);
    let trail = match top.get("trail") {
        Some(f) => trail::read(&mut cx, f, &accounts),
        None => {
            cx.sink
                .error(top.loc, "trail", "missing required section `trail`")
                .help("at least: trail: { name: <trail name> }");
            None
        }
    };
    let trail_account = trail.as_ref().and_then(|(t, _)| t.account.clone());
    let named_key_account = cx.string(&top, "kms_key_account");
    let key_account = accounts::placed(
        &mut cx,
        &accounts,
        named_key_account,
        trail_account.as_deref(),
    );
    if let Some(k) = &kms_key {
        key_account::check_arn(&mut cx, &top, k, key_account.as_deref(), &accounts);
        cx.key_elsewhere = key_account
            .clone()
            .filter(|k| Some(k) != trail_account.as_ref());
    }
    let bucket = match top.get("bucket") {
        Some(f) => {
            let t = trail.as_ref().map(|(t, _)| t);
            bucket::read(&mut cx, f, kms_key.as_ref(), &accounts, t)
        }
        None => {
            cx.sink
                .error(top.loc, "bucket", "missing required section `bucket`")
                .help("at least: bucket: { name: <globally unique bucket name> }");
            None
        }
    };
    let state = bucket.as_ref().and_then(|b| {
        let log = state::LogBucket {
            name: &b.name,
            account: b.account.as_deref(),
            trail_account: trail.as_ref().and_then(|(t, _)| t.account.as_deref()),
            managed: b.managed,
        };
        state::read(&mut cx, &top, &accounts, &log)
    });
    let trail_name = trail.as_ref().map(|(_, name)| name);
    let cloudwatch_logs = logs::read(&mut cx, top.get("cloudwatch_logs"), trail_name);
    let log_group = cloudwatch_logs
        .as_ref()
        .and_then(|l| l.as_ref())
        .map(|l| l.log_group.clone());
    let monitoring = match (&cloudwatch_logs, top.get("monitoring")) {
        // The log group was invalid: that error is reported already.
        (None, Some(_)) => None,
        (_, f) => monitoring::read(&mut cx, f, log_group.as_deref(), kms_key.is_some()),
    };

    if let (Some((t, _)), Some(m), Some(mf)) = (&trail, &monitoring, top.get("monitoring")) {
        for (filter, source) in blind_spots::blinded(&t.event_selectors, &m.metric_filters) {
            cx.sink
                .warning(
                    mf.at(),
                    mf.path,
                    format!(
                        "metric filter `{}` watches {source}, whose management events the trail's event selectors do not log: it can never match",
                        filter.name
                    ),
                )
                .help(format!(
                    "log {source}'s management events (remove it from exclude_management_event_sources, or from the eventSource condition), or disable `{}`",
                    filter.name
                ));
        }
    }
    let profile = cx.profile;
    let (trail, _) = trail?;
    let spec = Spec {
        version: version?,
        source: source.to_owned(),
        account_id: account_id.map(|a| a.value),
        accounts: accounts.into_iter().map(|a| a.value).collect(),
        region: region?,
        partition: partition.to_owned(),
        tags,
        kms: kms_key.map(|key| Kms {
            key,
            manage_key_policy,
            rotation,
            create: create_key,
            readers,
            account: key_account,
        }),
        trail,
        bucket: bucket?,
        cloudwatch_logs: cloudwatch_logs?,
        monitoring: monitoring?,
        prevent_destroy,
        state: state?,
    };
    if profile == Some(profile::Profile::Cis) {
        let before = cx.sink.error_count();
        profile::check_cis(&mut cx, &top, &spec);
        profile::check_cis_filters(&mut cx, &top, &spec);
        if cx.sink.error_count() > before {
            return None;
        }
    }
    Some(spec)
}

/// `prevent_destroy`: addresses (`kind.name`, `kind.*`, `*`) of known kinds.
fn read_prevent_destroy(cx: &mut Cx<'_>, top: &Fields<'_>) -> Vec<String> {
    let Some(f) = top.get("prevent_destroy") else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for entry in decode::string_list(cx.sink, f).unwrap_or_default() {
        let kind = entry.value.split_once('.').map(|(k, _)| k);
        let known = entry.value == "*"
            || kind.is_some_and(|k| ctrail_model::ResourceKind::parse(k).is_some());
        if !known {
            let kinds: Vec<&str> = ctrail_model::ResourceKind::ALL
                .iter()
                .map(|k| k.as_str())
                .collect();
            cx.sink
                .error(
                    entry.loc,
                    &entry.path,
                    format!("\"{}\" names no resource kind ctrail manages", entry.value),
                )
                .help(format!(
                    "write kind.name as plans show it, kind.*, or *; kinds: {}",
                    kinds.join(", ")
                ));
            continue;
        }
        if !out.contains(&entry.value) {
            out.push(entry.value);
        }
    }
    out
}

fn read_version(sink: &mut Sink, top: &Fields<'_>) -> Option<u32> {
    let Some(f) = top.get("version") else {
        sink.error(top.loc, "version", "missing required field `version`")
            .help("start the file with: version: 1");
        return None;
    };
    let v = decode::integer(sink, f, 0, i128::from(u32::MAX))?;
    if !SUPPORTED_VERSIONS.contains(&v.value) {
        sink.error(
            v.loc,
            &v.path,
            format!("spec version {} is not supported", v.value),
        )
        .help("this ctrail reads version: 1");
        return None;
    }
    Some(v.value)
}

fn read_region(sink: &mut Sink, top: &Fields<'_>) -> (Option<String>, &'static str) {
    let Some(f) = top.get("region") else {
        sink.error(top.loc, "region", "missing required field `region`")
            .help("the home region of the trail, bucket and log group, e.g. region: us-east-1");
        return (None, "aws");
    };
    let Some(r) = decode::string(sink, f) else {
        return (None, "aws");
    };
    if let Err(p) = rules::regions::region(&r.value) {
        let rep = sink.error(r.loc, &r.path, p.message);
        if let Some(h) = p.help {
            rep.help(h);
        }
        return (None, "aws");
    }
    let partition = rules::regions::partition(&r.value);
    (Some(r.value), partition)
}

fn read_tags(cx: &mut Cx<'_>, top: &Fields<'_>) -> BTreeMap<String, String> {
    let mut tags = BTreeMap::new();
    let Some(f) = top.get("tags") else {
        return tags;
    };
    let Some(entries) = decode::string_map(cx.sink, f) else {
        return tags;
    };
    if entries.len() > rules::tags::MAX_TAGS {
        cx.sink
            .error(f.at(), f.path, format!("{} tags given", entries.len()))
            .help(format!(
                "AWS allows at most {} tags per resource",
                rules::tags::MAX_TAGS
            ));
    }
    for (k, v) in entries {
        let key_ok = cx.check(&k, rules::tags::key(&k.value));
        let value_ok = cx.check(&v, rules::tags::value(&v.value));
        if key_ok && value_ok {
            tags.insert(k.value, v.value);
        }
    }
    tags
}
