//! What a change works with, SDK-free: the account being changed (values
//! only AWS knows, from the reader) and one step of the plan.

use std::future::Future;
use std::sync::Arc;

use ctrail_model::{ActionKind, AttributeChange};

use crate::calls::CallError;

/// The account being changed: values only AWS knows, from the reader.
#[derive(Debug, Clone, Default)]
pub struct Target {
    /// The trail whose spec is applied: ctrail's ownership tag names it.
    pub trail: String,
    pub account_id: String,
    pub region: String,
    pub partition: String,
    /// The spec's KMS key, if it has one.
    pub key: KeyTarget,
}

impl Target {
    /// The spec's key's ARN: as read, or (a key this apply created, every
    /// step that names it running after its creation) `describe`d by its
    /// alias, asked once. `None` without a key.
    pub async fn key_arn<F, Fut>(&self, describe: F) -> Result<Option<String>, CallError>
    where
        F: FnOnce(String) -> Fut,
        Fut: Future<Output = Result<String, CallError>>,
    {
        if let Some(arn) = &self.key.arn {
            return Ok(Some(arn.clone()));
        }
        let Some(alias) = &self.key.alias else {
            return Ok(None);
        };
        let arn = self
            .key
            .created
            .get_or_try_init(|| describe(alias.clone()))
            .await?;
        Ok(Some(arn.clone()))
    }

    /// An ARN in this account and region.
    pub fn arn(&self, service: &str, resource: &str) -> String {
        format!(
            "arn:{}:{service}:{}:{}:{resource}",
            self.partition, self.region, self.account_id
        )
    }
}

/// The spec's KMS key: its ARN when it existed as the plan was read; else
/// the alias of the key this apply creates (`create_kms_key`), whose ARN is
/// asked once it exists.
#[derive(Debug, Clone, Default)]
pub struct KeyTarget {
    pub arn: Option<String>,
    pub alias: Option<String>,
    created: Arc<tokio::sync::OnceCell<String>>,
}

impl KeyTarget {
    pub fn new(arn: Option<String>, named: Option<&str>) -> Self {
        let alias = named.filter(|k| k.starts_with("alias/")).map(str::to_owned);
        KeyTarget {
            arn,
            alias,
            created: Arc::default(),
        }
    }
}

/// One change to carry out, with the kind's typed desired attributes.
#[derive(Debug, Clone)]
pub struct Step<'a, T> {
    pub name: &'a str,
    pub kind: ActionKind,
    pub want: T,
    pub changes: &'a [AttributeChange],
}

impl<T> Step<'_, T> {
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
    /// The live value of an attribute the plan changes, if it had one.
    pub fn old(&self, path: &str) -> Option<&serde_json::Value> {
        self.changes
            .iter()
            .find(|c| c.path == path)
            .and_then(|c| c.old.as_ref())
    }
    /// Tag keys AWS has that the spec does not (changes to `tags.<key>`
    /// with no new value).
    pub fn tags_to_remove(&self) -> Vec<String> {
        self.changes
            .iter()
            .filter(|c| c.new.is_none())
            .filter_map(|c| c.path.strip_prefix("tags.").map(str::to_owned))
            .collect()
    }
}
