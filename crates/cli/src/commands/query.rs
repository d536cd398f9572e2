//! `ctrail query SPEC NAME` runs one of the spec's saved Logs Insights
//! queries; `ctrail query --list SPEC` lists them and whether the account
//! holds each as the spec says.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use aws_smithy_types::DateTime;
use aws_smithy_types::date_time::Format;
use ctrail_kinds::aws::insights::{QueryRun, run_query};
use ctrail_kinds::aws::{Accounts, Connection, Retries};
use ctrail_kinds::monitoring::query_definition::{self, QueryDefinition};

use crate::render::progress::Wait;
use ctrail_render::query;
use ctrail_spec::SavedQuery;

#[derive(clap::Args)]
pub struct Options {
    /// The spec file whose `monitoring.queries` (and presets) hold the query.
    #[arg(value_name = "SPEC")]
    spec: PathBuf,
    /// The query's name, e.g. CloudTrail/FailedAPICallsByUser.
    #[arg(value_name = "NAME", required_unless_present = "list")]
    name: Option<String>,
    /// List the spec's queries instead of running one.
    #[arg(long, conflicts_with = "name")]
    list: bool,
    /// How far back to look: 30m, 24h, 7d, 2w.
    #[arg(long, default_value = "24h", value_name = "DURATION", conflicts_with_all = ["start", "end"])]
    since: String,
    /// Start of the range: RFC 3339 (2026-11-25T10:00:00Z) or epoch seconds.
    #[arg(long, value_name = "TIME", requires = "end")]
    start: Option<String>,
    /// End of the range: RFC 3339 or epoch seconds.
    #[arg(long, value_name = "TIME", requires = "start")]
    end: Option<String>,
    /// `table` for a terminal, `json` (an array of objects) or `csv`.
    #[arg(long, value_enum, default_value_t = QueryFormat::Table)]
    format: QueryFormat,
    /// Most rows to return (Logs Insights returns at most 10,000).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=10_000))]
    limit: Option<u32>,
    /// Seconds to wait for the query to complete before stopping it.
    #[arg(long, default_value_t = 300, value_name = "SECONDS")]
    timeout: u64,
}

#[derive(Clone, Copy, clap::ValueEnum)]
pub enum QueryFormat {
    Table,
    Json,
    Csv,
}

pub fn run(opts: Options, conn: &Connection) -> ExitCode {
    match crate::runtime().block_on(execute(opts, conn)) {
        Ok(out) => {
            print!("{out}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(1)
        }
    }
}

async fn execute(opts: Options, conn: &Connection) -> anyhow::Result<String> {
    let shown = opts.spec.display().to_string();
    let spec = super::load_quiet(&opts.spec)?.spec;
    let queries = &spec.monitoring.queries;
    // What runs is checked before anything is asked of AWS.
    let chosen = match (&opts.name, opts.list) {
        (_, true) => None,
        (Some(name), false) => Some((find(queries, name, &shown)?, range(&opts)?)),
        (None, false) => {
            anyhow::bail!("give the NAME of a query (see `ctrail query --list SPEC`)");
        }
    };
    // The trail's account, where the log group and its saved queries are.
    let accounts = Accounts::connect(conn, &spec, Retries::Sdk).await;
    ctrail_kinds::aws::account::guard_spec(&accounts, &spec)
        .await
        .map_err(|e| anyhow::anyhow!("{shown}: {e}"))?;
    let clients = accounts.trail().clone();
    let saved = query_definition::all(&clients)
        .await
        .map_err(|e| anyhow::anyhow!("{shown}: reading the saved queries failed: {e}"))?;
    let Some((q, (start, end))) = chosen else {
        return Ok(list(queries, &saved, opts.format));
    };
    let name = &q.name;
    match status(q, &saved) {
        Status::Saved => {}
        Status::Differs => eprintln!(
            "note: the saved query \"{name}\" in the account differs from the spec; running the spec's text (ctrail apply saves it)"
        ),
        Status::Missing => eprintln!(
            "note: \"{name}\" is not saved in the account yet; running the spec's text (ctrail apply saves it)"
        ),
    }
    let run = QueryRun {
        query: q.query.clone(),
        log_groups: q.log_groups.clone(),
        start,
        end,
        limit: opts.limit.map(|l| i32::try_from(l).unwrap_or(i32::MAX)),
    };
    let spinner = Wait::spinner(&format!("running query \"{name}\" (Logs Insights)"));
    let out = run_query(&clients, &run, Duration::from_secs(opts.timeout)).await;
    spinner.finish();
    let out =
        out.map_err(|e| anyhow::anyhow!("query \"{name}\" on {}: {e}", q.log_groups.join(", ")))?;
    eprintln!(
        "{} row(s); {:.0} of {:.0} record(s) matched",
        out.rows.len(),
        out.records_matched,
        out.records_scanned
    );
    Ok(render(&out.columns, &out.rows, opts.format))
}

/// The spec's query named `name`; an unknown name lists the spec's queries.
fn find<'a>(queries: &'a [SavedQuery], name: &str, shown: &str) -> anyhow::Result<&'a SavedQuery> {
    if let Some(q) = queries.iter().find(|q| q.name == name) {
        return Ok(q);
    }
    let names: Vec<&str> = queries.iter().map(|q| q.name.as_str()).collect();
    let why = if names.is_empty() {
        format!("{shown} saves no queries (monitoring.queries or the sample_queries preset)")
    } else {
        format!(
            "{shown} has no query named \"{name}\"; its queries: {}",
            names.join(", ")
        )
    };
    Err(anyhow::anyhow!(why))
}

fn render(columns: &[String], rows: &[Vec<Option<String>>], format: QueryFormat) -> String {
    match format {
        QueryFormat::Table => query::table(columns, rows),
        QueryFormat::Json => query::json(columns, rows),
        QueryFormat::Csv => query::csv(columns, rows),
    }
}

enum Status {
    Saved,
    Differs,
    Missing,
}

fn status(q: &SavedQuery, saved: &[QueryDefinition]) -> Status {
    match saved
        .iter()
        .find(|s| s.name.as_deref() == Some(q.name.as_str()))
    {
        None => Status::Missing,
        Some(s) => {
            // The saved query's log groups come sorted.
            if s.query_string.as_deref() == Some(q.query.as_str())
                && s.log_group_names == q.log_groups
            {
                Status::Saved
            } else {
                Status::Differs
            }
        }
    }
}

fn list(queries: &[SavedQuery], saved: &[QueryDefinition], format: QueryFormat) -> String {
    let columns: Vec<String> = ["name", "source", "log_groups", "in_account"]
        .map(str::to_owned)
        .to_vec();
    let rows: Vec<Vec<Option<String>>> = queries
        .iter()
        .map(|q| {
            let state = match status(q, saved) {
                Status::Saved => "saved",
                Status::Differs => "differs from the spec",
                Status::Missing => "not saved",
            };
            vec![
                Some(q.name.clone()),
                Some(
                    q.preset
                        .as_ref()
                        .map_or("spec".to_owned(), |p| format!("preset {p}")),
                ),
                Some(q.log_groups.join(" ")),
                Some(state.to_owned()),
            ]
        })
        .collect();
    render(&columns, &rows, format)
}

/// The query's time range in epoch seconds: `--start`/`--end`, or the last
/// `--since` up to now.
fn range(opts: &Options) -> anyhow::Result<(i64, i64)> {
    if let (Some(s), Some(e)) = (&opts.start, &opts.end) {
        let (start, end) = (instant(s, "--start")?, instant(e, "--end")?);
        if start > end {
            anyhow::bail!("--start ({s}) is after --end ({e})");
        }
        return Ok((start, end));
    }
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_err(|e| anyhow::anyhow!("the system clock is before 1970: {e}"))?
        .as_secs();
    let now = i64::try_from(now)?;
    Ok((now - duration_of(&opts.since, "--since")?, now))
}

/// An RFC 3339 time (2026-11-25T10:00:00Z) or seconds since the epoch.
fn instant(s: &str, flag: &str) -> anyhow::Result<i64> {
    if let Ok(n) = s.parse::<i64>() {
        return Ok(n);
    }
    DateTime::from_str(s, Format::DateTime)
        .map(|d| d.secs())
        .map_err(|_| anyhow::anyhow!("{flag} takes an RFC 3339 time such as 2026-11-25T10:00:00Z, or seconds since the epoch; not \"{s}\""))
}

/// `90s`, `30m`, `24h`, `7d` or `2w`, in seconds; `flag` names the option
/// in the error.
pub(crate) fn duration_of(s: &str, flag: &str) -> anyhow::Result<i64> {
    let err = || anyhow::anyhow!("{flag} takes a duration such as 30m, 24h or 7d; not \"{s}\"");
    let split = s.find(|c: char| !c.is_ascii_digit()).ok_or_else(err)?;
    let (n, unit) = s.split_at(split);
    let n: i64 = n.parse().map_err(|_| err())?;
    let unit = match unit {
        "s" => 1,
        "m" => 60,
        "h" => 3600,
        "d" => 86_400,
        "w" => 604_800,
        _ => return Err(err()),
    };
    if n == 0 {
        return Err(err());
    }
    n.checked_mul(unit).ok_or_else(err)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_and_instants() {
        assert_eq!(duration_of("24h", "--since").ok(), Some(86_400));
        assert_eq!(duration_of("30m", "--since").ok(), Some(1_800));
        assert_eq!(duration_of("2w", "--since").ok(), Some(1_209_600));
        for bad in ["", "h", "10", "5y", "0h", "-1h", "99999999999999999999d"] {
            assert!(duration_of(bad, "--since").is_err(), "{bad}");
        }
        assert_eq!(
            instant("2026-11-25T10:00:00Z", "--start").ok(),
            Some(1_795_600_800)
        );
        assert_eq!(instant("1700000000", "--start").ok(), Some(1_700_000_000));
        assert!(instant("yesterday", "--start").is_err());
    }
}
