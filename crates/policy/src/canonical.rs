//! One stored form for IAM-style policy documents, applied to desired and
//! live documents alike, so plans show documents the same way whoever wrote
//! them: IAM's URL-encoding undone, a single statement as a list, one-element
//! lists as plain strings, string lists sorted and deduplicated, object keys
//! sorted. Equality by meaning (statement order, letter case of actions,
//! account principals) is `meaning`'s, on top of this form.

use serde_json::{Map, Value};

/// Parses a policy as AWS returns it (plain or URL-encoded JSON) and
/// canonicalises it. `None` if it is not JSON.
pub fn parse_policy(text: &str) -> Option<Value> {
    let trimmed = text.trim();
    let decoded;
    let json = if trimmed.starts_with('%') {
        decoded = urlencoding_decode(trimmed)?;
        decoded.as_str()
    } else {
        trimmed
    };
    serde_json::from_str::<Value>(json).ok().map(|v| policy(&v))
}

/// The canonical form of a policy document (or of a list of statements).
pub fn policy(doc: &Value) -> Value {
    match doc {
        Value::Array(statements) => Value::Array(statements.iter().map(statement).collect()),
        Value::Object(map) => {
            let mut out = Map::new();
            for (k, v) in map {
                let v = if k == "Statement" {
                    match v {
                        Value::Array(s) => Value::Array(s.iter().map(statement).collect()),
                        single => Value::Array(vec![statement(single)]),
                    }
                } else {
                    v.clone()
                };
                out.insert(k.clone(), v);
            }
            Value::Object(out)
        }
        other => other.clone(),
    }
}

fn statement(s: &Value) -> Value {
    let Value::Object(map) = s else {
        return s.clone();
    };
    let mut out = Map::new();
    for (k, v) in map {
        let v = match k.as_str() {
            "Action" | "NotAction" | "Resource" | "NotResource" => string_set(v),
            "Principal" | "NotPrincipal" => match v {
                Value::Object(p) => {
                    Value::Object(p.iter().map(|(k, v)| (k.clone(), string_set(v))).collect())
                }
                other => other.clone(),
            },
            "Condition" => match v {
                Value::Object(ops) => Value::Object(
                    ops.iter()
                        .map(|(op, keys)| {
                            let keys = match keys {
                                Value::Object(k) => Value::Object(
                                    k.iter().map(|(k, v)| (k.clone(), string_set(v))).collect(),
                                ),
                                other => other.clone(),
                            };
                            (op.clone(), keys)
                        })
                        .collect(),
                ),
                other => other.clone(),
            },
            _ => v.clone(),
        };
        out.insert(k.clone(), v);
    }
    Value::Object(out)
}

/// A string or list of strings: sorted, deduplicated, a single one unwrapped.
fn string_set(v: &Value) -> Value {
    let Value::Array(items) = v else {
        return v.clone();
    };
    if !items.iter().all(Value::is_string) {
        return v.clone();
    }
    let mut strings: Vec<&str> = items.iter().filter_map(Value::as_str).collect();
    strings.sort_unstable();
    strings.dedup();
    match strings.as_slice() {
        [one] => Value::String((*one).to_owned()),
        many => Value::Array(
            many.iter()
                .map(|s| Value::String((*s).to_owned()))
                .collect(),
        ),
    }
}

fn urlencoding_decode(s: &str) -> Option<String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'%' if i + 2 < bytes.len() => {
                let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).ok()?;
                out.push(u8::from_str_radix(hex, 16).ok()?);
                i += 3;
            }
            b'+' => {
                out.push(b' ');
                i += 1;
            }
            b => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8(out).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn equal_meaning_gives_equal_form() {
        let a = json!({"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": ["s3:B", "s3:A"],
            "Principal": {"Service": ["cloudtrail.amazonaws.com"]}, "Resource": ["arn:aws:s3:::b"],
            "Condition": {"StringEquals": {"aws:SourceAccount": ["1"]}}}});
        let b = json!({"Statement": [{"Resource": "arn:aws:s3:::b", "Action": ["s3:A", "s3:B", "s3:A"],
            "Condition": {"StringEquals": {"aws:SourceAccount": "1"}}, "Effect": "Allow",
            "Principal": {"Service": "cloudtrail.amazonaws.com"}}], "Version": "2012-10-17"});
        assert_eq!(policy(&a), policy(&b));
    }

    #[test]
    fn url_encoded_documents_are_decoded() {
        let encoded = "%7B%22Version%22%3A%222012-10-17%22%2C%22Statement%22%3A%5B%7B%22Effect%22%3A%22Allow%22%2C%22Action%22%3A%5B%22logs%3APutLogEvents%22%5D%2C%22Resource%22%3A%22arn%3Aaws%3Alogs%3A%2A%22%7D%5D%7D";
        let v = parse_policy(encoded).expect("decoded");
        assert_eq!(v["Statement"][0]["Action"], "logs:PutLogEvents");
        assert_eq!(v["Statement"][0]["Resource"], "arn:aws:logs:*");
    }
}
