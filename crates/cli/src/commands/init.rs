//! `ctrail init`: a commented spec from the seed procedure's own parameters
//! (trail name, bucket, region, log group, data events, insights, KMS key,
//! tags as the seed's JSON), asked for on a terminal when not given. The
//! result is checked as `ctrail validate` would before it is written.

use std::fmt::Write as _;
use std::io::{IsTerminal, Write as _};
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use serde::de::{Deserializer, MapAccess, Visitor};

#[derive(clap::Args)]
pub struct Options {
    /// The trail's name (3-128 letters, digits, periods, underscores, dashes).
    #[arg(long)]
    pub trail_name: Option<String>,
    /// The S3 bucket CloudTrail delivers log files to (created by ctrail).
    #[arg(long)]
    pub s3_bucket_name: Option<String>,
    /// The trail's home region, e.g. us-east-1.
    #[arg(long)]
    pub region: Option<String>,
    /// The CloudWatch Logs log group (none: no real-time copy, no alarms).
    #[arg(long)]
    pub cloudwatch_log_group: Option<String>,
    /// Log S3 object and Lambda data events (billed per 100,000 events); the
    /// flag alone means true, and `true`/`false` may follow it as the seed
    /// writes its parameter.
    #[arg(long, value_name = "BOOL", num_args = 0..=1, default_missing_value = "true", default_value = "false", action = clap::ArgAction::Set)]
    pub enable_data_events: bool,
    /// Turn on CloudTrail Insights (billed per 100,000 events analysed); the
    /// flag alone means true, and `true`/`false` may follow it.
    #[arg(long, value_name = "BOOL", num_args = 0..=1, default_missing_value = "true", default_value = "false", action = clap::ArgAction::Set)]
    pub enable_insights: bool,
    /// A customer managed KMS key: id, ARN or alias.
    #[arg(long, value_name = "KEY")]
    pub kms_key_id: Option<String>,
    /// Tags as the seed writes them: a JSON object, e.g. '{"Owner":"security-team"}'.
    #[arg(long, value_name = "JSON")]
    pub tags: Option<String>,
    /// The spec's JSON Schema, as the yaml-language-server modeline names it
    /// for editors: a path relative to the spec, or a URL. The default fits
    /// specs/ beside schema/, where `ctrail schema --out schema/ctrail-spec.schema.json` writes it.
    #[arg(long, value_name = "PATH_OR_URL", default_value = DEFAULT_SCHEMA)]
    pub schema: String,
    /// Write the spec here (refused if the file exists) instead of stdout.
    #[arg(long, short = 'o', value_name = "FILE")]
    pub out: Option<PathBuf>,
}

/// Where the modeline of a spec in specs/ finds the schema in schema/.
pub const DEFAULT_SCHEMA: &str = "../schema/ctrail-spec.schema.json";

/// A JSON object of strings, in its own order.
struct Pairs(Vec<(String, String)>);

impl<'de> serde::Deserialize<'de> for Pairs {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Ordered;
        impl<'de> Visitor<'de> for Ordered {
            type Value = Pairs;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a JSON object of string values")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Pairs, A::Error> {
                let mut out = Vec::new();
                while let Some(kv) = map.next_entry::<String, String>()? {
                    out.push(kv);
                }
                Ok(Pairs(out))
            }
        }
        d.deserialize_map(Ordered)
    }
}

/// A YAML scalar: plain when it reads back as the same string, quoted
/// otherwise.
fn scalar(s: &str) -> String {
    let plain = s.chars().next().is_some_and(|c| c.is_ascii_alphanumeric())
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_./@".contains(c))
        && !matches!(
            s.to_ascii_lowercase().as_str(),
            "true" | "false" | "yes" | "no" | "null" | "on" | "off"
        )
        && s.parse::<f64>().is_err();
    if plain {
        s.to_owned()
    } else {
        serde_json::Value::from(s).to_string()
    }
}

/// The value of a required parameter: given, or asked for on a terminal.
fn required(given: &Option<String>, flag: &str, question: &str) -> anyhow::Result<String> {
    if let Some(v) = given {
        return Ok(v.clone());
    }
    if !std::io::stdin().is_terminal() {
        anyhow::bail!("{flag} is required (or run ctrail init on a terminal to be asked)");
    }
    let answer = super::ask(&format!("{question}: "))?;
    if answer.is_empty() {
        anyhow::bail!("{flag} is required");
    }
    Ok(answer)
}

/// The spec, commented, from the seed's parameters.
/// `names` are the trail, the bucket and the region, as given or answered.
fn spec_text(opts: &Options, names: [&str; 3], tags: &[(String, String)]) -> String {
    let [trail, bucket, region] = names;
    let (group, key) = (
        opts.cloudwatch_log_group.as_deref(),
        opts.kms_key_id.as_deref(),
    );
    let (data_events, insights) = (opts.enable_data_events, opts.enable_insights);
    let mut out = format!(
        "# yaml-language-server: $schema={}\n# The seed procedure's parameters, as a spec (written by ctrail init).\n#\n",
        opts.schema
    );
    // (parameter: value, the spec field), aligned
    let mut mapped: Vec<(String, &str)> = vec![
        (format!("trail_name: {trail}"), "trail.name"),
        (format!("s3_bucket_name: {bucket}"), "bucket.name"),
        (format!("region: {region}"), "region"),
    ];
    if let Some(g) = group {
        mapped.push((
            format!("cloudwatch_log_group: {g}"),
            "cloudwatch_logs.log_group",
        ));
    }
    mapped.push((
        format!("enable_data_events: {data_events}"),
        "trail.data_events",
    ));
    mapped.push((format!("enable_insights: {insights}"), "trail.insights"));
    if let Some(k) = key {
        mapped.push((format!("kms_key_id: {k}"), "kms_key_id"));
    }
    if !tags.is_empty() {
        mapped.push(("tags: {...}".to_owned(), "tags"));
    }
    let width = mapped.iter().map(|(p, _)| p.len()).max().unwrap_or(0);
    for (param, field) in &mapped {
        let _ = writeln!(out, "#   {param:width$} -> {field}");
    }
    out.push_str("#\n# Everything else takes ctrail's defaults (docs/spec.md).");
    if key.is_some() {
        out.push_str(" The key must be a\n# customer managed key whose policy lets CloudTrail use it (ctrail plan checks).");
    }
    let _ = write!(out, "\nversion: 1\nregion: {}\n", scalar(region));
    if let Some(k) = key {
        let _ = writeln!(out, "kms_key_id: {}", scalar(k));
    }
    if !tags.is_empty() {
        out.push_str("tags:\n");
        for (k, v) in tags {
            let _ = writeln!(out, "  {}: {}", scalar(k), scalar(v));
        }
    }
    let _ = write!(out, "\ntrail:\n  name: {}\n", scalar(trail));
    if data_events {
        out.push_str("  # S3 object and Lambda invocation data events. INCREASES COSTS: data events\n  # are billed per 100,000 events and busy buckets generate many.\n  data_events: true\n");
    }
    if insights {
        out.push_str("  # Insights is billed per 100,000 events analysed.\n  insights: true\n");
    }
    let _ = write!(out, "\nbucket:\n  name: {}\n", scalar(bucket));
    if let Some(g) = group {
        let _ = write!(
            out,
            "\ncloudwatch_logs:\n  log_group: {}\n  retention_days: 90\n",
            scalar(g)
        );
    }
    out
}

pub fn run(opts: Options) -> ExitCode {
    super::or_error(init(&opts))
}

fn init(opts: &Options) -> anyhow::Result<ExitCode> {
    let trail = required(
        &opts.trail_name,
        "--trail-name",
        "Trail name (e.g. security-audit-trail)",
    )?;
    let bucket = required(
        &opts.s3_bucket_name,
        "--s3-bucket-name",
        "S3 bucket for the logs",
    )?;
    let region = required(&opts.region, "--region", "Home region (e.g. us-east-1)")?;
    let tags =
        match &opts.tags {
            None => Vec::new(),
            Some(json) => serde_json::from_str::<Pairs>(json)
                .context(
                    "--tags takes a JSON object of strings such as '{\"Owner\":\"security-team\"}'",
                )?
                .0,
        };
    let text = spec_text(opts, [&trail, &bucket, &region], &tags);
    // What ctrail validate would say about it.
    if let Err(d) = ctrail_spec::parse("the new spec", &text) {
        let path = std::path::Path::new("the new spec");
        eprint!("{}", crate::render::diagnostics::text(path, &d));
        anyhow::bail!("the parameters make an invalid spec; nothing was written");
    }
    match &opts.out {
        None => print!("{text}"),
        Some(path) => {
            let mut file = std::fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .open(path)
                .with_context(|| format!("cannot create {}", path.display()))?;
            file.write_all(text.as_bytes())
                .with_context(|| format!("cannot write {}", path.display()))?;
            eprintln!(
                "wrote {}; ctrail plan {} shows what it would do",
                path.display(),
                path.display()
            );
            if let Some(hint) = missing_schema(path, &opts.schema) {
                eprintln!("{hint}");
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// How to get the schema the spec's modeline names, when it names a file
/// that is not there (the default fits this repository's specs/ beside
/// schema/, not a spec written elsewhere).
fn missing_schema(spec: &std::path::Path, schema: &str) -> Option<String> {
    if schema.contains("://") {
        return None;
    }
    let dir = spec.parent().unwrap_or(std::path::Path::new("."));
    let resolved = dir.join(schema);
    if resolved.exists() {
        return None;
    }
    Some(format!(
        "note: the spec's yaml-language-server modeline names {schema}, which is not there for editors to read; write this ctrail's schema there with `ctrail schema --out {}`, or name another with --schema PATH_OR_URL",
        resolved.display()
    ))
}
