//! The AWS calls of `logs::retention` (feature `aws`): what it reads, puts and
//! deletes, and how; what the values mean is in the parent module.

use super::Retention;
use crate::aws::{Api, CallError, Cx, Done, Found, ReadCx, Step, deleted, refuse};
use crate::logs::shared::group;

async fn never_expire(cx: &Cx<'_>, name: &str) -> Result<(), CallError> {
    let c = &cx.clients.logs;
    let req = c.delete_retention_policy().log_group_name(name);
    crate::send!(cx, "logs:DeleteRetentionPolicy", req).await?;
    Ok(())
}

impl Retention {
    pub(crate) fn from_aws(g: &aws_sdk_cloudwatchlogs::types::LogGroup) -> Self {
        Retention {
            retention_in_days: g.retention_in_days().map(i64::from),
        }
    }
}

impl Api for Retention {
    async fn read(rcx: &ReadCx<'_>, names: &[String]) -> Found<Self> {
        rcx.each(names, |name| async move {
            Ok(group(rcx, &name).await?.as_ref().map(Retention::from_aws))
        })
        .await
    }

    async fn put(cx: &Cx<'_>, step: &Step<'_, Self>) -> Done {
        let Some(days) = step.want.retention_in_days else {
            never_expire(cx, step.name).await?;
            return Ok("set to never expire");
        };
        let days = i32::try_from(days).map_err(|_| {
            refuse(
                "logs:PutRetentionPolicy",
                format!("retention_in_days {days} is beyond what CloudWatch Logs takes"),
            )
        })?;
        let c = &cx.clients.logs;
        let req = c
            .put_retention_policy()
            .log_group_name(step.name)
            .retention_in_days(days);
        crate::send!(cx, "logs:PutRetentionPolicy", req).await?;
        Ok("set")
    }

    async fn delete(cx: &Cx<'_>, step: &Step<'_, Self>) -> Done {
        deleted(
            never_expire(cx, step.name).await,
            "removed (events never expire)",
            &[],
        )
    }
}
