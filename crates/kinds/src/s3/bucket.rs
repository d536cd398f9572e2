//! `s3_bucket`: the log bucket itself, and the bucket ctrail creates for its
//! server access logs. Both hold audit logs, so a plan never deletes or moves
//! them unless the spec sets `allow_destroy`.

use ctrail_spec::Spec;

use crate::s3::shared::access_log_target;
use crate::{Desired, Kind, Names, Rules};

#[cfg(feature = "aws")]
mod aws;
#[cfg(feature = "aws")]
pub use aws::{newest_object, stored_objects};

crate::attributes! {
    pub struct Bucket {
        pub name: String,
        pub region: String,
    }
}

impl Kind for Bucket {
    const PLACE: ctrail_model::Place = ctrail_model::Place::Bucket;
    const STANDING: crate::Standing = crate::Standing::Resource { prunable: false };

    const RULES: Rules = Rules::NONE.replace_on(&["region"]);

    fn desired(spec: &Spec, _: &Names<'_>) -> Vec<Desired<Self>> {
        let b = &spec.bucket;
        let bucket = |name: &str| {
            let value = Bucket {
                name: name.to_owned(),
                region: spec.region.clone(),
            };
            Desired::new(name, value).holds_audit_logs(b.allow_destroy)
        };
        let access_logs = access_log_target(spec).map(|(a, _)| bucket(&a.target_bucket));
        std::iter::once(bucket(&b.name))
            .chain(access_logs)
            .collect()
    }
}
