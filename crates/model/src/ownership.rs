//! What ctrail owns: the tag on resources that take tags, and the ledger
//! for every resource ctrail created or adopted (docs/ownership.md).
//!
//! A resource is ctrail's when the ledger of its trail lists it, or when it
//! carries the tag `ctrail:managed-by` naming the trail. Only what is
//! ctrail's is ever deleted; anything else the plan leaves alone.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use crate::{Action, ActionKind, Address};

/// The tag ctrail puts on every resource it owns that takes tags; its value
/// is the trail whose spec manages the resource.
pub const OWNER_TAG: &str = "ctrail:managed-by";

/// The ledger: every resource (not its settings, which go with it) that
/// ctrail created or adopted for one trail, with the attributes it last
/// applied (`A`: the kinds' typed attributes; their JSON form in the stored
/// object), so a resource the spec dropped can still be found and deleted.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Ledger<A> {
    pub format: u32,
    pub trail: String,
    pub owned: BTreeMap<Address, A>,
}

impl<A> Default for Ledger<A> {
    fn default() -> Self {
        Ledger {
            format: 0,
            trail: String::new(),
            owned: BTreeMap::new(),
        }
    }
}

impl<A: Clone> Ledger<A> {
    pub const FORMAT: u32 = 1;

    /// The same ledger with each resource's attributes turned by `f`, or
    /// the first error `f` gives.
    pub fn try_map<B, E>(
        self,
        mut f: impl FnMut(&Address, A) -> Result<B, E>,
    ) -> Result<Ledger<B>, E> {
        let owned = self
            .owned
            .into_iter()
            .map(|(address, a)| {
                let b = f(&address, a)?;
                Ok((address, b))
            })
            .collect::<Result<_, E>>()?;
        Ok(Ledger {
            format: self.format,
            trail: self.trail,
            owned,
        })
    }

    pub fn new(trail: &str) -> Ledger<A> {
        Ledger {
            format: Self::FORMAT,
            trail: trail.to_owned(),
            owned: BTreeMap::new(),
        }
    }

    /// The ledger after an apply: what was created or adopted is added
    /// (with the attributes applied), what was deleted is removed, what was
    /// updated keeps its newest attributes. `completed`: the actions that
    /// were carried out; `desired`: their attributes.
    pub fn after<'a>(
        &self,
        completed: impl IntoIterator<Item = &'a Action>,
        desired: impl Fn(&Address) -> Option<A>,
        tracked: impl Fn(&Address) -> bool,
    ) -> Ledger<A> {
        let mut next = self.clone();
        next.format = Self::FORMAT;
        for a in completed {
            if !tracked(&a.address) {
                continue;
            }
            match a.kind {
                ActionKind::Delete => {
                    next.owned.remove(&a.address);
                }
                ActionKind::Create | ActionKind::Adopt => {
                    if let Some(v) = desired(&a.address) {
                        next.owned.insert(a.address.clone(), v);
                    }
                }
                ActionKind::Update | ActionKind::Replace | ActionKind::NoOp => {
                    if next.owned.contains_key(&a.address)
                        && let Some(v) = desired(&a.address)
                    {
                        next.owned.insert(a.address.clone(), v);
                    }
                }
            }
        }
        next
    }
}

/// What the reader learnt about ownership.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Ownership<A> {
    /// The ledger as read (empty when there is none yet).
    pub ledger: Ledger<A>,
    /// Resources carrying ctrail's tag for this trail.
    pub tagged: BTreeSet<Address>,
    /// Resources found beside ctrail's (on the trail's log group, say)
    /// that are not ctrail's and not in the spec: left alone.
    pub unmanaged: BTreeSet<Address>,
}

impl<A> Default for Ownership<A> {
    fn default() -> Self {
        Ownership {
            ledger: Ledger::default(),
            tagged: BTreeSet::new(),
            unmanaged: BTreeSet::new(),
        }
    }
}

impl<A> Ownership<A> {
    /// ctrail created or adopted it.
    pub fn owns(&self, address: &Address) -> bool {
        self.ledger.owned.contains_key(address) || self.tagged.contains(address)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ResourceKind;

    fn action(kind: ActionKind, address: &Address) -> Action {
        Action {
            account: None,
            address: address.clone(),
            kind,
            changes: Vec::new(),
            security: Vec::new(),
            blocked: None,
            notes: Vec::new(),
        }
    }

    #[test]
    fn the_ledger_gains_what_was_made_or_adopted_and_loses_what_was_deleted() {
        let f = Address::new(ResourceKind::MetricFilter, "f");
        let g = Address::new(ResourceKind::MetricFilter, "g");
        let h = Address::new(ResourceKind::MetricFilter, "h");
        let mut before: Ledger<u32> = Ledger::new("t");
        before.owned.insert(g.clone(), 1);
        let done = [
            action(ActionKind::Create, &f),
            action(ActionKind::Delete, &g),
            action(ActionKind::Update, &h),
        ];
        let after = before.after(&done, |_| Some(2), |_| true);
        assert_eq!(after.owned.keys().collect::<Vec<_>>(), vec![&f]);
        let json = serde_json::to_string(&after).expect("serialise");
        assert_eq!(
            serde_json::from_str::<Ledger<u32>>(&json).expect("parse"),
            after
        );
    }
}
