//! What the log group's kinds share: the group as DescribeLogGroups shows
//! it, read once.

#[cfg(feature = "aws")]
use aws_sdk_cloudwatchlogs::types::LogGroup;

#[cfg(feature = "aws")]
use crate::aws::{ReadCx, ReadError, read_error};

/// The log group, `None` when it does not exist: DescribeLogGroups by
/// prefix, page by page until the exact name shows (made once however many
/// of its kinds ask).
#[cfg(feature = "aws")]
pub(crate) async fn group(rcx: &ReadCx<'_>, name: &str) -> Result<Option<LogGroup>, ReadError> {
    let c = &rcx.clients.logs;
    let found = rcx
        .once(format!("logs:DescribeLogGroups {name}"), async {
            let mut pages = c
                .describe_log_groups()
                .log_group_name_prefix(name)
                .into_paginator()
                .send();
            while let Some(page) = pages.next().await {
                let page = page.map_err(|e| read_error("logs:DescribeLogGroups", e))?;
                if let Some(g) = page
                    .log_groups()
                    .iter()
                    .find(|g| g.log_group_name() == Some(name))
                {
                    return Ok(Some(g.clone()));
                }
            }
            Ok(None)
        })
        .await?;
    Ok((*found).clone())
}

/// The log group's ARN, as tags are listed by.
#[cfg(feature = "aws")]
pub(crate) fn arn(partition: &str, region: &str, account: &str, name: &str) -> String {
    format!("arn:{partition}:logs:{region}:{account}:log-group:{name}")
}
