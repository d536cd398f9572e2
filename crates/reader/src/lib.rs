//! ctrail's reader: fetches the live state of every resource in a graph and
//! normalises it to the graph's shapes, so that a converged setup compares
//! equal to the desired attributes. How each kind is read lives with the
//! kind (`ctrail_kinds`); this is the machinery around the reads.
//!
//! Every read starts at once, alongside the round that finds the values only
//! AWS knows (account id, KMS key ARN, organization id); the few calls that
//! need those values wait for that round alone. With an `account_id` guard
//! the round runs first. Each call is made once.
//! "Not found" is an answer (`LiveResource::Absent`), not an error.

mod context;

use std::collections::{BTreeMap, BTreeSet};

use ctrail_graph::ResourceGraph;
use ctrail_kinds::door::{KindReads, Pending, Reach};
use ctrail_kinds::state::read_ledger;
use ctrail_kinds::{Attributes, Ledger, LiveResource, LiveState, Ownership, ReadError};
use ctrail_model::{Address, LiveContext, Placeholder, ResourceKind};
use ctrail_spec::Spec;

/// Reads the live state of every resource in `graph` and returns it with the
/// graph's placeholders resolved.
///
/// The context round (account, key, organization) runs alongside every read
/// that does not need it; with an `account_id` guard in the spec, or the
/// accounts it spans (each asked who it is), it runs first, so nothing is
/// read from an account the spec is not for.
pub async fn read(
    accounts: &impl Reach,
    spec: &Spec,
    graph: &ResourceGraph,
) -> Result<(LiveState, ResourceGraph), ReadError> {
    read_knowing(accounts, spec, graph, None).await
}

/// `read`, with the values only AWS knows already read by this run (the
/// apply's plan, for its verifying re-read): the guard has passed, and no
/// read waits for the context round, so the re-read is one round shorter.
/// A context without the ARN of the spec's key (a key the apply created) is
/// read again.
pub async fn read_knowing(
    accounts: &impl Reach,
    spec: &Spec,
    graph: &ResourceGraph,
    known: Option<&LiveContext>,
) -> Result<(LiveState, ResourceGraph), ReadError> {
    let desired: BTreeMap<Address, Attributes> = graph
        .resources()
        .map(|r| (r.address.clone(), r.desired.clone()))
        .collect();
    let known = known.and_then(|k| context::known(spec, k));
    // The organization as the known context has it: (id, unknown).
    let known_organization = known
        .as_ref()
        .map(|(c, _)| (c.organization_id.clone(), c.organization_unknown));
    let guarded = spec.account_id.is_some() || !spec.accounts.is_empty();
    // A known context passed the guard already.
    let guard_first = guarded && known.is_none();
    let cx = context::start(accounts, spec, graph, known);
    if guard_first {
        cx.clone().await?;
    }
    let rcx = accounts.kinds(spec, &desired, cx.clone());
    // Every kind is asked, named resources or not (some read for the
    // preflight what the spec does not name).
    let reads = wave(&rcx, true);
    let discovered = ResourceKind::ALL.map(|kind| {
        let rcx = &rcx;
        async move {
            let names = rcx.discover(kind).await?;
            Ok::<_, ReadError>(names.into_iter().map(move |n| Address::new(kind, n)))
        }
    });
    let dropped = dropped(accounts, spec, &desired, cx.clone());
    let organization = async {
        match (
            &known_organization,
            graph.placeholders().contains(&Placeholder::OrganizationId),
        ) {
            (Some((_, true)), _) => Err(()),
            (Some((id, false)), _) => Ok(id.clone()),
            (None, true) => Ok(None), // read with the context
            (None, false) => context::organization(accounts).await,
        }
    };
    let kept = kept_bucket_policy(accounts, spec, cx.clone());
    let (ready, found, discovered, dropped, organization, kept) = tokio::join!(
        cx,
        reads,
        futures::future::join_all(discovered),
        dropped,
        organization,
        kept
    );
    // The context's own error (the account guard, a missing key) comes first.
    let ready = ready?;
    let mut resources = found?;
    let (ledger, dropped) = dropped?;
    resources.extend(dropped);
    let mut unread = BTreeMap::new();
    match kept {
        Kept::Managed => {}
        Kept::Read(found) => resources.extend(found),
        Kept::Unread(address, why) => {
            unread.insert(address, why);
        }
    }
    let mut ownership = Ownership {
        ledger,
        ..Ownership::default()
    };
    ownership.tagged = tagged(&resources, &spec.trail.name);
    for d in discovered {
        for address in d? {
            if !desired.contains_key(&address) && !ownership.owns(&address) {
                ownership.unmanaged.insert(address);
            }
        }
    }
    tracing::debug!(resources = resources.len(), "live state read");
    let mut resolved = graph.clone();
    resolved
        .resolve(&|p| ready.context.value(p))
        .map_err(|e| ReadError::Unexpected(e.to_string()))?;
    let mut context = ready.context.clone();
    match organization {
        Ok(id) => context.organization_id = context.organization_id.or(id),
        Err(()) => context.organization_unknown = context.organization_id.is_none(),
    }
    Ok((
        LiveState {
            context,
            resources,
            ownership,
            unread,
        },
        resolved,
    ))
}

/// The ledger, and the live state of what it lists that the spec no longer
/// has (of the kinds a plan deletes when dropped), read with the attributes
/// the ledger recorded.
async fn dropped(
    accounts: &impl Reach,
    spec: &Spec,
    desired: &BTreeMap<Address, Attributes>,
    cx: Pending<'_>,
) -> Result<(Ledger, BTreeMap<Address, LiveResource>), ReadError> {
    let ledger = read_ledger(accounts.store(), &spec.state, &spec.trail.name).await?;
    let gone: BTreeMap<Address, Attributes> = ledger
        .owned
        .iter()
        .filter(|(a, _)| ctrail_kinds::prunable(a.kind) && !desired.contains_key(*a))
        .map(|(a, v)| (a.clone(), v.clone()))
        .collect();
    // The context round, re-borrowed for as long as `gone` lives.
    let cx: Pending<'_> = futures::FutureExt::shared(Box::pin(cx));
    let rcx = accounts.kinds(spec, &gone, cx);
    Ok((ledger, wave(&rcx, false).await?))
}

/// The policy of a bucket someone else keeps, as read.
enum Kept {
    /// ctrail keeps the bucket (its policy is read with the others).
    Managed,
    Read(Vec<(Address, LiveResource)>),
    /// It could not be read: the address and why.
    Unread(Address, String),
}

/// Reads the policy of the log bucket when someone else keeps it
/// (`bucket.managed: false`), with the bucket's account's clients, for the
/// preflight alone: nothing of it is in the graph. A read AWS refuses
/// (AccessDenied across accounts, say) is said, not guessed.
async fn kept_bucket_policy(accounts: &impl Reach, spec: &Spec, cx: Pending<'_>) -> Kept {
    if spec.bucket.managed {
        return Kept::Managed;
    }
    let none = BTreeMap::new();
    // The context round, re-borrowed for as long as `none` lives.
    let cx: Pending<'_> = futures::FutureExt::shared(Box::pin(cx));
    let rcx = accounts.kinds(spec, &none, cx);
    let name = spec.bucket.name.clone();
    match rcx
        .read(ResourceKind::S3BucketPolicy, std::slice::from_ref(&name))
        .await
    {
        Ok(found) => Kept::Read(found),
        Err(e) => Kept::Unread(
            Address::new(ResourceKind::S3BucketPolicy, name),
            e.to_string(),
        ),
    }
}

/// One wave of reads: every resource `rcx` has desired attributes for, all
/// kinds at once; `every_kind`: kinds with none are asked too.
async fn wave(
    rcx: &impl KindReads,
    every_kind: bool,
) -> Result<BTreeMap<Address, LiveResource>, ReadError> {
    let reads = ResourceKind::ALL.map(|kind| {
        let names: Vec<String> = rcx
            .desired()
            .keys()
            .filter(|a| a.kind == kind)
            .map(|a| a.name.clone())
            .collect();
        async move {
            if names.is_empty() && !every_kind {
                return Ok(Vec::new());
            }
            rcx.read(kind, &names).await
        }
    });
    let mut found = BTreeMap::new();
    for f in futures::future::join_all(reads).await {
        found.extend(f?);
    }
    Ok(found)
}

/// The resources whose tags name this trail in ctrail's ownership tag.
fn tagged(resources: &BTreeMap<Address, LiveResource>, trail: &str) -> BTreeSet<Address> {
    resources
        .iter()
        .filter_map(|(address, observed)| {
            let v = observed.present()?;
            let owner = ResourceKind::ALL
                .into_iter()
                .find(|k| ctrail_kinds::tags_of(*k) == Some(address.kind))?;
            // The tags kind keeps ctrail's tag apart.
            (v.owner() == Some(trail)).then(|| Address::new(owner, &address.name))
        })
        .collect()
}
