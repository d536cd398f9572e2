//! `s3_bucket_lifecycle`: how long log files are kept and where they move
//! (transitions to cheaper storage classes, expiration). Rules are a set
//! (each has its own ID), and so are a rule's transitions.

use ctrail_model::ResourceKind;
use ctrail_spec::Spec;

use crate::import::{as_sets, without_empty};
use crate::s3::shared::access_log_target;
use crate::{Compare, Desired, ImportCx, Kind, Names, Rules, SpecField, any_change};

#[cfg(feature = "aws")]
mod aws;

crate::attributes! {
    pub struct Lifecycle {
        pub rules: Vec<Rule>,
    }
}

crate::attributes! {
    pub struct Rule {
        pub id: String,
        /// `Enabled` or `Disabled`.
        pub status: String,
        pub prefix: String,
        pub transitions: Vec<Transition>,
        pub expiration_days: Option<i32>,
        pub noncurrent_version_expiration_days: Option<i32>,
        pub abort_incomplete_multipart_upload_days: Option<i32>,
    }
}

crate::attributes! {
    pub struct Transition {
        pub days: Option<i32>,
        pub storage_class: Option<String>,
    }
}

impl From<&ctrail_spec::LifecycleRule> for Rule {
    fn from(r: &ctrail_spec::LifecycleRule) -> Self {
        Rule {
            id: r.id.clone(),
            status: if r.enabled { "Enabled" } else { "Disabled" }.into(),
            prefix: r.prefix.clone(),
            transitions: r
                .transitions
                .iter()
                .map(|t| Transition {
                    days: Some(days(t.days)),
                    storage_class: Some(t.storage_class.clone()),
                })
                .collect(),
            expiration_days: r.expiration_days.map(days),
            noncurrent_version_expiration_days: r.noncurrent_version_expiration_days.map(days),
            abort_incomplete_multipart_upload_days: r
                .abort_incomplete_multipart_upload_days
                .map(days),
        }
    }
}

impl Rule {
    /// The rule as the spec writes it (`bucket.lifecycle[]`), defaults left
    /// out.
    fn spec_entry(&self) -> serde_json::Value {
        let mut m = serde_json::Map::new();
        m.insert("id".into(), self.id.clone().into());
        if self.status != "Enabled" {
            m.insert("enabled".into(), false.into());
        }
        if !self.prefix.is_empty() {
            m.insert("prefix".into(), self.prefix.clone().into());
        }
        let v = serde_json::to_value(self).unwrap_or_default();
        for key in [
            "transitions",
            "expiration_days",
            "noncurrent_version_expiration_days",
            "abort_incomplete_multipart_upload_days",
        ] {
            if let Some(x) = v.get(key) {
                m.insert(key.into(), x.clone());
            }
        }
        without_empty(&serde_json::Value::Object(m))
    }
}

fn days(d: u32) -> i32 {
    i32::try_from(d).unwrap_or(i32::MAX)
}

impl Kind for Lifecycle {
    const PLACE: ctrail_model::Place = ctrail_model::Place::Bucket;
    const RULES: Rules = Rules::NONE
        .compare_by(&[("rules", Compare::Sets(&["", "[].transitions"]))])
        .security_relevant(&[any_change("rules", "how long log files are kept")]);

    fn desired(spec: &Spec, _: &Names<'_>) -> Vec<Desired<Self>> {
        let rules = spec.bucket.lifecycle.iter().map(Rule::from).collect();
        let access_logs = access_log_target(spec).map(|(a, days)| {
            let expire = Rule {
                id: "expire-access-logs".into(),
                status: "Enabled".into(),
                prefix: a.target_prefix.clone(),
                transitions: Vec::new(),
                expiration_days: Some(self::days(days)),
                noncurrent_version_expiration_days: None,
                abort_incomplete_multipart_upload_days: Some(self::days(7)),
            };
            let rules = vec![expire];
            Desired::new(&a.target_bucket, Lifecycle { rules }).part_of(ResourceKind::S3Bucket)
        });
        std::iter::once(
            Desired::new(&spec.bucket.name, Lifecycle { rules }).part_of(ResourceKind::S3Bucket),
        )
        .chain(access_logs)
        .collect()
    }

    /// Left out for the seed's rule (the default), else the rules as found
    /// (`[]` for none).
    fn import(&self, name: &str, cx: &ImportCx<'_>) -> Vec<SpecField> {
        if name != cx.names.bucket {
            return Vec::new();
        }
        let seed = Lifecycle {
            rules: vec![Rule::from(&ctrail_spec::defaults::lifecycle_rule(
                cx.trail.s3_key_prefix.as_deref(),
            ))],
        };
        let sets = |l: &Lifecycle| serde_json::to_value(l).map(|v| as_sets(&v)).ok();
        if sets(self) == sets(&seed) {
            return Vec::new();
        }
        let rules: Vec<serde_json::Value> = self.rules.iter().map(Rule::spec_entry).collect();
        vec![SpecField::new(
            ctrail_spec::fields::BUCKET_LIFECYCLE,
            rules,
            "found: these lifecycle rules (default: the seed's rule CloudTrailLogLifecycle)",
        )]
    }
}
