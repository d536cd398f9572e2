//! The resource graph as an ordered, annotated list.

use std::fmt::Write;

use ctrail_graph::{GraphError, ResourceGraph};
use ctrail_model::EdgeReason;
use ctrail_spec::Spec;

pub fn text(spec: &Spec, g: &ResourceGraph, attributes: bool) -> Result<String, GraphError> {
    let waves = g.waves()?;
    let mut out = String::new();
    let _ = writeln!(
        out,
        "trail {} in {} ({}), from {}",
        spec.trail.name,
        spec.region,
        spec.account_id
            .as_deref()
            .map_or("any account".to_owned(), |a| format!("account {a}")),
        spec.source
    );
    let _ = writeln!(
        out,
        "{} resources in {} waves, in apply order:",
        g.len(),
        waves.len()
    );
    let width = g
        .resources()
        .map(|r| r.address.to_string().len())
        .max()
        .unwrap_or(0);
    let mut n = 0;
    for (i, wave) in waves.iter().enumerate() {
        let _ = writeln!(out, "\nwave {}", i + 1);
        for r in wave {
            n += 1;
            let mark = if r.holds_audit_logs {
                "  [holds audit logs]"
            } else {
                ""
            };
            let line = format!("  {n:>3}. {:<width$}{mark}", r.address.to_string());
            let _ = writeln!(out, "{}", line.trim_end());
            for (before, reason) in g.prerequisites(&r.address) {
                if reason == EdgeReason::PartOf {
                    let _ = writeln!(out, "         part of {before}");
                } else {
                    let _ = writeln!(out, "         after {before} ({})", reason.as_str());
                }
            }
            if attributes {
                let pretty = serde_json::to_string_pretty(&r.desired.to_json()).unwrap_or_default();
                for line in pretty.lines() {
                    let _ = writeln!(out, "         | {line}");
                }
            }
        }
    }
    let placeholders = g.placeholders();
    if !placeholders.is_empty() {
        let tokens: Vec<&str> = placeholders.iter().map(|p| p.token()).collect();
        let _ = writeln!(
            out,
            "\nresolved from AWS when planning: {}",
            tokens.join(", ")
        );
    }
    Ok(out)
}

pub fn json(g: &ResourceGraph) -> Result<String, GraphError> {
    let waves = g.waves()?;
    let doc = serde_json::json!({
        "format_version": 1,
        "waves": waves.iter().map(|w| w.iter().map(|r| r.address.to_string()).collect::<Vec<_>>()).collect::<Vec<_>>(),
        "resources": g.ordered()?.iter().map(|r| serde_json::json!({
            "address": r.address.to_string(),
            "kind": r.address.kind,
            "name": r.address.name,
            "holds_audit_logs": r.holds_audit_logs,
            "desired": r.desired,
        })).collect::<Vec<_>>(),
        "dependencies": g.dependencies().iter().map(|d| serde_json::json!({
            "from": d.from.to_string(),
            "to": d.to.to_string(),
            "reason": d.reason,
        })).collect::<Vec<_>>(),
        "placeholders": g.placeholders().iter().map(|p| p.token()).collect::<Vec<_>>(),
    });
    Ok(serde_json::to_string_pretty(&doc).unwrap_or_default())
}
