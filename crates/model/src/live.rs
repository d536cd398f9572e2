//! What the reader found: the live state of every resource in a graph, as
//! each kind's typed attributes (`A`, the kinds registry's enum of every
//! kind's attributes).

use std::collections::BTreeMap;

use serde::Serialize;

use crate::{Address, Placeholder, ResourceKind};

/// One kind's attributes within `A`, the type that holds every kind's: how
/// a stage reads a typed value out of the live state or the graph
/// (`live.get::<Trail>(name)`), never by a string key.
pub trait Variant<A>: Sized {
    const KIND: ResourceKind;

    /// These attributes, when `a` holds this kind's.
    fn of(a: &A) -> Option<&Self>;
}

/// What the reader found live for one resource of the graph: absent, or its
/// attributes.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "state", content = "attributes", rename_all = "snake_case")]
pub enum LiveResource<A> {
    /// AWS answered "not found": the resource does not exist.
    Absent,
    /// The resource exists; attributes are normalised to the graph's shape.
    Present(A),
}

impl<A> LiveResource<A> {
    /// The attributes, if the resource exists.
    pub fn present(&self) -> Option<&A> {
        match self {
            LiveResource::Present(a) => Some(a),
            LiveResource::Absent => None,
        }
    }
}

/// Values only AWS knows, resolved once per run.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Default)]
pub struct LiveContext {
    pub account_id: String,
    pub organization_id: Option<String>,
    pub kms_key_arn: Option<String>,
    /// The organization could not be asked (DescribeOrganization refused):
    /// whether requests carry `aws:SourceOrgID` is not known.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub organization_unknown: bool,
}

impl LiveContext {
    pub fn value(&self, p: Placeholder) -> Option<String> {
        match p {
            Placeholder::AccountId => Some(self.account_id.clone()),
            Placeholder::OrganizationId => self.organization_id.clone(),
            Placeholder::KmsKeyArn => self.kms_key_arn.clone(),
        }
    }
}

/// The live state of every resource in one graph.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LiveState<A> {
    pub context: LiveContext,
    pub resources: BTreeMap<Address, LiveResource<A>>,
    /// What is ctrail's, and what was found beside it that is not.
    #[serde(default)]
    pub ownership: crate::Ownership<A>,
    /// What ctrail reads without keeping it (the policy of a bucket someone
    /// else keeps) and could not read, with why: the preflight says it
    /// cannot judge, never guesses.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub unread: BTreeMap<Address, String>,
}

impl<A> Default for LiveState<A> {
    fn default() -> Self {
        LiveState {
            context: LiveContext::default(),
            resources: BTreeMap::new(),
            ownership: crate::Ownership::default(),
            unread: BTreeMap::new(),
        }
    }
}

impl<A> LiveState<A> {
    /// The live attributes of the resource at `address`, if it exists.
    pub fn present(&self, address: &Address) -> Option<&A> {
        self.resources.get(address).and_then(LiveResource::present)
    }

    /// The live attributes of the `K` resource `name`, if it exists.
    pub fn get<K: Variant<A>>(&self, name: &str) -> Option<&K> {
        self.present(&Address::new(K::KIND, name)).and_then(K::of)
    }

    /// Every `K` resource found, by name.
    pub fn all<'a, K: Variant<A> + 'a>(&'a self) -> impl Iterator<Item = (&'a str, &'a K)> {
        self.resources.iter().filter_map(|(a, r)| {
            (a.kind == K::KIND)
                .then(|| r.present().and_then(K::of))
                .flatten()
                .map(|k| (a.name.as_str(), k))
        })
    }
}
