//! Property tests of equality by meaning: for generated policies, every
//! rewrite AWS treats as the same document compares equal (and shows no
//! statement-level change), and every real change is reported: an action, a
//! resource, a condition value, the effect (Allow to Deny and back), the
//! principal, a condition operator, and `Action`, `Resource` or `Principal`
//! turned into its Not form.

use ctrail_policy::{canonical, meaning, statements};
use serde_json::{Map, Value, json};

const CASES: usize = 500;

const ACTIONS: &[&str] = &[
    "s3:GetBucketAcl",
    "s3:PutObject",
    "s3:ListBucket",
    "kms:GenerateDataKey*",
    "kms:Decrypt",
    "kms:DescribeKey",
    "sns:Publish",
    "logs:PutLogEvents",
];
const RESOURCES: &[&str] = &[
    "*",
    "arn:aws:s3:::audit-logs",
    "arn:aws:s3:::audit-logs/AWSLogs/123456789012/*",
    "arn:aws:sns:us-east-1:123456789012:alerts",
    "arn:aws:logs:us-east-1:123456789012:log-group:g:log-stream:123456789012_CloudTrail_*",
];
const OPERATORS: &[&str] = &["StringEquals", "StringLike", "ArnLike", "StringNotEquals"];
const KEYS: &[&str] = &[
    "aws:SourceArn",
    "aws:SourceAccount",
    "s3:x-amz-acl",
    "kms:EncryptionContext:aws:cloudtrail:arn",
];
const VALUES: &[&str] = &[
    "123456789012",
    "bucket-owner-full-control",
    "arn:aws:cloudtrail:us-east-1:123456789012:trail/audit",
    "arn:aws:cloudtrail:*:123456789012:trail/*",
];

struct Gen(fastrand::Rng);

impl Gen {
    fn pick<'a>(&mut self, from: &[&'a str]) -> &'a str {
        from[self.0.usize(..from.len())]
    }
    fn some<'a>(&mut self, from: &[&'a str], max: usize) -> Vec<&'a str> {
        let mut v: Vec<&str> = (0..self.0.usize(1..=max))
            .map(|_| self.pick(from))
            .collect();
        v.sort_unstable();
        v.dedup();
        v
    }
    fn strings(v: &[&str]) -> Value {
        json!(v)
    }

    /// A policy of 1-4 statements, each with its own Sid.
    fn policy(&mut self) -> Value {
        let n = self.0.usize(1..=4);
        let statements: Vec<Value> = (0..n)
            .map(|i| {
                let mut s = Map::new();
                s.insert("Sid".into(), json!(format!("S{i}")));
                s.insert(
                    "Effect".into(),
                    json!(if self.0.bool() { "Allow" } else { "Deny" }),
                );
                let principal = match self.0.usize(..3) {
                    0 => json!({"Service": Self::strings(&self.some(&["cloudtrail.amazonaws.com", "logs.us-east-1.amazonaws.com"], 2))}),
                    1 => json!({"AWS": "123456789012"}),
                    _ => json!("*"),
                };
                s.insert("Principal".into(), principal);
                s.insert("Action".into(), Self::strings(&self.some(ACTIONS, 3)));
                s.insert("Resource".into(), Self::strings(&self.some(RESOURCES, 2)));
                if self.0.bool() {
                    let mut ops = Map::new();
                    for _ in 0..self.0.usize(1..=2) {
                        let op = self.pick(OPERATORS);
                        let mut keys = Map::new();
                        keys.insert(self.pick(KEYS).into(), Self::strings(&self.some(VALUES, 2)));
                        ops.insert(op.into(), Value::Object(keys));
                    }
                    s.insert("Condition".into(), Value::Object(ops));
                }
                Value::Object(s)
            })
            .collect();
        json!({"Version": "2012-10-17", "Statement": statements})
    }

    fn shuffled(&mut self, mut v: Vec<Value>) -> Vec<Value> {
        self.0.shuffle(&mut v);
        v
    }

    /// A string list rewritten: shuffled, a value repeated, a single value
    /// as a plain string or a one-element list.
    fn list_rewrite(&mut self, v: &Value, case: bool) -> Value {
        let mut items: Vec<Value> = match v {
            Value::Array(a) => a.clone(),
            one => vec![one.clone()],
        };
        if case {
            items = items
                .into_iter()
                .map(|x| json!(self.recase(x.as_str().unwrap_or_default())))
                .collect();
        }
        if self.0.bool() && !items.is_empty() {
            let dup = items[self.0.usize(..items.len())].clone();
            items.push(dup);
        }
        let items = self.shuffled(items);
        if items.len() == 1 && self.0.bool() {
            items[0].clone()
        } else {
            Value::Array(items)
        }
    }

    fn recase(&mut self, s: &str) -> String {
        s.chars()
            .map(|c| {
                if self.0.bool() {
                    c.to_ascii_uppercase()
                } else {
                    c.to_ascii_lowercase()
                }
            })
            .collect()
    }

    /// The same document as AWS reads it, written differently.
    fn equal_rewrite(&mut self, doc: &Value) -> Value {
        let statements = doc["Statement"].as_array().cloned().unwrap_or_default();
        let mut out = Vec::new();
        for s in statements {
            let mut m = s.as_object().cloned().unwrap_or_default();
            if let Some(a) = m.get("Action").cloned() {
                let a = self.list_rewrite(&a, true);
                m.insert("Action".into(), a);
            }
            if let Some(r) = m.get("Resource").cloned() {
                let r = self.list_rewrite(&r, false);
                m.insert("Resource".into(), r);
            }
            if let Some(p) = m.get("Principal").cloned() {
                let p = match &p {
                    Value::String(_) => json!({"AWS": ["*"]}),
                    Value::Object(o) if o.contains_key("AWS") => {
                        // An account id for its `:root` ARN.
                        let root = |v: &Value| match v.as_str() {
                            Some(id) if id.chars().all(|c| c.is_ascii_digit()) => {
                                json!(format!("arn:aws:iam::{id}:root"))
                            }
                            _ => v.clone(),
                        };
                        let ids = match &o["AWS"] {
                            Value::Array(a) => a.iter().map(root).collect(),
                            one => vec![root(one)],
                        };
                        json!({"AWS": ids})
                    }
                    Value::Object(o) => {
                        let svc = o.get("Service").cloned().unwrap_or(Value::Null);
                        json!({"Service": self.list_rewrite(&svc, false)})
                    }
                    other => other.clone(),
                };
                m.insert("Principal".into(), p);
            }
            if let Some(Value::Object(ops)) = m.get("Condition").cloned() {
                let mut new_ops = Map::new();
                for (op, keys) in ops {
                    let mut new_keys = Map::new();
                    for (k, v) in keys.as_object().cloned().unwrap_or_default() {
                        new_keys.insert(self.recase(&k), self.list_rewrite(&v, false));
                    }
                    new_ops.insert(op, Value::Object(new_keys));
                }
                m.insert("Condition".into(), Value::Object(new_ops));
            }
            out.push(Value::Object(m));
        }
        if self.0.bool() && !out.is_empty() {
            let dup = out[self.0.usize(..out.len())].clone();
            out.push(dup);
        }
        let out = self.shuffled(out);
        let statement = if out.len() == 1 && self.0.bool() {
            out[0].clone()
        } else {
            Value::Array(out)
        };
        let rewritten = json!({"Statement": statement, "Version": "2012-10-17"});
        // Whitespace and key order: through text AWS might return.
        let text = serde_json::to_string_pretty(&rewritten)
            .unwrap_or_default()
            .replace('\n', "\n   ");
        canonical::parse_policy(&text).unwrap_or(rewritten)
    }

    /// One real change: an action, a resource, a condition value, the
    /// effect, the principal, a condition operator, or an element turned into
    /// its Not form (`NotAction`, `NotResource`, `NotPrincipal`).
    fn real_change(&mut self, doc: &Value) -> (Value, &'static str) {
        let mut doc = doc.clone();
        let n = doc["Statement"].as_array().map(Vec::len).unwrap_or(0);
        let which = self.0.usize(..n);
        let pick = self.0.usize(..7);
        let not = self.0.usize(..3);
        let s = &mut doc["Statement"][which];
        let what = match pick {
            0 => {
                s["Action"] = json!(["iam:PassRole"]);
                "action"
            }
            1 => {
                s["Resource"] = json!("arn:aws:s3:::someone-elses-bucket/*");
                "resource"
            }
            2 => {
                let flipped = if s["Effect"] == "Allow" {
                    "Deny"
                } else {
                    "Allow"
                };
                s["Effect"] = json!(flipped);
                "effect"
            }
            3 => {
                s["Principal"] = if s["Principal"].get("Service").is_some() {
                    json!({"AWS": "444455556666"})
                } else {
                    json!({"Service": "sns.amazonaws.com"})
                };
                "principal"
            }
            4 => match s.get_mut("Condition").and_then(Value::as_object_mut) {
                Some(ops) => {
                    let op = ops.keys().next().cloned().unwrap_or_default();
                    let other = CHANGED_OPERATORS
                        .iter()
                        .find(|o| !ops.contains_key(**o))
                        .copied()
                        .unwrap_or("NumericEquals");
                    if let Some(keys) = ops.remove(&op) {
                        ops.insert(other.into(), keys);
                    }
                    "condition operator"
                }
                None => Self::not_form(s, not),
            },
            5 => Self::not_form(s, not),
            _ => match s.get_mut("Condition").and_then(Value::as_object_mut) {
                Some(ops) => {
                    let op = ops.keys().next().cloned().unwrap_or_default();
                    let keys = ops.get_mut(&op).and_then(Value::as_object_mut);
                    if let Some(keys) = keys {
                        let key = keys.keys().next().cloned().unwrap_or_default();
                        keys.insert(key, json!("111122223333"));
                    }
                    "condition value"
                }
                None => {
                    s["Resource"] = json!(["arn:aws:s3:::other/*"]);
                    "resource"
                }
            },
        };
        (doc, what)
    }

    /// `Action`, `Resource` or `Principal` turned into its Not form with the
    /// same values.
    fn not_form(s: &mut Value, which: usize) -> &'static str {
        let (element, not, what) = [
            ("Action", "NotAction", "Action to NotAction"),
            ("Resource", "NotResource", "Resource to NotResource"),
            ("Principal", "NotPrincipal", "Principal to NotPrincipal"),
        ][which];
        if let Some(m) = s.as_object_mut()
            && let Some(v) = m.remove(element)
        {
            m.insert(not.into(), v);
        }
        what
    }
}

/// Operators a condition is changed to (one the statement does not use yet).
const CHANGED_OPERATORS: &[&str] = &[
    "StringNotLike",
    "ForAnyValue:StringEquals",
    "StringEqualsIfExists",
    "ArnNotLike",
    "NumericEquals",
];

#[test]
fn equal_rewrites_are_no_change() {
    let mut g = Gen(fastrand::Rng::with_seed(11));
    for case in 0..CASES {
        let doc = g.policy();
        let rewritten = g.equal_rewrite(&doc);
        assert!(
            meaning::same_policy(&doc, &rewritten),
            "case {case}: the same policy compared as different:\n{doc:#}\n{rewritten:#}"
        );
        let d = statements::diff(&canonical::policy(&rewritten), &canonical::policy(&doc));
        assert_eq!(
            d,
            vec![],
            "case {case}: statement diff of an equal rewrite\n{doc:#}\n{rewritten:#}"
        );
    }
}

#[test]
fn every_real_change_is_reported() {
    let mut g = Gen(fastrand::Rng::with_seed(7));
    let mut seen = std::collections::BTreeSet::new();
    for case in 0..CASES {
        let doc = g.policy();
        let (changed, what) = g.real_change(&doc);
        seen.insert(what);
        assert!(
            !meaning::same_policy(&doc, &changed),
            "case {case}: a changed {what} compared as the same:\n{doc:#}\n{changed:#}"
        );
        // Rewriting the changed document does not hide the change either.
        let rewritten = g.equal_rewrite(&changed);
        assert!(
            !meaning::same_policy(&doc, &rewritten),
            "case {case}: {what}"
        );
        let d = statements::diff(&canonical::policy(&doc), &canonical::policy(&rewritten));
        assert_eq!(
            d.len(),
            1,
            "case {case}: one statement changed ({what}): {d:#?}"
        );
    }
    let every = [
        "action",
        "resource",
        "condition value",
        "effect",
        "principal",
        "condition operator",
        "Action to NotAction",
        "Resource to NotResource",
        "Principal to NotPrincipal",
    ];
    for what in every {
        assert!(seen.contains(what), "no case changed the {what}");
    }
}
