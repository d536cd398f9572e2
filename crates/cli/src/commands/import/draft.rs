//! The spec `ctrail import` writes, setting by setting: each takes the
//! simplest value that leaves the plan unchanged against what was read.

use std::collections::BTreeMap;

use super::Found;
use ctrail_kinds::LiveState;
use serde_json::{Value, json};

/// One setting to decide: its section (`""` for the top level), key, the
/// values to try after leaving it out, and what to say when one is chosen.
pub struct Setting {
    section: &'static str,
    key: &'static str,
    comment: &'static str,
    candidates: Vec<Value>,
}

impl Setting {
    pub fn new(
        section: &'static str,
        key: &'static str,
        comment: &'static str,
        candidates: Vec<Value>,
    ) -> Setting {
        Setting {
            section,
            key,
            comment,
            candidates,
        }
    }
}

/// A value in a section, with the comment written above it.
#[derive(Clone)]
struct Chosen {
    value: Value,
    comment: &'static str,
}

/// The spec being written.
#[derive(Clone)]
pub struct Draft {
    found: Found,
    region: String,
    /// (section, key) -> value, in the order sections are written.
    values: BTreeMap<(usize, String), Chosen>,
}

const SECTIONS: [&str; 5] = ["", "trail", "bucket", "cloudwatch_logs", "monitoring"];

fn section_index(section: &str) -> usize {
    SECTIONS.iter().position(|s| *s == section).unwrap_or(0)
}

impl Draft {
    /// The first draft: the trail as found, and the names of what it uses.
    pub fn of(t: &Found, region: &str) -> Draft {
        let mut d = Draft {
            found: t.clone(),
            region: region.to_owned(),
            values: BTreeMap::new(),
        };
        let mut set = |section: &str, key: &str, value: Value, comment: &'static str| {
            d.values.insert(
                (section_index(section), key.to_owned()),
                Chosen { value, comment },
            );
        };
        if let Some(key) = &t.trail.kms_key_id {
            set("", "kms_key_id", json!(key), "");
        }
        set("trail", "name", json!(t.trail.name), "");
        if !t.trail.is_multi_region_trail {
            set(
                "trail",
                "multi_region",
                json!(false),
                "found: a single-region trail (default: all regions)",
            );
        }
        if !t.trail.include_global_service_events {
            set(
                "trail",
                "include_global_service_events",
                json!(false),
                "found: global service events off (default on: IAM, STS, CloudFront)",
            );
        }
        if !t.trail.enable_log_file_validation {
            set(
                "trail",
                "log_file_validation",
                json!(false),
                "found: log file validation off (default on: digest files prove tampering)",
            );
        }
        if !t.logging {
            set(
                "trail",
                "logging",
                json!(false),
                "found: the trail is not logging (default: logging)",
            );
        }
        if t.trail.is_organization_trail {
            set(
                "trail",
                "organization",
                json!(true),
                "found: an organization trail",
            );
        }
        if let Some(p) = &t.trail.s3_key_prefix {
            set("trail", "s3_key_prefix", json!(p), "");
        }
        if let Some(topic) = &t.trail.sns_topic_name {
            set(
                "trail",
                "sns_topic",
                json!(topic),
                "found: a notification per log file delivery to this topic",
            );
        }
        set("bucket", "name", json!(t.bucket()), "");
        match (t.trail.log_group(), t.trail.role_name()) {
            (Some(group), Some(role)) => {
                set("cloudwatch_logs", "log_group", json!(group), "");
                set("cloudwatch_logs", "role_name", json!(role), "");
            }
            _ => set(
                "",
                "cloudwatch_logs",
                json!(false),
                "found: no delivery to CloudWatch Logs (default on)",
            ),
        }
        d
    }

    /// Writes `value` at `key` in `section`, with `comment` above it.
    pub fn set(&mut self, section: &str, key: &str, value: Value, comment: &'static str) {
        self.values.insert(
            (section_index(section), key.to_owned()),
            Chosen { value, comment },
        );
    }

    /// The value of `key` in `section`, if written.
    pub fn get(&self, section: &str, key: &str) -> Option<&Value> {
        self.values
            .get(&(section_index(section), key.to_owned()))
            .map(|c| &c.value)
    }

    pub fn region(&self) -> &str {
        &self.region
    }

    /// The monitoring section: these filters and queries (none: no section).
    pub fn monitoring(&mut self, filters: Vec<Value>, queries: Vec<Value>) {
        let at = section_index("monitoring");
        self.values
            .retain(|(s, k), _| *s != at || !matches!(k.as_str(), "metric_filters" | "queries"));
        for (key, list, comment) in [
            (
                "metric_filters",
                filters,
                "found on the log group: these metric filters and the alarms on their metrics",
            ),
            (
                "queries",
                queries,
                "found: these saved Logs Insights queries name the log group",
            ),
        ] {
            if !list.is_empty() {
                self.values.insert(
                    (at, key.to_owned()),
                    Chosen {
                        value: Value::Array(list),
                        comment,
                    },
                );
            }
        }
    }

    /// The plan of this draft against `live`.
    fn actions(&self, live: &LiveState) -> Result<Vec<ctrail_model::Action>, String> {
        let spec = self.parse()?;
        let mut graph = ctrail_graph::build(&spec).map_err(|e| e.to_string())?;
        graph
            .resolve(&|p| live.context.value(p))
            .map_err(|e| e.to_string())?;
        ctrail_differ::diff(&graph, live).map_err(|e| e.to_string())
    }

    /// How far the plan of this draft is from `live`: a create weighs far
    /// more than a change (a resource the draft names differently from what
    /// exists), and so does pruning what ctrail made; `None` when the draft
    /// does not validate.
    pub fn weight(&self, live: &LiveState) -> Option<usize> {
        let actions = self.actions(live).ok()?;
        Some(
            actions
                .iter()
                .map(|a| match a.kind {
                    ctrail_model::ActionKind::Create | ctrail_model::ActionKind::Delete => 1000,
                    _ => a.changes.len(),
                })
                .sum(),
        )
    }

    /// The spec as it stands.
    pub fn parse(&self) -> Result<ctrail_spec::Spec, String> {
        ctrail_spec::parse("imported spec", &self.text(&[]))
            .map(|l| l.spec)
            .map_err(|d| {
                format!(
                    "internal error: the draft does not validate: {:?}",
                    d.errors()
                        .map(|e| format!("line {} {}: {}", e.line, e.field, e.message))
                        .collect::<Vec<_>>()
                )
            })
    }

    /// Keeps the first of: left out, then each candidate, that gives the
    /// fewest changes against `live` (a value that does not validate is
    /// never kept).
    pub fn choose(&mut self, s: Setting, live: &LiveState) {
        let slot = (section_index(s.section), s.key.to_owned());
        let mut best: Option<(usize, Option<Chosen>)> = None;
        let mut options: Vec<Option<Chosen>> = vec![None];
        options.extend(s.candidates.into_iter().map(|value| {
            Some(Chosen {
                value,
                comment: s.comment,
            })
        }));
        for option in options {
            let mut trial = self.clone();
            match &option {
                None => trial.values.remove(&slot),
                Some(c) => trial.values.insert(slot.clone(), c.clone()),
            };
            let Some(w) = trial.weight(live) else {
                continue;
            };
            if best.as_ref().is_none_or(|(b, _)| w < *b) {
                best = Some((w, option));
            }
        }
        match best {
            Some((_, None)) => {
                self.values.remove(&slot);
            }
            Some((_, Some(c))) => {
                // Names read as found keep no comment.
                self.values.insert(slot, c);
            }
            None => {}
        }
    }

    /// The changes a plan on this draft still shows: `address: paths`.
    pub fn remaining(&self, live: &LiveState) -> Result<Vec<String>, String> {
        Ok(self
            .actions(live)?
            .iter()
            .filter(|a| !a.changes.is_empty() && a.kind != ctrail_model::ActionKind::NoOp)
            .map(|a| {
                let paths: Vec<&str> = a.changes.iter().map(|c| c.path.as_str()).collect();
                format!(
                    "{} ({}): {}",
                    a.address,
                    ctrail_render::plan::verb(a.kind),
                    paths.join(", ")
                )
            })
            .collect())
    }

    /// The spec's text, with `header` comment lines at the top.
    fn text(&self, header: &[String]) -> String {
        let mut out = String::new();
        for line in header {
            out.push_str(format!("# {line}").trim_end());
            out.push('\n');
        }
        out.push_str(&format!("version: 1\nregion: {}\n", self.region));
        // The trail's tags, ctrail's own marks left out.
        let tags: Vec<(&String, &String)> = self
            .found
            .tags
            .iter()
            .filter(|(k, _)| !k.starts_with("ctrail:"))
            .collect();
        if !tags.is_empty() {
            out.push_str("tags:\n");
            for (k, v) in tags {
                out.push_str(&format!("  {}: {}\n", json!(k), json!(v)));
            }
        }
        for (i, section) in SECTIONS.iter().enumerate() {
            let mut entries: Vec<(&String, &Chosen)> = self
                .values
                .iter()
                .filter(|((s, _), _)| *s == i)
                .map(|((_, k), c)| (k, c))
                .collect();
            // What names the resource first, then its settings by name.
            entries
                .sort_by_key(|(k, _)| !matches!(k.as_str(), "name" | "log_group" | "kms_key_id"));
            if entries.is_empty() {
                continue;
            }
            let indent = if section.is_empty() { "" } else { "  " };
            if !section.is_empty() {
                out.push_str(&format!("\n{section}:\n"));
            }
            for (key, c) in entries {
                if !c.comment.is_empty() {
                    for line in wrap(c.comment, 76) {
                        out.push_str(&format!("{indent}# {line}\n"));
                    }
                }
                out.push_str(&format!("{indent}{key}:"));
                emit(&mut out, &c.value, indent.len() + 2);
            }
        }
        out
    }

    /// The finished spec: what was imported, and what a plan will change.
    pub fn render(&self, live: &LiveState, remaining: &[String]) -> String {
        let t = &self.found;
        let mut header = vec![
            format!(
                "Imported by ctrail import from trail {} ({}) in account {}.",
                t.trail.name,
                region_label(t, &self.region),
                live.context.account_id
            ),
            "Values equal to ctrail's defaults are left out (docs/spec.md); each value".into(),
            "written says what was found and what ctrail's default would do.".into(),
            "ctrail plan shows each resource as adopted: its first apply records it".into(),
            "as ctrail's (docs/ownership.md).".into(),
        ];
        let others: Vec<String> = live
            .ownership
            .unmanaged
            .iter()
            .map(ToString::to_string)
            .collect();
        if !others.is_empty() {
            header.push(String::new());
            header.push(
                "Found on the log group and left out (ctrail leaves them alone; add them".into(),
            );
            header.push("under monitoring to manage them):".into());
            header.extend(others.iter().map(|o| format!("  {o}")));
        }
        if !remaining.is_empty() {
            header.push(String::new());
            header.push(
                "ctrail plan will change these, which this spec cannot leave as found:".into(),
            );
            header.extend(remaining.iter().map(|r| format!("  {r}")));
        }
        header.push(String::new());
        self.text(&header)
    }
}

fn region_label(t: &Found, region: &str) -> String {
    if t.trail.is_multi_region_trail {
        format!("{region}, all regions")
    } else {
        region.to_owned()
    }
}

/// `text` in lines of at most `width` characters.
fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines = vec![String::new()];
    for word in text.split_whitespace() {
        let last = lines.last_mut().expect("one line");
        if !last.is_empty() && last.len() + 1 + word.len() > width {
            lines.push(word.to_owned());
        } else {
            if !last.is_empty() {
                last.push(' ');
            }
            last.push_str(word);
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
                        let mut first = true;
                        for (k, v) in m {
                            if first {
                                out.push_str(&format!(" {}:", json!(k)));
                                first = false;
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

/// The trail's selectors as the spec writes them: `event_selectors` or
/// `advanced_event_selectors`, with empty lists left out.
pub fn selectors(live: &Value) -> Option<(&'static str, Value)> {
    let list = live.get("selectors")?.as_array()?;
    let key = match live.get("style")?.as_str()? {
        "basic" => "event_selectors",
        "advanced" => "advanced_event_selectors",
        _ => return None,
    };
    Some((key, Value::Array(list.iter().map(without_empty).collect())))
}

/// Lifecycle rules as the spec writes them.
pub fn lifecycle(live: &Value) -> Option<Value> {
    let rules = live.get("rules")?.as_array()?;
    let out: Vec<Value> = rules
        .iter()
        .map(|r| {
            let mut m = serde_json::Map::new();
            m.insert("id".into(), r.get("id").cloned().unwrap_or_default());
            if r.get("status").and_then(Value::as_str) != Some("Enabled") {
                m.insert("enabled".into(), json!(false));
            }
            if let Some(p) = r
                .get("prefix")
                .filter(|p| p.as_str().is_some_and(|s| !s.is_empty()))
            {
                m.insert("prefix".into(), p.clone());
            }
            for key in [
                "transitions",
                "expiration_days",
                "noncurrent_version_expiration_days",
                "abort_incomplete_multipart_upload_days",
            ] {
                if let Some(v) = r.get(key) {
                    m.insert(key.into(), v.clone());
                }
            }
            without_empty(&Value::Object(m))
        })
        .collect();
    Some(Value::Array(out))
}

/// A metric filter as the spec writes it (`monitoring.metric_filters[]`),
/// from its live attributes and its alarm's, each default left out
/// (docs/monitoring.md).
pub fn filter(live: &Value, alarm: Option<&Value>) -> Value {
    let name = live
        .get("filter_name")
        .and_then(Value::as_str)
        .unwrap_or_default();
    let mut m = serde_json::Map::new();
    m.insert("name".into(), json!(name));
    m.insert(
        "pattern".into(),
        live.get("filter_pattern").cloned().unwrap_or_default(),
    );
    let unless =
        |m: &mut serde_json::Map<String, Value>, key: &str, v: Option<&Value>, default: Value| {
            if let Some(v) = v.filter(|v| !v.is_null() && **v != default) {
                m.insert(key.into(), v.clone());
            }
        };
    unless(&mut m, "metric_name", live.get("metric_name"), json!(name));
    unless(
        &mut m,
        "metric_namespace",
        live.get("metric_namespace"),
        json!("CloudTrailMetrics"),
    );
    unless(&mut m, "metric_value", live.get("metric_value"), json!("1"));
    let alarm = match alarm {
        None => json!(false),
        Some(a) => {
            let mut x = serde_json::Map::new();
            unless(
                &mut x,
                "name",
                a.get("alarm_name"),
                json!(format!("{name}Alarm")),
            );
            unless(
                &mut x,
                "description",
                a.get("alarm_description"),
                Value::Null,
            );
            unless(&mut x, "statistic", a.get("statistic"), json!("Sum"));
            unless(&mut x, "period", a.get("period"), json!(300));
            unless(
                &mut x,
                "evaluation_periods",
                a.get("evaluation_periods"),
                json!(1),
            );
            if a.get("threshold").and_then(Value::as_f64) != Some(1.0) {
                unless(&mut x, "threshold", a.get("threshold"), Value::Null);
            }
            unless(
                &mut x,
                "comparison",
                a.get("comparison_operator"),
                json!("GreaterThanOrEqualToThreshold"),
            );
            unless(
                &mut x,
                "treat_missing_data",
                a.get("treat_missing_data"),
                json!("notBreaching"),
            );
            // No alert topic in an imported spec: the alarm's actions as ARNs.
            x.insert(
                "actions".into(),
                a.get("alarm_actions").cloned().unwrap_or(json!([])),
            );
            Value::Object(x)
        }
    };
    m.insert("alarm".into(), alarm);
    Value::Object(m)
}

/// A saved query as the spec writes it (`monitoring.queries[]`).
pub fn query(live: &Value, group: &str) -> Value {
    let mut m = serde_json::Map::new();
    m.insert("name".into(), live.get("name").cloned().unwrap_or_default());
    m.insert(
        "query".into(),
        live.get("query_string").cloned().unwrap_or_default(),
    );
    if let Some(groups) = live
        .get("log_group_names")
        .filter(|g| **g != json!([group]))
    {
        m.insert("log_groups".into(), groups.clone());
    }
    Value::Object(m)
}

/// `v` without null values and empty lists (the spec's defaults).
fn without_empty(v: &Value) -> Value {
    match v {
        Value::Object(m) => Value::Object(
            m.iter()
                .filter(|(_, v)| !v.is_null() && !v.as_array().is_some_and(Vec::is_empty))
                .map(|(k, v)| (k.clone(), without_empty(v)))
                .collect(),
        ),
        Value::Array(a) => Value::Array(a.iter().map(without_empty).collect()),
        other => other.clone(),
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
    }
}
