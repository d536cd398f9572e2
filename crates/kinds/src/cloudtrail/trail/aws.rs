//! The AWS calls of `cloudtrail::trail` (feature `aws`): what it reads, puts and
//! deletes, and how; what the values mean is in the parent module.

use aws_sdk_cloudtrail::operation::get_trail_status::GetTrailStatusOutput;

use super::{Listed, Status, Trail, log_group_arn_with_streams};
use crate::aws::{
    Api, CallError, Clients, Cx, Done, Found, KeyForms, ReadCx, ReadError, Step,
    absent_if_not_found, read_error,
};
use crate::cloudtrail::shared::trail;

impl Listed {
    fn from_aws(t: &aws_sdk_cloudtrail::types::Trail, region: &str) -> Listed {
        let arn = t.trail_arn().unwrap_or_default().to_owned();
        // The ARN names the home region when the answer does not.
        let region = ctrail_model::arn::region(&arn).unwrap_or(region).to_owned();
        Listed {
            trail: Trail::from_aws(t, &region, &KeyForms::default()),
            arn,
        }
    }
}

/// The trail `name` (its name or ARN) as GetTrail answers, `None` when
/// it does not exist. Every GetTrail ctrail makes (CloudTrail API
/// Reference, GetTrail,
/// https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_GetTrail.html).
pub(crate) async fn get_trail(
    c: &Clients,
    name: &str,
) -> Result<Option<aws_sdk_cloudtrail::types::Trail>, ReadError> {
    let got = c.cloudtrail.get_trail().name(c.trail_id(name)).send().await;
    let got = absent_if_not_found("cloudtrail:GetTrail", got, &[])?;
    Ok(got.and_then(|g| g.trail().cloned()))
}

/// The trail `name` (its name or ARN), `None` when there is none.
pub async fn get(c: &Clients, name: &str) -> Result<Option<Listed>, ReadError> {
    let got = get_trail(c, name).await?;
    Ok(got.map(|t| Listed::from_aws(&t, &c.region)))
}

/// DescribeTrails with `includeShadowTrails` (CloudTrail API Reference,
/// DescribeTrails,
/// https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_DescribeTrails.html):
/// the trails of the region, and the multi-region (shadow) trails homed
/// elsewhere that it sees; only `names` when given.
async fn describe(c: &Clients, names: Option<Vec<String>>) -> Result<Vec<Listed>, ReadError> {
    let got = c
        .cloudtrail
        .describe_trails()
        .set_trail_name_list(names)
        .include_shadow_trails(true)
        .send()
        .await
        .map_err(|e| read_error("cloudtrail:DescribeTrails", e))?;
    Ok(got
        .trail_list()
        .iter()
        .map(|t| Listed::from_aws(t, &c.region))
        .collect())
}

/// Every trail the clients' region sees, shadow trails included.
pub async fn describe_all(c: &Clients) -> Result<Vec<Listed>, ReadError> {
    describe(c, None).await
}

/// The trail `name` as the clients' region sees it (its shadow, for a
/// multi-region trail homed elsewhere); `None` when it sees none.
pub async fn describe_named(c: &Clients, name: &str) -> Result<Option<Listed>, ReadError> {
    let found = describe(c, Some(vec![c.trail_id(name)])).await?;
    Ok(found.into_iter().find(|t| t.trail.name == name))
}

/// The ARNs of the trails ListTrails lists (a harmless read, which
/// CloudTrail records as a management event).
pub async fn list_trails(c: &Clients) -> Result<Vec<String>, ReadError> {
    let got = c.cloudtrail.list_trails().send().await;
    let got = got.map_err(|e| read_error("cloudtrail:ListTrails", e))?;
    Ok(got
        .trails()
        .iter()
        .filter_map(|t| t.trail_arn().map(str::to_owned))
        .collect())
}

/// GetTrailStatus of the trail (by name, or by ARN for a trail homed in
/// another region); `None` when the trail does not exist. Every
/// GetTrailStatus ctrail makes.
pub(crate) async fn status_of(
    c: &Clients,
    trail: &str,
) -> Result<Option<GetTrailStatusOutput>, ReadError> {
    let got = c
        .cloudtrail
        .get_trail_status()
        .name(c.trail_id(trail))
        .send()
        .await;
    absent_if_not_found("cloudtrail:GetTrailStatus", got, &[])
}

/// The trail's status (by name, or by ARN for a trail homed in another
/// region); `None` when the trail does not exist.
pub async fn status(c: &Clients, trail: &str) -> Result<Option<Status>, ReadError> {
    Ok(status_of(c, trail).await?.as_ref().map(Status::from_aws))
}

impl Status {
    fn from_aws(s: &GetTrailStatusOutput) -> Status {
        let errors = [
            ("LatestDeliveryError", s.latest_delivery_error()),
            (
                "LatestDigestDeliveryError",
                s.latest_digest_delivery_error(),
            ),
            (
                "LatestCloudWatchLogsDeliveryError",
                s.latest_cloud_watch_logs_delivery_error(),
            ),
            ("LatestNotificationError", s.latest_notification_error()),
        ];
        let errors = errors
            .into_iter()
            .filter_map(|(n, e)| Some((n.to_owned(), e.filter(|e| !e.is_empty())?.to_owned())))
            .collect();
        Status {
            is_logging: s.is_logging().unwrap_or(false),
            latest_delivery_time: s.latest_delivery_time().map(|t| t.secs()),
            errors,
        }
    }
}

impl Trail {
    /// The bucket CreateTrail and UpdateTrail send: S3BucketName is
    /// required by CreateTrail (CloudTrail API Reference, CreateTrail,
    /// https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_CreateTrail.html),
    /// so attributes without one are an error naming it, never `""`.
    pub(crate) fn bucket(&self, op: &'static str) -> Result<&str, CallError> {
        crate::required(op, "s3_bucket_name", self.s3_bucket_name.as_deref())
    }

    pub(crate) fn from_aws(
        t: &aws_sdk_cloudtrail::types::Trail,
        region: &str,
        keys: &crate::aws::KeyForms,
    ) -> Trail {
        Trail {
            name: t.name().unwrap_or_default().to_owned(),
            // Omitted by some endpoints: a trail read in a region lives there.
            home_region: t.home_region().unwrap_or(region).to_owned(),
            s3_bucket_name: t.s3_bucket_name().map(str::to_owned),
            s3_key_prefix: t.s3_key_prefix().map(str::to_owned),
            include_global_service_events: t.include_global_service_events().unwrap_or(false),
            is_multi_region_trail: t.is_multi_region_trail().unwrap_or(false),
            is_organization_trail: t.is_organization_trail().unwrap_or(false),
            enable_log_file_validation: t.log_file_validation_enabled().unwrap_or(false),
            kms_key_id: keys.normalise(t.kms_key_id()),
            cloud_watch_logs_log_group_arn: t
                .cloud_watch_logs_log_group_arn()
                .map(log_group_arn_with_streams),
            cloud_watch_logs_role_arn: t.cloud_watch_logs_role_arn().map(str::to_owned),
            sns_topic_name: t.sns_topic_arn().map(str::to_owned),
            // Omitted where it was never set: AWS's default, on.
            recursive_logging: t.recursive_logging().unwrap_or(true),
        }
    }
}

impl Api for Trail {
    async fn read(rcx: &ReadCx<'_>, names: &[String]) -> Found<Self> {
        rcx.each(names, |name| async move {
            let region = rcx
                .want::<Trail>(&name)
                .map(|t| t.home_region)
                .unwrap_or_default();
            let live = match trail(rcx, &name).await? {
                None => None,
                Some(t) => {
                    let ready = rcx.ready().await?;
                    Some(Trail::from_aws(&t, &region, &ready.keys))
                }
            };
            Ok(live)
        })
        .await
    }

    /// CreateTrail, or UpdateTrail for one that exists. On UpdateTrail an
    /// empty string removes a setting (encryption, log group, prefix, topic).
    async fn put(cx: &Cx<'_>, step: &Step<'_, Self>) -> Done {
        let c = &cx.clients.cloudtrail;
        let w = &step.want;
        if step.creating() {
            let req = c
                .create_trail()
                .name(step.name)
                .s3_bucket_name(w.bucket("cloudtrail:CreateTrail")?)
                .set_s3_key_prefix(w.s3_key_prefix.clone())
                .set_sns_topic_name(w.sns_topic_name.clone())
                .include_global_service_events(w.include_global_service_events)
                .is_multi_region_trail(w.is_multi_region_trail)
                .is_organization_trail(w.is_organization_trail)
                .enable_log_file_validation(w.enable_log_file_validation)
                .set_cloud_watch_logs_log_group_arn(w.cloud_watch_logs_log_group_arn.clone())
                .set_cloud_watch_logs_role_arn(w.cloud_watch_logs_role_arn.clone())
                .set_kms_key_id(w.kms_key_id.clone())
                .recursive_logging(w.recursive_logging);
            let made = crate::send!(cx, "cloudtrail:CreateTrail", req).await;
            match made {
                Ok(_) => return Ok("created"),
                Err(e) if e.code.as_deref() == Some("TrailAlreadyExistsException") => {}
                Err(e) => return Err(e),
            }
        }
        // `None` is a setting the trail must not have: UpdateTrail
        // removes it when sent "" (the doc comment on `put`).
        let or_empty = |v: &Option<String>| v.clone().unwrap_or_default();
        let req = c
            .update_trail()
            .name(cx.clients.trail_id(step.name))
            .s3_bucket_name(w.bucket("cloudtrail:UpdateTrail")?)
            .s3_key_prefix(or_empty(&w.s3_key_prefix))
            .sns_topic_name(or_empty(&w.sns_topic_name))
            .include_global_service_events(w.include_global_service_events)
            .is_multi_region_trail(w.is_multi_region_trail)
            .is_organization_trail(w.is_organization_trail)
            .enable_log_file_validation(w.enable_log_file_validation)
            .cloud_watch_logs_log_group_arn(or_empty(&w.cloud_watch_logs_log_group_arn))
            .cloud_watch_logs_role_arn(or_empty(&w.cloud_watch_logs_role_arn))
            .kms_key_id(or_empty(&w.kms_key_id))
            .recursive_logging(w.recursive_logging);
        crate::send!(cx, "cloudtrail:UpdateTrail", req).await?;
        Ok("updated")
    }

    /// DeleteTrail; the log files it delivered stay in the bucket.
    async fn delete(cx: &Cx<'_>, step: &Step<'_, Self>) -> Done {
        let req = cx
            .clients
            .cloudtrail
            .delete_trail()
            .name(cx.clients.trail_id(step.name));
        crate::delete!(cx, "cloudtrail:DeleteTrail", req, "deleted")
    }
}
