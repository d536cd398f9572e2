//! Which changes strengthen or weaken the audit trail, by each kind's rules
//! (`Rules::security` in its module). A plan restoring a weakened setting
//! and a plan weakening a setting are both called out, so a reviewer never
//! misses either.

use ctrail_kinds::Security;
use ctrail_model::ResourceKind as K;
#[cfg(test)]
use serde_json::Value;

use ctrail_model::{AttributeChange, Effect, SecurityNote};

pub(crate) fn assess(kind: K, c: &AttributeChange) -> Option<SecurityNote> {
    let (subject, rule) = ctrail_kinds::rules(kind).security(&c.path)?;
    let effect = match rule {
        Security::AnyChange => Effect::Changes,
        Security::Replaced if c.old.is_some() && c.new.is_some() => Effect::Changes,
        Security::Replaced => return None,
        Security::Ranked(rank) => match rank(c.new.as_ref()).cmp(&rank(c.old.as_ref())) {
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
