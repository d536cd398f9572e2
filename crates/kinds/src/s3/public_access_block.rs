//! `s3_public_access_block`: the bucket's four public access block settings,
//! all on by default (a log bucket is never public), and all on for the
//! access-log bucket ctrail creates.

use ctrail_model::ResourceKind;
use ctrail_spec::Spec;

use crate::s3::shared::access_log_target;
use crate::{Desired, ImportCx, Kind, Names, Rules, Security, SpecField, rank};

crate::attributes! {
    pub struct PublicAccessBlock {
        pub block_public_acls: bool,
        pub ignore_public_acls: bool,
        pub block_public_policy: bool,
        pub restrict_public_buckets: bool,
    }
}

impl Kind for PublicAccessBlock {
    const PLACE: ctrail_model::Place = ctrail_model::Place::Bucket;
    const RULES: Rules = Rules::NONE.security_relevant(&[(
        "*",
        "public access blocking",
        Security::Ranked(rank::bool),
    )]);

    fn desired(spec: &Spec, _: &Names<'_>) -> Vec<Desired<Self>> {
        let p = spec.bucket.public_access_block;
        let block = |name: &str, p: ctrail_spec::PublicAccessBlock| {
            let value = PublicAccessBlock {
                block_public_acls: p.block_public_acls,
                ignore_public_acls: p.ignore_public_acls,
                block_public_policy: p.block_public_policy,
                restrict_public_buckets: p.restrict_public_buckets,
            };
            Desired::new(name, value).part_of(ResourceKind::S3Bucket)
        };
        let access_logs = access_log_target(spec)
            .map(|(a, _)| block(&a.target_bucket, ctrail_spec::PublicAccessBlock::ALL));
        std::iter::once(block(&spec.bucket.name, p))
            .chain(access_logs)
            .collect()
    }

    /// Left out with all four blocks on, `false` with all four off, else
    /// the four as found.
    fn import(&self, name: &str, cx: &ImportCx<'_>) -> Vec<SpecField> {
        let all = [
            self.block_public_acls,
            self.ignore_public_acls,
            self.block_public_policy,
            self.restrict_public_buckets,
        ];
        if name != cx.names.bucket || all.iter().all(|b| *b) {
            return Vec::new();
        }
        let value = if all.iter().all(|b| !*b) {
            serde_json::Value::Bool(false)
        } else {
            serde_json::to_value(self).unwrap_or_default()
        };
        vec![SpecField::new(
            ctrail_spec::fields::BUCKET_PUBLIC_ACCESS_BLOCK,
            value,
            "found: public access not blocked (default: all four blocks on)",
        )]
    }
}

#[cfg(feature = "aws")]
mod aws {
    use aws_sdk_s3::types::PublicAccessBlockConfiguration;

    use super::PublicAccessBlock;
    use crate::s3::shared::bucket_setting_api;

    impl PublicAccessBlock {
        /// No configuration blocks nothing.
        pub(crate) fn from_aws(cfg: Option<&PublicAccessBlockConfiguration>) -> Self {
            let on = |f: fn(&PublicAccessBlockConfiguration) -> Option<bool>| {
                cfg.and_then(f).unwrap_or(false)
            };
            PublicAccessBlock {
                block_public_acls: on(PublicAccessBlockConfiguration::block_public_acls),
                ignore_public_acls: on(PublicAccessBlockConfiguration::ignore_public_acls),
                block_public_policy: on(PublicAccessBlockConfiguration::block_public_policy),
                restrict_public_buckets: on(
                    PublicAccessBlockConfiguration::restrict_public_buckets,
                ),
            }
        }

        pub(crate) fn to_aws(&self) -> PublicAccessBlockConfiguration {
            PublicAccessBlockConfiguration::builder()
                .block_public_acls(self.block_public_acls)
                .ignore_public_acls(self.ignore_public_acls)
                .block_public_policy(self.block_public_policy)
                .restrict_public_buckets(self.restrict_public_buckets)
                .build()
        }
    }

    bucket_setting_api! { PublicAccessBlock {
        read(rcx, bucket) = "s3:GetPublicAccessBlock" rcx.clients.s3.get_public_access_block().bucket(bucket),
            not set: ["NoSuchPublicAccessBlockConfiguration"],
            |got| Some(PublicAccessBlock::from_aws(got.as_ref().and_then(|p| p.public_access_block_configuration())));
        put(cx, step) = "s3:PutPublicAccessBlock"
            cx.clients.s3.put_public_access_block().bucket(step.name).public_access_block_configuration(step.want.to_aws());
        delete = "s3:DeletePublicAccessBlock" cx.clients.s3.delete_public_access_block().bucket(step.name) => "removed";
    }}
}
