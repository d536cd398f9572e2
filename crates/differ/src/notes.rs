//! Notes for reviewers that are not changes.

use ctrail_graph::ResourceKind;
use serde_json::Value;

fn endpoint(v: &Value) -> &str {
    v.get("endpoint")
        .and_then(Value::as_str)
        .unwrap_or("the recipient")
}

pub(crate) fn on_create(kind: ResourceKind, desired: &Value) -> Vec<String> {
    match kind {
        ResourceKind::SnsSubscription => vec![format!(
            "SNS emails {} a confirmation link; alerts reach it only after it is confirmed (pending confirmation until then)",
            endpoint(desired)
        )],
        _ => Vec::new(),
    }
}

pub(crate) fn on_live(kind: ResourceKind, live: &Value) -> Vec<String> {
    match kind {
        ResourceKind::SnsSubscription
            if live.get("_pending_confirmation").and_then(Value::as_bool) == Some(true) =>
        {
            vec![format!(
                "pending confirmation: {} has not confirmed the subscription, so it receives no alerts yet",
                endpoint(live)
            )]
        }
        _ => Vec::new(),
    }
}
