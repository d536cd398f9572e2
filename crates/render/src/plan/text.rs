//! The plan for a person in a terminal.

use std::fmt::Write;

use ctrail_model::{ActionKind, Effect, Finding};

use super::{Line, Tag, change_lines, security_line, summary_line, symbol, verb};
use crate::{Section, Style};

fn styled(style: Style, l: &Line) -> String {
    match l.tag {
        Tag::Added => style.green(&l.text),
        Tag::Removed => style.red(&l.text),
        Tag::Changed => style.yellow(&l.text),
        Tag::Context => l.text.clone(),
    }
}

pub fn render(section: &Section<'_>, style: Style) -> String {
    let plan = section.plan;
    let h = &plan.header;
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{}",
        style.bold(&format!(
            "ctrail plan: trail {} in account {}, {} ({})",
            h.trail, h.account_id, h.region, h.spec
        ))
    );
    let blocking: Vec<_> = plan.blocking().collect();
    findings(
        &mut out,
        &blocking,
        &style.alert(&format!(
            "Preflight: {} grant(s) AWS would refuse; this plan cannot be applied:",
            blocking.len()
        )),
        |f| style.alert(&format!("x {}", f.message())),
    );
    let accepted: Vec<_> = plan.preflight.iter().filter(|f| f.accepted).collect();
    findings(
        &mut out,
        &accepted,
        &style.bold(&format!(
            "Preflight: {} finding(s) accepted with --accept-finding (judged wrong by whoever planned; AWS may still refuse them):",
            accepted.len()
        )),
        |f| format!("! {}", f.message()),
    );
    let summary = plan.summary();
    if !summary.has_changes() {
        out.push_str(&super::unchanged(
            plan,
            |n| format!("\nNo changes. The account matches the spec ({n} resources checked).\n"),
            |address, note| format!("Note: {address}: {note}\n"),
        ));
        return out;
    }
    let _ = writeln!(
        out,
        "\nSymbols: + create, ~ update in place, -/+ replace, - destroy{}\n",
        if summary.adopt > 0 { ", <- adopt" } else { "" }
    );
    for a in plan.changes() {
        let head = format!(
            "{} {} ({}){}",
            symbol(a.kind),
            a.address,
            verb(a.kind),
            a.in_account()
        );
        let head = match a.kind {
            ActionKind::Create => style.green(&head),
            ActionKind::Update => style.yellow(&head),
            ActionKind::Replace => style.magenta(&head),
            ActionKind::Delete => style.red(&head),
            ActionKind::Adopt => style.bold(&head),
            ActionKind::NoOp => head,
        };
        let _ = writeln!(out, "  {head}");
        for c in &a.changes {
            for l in change_lines(a.address.kind, c) {
                let _ = writeln!(out, "      {}", styled(style, &l));
            }
        }
        for n in &a.security {
            let text = format!("! security: {}", security_line(n));
            let text = if n.effect == Effect::Weakens {
                style.alert(&text)
            } else {
                style.bold(&text)
            };
            let _ = writeln!(out, "      {text}");
        }
        if let Some(b) = &a.blocked {
            let _ = writeln!(out, "      {}", style.alert(&format!("x blocked: {b}")));
        }
        for n in &a.notes {
            let _ = writeln!(out, "      note: {n}");
        }
        out.push('\n');
    }
    let notes = super::unchanged_notes(plan);
    for (address, note) in &notes {
        let _ = writeln!(out, "Note: {address}: {note}");
    }
    for note in &section.cost_notes {
        let _ = writeln!(out, "Cost: {note}");
    }
    let owned = super::ownership_lines(plan);
    for line in &owned {
        let _ = writeln!(out, "{line}");
    }
    if !section.cost_notes.is_empty() || !notes.is_empty() || !owned.is_empty() {
        out.push('\n');
    }
    let _ = writeln!(out, "{}", style.bold(&summary_line(&summary)));
    out
}

/// A heading and one line a finding, when there are any.
fn findings(out: &mut String, list: &[&Finding], heading: &str, line: impl Fn(&Finding) -> String) {
    if list.is_empty() {
        return;
    }
    let _ = writeln!(out, "\n{heading}");
    for f in list {
        let _ = writeln!(out, "  {}", line(f));
    }
}
