//! The AWS calls of `s3::versioning` (feature `aws`): what it reads, puts and
//! deletes, and how; what the values mean is in the parent module.

use aws_sdk_s3::operation::get_bucket_versioning::GetBucketVersioningOutput;
use aws_sdk_s3::types::{BucketVersioningStatus, MfaDeleteStatus, VersioningConfiguration};

use super::Versioning;
use crate::aws::{
    Api, CallError, Clients, Cx, Done, Found, ReadCx, ReadError, Step, deleted, read_error,
};
use crate::s3::shared::per_bucket;

/// GetBucketVersioning of the bucket: every one ctrail makes (Amazon S3
/// API Reference, GetBucketVersioning,
/// https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetBucketVersioning.html).
async fn get(c: &Clients, bucket: &str) -> Result<GetBucketVersioningOutput, ReadError> {
    let got = c.s3.get_bucket_versioning().bucket(bucket).send().await;
    got.map_err(|e| read_error("s3:GetBucketVersioning", e))
}

/// Whether the bucket's versioning asks for MFA to delete a version
/// (`MfaDelete` is `Enabled`; absent when never configured).
pub async fn mfa_delete(c: &Clients, bucket: &str) -> Result<bool, ReadError> {
    let got = get(c, bucket).await?;
    Ok(got.mfa_delete() == Some(&MfaDeleteStatus::Enabled))
}

impl Versioning {
    pub(crate) fn from_aws(status: &BucketVersioningStatus) -> Self {
        Versioning {
            status: status.as_str().to_owned(),
        }
    }

    pub(crate) fn to_aws(&self) -> VersioningConfiguration {
        let status = BucketVersioningStatus::from(self.status.as_str());
        VersioningConfiguration::builder().status(status).build()
    }
}

async fn set(cx: &Cx<'_>, bucket: &str, want: &Versioning) -> Result<(), CallError> {
    let cfg = want.to_aws();
    let c = &cx.clients.s3;
    let req = c
        .put_bucket_versioning()
        .bucket(bucket)
        .versioning_configuration(cfg);
    crate::send!(cx, "s3:PutBucketVersioning", req).await?;
    Ok(())
}

impl Api for Versioning {
    async fn read(rcx: &ReadCx<'_>, names: &[String]) -> Found<Self> {
        per_bucket(rcx, names, |name| async move {
            let got = get(rcx.clients, &name).await?;
            // A bucket whose versioning was never enabled answers no
            // status; it keeps no versions, as a suspended one does (S3
            // User Guide, "Using versioning in S3 buckets": a bucket is
            // unversioned until enabled, and can then only be suspended).
            let status = got.status().unwrap_or(&BucketVersioningStatus::Suspended);
            Ok(Some(Versioning::from_aws(status)))
        })
        .await
    }

    async fn put(cx: &Cx<'_>, step: &Step<'_, Self>) -> Done {
        set(cx, step.name, &step.want).await?;
        Ok("set")
    }

    /// Versioning cannot be removed from a bucket, only suspended.
    async fn delete(cx: &Cx<'_>, step: &Step<'_, Self>) -> Done {
        let suspended = Versioning {
            status: "Suspended".into(),
        };
        deleted(
            set(cx, step.name, &suspended).await,
            "suspended (S3 cannot remove versioning)",
            &[],
        )
    }
}
