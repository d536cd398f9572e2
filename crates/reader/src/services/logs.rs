//! The log group (name, KMS key, retention) and its tags.

use aws_sdk_cloudwatchlogs::Client;
use aws_sdk_cloudwatchlogs::types::LogGroup;
use ctrail_graph::{Address, ResourceGraph, ResourceKind as K};
use serde_json::json;

use super::{Found, all_absent, names, tags};
use crate::Observed;
use crate::context::Pending;
use crate::error::{ReadError, absent_if_not_found, call_error};

const KINDS: &[K] = &[K::LogGroup, K::LogGroupRetention, K::LogGroupTags];

pub(crate) async fn read(
    c: &Client,
    graph: &ResourceGraph,
    cx: &Pending<'_>,
    region: &str,
) -> Result<Found, ReadError> {
    let mut found = Vec::new();
    for group in names(graph, K::LogGroup) {
        found.extend(read_group(c, &group, cx, region).await?);
    }
    Ok(found)
}

/// DescribeLogGroups by prefix, following pages until the exact name shows.
async fn describe(c: &Client, name: &str) -> Result<Option<LogGroup>, ReadError> {
    let mut token = None;
    loop {
        let out = c
            .describe_log_groups()
            .log_group_name_prefix(name)
            .set_next_token(token)
            .send()
            .await
            .map_err(|e| call_error("logs:DescribeLogGroups", e))?;
        if let Some(g) = out
            .log_groups()
            .iter()
            .find(|g| g.log_group_name() == Some(name))
        {
            return Ok(Some(g.clone()));
        }
        match out.next_token() {
            Some(t) if !t.is_empty() => token = Some(t.to_owned()),
            _ => return Ok(None),
        }
    }
}

async fn read_group(
    c: &Client,
    name: &str,
    cx: &Pending<'_>,
    region: &str,
) -> Result<Found, ReadError> {
    // The tags are read by ARN, which needs the account id.
    let tagged = async {
        let ready = cx.clone().await?;
        let account = &ready.context.account_id;
        let partition = ctrail_spec::rules::regions::partition(region);
        let arn = format!("arn:{partition}:logs:{region}:{account}:log-group:{name}");
        let out = c.list_tags_for_resource().resource_arn(arn).send().await;
        Ok::<_, ReadError>((ready, out))
    };
    let (group, tagged) = tokio::join!(describe(c, name), tagged);
    let Some(group) = group? else {
        return Ok(all_absent(name, KINDS));
    };
    let (ready, tag_list) = tagged?;
    let keys = &ready.keys;
    let tag_list = absent_if_not_found("logs:ListTagsForResource", tag_list, &[])?;
    let pairs: Vec<(&str, &str)> = tag_list
        .as_ref()
        .and_then(|t| t.tags())
        .map(|m| m.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect())
        .unwrap_or_default();
    let present = |k: K, v| (Address::new(k, name), Observed::Present(v));
    Ok(vec![
        present(
            K::LogGroup,
            json!({
                "name": name,
                "kms_key_arn": keys.normalise(group.kms_key_id()),
            }),
        ),
        present(
            K::LogGroupRetention,
            json!({ "retention_in_days": group.retention_in_days() }),
        ),
        present(K::LogGroupTags, tags(pairs)),
    ])
}
