//! The pure differ on a hand-built graph and live state: create, update,
//! no-op, replace, and a replace of what holds audit logs, blocked.

use std::collections::BTreeMap;

use ctrail_differ::diff;
use ctrail_graph::{Resource, ResourceGraph};
use ctrail_kinds::{Attributes, LiveResource, LiveState, Ownership};
use ctrail_model::{ActionKind, Address, EdgeReason, Effect, ResourceKind as K};
use serde_json::{Value, json};

/// The `kind` resource `name`'s attributes, from their JSON form.
fn attributes(kind: K, name: &str, v: &Value) -> Attributes {
    Attributes::from_json(&Address::new(kind, name), v).expect("the kind's attributes")
}

fn resource(kind: K, desired: Value, audit_logs: Option<bool>) -> Resource {
    Resource {
        address: Address::new(kind, "b"),
        desired: attributes(kind, "b", &desired),
        holds_audit_logs: audit_logs.is_some(),
        destroy_allowed: audit_logs.unwrap_or(true),
    }
}

/// A bucket (holding audit logs unless `allow_destroy`), its versioning and
/// its tags.
fn graph(allow_destroy: bool) -> ResourceGraph {
    let mut g = ResourceGraph::default();
    g.add(resource(
        K::S3Bucket,
        json!({"name": "b", "region": "us-east-1"}),
        Some(allow_destroy),
    ))
    .expect("bucket");
    g.add(resource(
        K::S3BucketVersioning,
        json!({"status": "Enabled"}),
        None,
    ))
    .expect("versioning");
    g.add(resource(
        K::S3BucketTags,
        json!({"tags": {"Owner": "security"}}),
        None,
    ))
    .expect("tags");
    let bucket = Address::new(K::S3Bucket, "b");
    for part in [K::S3BucketVersioning, K::S3BucketTags] {
        g.depend(&bucket, &Address::new(part, "b"), EdgeReason::PartOf)
            .expect("edge");
    }
    g
}

/// The live state of resources named `b`, every one present ctrail's (its
/// tag on them).
fn live(entries: &[(K, Option<Value>)]) -> LiveState {
    let mut ownership = Ownership::default();
    for (k, v) in entries {
        if v.is_some() {
            ownership.tagged.insert(Address::new(*k, "b"));
        }
    }
    LiveState {
        context: Default::default(),
        ownership,
        unread: Default::default(),
        resources: entries
            .iter()
            .map(|(k, v)| {
                let observed = match v {
                    Some(v) => LiveResource::Present(attributes(*k, "b", v)),
                    None => LiveResource::Absent,
                };
                (Address::new(*k, "b"), observed)
            })
            .collect::<BTreeMap<_, _>>(),
    }
}

/// The bucket in `region`, its versioning `status` (none: not set) and
/// its `Owner` tag.
fn account(region: &str, status: Option<&str>, owner: &str) -> LiveState {
    live(&[
        (K::S3Bucket, Some(json!({"name": "b", "region": region}))),
        (
            K::S3BucketVersioning,
            status.map(|s| json!({ "status": s })),
        ),
        (K::S3BucketTags, Some(json!({"tags": {"Owner": owner}}))),
    ])
}

/// The actions are on the bucket, its versioning and its tags, in that
/// order, and of `kinds`.
fn assert_kinds(actions: &[ctrail_model::Action], kinds: [ActionKind; 3]) {
    let got: Vec<(K, ActionKind)> = actions.iter().map(|a| (a.address.kind, a.kind)).collect();
    let want: Vec<(K, ActionKind)> = [K::S3Bucket, K::S3BucketVersioning, K::S3BucketTags]
        .into_iter()
        .zip(kinds)
        .collect();
    assert_eq!(got, want);
}

#[test]
fn create_update_and_no_op_in_apply_order() {
    let actions = diff(&graph(false), &account("us-east-1", None, "someone-else")).expect("diff");
    assert_kinds(
        &actions,
        [ActionKind::NoOp, ActionKind::Create, ActionKind::Update],
    );
    let create = &actions[1];
    assert_eq!(create.changes.len(), 1);
    assert_eq!(create.changes[0].path, "status");
    assert_eq!(create.changes[0].new, Some(json!("Enabled")));
    let update = &actions[2];
    assert_eq!(update.changes.len(), 1);
    assert_eq!(update.changes[0].path, "tags.Owner");
    assert_eq!(update.changes[0].old, Some(json!("someone-else")));
    assert!(actions.iter().all(|a| a.blocked.is_none()));
}

#[test]
fn a_weakening_is_called_out() {
    let live = account("us-east-1", Some("Suspended"), "security");
    let actions = diff(&graph(false), &live).expect("diff");
    let versioning = &actions[1];
    assert_eq!(versioning.kind, ActionKind::Update);
    assert_eq!(versioning.security.len(), 1);
    // Live is weaker than the spec: applying restores it.
    assert_eq!(versioning.security[0].effect, Effect::Restores);
}

#[test]
fn moving_a_log_bucket_is_a_replace_blocked_unless_allowed() {
    let moved = account("eu-west-1", Some("Enabled"), "security");
    let blocked = diff(&graph(false), &moved).expect("diff");
    assert_eq!(blocked[0].kind, ActionKind::Replace);
    let why = blocked[0].blocked.as_deref().expect("blocked");
    assert!(
        why.contains("audit logs") && why.contains("allow_destroy"),
        "{why}"
    );
    assert_eq!(blocked[0].refusal().as_deref(), Some(why));

    let allowed = diff(&graph(true), &moved).expect("diff");
    assert_eq!(allowed[0].kind, ActionKind::Replace);
    assert!(allowed[0].blocked.is_none());
    // ctrail still never replaces by itself: apply refuses, saying so.
    assert!(allowed[0].refusal().is_some_and(|r| r.contains("replace")));
    assert!(allowed[1..].iter().all(|a| a.kind == ActionKind::NoOp));
}

#[test]
fn a_resource_ctrail_did_not_make_is_adopted_visibly() {
    let mut live = account("us-east-1", Some("Enabled"), "security");
    live.ownership = Ownership::default();
    let actions = diff(&graph(false), &live).expect("diff");
    // The bucket is a resource on its own: adopted. Its settings belong to it.
    assert_kinds(
        &actions,
        [ActionKind::Adopt, ActionKind::NoOp, ActionKind::NoOp],
    );
    assert_eq!(
        ctrail_model::Plan::new(Default::default(), actions)
            .summary()
            .adopt,
        1
    );
}

#[test]
fn what_ctrail_made_and_the_spec_dropped_is_deleted_and_nothing_else() {
    let mut live = account("us-east-1", Some("Enabled"), "security");
    let mine = Address::new(K::MetricFilter, "Mine");
    let theirs = Address::new(K::MetricFilter, "Theirs");
    let filter = json!({"log_group_name": "g", "filter_name": "Mine", "filter_pattern": "{ $.x = 1 }",
        "metric_name": "m", "metric_namespace": "n", "metric_value": "1"});
    let filter = attributes(K::MetricFilter, "Mine", &filter);
    live.ownership
        .ledger
        .owned
        .insert(mine.clone(), filter.clone());
    live.resources
        .insert(mine.clone(), LiveResource::Present(filter));
    let their_filter = json!({"log_group_name": "g", "filter_name": "Theirs", "filter_pattern": "{ $.x = 2 }",
        "metric_name": "m2", "metric_namespace": "n", "metric_value": "1"});
    live.resources.insert(
        theirs.clone(),
        LiveResource::Present(attributes(K::MetricFilter, "Theirs", &their_filter)),
    );
    live.ownership.unmanaged.insert(theirs.clone());
    let actions = diff(&graph(false), &live).expect("diff");
    let deletes: Vec<&Address> = actions
        .iter()
        .filter(|a| a.kind == ActionKind::Delete)
        .map(|a| &a.address)
        .collect();
    assert_eq!(deletes, vec![&mine]);
    let gone = actions.iter().find(|a| a.address == mine).expect("delete");
    assert!(
        gone.changes
            .iter()
            .any(|c| c.path == "filter_pattern" && c.new.is_none())
    );
    // prevent_destroy turns that delete into an error naming it.
    let prevented = ctrail_differ::prevented(&actions, &["metric_filter.*".to_owned()]);
    assert_eq!(prevented.len(), 1);
    assert!(
        prevented[0].starts_with("metric_filter.Mine would be deleted"),
        "{prevented:?}"
    );
    assert!(ctrail_differ::prevented(&actions, &["trail.*".to_owned()]).is_empty());
}

#[test]
fn destroy_keeps_audit_logs_unless_allowed_and_never_empties_without_leave() {
    use ctrail_differ::destroy::{Data, OBJECTS, destroy};
    let live = account("us-east-1", Some("Enabled"), "security");
    // Kept by default: the bucket and its settings stay.
    let kept = destroy(&graph(false), &live, &Data::default()).expect("destroy");
    assert!(kept.actions.is_empty(), "{:?}", kept.actions);
    assert_eq!(kept.retained.len(), 1);
    assert!(kept.retained[0].starts_with("s3_bucket.b: holds audit logs"));
    // Allowed, but holding objects: blocked without --delete-log-data.
    let mut data = Data::default();
    data.objects.insert("b".into(), 3);
    let blocked = destroy(&graph(true), &live, &data).expect("destroy");
    assert_eq!(blocked.actions.len(), 1, "settings go with the bucket");
    assert!(
        blocked.actions[0]
            .refusal()
            .expect("blocked")
            .contains("--delete-log-data")
    );
    // Allowed and told: the delete empties it first.
    data.delete_log_data = true;
    let full = destroy(&graph(true), &live, &data).expect("destroy");
    assert_eq!(full.actions[0].refusal(), None);
    assert!(
        full.actions[0]
            .changes
            .iter()
            .any(|c| c.path == OBJECTS && c.old == Some(json!(3)))
    );
    // Not ctrail's: left alone.
    let mut theirs = live.clone();
    theirs.ownership = Ownership::default();
    let alone = destroy(&graph(true), &theirs, &data).expect("destroy");
    assert!(alone.actions.is_empty());
    assert_eq!(alone.left_alone, vec![Address::new(K::S3Bucket, "b")]);
}
