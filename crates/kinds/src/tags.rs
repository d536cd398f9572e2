//! Tags: the spec's tags, applied to every resource that takes them. One
//! kind, `Tags<R>`, serves every tagged resource; what differs between
//! services (which resource, how its tags are listed and changed) is `R`,
//! a `Tagged` in that resource's own service module.

use std::collections::BTreeMap;
use std::fmt;
use std::marker::PhantomData;

use ctrail_model::ResourceKind;
use ctrail_spec::Spec;
use serde::{Deserialize, Serialize};

use crate::{Desired, Kind, Names, Registered};

/// A resource that takes the spec's tags.
pub trait Tagged: Sized + Send + Sync + 'static {
    /// The kind of the tagged resource (its tags are part of it).
    const ON: ResourceKind;

    /// The tagged resource's name, `None` when the spec has none.
    fn name(spec: &Spec) -> Option<&str>;
}

/// The tags on one resource. The whole set is compared; a put removes the
/// live keys the spec lacks and sets the rest.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields, bound = "")]
pub struct Tags<R> {
    pub tags: BTreeMap<String, String>,
    #[serde(skip)]
    on: PhantomData<fn() -> R>,
}

impl<R> Tags<R> {
    pub fn new(tags: BTreeMap<String, String>) -> Self {
        Tags {
            tags,
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

impl<R> Clone for Tags<R> {
    fn clone(&self) -> Self {
        Tags::new(self.tags.clone())
    }
}

impl<R> PartialEq for Tags<R> {
    fn eq(&self, other: &Self) -> bool {
        self.tags == other.tags
    }
}

impl<R> fmt::Debug for Tags<R> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Tags").field("tags", &self.tags).finish()
    }
}

impl<R: Tagged> Kind for Tags<R>
where
    Tags<R>: Registered,
{
    fn desired(spec: &Spec, _: &Names<'_>) -> Vec<Desired<Self>> {
        R::name(spec)
            .map(|name| Desired::new(name, Tags::new(spec.tags.clone())).part_of(R::ON))
            .into_iter()
            .collect()
    }
}

#[cfg(feature = "aws")]
mod aws {
    use std::future::Future;

    use super::{Tagged, Tags};
    use crate::Registered;
    use crate::aws::{
        Api, CallError, Cx, Done, Found, ReadCx, ReadError, Step, TagChange, deleted,
    };

    /// How one service lists and changes a resource's tags.
    pub trait TagApi: Tagged {
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

        async fn put(cx: &Cx<'_>, step: &Step<'_, Self>) -> Done {
            R::change(cx, step.name, &TagChange::of(step, &step.want.tags)).await?;
            Ok("set")
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
pub use aws::TagApi;
