//! `s3_public_access_block`: the bucket's four public access block settings,
//! all on by default (a log bucket is never public), and all on for the
//! access-log bucket ctrail creates.

use ctrail_model::ResourceKind;
use ctrail_spec::Spec;

use crate::s3::shared::access_log_target;
use crate::{Desired, ImportCx, Kind, Names, Rules, Security, SpecField, rank};

#[cfg(feature = "aws")]
mod aws;

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
