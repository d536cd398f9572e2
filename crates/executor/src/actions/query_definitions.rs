//! Logs Insights saved queries. AWS identifies a query definition by id, so
//! an existing one (found by name) is updated in place, never duplicated.
//!
//! PutQueryDefinition without an id creates a new definition every time it
//! is called: a retry after an answer was lost would create a second one.
//! So the lookup by name and the put are retried together: every attempt
//! looks the name up first and updates what an earlier attempt created.
//! Copies that exist anyway (two definitions with one name, for any reason)
//! are read as `extra_copies` and deleted here, keeping the first.

use super::{Cx, Step, strings};
use crate::retry::{CallError, from_sdk};

pub(crate) async fn query(cx: &Cx<'_>, step: &Step) -> Result<&'static str, CallError> {
    let c = &cx.clients.logs;
    let name = step.name().to_owned();
    let (existed, extras) = cx
        .call("logs:PutQueryDefinition", || {
            let name = name.clone();
            async move {
                let listed = c
                    .describe_query_definitions()
                    .query_definition_name_prefix(&name)
                    .max_results(1000)
                    .send()
                    .await
                    .map_err(|e| from_sdk("logs:DescribeQueryDefinitions", e))?;
                let mut ids = listed
                    .query_definitions()
                    .iter()
                    .filter(|q| q.name() == Some(name.as_str()))
                    .filter_map(|q| q.query_definition_id())
                    .map(str::to_owned);
                let id = ids.next();
                let extras: Vec<String> = ids.collect();
                c.put_query_definition()
                    .name(&name)
                    .set_query_definition_id(id.clone())
                    .query_string(step.str("query_string").unwrap_or_default())
                    .set_log_group_names(Some(strings(step.desired.get("log_group_names"))))
                    .send()
                    .await
                    .map_err(|e| from_sdk("logs:PutQueryDefinition", e))?;
                Ok((id.is_some(), extras))
            }
        })
        .await?;
    for extra in &extras {
        // Deleting an id already gone (an earlier attempt's answer lost) is done.
        match super::aws!(
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
    Ok(match (existed, extras.is_empty()) {
        (_, false) => "updated; extra copies deleted",
        (true, true) => "updated",
        (false, true) => "created",
    })
}
