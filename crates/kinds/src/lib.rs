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

pub mod import;
mod kind;
pub mod policies;

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
pub use kind::{Compare, Desired, Kind, Ranker, Registered, Rules, Security, Standing, rank};
pub use policies::Names;

use ctrail_model::ResourceKind;
use ctrail_spec::Spec;
use serde_json::Value;

/// A desired resource with its attributes as JSON (the graph's form).
pub type DesiredValue = Desired<Value>;

/// A kind's attributes that do not pass between their typed and JSON forms.
#[derive(Debug, thiserror::Error)]
pub enum AttributesError {
    /// A desired value that has no JSON form.
    #[error("{kind} {name}: {source}")]
    Unwritable {
        kind: ResourceKind,
        name: String,
        #[source]
        source: serde_json::Error,
    },
    /// A JSON value that is not the kind's attributes (a key misspelt,
    /// missing or of the wrong type).
    #[error("the attributes of {kind} {name} do not fit the kind: {source}")]
    Unfit {
        kind: ResourceKind,
        name: String,
        #[source]
        source: serde_json::Error,
    },
}

fn values<T: Kind>(spec: &Spec, names: &Names<'_>) -> Result<Vec<DesiredValue>, AttributesError> {
    T::desired(spec, names)
        .into_iter()
        .map(|d| {
            let value =
                serde_json::to_value(&d.value).map_err(|source| AttributesError::Unwritable {
                    kind: T::KIND,
                    name: d.name.clone(),
                    source,
                })?;
            Ok(Desired {
                name: d.name,
                value,
                after: d.after,
                audit_logs: d.audit_logs,
            })
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
        $(impl Registered for $ty {
            const KIND: ResourceKind = ResourceKind::$variant;
        })*

        /// Every resource of `kind` the spec implies.
        pub fn desired(
            kind: ResourceKind,
            spec: &Spec,
            names: &Names<'_>,
        ) -> Result<Vec<DesiredValue>, AttributesError> {
            match kind {
                $(ResourceKind::$variant => values::<$ty>(spec, names),)*
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

        /// Notes for a reviewer on creating the `kind` resource `name` with
        /// these attributes; an error when they are not the kind's.
        pub fn on_create(
            kind: ResourceKind,
            name: &str,
            desired: &Value,
        ) -> Result<Vec<String>, AttributesError> {
            match kind {
                $(ResourceKind::$variant => typed::<$ty>(name, desired).map(|t| t.on_create()),)*
            }
        }

        /// Notes for a reviewer on the `kind` resource `name` as it is live;
        /// an error when its attributes are not the kind's.
        pub fn on_live(
            kind: ResourceKind,
            name: &str,
            live: &Value,
        ) -> Result<Vec<String>, AttributesError> {
            match kind {
                $(ResourceKind::$variant => typed::<$ty>(name, live).map(|t| t.on_live()),)*
            }
        }

        /// The spec fields that give the `kind` resource `name`, as it is
        /// live, back from `desired` (`Kind::import`); an error when its
        /// attributes are not the kind's.
        pub fn import(
            kind: ResourceKind,
            name: &str,
            live: &Value,
            cx: &ImportCx<'_>,
        ) -> Result<Vec<SpecField>, AttributesError> {
            match kind {
                $(ResourceKind::$variant => typed::<$ty>(name, live).map(|t| t.import(name, cx)),)*
            }
        }

        #[cfg(feature = "aws")]
        /// The live state of the named resources of `kind`.
        pub async fn read(
            kind: ResourceKind,
            rcx: &aws::ReadCx<'_>,
            names: &[String],
        ) -> Result<Vec<(ctrail_model::Address, ctrail_model::LiveResource)>, aws::ReadError> {
            match kind {
                // Boxed: each kind's read is a large future; one inline per
                // kind of the registry would overflow a thread's stack.
                $(ResourceKind::$variant => Box::pin(dispatch::read::<$ty>(rcx, names)).await,)*
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
                $(ResourceKind::$variant => Box::pin(<$ty as aws::Api>::mark(cx, name)).await,)*
            }
        }

        #[cfg(feature = "aws")]
        /// The names of every `kind` resource found where the spec's would be.
        pub async fn discover(
            kind: ResourceKind,
            rcx: &aws::ReadCx<'_>,
        ) -> Result<Vec<String>, aws::ReadError> {
            match kind {
                $(ResourceKind::$variant => Box::pin(<$ty as aws::Api>::discover(rcx)).await,)*
            }
        }

        #[cfg(feature = "aws")]
        /// Carries out one create, update or delete of a `kind` resource.
        pub async fn act(
            kind: ResourceKind,
            cx: &aws::Cx<'_>,
            step: &aws::Step<'_, Value>,
        ) -> Result<&'static str, aws::CallError> {
            match kind {
                $(ResourceKind::$variant => Box::pin(dispatch::act::<$ty>(cx, step)).await,)*
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
    use ctrail_model::{ActionKind, Address, LiveResource};
    use serde_json::Value;

    use crate::aws::{Api, CallError, Cx, ReadCx, ReadError, Step, refuse};

    pub(crate) async fn read<T: Api>(
        rcx: &ReadCx<'_>,
        names: &[String],
    ) -> Result<Vec<(Address, LiveResource)>, ReadError> {
        T::read(rcx, names)
            .await?
            .into_iter()
            .map(|(name, live)| {
                let observed = match live {
                    None => LiveResource::Absent,
                    Some(v) => {
                        LiveResource::Present(serde_json::to_value(&v).map_err(|e| {
                            ReadError::Unexpected(format!("{} {name}: {e}", T::KIND))
                        })?)
                    }
                };
                Ok((Address::new(T::KIND, name), observed))
            })
            .collect()
    }

    pub(crate) async fn act<T: Api>(
        cx: &Cx<'_>,
        step: &Step<'_, Value>,
    ) -> Result<&'static str, CallError> {
        // The plan's attributes must be exactly the kind's: a misspelt or
        // missing key is refused here, never sent to AWS as a default.
        let want: T = serde_json::from_value(step.want.clone()).map_err(|e| {
            refuse(
                "ctrail",
                format!("the attributes of {} do not fit the kind: {e}", T::KIND),
            )
        })?;
        let step = Step {
            name: step.name,
            kind: step.kind,
            want,
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
        let unfit = |kind, value: Value| {
            let e = on_live(kind, "x", &value).expect_err("refused");
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
            assert_eq!(
                on_live(kind, "x", &value).expect("fits"),
                Vec::<String>::new()
            );
            assert!(on_create(kind, "x", &value).is_ok());
        }
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
