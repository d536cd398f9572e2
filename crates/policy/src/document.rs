//! A policy document parsed into typed statements.
//!
//! Grammar: IAM User Guide, "IAM JSON policy element reference"
//! (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements.html).
//! `Statement` is one statement or a list; `Action`, `Resource`, principal
//! values and condition values are a string or a list of strings; condition
//! values may be written as booleans or numbers, which AWS reads as strings.

use std::collections::BTreeMap;

use serde_json::Value;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ParseError {
    #[error("the policy is not a JSON object with a Statement")]
    NoStatement,
    #[error("statement {index}: {what}")]
    Statement {
        index: usize,
        #[source]
        what: StatementError,
    },
}

/// What makes one statement unreadable.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StatementError {
    #[error("not an object")]
    NotAnObject,
    #[error("Effect must be Allow or Deny, not `{0}`")]
    Effect(String),
    #[error("Effect (Allow or Deny) is missing")]
    NoEffect,
    #[error("{0} must be a string or a list of strings")]
    NotStrings(String),
    #[error("{key}.{kind} must be a string or a list")]
    PrincipalValues { key: String, kind: String },
    #[error("{0} must be \"*\" or an object")]
    Principal(String),
    #[error("Condition must be an object")]
    Condition,
    #[error("Condition.{0} must be an object")]
    ConditionOperator(String),
    #[error("Condition.{operator}.{key} must be a value or a list of values")]
    ConditionValues { operator: String, key: String },
    #[error("Action or NotAction is missing")]
    NoAction,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Effect {
    Allow,
    Deny,
}

/// `Principal` / `NotPrincipal`: `"*"` or a map from principal type
/// (`AWS`, `Service`, `Federated`, `CanonicalUser`) to values.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Principals {
    Any,
    Of(BTreeMap<String, Vec<String>>),
}

/// One entry of a `Condition` block: `operator` as written (with any
/// `ForAnyValue:` / `ForAllValues:` prefix and `IfExists` suffix), the key,
/// and the values.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Condition {
    pub operator: String,
    pub key: String,
    pub values: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Statement {
    /// Position in the document, from 0.
    pub index: usize,
    pub sid: Option<String>,
    pub effect: Effect,
    pub principal: Option<Principals>,
    pub not_principal: Option<Principals>,
    pub action: Option<Vec<String>>,
    pub not_action: Option<Vec<String>>,
    pub resource: Option<Vec<String>>,
    pub not_resource: Option<Vec<String>>,
    pub conditions: Vec<Condition>,
}

impl Statement {
    /// How a reviewer names the statement: its Sid, or its position.
    pub fn label(&self) -> String {
        match &self.sid {
            Some(s) if !s.is_empty() => format!("statement \"{s}\""),
            _ => format!("statement #{}", self.index + 1),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Policy {
    pub statements: Vec<Statement>,
}

impl Policy {
    /// Parses a whole document (`{"Statement": ...}`) or a bare list of
    /// statements (ctrail's share of a key or topic policy).
    pub fn parse(doc: &Value) -> Result<Policy, ParseError> {
        let list = match doc {
            Value::Array(s) => s.clone(),
            Value::Object(m) => match m.get("Statement") {
                Some(Value::Array(s)) => s.clone(),
                Some(single @ Value::Object(_)) => vec![single.clone()],
                _ => return Err(ParseError::NoStatement),
            },
            _ => return Err(ParseError::NoStatement),
        };
        let statements = list
            .iter()
            .enumerate()
            .map(|(index, s)| {
                statement(index, s).map_err(|what| ParseError::Statement { index, what })
            })
            .collect::<Result<_, _>>()?;
        Ok(Policy { statements })
    }
}

fn statement(index: usize, v: &Value) -> Result<Statement, StatementError> {
    let Value::Object(m) = v else {
        return Err(StatementError::NotAnObject);
    };
    let effect = match m.get("Effect").and_then(Value::as_str) {
        Some("Allow") => Effect::Allow,
        Some("Deny") => Effect::Deny,
        Some(other) => return Err(StatementError::Effect(other.to_owned())),
        None => return Err(StatementError::NoEffect),
    };
    let list = |key: &str| -> Result<Option<Vec<String>>, StatementError> {
        m.get(key)
            .map(|v| strings(v).ok_or_else(|| StatementError::NotStrings(key.to_owned())))
            .transpose()
    };
    let principals = |key: &str| -> Result<Option<Principals>, StatementError> {
        match m.get(key) {
            None => Ok(None),
            Some(Value::String(s)) if s == "*" => Ok(Some(Principals::Any)),
            Some(Value::Object(p)) => {
                let mut out = BTreeMap::new();
                for (kind, values) in p {
                    let values =
                        strings(values).ok_or_else(|| StatementError::PrincipalValues {
                            key: key.to_owned(),
                            kind: kind.clone(),
                        })?;
                    out.insert(kind.clone(), values);
                }
                Ok(Some(Principals::Of(out)))
            }
            Some(_) => Err(StatementError::Principal(key.to_owned())),
        }
    };
    let mut conditions = Vec::new();
    if let Some(c) = m.get("Condition") {
        let Value::Object(ops) = c else {
            return Err(StatementError::Condition);
        };
        for (operator, keys) in ops {
            let Value::Object(keys) = keys else {
                return Err(StatementError::ConditionOperator(operator.clone()));
            };
            for (key, values) in keys {
                let values = strings(values).ok_or_else(|| StatementError::ConditionValues {
                    operator: operator.clone(),
                    key: key.clone(),
                })?;
                conditions.push(Condition {
                    operator: operator.clone(),
                    key: key.clone(),
                    values,
                });
            }
        }
    }
    if !m.contains_key("Action") && !m.contains_key("NotAction") {
        return Err(StatementError::NoAction);
    }
    Ok(Statement {
        index,
        sid: m.get("Sid").and_then(Value::as_str).map(str::to_owned),
        effect,
        principal: principals("Principal")?,
        not_principal: principals("NotPrincipal")?,
        action: list("Action")?,
        not_action: list("NotAction")?,
        resource: list("Resource")?,
        not_resource: list("NotResource")?,
        conditions,
    })
}

/// A string, boolean or number, or a list of them, as strings.
fn strings(v: &Value) -> Option<Vec<String>> {
    let one = |v: &Value| match v {
        Value::String(s) => Some(s.clone()),
        Value::Bool(b) => Some(b.to_string()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    };
    match v {
        Value::Array(items) => items.iter().map(one).collect(),
        other => one(other).map(|s| vec![s]),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn parses_every_element() {
        let p = Policy::parse(
            &json!({"Statement": {"Sid": "A", "Effect": "Deny", "Principal": "*",
            "NotAction": ["s3:Get*"], "Resource": "arn:aws:s3:::b/*",
            "Condition": {"Bool": {"aws:SecureTransport": false}}}}),
        )
        .expect("parses");
        let s = &p.statements[0];
        assert_eq!(s.effect, Effect::Deny);
        assert_eq!(s.principal, Some(Principals::Any));
        assert_eq!(s.not_action, Some(vec!["s3:Get*".to_owned()]));
        assert_eq!(s.conditions[0].values, vec!["false".to_owned()]);
        assert_eq!(s.label(), "statement \"A\"");
    }

    #[test]
    fn refuses_what_is_not_a_policy() {
        assert_eq!(Policy::parse(&json!({})), Err(ParseError::NoStatement));
        assert!(Policy::parse(&json!([{"Effect": "Maybe"}])).is_err());
    }
}
