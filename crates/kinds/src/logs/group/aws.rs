//! The AWS calls of `logs::group` (feature `aws`): what it reads, puts and
//! deletes, and how; what the values mean is in the parent module.

use super::LogGroup;
use crate::aws::{
    Api, Clients, Cx, Done, Found, KeyForms, ReadCx, ReadError, Step, absent_if_not_found,
};
use crate::logs::shared::group;

/// When the log stream `stream` of `group` last received an event (its
/// last event, else its last ingestion; seconds since the epoch), `None`
/// when the group or the stream does not exist or has no event
/// (DescribeLogStreams, CloudWatch Logs API Reference,
/// https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_DescribeLogStreams.html).
pub async fn newest_event(
    c: &Clients,
    group: &str,
    stream: &str,
) -> Result<Option<i64>, ReadError> {
    let got = c
        .logs
        .describe_log_streams()
        .log_group_name(group)
        .log_stream_name_prefix(stream)
        .send()
        .await;
    let Some(got) = absent_if_not_found("logs:DescribeLogStreams", got, &[])? else {
        return Ok(None);
    };
    Ok(got
        .log_streams()
        .iter()
        .filter(|s| s.log_stream_name() == Some(stream))
        .filter_map(|s| Some(s.last_event_timestamp().or(s.last_ingestion_time())? / 1000))
        .max())
}

impl LogGroup {
    pub(crate) fn from_aws(
        name: &str,
        g: &aws_sdk_cloudwatchlogs::types::LogGroup,
        keys: &KeyForms,
    ) -> Self {
        LogGroup {
            name: name.to_owned(),
            kms_key_arn: keys.normalise(g.kms_key_id()),
        }
    }
}

impl Api for LogGroup {
    async fn read(rcx: &ReadCx<'_>, names: &[String]) -> Found<Self> {
        rcx.each(names, |name| async move {
            let Some(g) = group(rcx, &name).await? else {
                return Ok(None);
            };
            let ready = rcx.ready().await?;
            Ok(Some(LogGroup::from_aws(&name, &g, &ready.keys)))
        })
        .await
    }

    /// CreateLogGroup (with the KMS key when the spec has one); an
    /// existing group has its key associated or disassociated to match.
    async fn put(cx: &Cx<'_>, step: &Step<'_, Self>) -> Done {
        let c = &cx.clients.logs;
        let key = step.want.kms_key_arn.clone();
        if step.creating() {
            let req = c
                .create_log_group()
                .log_group_name(step.name)
                .set_kms_key_id(key.clone());
            let made = crate::send!(cx, "logs:CreateLogGroup", req).await;
            match made {
                Ok(_) => return Ok("created"),
                Err(e) if e.code.as_deref() == Some("ResourceAlreadyExistsException") => {}
                Err(e) => return Err(e),
            }
        }
        match key {
            Some(k) => {
                let req = c
                    .associate_kms_key()
                    .log_group_name(step.name)
                    .kms_key_id(&k);
                crate::send!(cx, "logs:AssociateKmsKey", req).await?;
                Ok("encryption key associated")
            }
            None => {
                let req = c.disassociate_kms_key().log_group_name(step.name);
                crate::send!(cx, "logs:DisassociateKmsKey", req).await?;
                Ok("encryption key disassociated")
            }
        }
    }

    /// DeleteLogGroup, with every event it holds.
    async fn delete(cx: &Cx<'_>, step: &Step<'_, Self>) -> Done {
        let req = cx.clients.logs.delete_log_group().log_group_name(step.name);
        crate::delete!(cx, "logs:DeleteLogGroup", req, "deleted")
    }
}
