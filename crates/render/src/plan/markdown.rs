//! The plan as a pull-request comment: a summary, then one collapsible
//! section per changed resource with a `diff` block.

use std::fmt::Write;

use ctrail_model::{Effect, Finding};

use super::{Line, Tag, change_lines, security_line, summary_line, symbol, verb};
use crate::Section;

pub fn render(section: &Section<'_>) -> String {
    let plan = section.plan;
    let h = &plan.header;
    let summary = plan.summary();
    let mut out = String::new();
    let _ = writeln!(
        out,
        "### ctrail plan: `{}` in account `{}`, `{}`\n",
        h.trail, h.account_id, h.region
    );
    let _ = writeln!(out, "Spec: `{}`\n", h.spec);
    let blocking: Vec<_> = plan.blocking().collect();
    findings(&mut out, &blocking, "CAUTION", |n| {
        format!("**Preflight: {n} grant(s) AWS would refuse; this plan cannot be applied.**")
    });
    let accepted: Vec<_> = plan.preflight.iter().filter(|f| f.accepted).collect();
    findings(&mut out, &accepted, "WARNING", |n| {
        format!(
            "**Preflight: {n} finding(s) accepted with `--accept-finding`.** Whoever planned judged the preflight wrong here; review each, AWS may still refuse it."
        )
    });
    if !summary.has_changes() {
        out.push_str(&super::unchanged(
            plan,
            |n| format!("**No changes.** The account matches the spec ({n} resources checked).\n"),
            |address, note| format!("\n- **Note:** `{address}`: {note}\n"),
        ));
        return out;
    }
    let _ = writeln!(out, "**{}**\n", summary_line(&summary));
    let weakening: Vec<String> = plan
        .changes()
        .flat_map(|a| {
            a.security
                .iter()
                .filter(|n| n.effect == Effect::Weakens)
                .map(move |n| format!("`{}`: {}", a.address, security_line(n)))
        })
        .collect();
    if !weakening.is_empty() {
        let _ = writeln!(out, "> [!WARNING]\n> This plan weakens the audit trail:");
        for w in &weakening {
            let _ = writeln!(out, "> - {w}");
        }
        out.push('\n');
    }
    for a in plan.changes() {
        let account = a.in_account();
        let _ = writeln!(
            out,
            "<details><summary><code>{} {}</code> ({}){account}</summary>\n",
            symbol(a.kind),
            a.address,
            verb(a.kind)
        );
        let _ = writeln!(out, "```diff");
        for c in &a.changes {
            for l in change_lines(a.address.kind, c) {
                let _ = writeln!(out, "{}", diff_line(&l));
            }
        }
        let _ = writeln!(out, "```");
        if !a.security.is_empty() || a.blocked.is_some() || !a.notes.is_empty() {
            out.push('\n');
        }
        for n in &a.security {
            let _ = writeln!(out, "- **security:** {}", security_line(n));
        }
        if let Some(b) = &a.blocked {
            let _ = writeln!(out, "- **blocked:** {b}");
        }
        for n in &a.notes {
            let _ = writeln!(out, "- **note:** {n}");
        }
        let _ = writeln!(out, "\n</details>\n");
    }
    for (address, note) in super::unchanged_notes(plan) {
        let _ = writeln!(out, "- **Note:** `{address}`: {note}");
    }
    for note in &section.cost_notes {
        let _ = writeln!(out, "- **Cost:** {note}");
    }
    for line in super::ownership_lines(plan) {
        let _ = writeln!(out, "- **Ownership:** {line}");
    }
    out
}

/// A line for a ```diff block: the marker in column 0, where GitHub's
/// highlighting looks for it (`!` for a changed scalar). Lines from
/// `change_lines` carry a 2-character prefix (attribute lines) or a
/// 4-character one (lines of a document), which the marker replaces.
fn diff_line(l: &Line) -> String {
    let prefix = if l.text.starts_with("  ") { 4 } else { 2 };
    let body = l.text.get(prefix..).unwrap_or_default();
    let marker = match l.tag {
        Tag::Added => '+',
        Tag::Removed => '-',
        Tag::Changed => '!',
        Tag::Context => ' ',
    };
    let pad = if prefix == 4 { "   " } else { " " };
    format!("{marker}{pad}{body}")
}

/// The findings of `list`, if any, in a GitHub alert of type `alert` headed
/// by `heading` (given how many there are).
fn findings(out: &mut String, list: &[&Finding], alert: &str, heading: impl Fn(usize) -> String) {
    if list.is_empty() {
        return;
    }
    let _ = writeln!(out, "> [!{alert}]\n> {}", heading(list.len()));
    for f in list {
        let _ = writeln!(out, "> - {}", f.message());
    }
    out.push('\n');
}
