//! The AWS calls of `s3::bucket` (feature `aws`): what it reads, puts and
//! deletes, and how; what the values mean is in the parent module.

use aws_sdk_s3::types::{
    BucketLocationConstraint, CreateBucketConfiguration, Delete, ObjectIdentifier,
};
use aws_smithy_types::error::metadata::ProvideErrorMetadata;

use super::Bucket;
use crate::aws::error::call_error;
use crate::aws::{Api, CallError, Cx, Done, Found, ReadCx, Step, built, refuse};
use crate::s3::shared::bucket_region;

impl Bucket {
    /// The CreateBucket configuration: a location constraint everywhere
    /// but us-east-1, which takes none.
    pub(crate) fn to_aws(&self) -> Option<CreateBucketConfiguration> {
        let region = self.region.as_str();
        (region != "us-east-1").then(|| {
            CreateBucketConfiguration::builder()
                .location_constraint(BucketLocationConstraint::from(region))
                .build()
        })
    }
}

/// The change path on a delete that empties the bucket first.
const OBJECTS: &str = "objects";

/// Where a listing of object versions goes on from.
type Markers = Option<(Option<String>, Option<String>)>;

/// One page (up to 1,000) of `bucket`'s object versions and delete
/// markers from `markers`, and where the next page starts (`None`: the
/// last page). A bucket that does not exist has none.
async fn versions_page(
    c: &aws_sdk_s3::Client,
    bucket: &str,
    markers: Markers,
) -> Result<(Vec<ObjectIdentifier>, Markers), CallError> {
    let (key, version) = markers.unwrap_or_default();
    let page = match c
        .list_object_versions()
        .bucket(bucket)
        .set_key_marker(key)
        .set_version_id_marker(version)
        .send()
        .await
    {
        Ok(p) => p,
        Err(e) if e.code() == Some("NoSuchBucket") => return Ok((Vec::new(), None)),
        Err(e) => return Err(call_error("s3:ListObjectVersions", e)),
    };
    let ids = page
        .versions()
        .iter()
        .map(|v| (v.key(), v.version_id()))
        .chain(
            page.delete_markers()
                .iter()
                .map(|m| (m.key(), m.version_id())),
        )
        .map(|(key, version)| {
            built(
                "s3:DeleteObjects",
                ObjectIdentifier::builder()
                    .key(key.unwrap_or_default())
                    .set_version_id(version.map(str::to_owned))
                    .build(),
            )
        })
        .collect::<Result<Vec<_>, _>>()?;
    // ListObjectVersions pages by two markers; the SDK has no paginator.
    let next = (page.is_truncated() == Some(true) && page.next_key_marker().is_some()).then(|| {
        (
            page.next_key_marker().map(str::to_owned),
            page.next_version_id_marker().map(str::to_owned),
        )
    });
    Ok((ids, next))
}

/// The newest object under any of `prefixes` (its key, and when it was
/// last modified, in seconds since the epoch), ListObjectsV2 page by
/// page (Amazon S3 API Reference, ListObjectsV2,
/// https://docs.aws.amazon.com/AmazonS3/latest/API/API_ListObjectsV2.html).
pub async fn newest_object(
    c: &crate::aws::Clients,
    bucket: &str,
    prefixes: &[String],
) -> Result<Option<(String, i64)>, crate::aws::ReadError> {
    let mut best: Option<(String, i64)> = None;
    for p in prefixes {
        let mut pages =
            c.s3.list_objects_v2()
                .bucket(bucket)
                .prefix(p)
                .into_paginator()
                .send();
        while let Some(page) = pages.next().await {
            let page = page.map_err(|e| crate::aws::read_error("s3:ListObjectsV2", e))?;
            for o in page.contents() {
                let (Some(key), Some(at)) = (o.key(), o.last_modified()) else {
                    continue;
                };
                if best.as_ref().is_none_or(|b| at.secs() > b.1) {
                    best = Some((key.to_owned(), at.secs()));
                }
            }
        }
    }
    Ok(best)
}

/// How many object versions and delete markers `bucket` holds (0 when
/// it does not exist), counted page by page.
pub async fn stored_objects(c: &aws_sdk_s3::Client, bucket: &str) -> Result<u64, CallError> {
    let (mut count, mut markers) = (0u64, None);
    loop {
        let (ids, next) = versions_page(c, bucket, markers).await?;
        count += ids.len() as u64;
        match next {
            Some(m) => markers = Some(m),
            None => return Ok(count),
        }
    }
}

/// Deletes every object version and delete marker: the first page of
/// what is left, listed and deleted (DeleteObjects takes 1,000, a page's
/// most), until nothing is left. Memory stays one page, whatever the
/// bucket holds.
async fn empty(cx: &Cx<'_>, bucket: &str) -> Result<(), CallError> {
    let c = &cx.clients.s3;
    loop {
        let (page, _) = cx
            .call("s3:ListObjectVersions", || versions_page(c, bucket, None))
            .await?;
        if page.is_empty() {
            return Ok(());
        }
        let delete = built(
            "s3:DeleteObjects",
            Delete::builder()
                .set_objects(Some(page))
                .quiet(true)
                .build(),
        )?;
        let req = c.delete_objects().bucket(bucket).delete(delete);
        let out = crate::send!(cx, "s3:DeleteObjects", req).await?;
        if let Some(e) = out.errors().first() {
            return Err(refuse(
                "s3:DeleteObjects",
                format!(
                    "{} of {} could not be deleted ({}: {})",
                    e.key().unwrap_or_default(),
                    bucket,
                    e.code().unwrap_or_default(),
                    e.message().unwrap_or_default()
                ),
            ));
        }
    }
}

impl Api for Bucket {
    async fn read(rcx: &ReadCx<'_>, names: &[String]) -> Found<Self> {
        rcx.each(names, |name| async move {
            let live = bucket_region(rcx, &name).await?.map(|region| Bucket {
                name: name.clone(),
                region,
            });
            Ok(live)
        })
        .await
    }

    /// CreateBucket in the spec's region (LocationConstraint everywhere
    /// but us-east-1). A bucket this account already owns is fine; one
    /// owned by another account is an error naming it.
    async fn put(cx: &Cx<'_>, step: &Step<'_, Self>) -> Done {
        if !step.creating() {
            return Err(refuse(
                "s3:CreateBucket",
                "the bucket exists in another region; ctrail never deletes a log bucket to move it",
            ));
        }
        let config = step.want.to_aws();
        let req = cx
            .clients
            .s3
            .create_bucket()
            .bucket(step.name)
            .set_create_bucket_configuration(config);
        let made = crate::send!(cx, "s3:CreateBucket", req).await;
        match made {
            Ok(_) => Ok("created"),
            Err(e) if e.code.as_deref() == Some("BucketAlreadyOwnedByYou") => {
                Ok("already existed (owned by this account)")
            }
            Err(e) if e.code.as_deref() == Some("BucketAlreadyExists") => Err(CallError {
                message: format!(
                    "{}: the name is taken by another AWS account; choose another bucket name",
                    e.message
                ),
                ..e
            }),
            Err(e) => Err(e),
        }
    }

    /// DeleteBucket: AWS refuses a bucket that still holds objects
    /// (BucketNotEmpty), so no log file is ever deleted here.
    /// DeleteBucket. A plan that says how many objects the bucket holds
    /// (`ctrail destroy --delete-log-data`, change `objects`) empties it
    /// first, every version and delete marker; no other plan does, and
    /// S3 refuses to delete a bucket that is not empty.
    async fn delete(cx: &Cx<'_>, step: &Step<'_, Self>) -> Done {
        if step.old(OBJECTS).is_some() {
            empty(cx, step.name).await?;
        }
        let req = cx.clients.s3.delete_bucket().bucket(step.name);
        crate::delete!(cx, "s3:DeleteBucket", req, "deleted")
    }
}
