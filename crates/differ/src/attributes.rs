//! Attribute-level differences between live and desired JSON.

use ctrail_model::{AttributeChange, ResourceKind};
use serde_json::Value;

use crate::meaning;

/// Attributes compared as one value, as each kind's rules say
/// (`Rules::whole`: policy documents, which a reviewer reads whole). Lists
/// are one value too: only objects are compared path by path.
fn whole(kind: ResourceKind, path: &str) -> bool {
    ctrail_kinds::rules(kind).whole(path.rsplit('.').next().unwrap_or(path))
}

/// Every attribute of a resource to be created.
pub(crate) fn all(desired: &Value) -> Vec<AttributeChange> {
    match desired {
        Value::Object(map) => map
            .iter()
            .filter(|(_, v)| !v.is_null())
            .map(|(k, v)| AttributeChange {
                path: k.clone(),
                old: None,
                new: Some(v.clone()),
            })
            .collect(),
        other => vec![AttributeChange {
            path: String::new(),
            old: None,
            new: Some(other.clone()),
        }],
    }
}

/// Every attribute of a resource to be deleted.
pub(crate) fn gone(live: &Value) -> Vec<AttributeChange> {
    all(live)
        .into_iter()
        .map(|c| AttributeChange {
            path: c.path,
            old: c.new,
            new: None,
        })
        .collect()
}

/// The attributes where `live` differs from `desired`, by path.
/// Live attributes whose names start with `_` are observations (such as
/// `_pending_confirmation`), reported as notes and never diffed.
pub(crate) fn diff(kind: ResourceKind, live: &Value, desired: &Value) -> Vec<AttributeChange> {
    let mut out = Vec::new();
    let live = match live {
        Value::Object(m) => Value::Object(
            m.iter()
                .filter(|(k, _)| !k.starts_with('_'))
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect(),
        ),
        other => other.clone(),
    };
    walk(kind, "", Some(&live), Some(desired), &mut out);
    out
}

fn walk(
    kind: ResourceKind,
    path: &str,
    old: Option<&Value>,
    new: Option<&Value>,
    out: &mut Vec<AttributeChange>,
) {
    // An attribute set to null and one not set at all are the same: unset.
    // (They are also the same after a plan is saved and read back.)
    let old = old.filter(|v| !v.is_null());
    let new = new.filter(|v| !v.is_null());
    // Equal by meaning: policies and sets as AWS reads them.
    if meaning::same(kind, path, old, new) {
        return;
    }
    if let (Some(Value::Object(a)), Some(Value::Object(b))) = (old, new)
        && !whole(kind, path)
    {
        let mut keys: Vec<&String> = a.keys().chain(b.keys()).collect();
        keys.sort();
        keys.dedup();
        for k in keys {
            let child = if path.is_empty() {
                k.clone()
            } else {
                format!("{path}.{k}")
            };
            walk(kind, &child, a.get(k), b.get(k), out);
        }
        return;
    }
    out.push(AttributeChange {
        path: path.to_owned(),
        old: old.cloned(),
        new: new.cloned(),
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn nested_objects_diff_by_path_policies_whole() {
        let live =
            json!({"tags": {"Owner": "a", "Gone": "x"}, "policy": {"Statement": [1]}, "n": 1});
        let desired = json!({"tags": {"Owner": "b"}, "policy": {"Statement": [2]}, "n": 1});
        let changes = diff(ResourceKind::S3BucketPolicy, &live, &desired);
        let paths: Vec<&str> = changes.iter().map(|c| c.path.as_str()).collect();
        assert_eq!(paths, vec!["policy", "tags.Gone", "tags.Owner"]);
        assert_eq!(changes[1].new, None);
    }

    #[test]
    fn only_a_kinds_documents_are_whole() {
        // The role's trust policy is a document: one change, shown whole.
        let live = json!({"assume_role_policy": {"Version": "2012-10-17", "Statement": []}});
        let desired = json!({"assume_role_policy": {"Version": "2008-10-17", "Statement": []}});
        let changes = diff(ResourceKind::IamRole, &live, &desired);
        let paths: Vec<&str> = changes.iter().map(|c| c.path.as_str()).collect();
        assert_eq!(paths, vec!["assume_role_policy"]);
        // An object no rule calls a document is compared path by path.
        let changes = diff(ResourceKind::S3BucketTags, &live, &desired);
        let paths: Vec<&str> = changes.iter().map(|c| c.path.as_str()).collect();
        assert_eq!(paths, vec!["assume_role_policy.Version"]);
    }

    #[test]
    fn null_and_absent_are_both_unset() {
        let changes = diff(
            ResourceKind::Trail,
            &json!({"a": null, "b": null}),
            &json!({"b": 1}),
        );
        assert_eq!(changes.len(), 1);
        assert_eq!(changes[0].path, "b");
        assert_eq!(changes[0].old, None);
    }

    #[test]
    fn documents_and_sets_compare_by_meaning() {
        let desired = json!({"policy": {"Version": "2012-10-17", "Statement": [
            {"Sid": "A", "Effect": "Allow", "Principal": {"Service": "cloudtrail.amazonaws.com"},
             "Action": "s3:GetBucketAcl", "Resource": "arn:aws:s3:::b"},
            {"Sid": "B", "Effect": "Deny", "Principal": "*", "Action": "s3:*",
             "Resource": ["arn:aws:s3:::b", "arn:aws:s3:::b/*"]}]}});
        let live = json!({"policy": {"Version": "2012-10-17", "Statement": [
            {"Sid": "B", "Effect": "Deny", "Principal": {"AWS": "*"}, "Action": ["S3:*"],
             "Resource": ["arn:aws:s3:::b/*", "arn:aws:s3:::b"]},
            {"Sid": "A", "Effect": "Allow", "Principal": {"Service": ["cloudtrail.amazonaws.com"]},
             "Action": ["s3:getbucketacl"], "Resource": ["arn:aws:s3:::b"]}]}});
        assert!(diff(ResourceKind::S3BucketPolicy, &live, &desired).is_empty());
        let mut widened = live.clone();
        widened["policy"]["Statement"][0]["Resource"] = json!("*");
        let changes = diff(ResourceKind::S3BucketPolicy, &widened, &desired);
        assert_eq!(changes.len(), 1);
        assert_eq!(changes[0].path, "policy");

        let desired = json!({"insight_types": ["ApiCallRateInsight", "ApiErrorRateInsight"]});
        let live = json!({"insight_types": ["ApiErrorRateInsight", "ApiCallRateInsight"]});
        assert!(diff(ResourceKind::TrailInsightSelectors, &live, &desired).is_empty());
    }

    #[test]
    fn equal_values_give_no_changes() {
        let v = json!({"a": {"b": [1, 2]}});
        assert!(diff(ResourceKind::Trail, &v, &v).is_empty());
    }
}
