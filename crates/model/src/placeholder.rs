//! Values only AWS knows (the account id, the organization id, a KMS key's
//! ARN) appear in desired attributes as placeholders. The reader resolves them
//! from live state; nothing here guesses them.

use serde::Serialize;
use serde_json::Value;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Placeholder {
    /// From STS GetCallerIdentity (or the spec's `account_id` guard).
    AccountId,
    /// From Organizations DescribeOrganization; organization trails only.
    OrganizationId,
    /// From KMS DescribeKey on the spec's `kms_key_id`.
    KmsKeyArn,
}

impl Placeholder {
    pub const ALL: [Placeholder; 3] = [Self::AccountId, Self::OrganizationId, Self::KmsKeyArn];

    /// The token as it appears inside attribute strings.
    pub fn token(self) -> &'static str {
        match self {
            Self::AccountId => "${account_id}",
            Self::OrganizationId => "${organization_id}",
            Self::KmsKeyArn => "${kms_key_arn}",
        }
    }
}

/// Placeholders used anywhere inside `value`.
pub fn used_in(value: &Value) -> Vec<Placeholder> {
    let mut found = Vec::new();
    visit_strings(value, &mut |s| {
        for p in Placeholder::ALL {
            if s.contains(p.token()) && !found.contains(&p) {
                found.push(p);
            }
        }
    });
    found.sort();
    found
}

fn visit_strings(value: &Value, f: &mut impl FnMut(&str)) {
    match value {
        Value::String(s) => f(s),
        Value::Array(items) => items.iter().for_each(|v| visit_strings(v, f)),
        Value::Object(map) => map.values().for_each(|v| visit_strings(v, f)),
        _ => {}
    }
}

/// Replaces every placeholder for which `lookup` has a value.
pub fn resolve(value: &mut Value, lookup: &impl Fn(Placeholder) -> Option<String>) {
    match value {
        Value::String(s) => {
            for p in Placeholder::ALL {
                if s.contains(p.token())
                    && let Some(v) = lookup(p)
                {
                    *s = s.replace(p.token(), &v);
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|v| resolve(v, lookup)),
        Value::Object(map) => map.values_mut().for_each(|v| resolve(v, lookup)),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn finds_and_resolves() {
        let mut v = json!({"a": ["arn:aws:iam::${account_id}:root"], "b": "${kms_key_arn}"});
        assert_eq!(
            used_in(&v),
            vec![Placeholder::AccountId, Placeholder::KmsKeyArn]
        );
        resolve(&mut v, &|p| {
            (p == Placeholder::AccountId).then(|| "123456789012".to_owned())
        });
        assert_eq!(v["a"][0], "arn:aws:iam::123456789012:root");
        assert_eq!(v["b"], "${kms_key_arn}");
    }
}
