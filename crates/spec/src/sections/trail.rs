//! The `trail` section.

use super::{Cx, selectors};
use crate::decode::{self, Field, Located};
use crate::defaults;
use crate::model::{
    BasicSelector, DataResource, EventSelectors, InsightType, Trail,
};
use crate::rules;
use crate::shape::{Count, Field as Key, Object, Str, Ty};
use crate::yaml::Kind;

pub(crate) const SHAPE: Object = Object::new(
    "trail",
    &[
        Key::new(
            "name",
            Ty::Str(Str::ANY.pattern("^[A-Za-z0-9]+([._-][A-Za-z0-9]+)*$").len(3, 128)),
            "The trail's name: 3-128 letters, digits, '.', '-' and '_', starting and ending with a letter or digit, no two of '.', '-', '_' side by side.",
        )
        .required(),
        Key::new("multi_region", Ty::Bool, "Record API activity in every region (default true)."),
        Key::new(
            "include_global_service_events",
            Ty::Bool,
            "Record IAM, STS and CloudFront events (default true).",
        ),
        Key::new(
            "log_file_validation",
            Ty::Bool,
            "Write signed digest files so tampering with log files can be detected (default true).",
        ),
        Key::new("logging", Ty::Bool, "Whether the trail records (default true)."),
        Key::new(
            "organization",
            Ty::Bool,
            "An organization trail, recording every account of the organization (default false; needs multi_region).",
        ),
        Key::new(
            "s3_key_prefix",
            Ty::Str(Str::ANY.pattern("^[^/](.*[^/])?$").len(1, 200)),
            "The key prefix of log files in the bucket (no leading or trailing '/').",
        ),
        Key::new(
            "sns_topic",
            Ty::Str(Str::ANY.pattern("^(arn:[^:]*:sns:[^:]*:[^:]*:)?[A-Za-z0-9_-]{1,256}$")),
            "An SNS topic (name or ARN) told of each log file delivered.",
        ),
        Key::new(
            "data_events",
            Ty::Bool,
            "The seed procedure's data events: S3 object and Lambda function events of every resource.",
        ),
        Key::new(
            "event_selectors",
            Ty::List(
                &Ty::Object(&selectors::BASIC_SHAPE),
                Count::NON_EMPTY.at_most(rules::selectors::MAX_BASIC_SELECTORS),
            ),
            "Basic event selectors (at most 5). Left out: every management event.",
        ),
        Key::new(
            "advanced_event_selectors",
            Ty::List(&Ty::Object(&selectors::ADVANCED_SHAPE), Count::NON_EMPTY),
            "Advanced event selectors. Left out: every management event.",
        ),
        Key::new(
            "insights",
            Ty::Either(&[Ty::Bool, Ty::List(&Ty::Str(Str::one_of(&InsightType::NAMES)), Count::ANY)]),
            "CloudTrail Insights: true (ApiCallRateInsight, the default when management events are logged), false, or a list of insight types.",
        ),
    ],
)
.exclusive(&["data_events", "event_selectors", "advanced_event_selectors"])
.also(&[
    r#"{"not": {"required": ["organization", "multi_region"], "properties": {"organization": {"const": true}, "multi_region": {"const": false}}}}"#,
    // A multi-Region trail (the default) must include global service events (rules::trail).
    r#"{"not": {"required": ["include_global_service_events"], "properties": {"include_global_service_events": {"const": false}, "multi_region": {"const": true}}}}"#,
])
.unchecked(&[
    "insights need the event selectors to log write management events",
    "an insight type is listed once",
]);

/// Reads the trail; also returns its located name for checks in other sections.
pub(crate) fn read(cx: &mut Cx<'_>, f: Field<'_>) -> Option<(Trail, Located<String>)> {
    let fields = decode::mapping(cx.sink, f, &SHAPE)?;
    let name = cx
        .required(&fields, "trail", "name")
        .filter(|n| cx.check(n, rules::names::trail_name(&n.value)));

    let multi_region = cx.bool_or(&fields, "multi_region", true);
    cx.warn_if_off(
        &fields,
        "multi_region",
        multi_region,
        "API activity in other regions will not be recorded",
    );
    let include_global_service_events = cx.bool_or(&fields, "include_global_service_events", true);
    cx.warn_if_off(
        &fields,
        "include_global_service_events",
        include_global_service_events,
        "IAM, STS and CloudFront events will not be recorded",
    );
    if let Some(f) = fields.get("include_global_service_events")
        && let Err(p) = rules::trail::global_events(multi_region, include_global_service_events)
    {
        cx.report(f.at(), f.path, p);
    }
    let log_file_validation = cx.bool_or(&fields, "log_file_validation", true);
    cx.warn_if_off(
        &fields,
        "log_file_validation",
        log_file_validation,
        "tampering with log files cannot be detected",
    );
    let logging = cx.bool_or(&fields, "logging", true);
    cx.warn_if_off(
        &fields,
        "logging",
        logging,
        "the trail will not record anything",
    );
    let organization = cx.bool_or(&fields, "organization", false);
    if organization
        && !multi_region
        && let Some(f) = fields.get("organization")
    {
        cx.sink
            .error(f.at(), f.path, "an organization trail must be multi-region")
            .help("remove `multi_region: false`, or set `organization: false`");
    }

    let s3_key_prefix = cx.string(&fields, "s3_key_prefix");
    if let Some(p) = &s3_key_prefix {
        cx.check(p, rules::names::s3_key_prefix(&p.value));
    }
    let sns_topic = cx.string(&fields, "sns_topic");
    if let Some(t) = &sns_topic {
        cx.check(t, rules::names::sns_topic(&t.value));
    }

    let event_selectors = read_event_selectors(cx, &fields)?;
    let insights = read_insights(cx, &fields, &event_selectors);

    let name = name?;
    let trail = Trail {
        name: name.value.clone(),
        multi_region,
        include_global_service_events,
        log_file_validation,
        logging,
        organization,
        s3_key_prefix: s3_key_prefix.map(|p| p.value),
        sns_topic: sns_topic.map(|t| t.value),
        event_selectors,
        insights: insights?,
    };
    Some((trail, name))
}

/// `data_events`, `event_selectors` and `advanced_event_selectors` are three
/// ways to say which events the trail logs; only one may be used.
fn read_event_selectors(cx: &mut Cx<'_>, fields: &decode::Fields<'_>) -> Option<EventSelectors> {
    let styles: Vec<Field<'_>> = ["data_events", "event_selectors", "advanced_event_selectors"]
        .iter()
        .filter_map(|k| fields.get(k))
        .collect();
    if styles.len() > 1 {
        let names: Vec<&str> = styles.iter().map(|f| f.path).collect();
        let second = styles[1];
        cx.sink
            .error(
                second.at(),
                second.path,
                format!("{} cannot be used together", names.join(" and ")),
            )
            .help("use one: data_events (the seed's S3 + Lambda data events), event_selectors (basic) or advanced_event_selectors");
        return None;
    }
    if let Some(f) = fields.get("data_events") {
        let on = decode::boolean(cx.sink, f)?;
        return Some(EventSelectors::Basic(vec![seed_selector(on, cx.partition)]));
    }
    if let Some(f) = fields.get("event_selectors") {
        return selectors::basic(cx, f).map(EventSelectors::Basic);
    }
    if let Some(f) = fields.get("advanced_event_selectors") {
        return selectors::advanced(cx, f).map(EventSelectors::Advanced);
    }
    if cx.profile == Some(super::profile::Profile::Cis) {
        return Some(super::profile::cis_selectors(cx.partition));
    }
    Some(EventSelectors::Basic(vec![
        BasicSelector::all_management_events(),
    ]))
}

/// The seed's step 6 selector: management events, plus S3 and Lambda data events when on.
fn seed_selector(data_events: bool, partition: &str) -> BasicSelector {
    let mut s = BasicSelector::all_management_events();
    if data_events {
        s.data_resources = defaults::seed_data_event_resources()
            .into_iter()
            .map(|(t, v)| DataResource {
                resource_type: t.to_owned(),
                values: vec![v.replace("{partition}", partition)],
            })
            .collect();
    }
    s
}

/// Whether the selectors log write management events, which the default
/// ApiCallRateInsight needs (rules::trail).
fn logs_management_events(selectors: &EventSelectors) -> bool {
    rules::trail::logs_management(selectors, rules::trail::Access::Write)
}

/// `insights: true|false` or a list of insight types.
fn read_insights(
    cx: &mut Cx<'_>,
    fields: &decode::Fields<'_>,
    selectors: &EventSelectors,
) -> Option<Vec<InsightType>> {
    let Some(f) = fields.get("insights") else {
        if logs_management_events(selectors) {
            return Some(defaults::INSIGHTS.to_vec());
        }
        cx.sink
            .warning(fields.loc, "trail.insights", "insights are off: the event selectors log no write management events")
            .help("Insights analyses management events; include them to get the default ApiCallRateInsight");
        return Some(Vec::new());
    };
    let mut out = match &f.node.kind {
        Kind::Bool(true) => defaults::INSIGHTS.to_vec(),
        Kind::Bool(false) => Vec::new(),
        Kind::Seq(_) => {
            let items = decode::string_list(cx.sink, f)?;
            let mut out = Vec::new();
            for item in items {
                match InsightType::parse(&item.value) {
                    Some(t) if out.contains(&t) => {
                        cx.sink.error(
                            item.loc,
                            &item.path,
                            format!("{} is listed twice", item.value),
                        );
                    }
                    Some(t) => out.push(t),
                    None => {
                        cx.sink.unknown(&item, "insight type", &InsightType::NAMES);
                    }
                }
            }
            out
        }
        _ => {
            cx.sink
                .error(
                    f.at(),
                    f.path,
                    format!(
                        "expected true, false or a list, found {}",
                        f.node.describe()
                    ),
                )
                .help(format!(
                    "e.g. insights: [{}]",
                    InsightType::NAMES.join(", ")
                ));
            return None;
        }
    };
    out.sort();
    if let Err(p) = rules::trail::management_insights(&out, selectors) {
        cx.report(f.at(), f.path, p);
        return None;
    }
    Some(out)
}
