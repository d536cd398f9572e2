//! Recording what ctrail owns after an apply (docs/ownership.md): what the
//! apply created or adopted joins the trail's ledger, what it deleted
//! leaves it. Written under the apply lock, as soon as the last action
//! that changes it has completed (`Owning`): the settings still running
//! (selectors, logging) change no ownership.

use std::collections::BTreeSet;
use std::sync::Mutex;

use ctrail_graph::ResourceGraph;
use ctrail_kinds::Ledger;
use ctrail_kinds::calls::{CallError, RetryPolicy};
use ctrail_kinds::state::{StateStore, store_ledger};
use ctrail_model::{Address, Plan};

use crate::{Event, Outcome, Report};

/// The ledger after `report`'s completed actions.
pub fn after(before: &Ledger, plan: &Plan, desired: &ResourceGraph, report: &Report) -> Ledger {
    let done: BTreeSet<&Address> = report
        .actions
        .iter()
        .filter(|(_, o)| matches!(o, Outcome::Completed { .. }))
        .map(|(a, _)| a)
        .collect();
    after_done(before, plan, desired, &done)
}

/// The ledger after the actions on `done` completed.
fn after_done(
    before: &Ledger,
    plan: &Plan,
    desired: &ResourceGraph,
    done: &BTreeSet<&Address>,
) -> Ledger {
    before.after(
        plan.actions.iter().filter(|a| done.contains(&a.address)),
        |a| desired.get(a).map(|r| r.desired.clone()),
        |a| ctrail_kinds::ownable(a.kind),
    )
}

/// The plan's actions that change the ledger (on a kind ctrail can own),
/// followed through an apply's events: once every one has completed, the
/// ledger it leaves is known while the rest of the apply still runs.
pub struct Owning {
    waiting: Mutex<BTreeSet<Address>>,
    all_done: tokio::sync::Notify,
}

impl Owning {
    pub fn of(plan: &Plan) -> Owning {
        let waiting: BTreeSet<Address> = plan
            .changes()
            .filter(|a| ctrail_kinds::ownable(a.address.kind))
            .map(|a| a.address.clone())
            .collect();
        let all_done = tokio::sync::Notify::new();
        if waiting.is_empty() {
            all_done.notify_one();
        }
        Owning {
            waiting: Mutex::new(waiting),
            all_done,
        }
    }

    /// Follows one of the apply's events.
    pub fn event(&self, event: &Event) {
        let Event::Completed { address, .. } = event else {
            return;
        };
        let mut waiting = self.waiting.lock().unwrap_or_else(|e| e.into_inner());
        if waiting.remove(address) && waiting.is_empty() {
            self.all_done.notify_one();
        }
    }

    /// Returns once every action that changes the ledger has completed
    /// (never, when one fails or is not started).
    pub async fn completed(&self) {
        self.all_done.notified().await;
    }

    /// The ledger once every action that changes it has completed.
    pub fn ledger(&self, before: &Ledger, plan: &Plan, desired: &ResourceGraph) -> Ledger {
        let done: BTreeSet<&Address> = plan
            .changes()
            .filter(|a| ctrail_kinds::ownable(a.address.kind))
            .map(|a| &a.address)
            .collect();
        after_done(before, plan, desired, &done)
    }
}

/// The ledger could not be written: the apply's changes stand, and the next
/// plan shows what it made as adopted.
#[derive(Debug, thiserror::Error)]
#[error(
    "what ctrail owns was not recorded in {place} ({source}); the next plan shows what this apply made as adopted"
)]
pub struct NotRecorded {
    place: String,
    source: CallError,
}

/// Writes `after` to the state bucket when it differs from `before`.
pub async fn record(
    store: &impl StateStore,
    at: &ctrail_spec::State,
    before: &Ledger,
    after: &Ledger,
    policy: &RetryPolicy,
) -> Result<(), NotRecorded> {
    if after == before {
        return Ok(());
    }
    let stored = store_ledger(store, at, after, policy, &|_| {}).await;
    stored.map_err(|source| NotRecorded {
        place: format!("s3://{}/{}", at.bucket, at.ledger_key(&after.trail)),
        source,
    })
}

#[cfg(test)]
mod tests {
    use std::task::{Context, Waker};
    use std::time::Duration;

    use ctrail_model::{Action, ActionKind, Address, Plan, ResourceKind as K};

    use super::Owning;
    use crate::Event;

    fn action(kind: K, name: &str, what: ActionKind) -> Action {
        Action {
            address: Address::new(kind, name),
            kind: what,
            account: None,
            changes: Vec::new(),
            security: Vec::new(),
            blocked: None,
            notes: Vec::new(),
        }
    }

    /// Whether `completed` has returned, polled once.
    fn completed(o: &Owning) -> bool {
        let waiting = std::pin::pin!(o.completed());
        waiting
            .poll(&mut Context::from_waker(Waker::noop()))
            .is_ready()
    }

    fn done(kind: K, name: &str) -> Event {
        Event::Completed {
            address: Address::new(kind, name),
            done: "created",
            elapsed: Duration::ZERO,
        }
    }

    /// The ledger is known once every change on a kind ctrail can own has
    /// completed, whatever settings still run; a failed one does not count.
    #[test]
    fn the_ledger_is_known_once_every_ownable_change_completed() {
        let plan = Plan::new(
            Default::default(),
            vec![
                action(K::S3Bucket, "b", ActionKind::Create),
                action(K::Trail, "t", ActionKind::Create),
                action(K::TrailLogging, "t", ActionKind::Update),
                action(K::LogGroup, "g", ActionKind::NoOp),
            ],
        );
        let o = Owning::of(&plan);
        assert!(!completed(&o));
        o.event(&done(K::TrailLogging, "t"));
        o.event(&done(K::S3Bucket, "b"));
        assert!(!completed(&o), "the trail is still to come");
        o.event(&Event::Failed {
            address: Address::new(K::Trail, "t"),
            error: "refused".into(),
            elapsed: Duration::ZERO,
        });
        assert!(!completed(&o), "a failed change never completes it");
        o.event(&done(K::Trail, "t"));
        assert!(completed(&o));

        let settings_only = Plan::new(
            Default::default(),
            vec![action(K::TrailLogging, "t", ActionKind::Update)],
        );
        assert!(completed(&Owning::of(&settings_only)));
    }
}
