//! Tags: the spec's tags, applied to every resource that takes them. One
//! kind, `Tags<R>`, serves every tagged kind `R`; what differs between
//! services (how a resource's tags are listed and changed) is `R`'s
//! `TagApi`, in its service's tags module.

use std::collections::BTreeMap;
use std::fmt;
use std::marker::PhantomData;

use ctrail_spec::Spec;
use serde::{Deserialize, Serialize};

use crate::{Desired, Kind, Names, Registered};

/// The tags on one resource. The whole set is compared; a put removes the
/// live keys the spec lacks and sets the rest.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields, bound = "")]
pub struct Tags<R> {
    pub tags: BTreeMap<String, String>,
    /// ctrail's ownership tag as found (docs/ownership.md): the trail it
    /// names. Kept apart from the spec's tags, so adopting a resource
    /// changes none of them; an observation (`_`), never compared.
    #[serde(rename = "_owner", default, skip_serializing_if = "Option::is_none")]
    pub owner: Option<String>,
    #[serde(skip)]
    on: PhantomData<fn() -> R>,
}

impl<R> Tags<R> {
    pub fn new(tags: BTreeMap<String, String>) -> Self {
        let mut tags = tags;
        let owner = tags.remove(ctrail_model::OWNER_TAG);
        Tags {
            tags,
            owner,
            on: PhantomData,
        }
    }

    /// Tags from AWS's key/value pairs.
    pub fn from_pairs<'a>(pairs: impl IntoIterator<Item = (&'a str, &'a str)>) -> Self {
        Tags::new(from_pairs(pairs))
    }
}

/// Tags from AWS's key/value pairs.
pub fn from_pairs<'a>(
    pairs: impl IntoIterator<Item = (&'a str, &'a str)>,
) -> BTreeMap<String, String> {
    pairs
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect()
}

/// Tags as a spec's `tags` holds them: ctrail's own marks left out.
pub fn spec_tags(tags: &BTreeMap<String, String>) -> BTreeMap<String, String> {
    tags.iter()
        .filter(|(k, _)| !k.starts_with("ctrail:"))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect()
}

impl<R> Clone for Tags<R> {
    fn clone(&self) -> Self {
        Tags {
            tags: self.tags.clone(),
            owner: self.owner.clone(),
            on: PhantomData,
        }
    }
}

impl<R> PartialEq for Tags<R> {
    fn eq(&self, other: &Self) -> bool {
        self.tags == other.tags && self.owner == other.owner
    }
}

impl<R> fmt::Debug for Tags<R> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Tags").field("tags", &self.tags).finish()
    }
}

/// The spec's tags on every resource of kind `R` the spec implies.
impl<R: Kind> Kind for Tags<R>
where
    Tags<R>: Registered,
{
    const TAGS_OF: Option<ctrail_model::ResourceKind> = Some(R::KIND);
    const PLACE: ctrail_model::Place = R::PLACE;

    fn owner(&self) -> Option<&str> {
        self.owner.as_deref()
    }

    /// The trail's tags are the spec's `tags` (ctrail's own marks left
    /// out); the other resources' tags follow them.
    fn import(&self, _name: &str, _cx: &crate::ImportCx<'_>) -> Vec<crate::SpecField> {
        let tags = spec_tags(&self.tags);
        if R::KIND != ctrail_model::ResourceKind::Trail || tags.is_empty() {
            return Vec::new();
        }
        let tags = serde_json::to_value(tags).unwrap_or_default();
        vec![crate::SpecField::new(ctrail_spec::fields::TAGS, tags, "")]
    }

    fn desired(spec: &Spec, names: &Names<'_>) -> Vec<Desired<Self>> {
        let on = R::desired(spec, names).into_iter();
        on.map(|r| Desired::new(r.name, Tags::new(spec.tags.clone())).part_of(R::KIND))
            .collect()
    }
}

#[cfg(feature = "aws")]
mod aws {
    use std::future::Future;

    use super::Tags;
    use crate::Registered;
    use crate::aws::{
        Api, CallError, Cx, Done, Found, ReadCx, ReadError, Step, TagChange, built, deleted,
    };

    /// `tags` as one service's tag type, each built by `tag` for `op`.
    pub fn aws_tags<'a, T, E: std::fmt::Display>(
        op: &'static str,
        tags: impl IntoIterator<Item = (&'a String, &'a String)>,
        tag: impl Fn(&str, &str) -> Result<T, E>,
    ) -> Result<Vec<T>, CallError> {
        tags.into_iter()
            .map(|(k, v)| built(op, tag(k, v)))
            .collect()
    }

    /// How one service lists and changes a resource's tags.
    pub trait TagApi: crate::Kind {
        /// The resource's tags, `None` when it does not exist.
        fn live(
            rcx: &ReadCx<'_>,
            name: &str,
        ) -> impl Future<Output = Result<Option<Tags<Self>>, ReadError>> + Send;

        /// The resource's tag keys as they are now (for a delete).
        fn keys(
            cx: &Cx<'_>,
            name: &str,
        ) -> impl Future<Output = Result<Vec<String>, CallError>> + Send;

        /// Removes `change.remove`, then sets `change.set` (the spec's whole
        /// set).
        fn change(
            cx: &Cx<'_>,
            name: &str,
            change: &TagChange,
        ) -> impl Future<Output = Result<(), CallError>> + Send;
    }

    impl<R: TagApi> Api for Tags<R>
    where
        Tags<R>: Registered,
    {
        async fn read(rcx: &ReadCx<'_>, names: &[String]) -> Found<Self> {
            rcx.each(names, |name| async move { R::live(rcx, &name).await })
                .await
        }

        /// Sets the spec's tags and ctrail's ownership tag (never removed).
        async fn put(cx: &Cx<'_>, step: &Step<'_, Self>) -> Done {
            let mut change = TagChange::of(step, &step.want.tags);
            change.remove.retain(|k| k != ctrail_model::OWNER_TAG);
            change
                .set
                .insert(ctrail_model::OWNER_TAG.to_owned(), cx.target.trail.clone());
            R::change(cx, step.name, &change).await?;
            Ok("set")
        }

        /// ctrail's ownership tag alone, on a resource it adopts.
        async fn mark(cx: &Cx<'_>, name: &str) -> Result<(), CallError> {
            let change = TagChange {
                remove: Vec::new(),
                set: [(ctrail_model::OWNER_TAG.to_owned(), cx.target.trail.clone())].into(),
            };
            R::change(cx, name, &change).await
        }

        /// Removes every tag the resource has.
        async fn delete(cx: &Cx<'_>, step: &Step<'_, Self>) -> Done {
            let removed = async {
                let keys = R::keys(cx, step.name).await?;
                R::change(cx, step.name, &TagChange::remove_all(&keys)).await
            };
            deleted(removed.await, "removed", &[])
        }
    }
}

#[cfg(feature = "aws")]
pub use aws::{TagApi, aws_tags};
