//! Email subscriptions to the alert topic. Subscribe is idempotent for the
//! same endpoint; the subscription stays pending until its owner confirms.

use super::{Cx, Step, aws};
use crate::retry::CallError;

pub(crate) async fn subscription(cx: &Cx<'_>, step: &Step) -> Result<&'static str, CallError> {
    let c = &cx.clients.sns;
    let out = aws!(
        cx,
        "sns:Subscribe",
        c.subscribe()
            .topic_arn(step.str("topic_arn").unwrap_or_default())
            .protocol(step.str("protocol").unwrap_or("email"))
            .endpoint(step.str("endpoint").unwrap_or_default())
            .send()
    )
    .await?;
    Ok(match out.subscription_arn() {
        Some(a) if a.starts_with("arn:") => "subscribed",
        _ => "subscribed, pending confirmation by email",
    })
}
