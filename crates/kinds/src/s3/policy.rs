//! `s3_bucket_policy`: what CloudTrail may do in the bucket (policies.rs
//! cites the AWS page), plus the spec's own statements.

use ctrail_model::ResourceKind;
use ctrail_policy::canonical;
use ctrail_spec::Spec;
use serde_json::Value;

use crate::{Compare, Desired, Kind, Names, Rules, Security, policies};

crate::attributes! {
    pub struct BucketPolicy {
        pub policy: Value,
    }
}

impl Kind for BucketPolicy {
    const RULES: Rules = Rules::NONE
        .compare_by(&[("policy", Compare::Policy)])
        .security_relevant(&[(
            "policy",
            "who may read and write the log bucket",
            Security::AnyChange,
        )]);

    fn desired(spec: &Spec, names: &Names<'_>) -> Vec<Desired<Self>> {
        let policy = canonical::policy(&policies::with_statements(
            policies::bucket_policy(names),
            &spec.bucket.extra_policy_statements,
        ));
        vec![
            Desired::new(&spec.bucket.name, BucketPolicy { policy })
                .part_of(ResourceKind::S3Bucket),
        ]
    }
}

#[cfg(feature = "aws")]
mod aws {
    use ctrail_policy::canonical;

    use super::BucketPolicy;
    use crate::aws::{Api, Cx, Done, Found, ReadCx, Step, absent_if_not_found, refuse};
    use crate::s3::shared::per_bucket;

    impl BucketPolicy {
        pub(crate) fn from_aws(text: &str) -> Self {
            BucketPolicy {
                policy: canonical::parse_policy(text).unwrap_or_default(),
            }
        }

        pub(crate) fn to_aws(&self) -> Result<String, crate::aws::CallError> {
            serde_json::to_string(&self.policy)
                .map_err(|e| refuse("s3:PutBucketPolicy", e.to_string()))
        }
    }

    impl Api for BucketPolicy {
        async fn read(rcx: &ReadCx<'_>, names: &[String]) -> Found<Self> {
            let c = &rcx.clients.s3;
            per_bucket(rcx, names, |name| async move {
                let got = c.get_bucket_policy().bucket(&name).send().await;
                let got = absent_if_not_found("s3:GetBucketPolicy", got, &["NoSuchBucketPolicy"])?;
                Ok(got
                    .as_ref()
                    .and_then(|p| p.policy())
                    .map(BucketPolicy::from_aws))
            })
            .await
        }

        async fn put(cx: &Cx<'_>, step: &Step<'_, Self>) -> Done {
            let policy = step.want.to_aws()?;
            let c = &cx.clients.s3;
            let req = c.put_bucket_policy().bucket(step.name).policy(&policy);
            crate::send!(cx, "s3:PutBucketPolicy", req).await?;
            Ok("set")
        }

        async fn delete(cx: &Cx<'_>, step: &Step<'_, Self>) -> Done {
            let req = cx.clients.s3.delete_bucket_policy().bucket(step.name);
            crate::delete!(cx, "s3:DeleteBucketPolicy", req, "deleted")
        }
    }
}
