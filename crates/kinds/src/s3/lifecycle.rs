//! `s3_bucket_lifecycle`: how long log files are kept and where they move
//! (transitions to cheaper storage classes, expiration). Rules are a set
//! (each has its own ID), and so are a rule's transitions.

use ctrail_model::ResourceKind;
use ctrail_spec::Spec;

use crate::import::{as_sets, without_empty};
use crate::s3::shared::access_log_target;
use crate::{Compare, Desired, ImportCx, Kind, Names, Rules, Security, SpecField};

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
        .security_relevant(&[("rules", "how long log files are kept", Security::AnyChange)]);

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

#[cfg(feature = "aws")]
mod aws {
    use aws_sdk_s3::types::{
        AbortIncompleteMultipartUpload, BucketLifecycleConfiguration, ExpirationStatus,
        LifecycleExpiration, LifecycleRule, LifecycleRuleFilter, NoncurrentVersionExpiration,
        TransitionStorageClass,
    };

    use super::{Lifecycle, Rule, Transition};
    use crate::aws::{
        Api, CallError, Cx, Done, Found, ReadCx, Step, absent_if_not_found, built, deleted,
    };
    use crate::s3::shared::per_bucket;

    const OP: &str = "s3:PutBucketLifecycleConfiguration";

    impl Rule {
        pub(crate) fn from_aws(r: &LifecycleRule) -> Rule {
            #[allow(deprecated)]
            let legacy_prefix = r.prefix();
            let prefix = r
                .filter()
                .and_then(|f| f.prefix())
                .or(legacy_prefix)
                .unwrap_or_default();
            Rule {
                id: r.id().unwrap_or_default().to_owned(),
                status: r.status().as_str().to_owned(),
                prefix: prefix.to_owned(),
                transitions: r
                    .transitions()
                    .iter()
                    .map(|t| Transition {
                        days: t.days(),
                        storage_class: t.storage_class().map(|s| s.as_str().to_owned()),
                    })
                    .collect(),
                expiration_days: r.expiration().and_then(|e| e.days()),
                noncurrent_version_expiration_days: r
                    .noncurrent_version_expiration()
                    .and_then(|n| n.noncurrent_days()),
                abort_incomplete_multipart_upload_days: r
                    .abort_incomplete_multipart_upload()
                    .and_then(|a| a.days_after_initiation()),
            }
        }

        pub(crate) fn to_aws(&self) -> Result<LifecycleRule, CallError> {
            let transitions: Vec<aws_sdk_s3::types::Transition> = self
                .transitions
                .iter()
                .map(|t| {
                    aws_sdk_s3::types::Transition::builder()
                        .set_days(t.days)
                        .storage_class(TransitionStorageClass::from(
                            t.storage_class.as_deref().unwrap_or_default(),
                        ))
                        .build()
                })
                .collect();
            built(
                OP,
                LifecycleRule::builder()
                    .id(&self.id)
                    .status(ExpirationStatus::from(self.status.as_str()))
                    .filter(LifecycleRuleFilter::builder().prefix(&self.prefix).build())
                    .set_transitions(Some(transitions).filter(|t| !t.is_empty()))
                    .set_expiration(
                        self.expiration_days
                            .map(|d| LifecycleExpiration::builder().days(d).build()),
                    )
                    .set_noncurrent_version_expiration(self.noncurrent_version_expiration_days.map(
                        |d| {
                            NoncurrentVersionExpiration::builder()
                                .noncurrent_days(d)
                                .build()
                        },
                    ))
                    .set_abort_incomplete_multipart_upload(
                        self.abort_incomplete_multipart_upload_days.map(|d| {
                            AbortIncompleteMultipartUpload::builder()
                                .days_after_initiation(d)
                                .build()
                        }),
                    )
                    .build(),
            )
        }
    }

    async fn remove(cx: &Cx<'_>, bucket: &str) -> Result<(), CallError> {
        let c = &cx.clients.s3;
        let req = c.delete_bucket_lifecycle().bucket(bucket);
        crate::send!(cx, "s3:DeleteBucketLifecycle", req).await?;
        Ok(())
    }

    impl Api for Lifecycle {
        async fn read(rcx: &ReadCx<'_>, names: &[String]) -> Found<Self> {
            let c = &rcx.clients.s3;
            per_bucket(rcx, names, |name| async move {
                let got = c
                    .get_bucket_lifecycle_configuration()
                    .bucket(&name)
                    .send()
                    .await;
                let got = absent_if_not_found(
                    "s3:GetBucketLifecycleConfiguration",
                    got,
                    &["NoSuchLifecycleConfiguration"],
                )?;
                let rules = got
                    .as_ref()
                    .map(|l| l.rules().iter().map(Rule::from_aws).collect())
                    .unwrap_or_default();
                Ok(Some(Lifecycle { rules }))
            })
            .await
        }

        async fn put(cx: &Cx<'_>, step: &Step<'_, Self>) -> Done {
            if step.want.rules.is_empty() {
                remove(cx, step.name).await?;
                return Ok("removed");
            }
            let rules = step
                .want
                .rules
                .iter()
                .map(Rule::to_aws)
                .collect::<Result<Vec<_>, _>>()?;
            let cfg = built(
                OP,
                BucketLifecycleConfiguration::builder()
                    .set_rules(Some(rules))
                    .build(),
            )?;
            let c = &cx.clients.s3;
            let req = c
                .put_bucket_lifecycle_configuration()
                .bucket(step.name)
                .lifecycle_configuration(cfg);
            crate::send!(cx, "s3:PutBucketLifecycleConfiguration", req).await?;
            Ok("set")
        }

        async fn delete(cx: &Cx<'_>, step: &Step<'_, Self>) -> Done {
            deleted(remove(cx, step.name).await, "removed", &[])
        }
    }
}
