//! Logs Insights saved queries. AWS identifies a query definition by id, so
//! an existing one (found by name) is updated in place, never duplicated.

use super::{Cx, Step, aws, strings};
use crate::retry::CallError;

pub(crate) async fn query(cx: &Cx<'_>, step: &Step) -> Result<&'static str, CallError> {
    let c = &cx.clients.logs;
    let name = step.name().to_owned();
    let listed = aws!(
        cx,
        "logs:DescribeQueryDefinitions",
        c.describe_query_definitions()
            .query_definition_name_prefix(&name)
            .max_results(1000)
            .send()
    )
    .await?;
    let id = listed
        .query_definitions()
        .iter()
        .find(|q| q.name() == Some(name.as_str()))
        .and_then(|q| q.query_definition_id())
        .map(str::to_owned);
    let existed = id.is_some();
    aws!(
        cx,
        "logs:PutQueryDefinition",
        c.put_query_definition()
            .name(&name)
            .set_query_definition_id(id.clone())
            .query_string(step.str("query_string").unwrap_or_default())
            .set_log_group_names(Some(strings(step.desired.get("log_group_names"))))
            .send()
    )
    .await?;
    Ok(if existed { "updated" } else { "created" })
}
