//! What the bucket's kinds share: whether the bucket exists, read once, and
//! the second bucket a spec may imply (the log bucket's access-log target).

use ctrail_spec::{AccessLogging, Spec};

/// The bucket ctrail creates for the log bucket's server access logs
/// (`bucket.access_logging` without `create: false`), and the days it keeps
/// them. Each bucket kind adds its setting of this bucket beside the log
/// bucket's.
pub(crate) fn access_log_target(spec: &Spec) -> Option<(&AccessLogging, u32)> {
    let logging = spec.bucket.access_logging.as_ref()?;
    logging.create.map(|c| (logging, c.expiration_days))
}

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

/// `Api` for a setting of the log bucket that S3 reads, puts and deletes
/// with one call each. The read runs per bucket (a bucket that does not
/// exist has no setting; the get's "not set" codes answer `None`, which
/// `live` maps to the value AWS applies then); the put sends its request
/// under the retry policy; the delete sends its request, and a setting
/// already gone is done.
#[cfg(feature = "aws")]
macro_rules! bucket_setting_api {
    ($ty:ty {
        read($rcx:ident, $bucket:ident) = $get_op:literal $get:expr,
            not set: [$($not_set:literal),*], |$got:ident| $live:expr;
        put($cx:ident, $step:ident) = $put_op:literal $put:expr;
        delete = $del_op:literal $del:expr => $removed:literal;
    }) => {
        impl $crate::aws::Api for $ty {
            async fn read(
                $rcx: &$crate::aws::ReadCx<'_>,
                names: &[String],
            ) -> $crate::aws::Found<Self> {
                $crate::s3::shared::per_bucket($rcx, names, |name| async move {
                    let $bucket = name.as_str();
                    let got = $get.send().await;
                    let not_set = &[$($not_set),*];
                    let $got = $crate::aws::absent_if_not_found($get_op, got, not_set)?;
                    Ok($live)
                })
                .await
            }

            async fn put(
                $cx: &$crate::aws::Cx<'_>,
                $step: &$crate::aws::Step<'_, Self>,
            ) -> $crate::aws::Done {
                let req = $put;
                $crate::send!($cx, $put_op, req).await?;
                Ok("set")
            }

            async fn delete(
                $cx: &$crate::aws::Cx<'_>,
                $step: &$crate::aws::Step<'_, Self>,
            ) -> $crate::aws::Done {
                let req = $del;
                $crate::delete!($cx, $del_op, req, $removed)
            }
        }
    };
}

#[cfg(feature = "aws")]
pub(crate) use bucket_setting_api;
