//! The AWS calls of `s3::lifecycle` (feature `aws`): what it reads, puts and
//! deletes, and how; what the values mean is in the parent module.

use aws_sdk_s3::types::{
    AbortIncompleteMultipartUpload, BucketLifecycleConfiguration, ExpirationStatus,
    LifecycleExpiration, LifecycleRule, LifecycleRuleFilter, NoncurrentVersionExpiration,
    TransitionStorageClass,
};

use super::{Lifecycle, Rule, Transition};
use crate::aws::{
    Api, CallError, Cx, Done, Found, ReadCx, Step, absent_if_not_found, built, deleted,
};
use crate::s3::shared::per_bucket;

const OP: &str = "s3:PutBucketLifecycleConfiguration";

impl Rule {
    pub(crate) fn from_aws(r: &LifecycleRule) -> Rule {
        #[allow(deprecated)]
        let legacy_prefix = r.prefix();
        let prefix = r
            .filter()
            .and_then(|f| f.prefix())
            .or(legacy_prefix)
            .unwrap_or_default();
        Rule {
            id: r.id().unwrap_or_default().to_owned(),
            status: r.status().as_str().to_owned(),
            prefix: prefix.to_owned(),
            transitions: r
                .transitions()
                .iter()
                .map(|t| Transition {
                    days: t.days(),
                    storage_class: t.storage_class().map(|s| s.as_str().to_owned()),
                })
                .collect(),
            expiration_days: r.expiration().and_then(|e| e.days()),
            noncurrent_version_expiration_days: r
                .noncurrent_version_expiration()
                .and_then(|n| n.noncurrent_days()),
            abort_incomplete_multipart_upload_days: r
                .abort_incomplete_multipart_upload()
                .and_then(|a| a.days_after_initiation()),
        }
    }

    pub(crate) fn to_aws(&self) -> Result<LifecycleRule, CallError> {
        let transitions: Vec<aws_sdk_s3::types::Transition> = self
            .transitions
            .iter()
            .map(|t| {
                aws_sdk_s3::types::Transition::builder()
                    .set_days(t.days)
                    .storage_class(TransitionStorageClass::from(
                        t.storage_class.as_deref().unwrap_or_default(),
                    ))
                    .build()
            })
            .collect();
        built(
            OP,
            LifecycleRule::builder()
                .id(&self.id)
                .status(ExpirationStatus::from(self.status.as_str()))
                .filter(LifecycleRuleFilter::builder().prefix(&self.prefix).build())
                .set_transitions(Some(transitions).filter(|t| !t.is_empty()))
                .set_expiration(
                    self.expiration_days
                        .map(|d| LifecycleExpiration::builder().days(d).build()),
                )
                .set_noncurrent_version_expiration(self.noncurrent_version_expiration_days.map(
                    |d| {
                        NoncurrentVersionExpiration::builder()
                            .noncurrent_days(d)
                            .build()
                    },
                ))
                .set_abort_incomplete_multipart_upload(
                    self.abort_incomplete_multipart_upload_days.map(|d| {
                        AbortIncompleteMultipartUpload::builder()
                            .days_after_initiation(d)
                            .build()
                    }),
                )
                .build(),
        )
    }
}

async fn remove(cx: &Cx<'_>, bucket: &str) -> Result<(), CallError> {
    let c = &cx.clients.s3;
    let req = c.delete_bucket_lifecycle().bucket(bucket);
    crate::send!(cx, "s3:DeleteBucketLifecycle", req).await?;
    Ok(())
}

impl Api for Lifecycle {
    async fn read(rcx: &ReadCx<'_>, names: &[String]) -> Found<Self> {
        let c = &rcx.clients.s3;
        per_bucket(rcx, names, |name| async move {
            let got = c
                .get_bucket_lifecycle_configuration()
                .bucket(&name)
                .send()
                .await;
            let got = absent_if_not_found(
                "s3:GetBucketLifecycleConfiguration",
                got,
                &["NoSuchLifecycleConfiguration"],
            )?;
            let rules = got
                .as_ref()
                .map(|l| l.rules().iter().map(Rule::from_aws).collect())
                .unwrap_or_default();
            Ok(Some(Lifecycle { rules }))
        })
        .await
    }

    async fn put(cx: &Cx<'_>, step: &Step<'_, Self>) -> Done {
        if step.want.rules.is_empty() {
            remove(cx, step.name).await?;
            return Ok("removed");
        }
        let rules = step
            .want
            .rules
            .iter()
            .map(Rule::to_aws)
            .collect::<Result<Vec<_>, _>>()?;
        let cfg = built(
            OP,
            BucketLifecycleConfiguration::builder()
                .set_rules(Some(rules))
                .build(),
        )?;
        let c = &cx.clients.s3;
        let req = c
            .put_bucket_lifecycle_configuration()
            .bucket(step.name)
            .lifecycle_configuration(cfg);
        crate::send!(cx, "s3:PutBucketLifecycleConfiguration", req).await?;
        Ok("set")
    }

    async fn delete(cx: &Cx<'_>, step: &Step<'_, Self>) -> Done {
        deleted(remove(cx, step.name).await, "removed", &[])
    }
}
