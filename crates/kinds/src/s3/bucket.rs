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
    const STANDING: crate::Standing = crate::Standing::Resource { prunable: false };

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
    use aws_sdk_s3::types::{
        BucketLocationConstraint, CreateBucketConfiguration, Delete, ObjectIdentifier,
    };
    use aws_smithy_types::error::metadata::ProvideErrorMetadata;

    use super::Bucket;
    use crate::aws::error::call_error;
    use crate::aws::{Api, CallError, Cx, Done, Found, ReadCx, Step, built, refuse};
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

    /// The change path on a delete that empties the bucket first.
    const OBJECTS: &str = "objects";

    /// Every object version and delete marker in `bucket`, page by page.
    async fn versions(
        c: &aws_sdk_s3::Client,
        bucket: &str,
    ) -> Result<Vec<ObjectIdentifier>, CallError> {
        let mut out = Vec::new();
        // ListObjectVersions pages by two markers; the SDK has no paginator.
        let (mut key_marker, mut version_marker) = (None::<String>, None::<String>);
        loop {
            let page = c
                .list_object_versions()
                .bucket(bucket)
                .set_key_marker(key_marker.take())
                .set_version_id_marker(version_marker.take())
                .send()
                .await;
            let page = match page {
                Ok(p) => p,
                Err(e) if e.code() == Some("NoSuchBucket") => break,
                Err(e) => return Err(call_error("s3:ListObjectVersions", e)),
            };
            let ids = page
                .versions()
                .iter()
                .map(|v| (v.key(), v.version_id()))
                .chain(
                    page.delete_markers()
                        .iter()
                        .map(|m| (m.key(), m.version_id())),
                );
            for (key, version) in ids {
                let id = ObjectIdentifier::builder()
                    .key(key.unwrap_or_default())
                    .set_version_id(version.map(str::to_owned))
                    .build();
                out.push(built("s3:DeleteObjects", id)?);
            }
            if page.is_truncated() != Some(true) {
                break;
            }
            key_marker = page.next_key_marker().map(str::to_owned);
            version_marker = page.next_version_id_marker().map(str::to_owned);
            if key_marker.is_none() {
                break;
            }
        }
        Ok(out)
    }

    /// How many object versions and delete markers `bucket` holds (0 when
    /// it does not exist).
    pub async fn stored_objects(c: &aws_sdk_s3::Client, bucket: &str) -> Result<u64, CallError> {
        Ok(versions(c, bucket).await?.len() as u64)
    }

    /// Deletes every object version and delete marker, 1,000 at a time.
    async fn empty(cx: &Cx<'_>, bucket: &str) -> Result<(), CallError> {
        let c = &cx.clients.s3;
        let all = cx
            .call("s3:ListObjectVersions", || versions(c, bucket))
            .await?;
        for chunk in all.chunks(1000) {
            let delete = built(
                "s3:DeleteObjects",
                Delete::builder()
                    .set_objects(Some(chunk.to_vec()))
                    .quiet(true)
                    .build(),
            )?;
            let req = c.delete_objects().bucket(bucket).delete(delete);
            let out = crate::send!(cx, "s3:DeleteObjects", req).await?;
            if let Some(e) = out.errors().first() {
                return Err(refuse(
                    "s3:DeleteObjects",
                    format!(
                        "{} of {} could not be deleted ({}: {})",
                        e.key().unwrap_or_default(),
                        bucket,
                        e.code().unwrap_or_default(),
                        e.message().unwrap_or_default()
                    ),
                ));
            }
        }
        Ok(())
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
        /// DeleteBucket. A plan that says how many objects the bucket holds
        /// (`ctrail destroy --delete-log-data`, change `objects`) empties it
        /// first, every version and delete marker; no other plan does, and
        /// S3 refuses to delete a bucket that is not empty.
        async fn delete(cx: &Cx<'_>, step: &Step<'_, Self>) -> Done {
            if step.old(OBJECTS).is_some() {
                empty(cx, step.name).await?;
            }
            let req = cx.clients.s3.delete_bucket().bucket(step.name);
            crate::delete!(cx, "s3:DeleteBucket", req, "deleted")
        }
    }
}

#[cfg(feature = "aws")]
pub use aws::stored_objects;
