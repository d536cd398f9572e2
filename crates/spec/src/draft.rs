//! A spec being written field by field (`ctrail import`): each value at its
//! [`FieldPath`], with the comment written above it, rendered as YAML in the
//! sections' order and read back as any spec is.

use std::collections::BTreeMap;

use serde_json::{Value, json};

use crate::fields::{self, FieldPath, Section};
use crate::{Diagnostics, Loaded};

/// A value in a section, with the comment written above it.
#[derive(Debug, Clone, PartialEq)]
struct Entry {
    value: Value,
    comment: &'static str,
}

/// A spec draft: the home region and the fields written so far.
#[derive(Debug, Clone, PartialEq)]
pub struct Draft {
    region: String,
    entries: BTreeMap<FieldPath, Entry>,
}

impl Draft {
    pub fn new(region: &str) -> Draft {
        Draft {
            region: region.to_owned(),
            entries: BTreeMap::new(),
        }
    }

    pub fn region(&self) -> &str {
        &self.region
    }

    /// Writes `value` at `at`, with `comment` above it (empty: none),
    /// replacing what was there.
    pub fn set(&mut self, at: FieldPath, value: Value, comment: &'static str) {
        self.entries.insert(at, Entry { value, comment });
    }

    /// Adds `item` to the list at `at` (made with `comment` when new).
    pub fn push(&mut self, at: FieldPath, item: Value, comment: &'static str) {
        debug_assert!(at.is_list(), "{} holds no list", at.dotted());
        let entry = self.entries.entry(at).or_insert_with(|| Entry {
            value: Value::Array(Vec::new()),
            comment,
        });
        match &mut entry.value {
            Value::Array(items) => items.push(item),
            other => *other = Value::Array(vec![item]),
        }
    }

    /// The value written at `at`.
    pub fn get(&self, at: FieldPath) -> Option<&Value> {
        self.entries.get(&at).map(|e| &e.value)
    }

    /// The draft read as a spec (`source` names it in diagnostics).
    ///
    /// # Errors
    /// Every problem found, as for any spec.
    pub fn parse(&self, source: &str) -> Result<Loaded, Diagnostics> {
        crate::parse(source, &self.text(&[]))
    }

    /// The spec's text, with `header` comment lines at the top.
    pub fn text(&self, header: &[String]) -> String {
        let mut out = String::new();
        for line in header {
            out.push_str(format!("# {line}").trim_end());
            out.push('\n');
        }
        out.push_str(&format!("version: 1\nregion: {}\n", self.region));
        for section in Section::ALL {
            let mut entries: Vec<(&FieldPath, &Entry)> = self
                .entries
                .iter()
                .filter(|(at, _)| at.section == section)
                .collect();
            if entries.is_empty() {
                continue;
            }
            // The tags, then what names the resource, then its settings by
            // name.
            entries.sort_by_key(|(at, _)| match at.key {
                _ if **at == fields::TAGS => 0,
                "name" | "log_group" | "kms_key_id" => 1,
                _ => 2,
            });
            let indent = match section.key() {
                Some(key) => {
                    out.push_str(&format!("\n{key}:\n"));
                    "  "
                }
                None => "",
            };
            for (at, e) in entries {
                for line in wrap(e.comment, 76) {
                    out.push_str(&format!("{indent}# {line}\n"));
                }
                out.push_str(&format!("{indent}{}:", at.key));
                emit(&mut out, &e.value, indent.len() + 2);
            }
        }
        out
    }
}

/// `text` in lines of at most `width` characters (none for no text).
fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    for word in text.split_whitespace() {
        match lines.last_mut() {
            Some(last) if last.len() + 1 + word.len() <= width => {
                last.push(' ');
                last.push_str(word);
            }
            _ => lines.push(word.to_owned()),
        }
    }
    lines
}

/// `value` as block YAML after a `key:` already written, nested at `indent`.
/// Strings and keys are written as JSON strings, which YAML reads the same.
fn emit(out: &mut String, value: &Value, indent: usize) {
    let pad = " ".repeat(indent);
    match value {
        Value::Object(m) if !m.is_empty() => {
            out.push('\n');
            for (k, v) in m {
                out.push_str(&format!("{pad}{}:", json!(k)));
                emit(out, v, indent + 2);
            }
        }
        Value::Array(a) if !a.is_empty() => {
            out.push('\n');
            for v in a {
                out.push_str(&format!("{pad}-"));
                match v {
                    Value::Object(m) if !m.is_empty() => {
                        // The first key on the dash's line, the rest below it.
                        for (i, (k, v)) in m.iter().enumerate() {
                            if i == 0 {
                                out.push_str(&format!(" {}:", json!(k)));
                            } else {
                                out.push_str(&format!("{pad}  {}:", json!(k)));
                            }
                            emit(out, v, indent + 4);
                        }
                    }
                    other => emit(out, other, indent + 2),
                }
            }
        }
        other => out.push_str(&format!(" {other}\n")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn documents_are_written_as_block_yaml_that_reads_back_the_same() {
        let doc = json!({"Version": "2012-10-17", "Statement": [
            {"Sid": "A", "Effect": "Allow", "Principal": {"Service": "cloudtrail.amazonaws.com"},
             "Action": ["s3:GetBucketAcl"], "Resource": "arn:aws:s3:::b",
             "Condition": {"StringEquals": {"s3:x-amz-acl": "bucket-owner-full-control"}}},
            {"Effect": "Deny", "Action": "s3:*", "Resource": [], "Principal": "*"}
        ], "Empty": {}, "N": 3, "T": true});
        let mut text = "policy:".to_owned();
        emit(&mut text, &doc, 2);
        let back: Value = serde_saphyr::from_str::<BTreeMap<String, Value>>(&text)
            .expect("yaml")
            .remove("policy")
            .expect("policy");
        assert_eq!(back, doc, "{text}");
    }

    #[test]
    fn comments_wrap() {
        assert_eq!(wrap("a bb ccc", 4), vec!["a bb", "ccc"]);
        assert!(wrap("", 4).is_empty());
    }

    #[test]
    fn a_draft_is_written_in_the_sections_order_and_reads_back_as_a_spec() {
        let mut d = Draft::new("eu-west-1");
        d.set(
            fields::BUCKET_VERSIONING,
            json!(false),
            "found: versioning off",
        );
        d.set(fields::BUCKET_NAME, json!("logs-bucket"), "");
        d.set(fields::TRAIL_NAME, json!("audit"), "");
        d.set(fields::KMS_KEY_ROTATION, json!(false), "");
        d.set(
            fields::KMS_KEY_ID,
            json!("arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"),
            "",
        );
        d.set(fields::TAGS, json!({"team": "sec"}), "");
        d.push(
            fields::MONITORING_QUERIES,
            json!({"name": "q", "query": "fields @message"}),
            "saved",
        );
        let text = d.text(&["header".to_owned()]);
        assert!(
            text.starts_with(
                "# header\nversion: 1\nregion: eu-west-1\ntags:\n  \"team\": \"sec\"\nkms_key_id:"
            ),
            "{text}"
        );
        assert!(text.contains("\nbucket:\n  name: \"logs-bucket\"\n  # found: versioning off\n  versioning: false\n"), "{text}");
        let spec = d.parse("draft").expect("valid").spec;
        assert!(!spec.bucket.versioning);
        assert_eq!(spec.monitoring.queries.len(), 1);
        assert_eq!(d.get(fields::TRAIL_NAME), Some(&json!("audit")));
    }
}
