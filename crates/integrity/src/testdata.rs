//! Test data: realistic CloudTrail log files (gzip JSON records) and a
//! correctly signed digest chain for several regions and hours, as CloudTrail
//! writes them, signed with a test RSA key. Tests and `just bench` upload
//! them to the emulator and tamper with them. Never used against AWS.

use std::io::Write;

use flate2::Compression;
use flate2::write::GzEncoder;
use md5::{Digest as _, Md5};
use ring::rand::SystemRandom;
use ring::signature::{KeyPair, RSA_PKCS1_SHA256, RsaKeyPair};
use serde_json::json;

use crate::digest::{
    self, DigestFile, EventTimes, HASH_ALGORITHM, Layout, LogFile, SIGNATURE_ALGORITHM, sha256_hex,
    string_to_sign,
};

/// A signing key: the private half signs, the public half (PKCS #1 DER)
/// is what CloudTrail's ListPublicKeys serves.
pub struct SigningKey {
    pair: RsaKeyPair,
}

impl SigningKey {
    /// A key from a PKCS #8 PEM file's text.
    pub fn from_pem(pem: &str) -> Result<SigningKey, String> {
        let body: String = pem.lines().filter(|l| !l.starts_with("-----")).collect();
        let der = aws_smithy_types::base64::decode(body.trim()).map_err(|e| e.to_string())?;
        let pair = RsaKeyPair::from_pkcs8(&der).map_err(|e| e.to_string())?;
        Ok(SigningKey { pair })
    }

    pub fn public_der(&self) -> Vec<u8> {
        self.pair.public_key().as_ref().to_vec()
    }

    /// The fingerprint digests name the key by (hex MD5 of its public DER).
    pub fn fingerprint(&self) -> String {
        hex::encode(Md5::digest(self.public_der()))
    }

    /// A hex SHA256withRSA signature of `message`.
    pub fn sign(&self, message: &[u8]) -> String {
        let mut sig = vec![0; self.pair.public().modulus_len()];
        // Signing with a valid key and a system RNG does not fail.
        let _ = self
            .pair
            .sign(&RSA_PKCS1_SHA256, &SystemRandom::new(), message, &mut sig);
        hex::encode(sig)
    }
}

/// An object to put in the bucket.
#[derive(Debug, Clone)]
pub struct Object {
    pub key: String,
    pub body: Vec<u8>,
    pub metadata: Vec<(String, String)>,
}

/// What to generate: `hours` hourly digests per region from `start` (an hour
/// boundary), each vouching for `logs_per_hour` log files of
/// `events_per_log` records.
pub struct Chains {
    pub layout: Layout,
    pub regions: Vec<String>,
    pub start: i64,
    pub hours: u32,
    pub logs_per_hour: u32,
    pub events_per_log: u32,
    /// Hours (from 0) when logging was stopped: no log files and no digest;
    /// the first digest after them starts a new chain.
    pub stopped: Vec<u32>,
}

pub fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut gz = GzEncoder::new(Vec::new(), Compression::fast());
    // Writing to a Vec does not fail.
    let _ = gz.write_all(bytes);
    gz.finish().unwrap_or_default()
}

/// One realistic log file: `n` management events of the hour.
fn log_records(account: &str, region: &str, at: i64, n: u32, seed: u64) -> Vec<u8> {
    let names = [
        ("s3.amazonaws.com", "GetBucketAcl"),
        ("iam.amazonaws.com", "ListRoles"),
        ("ec2.amazonaws.com", "DescribeInstances"),
        ("kms.amazonaws.com", "Decrypt"),
        ("sts.amazonaws.com", "AssumeRole"),
    ];
    let records: Vec<_> = (0..n)
        .map(|i| {
            let (source, name) = names[(seed as usize + i as usize) % names.len()];
            json!({
                "eventVersion": "1.09",
                "userIdentity": {
                    "type": "AssumedRole",
                    "principalId": "AROAEXAMPLEID:ci",
                    "arn": format!("arn:aws:sts::{account}:assumed-role/Deployer/ci"),
                    "accountId": account
                },
                "eventTime": digest::display_time(at + i64::from(i)),
                "eventSource": source,
                "eventName": name,
                "awsRegion": region,
                "sourceIPAddress": "203.0.113.10",
                "userAgent": "aws-cli/2.17.0",
                "requestParameters": null,
                "responseElements": null,
                "requestID": format!("{seed:016x}-{i:08x}"),
                "eventID": format!("{:08x}-0000-4000-8000-{seed:012x}", i),
                "readOnly": true,
                "eventType": "AwsApiCall",
                "managementEvent": true,
                "recipientAccountId": account,
                "eventCategory": "Management"
            })
        })
        .collect();
    serde_json::to_vec(&json!({ "Records": records })).unwrap_or_default()
}

impl Chains {
    /// The log key of log `i` of the hour starting at `hour` in `region`.
    pub fn log_key(&self, region: &str, hour: i64, i: u32) -> String {
        let l = &self.layout;
        let at = hour + i64::from(i) * 60;
        let stamp = &digest::key_time(at)[..13];
        format!(
            "{}CloudTrail/{region}/{}/{}_CloudTrail_{region}_{stamp}Z_{:016x}.json.gz",
            l.root(),
            digest::day_folder(at),
            l.account,
            (at as u64).wrapping_mul(31) ^ u64::from(i)
        )
    }

    /// Every log file and digest, signed with `key`, region by region.
    pub fn objects(&self, key: &SigningKey) -> Vec<Object> {
        let mut out = Vec::new();
        for region in &self.regions {
            let mut previous: Option<(String, String, String)> = None;
            for h in 0..self.hours {
                if self.stopped.contains(&h) {
                    previous = None;
                    continue;
                }
                let hour = self.start + i64::from(h) * 3600;
                let mut logs = Vec::new();
                for i in 0..self.logs_per_hour {
                    let key = self.log_key(region, hour, i);
                    let seed = (hour as u64) ^ (u64::from(i) << 32);
                    let raw = log_records(
                        &self.layout.account,
                        region,
                        hour,
                        self.events_per_log,
                        seed,
                    );
                    logs.push(LogFile {
                        s3_bucket: self.layout.bucket.clone(),
                        s3_object: key.clone(),
                        hash_value: sha256_hex(&raw),
                        hash_algorithm: HASH_ALGORITHM.into(),
                        event_times: EventTimes::between(hour, hour + 59),
                    });
                    out.push(Object {
                        key,
                        body: gzip(&raw),
                        metadata: Vec::new(),
                    });
                }
                let end = hour + 3600;
                let d = DigestFile {
                    aws_account_id: self.layout.account.clone(),
                    digest_start_time: digest::display_time(hour),
                    digest_end_time: digest::display_time(end),
                    digest_s3_bucket: self.layout.bucket.clone(),
                    digest_s3_object: self.layout.digest_key(region, end),
                    digest_public_key_fingerprint: key.fingerprint(),
                    digest_signature_algorithm: SIGNATURE_ALGORITHM.into(),
                    event_times: EventTimes::between(hour, end - 1),
                    previous_digest_s3_bucket: previous
                        .as_ref()
                        .map(|_| self.layout.bucket.clone()),
                    previous_digest_s3_object: previous.as_ref().map(|p| p.0.clone()),
                    previous_digest_hash_value: previous.as_ref().map(|p| p.1.clone()),
                    previous_digest_hash_algorithm: previous
                        .as_ref()
                        .map(|_| HASH_ALGORITHM.into()),
                    previous_digest_signature: previous.as_ref().map(|p| p.2.clone()),
                    log_files: logs,
                };
                let (object, inflated, signature) = signed(&d, key);
                previous = Some((d.digest_s3_object.clone(), sha256_hex(&inflated), signature));
                out.push(object);
            }
        }
        out
    }
}

/// A digest as CloudTrail stores it: gzip JSON, signed, the signature and
/// its algorithm in the object's metadata. Also its inflated bytes and
/// signature.
pub fn signed(d: &DigestFile, key: &SigningKey) -> (Object, Vec<u8>, String) {
    let inflated = serde_json::to_vec(d).unwrap_or_default();
    let signature = key.sign(string_to_sign(d, &inflated).as_bytes());
    let object = Object {
        key: d.digest_s3_object.clone(),
        body: gzip(&inflated),
        metadata: vec![
            ("signature".into(), signature.clone()),
            ("signature-algorithm".into(), SIGNATURE_ALGORITHM.into()),
        ],
    };
    (object, inflated, signature)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::digest::signature_holds;

    const PEM: &str = include_str!("../../../tests/fixtures/digest-keys/signing-key.pk8.pem");
    const PUBLIC: &str = include_str!("../../../tests/fixtures/digest-keys/public-key.der.b64");

    #[test]
    fn a_generated_chain_is_signed_and_linked() {
        let key = SigningKey::from_pem(PEM).expect("key");
        let served = aws_smithy_types::base64::decode(PUBLIC.trim()).expect("b64");
        assert_eq!(key.public_der(), served, "the proxy serves this key");
        let chains = Chains {
            layout: Layout {
                bucket: "b".into(),
                prefix: None,
                account: "123456789012".into(),
                organization: None,
                trail_name: "t".into(),
                home_region: "us-east-1".into(),
            },
            regions: vec!["us-east-1".into()],
            start: digest::parse_time("2026-11-24T00:00:00Z").expect("time"),
            hours: 2,
            logs_per_hour: 2,
            events_per_log: 3,
            stopped: Vec::new(),
        };
        let objects = chains.objects(&key);
        assert_eq!(objects.len(), 6);
        let digests: Vec<&Object> = objects.iter().filter(|o| !o.metadata.is_empty()).collect();
        let inflate = |o: &Object| {
            let mut d = flate2::read::GzDecoder::new(&o.body[..]);
            let mut v = Vec::new();
            std::io::Read::read_to_end(&mut d, &mut v).expect("gzip");
            v
        };
        let first = inflate(digests[0]);
        let second = inflate(digests[1]);
        let d2 = DigestFile::parse(&second).expect("digest");
        assert_eq!(d2.previous_digest_hash_value, Some(sha256_hex(&first)));
        assert_eq!(
            d2.previous_digest_signature.as_deref(),
            Some(digests[0].metadata[0].1.as_str())
        );
        let message = string_to_sign(&d2, &second);
        assert!(signature_holds(
            &served,
            message.as_bytes(),
            &digests[1].metadata[0].1
        ));
        assert!(!signature_holds(
            &served,
            b"other",
            &digests[1].metadata[0].1
        ));
    }
}
