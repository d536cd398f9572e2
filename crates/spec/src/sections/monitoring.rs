//! The `monitoring` section: metric filters with their alarms, the alert
//! topic, Logs Insights saved queries, and the presets that expand to them.
//!
//! A preset is YAML in `crates/spec/presets/`, read by the same decoder as the
//! spec's own entries. An entry in the spec with a preset entry's name
//! replaces it; `disable` drops preset entries by name.

use super::Cx;
use crate::decode::{self, Field, Fields, Located};
use crate::diagnostic::Sink;
use crate::model::{
    Alarm, AlarmAction, AlertTopic, MetricFilter, Monitoring, SavedQuery, TopicRef,
};
use crate::rules::{self, Problem, filter_pattern, insights_query, monitoring as r};
use crate::shape::{Count, Field as Key, Object, Str, Ty};
use crate::yaml::{self, Kind};

/// The presets' names, as `presets` takes them.
const PRESET_NAMES: &[&str] = &["cis", "sample_queries"];

pub(crate) const SHAPE: Object = Object::new(
    "monitoring",
    &[
        Key::new(
            "presets",
            Ty::List(&Ty::Str(Str::one_of(PRESET_NAMES)), Count::ANY),
            "Built-in sets of metric filters, alarms and queries (docs/monitoring-presets.md).",
        ),
        Key::new(
            "disable",
            Ty::List(&Ty::Str(Str::ANY), Count::ANY),
            "Names of preset entries to leave out.",
        ),
        Key::new(
            "alert_topic",
            Ty::Object(&TOPIC_SHAPE),
            "The SNS topic alarms notify: one ctrail creates (name) or one managed elsewhere (arn).",
        ),
        Key::new(
            "metric_filters",
            Ty::List(&Ty::Object(&FILTER_SHAPE), Count::ANY),
            "Metric filters of your own (one named like a preset entry replaces it).",
        ),
        Key::new(
            "queries",
            Ty::List(&Ty::Object(&QUERY_SHAPE), Count::ANY),
            "Saved Logs Insights queries of your own (one named like a preset entry replaces it).",
        ),
    ],
)
.unchecked(&[
    "each name under disable is an entry of the presets in use",
    "metric filter, alarm and query names are unique",
]);

/// What a preset's YAML holds.
const PRESET_SHAPE: Object = Object::new(
    "preset",
    &[
        Key::new(
            "metric_filters",
            Ty::List(&Ty::Object(&FILTER_SHAPE), Count::ANY),
            "",
        ),
        Key::new(
            "queries",
            Ty::List(&Ty::Object(&QUERY_SHAPE), Count::ANY),
            "",
        ),
    ],
);

const TOPIC_SHAPE: Object = Object::new(
    "alert topic",
    &[
        Key::new(
            "name",
            Ty::Str(Str::ANY.pattern("^[A-Za-z0-9_-]+$").len(1, 256)),
            "A topic ctrail creates.",
        ),
        Key::new(
            "arn",
            Ty::Str(Str::ANY.pattern("^arn:[^:]*:sns:[^:]*:[0-9]{12}:[A-Za-z0-9_-]{1,256}$")),
            "A topic managed elsewhere.",
        ),
        Key::new(
            "emails",
            Ty::List(
                &Ty::Str(Str::ANY.pattern("^[^@\\s]+@[^@.\\s][^@\\s]*\\.[^@\\s]*[^@.\\s]$")),
                Count::ANY,
            ),
            "Addresses subscribed to the topic (each confirms by email).",
        ),
        Key::new(
            "encrypted",
            Ty::Bool,
            "Encrypt the topic ctrail creates with the spec's kms_key_id (SSE-KMS), and let CloudWatch alarms use the key (default: true when kms_key_id is set).",
        ),
    ],
)
.exclusive(&["name", "arn"])
.also(&[r#"{"anyOf": [{"required": ["name"]}, {"required": ["arn"]}]}"#]);

const FILTER_SHAPE: Object = Object::new(
    "metric filter",
    &[
        Key::new("name", Ty::Str(Str::ANY.pattern("^[^\\u0000-\\u001f\\u007f:*]*$").len(1, 512)), "The filter's name, unique on the log group.").required(),
        Key::new("pattern", Ty::Str(Str::ANY.len(1, 1024)), "The CloudWatch Logs filter pattern.").required(),
        Key::new("metric_name", Ty::Str(Str::ANY.pattern("^[^\\u0000-\\u001f\\u007f:$]*$").len(1, 255)), "The metric (default: the filter's name)."),
        Key::new(
            "metric_namespace",
            Ty::Str(Str::ANY.pattern("^[^\\u0000-\\u001f\\u007f:$*]*$").len(1, 255).not(&["^AWS/"])),
            "The metric's namespace (default CloudTrailMetrics).",
        ),
        Key::new(
            "metric_value",
            Ty::Str(Str::ANY.pattern("\\S")),
            "The value published per matching event (default 1).",
        ),
        Key::new(
            "alarm",
            Ty::OffOr(&ALARM_SHAPE),
            "The alarm on the metric (made by default); false for none.",
        ),
        Key::new(
            "sample_event",
            Ty::Json(r#"{"type": "object"}"#),
            "A CloudTrail event the pattern must match: ctrail validate and verify test the pattern on it.",
        ),
    ],
)
.unchecked(&["the filter pattern's syntax (CloudWatch Logs filter and pattern syntax)"]);

const ALARM_SHAPE: Object = Object::new(
    "alarm",
    &[
        Key::new("name", Ty::Str(Str::ANY.pattern("^[^\\u0000-\\u001f\\u007f]*$").len(1, 255)), "The alarm's name (default <filter name>Alarm)."),
        Key::new("description", Ty::Str(Str::ANY), "The alarm's description."),
        Key::new("threshold", Ty::Number, "The threshold (default 1)."),
        Key::new(
            "period",
            Ty::Int { min: 1, max: 604_800 },
            "Seconds per period: 10, 20, 30 or a multiple of 60 (default 300).",
        ),
        Key::new(
            "evaluation_periods",
            Ty::Int { min: 1, max: 604_800 },
            "Periods evaluated (default 1).",
        ),
        Key::new("statistic", Ty::Str(Str::one_of(r::STATISTICS)), "The statistic (default Sum)."),
        Key::new(
            "comparison",
            Ty::Str(Str::one_of(r::COMPARISONS)),
            "How the statistic is compared with the threshold (default GreaterThanOrEqualToThreshold).",
        ),
        Key::new(
            "treat_missing_data",
            Ty::Str(Str::one_of(r::TREAT_MISSING_DATA)),
            "What missing data counts as (default notBreaching).",
        ),
        Key::new(
            "actions",
            Ty::List(
                &Ty::Str(Str::ANY.pattern("^(alert_topic|arn:[^:]*:sns:[^:]*:[0-9]{12}:[A-Za-z0-9_-]{1,256})$")),
                Count::ANY,
            ),
            "What the alarm notifies: alert_topic (the default) and SNS topic ARNs.",
        ),
    ],
)
.also(&[
    r#"{"properties": {"period": {"anyOf": [{"enum": [10, 20, 30]}, {"multipleOf": 60}]}}}"#,
])
.unchecked(&["period x evaluation_periods is at most a day (seven days for periods of an hour or more)"]);

const QUERY_SHAPE: Object = Object::new(
    "saved query",
    &[
        Key::new(
            "name",
            Ty::Str(Str::ANY.pattern("^[^\\u0000-\\u001f\\u007f]*$").len(1, 255)),
            "The saved query's name.",
        )
        .required(),
        Key::new(
            "query",
            Ty::Str(Str::ANY.len(1, 10_000)),
            "The Logs Insights query.",
        )
        .required(),
        Key::new(
            "log_groups",
            Ty::List(
                &Ty::Str(Str::ANY.pattern("^[A-Za-z0-9_/.#-]+$").len(1, 512)),
                Count::ANY,
            ),
            "Log groups it runs on (default: the trail's).",
        ),
    ],
)
.unchecked(&["the Logs Insights query's syntax"]);

/// A built-in preset: its name, what it holds, and its YAML.
pub struct Preset {
    pub name: &'static str,
    pub title: &'static str,
    pub yaml: &'static str,
}

/// Every built-in preset.
pub const PRESETS: &[Preset] = &[
    Preset {
        name: "cis",
        title: "CIS AWS Foundations Benchmark monitoring: metric filters and alarms",
        yaml: include_str!("../../presets/cis.yaml"),
    },
    Preset {
        name: "sample_queries",
        title: "Logs Insights saved queries for CloudTrail",
        yaml: include_str!("../../presets/sample-queries.yaml"),
    },
];

/// Defaults of every alarm (kept in `defaults.rs` with the others).
pub use crate::defaults::alarm as alarm_defaults;

/// A built-in preset that does not read as valid entries.
#[derive(Debug, thiserror::Error)]
pub enum PresetError {
    /// Its text is not YAML ctrail reads.
    #[error(transparent)]
    Yaml(#[from] yaml::ParseError),
    /// An entry is refused: the first error, where it is.
    #[error("{file}:{line}: {field}: {message}")]
    Entry {
        file: String,
        line: u32,
        field: String,
        message: String,
    },
}

/// The entries of one preset, expanded with defaults (alarms notify the alert
/// topic, queries run on `log_group`).
pub fn preset_entries(
    preset: &Preset,
    log_group: &str,
) -> Result<(Vec<MetricFilter>, Vec<SavedQuery>), PresetError> {
    let mut sink = Sink::new(&format!("preset {}", preset.name));
    let root = yaml::parse(preset.yaml)?;
    let mut cx = Cx {
        sink: &mut sink,
        region: String::new(),
        partition: "aws",
        profile: None,
        key_elsewhere: None,
    };
    let fields = decode::mapping(
        cx.sink,
        Field {
            node: &root,
            path: "",
            key: None,
        },
        &PRESET_SHAPE,
    );
    let (filters, queries) = match fields {
        Some(fs) => (
            filters(&mut cx, &fs, Some(preset.name)),
            queries(&mut cx, &fs, &[log_group.to_owned()], Some(preset.name)),
        ),
        None => (Vec::new(), Vec::new()),
    };
    let diags = sink.finish();
    match diags.errors().next() {
        Some(e) => Err(PresetError::Entry {
            file: e.file.clone(),
            line: e.line,
            field: e.field.clone(),
            message: e.message.clone(),
        }),
        None => Ok((filters, queries)),
    }
}

/// `None` when errors were recorded.
pub(crate) fn read(
    cx: &mut Cx<'_>,
    f: Option<Field<'_>>,
    log_group: Option<&str>,
    has_key: bool,
) -> Option<Monitoring> {
    let Some(f) = f else {
        return Some(Monitoring::default());
    };
    let before = cx.sink.error_count();
    let fields = decode::mapping(cx.sink, f, &SHAPE)?;
    let Some(log_group) = log_group else {
        cx.sink
            .error(f.at(), f.path, "monitoring needs CloudWatch Logs delivery")
            .help(
                "metric filters and queries run on the trail's log group: turn cloudwatch_logs on",
            );
        return None;
    };

    let topic = fields
        .get("alert_topic")
        .and_then(|t| alert_topic(cx, t, has_key));
    let mut expanded = Expanded::default();
    if let Some(pf) = fields.get("presets") {
        for p in decode::string_list(cx.sink, pf).unwrap_or_default() {
            let Some(preset) = PRESETS.iter().find(|k| k.name == p.value) else {
                let names: Vec<&str> = PRESETS.iter().map(|k| k.name).collect();
                cx.report(
                    p.loc,
                    &p.path,
                    Problem::new(format!("unknown preset \"{}\"", p.value))
                        .help(format!("presets: {}", names.join(", "))),
                );
                continue;
            };
            if let Err(e) = expand(preset, log_group, &mut expanded) {
                cx.report(
                    p.loc,
                    &p.path,
                    Problem::new(format!("built-in preset is invalid: {e}")),
                );
            }
        }
    }
    // `profile: cis` brings the cis preset whether or not it is listed (a
    // built-in preset is valid: its own test says so).
    if cx.profile == Some(super::profile::Profile::Cis)
        && !expanded.names.iter().any(|n| n == "cis")
        && let Some(preset) = PRESETS.iter().find(|k| k.name == "cis")
        && let Err(e) = expand(preset, log_group, &mut expanded)
    {
        cx.report(
            f.at(),
            f.path,
            Problem::new(format!("built-in preset is invalid: {e}")),
        );
    }
    let Expanded {
        filters: mut all_filters,
        queries: mut all_queries,
        names: preset_names,
    } = expanded;
    if let Some(df) = fields.get("disable") {
        for d in decode::string_list(cx.sink, df).unwrap_or_default() {
            let (nf, nq) = (all_filters.len(), all_queries.len());
            all_filters.retain(|m: &MetricFilter| m.name != d.value);
            all_queries.retain(|q: &SavedQuery| q.name != d.value);
            if nf == all_filters.len() && nq == all_queries.len() {
                cx.report(
                    d.loc,
                    &d.path,
                    Problem::new(format!(
                        "\"{}\" is not an entry of the presets in use",
                        d.value
                    ))
                    .help("disable takes names of metric filters or queries from the presets listed under `presets`"),
                );
            }
        }
    }
    let own_filters = filters(cx, &fields, None);
    replace_or_add(&mut all_filters, own_filters, |m| &m.name);
    let own_queries = queries(cx, &fields, &[log_group.to_owned()], None);
    replace_or_add(&mut all_queries, own_queries, |q| &q.name);

    // Alarms notify the alert topic unless the spec names other actions.
    for m in &mut all_filters {
        if let Some(a) = &mut m.alarm
            && topic.is_none()
        {
            a.actions.retain(|x| *x != AlarmAction::AlertTopic);
        }
    }
    let silent: Vec<&str> = all_filters
        .iter()
        .filter_map(|m| m.alarm.as_ref())
        .filter(|a| a.actions.is_empty())
        .map(|a| a.name.as_str())
        .collect();
    if !silent.is_empty() {
        cx.sink.warning(
            f.at(),
            f.path,
            format!(
                "{} alarm(s) notify nobody (no alert_topic and no actions): {}",
                silent.len(),
                silent.join(", ")
            ),
        );
    }
    let mut names = std::collections::BTreeSet::new();
    for a in all_filters.iter().filter_map(|m| m.alarm.as_ref()) {
        if !names.insert(a.name.as_str()) {
            cx.sink
                .error(
                    f.at(),
                    f.path,
                    format!("two alarms are named \"{}\"", a.name),
                )
                .help("give one of them alarm.name");
        }
    }
    if cx.sink.error_count() > before {
        return None;
    }
    Some(Monitoring {
        presets: preset_names,
        alert_topic: topic,
        metric_filters: all_filters,
        queries: all_queries,
    })
}

/// The entries of the presets in use, and their names.
#[derive(Default)]
struct Expanded {
    filters: Vec<MetricFilter>,
    queries: Vec<SavedQuery>,
    names: Vec<String>,
}

/// Adds `preset`'s entries on `log_group`.
fn expand(preset: &Preset, log_group: &str, into: &mut Expanded) -> Result<(), PresetError> {
    let (filters, queries) = preset_entries(preset, log_group)?;
    into.filters.extend(filters);
    into.queries.extend(queries);
    into.names.push(preset.name.to_owned());
    Ok(())
}

/// The spec's own entries: one named like a preset entry replaces it, the
/// others are added after the presets'.
fn replace_or_add<T>(all: &mut Vec<T>, own: Vec<T>, name: impl Fn(&T) -> &String) {
    for item in own {
        match all.iter_mut().find(|p| name(p) == name(&item)) {
            Some(p) => *p = item,
            None => all.push(item),
        }
    }
}

/// The alert topic; `has_key`: the spec names a KMS key to encrypt it with.
fn alert_topic(cx: &mut Cx<'_>, f: Field<'_>, has_key: bool) -> Option<AlertTopic> {
    let fs = decode::mapping(cx.sink, f, &TOPIC_SHAPE)?;
    let topic = match (cx.string(&fs, "name"), cx.string(&fs, "arn")) {
        (Some(n), None) => cx
            .check(&n, r::topic_name(&n.value))
            .then_some(TopicRef::Name(n.value)),
        (None, Some(a)) => cx
            .check(&a, r::topic_arn(&a.value))
            .then_some(TopicRef::Arn(a.value)),
        (Some(n), Some(_)) => {
            cx.report(
                n.loc,
                &n.path,
                Problem::new("give the alert topic's name or its ARN, not both")
                    .help("name: a topic ctrail creates; arn: a topic managed elsewhere"),
            );
            None
        }
        (None, None) => {
            cx.sink
                .error(f.at(), f.path, "the alert topic needs `name` or `arn`")
                .help("name: a topic ctrail creates; arn: a topic managed elsewhere");
            None
        }
    };
    let mut emails = Vec::new();
    if let Some(ef) = fs.get("emails") {
        for e in decode::string_list(cx.sink, ef).unwrap_or_default() {
            if cx.check(&e, r::email(&e.value)) && !emails.contains(&e.value) {
                emails.push(e.value);
            }
        }
    }
    let wanted = fs.get("encrypted").map_or(has_key, |ef| {
        matches!(ef.node.kind, crate::yaml::Kind::Bool(true))
    });
    // A key of another account than the trail's encrypts no alert topic.
    if has_key
        && !super::key_account::may_encrypt(
            cx,
            fs.get("encrypted").as_ref(),
            wanted,
            "the alert topic",
        )
    {
        return Some(AlertTopic {
            topic: topic?,
            emails,
            encrypted: false,
        });
    }
    let encrypted = match fs.get("encrypted") {
        None => has_key,
        Some(ef) => {
            let on = decode::boolean(cx.sink, ef)?;
            if on && !has_key {
                cx.sink
                    .error(ef.at(), ef.path, "an encrypted alert topic needs `kms_key_id`")
                    .help("CloudWatch alarms cannot publish to a topic under the AWS managed key alias/aws/sns; name a customer managed key in kms_key_id");
            }
            if !on {
                cx.sink.warning(
                    ef.at(),
                    ef.path,
                    "`encrypted` is off: alert messages are stored unencrypted by SNS",
                );
            }
            on && has_key
        }
    };
    if encrypted
        && fs.get("arn").is_some()
        && let Some(ef) = fs.get("encrypted")
    {
        cx.sink.warning(
            ef.at(),
            ef.path,
            "a topic managed elsewhere is encrypted by its owner; ctrail leaves it as it is",
        );
    }
    Some(AlertTopic {
        topic: topic?,
        emails,
        encrypted: encrypted && fs.get("name").is_some(),
    })
}

fn filters(cx: &mut Cx<'_>, fields: &Fields<'_>, preset: Option<&str>) -> Vec<MetricFilter> {
    let items = decode::list_at(cx.sink, fields, "metric_filters");
    let mut out: Vec<MetricFilter> = Vec::new();
    for item in &items {
        let Some(fs) = decode::mapping(cx.sink, item.field(), &FILTER_SHAPE) else {
            continue;
        };
        let Some(m) = filter(cx, &fs, &item.path, preset) else {
            continue;
        };
        if out.iter().any(|o| o.name == m.name) {
            cx.sink
                .error(
                    fs.loc,
                    &item.path,
                    format!("two metric filters are named \"{}\"", m.name),
                )
                .help("filter names are unique on a log group");
            continue;
        }
        out.push(m);
    }
    out
}

fn checked(
    cx: &mut Cx<'_>,
    v: Option<Located<String>>,
    rule: fn(&str) -> rules::Check,
) -> Option<String> {
    let v = v?;
    cx.check(&v, rule(&v.value)).then_some(v.value)
}

fn filter(
    cx: &mut Cx<'_>,
    fs: &Fields<'_>,
    path: &str,
    preset: Option<&str>,
) -> Option<MetricFilter> {
    let name = required_checked(cx, fs, path, "name", r::filter_name);
    let pattern = required_checked(cx, fs, path, "pattern", filter_pattern::filter_pattern);
    let metric_name = match cx.string(fs, "metric_name") {
        Some(m) => checked(cx, Some(m), r::metric_name),
        None => name.clone(),
    };
    let metric_namespace = match cx.string(fs, "metric_namespace") {
        Some(m) => checked(cx, Some(m), r::namespace),
        None => Some(alarm_defaults::NAMESPACE.to_owned()),
    };
    let metric_value = match cx.string(fs, "metric_value") {
        Some(v) if v.value.trim().is_empty() => {
            cx.report(
                v.loc,
                &v.path,
                Problem::new("metric_value is empty")
                    .help("usually \"1\": count each matching event"),
            );
            None
        }
        Some(v) => Some(v.value),
        None => Some(alarm_defaults::METRIC_VALUE.to_owned()),
    };
    let alarm = match fs.get("alarm") {
        Some(af) if matches!(af.node.kind, Kind::Bool(false)) => Some(None),
        af => name.as_deref().and_then(|n| alarm(cx, af, n).map(Some)),
    };
    let sample_event = match fs.get("sample_event") {
        None => Some(None),
        Some(f) if !matches!(f.node.kind, Kind::Map(_)) => {
            cx.sink
                .error(f.at(), f.path, "sample_event is not a CloudTrail event")
                .help("a mapping of the event's fields, e.g. {eventName: StopLogging, eventSource: cloudtrail.amazonaws.com}");
            None
        }
        Some(f) => super::statements::to_json(cx, f.node, f.path).map(Some),
    };
    Some(MetricFilter {
        name: name?,
        pattern: pattern?,
        metric_name: metric_name?,
        metric_namespace: metric_namespace?,
        metric_value: metric_value?,
        alarm: alarm?,
        sample_event: sample_event?,
        preset: preset.map(str::to_owned),
    })
}

fn required_checked(
    cx: &mut Cx<'_>,
    fs: &Fields<'_>,
    path: &str,
    key: &str,
    rule: fn(&str) -> rules::Check,
) -> Option<String> {
    let v = cx.required(fs, path, key);
    checked(cx, v, rule)
}

fn alarm(cx: &mut Cx<'_>, f: Option<Field<'_>>, filter_name: &str) -> Option<Alarm> {
    let fs = match f {
        Some(f) => Some(decode::mapping(cx.sink, f, &ALARM_SHAPE)?),
        None => None,
    };
    let get = |cx: &mut Cx<'_>, key: &str| fs.as_ref().and_then(|fs| cx.string(fs, key));
    let name = match get(cx, "name") {
        Some(n) => checked(cx, Some(n), r::alarm_name),
        None => Some(alarm_defaults::name(filter_name)),
    };
    let description = get(cx, "description").map(|d| d.value);
    let statistic = match get(cx, "statistic") {
        Some(s) => checked(cx, Some(s), r::statistic),
        None => Some(alarm_defaults::STATISTIC.to_owned()),
    };
    let comparison = match get(cx, "comparison") {
        Some(s) => checked(cx, Some(s), r::comparison),
        None => Some(alarm_defaults::COMPARISON.to_owned()),
    };
    let treat_missing_data = match get(cx, "treat_missing_data") {
        Some(s) => checked(cx, Some(s), r::treat_missing_data),
        None => Some(alarm_defaults::TREAT_MISSING_DATA.to_owned()),
    };
    let int =
        |cx: &mut Cx<'_>, key: &str, default: u32| match fs.as_ref().and_then(|fs| fs.get(key)) {
            Some(f) => decode::integer(cx.sink, f, 1, 604_800),
            None => Some(Located {
                value: default,
                loc: fs
                    .as_ref()
                    .map_or(yaml::Loc { line: 1, column: 1 }, |fs| fs.loc),
                path: String::new(),
            }),
        };
    let period = int(cx, "period", alarm_defaults::PERIOD);
    let period = period.filter(|p| p.path.is_empty() || cx.check(p, r::period(p.value)));
    let evaluation_periods = int(cx, "evaluation_periods", alarm_defaults::EVALUATION_PERIODS);
    if let (Some(p), Some(e)) = (&period, &evaluation_periods)
        && let Err(problem) = r::evaluation_window(p.value, e.value)
    {
        let at = if e.path.is_empty() { p } else { e };
        cx.report(at.loc, &at.path, problem);
        return None;
    }
    let threshold = match fs.as_ref().and_then(|fs| fs.get("threshold")) {
        None => Some(alarm_defaults::THRESHOLD),
        Some(t) => match &t.node.kind {
            #[allow(clippy::cast_precision_loss)]
            Kind::Int(i) => Some(*i as f64),
            Kind::Float(x) if x.is_finite() => Some(*x),
            _ => {
                cx.sink.error(
                    t.node.loc,
                    t.path,
                    format!("expected a number, found {}", t.node.describe()),
                );
                None
            }
        },
    };
    let mut actions = vec![AlarmAction::AlertTopic];
    if let Some(af) = fs.as_ref().and_then(|fs| fs.get("actions")) {
        actions.clear();
        for a in decode::string_list(cx.sink, af).unwrap_or_default() {
            if a.value == "alert_topic" {
                actions.push(AlarmAction::AlertTopic);
            } else if cx.check(&a, r::action_arn(&a.value)) {
                actions.push(AlarmAction::Arn(a.value));
            }
        }
    }
    Some(Alarm {
        name: name?,
        description,
        statistic: statistic?,
        period: period?.value,
        evaluation_periods: evaluation_periods?.value,
        threshold: threshold?,
        comparison: comparison?,
        treat_missing_data: treat_missing_data?,
        actions,
    })
}

fn queries(
    cx: &mut Cx<'_>,
    fields: &Fields<'_>,
    default_groups: &[String],
    preset: Option<&str>,
) -> Vec<SavedQuery> {
    let items = decode::list_at(cx.sink, fields, "queries");
    let mut out: Vec<SavedQuery> = Vec::new();
    for item in &items {
        let Some(fs) = decode::mapping(cx.sink, item.field(), &QUERY_SHAPE) else {
            continue;
        };
        let name = required_checked(cx, &fs, &item.path, "name", r::query_name);
        let query = cx.required(&fs, &item.path, "query").and_then(|q| {
            match insights_query::insights_query(&q.value) {
                Ok(()) => Some(q.value),
                Err(problem) => {
                    // A literal block keeps the query's lines: point at the
                    // spec line of the query line that is wrong.
                    let mut loc = q.loc;
                    if let Some(n) = insights_query::problem_line(&problem)
                        && q.value.contains('\n')
                    {
                        loc.line += u32::try_from(n.saturating_sub(1)).unwrap_or(0);
                    }
                    cx.report(loc, &q.path, problem);
                    None
                }
            }
        });
        let log_groups = match fs.get("log_groups") {
            Some(gf) => decode::string_list(cx.sink, gf).map(|gs| {
                gs.into_iter()
                    .filter(|g| cx.check(g, rules::logs::log_group_name(&g.value)))
                    .map(|g| g.value)
                    .collect::<Vec<_>>()
            }),
            None => Some(default_groups.to_vec()),
        };
        let (Some(name), Some(query), Some(mut log_groups)) = (name, query, log_groups) else {
            continue;
        };
        if out.iter().any(|o| o.name == name) {
            cx.sink
                .error(
                    fs.loc,
                    &item.path,
                    format!("two queries are named \"{name}\""),
                )
                .help("query names identify saved queries: make them unique");
            continue;
        }
        log_groups.sort();
        log_groups.dedup();
        out.push(SavedQuery {
            name,
            query,
            log_groups,
            preset: preset.map(str::to_owned),
        });
    }
    out
}
