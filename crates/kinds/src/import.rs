//! What `ctrail import` asks of each kind: how a live value becomes spec
//! fields (`Kind::import`), the inverse of `Kind::desired`. A field is left
//! out when the spec's default gives the value found, and written as found
//! otherwise, with a comment saying what was found.

use std::collections::BTreeMap;

use ctrail_spec::fields::FieldPath;
use serde_json::Value;

use crate::cloudtrail::trail::Trail;
use crate::{Kind, LiveState, Names};

/// One value for the spec: where it goes, the value, and what to say about
/// it (empty: nothing, for names read as found).
#[derive(Debug, Clone, PartialEq)]
pub struct SpecField {
    pub at: FieldPath,
    pub value: Value,
    pub comment: &'static str,
    /// An item of the list at `at`, beside the other kinds' items.
    pub item: bool,
}

impl SpecField {
    pub fn new(at: FieldPath, value: impl Into<Value>, comment: &'static str) -> Self {
        SpecField {
            at,
            value: value.into(),
            comment,
            item: false,
        }
    }

    /// An item of the list at `at`.
    pub fn item(at: FieldPath, value: Value, comment: &'static str) -> Self {
        SpecField {
            at,
            value,
            comment,
            item: true,
        }
    }
}

/// What an import needs besides the kind's own live value: the trail as
/// found (its names, which the spec's defaults follow) and the other kinds'
/// live values.
pub struct ImportCx<'a> {
    pub trail: &'a Trail,
    pub names: Names<'a>,
    live: &'a LiveState,
}

impl<'a> ImportCx<'a> {
    /// The trail as found, and what was read of everything it uses (empty
    /// before the first read).
    pub fn new(trail: &'a Trail, live: &'a LiveState) -> Self {
        let names = Names {
            partition: ctrail_spec::rules::regions::partition(&trail.home_region),
            region: &trail.home_region,
            trail_name: &trail.name,
            bucket: trail.s3_bucket_name.as_deref().unwrap_or_default(),
            s3_key_prefix: trail.s3_key_prefix.as_deref(),
            organization: trail.is_organization_trail,
        };
        ImportCx { trail, names, live }
    }

    /// The account the trail is in (empty before the first read).
    pub fn account_id(&self) -> &str {
        &self.live.context.account_id
    }

    /// The `K` resource `name` as read, if it exists (and fits the kind).
    pub fn live<K: Kind>(&self, name: &str) -> Option<K> {
        self.live.get::<K>(name).cloned()
    }

    /// Every `K` resource read that exists, by name.
    pub fn all<K: Kind>(&self) -> Vec<(String, K)> {
        self.live
            .all::<K>()
            .map(|(name, k)| (name.to_owned(), k.clone()))
            .collect()
    }

    /// `value` with the values only AWS knows (the account, the
    /// organization, the key's ARN) put in, as a plan resolves its desired
    /// values.
    pub fn resolved(&self, mut value: Value) -> Value {
        ctrail_model::placeholder::resolve(&mut value, &|p| self.live.context.value(p));
        value
    }

    /// The trail's log group, if it delivers to CloudWatch Logs.
    pub fn log_group(&self) -> Option<&'a str> {
        self.trail.log_group()
    }

    /// The trail's tags as the spec's `tags` will hold them.
    pub fn spec_tags(&self) -> BTreeMap<String, String> {
        self.live::<crate::cloudtrail::tags::TrailTags>(&self.trail.name)
            .map(|t| crate::tags::spec_tags(&t.tags))
            .unwrap_or_default()
    }
}

/// `v` with every list sorted, for values whose lists are sets.
pub fn as_sets(v: &Value) -> Value {
    match v {
        Value::Array(a) => {
            let mut items: Vec<Value> = a.iter().map(as_sets).collect();
            items.sort_by_key(Value::to_string);
            Value::Array(items)
        }
        Value::Object(m) => Value::Object(m.iter().map(|(k, v)| (k.clone(), as_sets(v))).collect()),
        other => other.clone(),
    }
}

/// `v` without null values and empty lists (what the spec leaves out).
pub fn without_empty(v: &Value) -> Value {
    match v {
        Value::Object(m) => Value::Object(
            m.iter()
                .filter(|(_, v)| !v.is_null() && !v.as_array().is_some_and(Vec::is_empty))
                .map(|(k, v)| (k.clone(), without_empty(v)))
                .collect(),
        ),
        Value::Array(a) => Value::Array(a.iter().map(without_empty).collect()),
        other => other.clone(),
    }
}

/// What the kinds' round-trip tests share: a live value imported into a
/// spec, and that spec's desired value of the kind.
#[cfg(test)]
pub(crate) mod round_trip {
    use ctrail_model::{LiveContext, ResourceKind};
    use ctrail_spec::draft::Draft;
    use serde_json::Value;

    use super::{ImportCx, SpecField};
    use crate::cloudtrail::trail::Trail;
    use crate::{Attributes, Compare, Kind, LiveResource, LiveState, Names};

    pub const ACCOUNT: &str = "123456789012";
    pub const KEY_ARN: &str =
        "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";

    /// A trail `audit` in us-east-1 writing to bucket `audit-logs`, with a log group and
    /// role, as a setup made by hand has it.
    pub fn trail() -> Trail {
        Trail {
            name: "audit".into(),
            home_region: "us-east-1".into(),
            s3_bucket_name: Some("audit-logs".into()),
            s3_key_prefix: None,
            include_global_service_events: true,
            is_multi_region_trail: true,
            is_organization_trail: false,
            enable_log_file_validation: true,
            kms_key_id: None,
            cloud_watch_logs_log_group_arn: Some(format!(
                "arn:aws:logs:us-east-1:{ACCOUNT}:log-group:CloudTrail/APILogs:*"
            )),
            cloud_watch_logs_role_arn: Some(format!(
                "arn:aws:iam::{ACCOUNT}:role/CloudTrail-CloudWatchLogs-Role-audit"
            )),
            sns_topic_name: None,
            recursive_logging: true,
        }
    }

    /// The trail with the key `KEY_ARN`.
    pub fn trail_with_key() -> Trail {
        Trail {
            kms_key_id: Some(KEY_ARN.into()),
            ..trail()
        }
    }

    /// A live state holding `resources` (kind, name, value).
    pub fn live(resources: &[(ResourceKind, &str, Value)]) -> LiveState {
        LiveState {
            context: LiveContext {
                account_id: ACCOUNT.into(),
                kms_key_arn: Some(KEY_ARN.into()),
                ..LiveContext::default()
            },
            resources: resources
                .iter()
                .map(|(k, n, v)| {
                    let address = ctrail_model::Address::new(*k, *n);
                    let value = Attributes::from_json(&address, v).expect("the kind's attributes");
                    (address, LiveResource::Present(value))
                })
                .collect(),
            ..LiveState::default()
        }
    }

    /// The spec the trail's fields and `fields` make.
    pub fn spec(trail: &Trail, live: &LiveState, fields: Vec<SpecField>) -> ctrail_spec::Spec {
        let cx = ImportCx::new(trail, live);
        let mut draft = Draft::new(&trail.home_region);
        for f in trail.import(&trail.name, &cx).into_iter().chain(fields) {
            if f.item {
                draft.push(f.at, f.value, f.comment);
            } else {
                draft.set(f.at, f.value, f.comment);
            }
        }
        match draft.parse("round trip") {
            Ok(l) => l.spec,
            Err(d) => panic!("{:?}\n{}", d, draft.text(&[])),
        }
    }

    /// `value` of kind `K` imported into a spec (beside the fields of
    /// `trail` and of the `others` read with it), then that spec's desired `K` named `name`, resolved: it must equal
    /// `value` by the kind's comparison rules. Returns the fields.
    pub fn assert_round_trip<K: Kind + std::fmt::Debug>(
        trail: &Trail,
        others: &[(ResourceKind, &str, Value)],
        name: &str,
        value: &K,
    ) -> Vec<SpecField> {
        let mut all = others.to_vec();
        all.push((
            K::KIND,
            name,
            serde_json::to_value(value).expect("attributes"),
        ));
        let live = live(&all);
        let cx = ImportCx::new(trail, &live);
        let fields = value.import(name, &cx);
        let others_fields = others.iter().flat_map(|(kind, name, v)| {
            let address = ctrail_model::Address::new(*kind, *name);
            let value = Attributes::from_json(&address, v).expect("the kind's attributes");
            value.import(name, &cx)
        });
        let spec = spec(
            trail,
            &live,
            fields.iter().cloned().chain(others_fields).collect(),
        );
        let desired = K::desired(&spec, &Names::of(&spec))
            .into_iter()
            .find(|d| d.name == name)
            .unwrap_or_else(|| panic!("{} {name} is not desired by the spec", K::KIND));
        let want = cx.resolved(serde_json::to_value(&desired.value).expect("attributes"));
        let got = serde_json::to_value(value).expect("attributes");
        assert!(
            same::<K>(&want, &got),
            "{} {name}: imported as {fields:#?}\ndesired {want:#}\nlive {got:#}",
            K::KIND
        );
        fields
    }

    /// Equal by the kind's rules: policies by meaning, sets in any order;
    /// live observations (`_` attributes) aside.
    fn same<K: Kind>(a: &Value, b: &Value) -> bool {
        let (Value::Object(a), Value::Object(b)) = (a, b) else {
            return a == b;
        };
        let keys: std::collections::BTreeSet<&String> = a
            .keys()
            .chain(b.keys())
            .filter(|k| !k.starts_with('_'))
            .collect();
        keys.into_iter().all(|k| {
            let (x, y) = (
                a.get(k).unwrap_or(&Value::Null),
                b.get(k).unwrap_or(&Value::Null),
            );
            match K::RULES.compare(k) {
                Some(Compare::Policy) => ctrail_policy::meaning::same_policy(x, y),
                Some(Compare::Sets(_)) => super::as_sets(x) == super::as_sets(y),
                None => x == y,
            }
        })
    }

    /// A field's value in `fields`, if imported.
    pub fn field(fields: &[SpecField], at: ctrail_spec::fields::FieldPath) -> Option<Value> {
        fields.iter().find(|f| f.at == at).map(|f| f.value.clone())
    }
}
