//! ctrail's resource kinds: one module per AWS resource kind, grouped by
//! service, each holding everything ctrail knows about that kind: its typed
//! attributes, how the spec implies it, its rules (what forces a replace,
//! which lists are sets, what is security-relevant), and, with the `aws`
//! feature, how it is read, created or updated, and deleted.
//!
//! The registry below is the one place that names every kind. Its matches
//! are exhaustive, so a kind missing from it, or lacking a read, a put or a
//! delete, does not compile. The stages (graph, reader, differ, executor)
//! know kinds only through these functions.

pub mod calls;
pub mod change;
pub mod door;
pub mod import;
mod kind;
pub mod live;
pub mod policies;
pub mod state;

/// The log bucket and its settings, and the bucket of its access logs.
pub mod s3 {
    pub(crate) mod shared;

    pub mod bucket;
    pub mod encryption;
    pub mod lifecycle;
    pub mod logging;
    pub mod ownership_controls;
    pub mod policy;
    pub mod public_access_block;
    pub mod tags;
    pub mod versioning;
}

/// The CloudWatch Logs log group CloudTrail delivers to.
pub mod logs {
    pub(crate) mod shared;

    pub mod group;
    pub mod retention;
    pub mod tags;
}

/// The IAM role CloudTrail assumes to write to the log group.
pub mod iam {
    pub mod shared;

    pub mod role;
    pub mod role_policy;
    pub mod role_tags;
}

/// The customer managed KMS key: the one ctrail creates, ctrail's
/// statements in its policy, its rotation.
pub mod kms {
    pub mod key;
    pub mod key_policy;
    pub mod key_rotation;
}

/// SNS topics: the trail's delivery notifications and the alert topic.
pub mod sns {
    pub(crate) mod shared;

    pub mod subscription;
    pub mod topic;
    pub mod topic_policy;
}

/// The trail and its settings.
pub mod cloudtrail {
    pub(crate) mod shared;

    pub mod event_configuration;
    pub mod event_selectors;
    pub mod insight_selectors;
    pub mod logging;
    pub mod tags;
    pub mod trail;
}

/// Security monitoring: metric filters, alarms, saved queries.
pub mod monitoring {
    pub mod alert_topic;
    pub mod metric_alarm;
    pub mod metric_filter;
    pub mod query_definition;
}

/// Tags, as every tagged kind holds them.
pub mod tags;

#[cfg(test)]
mod import_round_trips;

/// What the kinds' unit tests share.
#[cfg(test)]
pub(crate) mod testing {
    /// The names of a trail `t` writing to bucket `b` in us-east-1.
    #[cfg(feature = "aws")]
    pub(crate) fn names() -> crate::Names<'static> {
        crate::Names {
            partition: "aws",
            region: "us-east-1",
            trail_name: "t",
            bucket: "b",
            s3_key_prefix: None,
            organization: false,
        }
    }

    /// Each `K` desired by the spec of trail `ttt`, with `trail`'s lines
    /// (each indented by two) under it, writing to bucket `b-logs` in
    /// us-east-1.
    #[cfg(feature = "aws")]
    pub(crate) fn desired_of<K: crate::Kind>(trail: &str) -> Vec<K> {
        let text = format!(
            "version: 1\nregion: us-east-1\ntrail:\n  name: ttt\n{trail}bucket: {{name: b-logs}}\n"
        );
        let spec = ctrail_spec::parse("t.yaml", &text).expect("valid").spec;
        K::desired(&spec, &names())
            .into_iter()
            .map(|d| d.value)
            .collect()
    }

    /// A document as IAM answers it: URL-encoded.
    #[cfg(feature = "aws")]
    pub(crate) fn url_encoded(text: &str) -> String {
        text.bytes()
            .map(|b| match b {
                b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                    (b as char).to_string()
                }
                _ => format!("%{b:02X}"),
            })
            .collect()
    }
}

#[cfg(feature = "aws")]
pub mod aws;

pub use import::{ImportCx, SpecField};
pub use kind::{
    Compare, Desired, Kind, Ranker, Registered, Rules, Security, Standing, any_change, rank,
};
pub use live::{LiveReads, ReadError};
pub use policies::Names;

use ctrail_model::ResourceKind;
use ctrail_spec::Spec;
use serde_json::Value;

/// A desired resource with its typed attributes (the graph's form).
pub type DesiredResource = Desired<Attributes>;

/// The live state of every resource of a graph, each as its kind's typed
/// attributes, read one with `live.get::<Kind>(name)`:
///
/// ```
/// use ctrail_kinds::{LiveState, cloudtrail::trail::Trail};
/// let live = LiveState::default();
/// assert_eq!(live.get::<Trail>("audit").map(|t| t.is_multi_region_trail), None);
/// ```
///
/// A misspelt attribute does not compile (with JSON it read as absent):
///
/// ```compile_fail
/// use ctrail_kinds::{LiveState, cloudtrail::trail::Trail};
/// let live = LiveState::default();
/// assert_eq!(live.get::<Trail>("audit").map(|t| t.is_multi_region_trial), None);
/// ```
pub type LiveState = ctrail_model::LiveState<Attributes>;
/// One resource's live state: absent, or its typed attributes.
pub type LiveResource = ctrail_model::LiveResource<Attributes>;
/// What ctrail owns, with the typed attributes it last applied.
pub type Ledger = ctrail_model::Ledger<Attributes>;
/// What the reader learnt about ownership.
pub type Ownership = ctrail_model::Ownership<Attributes>;

/// A JSON value that is not the attributes of the kind it is given as (a
/// key misspelt, missing or of the wrong type): read from a saved plan, a
/// ledger, or a placeholder's substitution.
#[derive(Debug, thiserror::Error)]
pub enum AttributesError {
    #[error("the attributes of {kind} {name} do not fit the kind: {source}")]
    Unfit {
        kind: ResourceKind,
        name: String,
        #[source]
        source: serde_json::Error,
    },
}

fn values<T: Kind>(spec: &Spec, names: &Names<'_>) -> Vec<DesiredResource> {
    // A bucket someone else keeps: ctrail writes nothing of it.
    if T::PLACE == ctrail_model::Place::Bucket && !spec.bucket.managed {
        return Vec::new();
    }
    T::desired(spec, names)
        .into_iter()
        .map(|d| Desired {
            name: d.name,
            value: d.value.into(),
            after: d.after,
            audit_logs: d.audit_logs,
        })
        .collect()
}

/// For `#[serde(deserialize_with = "crate::nullable")]` on an `Option`
/// attribute whose key must be present: `null` says "none" (no key prefix,
/// events never expire), while a missing key is an error. Serde otherwise
/// reads a missing `Option` as `None`, which a put would carry out as a
/// removal nobody planned.
pub(crate) fn nullable<'de, D, T>(d: D) -> Result<Option<T>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: serde::Deserialize<'de>,
{
    <Option<T> as serde::Deserialize>::deserialize(d)
}

/// The `T` resource `name`'s attributes from their JSON form.
fn typed<T: Kind>(name: &str, v: &Value) -> Result<T, AttributesError> {
    <T as serde::Deserialize>::deserialize(v).map_err(|source| AttributesError::Unfit {
        kind: T::KIND,
        name: name.to_owned(),
        source,
    })
}

macro_rules! registry {
    ($($variant:ident => $ty:ty,)*) => {
        /// Every kind's typed attributes, one variant per kind: what the
        /// graph, the live state, the executor's jobs and the ledger hold.
        /// Its JSON form (`to_json`, the kind's own without a tag, keys
        /// sorted) is made by the differ, to compare and show values, and in
        /// stored files.
        #[derive(Debug, Clone, PartialEq)]
        pub enum Attributes {
            $($variant($ty),)*
        }

        $(impl ctrail_model::Variant<Attributes> for $ty {
            const KIND: ResourceKind = ResourceKind::$variant;

            fn of(a: &Attributes) -> Option<&Self> {
                match a {
                    Attributes::$variant(v) => Some(v),
                    #[allow(unreachable_patterns)]
                    _ => None,
                }
            }
        }

        impl From<$ty> for Attributes {
            fn from(v: $ty) -> Attributes {
                Attributes::$variant(v)
            }
        }

        impl Registered for $ty {})*

        impl Attributes {
            /// The kind these attributes are.
            pub fn kind(&self) -> ResourceKind {
                match self {
                    $(Attributes::$variant(_) => ResourceKind::$variant,)*
                }
            }

            /// The attributes of the resource at `address` from their JSON
            /// form; an error naming the resource and the field when they
            /// are not its kind's.
            pub fn from_json(
                address: &ctrail_model::Address,
                v: &Value,
            ) -> Result<Attributes, AttributesError> {
                match address.kind {
                    $(ResourceKind::$variant => {
                        typed::<$ty>(&address.name, v).map(Attributes::$variant)
                    })*
                }
            }

            /// Notes for a reviewer on creating a resource with these
            /// attributes (`Kind::on_create`).
            pub fn on_create(&self) -> Vec<String> {
                match self {
                    $(Attributes::$variant(v) => v.on_create(),)*
                }
            }

            /// The JSON form the differ compares and a plan shows: the
            /// kind's own attributes, as serde writes them (keys sorted).
            pub fn to_json(&self) -> Value {
                let written = match self {
                    $(Attributes::$variant(v) => serde_json::to_value(v),)*
                };
                // Every kind's attributes are strings, numbers, booleans,
                // lists, string-keyed maps and JSON values, which serde_json
                // always writes (a unit test writes every kind's).
                written.unwrap_or_else(|e| {
                    unreachable!("{} attributes have no JSON form: {e}", self.kind())
                })
            }

            /// The spec fields that give the resource `name`, as it is live
            /// with these attributes, back from `desired` (`Kind::import`).
            pub fn import(&self, name: &str, cx: &ImportCx<'_>) -> Vec<SpecField> {
                match self {
                    $(Attributes::$variant(v) => v.import(name, cx),)*
                }
            }

            /// ctrail's ownership tag as found on it (`Kind::owner`).
            pub fn owner(&self) -> Option<&str> {
                match self {
                    $(Attributes::$variant(v) => v.owner(),)*
                }
            }

            /// Notes for a reviewer on a resource as it is live with these
            /// attributes (`Kind::on_live`).
            pub fn on_live(&self) -> Vec<String> {
                match self {
                    $(Attributes::$variant(v) => v.on_live(),)*
                }
            }
        }

        /// Every resource of `kind` the spec implies.
        pub fn desired(kind: ResourceKind, spec: &Spec, names: &Names<'_>) -> Vec<DesiredResource> {
            match kind {
                $(ResourceKind::$variant => values::<$ty>(spec, names),)*
            }
        }

        /// The account a `kind` resource lives in (`Kind::PLACE`).
        pub fn place(kind: ResourceKind) -> ctrail_model::Place {
            match kind {
                $(ResourceKind::$variant => <$ty as Kind>::PLACE,)*
            }
        }

        /// A resource on its own, or a setting of one (`Kind::STANDING`).
        pub fn standing(kind: ResourceKind) -> Standing {
            match kind {
                $(ResourceKind::$variant => <$ty as Kind>::STANDING,)*
            }
        }

        /// The kind whose tags a `kind` resource holds (`Kind::TAGS_OF`).
        fn holds_tags_of(kind: ResourceKind) -> Option<ResourceKind> {
            match kind {
                $(ResourceKind::$variant => <$ty as Kind>::TAGS_OF,)*
            }
        }

        /// `kind`'s rules.
        pub fn rules(kind: ResourceKind) -> &'static Rules {
            match kind {
                $(ResourceKind::$variant => &<$ty as Kind>::RULES,)*
            }
        }

        /// What starts billing when a `kind` attribute changes (`Kind::billing`).
        pub fn billing(
            kind: ResourceKind,
            change: &ctrail_model::AttributeChange,
            created: bool,
        ) -> Option<&'static str> {
            match kind {
                $(ResourceKind::$variant => <$ty as Kind>::billing(change, created),)*
            }
        }

        #[cfg(feature = "aws")]
        /// The live state of the named resources of `kind`.
        pub async fn read(
            kind: ResourceKind,
            rcx: &aws::ReadCx<'_>,
            names: &[String],
        ) -> Result<Vec<(ctrail_model::Address, LiveResource)>, aws::ReadError> {
            match kind {
                // Boxed: each kind's read is a large future; one inline per
                // kind of the registry would overflow a thread's stack.
                $(ResourceKind::$variant => {
                    let rcx = rcx.placed(<$ty as Kind>::PLACE);
                    Box::pin(dispatch::read::<$ty>(&rcx, names)).await
                })*
            }
        }

        #[cfg(feature = "aws")]
        /// Marks the `kind` resource `name` as ctrail's (`Api::mark`).
        pub async fn mark(
            kind: ResourceKind,
            cx: &aws::Cx<'_>,
            name: &str,
        ) -> Result<(), aws::CallError> {
            match kind {
                $(ResourceKind::$variant => {
                    let cx = cx.placed(<$ty as Kind>::PLACE);
                    Box::pin(<$ty as aws::Api>::mark(&cx, name)).await
                })*
            }
        }

        #[cfg(feature = "aws")]
        /// The names of every `kind` resource found where the spec's would be.
        pub async fn discover(
            kind: ResourceKind,
            rcx: &aws::ReadCx<'_>,
        ) -> Result<Vec<String>, aws::ReadError> {
            match kind {
                $(ResourceKind::$variant => {
                    let rcx = rcx.placed(<$ty as Kind>::PLACE);
                    Box::pin(<$ty as aws::Api>::discover(&rcx)).await
                })*
            }
        }

        #[cfg(feature = "aws")]
        /// Carries out one create, update or delete of a `kind` resource.
        pub async fn act(
            kind: ResourceKind,
            cx: &aws::Cx<'_>,
            step: &aws::Step<'_, Attributes>,
        ) -> Result<&'static str, aws::CallError> {
            match kind {
                $(ResourceKind::$variant => {
                    let cx = cx.placed(<$ty as Kind>::PLACE);
                    Box::pin(dispatch::act::<$ty>(&cx, step)).await
                })*
            }
        }
    };
}

registry! {
    S3Bucket => s3::bucket::Bucket,
    S3PublicAccessBlock => s3::public_access_block::PublicAccessBlock,
    S3BucketVersioning => s3::versioning::Versioning,
    S3BucketEncryption => s3::encryption::Encryption,
    S3BucketLifecycle => s3::lifecycle::Lifecycle,
    S3BucketTags => s3::tags::BucketTags,
    S3BucketPolicy => s3::policy::BucketPolicy,
    S3BucketOwnershipControls => s3::ownership_controls::OwnershipControls,
    S3BucketLogging => s3::logging::Logging,
    LogGroup => logs::group::LogGroup,
    LogGroupRetention => logs::retention::Retention,
    LogGroupTags => logs::tags::LogGroupTags,
    IamRole => iam::role::Role,
    IamRolePolicy => iam::role_policy::RolePolicy,
    IamRoleTags => iam::role_tags::RoleTags,
    KmsKey => kms::key::Key,
    KmsKeyPolicy => kms::key_policy::KeyPolicy,
    KmsKeyRotation => kms::key_rotation::KeyRotation,
    SnsTopic => sns::topic::Topic,
    SnsTopicPolicy => sns::topic_policy::TopicPolicy,
    Trail => cloudtrail::trail::Trail,
    TrailEventSelectors => cloudtrail::event_selectors::EventSelectors,
    TrailInsightSelectors => cloudtrail::insight_selectors::InsightSelectors,
    TrailTags => cloudtrail::tags::TrailTags,
    TrailLogging => cloudtrail::logging::Logging,
    TrailEventConfiguration => cloudtrail::event_configuration::EventConfiguration,
    MetricFilter => monitoring::metric_filter::MetricFilter,
    MetricAlarm => monitoring::metric_alarm::MetricAlarm,
    SnsSubscription => sns::subscription::Subscription,
    QueryDefinition => monitoring::query_definition::QueryDefinition,
}

/// Written as their JSON form (`to_json`): the live state as `ctrail live`
/// shows it, the ledger as stored.
impl serde::Serialize for Attributes {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.to_json().serialize(s)
    }
}

impl Attributes {
    /// The placeholders (values only AWS knows) these attributes hold.
    pub fn placeholders(&self) -> Vec<ctrail_model::Placeholder> {
        ctrail_model::placeholder::used_in(&self.to_json())
    }

    /// These attributes of the resource `name` with each placeholder
    /// `lookup` knows filled in.
    pub fn resolved(
        &self,
        name: &str,
        lookup: &impl Fn(ctrail_model::Placeholder) -> Option<String>,
    ) -> Result<Attributes, AttributesError> {
        if self.placeholders().is_empty() {
            return Ok(self.clone());
        }
        let mut v = self.to_json();
        ctrail_model::placeholder::resolve(&mut v, lookup);
        Attributes::from_json(&ctrail_model::Address::new(self.kind(), name), &v)
    }
}

/// Resources on their own: the ones ctrail owns, adopts and lists in its
/// ledger. A setting belongs to whoever owns its resource; ctrail's
/// statements in a key policy are ctrail's by their Sid, whoever owns the key.
pub fn ownable(kind: ResourceKind) -> bool {
    matches!(standing(kind), Standing::Resource { .. })
}

/// Resources a plan deletes when the spec drops them and ctrail owns them.
/// The trail, its bucket, log group, role and key leave only with
/// `ctrail destroy`.
pub fn prunable(kind: ResourceKind) -> bool {
    standing(kind) == Standing::Resource { prunable: true }
}

/// The kind that holds the tags of a `kind` resource of the same name, for
/// the kinds that take tags (ctrail's ownership tag is read there).
pub fn tags_of(kind: ResourceKind) -> Option<ResourceKind> {
    ResourceKind::ALL
        .into_iter()
        .find(|k| holds_tags_of(*k) == Some(kind))
}

#[cfg(feature = "aws")]
/// A value a request needs, or an error naming the missing `field`: ctrail
/// never sends a value it picked (an empty string, AWS's usual default) in
/// place of one the plan lacks.
pub(crate) fn required<'a, T: ?Sized>(
    op: &'static str,
    field: &str,
    value: Option<&'a T>,
) -> Result<&'a T, aws::CallError> {
    value.ok_or_else(|| {
        aws::refuse(
            op,
            format!("the attributes have no {field}; nothing is sent in its place"),
        )
    })
}

#[cfg(feature = "aws")]
mod dispatch {
    use ctrail_model::{ActionKind, Address};

    use crate::aws::{Api, CallError, Cx, ReadCx, ReadError, Step, refuse};
    use crate::{Attributes, LiveResource};

    pub(crate) async fn read<T: Api>(
        rcx: &ReadCx<'_>,
        names: &[String],
    ) -> Result<Vec<(Address, LiveResource)>, ReadError> {
        Ok(T::read(rcx, names)
            .await?
            .into_iter()
            .map(|(name, live)| {
                let found = match live {
                    None => LiveResource::Absent,
                    Some(v) => LiveResource::Present(v.into()),
                };
                (Address::new(T::KIND, name), found)
            })
            .collect())
    }

    pub(crate) async fn act<T: Api>(
        cx: &Cx<'_>,
        step: &Step<'_, Attributes>,
    ) -> Result<&'static str, CallError> {
        // The job's attributes are the kind's own, typed end to end.
        let Some(want) = T::of(&step.want) else {
            return Err(refuse(
                "ctrail",
                format!(
                    "the attributes given for {} {} are {}'s",
                    T::KIND,
                    step.name,
                    step.want.kind()
                ),
            ));
        };
        let step = Step {
            name: step.name,
            kind: step.kind,
            want: want.clone(),
            changes: step.changes,
        };
        match step.kind {
            ActionKind::Create | ActionKind::Update => T::put(cx, &step).await,
            // Adopting changes nothing but ctrail's ownership tag, unless
            // the plan lists changes.
            ActionKind::Adopt => {
                let done = if step.changes.is_empty() {
                    "adopted"
                } else {
                    T::put(cx, &step).await?;
                    "adopted and updated"
                };
                if let Some(tags) = crate::tags_of(T::KIND) {
                    crate::mark(tags, cx, step.name).await?;
                }
                Ok(done)
            }
            ActionKind::Delete => T::delete(cx, &step).await,
            ActionKind::Replace | ActionKind::NoOp => Err(refuse(
                "ctrail",
                "only creates, updates and deletes are carried out",
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resources_and_their_tags_are_found_by_kind() {
        use ResourceKind as K;
        let tagged: Vec<(K, K)> = K::ALL
            .into_iter()
            .filter_map(|k| tags_of(k).map(|t| (k, t)))
            .collect();
        assert_eq!(
            tagged,
            vec![
                (K::S3Bucket, K::S3BucketTags),
                (K::LogGroup, K::LogGroupTags),
                (K::IamRole, K::IamRoleTags),
                (K::KmsKey, K::KmsKey),
                (K::Trail, K::TrailTags),
            ]
        );
        // Every kind holding tags is a setting of a resource ctrail owns, or
        // the resource itself (the KMS key keeps its tags among its
        // attributes).
        for (resource, tags) in tagged {
            assert!(ownable(resource) && (resource == tags || !ownable(tags)));
        }
        let pruned: Vec<K> = K::ALL.into_iter().filter(|k| prunable(*k)).collect();
        assert_eq!(
            pruned,
            vec![
                K::SnsTopic,
                K::MetricFilter,
                K::MetricAlarm,
                K::SnsSubscription,
                K::QueryDefinition
            ]
        );
        // What holds audit logs (or decrypts them) is never pruned.
        for k in [K::S3Bucket, K::LogGroup, K::KmsKey, K::Trail, K::IamRole] {
            assert!(ownable(k) && !prunable(k), "{k}");
        }
    }

    /// Attributes that are not their kind's are an error naming the kind,
    /// the resource and the field, for a plan's notes as for a put: never
    /// read as no notes, and a missing key never reads as a value ctrail
    /// picked (no versioning status as "Enabled", no retention as "never
    /// expire").
    #[test]
    fn attributes_missing_a_field_are_an_error_not_a_default() {
        use serde_json::json;
        let of = |kind, value: &Value| {
            Attributes::from_json(&ctrail_model::Address::new(kind, "x"), value)
        };
        let unfit = |kind, value: Value| {
            let e = of(kind, &value).expect_err("refused");
            assert!(matches!(e, AttributesError::Unfit { .. }), "{e}");
            e.to_string()
        };
        let e = unfit(ResourceKind::S3BucketVersioning, json!({}));
        assert!(
            e.starts_with("the attributes of s3_bucket_versioning x do not fit the kind: missing field `status`"),
            "{e}"
        );
        let e = unfit(ResourceKind::LogGroupRetention, json!({}));
        assert!(e.contains("missing field `retention_in_days`"), "{e}");
        let e = unfit(
            ResourceKind::S3BucketEncryption,
            json!({"bucket_key_enabled": false}),
        );
        assert!(e.contains("missing field `sse_algorithm`"), "{e}");
        let e = unfit(ResourceKind::S3BucketVersioning, json!({"status": 1}));
        assert!(e.contains("invalid type"), "{e}");
        // As the kinds write them, they fit; `null` says "none".
        for (kind, value) in [
            (
                ResourceKind::S3BucketVersioning,
                json!({"status": "Enabled"}),
            ),
            (
                ResourceKind::LogGroupRetention,
                json!({"retention_in_days": null}),
            ),
            (
                ResourceKind::LogGroupRetention,
                json!({"retention_in_days": 90}),
            ),
        ] {
            let typed = of(kind, &value).expect("fits");
            assert_eq!(typed.kind(), kind);
            assert_eq!(typed.on_live(), Vec::<String>::new());
            // Their JSON form is what was read.
            assert_eq!(typed.to_json(), value);
        }
    }

    /// Every desired value of every shipped spec has a JSON form that reads
    /// back as the same typed value (a ledger or a saved plan holds it so).
    #[test]
    fn every_kinds_attributes_write_json_and_read_back() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../../specs");
        let mut kinds = std::collections::BTreeSet::new();
        for entry in std::fs::read_dir(dir).expect("specs") {
            let path = entry.expect("entry").path();
            let text = std::fs::read_to_string(&path).expect("spec text");
            let spec = ctrail_spec::parse(&path.display().to_string(), &text)
                .expect("a shipped spec")
                .spec;
            let names = Names::of(&spec);
            for kind in ResourceKind::ALL {
                for d in desired(kind, &spec, &names) {
                    let address = ctrail_model::Address::new(kind, &d.name);
                    let json = d.value.to_json();
                    let back = Attributes::from_json(&address, &json).expect("reads back");
                    assert_eq!(back, d.value, "{address}");
                    assert_eq!(serde_json::to_value(&back).expect("written"), json);
                    kinds.insert(kind);
                }
            }
        }
        assert!(
            kinds.len() >= 25,
            "the shipped specs imply {} kinds",
            kinds.len()
        );
    }

    #[test]
    fn every_kind_has_rules_that_name_its_own_attributes() {
        for kind in ResourceKind::ALL {
            let r = rules(kind);
            for (attr, _) in r.compare {
                assert!(
                    !attr.contains('.'),
                    "{kind}: rules name top-level attributes"
                );
            }
        }
    }
}
