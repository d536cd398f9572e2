//! The AWS calls of `tags` (feature `aws`): what it reads, puts and
//! deletes, and how; what the values mean is in the parent module.

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
    fn keys(cx: &Cx<'_>, name: &str)
    -> impl Future<Output = Result<Vec<String>, CallError>> + Send;

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
