//! What `ctrail import` reads before it knows the spec: the trail as
//! CloudTrail describes it, whether it logs, and its tags. Everything
//! attached to it is then read by the kinds, as for a plan.

use std::collections::BTreeMap;

use aws_smithy_types::error::metadata::ProvideErrorMetadata;
use ctrail_kinds::aws::{Clients, ReadError, read_error};

/// A trail as found, by the names the spec uses.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct FoundTrail {
    pub name: String,
    pub arn: String,
    pub home_region: String,
    pub bucket: String,
    pub s3_key_prefix: Option<String>,
    pub sns_topic: Option<String>,
    pub multi_region: bool,
    pub include_global_service_events: bool,
    pub log_file_validation: bool,
    pub organization: bool,
    pub kms_key_id: Option<String>,
    /// The log group's name, from the trail's log group ARN.
    pub log_group: Option<String>,
    /// The role's name, from the trail's role ARN.
    pub role_name: Option<String>,
    pub logging: bool,
    pub tags: BTreeMap<String, String>,
}

/// The trail `name` in the clients' region; `None` when there is none.
pub async fn find_trail(clients: &Clients, name: &str) -> Result<Option<FoundTrail>, ReadError> {
    let ct = &clients.cloudtrail;
    let got = match ct.get_trail().name(name).send().await {
        Ok(g) => g,
        Err(e) if e.code() == Some("TrailNotFoundException") => return Ok(None),
        Err(e) => return Err(read_error("cloudtrail:GetTrail", e)),
    };
    let Some(t) = got.trail() else {
        return Ok(None);
    };
    let arn = t.trail_arn().unwrap_or_default().to_owned();
    let status = ct
        .get_trail_status()
        .name(&arn)
        .send()
        .await
        .map_err(|e| read_error("cloudtrail:GetTrailStatus", e))?;
    let tags = ct
        .list_tags()
        .resource_id_list(&arn)
        .send()
        .await
        .map_err(|e| read_error("cloudtrail:ListTags", e))?;
    let tags = tags
        .resource_tag_list()
        .iter()
        .flat_map(|r| r.tags_list())
        .map(|t| (t.key().to_owned(), t.value().unwrap_or_default().to_owned()))
        .collect();
    let log_group = t.cloud_watch_logs_log_group_arn().and_then(|a| {
        let rest = a.split_once(":log-group:")?.1;
        Some(rest.strip_suffix(":*").unwrap_or(rest).to_owned())
    });
    Ok(Some(FoundTrail {
        name: t.name().unwrap_or(name).to_owned(),
        arn: arn.clone(),
        // The ARN names the home region when the answer does not.
        home_region: t
            .home_region()
            .map(str::to_owned)
            .or_else(|| arn.split(':').nth(3).map(str::to_owned))
            .unwrap_or_default(),
        bucket: t.s3_bucket_name().unwrap_or_default().to_owned(),
        s3_key_prefix: t.s3_key_prefix().map(str::to_owned),
        sns_topic: t.sns_topic_arn().map(str::to_owned),
        multi_region: t.is_multi_region_trail().unwrap_or(false),
        include_global_service_events: t.include_global_service_events().unwrap_or(false),
        log_file_validation: t.log_file_validation_enabled().unwrap_or(false),
        organization: t.is_organization_trail().unwrap_or(false),
        kms_key_id: t.kms_key_id().map(str::to_owned),
        log_group,
        role_name: t
            .cloud_watch_logs_role_arn()
            .and_then(|a| a.rsplit('/').next())
            .map(str::to_owned),
        logging: status.is_logging().unwrap_or(false),
        tags,
    }))
}
