//! The AWS calls of `cloudtrail::logging` (feature `aws`): what it reads, puts and
//! deletes, and how; what the values mean is in the parent module.

use aws_sdk_cloudtrail::operation::get_trail_status::GetTrailStatusOutput;

use super::Logging;
use crate::aws::{Api, CallError, Cx, Done, Found, ReadCx, Step, deleted};
use crate::cloudtrail::shared::per_trail;

async fn stop(cx: &Cx<'_>, name: &str) -> Result<(), CallError> {
    let c = &cx.clients.cloudtrail;
    let req = c.stop_logging().name(cx.clients.trail_id(name));
    crate::send!(cx, "cloudtrail:StopLogging", req).await?;
    Ok(())
}

impl Logging {
    pub(crate) fn from_aws(status: &GetTrailStatusOutput) -> Self {
        Logging {
            is_logging: status.is_logging().unwrap_or(false),
        }
    }
}

impl Api for Logging {
    async fn read(rcx: &ReadCx<'_>, names: &[String]) -> Found<Self> {
        per_trail(rcx, names, |_, name| async move {
            let got = crate::cloudtrail::trail::status_of(rcx.clients, &name).await?;
            Ok(got.as_ref().map(Logging::from_aws))
        })
        .await
    }

    async fn put(cx: &Cx<'_>, step: &Step<'_, Self>) -> Done {
        if !step.want.is_logging {
            stop(cx, step.name).await?;
            return Ok("stopped");
        }
        let c = &cx.clients.cloudtrail;
        let req = c.start_logging().name(cx.clients.trail_id(step.name));
        crate::send!(cx, "cloudtrail:StartLogging", req).await?;
        Ok("started")
    }

    async fn delete(cx: &Cx<'_>, step: &Step<'_, Self>) -> Done {
        deleted(stop(cx, step.name).await, "stopped", &[])
    }
}
