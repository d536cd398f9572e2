//! Notes for reviewers that are not changes, as each kind words them.

use ctrail_model::ResourceKind;
use serde_json::Value;

pub(crate) fn on_create(kind: ResourceKind, desired: &Value) -> Vec<String> {
    ctrail_kinds::on_create(kind, desired)
}

pub(crate) fn on_live(kind: ResourceKind, live: &Value) -> Vec<String> {
    ctrail_kinds::on_live(kind, live)
}
