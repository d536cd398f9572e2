//! Plan renderings and the pieces they share: symbols, value formatting,
//! line diffs of JSON documents, security and summary lines.

pub mod json;
pub mod markdown;
pub mod text;

use ctrail_model::{ActionKind, AttributeChange, Effect, ResourceKind, SecurityNote, Summary};
use ctrail_policy::statements::{self, ChangeKind};
use serde_json::Value;
use similar::{ChangeTag, TextDiff};

pub fn symbol(kind: ActionKind) -> &'static str {
    match kind {
        ActionKind::Create => "+",
        ActionKind::Update => "~",
        ActionKind::Replace => "-/+",
        ActionKind::Delete => "-",
        ActionKind::Adopt => "<-",
        ActionKind::NoOp => " ",
    }
}

pub fn verb(kind: ActionKind) -> &'static str {
    match kind {
        ActionKind::Create => "create",
        ActionKind::Update => "update in place",
        ActionKind::Replace => "replace",
        ActionKind::Delete => "destroy",
        ActionKind::Adopt => {
            "adopt: it exists and ctrail did not make it; ctrail manages it from this apply on"
        }
        ActionKind::NoOp => "no change",
    }
}

pub fn summary_line(s: &Summary) -> String {
    let adopt = if s.adopt > 0 {
        format!(", {} to adopt", s.adopt)
    } else {
        String::new()
    };
    format!(
        "Plan: {} to add, {} to change, {} to replace, {} to destroy{adopt}.",
        s.add, s.change, s.replace, s.destroy
    )
}

/// One line per resource found beside ctrail's that is not ctrail's, and
/// per deletion the spec forbids.
pub fn ownership_lines(plan: &ctrail_model::Plan) -> Vec<String> {
    let mut lines: Vec<String> = plan
        .left_alone
        .iter()
        .map(|a| format!("{a}: not managed by ctrail, left alone"))
        .collect();
    lines.extend(plan.retained.iter().map(|r| format!("kept: {r}")));
    lines.extend(plan.prevented.iter().map(|p| format!("prevented: {p}")));
    lines
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
    match v {
        // A value only AWS will know: the ARN of a key this apply creates.
        Value::String(s) if is_placeholder(s) => "(known after apply)".to_owned(),
        _ => serde_json::to_string(v).unwrap_or_default(),
    }
}

fn is_placeholder(s: &str) -> bool {
    ctrail_model::Placeholder::ALL
        .iter()
        .any(|p| p.token() == s)
}

fn pretty(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        _ => serde_json::to_string_pretty(v).unwrap_or_default(),
    }
}

/// The lines of a changed policy document, statement by statement: which
/// statement (by Sid, or by position) was added, removed or changed, and for
/// a changed one, the elements that differ. Reordering alone never shows.
fn statement_lines(path: &str, old: &Value, new: &Value) -> Vec<Line> {
    let line = |tag, text: String| Line { tag, text };
    let mut out = vec![line(Tag::Changed, format!("~ {path}:"))];
    for c in statements::diff(old, new) {
        match c.kind {
            ChangeKind::Changed => {
                out.push(line(Tag::Changed, format!("  ~ {}:", c.label)));
                for e in &c.elements {
                    let (tag, text) = match (&e.old, &e.new) {
                        (None, Some(n)) => {
                            (Tag::Added, format!("  +     {}: {}", e.element, compact(n)))
                        }
                        (Some(o), None) => (
                            Tag::Removed,
                            format!("  -     {}: {}", e.element, compact(o)),
                        ),
                        (o, n) => (
                            Tag::Changed,
                            format!(
                                "  ~     {}: {} -> {}",
                                e.element,
                                o.as_ref().map(compact).unwrap_or_default(),
                                n.as_ref().map(compact).unwrap_or_default()
                            ),
                        ),
                    };
                    out.push(line(tag, text));
                }
            }
            ChangeKind::Added | ChangeKind::Removed => {
                let (sym, tag) = if c.kind == ChangeKind::Added {
                    ("+", Tag::Added)
                } else {
                    ("-", Tag::Removed)
                };
                out.push(line(tag, format!("  {sym} {}:", c.label)));
                let body = c.statement.as_ref().map(pretty).unwrap_or_default();
                for l in body.lines() {
                    out.push(line(tag, format!("  {sym}     {l}")));
                }
            }
        }
    }
    out
}

/// The lines of one attribute change: `~ path: old -> new` for scalars; for
/// a changed policy document, its statement-level changes; for other
/// documents, a line diff of their canonical pretty JSON with 3 lines of
/// context; for multi-line text (a Logs Insights query), a line diff of the
/// text.
pub fn change_lines(kind: ResourceKind, c: &AttributeChange) -> Vec<Line> {
    let line = |tag, text: String| Line { tag, text };
    if let (Some(old), Some(new)) = (&c.old, &c.new)
        && ctrail_differ::meaning::is_policy(kind, &c.path)
    {
        return statement_lines(&c.path, old, new);
    }
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
/// A plan without changes: its headline (given how many resources were
/// checked), then a line per note on an unchanged resource.
pub(crate) fn unchanged(
    plan: &ctrail_model::Plan,
    headline: impl Fn(usize) -> String,
    note: impl Fn(&str, &str) -> String,
) -> String {
    let mut out = headline(plan.summary().unchanged);
    for (address, n) in unchanged_notes(plan) {
        out.push_str(&note(&address, n));
    }
    for line in ownership_lines(plan) {
        out.push_str(&format!("{line}\n"));
    }
    out
}

fn unchanged_notes(plan: &ctrail_model::Plan) -> Vec<(String, &str)> {
    plan.actions
        .iter()
        .filter(|a| a.kind == ctrail_model::ActionKind::NoOp)
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

    /// The text lines of a change to `kind`'s attribute at `path`.
    fn texts(
        kind: ResourceKind,
        path: &str,
        old: Option<Value>,
        new: Option<Value>,
    ) -> Vec<String> {
        let c = AttributeChange {
            path: path.into(),
            old,
            new,
        };
        change_lines(kind, &c).into_iter().map(|l| l.text).collect()
    }

    #[test]
    fn adoption_ownership_and_protection_read_as_such() {
        use ctrail_model::{Action, Address, Plan};
        let trail = Address::new(ResourceKind::Trail, "t");
        let mut plan = Plan::new(
            Default::default(),
            vec![Action {
                account: None,
                address: trail,
                kind: ActionKind::Adopt,
                changes: Vec::new(),
                security: Vec::new(),
                blocked: None,
                notes: Vec::new(),
            }],
        );
        plan.left_alone = vec![Address::new(ResourceKind::MetricFilter, "HandMade")];
        plan.retained = vec!["s3_bucket.b: holds audit logs".into()];
        plan.prevented = vec!["metric_filter.x would be deleted".into()];
        let section = crate::Section::new(&plan);
        let text = text::render(&section, crate::Style::PLAIN);
        for part in [
            "Symbols: + create, ~ update in place, -/+ replace, - destroy, <- adopt",
            "  <- trail.t (adopt: it exists and ctrail did not make it; ctrail manages it from this apply on)",
            "metric_filter.HandMade: not managed by ctrail, left alone",
            "kept: s3_bucket.b: holds audit logs",
            "prevented: metric_filter.x would be deleted",
            "Plan: 0 to add, 0 to change, 0 to replace, 0 to destroy, 1 to adopt.",
        ] {
            assert!(text.contains(part), "{part:?} missing:\n{text}");
        }
        let md = markdown::render(&section);
        assert!(
            md.contains(
                "- **Ownership:** metric_filter.HandMade: not managed by ctrail, left alone"
            ),
            "{md}"
        );
        let doc = json::document(&section);
        assert_eq!(
            doc["left_alone"],
            serde_json::json!(["metric_filter.HandMade"])
        );
        assert_eq!(doc["actions"][0]["kind"], "adopt");
        // A saved plan reads back with all of it.
        let back: Plan = serde_json::from_value(doc).expect("plan");
        assert_eq!(back.left_alone, plan.left_alone);
        assert_eq!(back.prevented, plan.prevented);
    }

    #[test]
    fn scalar_and_document_changes() {
        let c = AttributeChange {
            path: "retention_in_days".into(),
            old: Some(json!(30)),
            new: Some(json!(90)),
        };
        assert_eq!(
            change_lines(ResourceKind::LogGroupRetention, &c)[0].text,
            "~ retention_in_days: 30 -> 90"
        );
        let lines = texts(
            ResourceKind::S3BucketLifecycle,
            "rules",
            Some(json!({"Statement": [{"Action": "s3:GetObject", "Effect": "Allow"}]})),
            Some(json!({"Statement": [{"Action": "s3:PutObject", "Effect": "Allow"}]})),
        );
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
    fn policies_diff_by_statement_and_ignore_order() {
        let old = json!({"Version": "2012-10-17", "Statement": [
            {"Sid": "Write", "Effect": "Allow", "Principal": {"Service": "cloudtrail.amazonaws.com"},
             "Action": "s3:PutObject", "Resource": "arn:aws:s3:::b/*"},
            {"Sid": "Acl", "Effect": "Allow", "Principal": {"Service": "cloudtrail.amazonaws.com"},
             "Action": "s3:GetBucketAcl", "Resource": "arn:aws:s3:::b"}]});
        let new = json!({"Version": "2012-10-17", "Statement": [
            {"Sid": "Acl", "Effect": "Allow", "Principal": {"Service": "cloudtrail.amazonaws.com"},
             "Action": "s3:GetBucketAcl", "Resource": "arn:aws:s3:::b"},
            {"Sid": "Write", "Effect": "Allow", "Principal": {"Service": "cloudtrail.amazonaws.com"},
             "Action": "s3:PutObject", "Resource": "arn:aws:s3:::b/AWSLogs/1/*"}]});
        let lines = texts(ResourceKind::S3BucketPolicy, "policy", Some(old), Some(new));
        assert_eq!(
            lines,
            [
                "~ policy:",
                "  ~ statement \"Write\":",
                "  ~     Resource: \"arn:aws:s3:::b/*\" -> \"arn:aws:s3:::b/AWSLogs/1/*\"",
            ]
        );
    }

    #[test]
    fn multi_line_text_diffs_by_line() {
        let lines = texts(
            ResourceKind::QueryDefinition,
            "query_string",
            Some(json!("fields a\n| filter b = 1\n| sort a desc")),
            Some(json!("fields a\n| filter b = 2\n| sort a desc")),
        );
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
