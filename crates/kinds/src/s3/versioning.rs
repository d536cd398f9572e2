//! `s3_bucket_versioning`: keeps every version of a log file, so an
//! overwritten or deleted one can be recovered.

use ctrail_model::ResourceKind;
use ctrail_spec::Spec;
use serde_json::Value;

use crate::{Desired, ImportCx, Kind, Names, Rules, SpecField};

#[cfg(feature = "aws")]
mod aws;
#[cfg(feature = "aws")]
pub use aws::mfa_delete;

crate::attributes! {
    pub struct Versioning {
        /// `Enabled` or `Suspended` (a bucket never versioned reads as
        /// `Suspended`: it keeps no versions either). Never missing: the
        /// put sends exactly this.
        pub status: String,
    }
}

fn rank(v: Option<&Value>) -> i64 {
    i64::from(v.and_then(Value::as_str) == Some("Enabled"))
}

impl Kind for Versioning {
    const PLACE: ctrail_model::Place = ctrail_model::Place::Bucket;
    const RULES: Rules = crate::ranked!("status", "versioning of log files", rank);

    fn desired(spec: &Spec, _: &Names<'_>) -> Vec<Desired<Self>> {
        let status = if spec.bucket.versioning {
            "Enabled"
        } else {
            "Suspended"
        };
        vec![
            Desired::new(
                &spec.bucket.name,
                Versioning {
                    status: status.to_owned(),
                },
            )
            .part_of(ResourceKind::S3Bucket),
        ]
    }

    fn import(&self, name: &str, cx: &ImportCx<'_>) -> Vec<SpecField> {
        if name != cx.names.bucket || self.status == "Enabled" {
            return Vec::new();
        }
        vec![SpecField::new(
            ctrail_spec::fields::BUCKET_VERSIONING,
            false,
            "found: versioning off (default on: an overwritten or deleted log file can be recovered)",
        )]
    }
}
