//! `ctrail validate-logs SPEC | --trail-arn ARN --start-time T`: the
//! trail's log file integrity, from CloudTrail's digest chain, in every
//! region the bucket holds digests for: each digest's signature and chain
//! link, each log file's SHA-256, with the AWS CLI's verdicts and summary.
//! Read-only. Exits 0 when every file is valid, 1 when any is invalid or
//! missing (or on error).

use std::path::PathBuf;
use std::process::ExitCode;

use clap::ValueEnum;
use ctrail_integrity::{Layout, Request, digest};
use ctrail_kinds::aws::{Clients, Connection};

#[derive(Clone, Copy, ValueEnum)]
pub enum LogsFormat {
    Text,
    Json,
}

#[derive(clap::Args)]
pub struct Options {
    /// The spec of the trail (its name, bucket, prefix and region); or give
    /// --trail-arn.
    #[arg(value_name = "SPEC", required_unless_present = "trail_arn")]
    pub spec: Option<PathBuf>,
    /// The trail's ARN (arn:aws:cloudtrail:<region>:<account>:trail/<name>).
    #[arg(long, conflicts_with = "spec")]
    pub trail_arn: Option<String>,
    /// Validate from this time (2026-11-24 or 2026-11-24T05:00:00Z).
    #[arg(long)]
    pub start_time: String,
    /// Validate up to this time (default: now).
    #[arg(long)]
    pub end_time: Option<String>,
    /// The bucket the files are in, if not the trail's.
    #[arg(long)]
    pub s3_bucket: Option<String>,
    /// The key prefix of the files, if not the trail's.
    #[arg(long)]
    pub s3_prefix: Option<String>,
    /// The account whose files to validate (a member account of an
    /// organization trail).
    #[arg(long)]
    pub account_id: Option<String>,
    /// `text` as the AWS CLI's validate-logs writes it, `json` for tools.
    #[arg(long, value_enum, default_value_t = LogsFormat::Text)]
    pub format: LogsFormat,
    /// How many files are fetched and hashed at once.
    #[arg(long, default_value_t = 64)]
    pub parallelism: usize,
}

/// `verbose` (ctrail's global `--verbose`): list every valid file too, as
/// the AWS CLI's `--verbose` does.
pub fn run(opts: &Options, conn: &Connection, verbose: bool) -> ExitCode {
    super::or_error(validate(opts, conn, verbose))
}

fn time(what: &str, s: &str) -> anyhow::Result<i64> {
    digest::parse_time(s).ok_or_else(|| {
        anyhow::anyhow!("--{what} {s:?} is not a time: give 2026-11-24 or 2026-11-24T05:00:00Z")
    })
}

/// The trail's ARN parts: region, account, name.
fn arn_parts(arn: &str) -> anyhow::Result<(String, String, String)> {
    let parts: Vec<&str> = arn.splitn(6, ':').collect();
    match parts[..] {
        ["arn", _, "cloudtrail", region, account, resource]
            if account.len() == 12 && resource.starts_with("trail/") =>
        {
            Ok((
                region.to_owned(),
                account.to_owned(),
                resource.trim_start_matches("trail/").to_owned(),
            ))
        }
        _ => Err(anyhow::anyhow!(
            "--trail-arn {arn:?} is not a trail ARN (arn:aws:cloudtrail:<region>:<account>:trail/<name>)"
        )),
    }
}

async fn organization_id(clients: &Clients) -> anyhow::Result<Option<String>> {
    Ok(ctrail_kinds::aws::account::organization_id(clients).await?)
}

fn validate(opts: &Options, conn: &Connection, verbose: bool) -> anyhow::Result<ExitCode> {
    let start = time("start-time", &opts.start_time)?;
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64);
    let end = match &opts.end_time {
        Some(e) => time("end-time", e)?,
        None => now,
    };
    if end < start {
        return Err(anyhow::anyhow!("--end-time is before --start-time"));
    }
    let spec = match &opts.spec {
        Some(p) => Some(super::load_quiet(p)?.spec),
        None => None,
    };
    let region = match (&spec, &opts.trail_arn) {
        (Some(s), _) => s.region.clone(),
        (None, Some(arn)) => arn_parts(arn)?.0,
        (None, None) => return Err(anyhow::anyhow!("give a spec or --trail-arn")),
    };
    crate::runtime().block_on(async {
        let clients = Clients::connect(conn, &region).await;
        let (account, name, bucket, prefix, organization) = match (&spec, &opts.trail_arn) {
            (Some(s), _) => {
                let account = match opts.account_id.clone().or_else(|| s.account_id.clone()) {
                    Some(account) => account,
                    None => ctrail_kinds::aws::account::account_id(&clients).await?,
                };
                let org = if s.trail.organization {
                    organization_id(&clients).await?
                } else {
                    None
                };
                (
                    account,
                    s.trail.name.clone(),
                    s.bucket.name.clone(),
                    s.trail.s3_key_prefix.clone(),
                    org,
                )
            }
            (None, Some(arn)) => {
                let (_, arn_account, name) = arn_parts(arn)?;
                let (bucket, prefix, organization_trail) = match &opts.s3_bucket {
                    Some(b) => (b.clone(), opts.s3_prefix.clone(), false),
                    None => {
                        let t = ctrail_kinds::cloudtrail::trail::get(&clients, arn)
                            .await?
                            .ok_or_else(|| anyhow::anyhow!("cloudtrail:GetTrail: no trail {arn}"))?
                            .trail;
                        (
                            t.s3_bucket_name.unwrap_or_default(),
                            opts.s3_prefix.clone().or(t.s3_key_prefix),
                            t.is_organization_trail,
                        )
                    }
                };
                // An organization trail keeps each member account's files
                // under the organization's folder (as the AWS CLI asks).
                let org = if organization_trail {
                    if opts.account_id.is_none() {
                        return Err(anyhow::anyhow!("an organization trail: give --account-id, the member account to validate"));
                    }
                    organization_id(&clients).await?
                } else {
                    None
                };
                let account = opts.account_id.clone().unwrap_or(arn_account);
                (account, name, bucket, prefix, org)
            }
            (None, None) => return Err(anyhow::anyhow!("give a spec or --trail-arn")),
        };
        let trail_arn = format!("arn:aws:cloudtrail:{region}:{account}:trail/{name}");
        let layout = Layout {
            bucket: opts.s3_bucket.clone().unwrap_or(bucket),
            prefix: opts.s3_prefix.clone().or(prefix),
            account,
            organization,
            trail_name: name,
            home_region: region.clone(),
        };
        // Keys valid from before the first digest to after the last.
        let store = clients.log_store();
        let keys = ctrail_integrity::public_keys(&store, start - 3600, end + 7200)
            .await
            .map_err(super::said)?;
        let req = Request {
            layout,
            start,
            end,
            window: opts.parallelism.max(1),
        };
        let report = ctrail_integrity::run(&store, &keys, &req, verbose)
            .await
            .map_err(super::said)?;
        match opts.format {
            LogsFormat::Text => print!("{}", ctrail_integrity::text(&report, &trail_arn)),
            LogsFormat::Json => println!(
                "{:#}",
                serde_json::to_value(&report).map_err(super::said)?
            ),
        }
        Ok(if report.all_valid() {
            ExitCode::SUCCESS
        } else {
            ExitCode::from(1)
        })
    })
}
