//! Policy statements of the user's own, added to a document ctrail manages
//! (`bucket.extra_policy_statements`, `cloudwatch_logs.extra_trust_statements`,
//! `cloudwatch_logs.extra_role_statements`). Each is read as written (YAML
//! mapping to JSON), checked against IAM's statement grammar, and may not
//! reuse a Sid ctrail writes. Whether the result still grants what CloudTrail
//! needs is the plan's preflight to say, on the whole document.

use serde_json::{Map, Number, Value};

use super::Cx;
use crate::decode::{self, Field};
use crate::yaml::{Kind, Node};

/// Sids of the statements ctrail generates; a statement of the user's own
/// must not take one.
const RESERVED_SIDS: &[&str] = &[
    "AWSCloudTrailAclCheck",
    "AWSCloudTrailWrite",
    "AWSCloudTrailBucketExistenceCheck",
    "DenyInsecureTransport",
    "AWSCloudTrailCreateLogStream",
    "AWSCloudTrailPutLogEvents",
];

/// A statement of a resource policy (bucket policy, trust policy), as far
/// as a JSON Schema can say: IAM's keys, an Effect, an action and a principal.
pub(crate) const RESOURCE_STATEMENT: &str = r#"{"type": "object", "required": ["Effect"], "properties": {"Sid": {"type": "string", "not": {"anyOf": [{"pattern": "^CTrail"}, {"enum": ["AWSCloudTrailAclCheck", "AWSCloudTrailWrite", "AWSCloudTrailBucketExistenceCheck", "DenyInsecureTransport", "AWSCloudTrailCreateLogStream", "AWSCloudTrailPutLogEvents"]}]}}, "Effect": {"enum": ["Allow", "Deny"]}, "Principal": {}, "NotPrincipal": {}, "Action": {"type": ["string", "array"], "items": {"type": "string"}}, "NotAction": {"type": ["string", "array"], "items": {"type": "string"}}, "Resource": {"type": ["string", "array"], "items": {"type": "string"}}, "NotResource": {"type": ["string", "array"], "items": {"type": "string"}}, "Condition": {"type": "object"}}, "allOf": [{"anyOf": [{"required": ["Action"]}, {"required": ["NotAction"]}]}, {"anyOf": [{"required": ["Principal"]}, {"required": ["NotPrincipal"]}]}]}"#;

/// A statement of an identity policy (the role's permissions): no principal.
pub(crate) const IDENTITY_STATEMENT: &str = r#"{"type": "object", "required": ["Effect"], "properties": {"Sid": {"type": "string", "not": {"anyOf": [{"pattern": "^CTrail"}, {"enum": ["AWSCloudTrailAclCheck", "AWSCloudTrailWrite", "AWSCloudTrailBucketExistenceCheck", "DenyInsecureTransport", "AWSCloudTrailCreateLogStream", "AWSCloudTrailPutLogEvents"]}]}}, "Effect": {"enum": ["Allow", "Deny"]}, "Action": {"type": ["string", "array"], "items": {"type": "string"}}, "NotAction": {"type": ["string", "array"], "items": {"type": "string"}}, "Resource": {"type": ["string", "array"], "items": {"type": "string"}}, "NotResource": {"type": ["string", "array"], "items": {"type": "string"}}, "Condition": {"type": "object"}}, "not": {"anyOf": [{"required": ["Principal"]}, {"required": ["NotPrincipal"]}]}, "allOf": [{"anyOf": [{"required": ["Action"]}, {"required": ["NotAction"]}]}]}"#;

/// Whether the document names principals (a bucket policy, a trust policy)
/// or is an identity policy (a role's permissions), which may not.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Document {
    Resource,
    Identity,
}

pub(crate) fn read(cx: &mut Cx<'_>, f: Option<Field<'_>>, doc: Document) -> Option<Vec<Value>> {
    let Some(f) = f else {
        return Some(Vec::new());
    };
    let items = decode::list(cx.sink, f)?;
    let before = cx.sink.error_count();
    let mut out = Vec::new();
    for item in &items {
        let Some(value) = to_json(cx, item.node, &item.path) else {
            continue;
        };
        if let Err(e) = ctrail_policy::Policy::parse(&Value::Array(vec![value.clone()])) {
            let what = match e {
                ctrail_policy::ParseError::Statement { what, .. } => what.to_string(),
                other => other.to_string(),
            };
            cx.sink
                .error(item.node.loc, &item.path, format!("not a policy statement: {what}"))
                .help("a statement has Effect (Allow or Deny), Action or NotAction, and for a resource policy Principal; see docs/aws-rules.md");
            continue;
        }
        let names_principal =
            value.get("Principal").is_some() || value.get("NotPrincipal").is_some();
        if names_principal != (doc == Document::Resource) {
            let what = if doc == Document::Resource {
                "a statement of a resource policy needs Principal (or NotPrincipal)"
            } else {
                "a statement of the role's permissions policy (an identity policy) names no Principal"
            };
            cx.sink.error(item.node.loc, &item.path, what);
            continue;
        }
        if let Some(sid) = value.get("Sid").and_then(Value::as_str)
            && (sid.starts_with(ctrail_policy::shared::OWNED_SID_PREFIX)
                || RESERVED_SIDS.contains(&sid))
        {
            cx.sink
                .error(
                    item.node.loc,
                    &item.path,
                    format!("Sid `{sid}` is one ctrail writes"),
                )
                .help("give the statement a Sid of your own");
            continue;
        }
        out.push(value);
    }
    (cx.sink.error_count() == before).then_some(out)
}

/// The JSON Schema of a whole policy document given verbatim.
pub(crate) const DOCUMENT: &str = r#"{"type": "object", "required": ["Statement"], "properties": {"Version": {"enum": ["2012-10-17", "2008-10-17"]}, "Id": {"type": "string"}, "Statement": {"type": ["array", "object"]}}, "additionalProperties": false}"#;

/// A whole policy document kept as written, replacing the one ctrail would
/// write (`bucket.policy`, `cloudwatch_logs.role_policy`): parsed as IAM
/// would, and warned about, since it drops ctrail's tightening. Whether it
/// still grants CloudTrail what it needs is the preflight's to say.
pub(crate) fn read_document(
    cx: &mut Cx<'_>,
    f: Option<Field<'_>>,
    instead_of: &str,
) -> Option<Option<Value>> {
    let Some(f) = f else {
        return Some(None);
    };
    let value = to_json(cx, f.node, f.path)?;
    if !value
        .get("Statement")
        .is_some_and(|s| s.is_array() || s.is_object())
    {
        cx.sink
            .error(
                f.at(),
                f.path,
                "not a policy document: it needs a Statement",
            )
            .help("a policy document: {Version: \"2012-10-17\", Statement: [...]}");
        return None;
    }
    if let Err(e) = ctrail_policy::Policy::parse(&value) {
        cx.sink
            .error(f.at(), f.path, format!("not a policy document: {e}"))
            .help("see docs/aws-rules.md for what CloudTrail needs it to grant");
        return None;
    }
    cx.sink
        .warning(
            f.at(),
            f.path,
            format!("kept as written instead of {instead_of}"),
        )
        .help("remove it to let ctrail write its own (docs/spec.md); the plan's preflight still checks what it grants");
    Some(Some(value))
}

/// A YAML value as JSON (a policy statement, a sample event).
pub(crate) fn to_json(cx: &mut Cx<'_>, node: &Node, path: &str) -> Option<Value> {
    Some(match &node.kind {
        Kind::Null => Value::Null,
        Kind::Bool(b) => Value::Bool(*b),
        Kind::Int(i) => match i64::try_from(*i) {
            Ok(i) => Value::Number(i.into()),
            Err(_) => Value::String(i.to_string()),
        },
        Kind::Float(x) => Number::from_f64(*x)
            .map(Value::Number)
            .unwrap_or(Value::Null),
        Kind::Str(s) => Value::String(s.clone()),
        Kind::Seq(items) => Value::Array(
            items
                .iter()
                .enumerate()
                .map(|(i, n)| to_json(cx, n, &format!("{path}[{i}]")))
                .collect::<Option<_>>()?,
        ),
        Kind::Map(entries) => {
            let mut m = Map::new();
            for (k, v) in entries {
                let Kind::Str(key) = &k.kind else {
                    cx.sink.error(k.loc, path, "keys must be strings");
                    return None;
                };
                let child = decode::child_path(path, key);
                m.insert(key.clone(), to_json(cx, v, &child)?);
            }
            Value::Object(m)
        }
    })
}
