//! Running a Logs Insights query: StartQuery, then GetQueryResults polled
//! with backoff until the query completes. A query that fails, is cancelled
//! or outlasts the deadline is an error (and is stopped in AWS: StopQuery).
//! CloudWatch Logs API Reference, StartQuery and GetQueryResults,
//! https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_StartQuery.html,
//! https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_GetQueryResults.html.

use std::time::Duration;

use aws_sdk_cloudwatchlogs::types::{QueryStatus, ResultField};

use super::{Clients, ReadError, read_error as call_error};

/// One query to run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueryRun {
    pub query: String,
    pub log_groups: Vec<String>,
    /// Inclusive range, seconds since the epoch.
    pub start: i64,
    pub end: i64,
    /// Most rows to return (Logs Insights' own default is 1,000).
    pub limit: Option<i32>,
}

/// What a query returned: named columns, each row a value per column.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct QueryOutput {
    /// Columns in the order the results first show them (`@ptr` left out).
    pub columns: Vec<String>,
    pub rows: Vec<Vec<Option<String>>>,
    pub records_matched: f64,
    pub records_scanned: f64,
}

/// How long to wait between polls: 100 ms, growing by half each time, at
/// most 2 s.
pub fn poll_delays() -> impl Iterator<Item = Duration> {
    std::iter::successors(Some(Duration::from_millis(100)), |d| {
        Some((*d * 3 / 2).min(Duration::from_secs(2)))
    })
}

/// Runs `q` and waits for its rows, at most `timeout`.
pub async fn run_query(
    clients: &Clients,
    q: &QueryRun,
    timeout: Duration,
) -> Result<QueryOutput, ReadError> {
    let c = &clients.logs;
    let started = c
        .start_query()
        .set_log_group_names(Some(q.log_groups.clone()))
        .query_string(&q.query)
        .start_time(q.start)
        .end_time(q.end)
        .set_limit(q.limit)
        .send()
        .await
        .map_err(|e| call_error("logs:StartQuery", e))?;
    let id = started
        .query_id()
        .ok_or_else(|| ReadError::Unexpected("StartQuery returned no query id".into()))?
        .to_owned();
    let deadline = tokio::time::Instant::now() + timeout;
    let mut delays = poll_delays();
    loop {
        let out = c
            .get_query_results()
            .query_id(&id)
            .send()
            .await
            .map_err(|e| call_error("logs:GetQueryResults", e))?;
        match out.status() {
            Some(QueryStatus::Complete) => {
                let mut output = collect(out.results());
                if let Some(s) = out.statistics() {
                    output.records_matched = s.records_matched();
                    output.records_scanned = s.records_scanned();
                }
                return Ok(output);
            }
            Some(QueryStatus::Running | QueryStatus::Scheduled) | None => {}
            Some(other) => {
                return Err(ReadError::Unexpected(format!(
                    "the query ended with status {}",
                    other.as_str()
                )));
            }
        }
        let delay = delays.next().unwrap_or(Duration::from_secs(2));
        if tokio::time::Instant::now() + delay > deadline {
            // Best effort: a query left running costs scanned bytes.
            let _ = c.stop_query().query_id(&id).send().await;
            return Err(ReadError::Unexpected(format!(
                "the query did not complete within {} s; it was stopped",
                timeout.as_secs()
            )));
        }
        tokio::time::sleep(delay).await;
    }
}

/// Rows of `{field, value}` cells as columns and aligned values.
fn collect(results: &[Vec<ResultField>]) -> QueryOutput {
    let mut columns: Vec<String> = Vec::new();
    for row in results {
        for cell in row {
            if let Some(f) = cell.field()
                && f != "@ptr"
                && !columns.iter().any(|c| c == f)
            {
                columns.push(f.to_owned());
            }
        }
    }
    let rows = results
        .iter()
        .map(|row| {
            columns
                .iter()
                .map(|c| {
                    row.iter()
                        .find(|cell| cell.field() == Some(c.as_str()))
                        .and_then(|cell| cell.value().map(str::to_owned))
                })
                .collect()
        })
        .collect();
    QueryOutput {
        columns,
        rows,
        ..QueryOutput::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cell(f: &str, v: &str) -> ResultField {
        ResultField::builder().field(f).value(v).build()
    }

    #[test]
    fn columns_follow_first_appearance_and_rows_align() {
        let out = collect(&[
            vec![cell("user", "alice"), cell("n", "2"), cell("@ptr", "p0")],
            vec![cell("n", "1"), cell("extra", "x")],
        ]);
        assert_eq!(out.columns, ["user", "n", "extra"]);
        assert_eq!(
            out.rows,
            vec![
                vec![Some("alice".into()), Some("2".into()), None],
                vec![None, Some("1".into()), Some("x".into())],
            ]
        );
    }

    #[test]
    fn polls_back_off_to_two_seconds() {
        let d: Vec<u128> = poll_delays().take(10).map(|d| d.as_millis()).collect();
        assert_eq!(d[..4], [100, 150, 225, 337]);
        assert!(d.windows(2).all(|w| w[0] <= w[1]));
        assert_eq!(*d.last().unwrap_or(&0), 2000);
    }
}
