//! Equality by meaning. Two documents AWS treats the same have the same
//! normal form here, whatever their text:
//!
//! - statements in any order, a duplicate statement counted once;
//! - `Action`, `NotAction`, `Resource`, `NotResource`, principal values and
//!   condition values as sets, a string the same as its one-element list;
//! - action names in any letter case (IAM User Guide, "IAM JSON policy
//!   elements: Action": "action names are not case sensitive");
//! - condition key names in any letter case ("Condition keys are not case
//!   sensitive", IAM JSON policy elements: Condition);
//! - an account id principal and its `arn:<partition>:iam::<account>:root`
//!   ARN ("IAM JSON policy elements: Principal", AWS account principals);
//!   `"Principal": "*"` and `{"AWS": "*"}`;
//! - whitespace, key order, IAM's URL-encoding (`canonical`).
//!
//! Everything else (Effect, Sid, resource ARNs, condition values of
//! case-sensitive operators) is compared exactly.

use serde_json::{Map, Value};

use crate::canonical;

/// The normal form of a policy document, or of a bare list of statements.
/// A value that is not a policy is returned in its canonical form.
pub fn policy(doc: &Value) -> Value {
    match canonical::policy(doc) {
        Value::Array(statements) => statement_set(&statements),
        Value::Object(map) => Value::Object(
            map.into_iter()
                .map(|(k, v)| {
                    let v = match (k.as_str(), v) {
                        ("Statement", Value::Array(s)) => statement_set(&s),
                        (_, other) => other,
                    };
                    (k, v)
                })
                .collect(),
        ),
        other => other,
    }
}

/// Whether two documents mean the same.
pub fn same_policy(a: &Value, b: &Value) -> bool {
    policy(a) == policy(b)
}

fn statement_set(statements: &[Value]) -> Value {
    let mut out: Vec<Value> = statements.iter().map(statement).collect();
    out.sort_by_cached_key(|s| s.to_string());
    out.dedup();
    Value::Array(out)
}

/// The normal form of one statement.
pub fn statement(s: &Value) -> Value {
    let Value::Object(map) = s else {
        return s.clone();
    };
    let mut out = Map::new();
    for (k, v) in map {
        let v = match k.as_str() {
            "Action" | "NotAction" => set(v, |a| a.to_ascii_lowercase()),
            "Resource" | "NotResource" => set(v, str::to_owned),
            "Principal" | "NotPrincipal" => principal(v),
            "Condition" => condition(v),
            _ => v.clone(),
        };
        out.insert(k.clone(), v);
    }
    Value::Object(out)
}

fn principal(v: &Value) -> Value {
    match v {
        Value::String(s) if s == "*" => {
            let mut m = Map::new();
            m.insert("AWS".into(), Value::Array(vec![Value::String("*".into())]));
            Value::Object(m)
        }
        Value::Object(p) => Value::Object(
            p.iter()
                .map(|(kind, values)| {
                    let values = match kind.as_str() {
                        "AWS" => set(values, account_principal),
                        "Service" => set(values, |s| s.to_ascii_lowercase()),
                        _ => set(values, str::to_owned),
                    };
                    (kind.clone(), values)
                })
                .collect(),
        ),
        other => other.clone(),
    }
}

/// `arn:<partition>:iam::<account>:root` is the account itself.
fn account_principal(s: &str) -> String {
    let root = s
        .strip_prefix("arn:")
        .and_then(|r| r.split_once(":iam::"))
        .and_then(|(_, rest)| rest.strip_suffix(":root"));
    match root {
        Some(account) if account.chars().all(|c| c.is_ascii_digit()) => account.to_owned(),
        _ => s.to_owned(),
    }
}

fn condition(v: &Value) -> Value {
    let Value::Object(ops) = v else {
        return v.clone();
    };
    Value::Object(
        ops.iter()
            .map(|(op, keys)| {
                let bool_op = op.trim_end_matches("IfExists") == "Bool";
                let keys = match keys {
                    Value::Object(k) => {
                        let mut sorted = Map::new();
                        for (key, values) in k {
                            let values = if bool_op {
                                set(values, |b| b.to_ascii_lowercase())
                            } else {
                                set(values, str::to_owned)
                            };
                            sorted.insert(key.to_ascii_lowercase(), values);
                        }
                        Value::Object(sorted)
                    }
                    other => other.clone(),
                };
                (op.clone(), keys)
            })
            .collect(),
    )
}

/// A string or list of scalars as a sorted, deduplicated list of strings.
fn set(v: &Value, f: impl Fn(&str) -> String) -> Value {
    let scalar = |x: &Value| match x {
        Value::String(s) => Some(f(s)),
        Value::Bool(b) => Some(f(&b.to_string())),
        Value::Number(n) => Some(f(&n.to_string())),
        _ => None,
    };
    let items: Option<Vec<String>> = match v {
        Value::Array(a) => a.iter().map(scalar).collect(),
        other => scalar(other).map(|s| vec![s]),
    };
    match items {
        Some(mut items) => {
            items.sort_unstable();
            items.dedup();
            Value::Array(items.into_iter().map(Value::String).collect())
        }
        None => v.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn rewrites_that_mean_the_same() {
        let a = json!({"Version": "2012-10-17", "Statement": [
            {"Sid": "A", "Effect": "Allow", "Principal": {"AWS": "123456789012"},
             "Action": ["kms:Decrypt", "KMS:DescribeKey"], "Resource": "*",
             "Condition": {"StringEquals": {"aws:SourceArn": "x"}, "Bool": {"aws:SecureTransport": true}}},
            {"Sid": "B", "Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": ["r2", "r1"]}]});
        let b = json!({"Statement": [
            {"Resource": ["r1", "r2", "r1"], "Action": "S3:*", "Principal": {"AWS": ["*"]}, "Effect": "Deny", "Sid": "B"},
            {"Sid": "A", "Effect": "Allow", "Principal": {"AWS": ["arn:aws:iam::123456789012:root"]},
             "Action": ["kms:describekey", "kms:decrypt"], "Resource": ["*"],
             "Condition": {"Bool": {"AWS:SecureTransport": "TRUE"}, "StringEquals": {"AWS:SOURCEARN": ["x"]}}}],
            "Version": "2012-10-17"});
        assert!(same_policy(&a, &b), "{:#}\n{:#}", policy(&a), policy(&b));
    }

    #[test]
    fn real_changes_differ() {
        let base = json!([{"Effect": "Allow", "Principal": {"Service": "cloudtrail.amazonaws.com"},
            "Action": "s3:PutObject", "Resource": "arn:aws:s3:::b/AWSLogs/1/*",
            "Condition": {"StringEquals": {"aws:SourceArn": "arn:aws:cloudtrail:us-east-1:1:trail/t"}}}]);
        let mut resource = base.clone();
        resource[0]["Resource"] = json!("arn:aws:s3:::b/*");
        let mut value = base.clone();
        value[0]["Condition"]["StringEquals"]["aws:SourceArn"] =
            json!("arn:aws:cloudtrail:us-east-1:1:trail/T");
        let mut effect = base.clone();
        effect[0]["Effect"] = json!("Deny");
        for changed in [resource, value, effect] {
            assert!(!same_policy(&base, &changed), "{changed}");
        }
    }
}
