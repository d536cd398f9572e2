//! The resource graph: nodes are resources with desired attributes, edges say
//! "must exist first" and why.

use std::collections::{BTreeMap, BTreeSet};

use petgraph::Direction;
use petgraph::stable_graph::{NodeIndex, StableDiGraph};
use serde::Serialize;

use ctrail_kinds::Attributes;
use ctrail_model::EdgeReason;
use ctrail_model::placeholder::Placeholder;
use ctrail_model::{Address, Variant};

/// One resource and everything ctrail wants it to be.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Resource {
    pub address: Address,
    /// Fully resolved desired attributes, except for placeholders.
    pub desired: Attributes,
    /// Holds audit logs: a plan never deletes or replaces it unless the spec
    /// allows it (`allow_destroy`).
    pub holds_audit_logs: bool,
    /// The spec's `allow_destroy` for resources that hold audit logs.
    pub destroy_allowed: bool,
}

/// An edge `from -> to`: `from` must exist before `to`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Dependency {
    pub from: Address,
    pub to: Address,
    pub reason: EdgeReason,
}

#[derive(Debug, thiserror::Error)]
pub enum GraphError {
    #[error("resource {0} is declared twice")]
    Duplicate(Address),
    #[error("edge names {0}, which is not in the graph")]
    UnknownResource(Address),
    /// Attributes that are not their kind's once a placeholder is filled in.
    #[error("{0}")]
    Unfit(#[source] ctrail_kinds::AttributesError),
    #[error("the resources {0:?} depend on each other in a cycle")]
    Cycle(Vec<String>),
}

/// Resources of one spec and their ordering constraints.
#[derive(Debug, Clone, Default)]
pub struct ResourceGraph {
    graph: StableDiGraph<Resource, EdgeReason>,
    index: BTreeMap<Address, NodeIndex>,
}

impl ResourceGraph {
    pub fn add(&mut self, resource: Resource) -> Result<(), GraphError> {
        if self.index.contains_key(&resource.address) {
            return Err(GraphError::Duplicate(resource.address));
        }
        let address = resource.address.clone();
        let ix = self.graph.add_node(resource);
        self.index.insert(address, ix);
        Ok(())
    }

    pub fn depend(
        &mut self,
        from: &Address,
        to: &Address,
        reason: EdgeReason,
    ) -> Result<(), GraphError> {
        let a = *self
            .index
            .get(from)
            .ok_or_else(|| GraphError::UnknownResource(from.clone()))?;
        let b = *self
            .index
            .get(to)
            .ok_or_else(|| GraphError::UnknownResource(to.clone()))?;
        self.graph.update_edge(a, b, reason);
        Ok(())
    }

    pub fn len(&self) -> usize {
        self.index.len()
    }

    pub fn is_empty(&self) -> bool {
        self.index.is_empty()
    }

    pub fn get(&self, address: &Address) -> Option<&Resource> {
        self.index.get(address).map(|ix| &self.graph[*ix])
    }

    /// The desired attributes of the `K` resource `name`, if the graph has it.
    pub fn want<K: Variant<Attributes>>(&self, name: &str) -> Option<&K> {
        self.get(&Address::new(K::KIND, name))
            .and_then(|r| K::of(&r.desired))
    }

    /// Every `K` resource of the graph with its desired attributes, by name.
    pub fn each<'a, K: Variant<Attributes> + 'a>(
        &'a self,
    ) -> impl Iterator<Item = (&'a str, &'a K)> {
        self.resources()
            .filter_map(|r| K::of(&r.desired).map(|k| (r.address.name.as_str(), k)))
    }

    /// Resources in address order.
    pub fn resources(&self) -> impl Iterator<Item = &Resource> {
        self.index.values().map(|ix| &self.graph[*ix])
    }

    /// Every edge, sorted.
    pub fn dependencies(&self) -> Vec<Dependency> {
        let mut out: Vec<Dependency> = self
            .graph
            .edge_indices()
            .filter_map(|e| {
                let (a, b) = self.graph.edge_endpoints(e)?;
                Some(Dependency {
                    from: self.graph[a].address.clone(),
                    to: self.graph[b].address.clone(),
                    reason: self.graph[e],
                })
            })
            .collect();
        out.sort();
        out
    }

    /// What must exist before `address`.
    pub fn prerequisites(&self, address: &Address) -> Vec<(Address, EdgeReason)> {
        self.neighbours(address, Direction::Incoming)
    }

    /// What waits for `address`.
    pub fn dependents(&self, address: &Address) -> Vec<(Address, EdgeReason)> {
        self.neighbours(address, Direction::Outgoing)
    }

    fn neighbours(&self, address: &Address, dir: Direction) -> Vec<(Address, EdgeReason)> {
        let Some(ix) = self.index.get(address) else {
            return Vec::new();
        };
        let mut out: Vec<(Address, EdgeReason)> = self
            .graph
            .edges_directed(*ix, dir)
            .map(|e| {
                let other = if dir == Direction::Incoming {
                    petgraph::visit::EdgeRef::source(&e)
                } else {
                    petgraph::visit::EdgeRef::target(&e)
                };
                (self.graph[other].address.clone(), *e.weight())
            })
            .collect();
        out.sort();
        out
    }

    /// Resources in an order where every resource follows what it depends on,
    /// grouped in waves: everything in a wave can be worked on at once, once
    /// the waves before it are done. Ties are broken by address, so the order
    /// is stable from run to run.
    pub fn waves(&self) -> Result<Vec<Vec<&Resource>>, GraphError> {
        let mut indegree: BTreeMap<NodeIndex, usize> = self
            .index
            .values()
            .map(|ix| {
                (
                    *ix,
                    self.graph
                        .neighbors_directed(*ix, Direction::Incoming)
                        .count(),
                )
            })
            .collect();
        let mut ready: BTreeSet<(Address, NodeIndex)> = indegree
            .iter()
            .filter(|(_, d)| **d == 0)
            .map(|(ix, _)| (self.graph[*ix].address.clone(), *ix))
            .collect();
        let mut waves = Vec::new();
        let mut seen = 0;
        while !ready.is_empty() {
            let wave: Vec<(Address, NodeIndex)> = std::mem::take(&mut ready).into_iter().collect();
            for (_, ix) in &wave {
                for next in self.graph.neighbors_directed(*ix, Direction::Outgoing) {
                    if let Some(d) = indegree.get_mut(&next) {
                        *d -= 1;
                        if *d == 0 {
                            ready.insert((self.graph[next].address.clone(), next));
                        }
                    }
                }
            }
            seen += wave.len();
            waves.push(wave.into_iter().map(|(_, ix)| &self.graph[ix]).collect());
        }
        if seen != self.index.len() {
            let stuck = indegree
                .iter()
                .filter(|(_, d)| **d > 0)
                .map(|(ix, _)| self.graph[*ix].address.to_string())
                .collect();
            return Err(GraphError::Cycle(stuck));
        }
        Ok(waves)
    }

    /// Resources in apply order (the waves, flattened).
    pub fn ordered(&self) -> Result<Vec<&Resource>, GraphError> {
        Ok(self.waves()?.into_iter().flatten().collect())
    }

    /// Placeholders the reader must resolve before desired state is final.
    pub fn placeholders(&self) -> Vec<Placeholder> {
        let mut all: Vec<Placeholder> = self
            .resources()
            .flat_map(|r| r.desired.placeholders())
            .collect();
        all.sort();
        all.dedup();
        all
    }

    /// Replaces placeholders in every resource's desired attributes.
    pub fn resolve(
        &mut self,
        lookup: &impl Fn(Placeholder) -> Option<String>,
    ) -> Result<(), GraphError> {
        for ix in self.index.values() {
            let r = &mut self.graph[*ix];
            r.desired = r
                .desired
                .resolved(&r.address.name, lookup)
                .map_err(GraphError::Unfit)?;
        }
        Ok(())
    }
}
