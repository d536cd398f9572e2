//! The `trail` section.

use super::{Cx, selectors};
use crate::decode::{self, Field, Fields, Located};
use crate::defaults;
use crate::diagnostic::{Severity, Sink};
use crate::model::{
    Account, AggregationTemplate, BasicSelector, DataResource, EventSelectors, Insight,
    InsightCategory, InsightType, Trail,
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
        Key::new(
            "account",
            Ty::Str(super::accounts::NAME),
            "The account (its name under accounts) that holds the trail, its log group, the role CloudTrail assumes, the topics and the monitoring. Needed when accounts lists more than one.",
        ),
        Key::new(
            "delegated_admin",
            Ty::Str(super::accounts::NAME),
            "The account (its name under accounts), registered as CloudTrail's delegated administrator of the organization, whose credentials make every CloudTrail call; the organization trail stays the management account's (trail.account), and each call names it by its ARN. Needs organization.",
        ),
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
            Ty::Either(&[
                Ty::Bool,
                Ty::List(
                    &Ty::Either(&[
                        Ty::Str(Str::one_of(&InsightType::NAMES)),
                        Ty::Object(&INSIGHT_SHAPE),
                    ]),
                    Count::ANY,
                ),
            ]),
            "CloudTrail Insights: true (ApiCallRateInsight, the default when management events are logged), false, or a list of insight types (on management events) or {type, event_categories} entries.",
        ),
        Key::new(
            "aggregation",
            Ty::List(&Ty::Str(Str::one_of(&AggregationTemplate::NAMES)), Count::ANY),
            "Aggregated data events: the templates (API_ACTIVITY, RESOURCE_ACCESS, USER_ACTIONS); [] for none. Left out: not managed by ctrail. Needs data events.",
        ),
        Key::new(
            "recursive_logging",
            Ty::Bool,
            "Log CloudTrail's own log deliveries (S3 PutObject, CloudWatch Logs PutLogEvents) as events (default false when the trail logs S3 or CloudWatch Logs data events, true otherwise).",
        ),
    ],
)
.exclusive(&["data_events", "event_selectors", "advanced_event_selectors"])
.also(&[
    r#"{"not": {"required": ["organization", "multi_region"], "properties": {"organization": {"const": true}, "multi_region": {"const": false}}}}"#,
    r#"{"if": {"required": ["delegated_admin"]}, "then": {"required": ["organization"], "properties": {"organization": {"const": true}}}}"#,
    // A multi-Region trail (the default) must include global service events (rules::trail).
    r#"{"not": {"required": ["include_global_service_events"], "properties": {"include_global_service_events": {"const": false}, "multi_region": {"const": true}}}}"#,
])
.unchecked(&[
    "insights need the event selectors to log write management events",
    "an insight type is listed once",
    "insights on data events need the trail to log data events",
    "aggregation needs the trail to log data events",
]);

/// One Insights type with the events it analyses (`InsightSelector`,
/// CloudTrail API Reference,
/// https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_InsightSelector.html).
const INSIGHT_SHAPE: Object = Object::new(
    "insight",
    &[
        Key::new(
            "type",
            Ty::Str(Str::one_of(&InsightType::NAMES)),
            "The Insights type.",
        )
        .required(),
        Key::new(
            "event_categories",
            Ty::List(
                &Ty::Str(Str::one_of(&InsightCategory::NAMES)),
                Count::NON_EMPTY,
            ),
            "The events it analyses: Management, Data, or both (default [Management]).",
        ),
    ],
);

/// Reads the trail; also returns its located name for checks in other sections.
pub(crate) fn read(
    cx: &mut Cx<'_>,
    f: Field<'_>,
    accounts: &[Located<Account>],
) -> Option<(Trail, Located<String>)> {
    let fields = decode::mapping(cx.sink, f, &SHAPE)?;
    let name = cx
        .required(&fields, "trail", "name")
        .filter(|n| cx.check(n, rules::names::trail_name(&n.value)));
    let named = cx.string(&fields, "account");
    if named.is_none() && accounts.len() > 1 {
        cx.sink
            .error(
                fields.loc,
                "trail.account",
                "missing field `account`: the spec lists several accounts",
            )
            .help("name the account that holds the trail, e.g. account: management");
    }
    let only = match accounts {
        [one] => Some(one.value.name.as_str()),
        _ => None,
    };
    let account = super::accounts::placed(cx, accounts, named, only);

    let multi_region = cx.bool_or(&fields, "multi_region", defaults::MULTI_REGION);
    cx.warn_if_off(
        &fields,
        "multi_region",
        multi_region,
        "API activity in other regions will not be recorded",
    );
    let include_global_service_events = cx.bool_or(
        &fields,
        "include_global_service_events",
        defaults::INCLUDE_GLOBAL_SERVICE_EVENTS,
    );
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
    let log_file_validation = cx.bool_or(
        &fields,
        "log_file_validation",
        defaults::LOG_FILE_VALIDATION,
    );
    cx.warn_if_off(
        &fields,
        "log_file_validation",
        log_file_validation,
        "tampering with log files cannot be detected",
    );
    let logging = cx.bool_or(&fields, "logging", defaults::LOGGING);
    cx.warn_if_off(
        &fields,
        "logging",
        logging,
        "the trail will not record anything",
    );
    let organization = cx.bool_or(&fields, "organization", defaults::ORGANIZATION);
    if organization
        && !multi_region
        && let Some(f) = fields.get("organization")
    {
        cx.sink
            .error(f.at(), f.path, "an organization trail must be multi-region")
            .help("remove `multi_region: false`, or set `organization: false`");
    }

    let delegated_admin =
        read_delegated_admin(cx, &fields, accounts, account.as_deref(), organization);

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
    let aggregation = read_aggregation(cx, &fields, &event_selectors);
    let recursive_logging = read_recursive_logging(cx, &fields, &event_selectors);

    let name = name?;
    let trail = Trail {
        name: name.value.clone(),
        account,
        delegated_admin,
        multi_region,
        include_global_service_events,
        log_file_validation,
        logging,
        organization,
        s3_key_prefix: s3_key_prefix.map(|p| p.value),
        sns_topic: sns_topic.map(|t| t.value),
        event_selectors,
        insights: insights?,
        aggregation: aggregation?,
        recursive_logging,
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

/// `insights: true|false`, or a list whose entries are an insight type
/// (on management events) or `{type, event_categories}`.
///
/// What each needs is CloudTrail's (User Guide, "Working with CloudTrail
/// Insights",
/// https://docs.aws.amazon.com/awscloudtrail/latest/userguide/logging-insights-events-with-cloudtrail.html;
/// API Reference, PutInsightSelectors): Insights on management events need
/// the trail to log write management events, Insights on data events need
/// it to log data events (read or write).
fn read_insights(
    cx: &mut Cx<'_>,
    fields: &decode::Fields<'_>,
    selectors: &EventSelectors,
) -> Option<Vec<Insight>> {
    let Some(f) = fields.get("insights") else {
        if logs_management_events(selectors) {
            return Some(defaults::INSIGHTS.map(Insight::on_management).to_vec());
        }
        cx.sink
            .warning(fields.loc, "trail.insights", "insights are off: the event selectors log no write management events")
            .help("Insights analyses management events; include them to get the default ApiCallRateInsight");
        return Some(Vec::new());
    };
    let mut out: Vec<Insight> = match &f.node.kind {
        Kind::Bool(true) => defaults::INSIGHTS.map(Insight::on_management).to_vec(),
        Kind::Bool(false) => Vec::new(),
        Kind::Seq(_) => {
            let mut out: Vec<Insight> = Vec::new();
            for item in decode::list(cx.sink, f)? {
                let Some((insight, at)) = read_insight(cx, item.field()) else {
                    continue;
                };
                if out.iter().any(|i| i.insight_type == insight.insight_type) {
                    cx.sink
                        .error(
                            at,
                            &item.path,
                            format!("{} is listed twice", insight.insight_type.as_str()),
                        )
                        .help("list each type once, with every event category it analyses");
                    continue;
                }
                out.push(insight);
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
    out.sort_by_key(|i| i.insight_type);
    let mut ok = true;
    let on_management: Vec<InsightType> = out
        .iter()
        .filter(|i| i.analyses(InsightCategory::Management))
        .map(|i| i.insight_type)
        .collect();
    if let Err(p) = rules::trail::management_insights(&on_management, selectors) {
        cx.report(f.at(), f.path, p);
        ok = false;
    }
    if out.iter().any(|i| i.analyses(InsightCategory::Data)) && !selectors.logs_data_events() {
        cx.sink
            .error(f.at(), f.path, "insights on data events need the trail to log data events")
            .help("log data events (data_events: true, or a Data selector), or drop Data from event_categories");
        ok = false;
    }
    ok.then_some(out)
}

/// One entry of `insights`: a type name (on management events) or
/// `{type, event_categories}`; with where to point at it.
fn read_insight(cx: &mut Cx<'_>, f: Field<'_>) -> Option<(Insight, crate::yaml::Loc)> {
    let at = f.at();
    if !matches!(f.node.kind, Kind::Map(_)) {
        let name = decode::string(cx.sink, f)?;
        let Some(t) = InsightType::parse(&name.value) else {
            cx.sink.unknown(&name, "insight type", &InsightType::NAMES);
            return None;
        };
        return Some((Insight::on_management(t), at));
    }
    let entry = decode::mapping(cx.sink, f, &INSIGHT_SHAPE)?;
    let name = cx.required(&entry, f.path, "type")?;
    let Some(insight_type) = InsightType::parse(&name.value) else {
        cx.sink.unknown(&name, "insight type", &InsightType::NAMES);
        return None;
    };
    let Some(categories) = entry.get("event_categories") else {
        return Some((Insight::on_management(insight_type), at));
    };
    let items = decode::string_list(cx.sink, categories)?;
    if items.is_empty() {
        cx.sink
            .error(
                categories.at(),
                categories.path,
                "event_categories is empty",
            )
            .help("list Management, Data or both, or leave event_categories out for Management");
        return None;
    }
    let event_categories = parsed_set(
        cx.sink,
        items,
        Severity::Error,
        (
            "event category",
            InsightCategory::parse,
            &InsightCategory::NAMES,
        ),
    );
    Some((
        Insight {
            insight_type,
            event_categories,
        },
        at,
    ))
}

/// A kind of name: what it is called, how one is read, and every one
/// allowed.
type Names<'a, T> = (&'a str, fn(&str) -> Option<T>, &'a [&'a str]);

/// The names in `items` as a sorted set of the `what`s `parse` reads: one
/// listed twice is reported with the severity `twice`, an unknown one is an
/// error naming the `allowed` names.
fn parsed_set<T: Ord>(
    sink: &mut Sink,
    items: Vec<Located<String>>,
    twice: Severity,
    (what, parse, allowed): Names<'_, T>,
) -> Vec<T> {
    let mut out = Vec::new();
    for item in items {
        match parse(&item.value) {
            Some(v) if out.contains(&v) => {
                let message = format!("{} is listed twice", item.value);
                match twice {
                    Severity::Error => sink.error(item.loc, &item.path, message),
                    Severity::Warning => sink.warning(item.loc, &item.path, message),
                };
            }
            Some(v) => out.push(v),
            None => sink.unknown(&item, what, allowed),
        }
    }
    out.sort();
    out
}

/// `aggregation`: the templates of aggregated data events
/// (PutEventConfiguration's `AggregationConfigurations`, CloudTrail API
/// Reference, AggregationConfiguration,
/// https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_AggregationConfiguration.html;
/// User Guide, "Aggregating data events",
/// https://docs.aws.amazon.com/awscloudtrail/latest/userguide/aggregating-data-events.html:
/// aggregation is enabled "on a trail that collects data events").
/// `Some(None)` when left out (not managed); `None` on an error.
fn read_aggregation(
    cx: &mut Cx<'_>,
    fields: &decode::Fields<'_>,
    selectors: &EventSelectors,
) -> Option<Option<Vec<AggregationTemplate>>> {
    let Some(f) = fields.get("aggregation") else {
        return Some(None);
    };
    let items = decode::string_list(cx.sink, f)?;
    // A set: a template listed twice means it once.
    let out = parsed_set(
        cx.sink,
        items,
        Severity::Warning,
        (
            "aggregation template",
            AggregationTemplate::parse,
            &AggregationTemplate::NAMES,
        ),
    );
    if !out.is_empty() && !selectors.logs_data_events() {
        cx.sink
            .error(
                f.at(),
                f.path,
                "aggregation needs the trail to log data events",
            )
            .help(
                "log data events (data_events: true, or a Data selector), or set `aggregation: []`",
            );
        return None;
    }
    Some(Some(out))
}

/// `recursive_logging`: off by default when the trail may log the calls
/// CloudTrail makes to deliver its own log files (S3 or CloudWatch Logs
/// data events). Each such call is then a data event, delivered by another
/// such call, without end, and each is billed; turning it off filters only
/// events CloudTrail itself invoked (CloudTrail User Guide, "Suppressing
/// recursive events with recursive logging",
/// https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-trail-recursive-logging.html).
/// Otherwise AWS's default, on, so a trail without such data events is
/// left as it is.
fn read_recursive_logging(
    cx: &mut Cx<'_>,
    fields: &decode::Fields<'_>,
    selectors: &EventSelectors,
) -> bool {
    let loops = selectors.may_log_deliveries();
    let on = cx.bool_or(
        fields,
        "recursive_logging",
        defaults::recursive_logging(loops),
    );
    if on
        && loops
        && let Some(f) = fields.get("recursive_logging")
    {
        cx.sink
            .warning(
                f.at(),
                f.path,
                "`recursive_logging` is on while the trail logs S3 or CloudWatch Logs data events: each log file CloudTrail delivers is logged as a billed data event, delivered in turn, without end",
            )
            .help("leave recursive_logging out: ctrail suppresses CloudTrail's own deliveries when the trail logs such data events");
    }
    on
}

/// `delegated_admin`: an account of `accounts` other than the trail's, for
/// an organization trail only (CloudTrail User Guide, "Organization
/// delegated administrator": the management account remains the owner of
/// the organization trails a delegated administrator creates and manages).
fn read_delegated_admin(
    cx: &mut Cx<'_>,
    fields: &Fields<'_>,
    accounts: &[Located<Account>],
    trail_account: Option<&str>,
    organization: bool,
) -> Option<String> {
    let named = cx.string(fields, "delegated_admin")?;
    let (loc, path) = (named.loc, named.path.clone());
    let admin = super::accounts::placed(cx, accounts, Some(named), None)?;
    if !organization {
        cx.sink
            .error(
                loc,
                &path,
                "a delegated administrator manages organization trails only",
            )
            .help("set organization: true, or remove delegated_admin");
        return None;
    }
    if Some(admin.as_str()) == trail_account {
        cx.sink
            .error(loc, &path, format!("\"{admin}\" is the trail's own account, the management account, not a delegated administrator"))
            .help("remove delegated_admin to call CloudTrail as the management account, or name the member account registered as CloudTrail's delegated administrator");
        return None;
    }
    Some(admin)
}
