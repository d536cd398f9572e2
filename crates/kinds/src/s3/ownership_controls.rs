//! `s3_bucket_ownership_controls`: S3 Object Ownership. `BucketOwnerEnforced`
//! (the default) disables ACLs, as AWS recommends. CloudTrail still delivers:
//! it writes with the `bucket-owner-full-control` ACL, which such a bucket
//! accepts (S3 User Guide, "Controlling ownership of objects and disabling
//! ACLs for your bucket", Troubleshooting).

use crate::s3::shared::access_log_target;
use crate::{Desired, ImportCx, Kind, Names, Rules, SpecField};
use ctrail_model::ResourceKind;
use ctrail_spec::Spec;
use serde_json::Value;

#[cfg(feature = "aws")]
mod aws;

crate::attributes! {
    pub struct OwnershipControls {
        /// `None`: no controls (ACLs on, the writer owns each object).
        pub object_ownership: Option<String>,
    }
}

fn rank(v: Option<&Value>) -> i64 {
    match v.and_then(Value::as_str) {
        Some("BucketOwnerEnforced") => 2,
        Some("BucketOwnerPreferred") => 1,
        _ => 0,
    }
}

impl Kind for OwnershipControls {
    const PLACE: ctrail_model::Place = ctrail_model::Place::Bucket;
    const RULES: Rules = crate::ranked!("object_ownership", "ACLs on log files", rank);

    fn desired(spec: &Spec, _: &Names<'_>) -> Vec<Desired<Self>> {
        let b = &spec.bucket;
        let owned = |name: &str, ownership: &str| {
            let value = OwnershipControls {
                object_ownership: Some(ownership.to_owned()),
            };
            Desired::new(name, value).part_of(ResourceKind::S3Bucket)
        };
        // ACLs off on the access-log bucket: its policy alone grants delivery.
        let access_logs =
            access_log_target(spec).map(|(a, _)| owned(&a.target_bucket, "BucketOwnerEnforced"));
        std::iter::once(owned(&b.name, &b.object_ownership))
            .chain(access_logs)
            .collect()
    }

    fn import(&self, name: &str, cx: &ImportCx<'_>) -> Vec<SpecField> {
        match &self.object_ownership {
            Some(o) if name == cx.names.bucket && o != ctrail_spec::defaults::OBJECT_OWNERSHIP => {
                vec![SpecField::new(
                    ctrail_spec::fields::BUCKET_OBJECT_OWNERSHIP,
                    o.as_str(),
                    "found: ACLs on (default BucketOwnerEnforced: ACLs off)",
                )]
            }
            _ => Vec::new(),
        }
    }
}
