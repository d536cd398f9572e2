//! The AWS calls of `s3::policy` (feature `aws`): what it reads, puts and
//! deletes, and how; what the values mean is in the parent module.

use ctrail_policy::canonical;

use super::BucketPolicy;
use crate::aws::refuse;
use crate::s3::shared::bucket_setting_api;

impl BucketPolicy {
    pub(crate) fn from_aws(text: &str) -> Self {
        BucketPolicy {
            policy: canonical::parse_policy(text).unwrap_or_default(),
        }
    }

    pub(crate) fn to_aws(&self) -> Result<String, crate::aws::CallError> {
        serde_json::to_string(&self.policy).map_err(|e| refuse("s3:PutBucketPolicy", e.to_string()))
    }
}

bucket_setting_api! { BucketPolicy {
    read(rcx, bucket) = "s3:GetBucketPolicy" rcx.clients.s3.get_bucket_policy().bucket(bucket),
        not set: ["NoSuchBucketPolicy"],
        |got| got.as_ref().and_then(|p| p.policy()).map(BucketPolicy::from_aws);
    put(cx, step) = "s3:PutBucketPolicy" cx.clients.s3.put_bucket_policy().bucket(step.name).policy(step.want.to_aws()?);
    delete = "s3:DeleteBucketPolicy" cx.clients.s3.delete_bucket_policy().bucket(step.name) => "deleted";
}}
