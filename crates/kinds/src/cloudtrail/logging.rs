//! `trail_logging`: whether the trail records (StartLogging / StopLogging).
//! Logging starts once the trail logs what the spec asks.

use ctrail_model::{EdgeReason, ResourceKind};
use ctrail_spec::Spec;

use crate::{Desired, ImportCx, Kind, Names, Rules, Security, SpecField, rank};

#[cfg(feature = "aws")]
mod aws;

crate::attributes! {
    pub struct Logging {
        pub is_logging: bool,
    }
}

impl Kind for Logging {
    // A destroy stops the trail's logging (StopLogging) as a delete of its
    // own, shown in its plan, before the trail goes. The CloudTrail API
    // Reference's DeleteTrail asks for no such order; deleting a trail that
    // has stopped works either way.
    const RULES: Rules = Rules::NONE
        .deleted_before_its_resource()
        .security_relevant(&[("is_logging", "logging", Security::Ranked(rank::bool))]);

    fn desired(spec: &Spec, _: &Names<'_>) -> Vec<Desired<Self>> {
        let t = &spec.trail;
        let value = Logging {
            is_logging: t.logging,
        };
        let d = Desired::new(&t.name, value).part_of(ResourceKind::Trail);
        // Logging starts once the trail logs what the spec asks.
        vec![d.after_sibling(ResourceKind::TrailEventSelectors, EdgeReason::Configured)]
    }

    fn import(&self, _name: &str, _cx: &ImportCx<'_>) -> Vec<SpecField> {
        if self.is_logging == ctrail_spec::defaults::LOGGING {
            return Vec::new();
        }
        vec![SpecField::new(
            ctrail_spec::fields::TRAIL_LOGGING,
            self.is_logging,
            "found: the trail is not logging (default: logging)",
        )]
    }
}
