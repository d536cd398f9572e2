//! `ctrail import --trail NAME`: writes a spec for a trail that exists,
//! made by hand or by another tool, so ctrail can take it over without
//! recreating anything.
//!
//! The trail is found with GetTrail; a first spec naming what it uses (its
//! bucket, log group, role, key, topic) is read exactly as a plan reads
//! (the kinds' own reads). Each setting then takes the simplest value that
//! leaves the plan unchanged: left out when ctrail's default already
//! matches, else the value found, with a comment saying what was found and
//! what ctrail's default would do. Whatever the spec cannot say is listed
//! at the top as the changes `ctrail plan` will show.

mod draft;

use std::path::PathBuf;
use std::process::ExitCode;

use std::collections::BTreeMap;

use ctrail_kinds::LiveState;
use ctrail_kinds::aws::{Clients, Connection, ReadError, Retries};
use ctrail_kinds::cloudtrail::trail::{self, Trail};
use ctrail_kinds::monitoring::{metric_alarm, metric_filter, query_definition};
use ctrail_kinds::s3::logging as bucket_logging;
use ctrail_kinds::sns::subscription;
use serde_json::Value;

use draft::{Draft, Setting};

/// The trail as found: the kinds' model of it, whether it logs, and its
/// tags (ctrail's own included).
#[derive(Debug, Clone)]
pub struct Found {
    pub trail: Trail,
    pub logging: bool,
    pub tags: BTreeMap<String, String>,
}

impl Found {
    /// The trail's bucket.
    pub fn bucket(&self) -> &str {
        self.trail.s3_bucket_name.as_deref().unwrap_or_default()
    }
}

/// The trail `name` (or ARN) in the clients' region, whether it logs and
/// its tags; `None` when there is none.
async fn find_trail(clients: &Clients, name: &str) -> Result<Option<Found>, ReadError> {
    let Some(listed) = trail::get(clients, name).await? else {
        return Ok(None);
    };
    let (status, tags) = futures::join!(
        trail::status(clients, &listed.arn),
        ctrail_kinds::cloudtrail::tags::of_trail(clients, &listed.arn),
    );
    Ok(Some(Found {
        trail: listed.trail,
        logging: status?.is_some_and(|s| s.is_logging),
        tags: tags?,
    }))
}

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

fn region(opts: &Options, conn: &Connection) -> Result<String, String> {
    opts.region
        .clone()
        .or_else(|| conn.region.clone())
        .or_else(|| std::env::var("AWS_REGION").ok())
        .or_else(|| std::env::var("AWS_DEFAULT_REGION").ok())
        .ok_or_else(|| "give the trail's home region with --region".to_owned())
}

async fn import(opts: Options, conn: &Connection) -> Result<ExitCode, String> {
    let region = region(&opts, conn)?;
    let clients = Clients::connect_with(conn, &region, Retries::Sdk).await;
    let found = find_trail(&clients, &opts.trail)
        .await
        .map_err(|e| format!("reading trail {}: {e}", opts.trail))?
        .ok_or_else(|| format!("there is no trail {} in {region}", opts.trail))?;
    let (name, home) = (&found.trail.name, &found.trail.home_region);
    if *home != region {
        return Err(format!(
            "trail {name} lives in {home}; import it there (--region {home})"
        ));
    }
    let mut draft = Draft::of(&found, &region);
    // Everything the first draft names; read again only when a step names
    // more (the monitoring, the alert topic, the access logging).
    let mut live = read(&draft, &clients).await?;
    if let Some(read) = role_policy_name(&mut draft, &clients, &live, &found).await? {
        live = read;
    }
    // Settings whose default follows others (recursive logging's follows
    // the data events logged) start as found, so that choosing the others
    // one at a time never trades one change for another; each is left out
    // again below where the default matches.
    if let Some(r) =
        at(&live, "trail", &found.trail.name).and_then(|t| t.get("recursive_logging").cloned())
    {
        let mut trial = draft.clone();
        trial.set("trail", "recursive_logging", r.clone(), "");
        if trial.parse().is_ok() {
            draft = trial;
        }
    }
    for setting in settings(&live, &found) {
        draft.choose(setting, &live);
    }
    if let Some(group) = found.trail.log_group()
        && let Some(read) = monitoring(&mut draft, &clients, group).await?
    {
        live = read;
    }
    let bucket = found.bucket();
    let logging = bucket_logging::get(&clients, bucket)
        .await
        .map_err(|e| format!("reading the access logging of {bucket}: {e}"))?;
    if let Some(bucket_logging::Logging {
        target_bucket: Some(target),
        target_prefix,
    }) = logging
    {
        let prefix = target_prefix.unwrap_or_default();
        let mut v = serde_json::json!({"target_bucket": target, "create": false});
        if prefix != format!("{bucket}/") {
            v["target_prefix"] = Value::from(prefix);
        }
        draft.set(
            "bucket",
            "access_logging",
            v,
            "found: server access logging into this bucket, kept by whoever keeps it (create: false)",
        );
        live = read(&draft, &clients).await?;
    }
    let remaining = draft.remaining(&live)?;
    let text = draft.render(&live, &remaining);
    // The result must be a valid spec.
    ctrail_spec::parse("imported spec", &text).map_err(|d| {
        format!(
            "internal error: the imported spec does not validate: {:?}",
            d.errors().map(|e| e.message.clone()).collect::<Vec<_>>()
        )
    })?;
    match &opts.out {
        Some(path) => {
            std::fs::write(path, &text)
                .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
            eprintln!("wrote {}", path.display());
        }
        None => print!("{text}"),
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

/// The metric filters on the log group, the alarms on their metrics and
/// the saved queries naming it, written as found (each default left out).
/// They are read as a plan reads them: a draft naming them is read again,
/// and that reading (or the alert topic's, which names more) is returned.
async fn monitoring(
    draft: &mut Draft,
    clients: &Clients,
    group: &str,
) -> Result<Option<LiveState>, String> {
    let reading = |e: ReadError| format!("reading the monitoring on {group}: {e}");
    let filters = metric_filter::on_log_group(clients, group)
        .await
        .map_err(reading)?;
    // The saved queries that name the group.
    let queries: Vec<String> = query_definition::all(clients)
        .await
        .map_err(reading)?
        .into_iter()
        .filter(|q| q.log_group_names.iter().any(|g| g == group))
        .filter_map(|q| q.name)
        .collect();
    if filters.is_empty() && queries.is_empty() {
        return Ok(None);
    }
    // The names of the alarms on each filter's metric, in the order
    // CloudWatch lists them.
    let alarms = futures::future::try_join_all(filters.iter().map(|f| async move {
        let namespace = f.metric_namespace.as_deref().unwrap_or_default();
        let metric = f.metric_name.as_deref().unwrap_or_default();
        let on = metric_alarm::for_metric(clients, namespace, metric).await?;
        Ok::<_, ReadError>(
            on.into_iter()
                .filter_map(|a| a.alarm_name)
                .collect::<Vec<_>>(),
        )
    }))
    .await
    .map_err(reading)?;
    // First the names, to read each as a plan would.
    let probe_filters: Vec<Value> = filters
        .iter()
        .zip(&alarms)
        .map(|(f, a)| {
            serde_json::json!({
                "name": f.filter_name, "pattern": f.filter_pattern, "metric_name": f.metric_name,
                "metric_namespace": f.metric_namespace,
                "alarm": a.first().map_or(Value::Bool(false), |n| serde_json::json!({"name": n})),
            })
        })
        .collect();
    let probe_queries: Vec<Value> = queries
        .iter()
        .map(|q| serde_json::json!({"name": q, "query": "fields @timestamp"}))
        .collect();
    draft.monitoring(probe_filters, probe_queries);
    let live = read(draft, clients).await?;
    let found_filters = filters
        .iter()
        .zip(&alarms)
        .filter_map(|(f, a)| {
            let filter = at(&live, "metric_filter", f.filter_name.as_deref()?)?;
            let alarm = a.first().and_then(|n| at(&live, "metric_alarm", n));
            Some(draft::filter(&filter, alarm.as_ref()))
        })
        .collect();
    let found_queries = queries
        .iter()
        .filter_map(|q| at(&live, "query_definition", q).map(|v| draft::query(&v, group)))
        .collect();
    draft.monitoring(found_filters, found_queries);
    let live = alert_topic(draft, clients, &live).await?.unwrap_or(live);
    let extra: usize = alarms.iter().map(|a| a.len().saturating_sub(1)).sum();
    if extra > 0 {
        eprintln!(
            "note: {extra} more alarm(s) watch the same metrics; the spec holds one alarm per filter, the first CloudWatch lists"
        );
    }
    Ok(Some(live))
}

/// When most imported alarms notify one topic of this account and region,
/// it becomes the spec's alert topic (with its email subscribers) and those
/// alarms' actions its default, if a read of the draft naming it shows that
/// changes nothing more than keeping the alarms' actions as found. That
/// read is returned.
async fn alert_topic(
    draft: &mut Draft,
    clients: &Clients,
    live: &LiveState,
) -> Result<Option<LiveState>, String> {
    let Some(Value::Array(filters)) = draft.get("monitoring", "metric_filters") else {
        return Ok(None);
    };
    // The topic most alarms notify, alone.
    let mut counts: std::collections::BTreeMap<&str, usize> = Default::default();
    for f in filters.iter() {
        if let Some([Value::String(arn)]) = f
            .get("alarm")
            .and_then(|a| a.get("actions"))
            .and_then(Value::as_array)
            .map(Vec::as_slice)
        {
            *counts.entry(arn.as_str()).or_default() += 1;
        }
    }
    let Some((arn, _)) = counts.iter().max_by_key(|(_, n)| **n) else {
        return Ok(None);
    };
    let arn = (*arn).to_owned();
    let here = format!(":{}:{}:", draft.region(), live.context.account_id);
    if !arn.contains(&here) {
        return Ok(None);
    }
    let name = ctrail_model::arn::last_part(&arn).to_owned();
    let subscriptions = subscription::of_topic(clients, &arn)
        .await
        .map_err(|e| format!("reading the subscriptions of {arn}: {e}"))?;
    // The email addresses subscribed (confirmed or pending).
    let mut emails: Vec<String> = subscriptions
        .unwrap_or_default()
        .into_iter()
        .filter(|s| s.subscription.protocol == "email")
        .map(|s| s.subscription.endpoint)
        .collect();
    emails.sort();
    emails.dedup();
    let filters: Vec<Value> = filters
        .clone()
        .into_iter()
        .map(|mut f| {
            // Those notifying the topic alone take the default; the others
            // keep their actions as found.
            if let Some(a) = f.get_mut("alarm").and_then(Value::as_object_mut)
                && a.get("actions") == Some(&serde_json::json!([arn]))
            {
                a.remove("actions");
            }
            f
        })
        .collect();
    let queries = match draft.get("monitoring", "queries") {
        Some(Value::Array(q)) => q.clone(),
        _ => Vec::new(),
    };
    let mut topic = serde_json::json!({"name": name});
    if !emails.is_empty() {
        topic["emails"] = serde_json::json!(emails);
    }
    let mut plain = topic.clone();
    plain["encrypted"] = Value::Bool(false);
    let comment = "found: most alarms notify this topic";
    let with = |topic: Value| {
        let mut d = draft.clone();
        d.monitoring(filters.clone(), queries.clone());
        d.set("monitoring", "alert_topic", topic, comment);
        d
    };
    let candidates = [with(topic), with(plain)];
    let live = read(&candidates[0], clients).await?;
    // The first that changes the least; the alarms' actions as found if
    // the topic would change more.
    let best = candidates
        .into_iter()
        .chain(std::iter::once(draft.clone()))
        .filter_map(|d| d.weight(&live).map(|w| (w, d)))
        .min_by_key(|(w, _)| *w);
    if let Some((_, d)) = best {
        *draft = d;
    }
    Ok(Some(live))
}

/// The role's inline policy under another name than ctrail's (as seed
/// 001's steps, a CloudFormation template or the CloudTrail console name
/// it) becomes `cloudwatch_logs.role_policy_name`, so the plan keeps that
/// policy rather than deleting it and writing ctrail's. Of several inline
/// policies, the first that lets CloudTrail put log events is taken. Each
/// candidate is read as a plan reads it; that read is returned.
async fn role_policy_name(
    draft: &mut Draft,
    clients: &Clients,
    live: &LiveState,
    t: &Found,
) -> Result<Option<LiveState>, String> {
    let Some(role) = t.trail.role_name() else {
        return Ok(None);
    };
    if at(live, "iam_role_policy", role).is_some() {
        return Ok(None);
    }
    let names: Vec<String> = at(live, "iam_role", role)
        .and_then(|r| r.get("other_inline_policies").cloned())
        .and_then(|v| serde_json::from_value(v).ok())
        .unwrap_or_default();
    let mut first: Option<(Draft, LiveState)> = None;
    for name in names {
        let mut trial = draft.clone();
        trial.set(
            "cloudwatch_logs",
            "role_policy_name",
            Value::from(name.as_str()),
            "found: the role's permissions policy has this name (default CloudTrail-CloudWatchLogs-Delivery)",
        );
        let read = read(&trial, clients).await?;
        let delivers = at(&read, "iam_role_policy", role)
            .and_then(|p| p.get("policy").cloned())
            .is_some_and(|p| p.to_string().contains("logs:PutLogEvents"));
        if delivers {
            *draft = trial;
            return Ok(Some(read));
        }
        first.get_or_insert((trial, read));
    }
    Ok(first.map(|(trial, read)| {
        *draft = trial;
        read
    }))
}

/// A draft read as a plan reads it.
async fn read(draft: &Draft, clients: &Clients) -> Result<LiveState, String> {
    let spec = draft.parse()?;
    let graph = ctrail_graph::build(&spec).map_err(|e| e.to_string())?;
    ctrail_reader::read(clients, &spec, &graph)
        .await
        .map(|(live, _)| live)
        .map_err(|e| format!("reading what trail {} uses: {e}", spec.trail.name))
}

/// The live attributes at `address` (`kind.name`), if read.
fn at(live: &LiveState, kind: &str, name: &str) -> Option<Value> {
    let address = ctrail_model::Address::try_from(format!("{kind}.{name}")).ok()?;
    live.present(&address).map(|a| a.to_json())
}

/// Every setting import decides, with its candidates from the simplest
/// (left out) to the value found.
fn settings(live: &LiveState, t: &Found) -> Vec<Setting> {
    let mut out = Vec::new();
    let bucket = t.bucket();
    let trail = t.trail.name.as_str();
    // Trail.
    if let Some(v) = at(live, "trail_event_selectors", trail) {
        let selectors = draft::selectors(&v);
        out.push(Setting::new(
            "trail",
            "data_events",
            "found: S3 object and Lambda invoke data events with management events",
            vec![Value::Bool(true)],
        ));
        if let Some((key, list)) = selectors {
            out.push(Setting::new(
                "trail",
                key,
                "found: these event selectors",
                vec![list],
            ));
        }
    }
    if let Some(v) = at(live, "trail_insight_selectors", trail) {
        let types = v
            .get("insight_types")
            .cloned()
            .unwrap_or(Value::Array(Vec::new()));
        let mut options = vec![Value::Bool(false)];
        if types.as_array().is_some_and(|a| !a.is_empty()) {
            options.push(types);
        }
        // Types on data events too: those written with their categories.
        if let Some(Value::Object(by_type)) = v.get("event_categories")
            && !by_type.is_empty()
        {
            let named = v.get("insight_types").and_then(Value::as_array);
            let entries = named.into_iter().flatten().map(|t| {
                match t.as_str().and_then(|name| by_type.get(name)) {
                    Some(c) => serde_json::json!({"type": t, "event_categories": c}),
                    None => t.clone(),
                }
            });
            options.push(Value::Array(entries.collect()));
        }
        out.push(Setting::new(
            "trail",
            "insights",
            "found: these Insights types (default: ApiCallRateInsight)",
            options,
        ));
    }
    // After the event selectors, which decide its default.
    if let Some(on) =
        at(live, "trail", trail).and_then(|t| t.get("recursive_logging").and_then(Value::as_bool))
    {
        out.push(Setting::new(
            "trail",
            "recursive_logging",
            "found: CloudTrail's own log deliveries are logged (default off when the trail logs S3 or CloudWatch Logs data events)",
            vec![Value::Bool(on)],
        ));
    }
    // Bucket.
    if at(live, "s3_bucket_versioning", bucket).is_some() {
        out.push(Setting::new("bucket", "versioning", "found: versioning off (default on: an overwritten or deleted log file can be recovered)", vec![Value::Bool(false)]));
    }
    if let Some(v) = at(live, "s3_public_access_block", bucket) {
        out.push(Setting::new(
            "bucket",
            "public_access_block",
            "found: public access not blocked (default: all four blocks on)",
            vec![Value::Bool(false), v.clone()],
        ));
    }
    if let Some(v) = at(live, "s3_bucket_encryption", bucket) {
        if t.trail.kms_key_id.is_some() && v.get("sse_algorithm") == Some(&Value::from("AES256")) {
            out.push(Setting::new(
                "bucket",
                "sse_kms",
                "found: the bucket's default encryption is SSE-S3 (default with kms_key_id: SSE-KMS with the key); CloudTrail encrypts each log file with the key either way",
                vec![Value::Bool(false)],
            ));
        }
        out.push(Setting::new(
            "bucket",
            "bucket_key",
            "found: no S3 Bucket Key (default on: far fewer KMS requests)",
            vec![Value::Bool(false)],
        ));
    }
    if let Some(v) = at(live, "s3_bucket_lifecycle", bucket) {
        let mut options = vec![Value::Array(Vec::new())];
        options.extend(draft::lifecycle(&v));
        out.push(Setting::new(
            "bucket",
            "lifecycle",
            "found: these lifecycle rules (default: the seed's rule CloudTrailLogLifecycle)",
            options,
        ));
    }
    if let Some(o) = at(live, "s3_bucket_ownership_controls", bucket)
        .and_then(|v| v.get("object_ownership").cloned())
        .filter(|o| o.is_string())
    {
        out.push(Setting::new(
            "bucket",
            "object_ownership",
            "found: ACLs on (default BucketOwnerEnforced: ACLs off)",
            vec![o.clone()],
        ));
    }
    if let Some(p) = at(live, "s3_bucket_policy", bucket)
        .and_then(|v| v.get("policy").cloned())
        .filter(|p| p.is_object())
    {
        out.push(Setting::new("bucket", "policy", "found: this bucket policy. ctrail's own adds aws:SourceArn and aws:SourceAccount conditions, narrows the write to AWSLogs/<account>/ and denies requests without TLS: remove `policy` to tighten it", vec![p.clone()]));
    }
    // CloudWatch Logs.
    if let (Some(group), Some(role)) = (t.trail.log_group(), t.trail.role_name()) {
        out.push(Setting::new(
            "cloudwatch_logs",
            "log_group",
            "",
            vec![Value::from(group)],
        ));
        out.push(Setting::new(
            "cloudwatch_logs",
            "role_name",
            "",
            vec![Value::from(role)],
        ));
        if let Some(v) = at(live, "log_group_retention", group) {
            let days = v
                .get("retention_in_days")
                .cloned()
                .filter(|d| !d.is_null())
                .unwrap_or(Value::from("never"));
            out.push(Setting::new(
                "cloudwatch_logs",
                "retention_days",
                "found: this retention (default 90 days)",
                vec![days],
            ));
        }
        if at(live, "log_group", group).is_some() && t.trail.kms_key_id.is_some() {
            out.push(Setting::new(
                "cloudwatch_logs",
                "encrypted",
                "found: the log group is not encrypted with the trail's key (default: it is)",
                vec![Value::Bool(false)],
            ));
        }
        if let Some(p) = at(live, "iam_role_policy", role)
            .and_then(|v| v.get("policy").cloned())
            .filter(|p| p.is_object())
        {
            out.push(Setting::new("cloudwatch_logs", "role_policy", "found: this permissions policy. ctrail's own allows CreateLogStream and PutLogEvents on CloudTrail's streams only: remove `role_policy` to narrow it", vec![p.clone()]));
        }
    }
    // KMS.
    if let Some(key) = &t.trail.kms_key_id {
        let key_name = key.as_str();
        if at(live, "kms_key_policy", key_name).is_some() {
            out.push(Setting::new("", "manage_kms_key_policy", "found: the key policy does not hold ctrail's statements for this spec as ctrail would write them; false leaves the key policy as it is, to whoever keeps it (the plan's preflight still checks it lets CloudTrail use the key)", vec![Value::Bool(false)]));
        }
        if at(live, "kms_key_rotation", key_name).is_some() {
            out.push(Setting::new(
                "",
                "kms_key_rotation",
                "found: automatic rotation off (default on; CIS 3.6)",
                vec![Value::Bool(false)],
            ));
        }
    }
    out
}
