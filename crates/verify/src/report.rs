//! `ctrail report`: the setup report of seed 000 step 9, from live data
//! (not the spec): configuration with real ARNs and times, the verification
//! results, costs, security practice and troubleshooting. One document
//! model, rendered as Markdown, a self-contained HTML page, or JSON.

use std::fmt::Write;

use ctrail_kinds::LiveState;
use ctrail_kinds::cloudtrail::{
    event_selectors::EventSelectors, insight_selectors::InsightSelectors, tags::TrailTags,
    trail::Trail,
};
use ctrail_kinds::iam::{role::Role, role_policy::RolePolicy, role_tags::RoleTags};
use ctrail_kinds::kms::key_policy::KeyPolicy;
use ctrail_kinds::logs::{group::LogGroup, retention::Retention, tags::LogGroupTags};
use ctrail_kinds::monitoring::{metric_alarm::MetricAlarm, metric_filter::MetricFilter};
use ctrail_kinds::s3::policy::BucketPolicy;
use ctrail_kinds::s3::{
    bucket::Bucket, encryption::Encryption, lifecycle::Lifecycle, logging::Logging,
    ownership_controls::OwnershipControls, public_access_block::PublicAccessBlock,
    tags::BucketTags, versioning::Versioning,
};
use ctrail_kinds::sns::topic_policy::TopicPolicy;
use ctrail_kinds::tags::Tags;
use ctrail_spec::Spec;
use serde::Serialize;
use serde_json::{Value, json};

use crate::checks::{Check, Status, overall, when};
use crate::evidence::Evidence;
use crate::statements;
use crate::table::{self, Table};

#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub title: String,
    pub generated_at: String,
    pub verdict: Status,
    pub sections: Vec<Section>,
}

/// A titled part: facts (name, value), documents (policies, event
/// selectors) as tables, notes, and code to copy.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Section {
    pub title: String,
    pub facts: Vec<(String, String)>,
    pub tables: Vec<Table>,
    pub notes: Vec<String>,
    pub code: Vec<(String, String)>,
}

impl Section {
    fn new(title: &str) -> Section {
        Section {
            title: title.to_owned(),
            ..Section::default()
        }
    }

    fn fact(&mut self, name: &str, value: impl Into<String>) {
        self.facts.push((name.to_owned(), value.into()));
    }

    fn note(&mut self, text: impl Into<String>) {
        self.notes.push(text.into());
    }
}

/// A live attribute in words (`not set` when absent or null).
fn shown(v: Option<&Value>) -> String {
    match v {
        None | Some(Value::Null) => "not set".into(),
        Some(Value::String(s)) => s.clone(),
        Some(Value::Bool(true)) => "yes".into(),
        Some(Value::Bool(false)) => "no".into(),
        Some(other) => other.to_string(),
    }
}

/// A live text attribute in words (`not set` when absent).
fn text(v: Option<&str>) -> String {
    v.map_or_else(|| "not set".into(), str::to_owned)
}

fn yes_no(v: Option<bool>) -> String {
    shown(v.map(Value::Bool).as_ref())
}

fn tags<R>(v: Option<&Tags<R>>) -> String {
    let pairs: Vec<String> = v
        .into_iter()
        .flat_map(|t| &t.tags)
        .map(|(k, v)| format!("{k}={v}"))
        .collect();
    if pairs.is_empty() {
        "none".into()
    } else {
        pairs.join(", ")
    }
}

pub fn build(spec: &Spec, ev: &Evidence, live: &LiveState, checks: &[Check]) -> Report {
    let t = &spec.trail;
    let account = &ev.read.account_id;
    let p = &spec.partition;
    let home = &ev.read.home_region;
    let trail = live.get::<Trail>(&t.name);
    let flag = |f: fn(&Trail) -> bool| yes_no(trail.map(f));
    let set = |f: fn(&Trail) -> Option<&str>| text(trail.and_then(f));
    let mut sections = Vec::new();

    let mut s = Section::new("Trail configuration");
    s.fact(
        "Trail ARN",
        format!("arn:{p}:cloudtrail:{home}:{account}:trail/{}", t.name),
    );
    s.fact("Home region", home.clone());
    s.fact("Multi-region", flag(|t| t.is_multi_region_trail));
    s.fact(
        "Global service events (IAM, STS, CloudFront)",
        flag(|t| t.include_global_service_events),
    );
    s.fact(
        "Log file validation",
        flag(|t| t.enable_log_file_validation),
    );
    s.fact("KMS encryption (key)", set(|t| t.kms_key_id.as_deref()));
    s.fact("Organization trail", flag(|t| t.is_organization_trail));
    s.fact("SNS notifications", set(|t| t.sns_topic_name.as_deref()));
    s.fact("Tags", tags(live.get::<TrailTags>(&t.name)));
    if let Some(status) = &ev.status {
        s.fact("Logging", if status.is_logging { "on" } else { "OFF" });
        s.fact(
            "Latest delivery",
            status.latest_delivery_time.map_or("none yet".into(), when),
        );
    }
    let selectors = live.get::<EventSelectors>(&t.name);
    s.tables.push(statements::selectors(
        "Event selectors",
        selectors,
        "not set",
    ));
    if let Some(k) = spec.kms.as_ref().filter(|k| k.manage_key_policy) {
        let policy = live.get::<KeyPolicy>(k.key.as_str());
        let policy = policy.map(|v| v.document.as_ref().unwrap_or(&v.statements));
        s.tables
            .push(statements::policy("KMS key policy", policy, "not found"));
    }
    if let Some(topic) = t.sns_topic.as_deref() {
        let topic = ctrail_model::arn::last_part(topic);
        let policy = live.get::<TopicPolicy>(topic);
        let policy = policy.map(|v| v.document.as_ref().unwrap_or(&v.statements));
        s.tables
            .push(statements::policy("SNS topic policy", policy, "not found"));
    }
    let insights = live.get::<InsightSelectors>(&t.name);
    s.fact(
        "Insights",
        shown(insights.map(|v| json!(v.insight_types)).as_ref()),
    );
    sections.push(s);

    let b = &spec.bucket.name;
    let mut s = Section::new("S3 bucket");
    s.fact("Bucket ARN", format!("arn:{p}:s3:::{b}"));
    s.fact(
        "Region",
        text(live.get::<Bucket>(b).map(|v| v.region.as_str())),
    );
    s.fact(
        "Log prefix",
        format!(
            "{}AWSLogs/{account}/CloudTrail/",
            t.s3_key_prefix
                .as_deref()
                .map(|x| format!("{x}/"))
                .unwrap_or_default()
        ),
    );
    s.fact(
        "Versioning",
        text(live.get::<Versioning>(b).map(|v| v.status.as_str())),
    );
    let enc = live.get::<Encryption>(b);
    s.fact(
        "Default encryption",
        format!(
            "{} (key {})",
            text(enc.and_then(|v| v.sse_algorithm.as_deref())),
            text(enc.and_then(|v| v.kms_master_key_id.as_deref()))
        ),
    );
    let blocked = live.get::<PublicAccessBlock>(b).is_some_and(|p| {
        p.block_public_acls
            && p.ignore_public_acls
            && p.block_public_policy
            && p.restrict_public_buckets
    });
    s.fact(
        "Public access block",
        if blocked {
            "all four settings on"
        } else {
            "NOT fully blocked"
        },
    );
    s.fact(
        "Object ownership",
        text(
            live.get::<OwnershipControls>(b)
                .and_then(|v| v.object_ownership.as_deref()),
        ),
    );
    let access_logs = live
        .get::<Logging>(b)
        .and_then(|v| Some((v.target_bucket.as_deref()?, v.target_prefix.as_deref()?)));
    s.fact(
        "Server access logging",
        match (access_logs, &spec.bucket.access_logging) {
            (Some((bucket, prefix)), _) => format!("to s3://{bucket}/{prefix}"),
            (None, Some(_)) => "OFF".to_owned(),
            (None, None) => "not managed by this spec".to_owned(),
        },
    );
    let rules = live.get::<Lifecycle>(b).map_or(0, |v| v.rules.len());
    s.fact("Lifecycle rules", rules.to_string());
    s.fact("Tags", tags(live.get::<BucketTags>(b)));
    let policy = live.get::<BucketPolicy>(b).map(|v| &v.policy);
    s.tables
        .push(statements::policy("Bucket policy", policy, "not found"));
    sections.push(s);

    let mut s = Section::new("CloudWatch Logs");
    match &spec.cloudwatch_logs {
        Some(l) => {
            let g = &l.log_group;
            s.fact("Log group ARN", format!("arn:{p}:logs:{home}:{account}:log-group:{g}"));
            let retention = live.get::<Retention>(g).and_then(|v| v.retention_in_days);
            s.fact("Retention (days)", retention.map_or_else(|| "never expire".into(), |d| d.to_string()));
            s.fact("KMS encryption (key)", text(live.get::<LogGroup>(g).and_then(|v| v.kms_key_arn.as_deref())));
            s.fact("Tags", tags(live.get::<LogGroupTags>(g)));
        }
        None => s.note("The trail does not deliver to CloudWatch Logs: no metric filters or alarms can watch it."),
    }
    sections.push(s);

    let mut s = Section::new("IAM role and permissions");
    if let Some(l) = &spec.cloudwatch_logs {
        let r = &l.role_name;
        let role = live.get::<Role>(r);
        let path = role.map_or("/", |v| v.path.as_str());
        s.fact("Role ARN", format!("arn:{p}:iam::{account}:role{path}{r}"));
        s.tables.push(statements::policy(
            "Trust policy",
            role.map(|v| &v.assume_role_policy),
            "role not found",
        ));
        let policy = live.get::<RolePolicy>(r);
        s.tables.push(statements::policy(
            "Permissions policy (inline)",
            policy.map(|v| &v.policy),
            "not found",
        ));
        s.fact("Tags", tags(live.get::<RoleTags>(r)));
        s.note("CloudTrail assumes this role to write each region's events to the log group's stream <account>_CloudTrail_<region>; it may create those streams and put events in them, nothing else.");
    } else {
        s.note("No role: the trail does not deliver to CloudWatch Logs.");
    }
    sections.push(s);

    let mut s = Section::new("Monitoring and alerting");
    for f in &spec.monitoring.metric_filters {
        let live_f = live.get::<MetricFilter>(&f.name);
        let tested = ev.filters.iter().find(|x| x.name == f.name).map(|x| {
            if x.matched {
                "; matches its sample event"
            } else {
                "; DOES NOT match its sample event"
            }
        });
        s.fact(
            &format!("Metric filter {}", f.name),
            format!(
                "{}{}",
                text(live_f.map(|v| v.filter_pattern.as_str())),
                tested.unwrap_or_default()
            ),
        );
        if let Some(a) = &f.alarm {
            let live_a = live.get::<MetricAlarm>(&a.name);
            s.fact(
                &format!("Alarm {}", a.name),
                format!(
                    "{} {} of {} over {} s; notifies {}",
                    text(live_a.and_then(|v| v.comparison_operator.as_deref())),
                    shown(live_a.and_then(|v| v.threshold).map(Value::from).as_ref()),
                    f.metric_name,
                    a.period,
                    shown(live_a.map(|v| json!(v.alarm_actions)).as_ref())
                ),
            );
        }
    }
    for topic in &ev.alarm_topics {
        let subs = topic
            .subscriptions
            .as_ref()
            .map_or("topic missing".into(), |subs| {
                subs.iter()
                    .map(|(e, c)| {
                        format!(
                            "{e} ({})",
                            if *c {
                                "confirmed"
                            } else {
                                "pending confirmation"
                            }
                        )
                    })
                    .collect::<Vec<_>>()
                    .join(", ")
            });
        s.fact(&format!("Alert topic {}", topic.topic_arn), subs);
    }
    if spec.monitoring.metric_filters.is_empty() {
        s.note("No metric filters or alarms: add the `cis` preset (monitoring.presets: [cis]) for the CIS AWS Foundations monitoring controls.");
    }
    sections.push(s);

    sections.push(queries(spec));
    sections.push(verification(checks, ev));
    sections.push(costs(spec));
    sections.push(practices(spec, trail));
    sections.push(troubleshooting(spec, account));
    Report {
        title: format!("CloudTrail setup report: {}", t.name),
        generated_at: when(ev.read.at),
        verdict: overall(checks),
        sections,
    }
}

fn queries(spec: &Spec) -> Section {
    let mut s = Section::new("Sample analysis queries");
    s.note("Run one with `ctrail query SPEC NAME --since 24h` (or --start/--end), or in the CloudWatch console under Logs Insights, Queries (saved queries), on the trail's log group.");
    s.note("Syntax: `fields` picks the columns, `filter` keeps matching events (`=`, `!=`, `like /regex/`, `in [...]`, `exists`), `stats count() by x` groups and counts, `sort x desc` orders, `limit n` caps. Every CloudTrail field is a column: `eventName`, `eventSource`, `awsRegion`, `userIdentity.arn`, `sourceIPAddress`, `errorCode`.");
    s.note("Customise: narrow by region (`| filter awsRegion = \"eu-west-1\"`), by service (`| filter eventSource = \"s3.amazonaws.com\"`) or by person (`| filter userIdentity.userName = \"alice\"`); widen the time range for rare events.");
    for q in &spec.monitoring.queries {
        s.code.push((q.name.clone(), q.query.clone()));
    }
    if spec.monitoring.queries.is_empty() {
        s.note("The spec saves no queries: add the `sample_queries` preset (monitoring.presets: [sample_queries]).");
    }
    s
}

fn verification(checks: &[Check], ev: &Evidence) -> Section {
    let mut s = Section::new("Verification results (every region)");
    for c in checks {
        s.fact(&c.id, format!("{}: {}", c.status.as_str(), c.evidence));
    }
    s.note(format!("Read at {} in account {}. Delivery takes 5-15 minutes after an event (hours for an opt-in region): pending is not failure; `ctrail verify SPEC --wait 20m` looks again until nothing is pending.", when(ev.read.at), ev.read.account_id));
    s
}

fn costs(spec: &Spec) -> Section {
    let t = &spec.trail;
    let data_events = match &t.event_selectors {
        ctrail_spec::EventSelectors::Basic(b) => b.iter().any(|s| !s.data_resources.is_empty()),
        ctrail_spec::EventSelectors::Advanced(_) => true,
    };
    let on = |b: bool| {
        if b {
            "on for this trail"
        } else {
            "off for this trail"
        }
    };
    let mut s = Section::new("Cost implications and optimisation");
    s.fact(
        "Management events",
        "the first copy in each region is free; further copies are billed per 100,000 events"
            .to_owned(),
    );
    s.fact(
        "Data events",
        format!(
            "billed per 100,000 events, and busy S3 buckets or Lambda functions make many ({})",
            on(data_events)
        ),
    );
    s.fact(
        "Insights",
        format!(
            "billed per 100,000 events analysed, per insight type ({})",
            on(!t.insights.is_empty())
        ),
    );
    s.fact(
        "CloudWatch Logs",
        format!(
            "billed per GB ingested and per GB stored each month ({})",
            on(spec.cloudwatch_logs.is_some())
        ),
    );
    s.fact(
        "S3 storage",
        "standard storage rates; lifecycle rules move old logs to cheaper classes and expire them"
            .to_owned(),
    );
    s.fact(
        "KMS encryption",
        format!("each use of the key is billed ({})", on(spec.kms.is_some())),
    );
    s.fact(
        "Cross-region delivery",
        "free for CloudTrail log delivery".to_owned(),
    );
    s.note("Check current prices at https://aws.amazon.com/cloudtrail/pricing/ and actual spend in AWS Cost Explorer after 24-48 hours.");
    s.note("Optimise: start with management events, add data events only for the buckets and functions that need them; set CloudWatch Logs retention to what compliance requires; tag every resource for cost allocation.");
    s
}

fn practices(spec: &Spec, trail: Option<&Trail>) -> Section {
    let yes = |f: fn(&Trail) -> bool| trail.is_some_and(f);
    let mut s = Section::new("Security best practices");
    let mark = |b: bool| if b { "in place" } else { "MISSING" };
    s.fact(
        "Log file validation (tamper evidence)",
        mark(yes(|t| t.enable_log_file_validation)),
    );
    s.fact(
        "Every region recorded",
        mark(yes(|t| t.is_multi_region_trail)),
    );
    s.fact(
        "Logs encrypted with a customer managed KMS key",
        mark(yes(|t| t.kms_key_id.is_some())),
    );
    s.fact(
        "Real-time copy in CloudWatch Logs with alarms",
        mark(!spec.monitoring.metric_filters.is_empty()),
    );
    s.note("Keep the log bucket's public access block and versioning on; restrict who may read the logs; never grant s3:DeleteObject on the log prefix.");
    s.note("MFA delete on the log bucket needs the root user with an MFA device: aws s3api put-bucket-versioning --bucket BUCKET --versioning-configuration Status=Enabled,MFADelete=Enabled --mfa \"SERIAL CODE\".");
    s.note("Run `ctrail drift` on a schedule to learn when someone changes the trail by hand, and `ctrail verify` after every change.");
    s
}

fn troubleshooting(spec: &Spec, account: &str) -> Section {
    let region = &spec.region;
    let trail = &spec.trail.name;
    let mut s = Section::new("Maintenance and troubleshooting");
    s.fact("Trail not logging", format!("check the bucket policy and the role (ctrail verify names what blocks), then aws cloudtrail start-logging --name {trail} --region {region}"));
    s.fact("Missing events in CloudWatch Logs", "check the trail's CloudWatch Logs role ARN and log group, in the trail's home region; allow 5-15 minutes".to_owned());
    s.fact("Opt-in region events not appearing", format!("normal for several hours; check the region is enabled (aws ec2 describe-regions --filters Name=opt-in-status,Values=opted-in --region {region}) and wait up to 24 hours"));
    s.fact(
        "InvalidCloudWatchLogsLogGroupArnException",
        "IAM has not propagated the new role yet; ctrail apply retries until it has".to_owned(),
    );
    s.fact("KMS key errors", "the key must be enabled and its policy must let cloudtrail.amazonaws.com use it (ctrail plan's preflight names the missing grant)".to_owned());
    s.fact(
        "Permission denied",
        format!(
            "check who you are: aws sts get-caller-identity --region {region} (account {account})"
        ),
    );
    s.note(format!("Regular health check: ctrail verify SPEC; ctrail drift SPEC; aws cloudtrail get-trail-status --name {trail} --region {region}."));
    s
}

fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

pub fn markdown(r: &Report) -> String {
    let mut out = format!(
        "# {}\n\nGenerated {} from the live account. Verdict: **{}**.\n",
        r.title,
        r.generated_at,
        r.verdict.as_str()
    );
    for s in &r.sections {
        let _ = write!(out, "\n## {}\n\n", s.title);
        if !s.facts.is_empty() {
            out.push_str("| | |\n|---|---|\n");
            for (k, v) in &s.facts {
                let _ = writeln!(
                    out,
                    "| {} | {} |",
                    k.replace('|', "\\|"),
                    v.replace('|', "\\|")
                );
            }
            out.push('\n');
        }
        for t in &s.tables {
            out.push_str(&table::markdown(t));
        }
        for n in &s.notes {
            let _ = writeln!(out, "- {n}");
        }
        for (name, code) in &s.code {
            let _ = write!(out, "\n### {name}\n\n```\n{code}\n```\n");
        }
    }
    out
}

pub fn html(r: &Report) -> String {
    let mut out = format!(
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>{title}</title>\n<style>\
         body{{font-family:system-ui,sans-serif;max-width:64rem;margin:2rem auto;padding:0 1rem;color:#1b1f24;line-height:1.45}}\
         h1{{font-size:1.6rem}}h2{{margin-top:2rem;border-bottom:1px solid #d0d7de;padding-bottom:.3rem}}\
         table{{border-collapse:collapse;width:100%}}td{{border:1px solid #d0d7de;padding:.35rem .6rem;vertical-align:top;word-break:break-word}}\
         td:first-child{{width:28%;font-weight:600;background:#f6f8fa}}pre{{background:#f6f8fa;padding:.8rem;overflow-x:auto}}\
         .pass{{color:#1a7f37}}.pending{{color:#9a6700}}.fail{{color:#cf222e}}{documents}</style></head><body>\n\
         <h1>{title}</h1>\n<p>Generated {at} from the live account. Verdict: <strong class=\"{v}\">{v}</strong>.</p>\n",
        title = esc(&r.title),
        at = esc(&r.generated_at),
        v = r.verdict.as_str(),
        documents = table::HTML_STYLE,
    );
    for s in &r.sections {
        let _ = writeln!(out, "<h2>{}</h2>", esc(&s.title));
        if !s.facts.is_empty() {
            out.push_str("<table>\n");
            for (k, v) in &s.facts {
                let class = ["pass", "pending", "fail"]
                    .into_iter()
                    .find(|c| v.starts_with(&format!("{c}:")));
                let class = class.map(|c| format!(" class=\"{c}\"")).unwrap_or_default();
                let _ = writeln!(
                    out,
                    "<tr><td>{}</td><td{class}>{}</td></tr>",
                    esc(k),
                    esc(v)
                );
            }
            out.push_str("</table>\n");
        }
        for t in &s.tables {
            out.push_str(&table::html(t));
        }
        if !s.notes.is_empty() {
            out.push_str("<ul>\n");
            for n in &s.notes {
                let _ = writeln!(out, "<li>{}</li>", esc(n));
            }
            out.push_str("</ul>\n");
        }
        for (name, code) in &s.code {
            let _ = writeln!(
                out,
                "<h3>{}</h3>\n<pre><code>{}</code></pre>",
                esc(name),
                esc(code)
            );
        }
    }
    out.push_str("</body></html>\n");
    out
}
