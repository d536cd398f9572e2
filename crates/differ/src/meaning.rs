//! Equality by meaning: which attributes are policy documents (compared as
//! `ctrail_policy::meaning` says) and which lists are sets (compared in any
//! order, a duplicate counted once). Each kind declares its own in its
//! module's `Rules::compare`, with the AWS behaviour that makes them so; the
//! differ compares every attribute through `same`.

use serde_json::Value;

use ctrail_kinds::Compare;
use ctrail_model::ResourceKind as K;

fn rule(kind: K, attribute: &str) -> Option<Compare> {
    ctrail_kinds::rules(kind).compare(attribute)
}

/// Whether `kind`'s attribute `attribute` is a policy document (or a list of
/// statements), which plans show statement by statement.
pub fn is_policy(kind: K, attribute: &str) -> bool {
    matches!(rule(kind, attribute), Some(Compare::Policy))
}

/// The form in which two values of `kind`'s attribute `attribute` are equal
/// exactly when they mean the same.
pub fn normal_form(kind: K, attribute: &str, v: &Value) -> Value {
    match rule(kind, attribute) {
        Some(Compare::Policy) => ctrail_policy::meaning::policy(v),
        Some(Compare::Sets(paths)) => sets(v, "", paths),
        None => v.clone(),
    }
}

/// Whether `a` and `b`, values at `path` of a `kind` resource (`path` is the
/// attribute, or a `.`-separated path inside it), mean the same.
pub fn same(kind: K, path: &str, a: Option<&Value>, b: Option<&Value>) -> bool {
    if a == b {
        return true;
    }
    let (Some(a), Some(b)) = (a, b) else {
        return false;
    };
    // Rules are declared on top-level attributes.
    if path.contains('.') {
        return false;
    }
    match rule(kind, path) {
        None => false,
        Some(_) => normal_form(kind, path, a) == normal_form(kind, path, b),
    }
}

fn sets(v: &Value, at: &str, paths: &[&str]) -> Value {
    let child = |step: &str| {
        if at.is_empty() {
            step.to_owned()
        } else {
            format!("{at}.{step}")
        }
    };
    match v {
        Value::Array(items) => {
            let inner = child("[]");
            let mut out: Vec<Value> = items.iter().map(|x| sets(x, &inner, paths)).collect();
            if paths.contains(&at) {
                out.sort_by_cached_key(|x| x.to_string());
                out.dedup();
            }
            Value::Array(out)
        }
        Value::Object(m) => Value::Object(
            m.iter()
                .map(|(k, x)| {
                    let named = child(k);
                    let any = child("*");
                    let path = if paths
                        .iter()
                        .any(|p| *p == any || p.starts_with(&format!("{any}.")))
                    {
                        any
                    } else {
                        named
                    };
                    (k.clone(), sets(x, &path, paths))
                })
                .collect(),
        ),
        other => other.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn selectors_are_sets_at_every_level() {
        let a = json!([
            {"read_write_type": "All", "include_management_events": true,
             "data_resources": [{"type": "AWS::S3::Object", "values": ["arn:aws:s3:::b/", "arn:aws:s3:::a/"]},
                                {"type": "AWS::Lambda::Function", "values": ["arn:aws:lambda"]}]},
            {"read_write_type": "ReadOnly", "include_management_events": false, "data_resources": []}]);
        let b = json!([
            {"read_write_type": "ReadOnly", "include_management_events": false, "data_resources": []},
            {"read_write_type": "All", "include_management_events": true,
             "data_resources": [{"type": "AWS::Lambda::Function", "values": ["arn:aws:lambda"]},
                                {"type": "AWS::S3::Object", "values": ["arn:aws:s3:::a/", "arn:aws:s3:::b/"]}]}]);
        assert!(same(
            K::TrailEventSelectors,
            "selectors",
            Some(&a),
            Some(&b)
        ));
        let mut c = b.clone();
        c[1]["data_resources"][1]["values"][0] = json!("arn:aws:s3:::c/");
        assert!(!same(
            K::TrailEventSelectors,
            "selectors",
            Some(&a),
            Some(&c)
        ));
    }

    #[test]
    fn advanced_field_selector_values_are_sets() {
        let a = json!([{"name": "x", "field_selectors": [
            {"field": "eventCategory", "equals": ["Data"]},
            {"field": "resources.type", "equals": ["AWS::S3::Object", "AWS::Lambda::Function"]}]}]);
        let b = json!([{"name": "x", "field_selectors": [
            {"field": "resources.type", "equals": ["AWS::Lambda::Function", "AWS::S3::Object"]},
            {"field": "eventCategory", "equals": ["Data"]}]}]);
        assert!(same(
            K::TrailEventSelectors,
            "selectors",
            Some(&a),
            Some(&b)
        ));
    }

    #[test]
    fn lists_that_are_not_sets_keep_their_order() {
        let a = json!(["a", "b"]);
        let b = json!(["b", "a"]);
        assert!(same(K::MetricAlarm, "alarm_actions", Some(&a), Some(&b)));
        assert!(!same(K::Trail, "something", Some(&a), Some(&b)));
    }
}
