//! The AWS calls of `s3::ownership_controls` (feature `aws`): what it reads, puts and
//! deletes, and how; what the values mean is in the parent module.

use super::OwnershipControls;
use crate::aws::{CallError, built};
use crate::s3::shared::bucket_setting_api;
use aws_sdk_s3::types::{ObjectOwnership, OwnershipControls as Controls, OwnershipControlsRule};

impl OwnershipControls {
    pub(crate) fn from_aws(controls: Option<&Controls>) -> Self {
        let rule = controls.and_then(|c| c.rules().first());
        let object_ownership = rule.map(|r| r.object_ownership().as_str().to_owned());
        OwnershipControls { object_ownership }
    }

    pub(crate) fn to_aws(&self) -> Result<Controls, CallError> {
        const OP: &str = "s3:PutBucketOwnershipControls";
        let ownership = ObjectOwnership::from(self.object_ownership.as_deref().unwrap_or_default());
        let rule = built(
            OP,
            OwnershipControlsRule::builder()
                .object_ownership(ownership)
                .build(),
        )?;
        built(OP, Controls::builder().rules(rule).build())
    }
}

bucket_setting_api! { OwnershipControls {
    read(rcx, bucket) = "s3:GetBucketOwnershipControls" rcx.clients.s3.get_bucket_ownership_controls().bucket(bucket),
        not set: ["OwnershipControlsNotFoundError"],
        |got| Some(OwnershipControls::from_aws(got.as_ref().and_then(|o| o.ownership_controls())));
    put(cx, step) = "s3:PutBucketOwnershipControls"
        cx.clients.s3.put_bucket_ownership_controls().bucket(step.name).ownership_controls(step.want.to_aws()?);
    delete = "s3:DeleteBucketOwnershipControls" cx.clients.s3.delete_bucket_ownership_controls().bucket(step.name) => "removed";
}}
