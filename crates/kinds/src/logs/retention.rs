//! `log_group_retention`: how long CloudWatch Logs keeps the trail's events
//! (`None`: forever).

use ctrail_model::ResourceKind;
use ctrail_spec::Spec;
use serde_json::Value;

use crate::{Desired, ImportCx, Kind, Names, Rules, SpecField};

crate::attributes! {
    pub struct Retention {
        /// Days; `None` (`null`): events never expire. The key is never
        /// missing (a missing one is an error, not "never expire"); held
        /// wide enough for the spec's value and AWS's answer alike, the put
        /// refuses one CloudWatch Logs' Integer cannot take.
        #[serde(deserialize_with = "crate::nullable")]
        pub retention_in_days: Option<i64>,
    }
}

/// Longer retention is stronger; `null` (never expire) is strongest.
fn rank(v: Option<&Value>) -> i64 {
    match v {
        Some(Value::Number(n)) => n.as_i64().unwrap_or(0),
        _ => i64::MAX,
    }
}

impl Kind for Retention {
    const RULES: Rules = crate::ranked!(
        "retention_in_days",
        "how long CloudWatch keeps log events",
        rank
    );

    fn desired(spec: &Spec, _: &Names<'_>) -> Vec<Desired<Self>> {
        let Some(l) = &spec.cloudwatch_logs else {
            return Vec::new();
        };
        let days = l.retention_days.map(i64::from);
        vec![
            Desired::new(
                &l.log_group,
                Retention {
                    retention_in_days: days,
                },
            )
            .part_of(ResourceKind::LogGroup),
        ]
    }

    fn import(&self, _name: &str, _cx: &ImportCx<'_>) -> Vec<SpecField> {
        let default = i64::from(ctrail_spec::defaults::RETENTION_DAYS);
        let days = match self.retention_in_days {
            Some(d) if d == default => return Vec::new(),
            Some(d) => Value::from(d),
            None => Value::from("never"),
        };
        vec![SpecField::new(
            ctrail_spec::fields::LOGS_RETENTION_DAYS,
            days,
            "found: this retention (default 90 days)",
        )]
    }
}

#[cfg(feature = "aws")]
mod aws {
    use super::Retention;
    use crate::aws::{Api, CallError, Cx, Done, Found, ReadCx, Step, deleted, refuse};
    use crate::logs::shared::group;

    async fn never_expire(cx: &Cx<'_>, name: &str) -> Result<(), CallError> {
        let c = &cx.clients.logs;
        let req = c.delete_retention_policy().log_group_name(name);
        crate::send!(cx, "logs:DeleteRetentionPolicy", req).await?;
        Ok(())
    }

    impl Retention {
        pub(crate) fn from_aws(g: &aws_sdk_cloudwatchlogs::types::LogGroup) -> Self {
            Retention {
                retention_in_days: g.retention_in_days().map(i64::from),
            }
        }
    }

    impl Api for Retention {
        async fn read(rcx: &ReadCx<'_>, names: &[String]) -> Found<Self> {
            rcx.each(names, |name| async move {
                Ok(group(rcx, &name).await?.as_ref().map(Retention::from_aws))
            })
            .await
        }

        async fn put(cx: &Cx<'_>, step: &Step<'_, Self>) -> Done {
            let Some(days) = step.want.retention_in_days else {
                never_expire(cx, step.name).await?;
                return Ok("set to never expire");
            };
            let days = i32::try_from(days).map_err(|_| {
                refuse(
                    "logs:PutRetentionPolicy",
                    format!("retention_in_days {days} is beyond what CloudWatch Logs takes"),
                )
            })?;
            let c = &cx.clients.logs;
            let req = c
                .put_retention_policy()
                .log_group_name(step.name)
                .retention_in_days(days);
            crate::send!(cx, "logs:PutRetentionPolicy", req).await?;
            Ok("set")
        }

        async fn delete(cx: &Cx<'_>, step: &Step<'_, Self>) -> Done {
            deleted(
                never_expire(cx, step.name).await,
                "removed (events never expire)",
                &[],
            )
        }
    }
}
