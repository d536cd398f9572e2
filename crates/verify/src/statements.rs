//! Policy documents and event selectors as an auditor reads them: one row
//! per statement (Sid, effect, principal, actions, resources, conditions)
//! or per selector. Policies are parsed by `ctrail_policy`, selectors read
//! as `ctrail_kinds` stores them; every legal form (a string or a list, `"*"`
//! or a map of principals, a missing Sid, the `Not` elements) gets a row.

use ctrail_kinds::cloudtrail::event_selectors::{
    Advanced, Basic, DataResource, EventSelectors, FieldSelector,
};
use ctrail_policy::{Condition, Effect, Policy, Principals, Statement};
use serde_json::Value;

use crate::table::{Cell, Table};

/// A statement element that may be negated: `Action` or `NotAction`,
/// `Resource` or `NotResource`, `Principal` or `NotPrincipal`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Element {
    /// The `Not` form: the statement applies to everything but these.
    pub negated: bool,
    /// One value a line; empty when the statement has neither form.
    pub values: Vec<String>,
}

impl Element {
    fn of(plain: &Option<Vec<String>>, not: &Option<Vec<String>>) -> Element {
        match (plain, not) {
            (Some(v), _) => Element {
                negated: false,
                values: v.clone(),
            },
            (None, Some(v)) => Element {
                negated: true,
                values: v.clone(),
            },
            (None, None) => Element::default(),
        }
    }

    /// The cell: the values, after a `NotAction:` (etc.) line when negated.
    fn cell(&self, name: &str) -> Cell {
        let mut lines = Vec::with_capacity(self.values.len() + 1);
        if self.negated {
            lines.push(format!("Not{name}:"));
        }
        lines.extend(self.values.iter().cloned());
        lines
    }
}

/// One statement as a row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatementRow {
    /// The Sid, or the statement's position when it has none.
    pub sid: String,
    pub effect: Effect,
    /// `*` (anyone), or `type: value` (`AWS: arn:...`, `Service: ...`).
    pub principal: Element,
    pub action: Element,
    pub resource: Element,
    /// `operator key: values`, one condition a line.
    pub conditions: Vec<String>,
}

impl StatementRow {
    pub fn of(s: &Statement) -> StatementRow {
        let sid = match &s.sid {
            Some(sid) if !sid.is_empty() => sid.clone(),
            _ => format!("#{} (no Sid)", s.index + 1),
        };
        let principal = match (&s.principal, &s.not_principal) {
            (Some(p), _) => Element {
                negated: false,
                values: principal_lines(p),
            },
            (None, Some(p)) => Element {
                negated: true,
                values: principal_lines(p),
            },
            (None, None) => Element::default(),
        };
        StatementRow {
            sid,
            effect: s.effect,
            principal,
            action: Element::of(&s.action, &s.not_action),
            resource: Element::of(&s.resource, &s.not_resource),
            conditions: s.conditions.iter().map(condition_line).collect(),
        }
    }

    fn cells(&self) -> Vec<Cell> {
        let effect = match self.effect {
            Effect::Allow => "Allow",
            Effect::Deny => "Deny",
        };
        vec![
            vec![self.sid.clone()],
            vec![effect.to_owned()],
            self.principal.cell("Principal"),
            self.action.cell("Action"),
            self.resource.cell("Resource"),
            self.conditions.clone(),
        ]
    }
}

fn principal_lines(p: &Principals) -> Vec<String> {
    match p {
        Principals::Any => vec!["* (anyone)".to_owned()],
        Principals::Of(by_type) => by_type
            .iter()
            .flat_map(|(kind, values)| values.iter().map(move |v| format!("{kind}: {v}")))
            .collect(),
    }
}

fn condition_line(c: &Condition) -> String {
    format!("{} {}: {}", c.operator, c.key, c.values.join(", "))
}

pub const POLICY_COLUMNS: [&str; 6] = [
    "Sid",
    "Effect",
    "Principal",
    "Action",
    "Resource",
    "Condition",
];

/// The rows of a policy document (an object with `Statement`, a bare list
/// of statements, or either as JSON text).
pub fn policy_rows(doc: &Value) -> Result<Vec<StatementRow>, String> {
    let parsed;
    let doc = match doc {
        Value::String(text) => {
            parsed = serde_json::from_str::<Value>(text).map_err(|e| e.to_string())?;
            &parsed
        }
        other => other,
    };
    let policy = Policy::parse(doc).map_err(|e| e.to_string())?;
    Ok(policy.statements.iter().map(StatementRow::of).collect())
}

/// A policy as a table titled `title`; `missing` says why when the account
/// holds no such document.
pub fn policy(title: &str, doc: Option<&Value>, missing: &str) -> Table {
    match doc {
        None | Some(Value::Null) => Table::absent(title, missing),
        Some(doc) => match policy_rows(doc) {
            Ok(rows) => Table::new(
                title,
                &POLICY_COLUMNS,
                rows.iter().map(StatementRow::cells).collect(),
            ),
            Err(why) => Table::absent(title, format!("unreadable ({why}): {doc}")),
        },
    }
}

/// One selector as a row: basic (read/write type, management events, the
/// management event sources left out, data events) or advanced (name, one
/// field selector a line).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SelectorRow {
    Basic {
        read_write: String,
        management_events: bool,
        excluded_sources: Vec<String>,
        data_resources: Vec<String>,
    },
    Advanced {
        name: String,
        fields: Vec<String>,
    },
}

pub const BASIC_COLUMNS: [&str; 4] = [
    "Read/write events",
    "Management events",
    "Management event sources left out",
    "Data events",
];

pub const ADVANCED_COLUMNS: [&str; 2] = ["Name", "Field selectors"];

impl SelectorRow {
    fn basic(b: &Basic) -> SelectorRow {
        SelectorRow::Basic {
            read_write: b.read_write_type.clone(),
            management_events: b.include_management_events,
            excluded_sources: b.exclude_management_event_sources.clone(),
            data_resources: b.data_resources.iter().flat_map(data_lines).collect(),
        }
    }

    fn advanced(index: usize, a: &Advanced) -> SelectorRow {
        SelectorRow::Advanced {
            name: match &a.name {
                Some(n) if !n.is_empty() => n.clone(),
                _ => format!("#{} (no name)", index + 1),
            },
            fields: a.field_selectors.iter().flat_map(field_lines).collect(),
        }
    }

    fn cells(&self) -> Vec<Cell> {
        match self {
            SelectorRow::Basic {
                read_write,
                management_events,
                excluded_sources,
                data_resources,
            } => vec![
                vec![read_write.clone()],
                vec![if *management_events { "yes" } else { "no" }.to_owned()],
                excluded_sources.clone(),
                data_resources.clone(),
            ],
            SelectorRow::Advanced { name, fields } => vec![vec![name.clone()], fields.clone()],
        }
    }
}

/// `type: value`, one a line (`AWS::S3::Object: arn:aws:s3:::bucket/`).
fn data_lines(d: &DataResource) -> Vec<String> {
    let kind = d.resource_type.as_deref().unwrap_or("(no type)");
    d.values.iter().map(|v| format!("{kind}: {v}")).collect()
}

/// `field operator values`, one operator a line
/// (`eventCategory equals Data`).
fn field_lines(f: &FieldSelector) -> Vec<String> {
    [
        ("equals", &f.equals),
        ("not equals", &f.not_equals),
        ("starts with", &f.starts_with),
        ("not starts with", &f.not_starts_with),
        ("ends with", &f.ends_with),
        ("not ends with", &f.not_ends_with),
    ]
    .into_iter()
    .filter(|(_, values)| !values.is_empty())
    .map(|(op, values)| format!("{} {op} {}", f.field, values.join(", ")))
    .collect()
}

/// The rows of a trail's event selectors, one a selector.
pub fn selector_rows(selectors: &EventSelectors) -> Vec<SelectorRow> {
    match selectors {
        EventSelectors::Basic(b) => b.iter().map(SelectorRow::basic).collect(),
        EventSelectors::Advanced(a) => a
            .iter()
            .enumerate()
            .map(|(i, a)| SelectorRow::advanced(i, a))
            .collect(),
    }
}

/// A trail's event selectors as a table (basic or advanced columns).
pub fn selectors(title: &str, selectors: Option<&EventSelectors>, missing: &str) -> Table {
    let Some(selectors) = selectors else {
        return Table::absent(title, missing);
    };
    let columns: &[&str] = match selectors {
        EventSelectors::Advanced(_) => &ADVANCED_COLUMNS,
        EventSelectors::Basic(_) => &BASIC_COLUMNS,
    };
    let rows = selector_rows(selectors);
    Table::new(
        title,
        columns,
        rows.iter().map(SelectorRow::cells).collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// Event selectors from their JSON form (as ctrail stores them).
    fn typed(v: &Value) -> EventSelectors {
        serde_json::from_value(v.clone()).expect("event selectors")
    }

    fn one(doc: Value) -> StatementRow {
        let rows = policy_rows(&doc).expect("a policy");
        assert_eq!(rows.len(), 1, "{rows:?}");
        rows.into_iter().next().expect("one row")
    }

    fn plain(values: &[&str]) -> Element {
        Element {
            negated: false,
            values: values.iter().map(|v| (*v).to_owned()).collect(),
        }
    }

    #[test]
    fn a_string_and_a_list_read_alike() {
        let s = one(json!({"Statement": {"Sid": "S", "Effect": "Allow",
            "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"}}));
        assert_eq!(s.action, plain(&["s3:GetObject"]));
        assert_eq!(s.resource, plain(&["arn:aws:s3:::b/*"]));
        let l = one(json!({"Statement": [{"Sid": "S", "Effect": "Allow",
            "Action": ["s3:GetObject", "s3:PutObject"], "Resource": ["arn:aws:s3:::b/*"]}]}));
        assert_eq!(l.action, plain(&["s3:GetObject", "s3:PutObject"]));
        assert_eq!(l.cells()[3], vec!["s3:GetObject", "s3:PutObject"]);
    }

    #[test]
    fn the_not_elements_are_marked() {
        let s = one(
            json!([{"Effect": "Deny", "NotPrincipal": {"AWS": "arn:aws:iam::1:root"},
            "NotAction": ["iam:*"], "NotResource": "arn:aws:s3:::b"}]),
        );
        assert!(s.principal.negated && s.action.negated && s.resource.negated);
        let cells = s.cells();
        assert_eq!(cells[2], vec!["NotPrincipal:", "AWS: arn:aws:iam::1:root"]);
        assert_eq!(cells[3], vec!["NotAction:", "iam:*"]);
        assert_eq!(cells[4], vec!["NotResource:", "arn:aws:s3:::b"]);
        assert_eq!(cells[1], vec!["Deny"]);
    }

    #[test]
    fn every_principal_form_reads() {
        let any =
            one(json!({"Statement": {"Effect": "Allow", "Principal": "*", "Action": "s3:*"}}));
        assert_eq!(any.principal, plain(&["* (anyone)"]));
        let aws_star = one(
            json!({"Statement": {"Effect": "Allow", "Principal": {"AWS": "*"},
            "Action": "s3:*"}}),
        );
        assert_eq!(aws_star.principal, plain(&["AWS: *"]));
        let many = one(
            json!({"Statement": {"Effect": "Allow", "Action": "sts:AssumeRole",
            "Principal": {"Service": "cloudtrail.amazonaws.com",
                          "AWS": ["arn:aws:iam::1:root", "arn:aws:iam::2:role/r"]}}}),
        );
        assert_eq!(
            many.principal,
            plain(&[
                "AWS: arn:aws:iam::1:root",
                "AWS: arn:aws:iam::2:role/r",
                "Service: cloudtrail.amazonaws.com"
            ])
        );
        // An identity policy names no principal: an empty cell.
        let none = one(
            json!({"Statement": {"Effect": "Allow", "Action": "logs:PutLogEvents",
            "Resource": "*"}}),
        );
        assert_eq!(none.principal, Element::default());
        assert!(none.cells()[2].is_empty());
    }

    #[test]
    fn conditions_read_operator_key_values() {
        let s = one(
            json!({"Statement": {"Effect": "Allow", "Action": "s3:PutObject",
            "Condition": {
                "StringEquals": {"s3:x-amz-acl": "bucket-owner-full-control",
                                 "aws:SourceArn": ["arn:a", "arn:b"]},
                "Bool": {"aws:SecureTransport": false}}}}),
        );
        assert_eq!(
            s.conditions,
            vec![
                "Bool aws:SecureTransport: false",
                "StringEquals aws:SourceArn: arn:a, arn:b",
                "StringEquals s3:x-amz-acl: bucket-owner-full-control",
            ]
        );
    }

    #[test]
    fn a_missing_sid_is_named_by_position() {
        let rows = policy_rows(&json!({"Statement": [
            {"Sid": "First", "Effect": "Allow", "Action": "a:B"},
            {"Effect": "Allow", "Action": "a:C"},
            {"Sid": "", "Effect": "Allow", "Action": "a:D"}]}))
        .expect("a policy");
        let sids: Vec<&str> = rows.iter().map(|r| r.sid.as_str()).collect();
        assert_eq!(sids, ["First", "#2 (no Sid)", "#3 (no Sid)"]);
    }

    #[test]
    fn a_document_as_json_text_reads_like_the_object() {
        let text = Value::from(r#"{"Statement":[{"Sid":"T","Effect":"Allow","Action":"a:B"}]}"#);
        assert_eq!(policy_rows(&text).expect("a policy")[0].sid, "T");
    }

    #[test]
    fn a_table_has_one_row_per_statement_or_says_why_not() {
        let doc = json!({"Statement": [
            {"Sid": "A", "Effect": "Allow", "Action": "a:B"},
            {"Sid": "B", "Effect": "Deny", "Action": "a:C"}]});
        let t = policy("Bucket policy", Some(&doc), "not found");
        assert_eq!(t.rows.len(), 2);
        assert_eq!(t.columns, POLICY_COLUMNS);
        assert_eq!(t.note, None);
        assert_eq!(
            policy("Trust policy", None, "role not found")
                .note
                .as_deref(),
            Some("role not found")
        );
        let bad = policy("P", Some(&json!({"Statement": [{"Effect": "Maybe"}]})), "-");
        assert!(bad.rows.is_empty());
        let note = bad.note.unwrap_or_default();
        assert!(
            note.starts_with("unreadable (statement 0: Effect must be Allow or Deny"),
            "{note}"
        );
        assert!(
            note.ends_with(r#"{"Statement":[{"Effect":"Maybe"}]}"#),
            "{note}"
        );
    }

    #[test]
    fn basic_selectors_give_a_row_each() {
        let v = json!({"style": "basic", "selectors": [
            {"read_write_type": "All", "include_management_events": true,
             "data_resources": [], "exclude_management_event_sources": ["kms.amazonaws.com"]},
            {"read_write_type": "WriteOnly", "include_management_events": false,
             "exclude_management_event_sources": [],
             "data_resources": [{"type": "AWS::S3::Object",
                                 "values": ["arn:aws:s3:::a/", "arn:aws:s3:::b/"]}]}]});
        let t = selectors("Event selectors", Some(&typed(&v)), "not set");
        assert_eq!(t.columns, BASIC_COLUMNS);
        assert_eq!(
            t.rows,
            vec![
                vec![
                    vec!["All".to_owned()],
                    vec!["yes".to_owned()],
                    vec!["kms.amazonaws.com".to_owned()],
                    vec![],
                ],
                vec![
                    vec!["WriteOnly".to_owned()],
                    vec!["no".to_owned()],
                    vec![],
                    vec![
                        "AWS::S3::Object: arn:aws:s3:::a/".to_owned(),
                        "AWS::S3::Object: arn:aws:s3:::b/".to_owned()
                    ],
                ],
            ]
        );
    }

    #[test]
    fn advanced_selectors_give_a_row_each_with_a_line_per_operator() {
        let v = json!({"style": "advanced", "selectors": [
            {"name": "Management", "field_selectors": [
                {"field": "eventCategory", "equals": ["Management"]}]},
            {"name": null, "field_selectors": [
                {"field": "eventCategory", "equals": ["Data"]},
                {"field": "resources.ARN", "starts_with": ["arn:aws:s3:::a/", "arn:aws:s3:::b/"],
                 "not_ends_with": [".tmp"]}]}]});
        let rows = selector_rows(&typed(&v));
        assert_eq!(
            rows[1],
            SelectorRow::Advanced {
                name: "#2 (no name)".into(),
                fields: vec![
                    "eventCategory equals Data".into(),
                    "resources.ARN starts with arn:aws:s3:::a/, arn:aws:s3:::b/".into(),
                    "resources.ARN not ends with .tmp".into(),
                ],
            }
        );
        let t = selectors("Event selectors", Some(&typed(&v)), "not set");
        assert_eq!(t.columns, ADVANCED_COLUMNS);
        assert_eq!(t.rows[0][0], vec!["Management"]);
    }

    #[test]
    fn selectors_not_set_say_so() {
        assert_eq!(
            selectors("Event selectors", None, "not set")
                .note
                .as_deref(),
            Some("not set")
        );
    }
}
