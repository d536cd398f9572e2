//! Plan renderings and the pieces they share: symbols, value formatting,
//! line diffs of JSON documents, security and summary lines.

pub mod json;
pub mod markdown;
pub mod text;

use ctrail_differ::{ActionKind, AttributeChange, Effect, SecurityNote, Summary};
use serde_json::Value;
use similar::{ChangeTag, TextDiff};

pub fn symbol(kind: ActionKind) -> &'static str {
    match kind {
        ActionKind::Create => "+",
        ActionKind::Update => "~",
        ActionKind::Replace => "-/+",
        ActionKind::Delete => "-",
        ActionKind::NoOp => " ",
    }
}

pub fn verb(kind: ActionKind) -> &'static str {
    match kind {
        ActionKind::Create => "create",
        ActionKind::Update => "update in place",
        ActionKind::Replace => "replace",
        ActionKind::Delete => "destroy",
        ActionKind::NoOp => "no change",
    }
}

pub fn summary_line(s: &Summary) -> String {
    format!(
        "Plan: {} to add, {} to change, {} to replace, {} to destroy.",
        s.add, s.change, s.replace, s.destroy
    )
}

pub fn security_line(n: &SecurityNote) -> String {
    match n.effect {
        Effect::Weakens => format!("weakens {} ({})", n.subject, n.path),
        Effect::Restores => format!(
            "restores {} ({}): it is weaker in AWS than in the spec",
            n.subject, n.path
        ),
        Effect::Changes => format!("changes {} ({})", n.subject, n.path),
    }
}

/// How a line of a change reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tag {
    Added,
    Removed,
    Changed,
    Context,
}

/// One rendered line of an attribute change, before styling.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Line {
    pub tag: Tag,
    pub text: String,
}

fn block(v: &Value) -> bool {
    match v {
        // A query or other multi-line text reads as its lines.
        Value::String(s) => s.contains('\n'),
        Value::Object(m) => !m.is_empty(),
        Value::Array(a) => a.iter().any(|x| x.is_object() || x.is_array()) || a.len() > 3,
        _ => false,
    }
}

fn compact(v: &Value) -> String {
    serde_json::to_string(v).unwrap_or_default()
}

fn pretty(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        _ => serde_json::to_string_pretty(v).unwrap_or_default(),
    }
}

/// The lines of one attribute change: `~ path: old -> new` for scalars; for
/// documents, a line diff of their canonical pretty JSON with 3 lines of
/// context, so a reviewer sees the exact statement that changed; for
/// multi-line text (a Logs Insights query), a line diff of the text.
pub fn change_lines(c: &AttributeChange) -> Vec<Line> {
    let line = |tag, text: String| Line { tag, text };
    let old_block = c.old.as_ref().is_some_and(block);
    let new_block = c.new.as_ref().is_some_and(block);
    if !old_block && !new_block {
        return vec![match (&c.old, &c.new) {
            (None, Some(n)) => line(Tag::Added, format!("+ {}: {}", c.path, compact(n))),
            (Some(o), None) => line(Tag::Removed, format!("- {}: {}", c.path, compact(o))),
            (Some(o), Some(n)) => line(
                Tag::Changed,
                format!("~ {}: {} -> {}", c.path, compact(o), compact(n)),
            ),
            (None, None) => line(Tag::Context, format!("  {}", c.path)),
        }];
    }
    let (sym, tag) = match (&c.old, &c.new) {
        (None, _) => ("+", Tag::Added),
        (_, None) => ("-", Tag::Removed),
        _ => ("~", Tag::Changed),
    };
    let mut out = vec![line(tag, format!("{sym} {}:", c.path))];
    let old = c.old.as_ref().map(pretty).unwrap_or_default();
    let new = c.new.as_ref().map(pretty).unwrap_or_default();
    let diff = TextDiff::from_lines(old.as_str(), new.as_str());
    for (i, group) in diff.grouped_ops(3).iter().enumerate() {
        if i > 0 {
            out.push(line(Tag::Context, "    ...".to_owned()));
        }
        for op in group {
            for change in diff.iter_changes(op) {
                let text = change.value().trim_end_matches('\n').to_owned();
                out.push(match change.tag() {
                    ChangeTag::Delete => line(Tag::Removed, format!("  - {text}")),
                    ChangeTag::Insert => line(Tag::Added, format!("  + {text}")),
                    ChangeTag::Equal => line(Tag::Context, format!("    {text}")),
                });
            }
        }
    }
    out
}

/// Notes on resources the plan leaves as they are.
pub(crate) fn unchanged_notes(plan: &ctrail_differ::Plan) -> Vec<(String, &str)> {
    plan.actions
        .iter()
        .filter(|a| a.kind == ctrail_differ::ActionKind::NoOp)
        .flat_map(|a| {
            a.notes
                .iter()
                .map(move |n| (a.address.to_string(), n.as_str()))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn scalar_and_document_changes() {
        let c = AttributeChange {
            path: "retention_in_days".into(),
            old: Some(json!(30)),
            new: Some(json!(90)),
        };
        assert_eq!(change_lines(&c)[0].text, "~ retention_in_days: 30 -> 90");
        let c = AttributeChange {
            path: "policy".into(),
            old: Some(json!({"Statement": [{"Action": "s3:GetObject", "Effect": "Allow"}]})),
            new: Some(json!({"Statement": [{"Action": "s3:PutObject", "Effect": "Allow"}]})),
        };
        let lines: Vec<String> = change_lines(&c).into_iter().map(|l| l.text).collect();
        assert!(
            lines.contains(&"  -       \"Action\": \"s3:GetObject\",".to_owned()),
            "{lines:#?}"
        );
        assert!(
            lines.contains(&"  +       \"Action\": \"s3:PutObject\",".to_owned()),
            "{lines:#?}"
        );
    }

    #[test]
    fn multi_line_text_diffs_by_line() {
        let c = AttributeChange {
            path: "query_string".into(),
            old: Some(json!("fields a\n| filter b = 1\n| sort a desc")),
            new: Some(json!("fields a\n| filter b = 2\n| sort a desc")),
        };
        let lines: Vec<String> = change_lines(&c).into_iter().map(|l| l.text).collect();
        assert_eq!(
            lines,
            [
                "~ query_string:",
                "    fields a",
                "  - | filter b = 1",
                "  + | filter b = 2",
                "    | sort a desc",
            ]
        );
    }
}
