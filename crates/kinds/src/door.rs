//! The one door to AWS, SDK-free: what the reader, the executor and verify
//! call, each a trait the kinds' AWS runtime (feature `aws`) implements for
//! its clients. A stage generic over these names no AWS crate, and every
//! call it makes goes through a kind, with the clients of the account
//! that kind lives in.
//!
//! - `Reach`: every account a spec spans, by place: the reader's context
//!   round (who the accounts are, the spec's key), each kind's read, and
//!   each place's named reads (`LiveReads`) and state objects;
//! - `KindReads`: the registry's read and discovery of every kind, sharing
//!   one memo and one context round;
//! - `Act`: one step of a plan carried out by its kind.

use std::collections::BTreeMap;
use std::future::Future;
use std::sync::Arc;

use ctrail_model::{Address, LiveContext, Place, ResourceKind};
use ctrail_spec::Spec;
use futures::future::{BoxFuture, Shared};

use crate::calls::{CallError, RetryPolicy, Retrying};
use crate::change::{Step, Target};
use crate::kms::key::SpecKey;
use crate::live::DeliveryReads;
use crate::state::StateStore;
use crate::{Attributes, LiveResource, ReadError};

/// Every way the spec's KMS key may be written, so that a live value in any
/// of them is recognised as the same key.
#[derive(Debug, Clone, Default)]
pub struct KeyForms {
    pub arn: Option<String>,
    pub forms: Vec<String>,
}

impl KeyForms {
    /// The key's ARN when `live` names the spec's key; `live` unchanged otherwise.
    pub fn normalise(&self, live: Option<&str>) -> Option<String> {
        let live = live?;
        match &self.arn {
            Some(arn) if self.forms.iter().any(|f| f == live) => Some(arn.clone()),
            _ => Some(live.to_owned()),
        }
    }
}

/// The values only AWS knows, and the desired attributes with them filled in.
#[derive(Debug)]
pub struct Resolved {
    pub context: LiveContext,
    pub keys: KeyForms,
    pub desired: BTreeMap<Address, Attributes>,
}

/// The context round, started once and awaited by whichever read needs it.
pub type Pending<'a> = Shared<BoxFuture<'a, Result<Arc<Resolved>, ReadError>>>;

/// Every account a spec spans, by place, as the reader and verify read it.
pub trait Reach: Send + Sync {
    /// The named reads of one account.
    type Reads: DeliveryReads;
    /// The state objects of the state bucket's account.
    type Store: StateStore;
    /// The kinds' reads over one context round.
    type Kinds<'a>: KindReads
    where
        Self: 'a;

    /// The named reads of the account holding `place`.
    fn at(&self, place: Place) -> &Self::Reads;

    /// The state bucket's account's objects (the ledger, the lock).
    fn store(&self) -> &Self::Store;

    /// Asks each account the spec names who its credentials are, all at
    /// once: one reached with another account's credentials, or not reached
    /// at all, stops the run before anything is read.
    fn guard(&self) -> impl Future<Output = Result<(), ReadError>> + Send;

    /// The spec's key as DescribeKey names it, in the key's account; `None`
    /// for a key ctrail creates that does not exist yet.
    fn spec_key(
        &self,
        kms: &ctrail_spec::Kms,
    ) -> impl Future<Output = Result<Option<SpecKey>, ReadError>> + Send;

    /// The trail's account's organization (DescribeOrganization); outside
    /// one, the error's code is AWSOrganizationsNotInUseException.
    fn organization_id(&self) -> impl Future<Output = Result<Option<String>, ReadError>> + Send;

    /// Each kind's reads of `desired`'s resources, the values only AWS
    /// knows coming from `ready`.
    fn kinds<'a>(
        &'a self,
        spec: &'a Spec,
        desired: &'a BTreeMap<Address, Attributes>,
        ready: Pending<'a>,
    ) -> Self::Kinds<'a>;
}

/// The registry's reads, one context for every kind.
pub trait KindReads: Send + Sync {
    /// Every resource the context has desired attributes for, of `kind`
    /// and named in `names`, as it is live.
    fn read(
        &self,
        kind: ResourceKind,
        names: &[String],
    ) -> impl Future<Output = Result<Vec<(Address, LiveResource)>, ReadError>> + Send;

    /// The names of every `kind` resource found where the spec's would be.
    fn discover(
        &self,
        kind: ResourceKind,
    ) -> impl Future<Output = Result<Vec<String>, ReadError>> + Send;

    /// The desired attributes the reads were made for.
    fn desired(&self) -> &BTreeMap<Address, Attributes>;
}

/// What an action is done with: its address, how its calls are retried and
/// who hears of each wait.
pub struct Acting<'a> {
    pub address: &'a Address,
    pub target: &'a Target,
    pub policy: &'a RetryPolicy,
    pub on_retry: &'a (dyn Fn(Retrying) + Send + Sync),
}

/// The accounts a plan changes: each step carried out by its kind, with
/// the clients of the account the kind lives in.
pub trait Act: Clone + Send + Sync + 'static {
    /// Carries out one create, update, adopt or delete; says what was done.
    fn act(
        &self,
        acting: &Acting<'_>,
        step: &Step<'_, Attributes>,
    ) -> impl Future<Output = Result<&'static str, CallError>> + Send;

    /// The spec's key's ARN: as read, or (a key this apply created) asked
    /// once it exists, in the key's account. `None` without a key.
    fn key_arn(
        &self,
        target: &Target,
    ) -> impl Future<Output = Result<Option<String>, CallError>> + Send;
}

/// The caller's account `actual`, refused when the spec's `account_id`
/// guard names another.
pub fn guarded(spec: &Spec, actual: String) -> Result<String, ReadError> {
    match &spec.account_id {
        Some(expected) if expected != &actual => Err(ReadError::WrongAccount {
            expected: expected.clone(),
            actual,
        }),
        _ => Ok(actual),
    }
}
