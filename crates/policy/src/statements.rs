//! Statement-level differences between two documents: which statement (by
//! `Sid`, or by its content when it has none) was added, removed or changed,
//! and for a changed one, which of its elements. Statements are compared by
//! meaning (`meaning::statement`), so reordering alone is never a change.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::canonical;
use crate::meaning;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ChangeKind {
    Added,
    Removed,
    Changed,
}

/// One element of a changed statement (`Action`, `Condition`, ...), or a
/// top-level element of the document (`Version`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ElementChange {
    pub element: String,
    pub old: Option<Value>,
    pub new: Option<Value>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StatementChange {
    pub kind: ChangeKind,
    /// `statement "Sid"`, or `statement #N` (its position in the document
    /// it comes from), or `document` for a top-level element.
    pub label: String,
    /// The whole statement, for an added or removed one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub statement: Option<Value>,
    /// The elements that differ, for a changed one.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub elements: Vec<ElementChange>,
}

fn statements(doc: &Value) -> Vec<Value> {
    match canonical::policy(doc) {
        Value::Array(s) => s,
        Value::Object(m) => match m.get("Statement") {
            Some(Value::Array(s)) => s.clone(),
            _ => Vec::new(),
        },
        _ => Vec::new(),
    }
}

/// Each statement with its position and normal form; a statement that means
/// the same as an earlier one is counted once, as AWS counts it.
fn distinct(statements: Vec<Value>) -> Vec<(usize, Value, Value)> {
    let mut out: Vec<(usize, Value, Value)> = Vec::new();
    for (i, s) in statements.into_iter().enumerate() {
        let m = meaning::statement(&s);
        if !out.iter().any(|(_, seen, _)| *seen == m) {
            out.push((i, m, s));
        }
    }
    out
}

fn sid(s: &Value) -> Option<&str> {
    s.get("Sid")
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty())
}

fn label(s: &Value, index: usize) -> String {
    match sid(s) {
        Some(sid) => format!("statement \"{sid}\""),
        None => format!("statement #{}", index + 1),
    }
}

/// The statement-level changes that turn `old` into `new`; empty when the two
/// documents mean the same.
pub fn diff(old: &Value, new: &Value) -> Vec<StatementChange> {
    let mut out = Vec::new();
    // Top-level elements other than the statements (Version, Id).
    if let (Value::Object(o), Value::Object(n)) = (old, new) {
        let mut keys: Vec<&String> = o
            .keys()
            .chain(n.keys())
            .filter(|k| *k != "Statement")
            .collect();
        keys.sort();
        keys.dedup();
        let elements: Vec<ElementChange> = keys
            .into_iter()
            .filter(|k| o.get(*k) != n.get(*k))
            .map(|k| ElementChange {
                element: k.clone(),
                old: o.get(k).cloned(),
                new: n.get(k).cloned(),
            })
            .collect();
        if !elements.is_empty() {
            out.push(StatementChange {
                kind: ChangeKind::Changed,
                label: "document".into(),
                statement: None,
                elements,
            });
        }
    }
    let old = distinct(statements(old));
    let new = distinct(statements(new));
    let mut old_left: Vec<bool> = vec![true; old.len()];
    let mut new_left: Vec<bool> = vec![true; new.len()];
    // Same meaning: unchanged, wherever it stands.
    for (ni, (_, nm, _)) in new.iter().enumerate() {
        if let Some(oi) = (0..old.len()).find(|&oi| old_left[oi] && &old[oi].1 == nm) {
            old_left[oi] = false;
            new_left[ni] = false;
        }
    }
    // Same Sid, different content: changed.
    for (ni, (index, nm, ns)) in new.iter().enumerate() {
        let Some(id) = sid(ns).filter(|_| new_left[ni]) else {
            continue;
        };
        if let Some(oi) = (0..old.len()).find(|&oi| old_left[oi] && sid(&old[oi].2) == Some(id)) {
            old_left[oi] = false;
            new_left[ni] = false;
            out.push(StatementChange {
                kind: ChangeKind::Changed,
                label: label(ns, *index),
                statement: None,
                elements: elements((&old[oi].1, &old[oi].2), (nm, ns)),
            });
        }
    }
    // What is left unmatched was removed or added.
    for (side, left, kind) in [
        (&old, &old_left, ChangeKind::Removed),
        (&new, &new_left, ChangeKind::Added),
    ] {
        let unmatched = side.iter().zip(left.iter()).filter(|(_, l)| **l);
        out.extend(unmatched.map(|((index, _, s), _)| StatementChange {
            kind,
            label: label(s, *index),
            statement: Some(s.clone()),
            elements: Vec::new(),
        }));
    }
    out
}

/// The elements whose meaning differs, shown as written (canonical form).
/// Each side is (normal form, canonical form).
fn elements(old: (&Value, &Value), new: (&Value, &Value)) -> Vec<ElementChange> {
    let (Value::Object(o), Value::Object(n)) = (old.0, new.0) else {
        return vec![ElementChange {
            element: String::new(),
            old: Some(old.1.clone()),
            new: Some(new.1.clone()),
        }];
    };
    let mut keys: Vec<&String> = o.keys().chain(n.keys()).collect();
    keys.sort();
    keys.dedup();
    keys.into_iter()
        .filter(|k| o.get(*k) != n.get(*k))
        .map(|k| ElementChange {
            element: k.clone(),
            old: old.1.get(k).cloned(),
            new: new.1.get(k).cloned(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn reordering_alone_is_no_change() {
        let a = json!({"Statement": [{"Sid": "A", "Effect": "Allow", "Action": "x:A", "Resource": "*"},
                                     {"Effect": "Deny", "Action": "x:B", "Resource": "*"}]});
        let b = json!({"Statement": [{"Effect": "Deny", "Action": ["x:b"], "Resource": "*"},
                                     {"Resource": "*", "Action": "X:a", "Effect": "Allow", "Sid": "A"}]});
        assert_eq!(diff(&a, &b), vec![]);
    }

    #[test]
    fn added_removed_and_changed_by_sid() {
        let old = json!({"Version": "2012-10-17", "Statement": [
            {"Sid": "Write", "Effect": "Allow", "Action": "s3:PutObject", "Resource": "arn:aws:s3:::b/*"},
            {"Effect": "Allow", "Action": "s3:ListBucket", "Resource": "arn:aws:s3:::b"}]});
        let new = json!({"Version": "2012-10-17", "Statement": [
            {"Sid": "Write", "Effect": "Allow", "Action": "s3:PutObject", "Resource": "arn:aws:s3:::b/AWSLogs/1/*"},
            {"Sid": "Acl", "Effect": "Allow", "Action": "s3:GetBucketAcl", "Resource": "arn:aws:s3:::b"}]});
        let d = diff(&old, &new);
        let summary: Vec<(ChangeKind, &str)> =
            d.iter().map(|c| (c.kind, c.label.as_str())).collect();
        assert_eq!(
            summary,
            vec![
                (ChangeKind::Changed, "statement \"Write\""),
                (ChangeKind::Removed, "statement #2"),
                (ChangeKind::Added, "statement \"Acl\""),
            ]
        );
        assert_eq!(d[0].elements.len(), 1);
        assert_eq!(d[0].elements[0].element, "Resource");
        assert_eq!(
            d[0].elements[0].new,
            Some(json!("arn:aws:s3:::b/AWSLogs/1/*"))
        );
    }
}
