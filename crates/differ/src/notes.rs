//! Notes for reviewers that are not changes, as each kind words them.
//! Attributes that are not their kind's are an error, never a plan
//! without its notes.

use ctrail_graph::GraphError;
use ctrail_model::Address;
use serde_json::Value;

pub(crate) fn on_create(address: &Address, desired: &Value) -> Result<Vec<String>, GraphError> {
    ctrail_kinds::on_create(address.kind, &address.name, desired).map_err(GraphError::Unfit)
}

pub(crate) fn on_live(address: &Address, live: &Value) -> Result<Vec<String>, GraphError> {
    ctrail_kinds::on_live(address.kind, &address.name, live).map_err(GraphError::Unfit)
}
