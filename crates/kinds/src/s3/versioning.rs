//! `s3_bucket_versioning`: keeps every version of a log file, so an
//! overwritten or deleted one can be recovered.

use ctrail_model::ResourceKind;
use ctrail_spec::Spec;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::{Desired, Kind, Names, Rules, Security};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Versioning {
    /// `Enabled` or `Suspended`; `None` for a bucket never versioned.
    pub status: Option<String>,
}

fn rank(v: Option<&Value>) -> i64 {
    i64::from(v.and_then(Value::as_str) == Some("Enabled"))
}

impl Kind for Versioning {
    const KIND: ResourceKind = ResourceKind::S3BucketVersioning;
    const RULES: Rules = Rules {
        security: &[("status", "versioning of log files", Security::Ranked(rank))],
        ..Rules::NONE
    };

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
                    status: Some(status.to_owned()),
                },
            )
            .part_of(ResourceKind::S3Bucket),
        ]
    }
}

#[cfg(feature = "aws")]
mod aws {
    use aws_sdk_s3::types::{BucketVersioningStatus, VersioningConfiguration};

    use super::Versioning;
    use crate::aws::{Api, CallError, Cx, ReadCx, ReadError, Step, gone, read_error};
    use crate::s3::shared::bucket_region;

    async fn set(cx: &Cx<'_>, bucket: &str, status: &str) -> Result<(), CallError> {
        let cfg = VersioningConfiguration::builder()
            .status(BucketVersioningStatus::from(status))
            .build();
        let c = &cx.clients.s3;
        crate::aws!(
            cx,
            "s3:PutBucketVersioning",
            c.put_bucket_versioning()
                .bucket(bucket)
                .versioning_configuration(cfg.clone())
                .send()
        )
        .await?;
        Ok(())
    }

    impl Api for Versioning {
        async fn read(
            rcx: &ReadCx<'_>,
            names: &[String],
        ) -> Result<Vec<(String, Option<Self>)>, ReadError> {
            let c = &rcx.clients.s3;
            let mut out = Vec::new();
            for name in names {
                let (exists, got) = tokio::join!(
                    bucket_region(rcx, name),
                    c.get_bucket_versioning().bucket(name).send()
                );
                if exists?.is_none() {
                    out.push((name.clone(), None));
                    continue;
                }
                let got = got.map_err(|e| read_error("s3:GetBucketVersioning", e))?;
                out.push((
                    name.clone(),
                    Some(Versioning {
                        status: got.status().map(|s| s.as_str().to_owned()),
                    }),
                ));
            }
            Ok(out)
        }

        async fn put(cx: &Cx<'_>, step: &Step<'_, Self>) -> Result<&'static str, CallError> {
            set(
                cx,
                step.name,
                step.want.status.as_deref().unwrap_or("Enabled"),
            )
            .await?;
            Ok("set")
        }

        /// Versioning cannot be removed from a bucket, only suspended.
        async fn delete(cx: &Cx<'_>, step: &Step<'_, Self>) -> Result<&'static str, CallError> {
            match set(cx, step.name, "Suspended").await {
                Ok(()) => Ok("suspended (S3 cannot remove versioning)"),
                Err(e) if gone(&e, &[]) => Ok("already gone"),
                Err(e) => Err(e),
            }
        }
    }
}
