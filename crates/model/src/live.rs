//! What the reader found: the live state of every resource in a graph,
//! normalised to the graph's shapes.

use std::collections::BTreeMap;

use serde::Serialize;
use serde_json::Value;

use crate::{Address, Placeholder};

/// What the reader found live for one resource of the graph: absent, or its
/// attributes.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "state", content = "attributes", rename_all = "snake_case")]
pub enum LiveResource {
    /// AWS answered "not found": the resource does not exist.
    Absent,
    /// The resource exists; attributes are normalised to the graph's shape.
    Present(Value),
}

/// Values only AWS knows, resolved once per run.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Default)]
pub struct LiveContext {
    pub account_id: String,
    pub organization_id: Option<String>,
    pub kms_key_arn: Option<String>,
    /// The organization could not be asked (DescribeOrganization refused):
    /// whether requests carry `aws:SourceOrgID` is not known.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub organization_unknown: bool,
}

impl LiveContext {
    pub fn value(&self, p: Placeholder) -> Option<String> {
        match p {
            Placeholder::AccountId => Some(self.account_id.clone()),
            Placeholder::OrganizationId => self.organization_id.clone(),
            Placeholder::KmsKeyArn => self.kms_key_arn.clone(),
        }
    }
}

/// The live state of every resource in one graph.
#[derive(Debug, Clone, PartialEq, Serialize, Default)]
pub struct LiveState {
    pub context: LiveContext,
    pub resources: BTreeMap<Address, LiveResource>,
    /// What is ctrail's, and what was found beside it that is not.
    #[serde(default)]
    pub ownership: crate::Ownership,
}

impl LiveState {
    /// The live attributes of the `kind` resource `name`, if it exists.
    pub fn present(&self, kind: crate::ResourceKind, name: &str) -> Option<&Value> {
        match self.resources.get(&Address::new(kind, name)) {
            Some(LiveResource::Present(v)) => Some(v),
            _ => None,
        }
    }
}
