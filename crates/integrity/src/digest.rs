//! CloudTrail's digest files: their fields, where they are stored, what is
//! signed, and how a signature is checked. docs/log-integrity.md states each
//! fact with its source (CloudTrail User Guide, "CloudTrail digest file
//! structure" and "Custom implementations of CloudTrail log file integrity
//! validation"; the AWS CLI's `validate-logs`, read for facts).

use aws_smithy_types::DateTime;
use aws_smithy_types::date_time::Format;
use ring::signature::{RSA_PKCS1_2048_8192_SHA256, UnparsedPublicKey};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use sha2::{Digest as _, Sha256};

/// The signature algorithm CloudTrail uses for every digest file.
pub const SIGNATURE_ALGORITHM: &str = "SHA256withRSA";
/// The hash algorithm of log files and of the previous digest.
pub const HASH_ALGORITHM: &str = "SHA-256";

/// A digest file's fields that validation reads.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DigestFile {
    pub aws_account_id: String,
    pub digest_start_time: String,
    pub digest_end_time: String,
    pub digest_s3_bucket: String,
    pub digest_s3_object: String,
    pub digest_public_key_fingerprint: String,
    pub digest_signature_algorithm: String,
    #[serde(flatten)]
    pub event_times: EventTimes,
    /// `None` at the start of a chain (the first digest after logging
    /// starts, or starts again).
    pub previous_digest_s3_bucket: Option<String>,
    pub previous_digest_s3_object: Option<String>,
    pub previous_digest_hash_value: Option<String>,
    pub previous_digest_hash_algorithm: Option<String>,
    pub previous_digest_signature: Option<String>,
    #[serde(default)]
    pub log_files: Vec<LogFile>,
}

/// One log file a digest vouches for.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LogFile {
    pub s3_bucket: String,
    pub s3_object: String,
    /// Hex SHA-256 of the uncompressed log file.
    pub hash_value: String,
    pub hash_algorithm: String,
    #[serde(flatten)]
    pub event_times: EventTimes,
}

/// The times of the newest and oldest events a digest or log file covers,
/// when it gives them.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct EventTimes {
    #[serde(default)]
    pub newest_event_time: Option<String>,
    #[serde(default)]
    pub oldest_event_time: Option<String>,
}

impl EventTimes {
    /// Events from `oldest` to `newest` (seconds since the epoch).
    pub fn between(oldest: i64, newest: i64) -> EventTimes {
        EventTimes {
            newest_event_time: Some(display_time(newest)),
            oldest_event_time: Some(display_time(oldest)),
        }
    }
}

/// The keys a digest must hold before it is judged (the AWS CLI's
/// `required_digest_keys`): without one it is "invalid format".
const REQUIRED: [&str; 6] = [
    "digestPublicKeyFingerprint",
    "digestS3Bucket",
    "digestS3Object",
    "previousDigestSignature",
    "digestEndTime",
    "digestStartTime",
];

/// Why a digest's bytes are not a digest.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum FormatError {
    #[error("not gzip")]
    NotGzip,
    #[error("larger than {0} bytes uncompressed")]
    TooLarge(u64),
    #[error("not a digest: {0}")]
    NotADigest(String),
}

impl DigestFile {
    /// A digest from its uncompressed JSON.
    pub fn parse(inflated: &[u8]) -> Result<DigestFile, FormatError> {
        let v: Value =
            serde_json::from_slice(inflated).map_err(|e| FormatError::NotADigest(e.to_string()))?;
        if let Some(missing) = REQUIRED.iter().find(|k| v.get(**k).is_none()) {
            return Err(FormatError::NotADigest(format!("no {missing}")));
        }
        serde_json::from_value(v).map_err(|e| FormatError::NotADigest(e.to_string()))
    }
}

/// What CloudTrail signs: the digest's end time, its bucket and key, the hex
/// SHA-256 of its uncompressed bytes and the previous digest's signature
/// (`null` at a chain's start), joined by newlines.
pub fn string_to_sign(d: &DigestFile, inflated: &[u8]) -> String {
    let previous = d.previous_digest_signature.as_deref().unwrap_or("null");
    format!(
        "{}\n{}/{}\n{}\n{previous}",
        d.digest_end_time,
        d.digest_s3_bucket,
        d.digest_s3_object,
        sha256_hex(inflated)
    )
}

pub fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// Whether `signature_hex` is a SHA256withRSA signature of `message` by the
/// key whose PKCS #1 DER is `public_key`.
pub fn signature_holds(public_key: &[u8], message: &[u8], signature_hex: &str) -> bool {
    let Ok(signature) = hex::decode(signature_hex.trim()) else {
        return false;
    };
    UnparsedPublicKey::new(&RSA_PKCS1_2048_8192_SHA256, public_key)
        .verify(message, &signature)
        .is_ok()
}

/// Seconds since the epoch of an ISO 8601 time (`2026-11-24T05:00:00Z`), or
/// of a date alone (midnight UTC).
pub fn parse_time(s: &str) -> Option<i64> {
    let s = s.trim();
    let full = if s.len() == 10 {
        format!("{s}T00:00:00Z")
    } else {
        s.to_owned()
    };
    DateTime::from_str(&full, Format::DateTime)
        .ok()
        .map(|t| t.secs())
}

/// `2026-11-24T05:00:00Z`.
pub fn display_time(secs: i64) -> String {
    DateTime::from_secs(secs)
        .fmt(Format::DateTime)
        .unwrap_or_default()
        .replace(".000Z", "Z")
}

/// `20261124T050000Z`, as digest keys carry it.
pub fn key_time(secs: i64) -> String {
    let t = display_time(secs);
    t.replace(['-', ':'], "")
}

/// The year/month/day folder of a time: `2026/11/24`.
pub fn day_folder(secs: i64) -> String {
    display_time(secs)[..10].replace('-', "/")
}

/// Where one trail keeps its files: bucket, optional prefix, account, and
/// for an organization trail the organization's id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Layout {
    pub bucket: String,
    pub prefix: Option<String>,
    pub account: String,
    pub organization: Option<String>,
    pub trail_name: String,
    pub home_region: String,
}

impl Layout {
    /// `[prefix/]AWSLogs/[org/]account/`
    pub fn root(&self) -> String {
        let prefix = self
            .prefix
            .as_deref()
            .map(|p| format!("{p}/"))
            .unwrap_or_default();
        match &self.organization {
            Some(org) => format!("{prefix}AWSLogs/{org}/{}/", self.account),
            None => format!("{prefix}AWSLogs/{}/", self.account),
        }
    }

    /// The folder of the digests of one source region.
    pub fn digest_folder(&self, region: &str) -> String {
        format!("{}CloudTrail-Digest/{region}/", self.root())
    }

    /// The key of a digest of `region` ending at `end`.
    pub fn digest_key(&self, region: &str, end: i64) -> String {
        format!(
            "{}{}/{}_CloudTrail-Digest_{region}_{}_{}_{}.json.gz",
            self.digest_folder(region),
            day_folder(end),
            self.account,
            self.trail_name,
            self.home_region,
            key_time(end)
        )
    }

    /// Whether `key` is a standard digest of this trail in `region` (not a
    /// backfill digest, not another trail's).
    pub fn is_trail_digest(&self, region: &str, key: &str) -> bool {
        let Some(rest) = key.strip_prefix(&self.digest_folder(region)) else {
            return false;
        };
        let name = rest.rsplit('/').next().unwrap_or_default();
        let stem = format!(
            "{}_CloudTrail-Digest_{region}_{}_{}_",
            self.account, self.trail_name, self.home_region
        );
        name.starts_with(&stem)
            && name.ends_with("Z.json.gz")
            && !name.ends_with("_backfill.json.gz")
    }

    /// Whether a log file a digest names lies where this trail writes: its
    /// bucket, under its `CloudTrail/` folder.
    pub fn holds_log(&self, log: &LogFile) -> bool {
        log.s3_bucket == self.bucket
            && log
                .s3_object
                .starts_with(&format!("{}CloudTrail/", self.root()))
            && !log.s3_object.contains("..")
    }
}

/// The time a digest key carries (`...Z.json.gz`), as seconds.
pub fn digest_key_time(key: &str) -> Option<i64> {
    let stamp = key.strip_suffix(".json.gz")?.rsplit('_').next()?;
    if stamp.len() != 16 {
        return None;
    }
    let iso = format!(
        "{}-{}-{}T{}:{}:{}Z",
        &stamp[0..4],
        &stamp[4..6],
        &stamp[6..8],
        &stamp[9..11],
        &stamp[11..13],
        &stamp[13..15]
    );
    parse_time(&iso)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn layout() -> Layout {
        Layout {
            bucket: "b".into(),
            prefix: Some("p".into()),
            account: "123456789012".into(),
            organization: None,
            trail_name: "t".into(),
            home_region: "us-east-1".into(),
        }
    }

    #[test]
    fn keys_and_times_round_trip() {
        let end = parse_time("2026-11-24T05:00:00Z").expect("time");
        let key = layout().digest_key("eu-west-1", end);
        assert_eq!(
            key,
            "p/AWSLogs/123456789012/CloudTrail-Digest/eu-west-1/2026/11/24/123456789012_CloudTrail-Digest_eu-west-1_t_us-east-1_20261124T050000Z.json.gz"
        );
        assert_eq!(digest_key_time(&key), Some(end));
        assert!(layout().is_trail_digest("eu-west-1", &key));
        assert!(!layout().is_trail_digest("us-east-1", &key));
        assert!(!layout().is_trail_digest("eu-west-1", &key.replace("_t_", "_other_")));
        assert_eq!(parse_time("2026-11-24"), parse_time("2026-11-24T00:00:00Z"));
        assert_eq!(display_time(end), "2026-11-24T05:00:00Z");
    }

    #[test]
    fn the_string_to_sign_is_the_clis() {
        let d = DigestFile {
            aws_account_id: "1".into(),
            digest_start_time: "s".into(),
            digest_end_time: "2026-11-24T05:00:00Z".into(),
            digest_s3_bucket: "b".into(),
            digest_s3_object: "k".into(),
            digest_public_key_fingerprint: "f".into(),
            digest_signature_algorithm: SIGNATURE_ALGORITHM.into(),
            event_times: EventTimes::default(),
            previous_digest_s3_bucket: None,
            previous_digest_s3_object: None,
            previous_digest_hash_value: None,
            previous_digest_hash_algorithm: None,
            previous_digest_signature: None,
            log_files: Vec::new(),
        };
        let s = string_to_sign(&d, b"{}");
        assert_eq!(
            s,
            format!("2026-11-24T05:00:00Z\nb/k\n{}\nnull", sha256_hex(b"{}"))
        );
    }

    #[test]
    fn a_digest_without_a_required_key_is_not_a_digest() {
        assert!(matches!(
            DigestFile::parse(br#"{"digestS3Bucket": "b"}"#),
            Err(FormatError::NotADigest(_))
        ));
        assert!(matches!(
            DigestFile::parse(b"not json"),
            Err(FormatError::NotADigest(_))
        ));
    }
}
