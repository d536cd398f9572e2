//! The verdicts as text (a terminal), JSON (tools) or Markdown (a ticket or
//! a pull-request comment).

use std::fmt::Write;

use crate::checks::{Check, Status, overall};

/// What to do about a verdict.
fn advice(status: Status) -> &'static str {
    match status {
        Status::Pass => "The trail is delivering.",
        Status::Pending => {
            "Some deliveries have not arrived yet (5-15 minutes after an event; hours for an opt-in region). Run ctrail verify again, or with --wait 20m."
        }
        Status::Fail => "The trail is not working as the spec asks: see the failed checks.",
    }
}

pub fn text(trail: &str, checks: &[Check]) -> String {
    let mut out = format!("Verifying trail {trail}:\n");
    for c in checks {
        let _ = writeln!(out, "  {:7} {}: {}", c.status.as_str(), c.id, c.evidence);
    }
    let verdict = overall(checks);
    let _ = writeln!(out, "\nVerdict: {}. {}", verdict.as_str(), advice(verdict));
    out
}

pub fn markdown(trail: &str, checks: &[Check]) -> String {
    let mut out = format!(
        "### ctrail verify: trail `{trail}`\n\n| check | verdict | evidence |\n|---|---|---|\n"
    );
    for c in checks {
        let evidence = c.evidence.replace('|', "\\|");
        let _ = writeln!(out, "| `{}` | {} | {evidence} |", c.id, c.status.as_str());
    }
    let verdict = overall(checks);
    let _ = writeln!(
        out,
        "\n**Verdict: {}.** {}",
        verdict.as_str(),
        advice(verdict)
    );
    out
}

pub fn json(trail: &str, checks: &[Check]) -> serde_json::Value {
    serde_json::json!({
        "trail": trail,
        "verdict": overall(checks),
        "checks": checks,
    })
}
