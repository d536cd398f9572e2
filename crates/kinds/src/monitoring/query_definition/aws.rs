//! The AWS calls of `monitoring::query_definition` (feature `aws`): what it reads, puts and
//! deletes, and how; what the values mean is in the parent module.

use std::sync::atomic::{AtomicU32, Ordering};

use aws_sdk_cloudwatchlogs::Client;
use aws_sdk_cloudwatchlogs::operation::put_query_definition::builders::PutQueryDefinitionFluentBuilder;
use aws_sdk_cloudwatchlogs::types::QueryDefinition as Live;

use super::QueryDefinition;
use crate::aws::{
    Api, CallError, Cx, Done, Found, ReadCx, ReadError, Step, error::call_error, gone, read_error,
};

/// Every saved query in the account and region, whoever saved it (its
/// log groups sorted).
pub async fn all(c: &crate::aws::Clients) -> Result<Vec<QueryDefinition>, ReadError> {
    let live = described(&c.logs).await?;
    Ok(live.iter().map(QueryDefinition::from_aws).collect())
}

/// Every saved query in the account and region, page by page.
/// (DescribeQueryDefinitions has no paginator in the SDK; CloudWatch
/// Logs API Reference, DescribeQueryDefinitions,
/// https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_DescribeQueryDefinitions.html.)
async fn described(c: &Client) -> Result<Vec<Live>, ReadError> {
    let mut out = Vec::new();
    let mut token = None;
    loop {
        let page = c
            .describe_query_definitions()
            .max_results(1000)
            .set_next_token(token)
            .send()
            .await
            .map_err(|e| read_error("logs:DescribeQueryDefinitions", e))?;
        out.extend(page.query_definitions().iter().cloned());
        match page.next_token() {
            Some(t) if !t.is_empty() => token = Some(t.to_owned()),
            _ => return Ok(out),
        }
    }
}

/// Every saved query, listed once per read (for the spec's queries and
/// to find the others naming its log group).
async fn listed(rcx: &ReadCx<'_>) -> Result<std::sync::Arc<Vec<Live>>, ReadError> {
    rcx.once(
        "logs:DescribeQueryDefinitions".into(),
        described(&rcx.clients.logs),
    )
    .await
}

impl QueryDefinition {
    /// PutQueryDefinition for this query: `id` updates that definition,
    /// none creates one.
    pub(crate) fn request(
        &self,
        c: &Client,
        name: &str,
        id: Option<String>,
    ) -> PutQueryDefinitionFluentBuilder {
        c.put_query_definition()
            .name(name)
            .set_query_definition_id(id)
            .query_string(self.query_string.clone().unwrap_or_default())
            .set_log_group_names(Some(self.log_group_names.clone()))
    }

    pub(crate) fn from_aws(q: &Live) -> QueryDefinition {
        let mut groups: Vec<String> = q.log_group_names().to_vec();
        groups.sort_unstable();
        QueryDefinition {
            name: q.name().map(str::to_owned),
            query_string: q.query_string().map(str::to_owned),
            log_group_names: groups,
            extra_copies: None,
        }
    }
}

/// The ids of the definitions named `name`: the one to update, and copies.
async fn lookup(cx: &Cx<'_>, name: &str) -> Result<(Option<String>, Vec<String>), CallError> {
    let c = &cx.clients.logs;
    let req = c
        .describe_query_definitions()
        .query_definition_name_prefix(name)
        .max_results(1000);
    let listed = crate::send!(cx, "logs:DescribeQueryDefinitions", req).await?;
    let mut ids = listed
        .query_definitions()
        .iter()
        .filter(|q| q.name() == Some(name))
        .filter_map(|q| q.query_definition_id())
        .map(str::to_owned);
    Ok((ids.next(), ids.collect()))
}

/// Deletes definitions by id; one already gone (an earlier attempt's
/// answer lost) is done.
async fn delete_ids(cx: &Cx<'_>, ids: &[String]) -> Result<(), CallError> {
    let c = &cx.clients.logs;
    for id in ids {
        match crate::aws!(
            cx,
            "logs:DeleteQueryDefinition",
            c.delete_query_definition().query_definition_id(id).send()
        )
        .await
        {
            Ok(_) => {}
            Err(e) if gone(&e, &[]) => {}
            Err(e) => return Err(e),
        }
    }
    Ok(())
}

/// PutQueryDefinition under the retry policy. A retry may follow an
/// attempt AWS carried out but whose answer was lost, so every retry
/// looks the name up again and updates what that attempt created.
async fn put_once(
    cx: &Cx<'_>,
    step: &Step<'_, QueryDefinition>,
    known: Option<String>,
) -> Result<(), CallError> {
    let c = &cx.clients.logs;
    let tries = AtomicU32::new(0);
    let w = &step.want;
    cx.call("logs:PutQueryDefinition", || {
        let retry = tries.fetch_add(1, Ordering::Relaxed) > 0;
        let known = known.clone();
        async move {
            let id = if retry {
                lookup(cx, step.name).await?.0
            } else {
                known
            };
            w.request(c, step.name, id)
                .send()
                .await
                .map(|_| ())
                .map_err(|e| call_error("logs:PutQueryDefinition", e))
        }
    })
    .await
}

impl Api for QueryDefinition {
    async fn read(rcx: &ReadCx<'_>, names: &[String]) -> Found<Self> {
        if names.is_empty() {
            return Ok(Vec::new());
        }
        let live = listed(rcx).await?;
        Ok(names
            .iter()
            .map(|name| {
                let mut copies = live.iter().filter(|q| q.name() == Some(name.as_str()));
                let found = copies.next().map(|q| {
                    let extra = copies.count();
                    QueryDefinition {
                        extra_copies: (extra > 0).then_some(extra),
                        ..QueryDefinition::from_aws(q)
                    }
                });
                (name.clone(), found)
            })
            .collect())
    }

    /// Every saved query naming the spec's log group.
    async fn discover(rcx: &ReadCx<'_>) -> Result<Vec<String>, ReadError> {
        let Some(logs) = &rcx.spec.cloudwatch_logs else {
            return Ok(Vec::new());
        };
        let mut names: Vec<String> = listed(rcx)
            .await?
            .iter()
            .filter(|q| q.log_group_names().contains(&logs.log_group))
            .filter_map(|q| q.name().map(str::to_owned))
            .collect();
        names.sort();
        names.dedup();
        Ok(names)
    }

    async fn put(cx: &Cx<'_>, step: &Step<'_, Self>) -> Done {
        let (known, extras) = lookup(cx, step.name).await?;
        put_once(cx, step, known.clone()).await?;
        delete_ids(cx, &extras).await?;
        Ok(match (known.is_some(), extras.is_empty()) {
            (_, false) => "updated; extra copies deleted",
            (true, true) => "updated",
            (false, true) => "created",
        })
    }

    /// Deletes every definition with the name.
    async fn delete(cx: &Cx<'_>, step: &Step<'_, Self>) -> Done {
        let (first, mut extras) = lookup(cx, step.name).await?;
        let Some(first) = first else {
            return Ok("already gone");
        };
        extras.insert(0, first);
        delete_ids(cx, &extras).await?;
        Ok("deleted")
    }
}
