//! `s3_bucket_versioning`: keeps every version of a log file, so an
//! overwritten or deleted one can be recovered.

use ctrail_model::ResourceKind;
use ctrail_spec::Spec;
use serde_json::Value;

use crate::{Desired, ImportCx, Kind, Names, Rules, SpecField};

crate::attributes! {
    pub struct Versioning {
        /// `Enabled` or `Suspended` (a bucket never versioned reads as
        /// `Suspended`: it keeps no versions either). Never missing: the
        /// put sends exactly this.
        pub status: String,
    }
}

fn rank(v: Option<&Value>) -> i64 {
    i64::from(v.and_then(Value::as_str) == Some("Enabled"))
}

impl Kind for Versioning {
    const PLACE: ctrail_model::Place = ctrail_model::Place::Bucket;
    const RULES: Rules = crate::ranked!("status", "versioning of log files", rank);

    fn desired(spec: &Spec, _: &Names<'_>) -> Vec<Desired<Self>> {
        let status = if spec.bucket.versioning {
            "Enabled"
        } else {
            "Suspended"
        };
        vec![
            Desired::new(
                &spec.bucket.name,
                Versioning {
                    status: status.to_owned(),
                },
            )
            .part_of(ResourceKind::S3Bucket),
        ]
    }

    fn import(&self, name: &str, cx: &ImportCx<'_>) -> Vec<SpecField> {
        if name != cx.names.bucket || self.status == "Enabled" {
            return Vec::new();
        }
        vec![SpecField::new(
            ctrail_spec::fields::BUCKET_VERSIONING,
            false,
            "found: versioning off (default on: an overwritten or deleted log file can be recovered)",
        )]
    }
}

#[cfg(feature = "aws")]
pub use aws::mfa_delete;

#[cfg(feature = "aws")]
mod aws {
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
}
