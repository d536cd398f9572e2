//! Policies ctrail shares with others (a KMS key's, an SNS topic's): ctrail
//! owns the statements whose Sid starts with `CTrail` and leaves every other
//! statement alone. The reader compares the owned ones, the executor writes
//! them back into the live document, and the preflight judges the document
//! as that write will leave it: all through these functions.

use serde_json::Value;

/// Sids of statements ctrail owns in policies shared with others.
pub const OWNED_SID_PREFIX: &str = "CTrail";

/// Whether ctrail owns this statement.
pub fn is_owned(statement: &Value) -> bool {
    statement
        .get("Sid")
        .and_then(Value::as_str)
        .is_some_and(|sid| sid.starts_with(OWNED_SID_PREFIX))
}

fn statement_list(policy: &Value) -> Vec<Value> {
    match policy.get("Statement") {
        Some(Value::Array(s)) => s.clone(),
        Some(one) => vec![one.clone()],
        None => Vec::new(),
    }
}

/// The statements of `policy` that ctrail owns, as a list.
pub fn owned_statements(policy: &Value) -> Value {
    Value::Array(
        statement_list(policy)
            .into_iter()
            .filter(is_owned)
            .collect(),
    )
}

/// `policy` with the statements ctrail owns replaced by `ours`; everything
/// else in it kept as it is (a single statement becomes a list).
pub fn with_owned(policy: &Value, ours: &[Value]) -> Value {
    let mut statements: Vec<Value> = statement_list(policy)
        .into_iter()
        .filter(|s| !is_owned(s))
        .collect();
    statements.extend(ours.iter().cloned());
    let mut doc = match policy {
        Value::Object(m) => m.clone(),
        _ => serde_json::Map::new(),
    };
    doc.insert("Statement".into(), Value::Array(statements));
    Value::Object(doc)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn others_statements_are_kept_ours_replaced() {
        let live = json!({"Version": "2012-10-17", "Id": "k",
            "Statement": [{"Sid": "Root", "Effect": "Allow"}, {"Sid": "CTrailOld", "Effect": "Allow"}]});
        let doc = with_owned(&live, &[json!({"Sid": "CTrailNew"})]);
        assert_eq!(doc["Id"], "k");
        let sids: Vec<&str> = doc["Statement"]
            .as_array()
            .expect("list")
            .iter()
            .filter_map(|s| s["Sid"].as_str())
            .collect();
        assert_eq!(sids, ["Root", "CTrailNew"]);
        assert_eq!(
            owned_statements(&live),
            json!([{"Sid": "CTrailOld", "Effect": "Allow"}])
        );
        let single = json!({"Statement": {"Sid": "CTrailOnly"}});
        assert_eq!(owned_statements(&single), json!([{"Sid": "CTrailOnly"}]));
    }
}
