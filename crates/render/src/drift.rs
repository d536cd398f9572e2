//! Drift reports for scheduled jobs: JSON lines for alerting pipelines, or
//! Markdown for a ticket or chat message. Drift is the plan read the other
//! way round: what AWS has (`live`) that the spec does not (`desired`).

use std::fmt::Write;

use ctrail_model::{AttributeChange, Effect, Plan, ResourceKind};
use ctrail_policy::statements::{self, ChangeKind};
use serde_json::{Value, json};

/// What drifted, from the point of view of the account: a setting weakened
/// in AWS is reported as weakened.
fn drift_effect(e: Effect) -> &'static str {
    match e {
        // The plan would restore it: AWS is weaker than the spec.
        Effect::Restores => "weakened",
        Effect::Weakens => "strengthened",
        Effect::Changes => "changed",
    }
}

/// One attribute that drifted; a policy document also lists its drift
/// statement by statement (`statements`: added, removed or changed, by Sid).
fn change(kind: ResourceKind, c: &AttributeChange) -> Value {
    #[derive(serde::Serialize)]
    struct Drifted<'a> {
        path: &'a str,
        live: &'a Option<Value>,
        desired: &'a Option<Value>,
        #[serde(skip_serializing_if = "Option::is_none")]
        statements: Option<Vec<statements::StatementChange>>,
    }
    let statements = match (&c.old, &c.new) {
        (Some(old), Some(new)) if ctrail_differ::meaning::is_policy(kind, &c.path) => {
            Some(statements::diff(old, new))
        }
        _ => None,
    };
    json!(Drifted {
        path: &c.path,
        live: &c.old,
        desired: &c.new,
        statements,
    })
}

/// A policy's drift in a table cell: the statements that differ.
fn statement_cell(old: &Value, new: &Value) -> (String, String) {
    let (mut live, mut spec) = (Vec::new(), Vec::new());
    for c in statements::diff(old, new) {
        let elements: Vec<&str> = c.elements.iter().map(|e| e.element.as_str()).collect();
        match c.kind {
            ChangeKind::Added => spec.push(format!("{} (missing in AWS)", c.label)),
            ChangeKind::Removed => live.push(format!("{} (not in the spec)", c.label)),
            ChangeKind::Changed => {
                let what = format!("{} (changed: {})", c.label, elements.join(", "));
                live.push(what.clone());
                spec.push(what);
            }
        }
    }
    let cell = |v: Vec<String>| {
        if v.is_empty() {
            "—".to_owned()
        } else {
            v.join("; ").replace('|', "\\|")
        }
    };
    (cell(live), cell(spec))
}

/// One line per drifted resource, then one summary line.
pub fn json_lines(plan: &Plan) -> String {
    json_lines_in(plan, None)
}

/// `json_lines`, the summary line naming `account`, the trail's account as
/// `name (account id)` in a spec with `accounts` (as `ctrail drift SPEC...`
/// names it in its summary), and the deletes `prevent_destroy` forbids: what
/// `ctrail summary` needs to give each spec the line `ctrail drift` would.
pub fn json_lines_in(plan: &Plan, account: Option<&str>) -> String {
    let h = &plan.header;
    let mut out = String::new();
    let mut drifted = 0;
    for a in plan.changes() {
        drifted += 1;
        let mut line = json!({
            "type": "drift",
            "spec": h.spec,
            "trail": h.trail,
            "account_id": h.account_id,
            "region": h.region,
            "address": a.address.to_string(),
            "resource_kind": a.address.kind,
            "action": a.kind,
            "changes": a.changes.iter().map(|c| change(a.address.kind, c)).collect::<Vec<Value>>(),
            "security": a.security.iter().map(|n| json!({"path": n.path, "subject": n.subject, "drift": drift_effect(n.effect)})).collect::<Vec<Value>>(),
        });
        // In a spec that spans several accounts: the resource's own.
        if let (Some(account), Some(fields)) = (&a.account, line.as_object_mut()) {
            fields.insert("account".into(), Value::from(account.as_str()));
        }
        let _ = writeln!(out, "{line}");
    }
    // A grant AWS would refuse is drift of what the account allows: the
    // trail cannot deliver (or would be refused) as the spec intends.
    for f in &plan.preflight {
        let line = json!({
            "type": "preflight",
            "spec": h.spec,
            "trail": h.trail,
            "account_id": h.account_id,
            "region": h.region,
            "finding": f,
            "message": f.message(),
        });
        let _ = writeln!(out, "{line}");
    }
    let mut summary = json!({
        "type": "summary",
        "spec": h.spec,
        "trail": h.trail,
        "account_id": h.account_id,
        "region": h.region,
        "drifted": drifted,
        "checked": plan.actions.len(),
        "preflight": plan.preflight.len(),
    });
    if let Some(account) = account {
        summary["account"] = Value::from(account);
    }
    if !plan.prevented.is_empty() {
        summary["prevented"] = json!(plan.prevented);
    }
    let _ = writeln!(out, "{summary}");
    out
}

pub fn markdown(plan: &Plan) -> String {
    let h = &plan.header;
    let mut out = String::new();
    let changed: Vec<_> = plan.changes().collect();
    let _ = writeln!(
        out,
        "### ctrail drift: `{}` in account `{}`, `{}`\n",
        h.trail, h.account_id, h.region
    );
    if !plan.preflight.is_empty() {
        let _ = writeln!(
            out,
            "> [!CAUTION]\n> **{} grant(s) AWS would refuse:** the trail cannot work as `{}` intends.",
            plan.preflight.len(),
            h.spec
        );
        for f in &plan.preflight {
            let _ = writeln!(out, "> - {}", f.message());
        }
        out.push('\n');
    }
    if changed.is_empty() {
        let _ = writeln!(
            out,
            "No drift: {} resources match `{}`.",
            plan.actions.len(),
            h.spec
        );
        return out;
    }
    let _ = writeln!(
        out,
        "{} of {} resources differ from `{}`.\n",
        changed.len(),
        plan.actions.len(),
        h.spec
    );
    let _ = writeln!(
        out,
        "| resource | attribute | in AWS | in the spec |\n| --- | --- | --- | --- |"
    );
    let cell = |v: &Option<Value>| match v {
        None => "(absent)".to_owned(),
        Some(v) => {
            let s = serde_json::to_string(v).unwrap_or_default();
            let s = if s.chars().count() > 80 {
                format!("{}…", s.chars().take(80).collect::<String>())
            } else {
                s
            };
            format!("`{}`", s.replace('|', "\\|"))
        }
    };
    for a in &changed {
        for c in &a.changes {
            let (live, spec) = match (&c.old, &c.new) {
                (Some(old), Some(new))
                    if ctrail_differ::meaning::is_policy(a.address.kind, &c.path) =>
                {
                    statement_cell(old, new)
                }
                _ => (cell(&c.old), cell(&c.new)),
            };
            let account = a.in_account();
            let _ = writeln!(
                out,
                "| `{}`{account} | `{}` | {live} | {spec} |",
                a.address, c.path
            );
        }
    }
    let notes: Vec<String> = changed
        .iter()
        .flat_map(|a| {
            a.security.iter().map(move |n| {
                format!(
                    "`{}`: {} was {} in AWS (`{}`)",
                    a.address,
                    n.subject,
                    drift_effect(n.effect),
                    n.path
                )
            })
        })
        .collect();
    if !notes.is_empty() {
        let _ = writeln!(out, "\n**Security-relevant:**\n");
        for n in notes {
            let _ = writeln!(out, "- {n}");
        }
    }
    out
}
