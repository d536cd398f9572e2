//! Which changes strengthen or weaken the audit trail. A plan restoring a
//! weakened setting and a plan weakening a setting are both called out, so a
//! reviewer never misses either.

use ctrail_graph::ResourceKind as K;
use serde_json::Value;

use ctrail_model::{AttributeChange, Effect, SecurityNote};

fn rank_bool(v: Option<&Value>) -> i64 {
    i64::from(v.and_then(Value::as_bool).unwrap_or(false))
}

fn rank_sse(v: Option<&Value>) -> i64 {
    match v.and_then(Value::as_str) {
        Some("aws:kms") | Some("aws:kms:dsse") => 2,
        Some("AES256") => 1,
        _ => 0,
    }
}

fn rank_versioning(v: Option<&Value>) -> i64 {
    i64::from(v.and_then(Value::as_str) == Some("Enabled"))
}

fn rank_present(v: Option<&Value>) -> i64 {
    i64::from(v.is_some_and(|v| !v.is_null()))
}

/// Longer retention is stronger; `null` (never expire) is strongest.
fn rank_retention(v: Option<&Value>) -> i64 {
    match v {
        Some(Value::Number(n)) => n.as_i64().unwrap_or(0),
        _ => i64::MAX,
    }
}

type Ranker = fn(Option<&Value>) -> i64;

/// How a change to an attribute bears on security.
enum Rule {
    /// Ordered values: stronger or weaker.
    Ranked(Ranker),
    /// Any change matters (who may do what).
    AnyChange,
    /// Only replacing one value by another matters; setting or unsetting it
    /// is covered by a ranked attribute beside it.
    Replaced,
}

fn rule(kind: K, path: &str) -> Option<(&'static str, Rule)> {
    use Rule::{AnyChange, Ranked, Replaced};
    let leaf = path.rsplit('.').next().unwrap_or(path);
    Some(match (kind, leaf) {
        (K::TrailLogging, "is_logging") => ("logging", Ranked(rank_bool)),
        (K::Trail, "enable_log_file_validation") => ("log file validation", Ranked(rank_bool)),
        (K::Trail, "is_multi_region_trail") => ("recording in every region", Ranked(rank_bool)),
        (K::Trail, "include_global_service_events") => (
            "recording of IAM, STS and CloudFront events",
            Ranked(rank_bool),
        ),
        (K::Trail, "kms_key_id") => ("log file encryption", Ranked(rank_present)),
        (K::Trail, "cloud_watch_logs_log_group_arn") => (
            "real-time delivery to CloudWatch Logs",
            Ranked(rank_present),
        ),
        (K::S3BucketEncryption, "sse_algorithm") => ("bucket encryption", Ranked(rank_sse)),
        (K::S3BucketEncryption, "kms_master_key_id") => ("the bucket's encryption key", Replaced),
        (K::S3PublicAccessBlock, _) => ("public access blocking", Ranked(rank_bool)),
        (K::S3BucketVersioning, "status") => ("versioning of log files", Ranked(rank_versioning)),
        (K::S3BucketPolicy, "policy") => ("who may read and write the log bucket", AnyChange),
        (K::S3BucketLifecycle, "rules") => ("how long log files are kept", AnyChange),
        (K::LogGroupRetention, "retention_in_days") => (
            "how long CloudWatch keeps log events",
            Ranked(rank_retention),
        ),
        (K::IamRolePolicy, "policy") => ("what CloudTrail's role may do", AnyChange),
        (K::IamRole, "assume_role_policy") => ("who may assume CloudTrail's role", AnyChange),
        (K::IamRole, "other_inline_policies" | "attached_managed_policies") => {
            ("what CloudTrail's role may do", AnyChange)
        }
        (K::KmsKeyPolicy, "statements") => ("who may use the KMS key", AnyChange),
        (K::SnsTopicPolicy, "statements") => ("who may publish to the topic", AnyChange),
        (K::MetricFilter, "filter_pattern") => ("which events a security alarm counts", AnyChange),
        (
            K::MetricAlarm,
            "threshold" | "comparison_operator" | "period" | "evaluation_periods" | "statistic",
        ) => ("when a security alarm fires", AnyChange),
        (K::MetricAlarm, "alarm_actions") => ("who a security alarm notifies", AnyChange),
        _ => return None,
    })
}

pub(crate) fn assess(kind: K, c: &AttributeChange) -> Option<SecurityNote> {
    let (subject, rule) = rule(kind, &c.path)?;
    let effect = match rule {
        Rule::AnyChange => Effect::Changes,
        Rule::Replaced if c.old.is_some() && c.new.is_some() => Effect::Changes,
        Rule::Replaced => return None,
        Rule::Ranked(rank) => match rank(c.new.as_ref()).cmp(&rank(c.old.as_ref())) {
            std::cmp::Ordering::Less => Effect::Weakens,
            std::cmp::Ordering::Greater => Effect::Restores,
            std::cmp::Ordering::Equal => Effect::Changes,
        },
    };
    Some(SecurityNote {
        path: c.path.clone(),
        effect,
        subject: subject.to_owned(),
    })
}

/// One note per subject and effect, naming every attribute it covers.
pub(crate) fn group(notes: Vec<SecurityNote>) -> Vec<SecurityNote> {
    let mut out: Vec<SecurityNote> = Vec::new();
    for n in notes {
        match out
            .iter_mut()
            .find(|o| o.subject == n.subject && o.effect == n.effect)
        {
            Some(o) => {
                o.path.push_str(", ");
                o.path.push_str(&n.path);
            }
            None => out.push(n),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn change(path: &str, old: Value, new: Value) -> AttributeChange {
        AttributeChange {
            path: path.into(),
            old: Some(old),
            new: Some(new),
        }
    }

    #[test]
    fn directions() {
        let stop = assess(
            K::TrailLogging,
            &change("is_logging", json!(true), json!(false)),
        )
        .expect("note");
        assert_eq!(stop.effect, Effect::Weakens);
        let restart = assess(
            K::TrailLogging,
            &change("is_logging", json!(false), json!(true)),
        )
        .expect("note");
        assert_eq!(restart.effect, Effect::Restores);
        let enc = assess(
            K::S3BucketEncryption,
            &change("sse_algorithm", Value::Null, json!("aws:kms")),
        )
        .expect("note");
        assert_eq!(enc.effect, Effect::Restores);
        let shorter = assess(
            K::LogGroupRetention,
            &change("retention_in_days", json!(90), json!(30)),
        )
        .expect("note");
        assert_eq!(shorter.effect, Effect::Weakens);
        assert!(assess(K::TrailTags, &change("tags.Owner", json!("a"), json!("b"))).is_none());
    }

    #[test]
    fn monitoring_changes_are_called_out() {
        let threshold = assess(
            K::MetricAlarm,
            &change("threshold", json!(100.0), json!(1.0)),
        )
        .expect("note");
        assert_eq!(threshold.effect, Effect::Changes);
        assert_eq!(threshold.subject, "when a security alarm fires");
        let pattern = assess(
            K::MetricFilter,
            &change("filter_pattern", json!("{ $.a = 1 }"), json!("{ $.a = 2 }")),
        )
        .expect("note");
        assert_eq!(pattern.subject, "which events a security alarm counts");
        assert!(
            assess(
                K::MetricAlarm,
                &change("alarm_description", json!("a"), json!("b"))
            )
            .is_none()
        );
    }
}
