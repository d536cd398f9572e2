//! What a kind's read works with: the clients, the spec, every resource's
//! desired attributes, the values only AWS knows (a shared future, awaited
//! only by the reads that need them), and a memo so that a call several
//! kinds need (GetRole for the role and its tags, say) is made once.

use std::any::Any;
use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex};

use ctrail_model::{Address, Place};
use ctrail_spec::Spec;
use tokio::sync::OnceCell;

use super::error::{ReadError, absent_if_not_found};
use super::{Accounts, Clients};
use crate::door::{Pending, Resolved};
use crate::{Attributes, Kind};
use aws_smithy_runtime_api::client::result::SdkError;
use aws_smithy_types::error::metadata::ProvideErrorMetadata;

type Cell = Arc<OnceCell<Arc<dyn Any + Send + Sync>>>;

pub struct ReadCx<'a> {
    /// The clients of the account the kind being read lives in.
    pub clients: &'a Clients,
    /// Every account's clients, by place.
    pub accounts: &'a Accounts,
    place: Place,
    pub spec: &'a Spec,
    /// Every resource's desired attributes, placeholders not yet resolved.
    pub desired: &'a BTreeMap<Address, Attributes>,
    ready: Pending<'a>,
    memo: Arc<Mutex<HashMap<String, Cell>>>,
}

impl<'a> ReadCx<'a> {
    pub fn new(
        accounts: &'a Accounts,
        spec: &'a Spec,
        desired: &'a BTreeMap<Address, Attributes>,
        ready: Pending<'a>,
    ) -> Self {
        ReadCx {
            clients: accounts.trail(),
            accounts,
            place: Place::Trail,
            spec,
            desired,
            ready,
            memo: Arc::default(),
        }
    }

    /// The same reads, with the clients of the account holding `place`
    /// (the memo shared, keyed by account).
    pub fn placed(&self, place: Place) -> ReadCx<'a> {
        ReadCx {
            clients: self.accounts.at(place),
            accounts: self.accounts,
            place,
            spec: self.spec,
            desired: self.desired,
            ready: self.ready.clone(),
            memo: Arc::clone(&self.memo),
        }
    }

    /// The values only AWS knows (waits for the context round).
    pub async fn ready(&self) -> Result<Arc<Resolved>, ReadError> {
        self.ready.clone().await
    }

    /// A resource's desired attributes, placeholders unresolved.
    pub fn want<T: Kind>(&self, name: &str) -> Option<T> {
        let v = self.desired.get(&Address::new(T::KIND, name))?;
        T::of(v).cloned()
    }

    /// A resource's desired attributes with the placeholders resolved (waits
    /// for the context round).
    pub async fn resolved<T: Kind>(&self, name: &str) -> Result<Option<T>, ReadError> {
        let ready = self.ready().await?;
        // A resource only this context knows (one the ledger recorded, with
        // the values it was applied with) is as resolved as it gets.
        let address = Address::new(T::KIND, name);
        Ok(ready
            .desired
            .get(&address)
            .or_else(|| self.desired.get(&address))
            .and_then(|v| T::of(v).cloned()))
    }

    /// `pick` of a resource's desired attributes with the placeholders
    /// resolved (a topic's ARN, which holds the account id); an error
    /// naming `field` when the reads have no such resource, never a value
    /// sent in its place.
    pub async fn resolved_field<T: Kind, V>(
        &self,
        name: &str,
        field: &str,
        pick: impl FnOnce(T) -> V,
    ) -> Result<V, ReadError> {
        self.resolved::<T>(name).await?.map(pick).ok_or_else(|| {
            ReadError::Unexpected(format!(
                "{} {name} has no desired {field} to read it by",
                T::KIND
            ))
        })
    }

    /// Each named resource's live value, read one after another by `read`.
    pub async fn each<T, F, Fut>(&self, names: &[String], read: F) -> super::Found<T>
    where
        F: Fn(String) -> Fut,
        Fut: Future<Output = Result<Option<T>, ReadError>>,
    {
        let mut out = Vec::new();
        for name in names {
            out.push((name.clone(), read(name.clone()).await?));
        }
        Ok(out)
    }

    /// What `pick` takes from the answer of `call` (operation `op`, on
    /// `name`), made once however many reads ask; `None` when AWS says
    /// `name` does not exist.
    pub async fn found_once<O, E, R, T, Fut>(
        &self,
        op: &'static str,
        name: &str,
        call: impl FnOnce() -> Fut,
        pick: impl FnOnce(O) -> Option<T>,
    ) -> Result<Option<T>, ReadError>
    where
        Fut: Future<Output = Result<O, SdkError<E, R>>>,
        E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
        R: std::fmt::Debug + Send + Sync + 'static,
        T: Clone + Send + Sync + 'static,
    {
        let key = format!("{op} {name}");
        // The request is made (and its large future built, boxed) only by
        // the first read that asks.
        let found = self
            .once(key, async {
                let got = Box::pin(call()).await;
                Ok(absent_if_not_found(op, got, &[])?.and_then(pick))
            })
            .await?;
        Ok((*found).clone())
    }

    /// The answer of `call`, made once per `key` however many reads ask.
    pub async fn once<T, F>(&self, key: String, call: F) -> Result<Arc<T>, ReadError>
    where
        T: Send + Sync + 'static,
        F: Future<Output = Result<T, ReadError>>,
    {
        let cell = {
            let mut memo = self
                .memo
                .lock()
                .map_err(|_| ReadError::Unexpected("a read panicked".into()))?;
            // One call's answer per account: the key names the place.
            Arc::clone(memo.entry(format!("{:?} {key}", self.place)).or_default())
        };
        let value = cell
            .get_or_try_init(|| async {
                call.await
                    .map(|v| Arc::new(v) as Arc<dyn Any + Send + Sync>)
            })
            .await?;
        Arc::clone(value)
            .downcast::<T>()
            .map_err(|_| ReadError::Unexpected("one memo key used for two types".into()))
    }
}

/// Runs `read` alongside `exists` (the resource's existence check, usually
/// made once for all its kinds): `read`'s answer when the resource exists,
/// `None` when it does not. A resource found missing first ends the read
/// there: a read still waiting (on the context round, say) is dropped
/// unsent, so an empty account is read in one round.
pub async fn if_exists<E, T>(
    exists: impl Future<Output = Result<Option<E>, ReadError>>,
    read: impl Future<Output = T>,
) -> Result<Option<T>, ReadError> {
    // Boxed: two SDK calls' futures side by side are large in a debug
    // build, and a read nests several of these.
    let (mut exists, mut read) = (Box::pin(exists), Box::pin(read));
    tokio::select! {
        biased;
        found = &mut exists => match found? {
            None => Ok(None),
            Some(_) => Ok(Some(read.await)),
        },
        got = &mut read => Ok(exists.await?.map(|_| got)),
    }
}

/// Every item of a paginated listing (the SDK's paginator), none when AWS
/// says what is listed does not exist:
/// `list_pages!("sns:ListSubscriptionsByTopic", request, subscriptions)`.
#[macro_export]
macro_rules! list_pages {
    ($op:literal, $req:expr, $items:ident) => {
        async {
            let mut out = Vec::new();
            let mut pages = $req.into_paginator().send();
            while let Some(page) = pages.next().await {
                match page {
                    Ok(p) => out.extend(p.$items().iter().cloned()),
                    Err(e)
                        if $crate::aws::error::is_not_found(
                            aws_smithy_types::error::metadata::ProvideErrorMetadata::code(&e),
                            &[],
                        ) =>
                    {
                        break;
                    }
                    Err(e) => return Err($crate::aws::read_error($op, e)),
                }
            }
            Ok::<_, $crate::aws::ReadError>(out)
        }
    };
}
