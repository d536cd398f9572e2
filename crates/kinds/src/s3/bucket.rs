//! `s3_bucket`: the log bucket itself, and the bucket ctrail creates for its
//! server access logs. Both hold audit logs, so a plan never deletes or moves
//! them unless the spec sets `allow_destroy`.

use ctrail_spec::Spec;

use crate::s3::shared::access_log_target;
use crate::{Desired, Kind, Names, Rules};

crate::attributes! {
    pub struct Bucket {
        pub name: String,
        pub region: String,
    }
}

impl Kind for Bucket {
    const RULES: Rules = Rules::NONE.replace_on(&["region"]);

    fn desired(spec: &Spec, _: &Names<'_>) -> Vec<Desired<Self>> {
        let b = &spec.bucket;
        let bucket = |name: &str| {
            let value = Bucket {
                name: name.to_owned(),
                region: spec.region.clone(),
            };
            Desired::new(name, value).holds_audit_logs(b.allow_destroy)
        };
        let access_logs = access_log_target(spec).map(|(a, _)| bucket(&a.target_bucket));
        std::iter::once(bucket(&b.name))
            .chain(access_logs)
            .collect()
    }
}

#[cfg(feature = "aws")]
mod aws {
    use aws_sdk_s3::types::{BucketLocationConstraint, CreateBucketConfiguration};

    use super::Bucket;
    use crate::aws::{Api, CallError, Cx, Done, Found, ReadCx, Step, refuse};
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
        async fn delete(cx: &Cx<'_>, step: &Step<'_, Self>) -> Done {
            let req = cx.clients.s3.delete_bucket().bucket(step.name);
            crate::delete!(cx, "s3:DeleteBucket", req, "deleted")
        }
    }
}
