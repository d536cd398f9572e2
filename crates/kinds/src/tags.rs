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

#[cfg(feature = "aws")]
mod aws;
#[cfg(feature = "aws")]
pub use aws::{TagApi, aws_tags};

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
