//! ctrail's reader: fetches the live state of every resource in a graph and
//! normalises it so that a converged setup compares equal to the desired
//! attributes.
//!
//! This crate currently holds the types the later stages agree on; the AWS
//! clients that fill them are added with `ctrail plan`.

use std::collections::BTreeMap;

use ctrail_graph::Address;
use serde::Serialize;
use serde_json::Value;

/// What the reader found for one resource.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "state", content = "attributes", rename_all = "snake_case")]
pub enum Observed {
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
}

/// The live state of every resource in one graph.
#[derive(Debug, Clone, PartialEq, Serialize, Default)]
pub struct LiveState {
    pub context: LiveContext,
    pub resources: BTreeMap<Address, Observed>,
}
