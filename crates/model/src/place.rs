//! Which account a resource lives in, by its role in the layout: the
//! trail's account (the trail, everything CloudWatch, the role CloudTrail
//! assumes, the topics), or the bucket's (the log bucket, its settings and
//! its access-log bucket), which an organization keeps in a Log Archive
//! account (AWS Security Reference Architecture; AWS Control Tower), or the
//! KMS key's, which the Log Archive account often keeps beside the bucket.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Place {
    /// The trail's account: the caller's, unless the spec names another.
    Trail,
    /// The log bucket's account.
    Bucket,
    /// The account of the customer managed KMS key (`kms_key_account`): the
    /// key, its policy and its rotation.
    Key,
    /// The account of the bucket holding ctrail's lock and ledger (no
    /// kind lives here).
    State,
}

impl Place {
    pub const ALL: [Place; 4] = [Place::Trail, Place::Bucket, Place::Key, Place::State];

    /// The spec field that names the account (`trail.account`, `bucket.account`).
    pub fn field(self) -> &'static str {
        match self {
            Place::Trail => "trail.account",
            Place::Bucket => "bucket.account",
            Place::Key => "kms_key_account",
            Place::State => "state.account",
        }
    }
}

impl std::fmt::Display for Place {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Place::Trail => "the trail's account",
            Place::Bucket => "the bucket's account",
            Place::Key => "the key's account",
            Place::State => "the state bucket's account",
        })
    }
}
