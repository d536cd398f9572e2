//! Runs a plan's actions in dependency order, at most `parallelism` at once:
//! a create or update after what it needs, a delete after the deletes of
//! what needs it.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use ctrail_graph::ResourceGraph;
use ctrail_kinds::Attributes;
use ctrail_kinds::calls::Retrying;
use ctrail_kinds::change::Step;
use ctrail_kinds::door::{Act, Acting};
use ctrail_model::placeholder::Placeholder;
use ctrail_model::{ActionKind, Address, AttributeChange, Plan};
use serde_json::Value;
use tokio::task::JoinSet;

use crate::{Event, Events, Interrupt, Options, Outcome, Report, Target};

/// Why an action was not carried out.
#[derive(Debug, thiserror::Error)]
enum JobError {
    /// The plan says it must not run (`Action::refusal`).
    #[error("{0}; nothing was changed for it")]
    Refused(String),
    #[error(transparent)]
    Call(#[from] ctrail_kinds::calls::CallError),
    /// The attributes with the key's ARN filled in are not the kind's.
    #[error(transparent)]
    Unfit(#[from] ctrail_kinds::AttributesError),
}

/// One action to carry out.
#[derive(Debug, Clone)]
struct Job {
    address: Address,
    kind: ActionKind,
    /// The desired attributes; for a delete of a resource the spec no longer
    /// has, the live ones the plan recorded.
    want: Attributes,
    changes: Vec<AttributeChange>,
    /// Why it must not run (`Action::refusal`).
    refusal: Option<String>,
}

impl Job {
    async fn run(
        self,
        accounts: &impl Act,
        target: &Target,
        opts: &Options,
        events: &(dyn Fn(Event) + Send + Sync),
    ) -> Result<&'static str, JobError> {
        if let Some(why) = self.refusal {
            return Err(JobError::Refused(why));
        }
        let policy = opts.policy();
        let on_retry = |r: Retrying| {
            events(Event::Retrying {
                address: r.address,
                operation: r.operation,
                reason: r.reason,
                class: r.class,
                attempt: r.attempt,
                delay: r.delay,
            });
        };
        let acting = Acting {
            address: &self.address,
            target,
            policy: &policy,
            on_retry: &on_retry,
        };
        let mut want = self.want.clone();
        // The ARN of a key this apply created is known only now (every step
        // naming it runs after the key's creation).
        if want.placeholders().contains(&Placeholder::KmsKeyArn) {
            let arn = accounts.key_arn(target).await?;
            want = want.resolved(&self.address.name, &|p| {
                (p == Placeholder::KmsKeyArn).then(|| arn.clone()).flatten()
            })?;
        }
        let step = Step {
            name: &self.address.name,
            kind: self.kind,
            want,
            changes: &self.changes,
        };
        Ok(accounts.act(&acting, &step).await?)
    }
}

/// Applies every changing action of `plan`, whose desired attributes come
/// from `desired` (the graph with placeholders resolved).
pub async fn apply(
    plan: &Plan,
    desired: &ResourceGraph,
    accounts: &impl Act,
    target: &Target,
    opts: &Options,
    events: Events,
    interrupt: Interrupt,
) -> Report {
    let mut steps: BTreeMap<Address, Job> = BTreeMap::new();
    let mut unfit: Vec<(Address, String)> = Vec::new();
    for a in plan.changes() {
        let want = match desired.get(&a.address) {
            Some(r) => r.desired.clone(),
            // A resource the spec dropped: its attributes as the plan
            // recorded them (each one's old value), read as its kind's.
            None => {
                let recorded = Value::Object(
                    a.changes
                        .iter()
                        .filter_map(|c| Some((c.path.clone(), c.old.clone()?)))
                        .collect(),
                );
                match Attributes::from_json(&a.address, &recorded) {
                    Ok(w) => w,
                    Err(e) => {
                        unfit.push((a.address.clone(), e.to_string()));
                        continue;
                    }
                }
            }
        };
        steps.insert(
            a.address.clone(),
            Job {
                address: a.address.clone(),
                kind: a.kind,
                want,
                changes: a.changes.clone(),
                refusal: a.refusal(),
            },
        );
    }
    // A recorded resource whose attributes are not its kind's: nothing runs.
    if !unfit.is_empty() {
        let mut failed: BTreeMap<Address, String> = unfit.into_iter().collect();
        return Report {
            actions: plan
                .changes()
                .map(|a| {
                    let outcome = match failed.remove(&a.address) {
                        Some(error) => Outcome::Failed {
                            error: format!("{error}; nothing was changed"),
                        },
                        None => Outcome::NotStarted,
                    };
                    (a.address.clone(), outcome)
                })
                .collect(),
            interrupted: false,
        };
    }
    // Prerequisites among the jobs themselves (a resource that needs no
    // change already exists as it should): a create or update waits for what
    // it needs; a delete waits for the deletes of what needs it.
    let deleting = |a: &Address| steps.get(a).is_some_and(|j| j.kind == ActionKind::Delete);
    let mut waiting_on: BTreeMap<Address, BTreeSet<Address>> = steps
        .keys()
        .map(|a| {
            let deps = if deleting(a) {
                desired
                    .dependents(a)
                    .into_iter()
                    .map(|(d, _)| d)
                    .filter(|d| deleting(d))
                    .collect()
            } else {
                desired
                    .prerequisites(a)
                    .into_iter()
                    .map(|(d, _)| d)
                    .filter(|d| steps.contains_key(d) && !deleting(d))
                    .collect()
            };
            (a.clone(), deps)
        })
        .collect();
    let order: Vec<Address> = plan.changes().map(|a| a.address.clone()).collect();
    // Among ready actions, the one with the longest chain of actions still
    // waiting on it starts first (then plan order): the critical path sets
    // the wall time, so it must never queue behind a leaf.
    let priority = longest_paths(&order, &waiting_on);
    let mut outcomes: BTreeMap<Address, Outcome> = BTreeMap::new();
    let mut running: JoinSet<(Address, Result<&'static str, String>, Duration)> = JoinSet::new();
    // Which task runs which action, so a panicking one is reported against it.
    let mut tasks: BTreeMap<tokio::task::Id, (Address, Instant)> = BTreeMap::new();
    let mut stopping = false;
    let parallelism = opts.parallelism.max(1);

    loop {
        if interrupt.load(Ordering::SeqCst) {
            stopping = true;
        }
        if !stopping {
            let mut ready: Vec<(usize, usize, &Address)> = order
                .iter()
                .enumerate()
                .filter(|(_, a)| {
                    !outcomes.contains_key(*a) && waiting_on.get(*a).is_some_and(BTreeSet::is_empty)
                })
                .map(|(i, a)| (usize::MAX - priority.get(a).copied().unwrap_or(0), i, a))
                .collect();
            ready.sort();
            let ready: Vec<Address> = ready
                .into_iter()
                .take(parallelism.saturating_sub(running.len()))
                .map(|(_, _, a)| a.clone())
                .collect();
            for address in ready {
                waiting_on.remove(&address);
                let Some(job) = steps.get(&address).cloned() else {
                    continue;
                };
                let (accounts, target, opts, events) = (
                    accounts.clone(),
                    target.clone(),
                    opts.clone(),
                    Arc::clone(&events),
                );
                events(Event::Started {
                    address: address.clone(),
                });
                let task_address = address.clone();
                let handle = running.spawn(async move {
                    let started = Instant::now();
                    let result = job
                        .run(&accounts, &target, &opts, events.as_ref())
                        .await
                        .map_err(|e| e.to_string());
                    (address, result, started.elapsed())
                });
                tasks.insert(handle.id(), (task_address, Instant::now()));
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
            Ok(done) => {
                tasks.retain(|_, (a, _)| a != &done.0);
                done
            }
            // A panic in an action: the action failed, and nothing new starts.
            Err(e) => match tasks.remove(&e.id()) {
                Some((address, started)) => (
                    address,
                    Err(format!(
                        "ctrail failed inside this action ({e}); what AWS did for it is unknown, a new plan shows it"
                    )),
                    started.elapsed(),
                ),
                None => {
                    tracing::error!("an action task failed: {e}");
                    stopping = true;
                    continue;
                }
            },
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

/// For each action, how many actions lie on the longest chain that starts
/// at it (itself included) among the actions of this apply.
fn longest_paths(
    order: &[Address],
    waiting_on: &BTreeMap<Address, BTreeSet<Address>>,
) -> BTreeMap<Address, usize> {
    fn walk(
        a: &Address,
        waiting_on: &BTreeMap<Address, BTreeSet<Address>>,
        longest: &mut BTreeMap<Address, usize>,
    ) -> usize {
        if let Some(n) = longest.get(a) {
            return *n;
        }
        let below = waiting_on
            .iter()
            .filter(|(_, on)| on.contains(a))
            .map(|(d, _)| d.clone())
            .collect::<Vec<_>>()
            .iter()
            .map(|d| walk(d, waiting_on, longest))
            .max()
            .unwrap_or(0);
        longest.insert(a.clone(), below + 1);
        below + 1
    }
    let mut longest = BTreeMap::new();
    for a in order {
        walk(a, waiting_on, &mut longest);
    }
    longest
}

#[cfg(test)]
mod tests {
    use super::*;
    use ctrail_model::ResourceKind as K;

    #[test]
    fn the_longest_chain_starts_first() {
        // bucket -> policy -> trail -> logging; group -> trail; tags alone.
        let a = |k: K| Address::new(k, "x");
        let order = vec![
            a(K::S3Bucket),
            a(K::S3BucketTags),
            a(K::LogGroup),
            a(K::S3BucketPolicy),
            a(K::Trail),
            a(K::TrailLogging),
        ];
        let mut waiting_on: BTreeMap<Address, BTreeSet<Address>> =
            order.iter().map(|x| (x.clone(), BTreeSet::new())).collect();
        let mut wait = |x: K, on: &[K]| {
            waiting_on
                .entry(a(x))
                .or_default()
                .extend(on.iter().map(|k| a(*k)));
        };
        wait(K::S3BucketPolicy, &[K::S3Bucket]);
        wait(K::Trail, &[K::S3BucketPolicy, K::LogGroup]);
        wait(K::TrailLogging, &[K::Trail]);
        let longest = longest_paths(&order, &waiting_on);
        assert_eq!(longest[&a(K::S3Bucket)], 4);
        assert_eq!(longest[&a(K::LogGroup)], 3);
        assert_eq!(longest[&a(K::S3BucketTags)], 1);
        assert_eq!(longest[&a(K::TrailLogging)], 1);
    }
}
