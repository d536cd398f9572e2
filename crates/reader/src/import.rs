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

/// The names of the metric alarms on each metric (namespace, name), in the
/// order CloudWatch lists them.
pub async fn alarms_on(
    clients: &Clients,
    metrics: &[(String, String)],
) -> Result<Vec<Vec<String>>, ReadError> {
    let asks = metrics.iter().map(|(namespace, name)| async move {
        let got = clients
            .cloudwatch
            .describe_alarms_for_metric()
            .namespace(namespace)
            .metric_name(name)
            .send()
            .await
            .map_err(|e| read_error("cloudwatch:DescribeAlarmsForMetric", e))?;
        Ok::<_, ReadError>(
            got.metric_alarms()
                .iter()
                .filter_map(|a| a.alarm_name().map(str::to_owned))
                .collect(),
        )
    });
    futures::future::try_join_all(asks).await
}

/// The names of the saved queries that name `group`.
pub async fn queries_on(clients: &Clients, group: &str) -> Result<Vec<String>, ReadError> {
    let all = crate::saved_queries(&clients.logs).await?;
    Ok(all
        .iter()
        .filter(|q| q.log_group_names().iter().any(|g| g == group))
        .filter_map(|q| q.name().map(str::to_owned))
        .collect())
}

/// A metric filter as found on the log group.
#[derive(Debug, Clone, PartialEq)]
pub struct FoundFilter {
    pub name: String,
    pub pattern: String,
    pub namespace: String,
    pub metric_name: String,
}

/// Every metric filter on `group`.
pub async fn filters_on(clients: &Clients, group: &str) -> Result<Vec<FoundFilter>, ReadError> {
    let mut out = Vec::new();
    let mut pages = clients
        .logs
        .describe_metric_filters()
        .log_group_name(group)
        .into_paginator()
        .send();
    while let Some(page) = pages.next().await {
        let page = page.map_err(|e| read_error("logs:DescribeMetricFilters", e))?;
        for f in page.metric_filters() {
            let t = f.metric_transformations().first();
            out.push(FoundFilter {
                name: f.filter_name().unwrap_or_default().to_owned(),
                pattern: f.filter_pattern().unwrap_or_default().to_owned(),
                namespace: t
                    .map(|t| t.metric_namespace().to_owned())
                    .unwrap_or_default(),
                metric_name: t.map(|t| t.metric_name().to_owned()).unwrap_or_default(),
            });
        }
    }
    Ok(out)
}

/// The email addresses subscribed to `topic` (confirmed or pending).
pub async fn emails_of(clients: &Clients, topic: &str) -> Result<Vec<String>, ReadError> {
    let mut out = Vec::new();
    let mut pages = clients
        .sns
        .list_subscriptions_by_topic()
        .topic_arn(topic)
        .into_paginator()
        .send();
    while let Some(page) = pages.next().await {
        let page = page.map_err(|e| read_error("sns:ListSubscriptionsByTopic", e))?;
        out.extend(
            page.subscriptions()
                .iter()
                .filter(|s| s.protocol() == Some("email"))
                .filter_map(|s| s.endpoint().map(str::to_owned)),
        );
    }
    out.sort();
    out.dedup();
    Ok(out)
}

/// Where `bucket`'s server access logs go (target bucket, prefix), if on.
pub async fn access_logging(
    clients: &Clients,
    bucket: &str,
) -> Result<Option<(String, String)>, ReadError> {
    let got = clients
        .s3
        .get_bucket_logging()
        .bucket(bucket)
        .send()
        .await
        .map_err(|e| read_error("s3:GetBucketLogging", e))?;
    Ok(got
        .logging_enabled()
        .map(|l| (l.target_bucket().to_owned(), l.target_prefix().to_owned())))
}
