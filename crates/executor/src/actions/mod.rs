//! What each change does in AWS, one module per service. Every action makes
//! its resource match the desired attributes and is idempotent: creating
//! something that already exists (and is ours) carries on as an update.

mod alarms;
mod cloudtrail;
mod iam;
mod kms;
mod logs;
mod metric_filters;
mod query_definitions;
mod s3;
mod sns;
mod subscriptions;

use std::collections::BTreeMap;

use ctrail_differ::{ActionKind, AttributeChange};
use ctrail_graph::{Address, ResourceKind as K};
use ctrail_reader::Clients;
use serde_json::Value;

use crate::retry::{CallError, Class};
use crate::{Event, Options, Target};

/// One action to carry out.
#[derive(Debug, Clone)]
pub(crate) struct Step {
    pub address: Address,
    pub kind: ActionKind,
    pub desired: Value,
    pub changes: Vec<AttributeChange>,
}

impl Step {
    pub fn name(&self) -> &str {
        &self.address.name
    }
    pub fn str(&self, key: &str) -> Option<&str> {
        self.desired.get(key).and_then(Value::as_str)
    }
    pub fn bool(&self, key: &str) -> bool {
        self.desired
            .get(key)
            .and_then(Value::as_bool)
            .unwrap_or(false)
    }
    pub fn creating(&self) -> bool {
        self.kind == ActionKind::Create
    }
    /// What a create-or-replace call (Put...) did, as the report says it.
    pub fn put_outcome(&self) -> &'static str {
        if self.creating() {
            "created"
        } else {
            "updated"
        }
    }
    /// Desired tags.
    pub fn tags(&self) -> BTreeMap<String, String> {
        self.desired
            .get("tags")
            .and_then(Value::as_object)
            .map(|m| {
                m.iter()
                    .map(|(k, v)| (k.clone(), v.as_str().unwrap_or_default().to_owned()))
                    .collect()
            })
            .unwrap_or_default()
    }
    /// Tag keys AWS has that the spec does not.
    pub fn tags_to_remove(&self) -> Vec<String> {
        self.changes
            .iter()
            .filter(|c| c.new.is_none())
            .filter_map(|c| c.path.strip_prefix("tags.").map(str::to_owned))
            .collect()
    }
    /// The live value of an attribute the plan changes, if it had one.
    pub fn old(&self, path: &str) -> Option<&Value> {
        self.changes
            .iter()
            .find(|c| c.path == path)
            .and_then(|c| c.old.as_ref())
    }
}

/// A JSON list of strings (anything else in it is skipped).
pub(crate) fn strings(v: Option<&Value>) -> Vec<String> {
    v.and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(Value::as_str)
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default()
}

/// What an action has to work with.
pub(crate) struct Cx<'a> {
    pub address: String,
    pub clients: &'a Clients,
    pub target: &'a Target,
    pub opts: &'a Options,
    pub events: &'a (dyn Fn(Event) + Send + Sync),
}

impl Cx<'_> {
    pub async fn call<T, F, Fut>(&self, operation: &'static str, f: F) -> Result<T, CallError>
    where
        F: FnMut() -> Fut,
        Fut: std::future::Future<Output = Result<T, CallError>>,
    {
        crate::retry::call(&self.address, operation, self.opts, self.events, f).await
    }
}

/// One AWS call under the retry policy: `aws!(cx, "s3:PutBucketPolicy",
/// client.put_bucket_policy()...send())`. The request is rebuilt for every
/// attempt.
macro_rules! aws {
    ($cx:expr, $op:literal, $call:expr) => {
        $cx.call($op, || {
            let fut = $call;
            async move { fut.await.map_err(|e| $crate::retry::from_sdk($op, e)) }
        })
    };
}
pub(crate) use aws;

/// A failure ctrail itself detects (not an AWS answer).
pub(crate) fn refuse(operation: &'static str, message: impl Into<String>) -> CallError {
    CallError {
        operation,
        code: None,
        message: message.into(),
        class: Class::Fatal,
    }
}

/// Makes the resource of `step` match its desired attributes; returns what
/// was done, in words.
pub(crate) async fn run(
    step: &Step,
    clients: &Clients,
    target: &Target,
    opts: &Options,
    events: &(dyn Fn(Event) + Send + Sync),
) -> Result<&'static str, CallError> {
    let cx = Cx {
        address: step.address.to_string(),
        clients,
        target,
        opts,
        events,
    };
    match step.address.kind {
        K::S3Bucket => s3::bucket(&cx, step).await,
        K::S3PublicAccessBlock => s3::public_access_block(&cx, step).await,
        K::S3BucketVersioning => s3::versioning(&cx, step).await,
        K::S3BucketEncryption => s3::encryption(&cx, step).await,
        K::S3BucketLifecycle => s3::lifecycle(&cx, step).await,
        K::S3BucketTags => s3::tags(&cx, step).await,
        K::S3BucketPolicy => s3::policy(&cx, step).await,
        K::LogGroup => logs::group(&cx, step).await,
        K::LogGroupRetention => logs::retention(&cx, step).await,
        K::LogGroupTags => logs::tags(&cx, step).await,
        K::IamRole => iam::role(&cx, step).await,
        K::IamRolePolicy => iam::role_policy(&cx, step).await,
        K::IamRoleTags => iam::role_tags(&cx, step).await,
        K::KmsKeyPolicy => kms::key_policy(&cx, step).await,
        K::SnsTopic => sns::topic(&cx, step).await,
        K::SnsTopicPolicy => sns::topic_policy(&cx, step).await,
        K::Trail => cloudtrail::trail(&cx, step).await,
        K::TrailEventSelectors => cloudtrail::event_selectors(&cx, step).await,
        K::TrailInsightSelectors => cloudtrail::insight_selectors(&cx, step).await,
        K::TrailTags => cloudtrail::tags(&cx, step).await,
        K::TrailLogging => cloudtrail::logging(&cx, step).await,
        K::MetricFilter => metric_filters::filter(&cx, step).await,
        K::MetricAlarm => alarms::alarm(&cx, step).await,
        K::SnsSubscription => subscriptions::subscription(&cx, step).await,
        K::QueryDefinition => query_definitions::query(&cx, step).await,
    }
}

/// `ctrail`'s statements (Sid prefix `CTrail`) swapped into a policy that
/// others manage too; every other statement is kept as it is.
pub(crate) fn merge_owned_statements(
    policy: Option<&str>,
    owned: &Value,
) -> Result<String, String> {
    let doc: Value = match policy {
        Some(text) => serde_json::from_str(text)
            .map_err(|e| format!("the current policy is not JSON: {e}"))?,
        None => serde_json::json!({"Version": "2012-10-17", "Statement": []}),
    };
    if doc.get("Statement").is_none() {
        return Err("the current policy has no Statement".into());
    }
    let ours = owned.as_array().map(Vec::as_slice).unwrap_or_default();
    let doc = ctrail_policy::shared::with_owned(&doc, ours);
    serde_json::to_string(&doc).map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn merging_keeps_other_statements() {
        let current = r#"{"Version":"2012-10-17","Statement":[{"Sid":"Root","Effect":"Allow"},{"Sid":"CTrailOld","Effect":"Allow"}]}"#;
        let merged =
            merge_owned_statements(Some(current), &json!([{"Sid": "CTrailNew"}])).expect("merged");
        let v: Value = serde_json::from_str(&merged).expect("json");
        let sids: Vec<&str> = v["Statement"]
            .as_array()
            .expect("list")
            .iter()
            .filter_map(|s| s["Sid"].as_str())
            .collect();
        assert_eq!(sids, vec!["Root", "CTrailNew"]);
    }
}
