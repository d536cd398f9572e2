//! The `state` section: where ctrail keeps its own objects, the apply lock
//! and the ledger of what it owns. By default they live in the log bucket,
//! but only when that bucket is ctrail's own and in the trail's account: a
//! Log Archive account's bucket is often one ctrail may not write (AWS
//! Control Tower's guardrails forbid it), and its lifecycle and Object Lock
//! are for audit logs, not for a lock rewritten on every apply.

use super::Cx;
use super::accounts;
use crate::decode::{self, Fields, Located};
use crate::model::{Account, State};
use crate::rules;
use crate::shape::{Field as Key, Object, Str, Ty};

pub(crate) const SHAPE: Object = Object::new(
    "state",
    &[
        Key::new(
            "bucket",
            Ty::Str(super::bucket::BUCKET_NAME),
            "The S3 bucket that holds ctrail's apply lock and ledger. It must exist, with versioning on and no Object Lock; ctrail writes only its two objects there.",
        )
        .required(),
        Key::new(
            "prefix",
            Ty::Str(Str::ANY.pattern("^[A-Za-z0-9!_.*'()/-]{1,200}$").not(&["^/", "/$"])),
            "A key prefix for ctrail's objects: <prefix>/ctrail-state/<trail>.json and <prefix>/ctrail-lock/<trail>.json (default none).",
        ),
        Key::new(
            "account",
            Ty::Str(accounts::NAME),
            "The account (its name under accounts) that holds the state bucket (default: the trail's).",
        ),
    ],
);

/// Where the log bucket is, for the default.
pub(crate) struct LogBucket<'a> {
    pub name: &'a str,
    /// Its account's name under `accounts`.
    pub account: Option<&'a str>,
    /// The trail's account's name.
    pub trail_account: Option<&'a str>,
    /// ctrail keeps it (`bucket.managed`).
    pub managed: bool,
}

/// Reads `state`, or (left out) the log bucket when it can hold ctrail's
/// objects: in the trail's account. Otherwise the section is required.
pub(crate) fn read(
    cx: &mut Cx<'_>,
    top: &Fields<'_>,
    all: &[Located<Account>],
    log: &LogBucket<'_>,
) -> Option<State> {
    let Some(f) = top.get("state") else {
        if !log.managed {
            let at = top.get("bucket").map_or(top.loc, |b| b.at());
            cx.sink
                .error(
                    at,
                    "state",
                    "the log bucket is kept by someone else (managed: false): ctrail writes nothing there, its lock and ledger included",
                )
                .help("name a bucket for them: state: {bucket: <bucket in the trail's account>}");
            return None;
        }
        if log.account != log.trail_account {
            let at = top.get("bucket").map_or(top.loc, |b| b.at());
            cx.sink
                .error(
                    at,
                    "state",
                    format!(
                        "the log bucket is in account {}, not the trail's: ctrail keeps its lock and ledger in the log bucket only when it is in the trail's account",
                        log.account.unwrap_or("(the caller's)")
                    ),
                )
                .help("name a bucket for them: state: {bucket: <bucket in the trail's account>}");
            return None;
        }
        return Some(State {
            bucket: log.name.to_owned(),
            prefix: None,
            account: log.trail_account.map(str::to_owned),
            in_log_bucket: true,
        });
    };
    let fields = decode::mapping(cx.sink, f, &SHAPE)?;
    let bucket = cx
        .required(&fields, "state", "bucket")
        .filter(|b| cx.check(b, rules::names::bucket_name(&b.value)));
    let prefix = cx.string(&fields, "prefix");
    if let Some(p) = &prefix {
        cx.check(p, rules::names::s3_key_prefix(&p.value));
    }
    let named = cx.string(&fields, "account");
    let account = accounts::placed(cx, all, named, log.trail_account);
    let bucket = bucket?;
    if !log.managed && bucket.value == log.name {
        cx.sink
            .error(bucket.loc, &bucket.path, "the log bucket is kept by someone else (managed: false): ctrail writes nothing there")
            .help("name a bucket of the trail's account for ctrail's lock and ledger");
        return None;
    }
    Some(State {
        in_log_bucket: bucket.value == log.name && account.as_deref() == log.account,
        bucket: bucket.value,
        prefix: prefix.map(|p| p.value),
        account,
    })
}
