//! `log_group_retention`: how long CloudWatch Logs keeps the trail's events
//! (`None`: forever).

use ctrail_model::ResourceKind;
use ctrail_spec::Spec;
use serde_json::Value;

use crate::{Desired, ImportCx, Kind, Names, Rules, SpecField};

#[cfg(feature = "aws")]
mod aws;

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
