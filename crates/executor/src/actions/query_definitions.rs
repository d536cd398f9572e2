//! Logs Insights saved queries. AWS identifies a query definition by id, so
//! an existing one (found by name) is updated in place, never duplicated.
//!
//! PutQueryDefinition without an id creates a new definition every time it
//! is called: a retry after an answer was lost would create a second one.
//! So every retry of the put looks the name up again first and updates what
//! an earlier attempt created.
//! Copies that exist anyway (two definitions with one name, for any reason)
//! are read as `extra_copies` and deleted here, keeping the first.

use std::sync::atomic::{AtomicU32, Ordering};

use aws_sdk_cloudwatchlogs::Client;

use super::{Cx, Step, aws, strings};
use crate::retry::{CallError, from_sdk};

/// The ids of the definitions named `name`: the one to update, and copies.
async fn lookup(
    cx: &Cx<'_>,
    c: &Client,
    name: &str,
) -> Result<(Option<String>, Vec<String>), CallError> {
    let listed = aws!(
        cx,
        "logs:DescribeQueryDefinitions",
        c.describe_query_definitions()
            .query_definition_name_prefix(name)
            .max_results(1000)
            .send()
    )
    .await?;
    let mut ids = listed
        .query_definitions()
        .iter()
        .filter(|q| q.name() == Some(name))
        .filter_map(|q| q.query_definition_id())
        .map(str::to_owned);
    Ok((ids.next(), ids.collect()))
}

pub(crate) async fn query(cx: &Cx<'_>, step: &Step) -> Result<&'static str, CallError> {
    let c = &cx.clients.logs;
    let name = step.name();
    let (known, extras) = lookup(cx, c, name).await?;
    let tries = AtomicU32::new(0);
    aws_put(cx, c, step, name, known.clone(), &tries).await?;
    for extra in &extras {
        // Deleting an id already gone (an earlier attempt's answer lost) is done.
        match aws!(
            cx,
            "logs:DeleteQueryDefinition",
            c.delete_query_definition()
                .query_definition_id(extra)
                .send()
        )
        .await
        {
            Ok(_) => {}
            Err(e) if e.code.as_deref() == Some("ResourceNotFoundException") => {}
            Err(e) => return Err(e),
        }
    }
    Ok(match (known.is_some(), extras.is_empty()) {
        (_, false) => "updated; extra copies deleted",
        (true, true) => "updated",
        (false, true) => "created",
    })
}

/// PutQueryDefinition under the retry policy. A retry may follow an attempt
/// AWS carried out but whose answer was lost, so every retry looks the name
/// up again and updates what that attempt created.
async fn aws_put(
    cx: &Cx<'_>,
    c: &Client,
    step: &Step,
    name: &str,
    known: Option<String>,
    tries: &AtomicU32,
) -> Result<(), CallError> {
    cx.call("logs:PutQueryDefinition", || {
        let retry = tries.fetch_add(1, Ordering::Relaxed) > 0;
        let known = known.clone();
        async move {
            let id = if retry {
                lookup(cx, c, name).await?.0
            } else {
                known
            };
            c.put_query_definition()
                .name(name)
                .set_query_definition_id(id)
                .query_string(step.str("query_string").unwrap_or_default())
                .set_log_group_names(Some(strings(step.desired.get("log_group_names"))))
                .send()
                .await
                .map(|_| ())
                .map_err(|e| from_sdk("logs:PutQueryDefinition", e))
        }
    })
    .await
}
