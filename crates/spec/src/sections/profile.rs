//! `profile: cis`: every CloudTrail and monitoring control of the CIS AWS
//! Foundations Benchmark v3.0 that an API can set, as the spec's defaults and
//! as rules. The profile sets the event selectors (every management event,
//! and S3 object-level reads and writes for every bucket: 3.1, 3.8, 3.9) and
//! adds the `cis` monitoring preset (4.1-4.15); it refuses a spec that turns
//! a control off, naming the control. docs/cis.md lists each control beside
//! its setting, and the manual ones.

use super::Cx;
use crate::decode::Fields;
use crate::model::{BasicSelector, DataResource, EventSelectors, Spec};
use crate::yaml::{Kind, Loc};

/// A named set of defaults and rules.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Profile {
    Cis,
}

pub(crate) const NAMES: &[&str] = &["cis"];

pub(crate) fn read(cx: &mut Cx<'_>, top: &Fields<'_>) -> Option<Profile> {
    let p = cx.string(top, "profile")?;
    match p.value.as_str() {
        "cis" => Some(Profile::Cis),
        _ => {
            cx.sink.unknown(&p, "profile", NAMES);
            None
        }
    }
}

/// The CIS profile's selectors: every management event, and S3 object-level
/// reads and writes for every bucket (CIS 3.1, 3.8, 3.9).
pub(crate) fn cis_selectors(partition: &str) -> EventSelectors {
    let mut s = BasicSelector::all_management_events();
    s.data_resources = vec![DataResource {
        resource_type: "AWS::S3::Object".into(),
        values: vec![format!("arn:{partition}:s3")],
    }];
    EventSelectors::Basic(vec![s])
}

/// What the profile refuses in a decoded spec: each setting that turns a
/// control off, at its field, naming the control.
pub(crate) fn check_cis(cx: &mut Cx<'_>, top: &Fields<'_>, spec: &Spec) {
    let at = |cx: &mut Cx<'_>, path: &str, msg: String, help: &str| {
        let loc = field_loc(top, path);
        cx.sink.error(loc, path, msg).help(help.to_owned());
    };
    let t = &spec.trail;
    let off = [
        (
            !t.multi_region,
            "trail.multi_region",
            "3.1",
            "a multi-region trail",
        ),
        (!t.logging, "trail.logging", "3.1", "a logging trail"),
        (
            !t.log_file_validation,
            "trail.log_file_validation",
            "3.2",
            "log file validation",
        ),
    ];
    for (is_off, path, id, what) in off {
        if is_off {
            at(
                cx,
                path,
                format!("profile cis needs {what} (CIS {id})"),
                "remove the setting (the default is on), or the profile",
            );
        }
    }
    for key in ["data_events", "event_selectors", "advanced_event_selectors"] {
        let path = format!("trail.{key}");
        if key_of(top, &path).is_some() {
            at(
                cx,
                &path,
                "profile cis sets the event selectors itself: every management event, S3 object-level reads and writes (CIS 3.1, 3.8, 3.9)".into(),
                "remove it, or the profile",
            );
        }
    }
    if spec.kms.as_ref().is_some_and(|k| !k.rotation) {
        at(
            cx,
            "kms_key_rotation",
            "profile cis needs the key's rotation on (CIS 3.6)".into(),
            "remove `kms_key_rotation: false` (the default is on), or the profile",
        );
    }
    if spec.bucket.access_logging.is_none() {
        at(
            cx,
            "bucket",
            "profile cis needs server access logging on the log bucket (CIS 3.4)".into(),
            "bucket.access_logging: {target_bucket: <a bucket for the access logs>}",
        );
    }
    if spec.kms.is_none() {
        at(
            cx,
            "kms_key_id",
            "profile cis needs log files encrypted with a customer managed KMS key (CIS 3.5)"
                .into(),
            "kms_key_id: <key id, ARN or alias>",
        );
    }
    if spec.cloudwatch_logs.is_none() {
        at(
            cx,
            "cloudwatch_logs",
            "profile cis needs CloudWatch Logs delivery for its metric filters (CIS 4.1-4.15)"
                .into(),
            "remove `cloudwatch_logs: false`, or the profile",
        );
    }
    let heard = spec
        .monitoring
        .alert_topic
        .as_ref()
        .is_some_and(crate::model::AlertTopic::has_subscriber);
    if spec.cloudwatch_logs.is_some() && !heard {
        at(
            cx,
            "monitoring.alert_topic",
            "profile cis needs an alert topic with a subscriber: the benchmark's alarms must reach someone (CIS 4.x)".into(),
            "monitoring: { alert_topic: { name: <topic>, emails: [<address>] } }, or the ARN of a topic managed elsewhere",
        );
    }
}

/// The key at a dotted `path` under the top level, if the spec writes it.
fn key_of(top: &Fields<'_>, path: &str) -> Option<Loc> {
    let (section, rest) = path.split_once('.').unwrap_or((path, ""));
    let f = top.get(section)?;
    let mut loc = f.key?;
    let mut node = f.node;
    for key in rest.split('.').filter(|k| !k.is_empty()) {
        let Kind::Map(entries) = &node.kind else {
            return None;
        };
        let (k, v) = entries
            .iter()
            .find(|(k, _)| matches!(&k.kind, Kind::Str(s) if s == key))?;
        loc = k.loc;
        node = v;
    }
    Some(loc)
}

/// Where to report a problem with `path`: its key, or its section's, or
/// the top of the file.
fn field_loc(top: &Fields<'_>, path: &str) -> Loc {
    key_of(top, path)
        .or_else(|| key_of(top, path.split('.').next().unwrap_or(path)))
        .unwrap_or(top.loc)
}

/// The `cis` preset entries the spec leaves out (`monitoring.disable`).
pub(crate) fn check_cis_filters(cx: &mut Cx<'_>, top: &Fields<'_>, spec: &Spec) {
    let Some(group) = spec.cloudwatch_logs.as_ref().map(|l| l.log_group.as_str()) else {
        return;
    };
    let Some(preset) = super::monitoring::PRESETS.iter().find(|p| p.name == "cis") else {
        return;
    };
    let Ok((filters, _)) = super::monitoring::preset_entries(preset, group) else {
        return;
    };
    let kept: Vec<&str> = spec
        .monitoring
        .metric_filters
        .iter()
        .map(|m| m.name.as_str())
        .collect();
    for f in filters.iter().filter(|f| !kept.contains(&f.name.as_str())) {
        let loc = field_loc(top, "monitoring.disable");
        cx.sink
            .error(
                loc,
                "monitoring.disable",
                format!("profile cis needs the `{}` filter and its alarm (CIS 4.x)", f.name),
            )
            .help("remove it from disable (a filter costs nothing while nothing happens), or the profile");
    }
}
