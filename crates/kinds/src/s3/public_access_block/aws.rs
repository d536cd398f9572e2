//! The AWS calls of `s3::public_access_block` (feature `aws`): what it reads, puts and
//! deletes, and how; what the values mean is in the parent module.

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
            restrict_public_buckets: on(PublicAccessBlockConfiguration::restrict_public_buckets),
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
