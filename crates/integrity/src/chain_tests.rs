//! Validation over a bucket in memory: a signed chain as CloudTrail writes
//! it, then each way it can be broken, with the verdict the AWS CLI gives.
//! (tests/integrity.rs runs the same through S3 and the CLI.)

use crate::digest::{self, DigestFile, Layout};
use crate::memory::{Memory, denied};
use crate::testdata::{Chains, Object, SigningKey, gzip, signed};
use crate::validate::{
    Checked, Counts, FileKind, PublicKey, Report, Request, RunError, Verdict, public_keys, run,
};

const PEM: &str = include_str!("../../../tests/fixtures/digest-keys/signing-key.pk8.pem");
const BUCKET: &str = "audit-logs";
const START: &str = "2026-11-24T00:00:00Z";
const HOURS: u32 = 4;
const LOGS: u32 = 2;

fn key() -> SigningKey {
    SigningKey::from_pem(PEM).expect("the test key")
}

fn chains() -> Chains {
    Chains {
        layout: Layout {
            bucket: BUCKET.into(),
            prefix: Some("org".into()),
            account: "123456789012".into(),
            organization: None,
            trail_name: "audit".into(),
            home_region: "us-east-1".into(),
        },
        regions: vec!["us-east-1".into(), "eu-west-1".into()],
        start: digest::parse_time(START).expect("time"),
        hours: HOURS,
        logs_per_hour: LOGS,
        events_per_log: 3,
        stopped: Vec::new(),
    }
}

/// The test key as ListPublicKeys serves it, valid from `from`.
fn served(from: i64) -> PublicKey {
    let key = key();
    PublicKey {
        fingerprint: key.fingerprint(),
        der: key.public_der(),
        valid_from: from,
        valid_to: i64::MAX,
    }
}

/// The chains written into a bucket that lists three entries a page.
fn uploaded(chains: &Chains) -> (Memory, Vec<Object>) {
    let store = Memory::new(3, vec![served(i64::MIN)]);
    let objects = chains.objects(&key());
    for o in &objects {
        store.put(BUCKET, o.clone());
    }
    (store, objects)
}

fn request(chains: &Chains) -> Request {
    Request {
        layout: chains.layout.clone(),
        start: chains.start,
        end: chains.start + i64::from(chains.hours) * 3600,
        window: 4,
    }
}

fn validate(store: &Memory, chains: &Chains) -> Report {
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    rt.block_on(async {
        let keys = public_keys(store, chains.start - 3600, chains.start + 7200 * 24)
            .await
            .expect("keys");
        run(store, &keys, &request(chains), false)
            .await
            .expect("a run")
    })
}

fn uri(key: &str) -> String {
    format!("s3://{BUCKET}/{key}")
}

/// The digest of `region` that ends `hours` after the start.
fn digest_key(chains: &Chains, region: &str, hours: u32) -> String {
    chains
        .layout
        .digest_key(region, chains.start + i64::from(hours) * 3600)
}

/// Takes the digest at `key` out of the store, and gives it back with its
/// content changed: its last log file dropped.
fn shortened(store: &Memory, key: &str) -> (Object, DigestFile) {
    let object = store.remove(BUCKET, key).expect("the digest");
    let mut inflated = Vec::new();
    std::io::Read::read_to_end(
        &mut flate2::read::GzDecoder::new(&object.body[..]),
        &mut inflated,
    )
    .expect("gzip");
    let mut d = DigestFile::parse(&inflated).expect("a digest");
    d.log_files.pop();
    (object, d)
}

/// The only file that is not valid.
fn the_invalid(report: &Report) -> &Checked {
    assert_eq!(report.files.len(), 1, "{:#?}", report.files);
    &report.files[0]
}

#[test]
fn an_intact_chain_is_valid_in_every_region() {
    let chains = chains();
    let (store, objects) = uploaded(&chains);
    let report = validate(&store, &chains);
    assert!(report.all_valid(), "{:#?}", report.files);
    assert_eq!(report.regions, ["eu-west-1", "us-east-1"]);
    let digests = u64::from(HOURS) * 2;
    assert_eq!(
        report.digests,
        Counts {
            valid: digests,
            invalid: 0
        }
    );
    assert_eq!(report.logs.valid, digests * u64::from(LOGS));
    assert_eq!(report.logs.valid + digests, objects.len() as u64);
    assert_eq!(
        report.found,
        Some((chains.start, chains.start + i64::from(HOURS) * 3600))
    );
    assert!(report.gaps.is_empty());
}

#[test]
fn a_tampered_log_file_is_a_hash_mismatch() {
    let chains = chains();
    let (store, _) = uploaded(&chains);
    let log = chains.log_key("us-east-1", chains.start + 3600, 1);
    let mut object = store.remove(BUCKET, &log).expect("the log file");
    object.body = gzip(br#"{"Records":[]}"#);
    store.put(BUCKET, object);
    let report = validate(&store, &chains);
    assert_eq!(report.logs.invalid, 1);
    assert_eq!(report.digests.invalid, 0);
    let c = the_invalid(&report);
    assert_eq!((c.kind, &c.uri), (FileKind::Log, &uri(&log)));
    assert_eq!(c.verdict, Verdict::HashMismatch);
    assert_eq!(
        c.line(),
        format!("Log file\t{}\tINVALID: hash value doesn't match", uri(&log))
    );
}

#[test]
fn a_missing_log_file_is_not_found() {
    let chains = chains();
    let (store, _) = uploaded(&chains);
    let log = chains.log_key("eu-west-1", chains.start, 0);
    store.remove(BUCKET, &log).expect("the log file");
    let report = validate(&store, &chains);
    let c = the_invalid(&report);
    assert_eq!((c.kind, &c.uri), (FileKind::Log, &uri(&log)));
    assert_eq!(c.verdict, Verdict::NotFound);
    assert_eq!(report.logs.invalid, 1);
}

#[test]
fn a_log_file_s3_refuses_is_unreadable_with_its_code() {
    let chains = chains();
    let (store, _) = uploaded(&chains);
    let log = chains.log_key("us-east-1", chains.start + 2 * 3600, 0);
    store.deny(&log);
    let report = validate(&store, &chains);
    let c = the_invalid(&report);
    assert_eq!(c.uri, uri(&log));
    assert_eq!(c.verdict, Verdict::Unreadable("AccessDenied".into()));
}

#[test]
fn a_missing_digest_is_not_found_and_the_walk_goes_on() {
    let chains = chains();
    let (store, _) = uploaded(&chains);
    let missing = digest_key(&chains, "us-east-1", 2);
    store.remove(BUCKET, &missing).expect("the digest");
    let report = validate(&store, &chains);
    let c = the_invalid(&report);
    assert_eq!((c.kind, &c.uri), (FileKind::Digest, &uri(&missing)));
    assert_eq!(c.verdict, Verdict::NotFound);
    // The older digests are still walked; the missing one's logs are not.
    let digests = u64::from(HOURS) * 2;
    assert_eq!(report.digests.valid, digests - 1);
    assert_eq!(report.logs.valid, (digests - 1) * u64::from(LOGS));
}

#[test]
fn a_digest_changed_after_signing_fails_its_signature() {
    let chains = chains();
    let (store, _) = uploaded(&chains);
    let newest = digest_key(&chains, "eu-west-1", HOURS);
    let (object, d) = shortened(&store, &newest);
    let (mut changed, _, _) = signed(&d, &key());
    // The bytes changed, the signature stayed.
    changed.metadata = object.metadata.clone();
    store.put(BUCKET, changed);
    let report = validate(&store, &chains);
    let c = the_invalid(&report);
    assert_eq!((c.kind, &c.uri), (FileKind::Digest, &uri(&newest)));
    assert_eq!(c.verdict, Verdict::SignatureFailed);
}

#[test]
fn a_digest_re_signed_after_a_change_breaks_the_chain_link() {
    let chains = chains();
    let (store, _) = uploaded(&chains);
    let older = digest_key(&chains, "us-east-1", 1);
    let (_, d) = shortened(&store, &older);
    // Signed again with the right key: only the next digest's link tells.
    let (changed, _, _) = signed(&d, &key());
    store.put(BUCKET, changed);
    let report = validate(&store, &chains);
    let c = the_invalid(&report);
    assert_eq!(c.uri, uri(&older));
    assert!(
        matches!(c.verdict, Verdict::ChainBroken(_)),
        "{:?}",
        c.verdict
    );
}

#[test]
fn a_digest_signed_before_its_key_was_valid_has_no_public_key() {
    let chains = chains();
    let (store, _) = uploaded(&chains);
    let keys = vec![served(chains.start + 3 * 3600)];
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    let report = rt
        .block_on(run(&store, &keys, &request(&chains), false))
        .expect("a run");
    // The digests ending at hours 1 and 2 of each region predate the key.
    assert_eq!(
        report.digests,
        Counts {
            valid: 4,
            invalid: 4
        }
    );
    let fingerprint = key().fingerprint();
    assert!(
        report
            .files
            .iter()
            .all(|c| c.verdict == Verdict::PublicKeyNotFound(fingerprint.clone()))
    );
}

#[test]
fn a_stopped_hour_is_a_gap_not_an_error() {
    let mut chains = chains();
    chains.stopped = vec![1];
    let (store, _) = uploaded(&chains);
    let report = validate(&store, &chains);
    assert!(report.all_valid(), "{:#?}", report.files);
    assert_eq!(report.gaps.len(), 2, "{:#?}", report.gaps);
    assert!(report.gaps.iter().all(|g| g.to == chains.start + 2 * 3600));
}

#[test]
fn a_refused_listing_stops_the_run_with_aws_s_answer() {
    let chains = chains();
    let (store, _) = uploaded(&chains);
    store.fail_lists(denied());
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    let err = rt
        .block_on(run(&store, &[served(i64::MIN)], &request(&chains), false))
        .expect_err("a refused listing");
    assert_eq!(
        err.to_string(),
        "s3:ListObjectsV2: AccessDenied: Access Denied"
    );
}

#[test]
fn no_public_keys_in_the_range_is_an_error() {
    let store = Memory::new(3, Vec::new());
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    let start = digest::parse_time(START).expect("time");
    let err = rt
        .block_on(public_keys(&store, start, start + 3600))
        .expect_err("no keys");
    assert!(matches!(err, RunError::NoPublicKeys(..)), "{err}");
}
