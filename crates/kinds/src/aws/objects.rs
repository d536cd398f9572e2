//! The trail's log files and digests as `validate-logs` reads them, and the
//! public keys CloudTrail signs digests with: the integrity crate's stores
//! (`ObjectStore`, `PublicKeys`), for AWS. Only reads.
//!
//! - ListObjectsV2 pages by `ContinuationToken`, with `Prefix`, `Delimiter`
//!   (the common prefixes) and `StartAfter`; keys come in UTF-8 binary
//!   order (S3 API Reference, "ListObjectsV2",
//!   https://docs.aws.amazon.com/AmazonS3/latest/API/API_ListObjectsV2.html).
//! - GetObject of a missing key answers NoSuchKey (NotFound is read the
//!   same); user metadata comes back by the name after `x-amz-meta-` (S3
//!   API Reference, "GetObject",
//!   https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetObject.html).
//! - ListPublicKeys returns the keys whose private keys signed digests in
//!   the time range; its NextToken is "reserved for future use", so one
//!   call answers (CloudTrail API Reference, "ListPublicKeys",
//!   https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_ListPublicKeys.html).

use aws_smithy_types::DateTime;
use aws_smithy_types::error::metadata::ProvideErrorMetadata;
use ctrail_integrity::PublicKeys;
use ctrail_integrity::store::{GetError, Object, ObjectStore, Page, Query, StoreError};
use ctrail_integrity::validate::PublicKey;
use futures::StreamExt;

use super::Clients;

/// The bucket's objects (S3) and CloudTrail's public keys, as the integrity
/// crate reads them.
#[derive(Debug, Clone)]
pub struct LogStore {
    s3: aws_sdk_s3::Client,
    cloudtrail: aws_sdk_cloudtrail::Client,
}

impl Clients {
    /// The log files, digests and public keys `validate-logs` reads.
    pub fn log_store(&self) -> LogStore {
        LogStore {
            s3: self.s3.clone(),
            cloudtrail: self.cloudtrail.clone(),
        }
    }
}

/// AWS's code (`error` without one) and message (empty without one).
fn store_error<E: ProvideErrorMetadata>(e: &E) -> StoreError {
    StoreError {
        code: e.code().unwrap_or("error").to_owned(),
        message: e.message().unwrap_or_default().to_owned(),
    }
}

impl ObjectStore for LogStore {
    async fn list(&self, query: &Query<'_>, page: Option<String>) -> Result<Page, StoreError> {
        let got = self
            .s3
            .list_objects_v2()
            .bucket(query.bucket)
            .prefix(query.prefix)
            .set_delimiter(query.delimiter.map(str::to_owned))
            .set_start_after(query.start_after.map(str::to_owned))
            .set_continuation_token(page)
            .send()
            .await
            .map_err(|e| store_error(&e))?;
        Ok(Page {
            keys: got
                .contents()
                .iter()
                .filter_map(|o| o.key().map(str::to_owned))
                .collect(),
            prefixes: got
                .common_prefixes()
                .iter()
                .filter_map(|p| p.prefix().map(str::to_owned))
                .collect(),
            next: got
                .next_continuation_token()
                .filter(|t| !t.is_empty())
                .map(str::to_owned),
        })
    }

    async fn get(&self, bucket: &str, key: &str) -> Result<Object, GetError> {
        let got = match self.s3.get_object().bucket(bucket).key(key).send().await {
            Ok(got) => got,
            Err(e) if matches!(e.code(), Some("NoSuchKey" | "NotFound")) => {
                return Err(GetError::NotFound);
            }
            Err(e) => return Err(GetError::Failed(store_error(&e))),
        };
        let metadata = got.metadata().cloned().unwrap_or_default();
        let body = futures::stream::unfold(got.body, |mut body| async move {
            let chunk = body.next().await?;
            Some((chunk.map(Vec::from).map_err(|e| e.to_string()), body))
        })
        .boxed();
        Ok(Object { metadata, body })
    }
}

impl PublicKeys for LogStore {
    async fn public_keys(&self, start: i64, end: i64) -> Result<Vec<PublicKey>, StoreError> {
        let got = self
            .cloudtrail
            .list_public_keys()
            .start_time(DateTime::from_secs(start))
            .end_time(DateTime::from_secs(end))
            .send()
            .await
            .map_err(|e| store_error(&e))?;
        Ok(got
            .public_key_list()
            .iter()
            .filter_map(|k| {
                Some(PublicKey {
                    fingerprint: k.fingerprint()?.to_owned(),
                    der: k.value()?.as_ref().to_vec(),
                    valid_from: k.validity_start_time().map_or(i64::MIN, DateTime::secs),
                    valid_to: k.validity_end_time().map_or(i64::MAX, DateTime::secs),
                })
            })
            .collect())
    }
}
