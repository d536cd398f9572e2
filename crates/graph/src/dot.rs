//! Graphviz rendering of a resource graph.

use ctrail_model::EdgeReason;

use crate::graph::ResourceGraph;

fn quote(s: &str) -> String {
    format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""))
}

/// The graph in Graphviz DOT; edges AWS enforces are drawn bold and labelled.
pub fn to_dot(g: &ResourceGraph) -> String {
    let mut out = String::from(
        "digraph ctrail {\n  rankdir=LR;\n  node [shape=box, fontname=\"monospace\"];\n",
    );
    for r in g.resources() {
        let shape = if r.holds_audit_logs {
            ", style=bold"
        } else {
            ""
        };
        out.push_str(&format!(
            "  {}{};\n",
            quote(&r.address.to_string()),
            if shape.is_empty() {
                String::new()
            } else {
                format!(" [{}]", &shape[2..])
            }
        ));
    }
    for d in g.dependencies() {
        let attrs = match d.reason {
            EdgeReason::PartOf => String::new(),
            other => format!(" [label={}, style=bold]", quote(other.as_str())),
        };
        out.push_str(&format!(
            "  {} -> {}{};\n",
            quote(&d.from.to_string()),
            quote(&d.to.to_string()),
            attrs
        ));
    }
    out.push_str("}\n");
    out
}
