//! `trail_logging`: whether the trail records (StartLogging / StopLogging).
//! Logging starts once the trail logs what the spec asks.

use ctrail_model::{EdgeReason, ResourceKind};
use ctrail_spec::Spec;

use crate::{Desired, ImportCx, Kind, Names, Rules, Security, SpecField, rank};

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

#[cfg(feature = "aws")]
mod aws {
    use aws_sdk_cloudtrail::operation::get_trail_status::GetTrailStatusOutput;

    use super::Logging;
    use crate::aws::{Api, CallError, Cx, Done, Found, ReadCx, Step, deleted};
    use crate::cloudtrail::shared::per_trail;

    async fn stop(cx: &Cx<'_>, name: &str) -> Result<(), CallError> {
        let c = &cx.clients.cloudtrail;
        let req = c.stop_logging().name(cx.clients.trail_id(name));
        crate::send!(cx, "cloudtrail:StopLogging", req).await?;
        Ok(())
    }

    impl Logging {
        pub(crate) fn from_aws(status: &GetTrailStatusOutput) -> Self {
            Logging {
                is_logging: status.is_logging().unwrap_or(false),
            }
        }
    }

    impl Api for Logging {
        async fn read(rcx: &ReadCx<'_>, names: &[String]) -> Found<Self> {
            per_trail(rcx, names, |_, name| async move {
                let got = crate::cloudtrail::trail::status_of(rcx.clients, &name).await?;
                Ok(got.as_ref().map(Logging::from_aws))
            })
            .await
        }

        async fn put(cx: &Cx<'_>, step: &Step<'_, Self>) -> Done {
            if !step.want.is_logging {
                stop(cx, step.name).await?;
                return Ok("stopped");
            }
            let c = &cx.clients.cloudtrail;
            let req = c.start_logging().name(cx.clients.trail_id(step.name));
            crate::send!(cx, "cloudtrail:StartLogging", req).await?;
            Ok("started")
        }

        async fn delete(cx: &Cx<'_>, step: &Step<'_, Self>) -> Done {
            deleted(stop(cx, step.name).await, "stopped", &[])
        }
    }
}
