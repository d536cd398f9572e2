//! What the bucket's kinds share: whether the bucket exists, read once.

#[cfg(feature = "aws")]
use crate::aws::{ReadCx, ReadError, absent_if_not_found, if_exists};

/// The bucket's region, `None` when the bucket does not exist
/// (GetBucketLocation, made once however many of its kinds ask).
#[cfg(feature = "aws")]
pub(crate) async fn bucket_region(
    rcx: &ReadCx<'_>,
    bucket: &str,
) -> Result<Option<String>, ReadError> {
    let c = &rcx.clients.s3;
    let found = rcx
        .once(format!("s3:GetBucketLocation {bucket}"), async {
            let out = c.get_bucket_location().bucket(bucket).send().await;
            let Some(location) = absent_if_not_found("s3:GetBucketLocation", out, &[])? else {
                return Ok(None);
            };
            let constraint = location.location_constraint().map(|l| l.as_str());
            Ok(Some(region_of(constraint)))
        })
        .await?;
    Ok((*found).clone())
}

/// The region a GetBucketLocation constraint names: none (or empty) is
/// us-east-1, and the legacy `EU` is eu-west-1.
#[cfg(feature = "aws")]
pub(crate) fn region_of(constraint: Option<&str>) -> String {
    match constraint {
        None | Some("") => "us-east-1".to_owned(),
        Some("EU") => "eu-west-1".to_owned(),
        Some(r) => r.to_owned(),
    }
}

/// Reads a setting of each named bucket: `read` runs alongside the bucket's
/// existence check, and a bucket that does not exist has no setting.
#[cfg(feature = "aws")]
pub(crate) async fn per_bucket<T, F, Fut>(
    rcx: &ReadCx<'_>,
    names: &[String],
    read: F,
) -> Result<Vec<(String, Option<T>)>, ReadError>
where
    F: Fn(String) -> Fut,
    Fut: Future<Output = Result<Option<T>, ReadError>>,
{
    let read = &read;
    rcx.each(names, |name| async move {
        let got = if_exists(bucket_region(rcx, &name), read(name.clone())).await?;
        got.transpose().map(Option::flatten)
    })
    .await
}
