//! The one door (`crate::door`) for the clients of every account a spec
//! spans: each read, step and state object goes through a kind, with the
//! clients of the account that kind lives in.

use std::collections::BTreeMap;

use ctrail_model::{Address, Place, ResourceKind};
use ctrail_spec::Spec;

use super::{Accounts, CallError, Clients, Cx, ReadCx, ReadError, account};
use crate::change::{Step, Target};
use crate::door::{Act, Acting, KindReads, Pending, Reach};
use crate::kms::key::SpecKey;
use crate::{Attributes, LiveResource};

impl Reach for Accounts {
    type Reads = Clients;
    type Store = Clients;
    type Kinds<'a> = ReadCx<'a>;

    fn at(&self, place: Place) -> &Clients {
        Accounts::at(self, place)
    }

    fn store(&self) -> &Clients {
        Accounts::at(self, Place::State)
    }

    async fn guard(&self) -> Result<(), ReadError> {
        account::guard(self).await
    }

    async fn spec_key(&self, kms: &ctrail_spec::Kms) -> Result<Option<SpecKey>, ReadError> {
        crate::kms::key::of_spec(Accounts::at(self, Place::Key), kms).await
    }

    async fn organization_id(&self) -> Result<Option<String>, ReadError> {
        account::organization_id(self.trail()).await
    }

    fn kinds<'a>(
        &'a self,
        spec: &'a Spec,
        desired: &'a BTreeMap<Address, Attributes>,
        ready: Pending<'a>,
    ) -> ReadCx<'a> {
        ReadCx::new(self, spec, desired, ready)
    }
}

impl KindReads for ReadCx<'_> {
    async fn read(
        &self,
        kind: ResourceKind,
        names: &[String],
    ) -> Result<Vec<(Address, LiveResource)>, ReadError> {
        crate::read(kind, self, names).await
    }

    async fn discover(&self, kind: ResourceKind) -> Result<Vec<String>, ReadError> {
        crate::discover(kind, self).await
    }

    fn desired(&self) -> &BTreeMap<Address, Attributes> {
        self.desired
    }
}

impl Act for Accounts {
    async fn act(
        &self,
        acting: &Acting<'_>,
        step: &Step<'_, Attributes>,
    ) -> Result<&'static str, CallError> {
        let cx = Cx {
            address: acting.address.to_string(),
            clients: self.trail(),
            accounts: self,
            target: acting.target,
            policy: acting.policy,
            on_retry: acting.on_retry,
        };
        crate::act(acting.address.kind, &cx, step).await
    }

    async fn key_arn(&self, target: &Target) -> Result<Option<String>, CallError> {
        super::act::key_arn(target, Accounts::at(self, Place::Key)).await
    }
}
