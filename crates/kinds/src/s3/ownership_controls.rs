//! `s3_bucket_ownership_controls`: S3 Object Ownership. `BucketOwnerEnforced`
//! (the default) disables ACLs, as AWS recommends. CloudTrail still delivers:
//! it writes with the `bucket-owner-full-control` ACL, which such a bucket
//! accepts (S3 User Guide, "Controlling ownership of objects and disabling
//! ACLs for your bucket", Troubleshooting).

use crate::{Desired, Kind, Names, Rules, Security};
use ctrail_model::ResourceKind;
use ctrail_spec::Spec;
use serde_json::Value;

crate::attributes! {
    pub struct OwnershipControls {
        /// `None`: no controls (ACLs on, the writer owns each object).
        pub object_ownership: Option<String>,
    }
}

fn rank(v: Option<&Value>) -> i64 {
    match v.and_then(Value::as_str) {
        Some("BucketOwnerEnforced") => 2,
        Some("BucketOwnerPreferred") => 1,
        _ => 0,
    }
}

impl Kind for OwnershipControls {
    const RULES: Rules = Rules::NONE.security_relevant(&[(
        "object_ownership",
        "ACLs on log files",
        Security::Ranked(rank),
    )]);

    fn desired(spec: &Spec, _: &Names<'_>) -> Vec<Desired<Self>> {
        let b = &spec.bucket;
        let value = OwnershipControls {
            object_ownership: Some(b.object_ownership.clone()),
        };
        vec![Desired::new(&b.name, value).part_of(ResourceKind::S3Bucket)]
    }
}

#[cfg(feature = "aws")]
mod aws {
    use super::OwnershipControls;
    use crate::aws::{
        Api, CallError, Cx, Done, Found, ReadCx, Step, absent_if_not_found, built, deleted,
    };
    use crate::s3::shared::per_bucket;
    use aws_sdk_s3::types::{
        ObjectOwnership, OwnershipControls as Controls, OwnershipControlsRule,
    };

    const NONE: &[&str] = &["OwnershipControlsNotFoundError"];

    impl OwnershipControls {
        pub(crate) fn from_aws(controls: Option<&Controls>) -> Self {
            let rule = controls.and_then(|c| c.rules().first());
            let object_ownership = rule.map(|r| r.object_ownership().as_str().to_owned());
            OwnershipControls { object_ownership }
        }

        pub(crate) fn to_aws(&self) -> Result<Controls, CallError> {
            const OP: &str = "s3:PutBucketOwnershipControls";
            let ownership =
                ObjectOwnership::from(self.object_ownership.as_deref().unwrap_or_default());
            let rule = built(
                OP,
                OwnershipControlsRule::builder()
                    .object_ownership(ownership)
                    .build(),
            )?;
            built(OP, Controls::builder().rules(rule).build())
        }
    }

    impl Api for OwnershipControls {
        async fn read(rcx: &ReadCx<'_>, names: &[String]) -> Found<Self> {
            let c = &rcx.clients.s3;
            per_bucket(rcx, names, |name| async move {
                let got = c.get_bucket_ownership_controls().bucket(&name).send().await;
                let got = absent_if_not_found("s3:GetBucketOwnershipControls", got, NONE)?;
                let controls = got.as_ref().and_then(|o| o.ownership_controls());
                Ok(Some(OwnershipControls::from_aws(controls)))
            })
            .await
        }

        async fn put(cx: &Cx<'_>, step: &Step<'_, Self>) -> Done {
            let controls = step.want.to_aws()?;
            let s3 = &cx.clients.s3;
            let req = s3
                .put_bucket_ownership_controls()
                .bucket(step.name)
                .ownership_controls(controls);
            crate::send!(cx, "s3:PutBucketOwnershipControls", req).await?;
            Ok("set")
        }

        async fn delete(cx: &Cx<'_>, step: &Step<'_, Self>) -> Done {
            let del = cx
                .clients
                .s3
                .delete_bucket_ownership_controls()
                .bucket(step.name);
            deleted(
                crate::aws!(cx, "s3:DeleteBucketOwnershipControls", del.clone().send()).await,
                "removed",
                NONE,
            )
        }
    }
}
