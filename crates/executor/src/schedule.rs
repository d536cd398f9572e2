//! Runs a plan's actions in dependency order, at most `parallelism` at once.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use ctrail_differ::{ActionKind, Plan};
use ctrail_graph::{Address, ResourceGraph};
use ctrail_reader::Clients;
use tokio::task::JoinSet;

use crate::actions::{self, Step};
use crate::{Event, Events, Interrupt, Options, Outcome, Report, Target};

/// Applies every changing action of `plan`, whose desired attributes come
/// from `desired` (the graph with placeholders resolved).
pub async fn apply(
    plan: &Plan,
    desired: &ResourceGraph,
    clients: &Clients,
    target: &Target,
    opts: &Options,
    events: Events,
    interrupt: Interrupt,
) -> Report {
    let steps: BTreeMap<Address, Step> = plan
        .changes()
        .map(|a| {
            let desired = desired
                .get(&a.address)
                .map(|r| r.desired.clone())
                .unwrap_or_default();
            (
                a.address.clone(),
                Step {
                    address: a.address.clone(),
                    kind: a.kind,
                    desired,
                    changes: a.changes.clone(),
                },
            )
        })
        .collect();
    // Prerequisites among the steps themselves: a resource that needs no
    // change already exists as it should.
    let mut waiting_on: BTreeMap<Address, BTreeSet<Address>> = steps
        .keys()
        .map(|a| {
            let deps = desired
                .prerequisites(a)
                .into_iter()
                .map(|(d, _)| d)
                .filter(|d| steps.contains_key(d))
                .collect();
            (a.clone(), deps)
        })
        .collect();
    let order: Vec<Address> = plan.changes().map(|a| a.address.clone()).collect();
    let mut outcomes: BTreeMap<Address, Outcome> = BTreeMap::new();
    let mut running: JoinSet<(Address, Result<&'static str, String>, Duration)> = JoinSet::new();
    let mut stopping = false;
    let parallelism = opts.parallelism.max(1);

    loop {
        if interrupt.load(Ordering::SeqCst) {
            stopping = true;
        }
        if !stopping {
            let ready: Vec<Address> = order
                .iter()
                .filter(|a| {
                    !outcomes.contains_key(*a) && waiting_on.get(*a).is_some_and(BTreeSet::is_empty)
                })
                .take(parallelism.saturating_sub(running.len()))
                .cloned()
                .collect();
            for address in ready {
                waiting_on.remove(&address);
                let Some(step) = steps.get(&address).cloned() else {
                    continue;
                };
                let (clients, target, opts, events) = (
                    clients.clone(),
                    target.clone(),
                    opts.clone(),
                    Arc::clone(&events),
                );
                events(Event::Started {
                    address: address.clone(),
                });
                running.spawn(async move {
                    let started = Instant::now();
                    let result =
                        if step.kind == ActionKind::Create || step.kind == ActionKind::Update {
                            actions::run(&step, &clients, &target, &opts, events.as_ref())
                                .await
                                .map_err(|e| e.to_string())
                        } else {
                            Err(format!(
                                "ctrail does not {} resources; nothing was changed for it",
                                match step.kind {
                                    ActionKind::Replace => "replace",
                                    _ => "delete",
                                }
                            ))
                        };
                    (address, result, started.elapsed())
                });
            }
        }
        if running.is_empty() {
            break;
        }
        let joined = tokio::select! {
            j = running.join_next() => j,
            () = tokio::time::sleep(Duration::from_millis(100)) => continue,
        };
        let Some(joined) = joined else { break };
        let (address, result, elapsed) = match joined {
            Ok(done) => done,
            Err(e) => {
                // A panic in an action: stop, and report it against nothing
                // in particular (the action stays "not started" if unknown).
                tracing::error!("an action task failed: {e}");
                stopping = true;
                continue;
            }
        };
        match result {
            Ok(done) => {
                events(Event::Completed {
                    address: address.clone(),
                    done,
                    elapsed,
                });
                for deps in waiting_on.values_mut() {
                    deps.remove(&address);
                }
                outcomes.insert(
                    address,
                    Outcome::Completed {
                        done,
                        seconds: elapsed.as_secs_f64(),
                    },
                );
            }
            Err(error) => {
                events(Event::Failed {
                    address: address.clone(),
                    error: error.clone(),
                    elapsed,
                });
                outcomes.insert(address, Outcome::Failed { error });
                stopping = true;
            }
        }
    }
    Report {
        actions: order
            .into_iter()
            .map(|a| {
                let o = outcomes.remove(&a).unwrap_or(Outcome::NotStarted);
                (a, o)
            })
            .collect(),
        interrupted: interrupt.load(Ordering::SeqCst),
    }
}
