//! `ctrail import --trail NAME`: writes a spec for a trail that exists,
//! made by hand or by another tool, so ctrail can take it over without
//! recreating anything.
//!
//! This is the driver; how a live value becomes spec fields is each kind's
//! (`Kind::import`). The trail is found (GetTrail), then what it uses that
//! its own attributes do not name (`uses`): the metric filters on its log
//! group, the alarms on their metrics, the saved queries naming it, the
//! topic the alarms notify with its email subscribers, the role's inline
//! policy that delivers, the bucket's access logging. A first draft naming
//! all of it is planned once, to read what it names as a plan reads it;
//! each resource read gives its fields, and the draft they make is planned
//! once more to check it: whatever the spec cannot leave as found is listed
//! at the top as the changes `ctrail plan` will show.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, anyhow, bail};
use ctrail_kinds::LiveState;
use ctrail_kinds::aws::{Clients, Connection, Retries};
use ctrail_kinds::cloudtrail::trail::{self, Trail};
use ctrail_kinds::iam::role_policy;
use ctrail_kinds::monitoring::{metric_alarm, metric_filter, query_definition};
use ctrail_kinds::s3::logging as bucket_logging;
use ctrail_kinds::sns::subscription;
use ctrail_kinds::{ImportCx, Kind, SpecField};
use ctrail_spec::draft::Draft;
use ctrail_spec::fields;
use serde_json::json;

#[derive(clap::Args)]
pub struct Options {
    /// The trail's name (or ARN).
    #[arg(long, value_name = "NAME")]
    pub trail: String,
    /// The trail's home region (default: --region, AWS_REGION).
    #[arg(long, value_name = "REGION")]
    pub region: Option<String>,
    /// Write the spec here (default: standard output).
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
}

pub fn run(opts: Options, conn: &Connection) -> ExitCode {
    let rt = crate::runtime();
    super::or_error(rt.block_on(import(opts, conn)))
}

fn region(opts: &Options, conn: &Connection) -> anyhow::Result<String> {
    opts.region
        .clone()
        .or_else(|| conn.region.clone())
        .or_else(|| std::env::var("AWS_REGION").ok())
        .or_else(|| std::env::var("AWS_DEFAULT_REGION").ok())
        .ok_or_else(|| anyhow!("give the trail's home region with --region"))
}

async fn import(opts: Options, conn: &Connection) -> anyhow::Result<ExitCode> {
    let region = region(&opts, conn)?;
    let clients = Clients::connect_with(conn, &region, Retries::Sdk).await;
    let listed = trail::get(&clients, &opts.trail)
        .await
        .with_context(|| format!("reading trail {}", opts.trail))?
        .ok_or_else(|| anyhow!("there is no trail {} in {region}", opts.trail))?;
    let found = &listed.trail;
    let (name, home) = (&found.name, &found.home_region);
    if *home != region {
        bail!("trail {name} lives in {home}; import it there (--region {home})");
    }
    let account = ctrail_model::arn::Arn::parse(&listed.arn).map_or("", |a| a.account);
    let uses = uses(&clients, found, account).await?;
    // Planned once to read what the first draft names...
    let (_, live) = plan(&first_draft(found, &uses), &clients).await?;
    let draft = draft_of(found, &live)?;
    // ...and once to check the draft the kinds made of it.
    let (actions, live) = plan(&draft, &clients).await?;
    let remaining = remaining(&actions);
    let text = draft.text(&header(found, &live, &remaining));
    // The result must be a valid spec.
    ctrail_spec::parse("imported spec", &text).map_err(|d| {
        let errors: Vec<String> = d.errors().map(|e| e.message.clone()).collect();
        anyhow!("internal error: the imported spec does not validate: {errors:?}")
    })?;
    match &opts.out {
        Some(path) => {
            std::fs::write(path, &text)
                .with_context(|| format!("cannot write {}", path.display()))?;
            eprintln!("wrote {}", path.display());
        }
        None => print!("{text}"),
    }
    if uses.more_alarms > 0 {
        eprintln!(
            "note: {} more alarm(s) watch the same metrics; the spec holds one alarm per filter, the first CloudWatch lists",
            uses.more_alarms
        );
    }
    if remaining.is_empty() {
        eprintln!(
            "ctrail plan on it shows no setting changes; it adopts what it found (the first apply marks each resource ctrail's)."
        );
    } else {
        eprintln!(
            "ctrail plan on it shows {} change(s) the spec cannot leave as found; each is listed at the top of the spec.",
            remaining.len()
        );
    }
    Ok(ExitCode::SUCCESS)
}

/// What the trail uses that its own attributes do not name, found with the
/// kinds' named reads.
#[derive(Default)]
struct Uses {
    /// The metric filters on the log group, each with the first alarm
    /// CloudWatch lists on its metric.
    filters: Vec<(metric_filter::MetricFilter, Option<String>)>,
    /// Alarms on the same metrics beyond each filter's first.
    more_alarms: usize,
    /// The saved queries naming the log group.
    queries: Vec<String>,
    /// The topic most of those alarms notify alone, with its email
    /// subscribers, when it is of the trail's account and region.
    alert_topic: Option<(String, Vec<String>)>,
    /// The role's inline policy CloudTrail delivers with, when not ctrail's.
    role_policy_name: Option<String>,
    /// The bucket the log bucket's access logs go to.
    access_logs: Option<String>,
}

async fn uses(clients: &Clients, trail: &Trail, account: &str) -> anyhow::Result<Uses> {
    let mut uses = Uses::default();
    let bucket = trail.s3_bucket_name.as_deref().unwrap_or_default();
    let logging = bucket_logging::get(clients, bucket)
        .await
        .with_context(|| format!("reading the access logging of {bucket}"))?;
    uses.access_logs = logging.and_then(|l| l.target_bucket);
    if let Some(role) = trail.role_name() {
        uses.role_policy_name = role_policy::delivering(clients, role)
            .await
            .with_context(|| format!("reading the inline policies of role {role}"))?;
    }
    let Some(group) = trail.log_group() else {
        return Ok(uses);
    };
    let reading = || format!("reading the monitoring on {group}");
    let filters = metric_filter::on_log_group(clients, group)
        .await
        .with_context(reading)?;
    let alarms = futures::future::try_join_all(filters.iter().map(|f| {
        let namespace = f.metric_namespace.as_deref().unwrap_or_default();
        let metric = f.metric_name.as_deref().unwrap_or_default();
        metric_alarm::for_metric(clients, namespace, metric)
    }))
    .await
    .with_context(reading)?;
    // The topic most first alarms notify alone.
    let mut counts: std::collections::BTreeMap<&str, usize> = Default::default();
    for first in alarms.iter().filter_map(|a| a.first()) {
        if let [arn] = first.alarm_actions.as_slice() {
            *counts.entry(arn.as_str()).or_default() += 1;
        }
    }
    let topic = counts.into_iter().max_by_key(|(_, n)| *n).map(|(a, _)| a);
    if let Some(arn) = topic.filter(|a| a.contains(&format!(":{}:{account}:", trail.home_region))) {
        let subscriptions = subscription::of_topic(clients, arn)
            .await
            .with_context(|| format!("reading the subscriptions of {arn}"))?;
        let emails = subscriptions
            .unwrap_or_default()
            .into_iter()
            .filter(|s| s.subscription.protocol == "email")
            .map(|s| s.subscription.endpoint)
            .collect();
        uses.alert_topic = Some((arn.to_owned(), emails));
    }
    uses.more_alarms = alarms.iter().map(|a| a.len().saturating_sub(1)).sum();
    uses.filters = filters
        .into_iter()
        .zip(alarms)
        .map(|(f, a)| (f, a.into_iter().find_map(|a| a.alarm_name)))
        .collect();
    uses.queries = query_definition::all(clients)
        .await
        .with_context(reading)?
        .into_iter()
        .filter(|q| q.log_group_names.iter().any(|g| g == group))
        .filter_map(|q| q.name)
        .collect();
    Ok(uses)
}

/// The draft naming what the trail uses: the trail's own fields, and the
/// names of the rest, for a plan to read them.
fn first_draft(found: &Trail, uses: &Uses) -> Draft {
    let nothing_read = LiveState::default();
    let mut draft = Draft::new(&found.home_region);
    put(
        &mut draft,
        found.import(&found.name, &ImportCx::new(found, &nothing_read)),
    );
    if let Some(name) = &uses.role_policy_name {
        draft.set(fields::LOGS_ROLE_POLICY_NAME, json!(name), "");
    }
    if let Some(target) = &uses.access_logs {
        let logging = json!({"target_bucket": target, "create": false});
        draft.set(fields::BUCKET_ACCESS_LOGGING, logging, "");
    }
    for (f, alarm) in &uses.filters {
        let alarm = alarm.as_ref().map_or(json!(false), |a| json!({"name": a}));
        let entry = json!({
            "name": f.filter_name, "pattern": f.filter_pattern, "metric_name": f.metric_name,
            "metric_namespace": f.metric_namespace, "alarm": alarm,
        });
        draft.push(fields::MONITORING_METRIC_FILTERS, entry, "");
    }
    for q in &uses.queries {
        let entry = json!({"name": q, "query": "fields @timestamp"});
        draft.push(fields::MONITORING_QUERIES, entry, "");
    }
    if let Some((arn, emails)) = &uses.alert_topic {
        let topic = json!({"name": ctrail_model::arn::last_part(arn), "emails": emails});
        draft.set(fields::MONITORING_ALERT_TOPIC, topic, "");
    }
    draft
}

/// The draft of every resource read: each kind's fields for it.
fn draft_of(found: &Trail, live: &LiveState) -> anyhow::Result<Draft> {
    let cx = ImportCx::new(found, live);
    let mut draft = Draft::new(&found.home_region);
    for (address, resource) in &live.resources {
        if let Some(value) = resource.present() {
            put(&mut draft, value.import(&address.name, &cx));
        }
    }
    Ok(draft)
}

fn put(draft: &mut Draft, fields: Vec<SpecField>) {
    for f in fields {
        if f.item {
            draft.push(f.at, f.value, f.comment);
        } else {
            draft.set(f.at, f.value, f.comment);
        }
    }
}

/// The draft planned as `ctrail plan` plans it: read, then compared.
async fn plan(
    draft: &Draft,
    clients: &Clients,
) -> anyhow::Result<(Vec<ctrail_model::Action>, LiveState)> {
    let spec = draft
        .parse("imported spec")
        .map_err(|d| {
            let errors: Vec<String> = d
                .errors()
                .map(|e| format!("line {} {}: {}", e.line, e.field, e.message))
                .collect();
            anyhow!("internal error: the draft does not validate: {errors:?}")
        })?
        .spec;
    let graph = ctrail_graph::build(&spec)?;
    // A draft names no accounts: the caller's alone.
    let accounts = ctrail_kinds::aws::Accounts::single(clients.clone());
    let (live, resolved) = ctrail_reader::read(&accounts, &spec, &graph)
        .await
        .with_context(|| format!("reading what trail {} uses", spec.trail.name))?;
    tracing::debug!(trail = %spec.trail.name, "import planned its draft");
    let actions = ctrail_differ::diff(&resolved, &live)?;
    Ok((actions, live))
}

/// The changes a plan still shows: `address (verb): paths`.
fn remaining(actions: &[ctrail_model::Action]) -> Vec<String> {
    actions
        .iter()
        .filter(|a| !a.changes.is_empty() && a.kind != ctrail_model::ActionKind::NoOp)
        .map(|a| {
            let paths: Vec<&str> = a.changes.iter().map(|c| c.path.as_str()).collect();
            let verb = ctrail_render::plan::verb(a.kind);
            format!("{} ({verb}): {}", a.address, paths.join(", "))
        })
        .collect()
}

/// What the spec's top says: where it was imported from, and what a plan
/// on it leaves alone or changes.
fn header(found: &Trail, live: &LiveState, remaining: &[String]) -> Vec<String> {
    let regions = if found.is_multi_region_trail {
        format!("{}, all regions", found.home_region)
    } else {
        found.home_region.clone()
    };
    let mut header = vec![
        format!(
            "Imported by ctrail import from trail {} ({regions}) in account {}.",
            found.name, live.context.account_id
        ),
        "Values equal to ctrail's defaults are left out (docs/spec.md); each value".into(),
        "written says what was found and what ctrail's default would do.".into(),
        "ctrail plan shows each resource as adopted: its first apply records it".into(),
        "as ctrail's (docs/ownership.md).".into(),
    ];
    let others = &live.ownership.unmanaged;
    if !others.is_empty() {
        header.push(String::new());
        header
            .push("Found on the log group and left out (ctrail leaves them alone; add them".into());
        header.push("under monitoring to manage them):".into());
        header.extend(others.iter().map(|o| format!("  {o}")));
    }
    if !remaining.is_empty() {
        header.push(String::new());
        header.push("ctrail plan will change these, which this spec cannot leave as found:".into());
        header.extend(remaining.iter().map(|r| format!("  {r}")));
    }
    header.push(String::new());
    header
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_draft_names_what_the_trail_uses_and_validates() {
        // As GetTrail and DescribeMetricFilters answer them, in the kinds'
        // JSON form.
        let found: Trail = serde_json::from_value(serde_json::json!({
            "name": "audit", "home_region": "us-east-1", "s3_bucket_name": "audit-logs",
            "s3_key_prefix": null, "include_global_service_events": true,
            "is_multi_region_trail": true, "is_organization_trail": false,
            "enable_log_file_validation": true, "kms_key_id": null,
            "cloud_watch_logs_log_group_arn": "arn:aws:logs:us-east-1:123456789012:log-group:g:*",
            "cloud_watch_logs_role_arn": "arn:aws:iam::123456789012:role/r",
            "sns_topic_name": null, "recursive_logging": true,
        }))
        .expect("a trail");
        let filter: metric_filter::MetricFilter = serde_json::from_value(serde_json::json!({
            "log_group_name": "g", "filter_name": "F",
            "filter_pattern": "{ $.eventName = StopLogging }",
            "metric_name": "M", "metric_namespace": "N", "metric_value": "1",
        }))
        .expect("a filter");
        let uses = Uses {
            filters: vec![(filter, Some("A".into()))],
            queries: vec!["Q".into()],
            alert_topic: Some((
                "arn:aws:sns:us-east-1:123456789012:alerts".into(),
                vec!["a@example.com".into()],
            )),
            role_policy_name: Some("P".into()),
            access_logs: Some("access-logs".into()),
            more_alarms: 0,
        };
        let spec = first_draft(&found, &uses)
            .parse("first")
            .expect("valid")
            .spec;
        let logs = spec.cloudwatch_logs.expect("delivers to CloudWatch Logs");
        assert_eq!(
            (logs.log_group.as_str(), logs.role_name.as_str()),
            ("g", "r")
        );
        assert_eq!(logs.role_policy_name, "P");
        assert_eq!(
            spec.monitoring.metric_filters[0]
                .alarm
                .as_ref()
                .map(|a| a.name.as_str()),
            Some("A")
        );
        assert_eq!(spec.monitoring.queries[0].name, "Q");
        let topic = spec.monitoring.alert_topic.expect("alert topic");
        assert_eq!(topic.emails, vec!["a@example.com".to_owned()]);
        assert!(
            spec.bucket
                .access_logging
                .is_some_and(|a| a.create.is_none())
        );
    }
}
