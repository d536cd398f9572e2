//! The AWS calls of `s3::logging` (feature `aws`): what it reads, puts and
//! deletes, and how; what the values mean is in the parent module.

use aws_sdk_s3::types::{BucketLoggingStatus, LoggingEnabled};

use super::Logging;
use crate::aws::{
    Api, CallError, Clients, Cx, Done, Found, ReadCx, ReadError, Step, absent_if_not_found, built,
};
use crate::s3::shared::per_bucket;

/// Where the bucket's server access logs go (both targets `None`: off);
/// `None` when the bucket does not exist. Every GetBucketLogging ctrail
/// makes (Amazon S3 API Reference, GetBucketLogging,
/// https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetBucketLogging.html).
pub async fn get(c: &Clients, bucket: &str) -> Result<Option<Logging>, ReadError> {
    let got = c.s3.get_bucket_logging().bucket(bucket).send().await;
    let got = absent_if_not_found("s3:GetBucketLogging", got, &[])?;
    Ok(got.map(|l| Logging::from_aws(l.logging_enabled())))
}

const OP: &str = "s3:PutBucketLogging";

impl Logging {
    pub(crate) fn from_aws(enabled: Option<&LoggingEnabled>) -> Self {
        Logging {
            target_bucket: enabled.map(|l| l.target_bucket().to_owned()),
            target_prefix: enabled.map(|l| l.target_prefix().to_owned()),
        }
    }

    /// Logging to the target, or (no target) an empty status: off.
    pub(crate) fn to_aws(&self) -> Result<BucketLoggingStatus, CallError> {
        let enabled = match &self.target_bucket {
            None => None,
            Some(target) => Some(built(
                OP,
                LoggingEnabled::builder()
                    .target_bucket(target)
                    .target_prefix(self.target_prefix.as_deref().unwrap_or_default())
                    .build(),
            )?),
        };
        Ok(BucketLoggingStatus::builder()
            .set_logging_enabled(enabled)
            .build())
    }
}

impl Api for Logging {
    async fn read(rcx: &ReadCx<'_>, names: &[String]) -> Found<Self> {
        per_bucket(rcx, names, |bucket| async move {
            let got = get(rcx.clients, &bucket).await?;
            Ok(Some(got.unwrap_or_else(|| Logging::from_aws(None))))
        })
        .await
    }

    async fn put(cx: &Cx<'_>, step: &Step<'_, Self>) -> Done {
        let c = &cx.clients.s3;
        let req = c
            .put_bucket_logging()
            .bucket(step.name)
            .bucket_logging_status(step.want.to_aws()?);
        crate::send!(cx, "s3:PutBucketLogging", req).await?;
        Ok("set")
    }

    async fn delete(cx: &Cx<'_>, step: &Step<'_, Self>) -> Done {
        let off = Logging::from_aws(None).to_aws()?;
        let c = &cx.clients.s3;
        let req = c
            .put_bucket_logging()
            .bucket(step.name)
            .bucket_logging_status(off);
        crate::delete!(cx, "s3:PutBucketLogging", req, "logging off")
    }
}
