//! `ctrail validate-logs` against the emulator: digest chains generated and
//! signed with the project's test key (tests/fixtures/digest-keys), served
//! by the adapter's ListPublicKeys, for 3 regions x 48 hours; then every way
//! of tampering with them, and hostile digests, each reported with its
//! verdict and file while the run goes on; and nothing written.

mod support;

use std::collections::BTreeMap;

use aws_sdk_s3::primitives::ByteStream;
use ctrail_integrity::digest::{self, DigestFile, Layout};
use ctrail_integrity::testdata::{Chains, Object, SigningKey, gzip, signed};
use futures::StreamExt;
use serde_json::Value;
use support::emulator::Emulator;

const BUCKET: &str = "integrity-logs";
const ACCOUNT: &str = "123456789012";
const REGIONS: [&str; 3] = ["eu-west-1", "us-east-1", "us-west-2"];
const START: &str = "2026-11-20T00:00:00Z";
const HOURS: u32 = 48;

fn key(file: &str) -> SigningKey {
    let pem = std::fs::read_to_string(
        support::root()
            .join("tests/fixtures/digest-keys")
            .join(file),
    )
    .expect("key file");
    SigningKey::from_pem(&pem).expect("key")
}

fn layout() -> Layout {
    Layout {
        bucket: BUCKET.into(),
        prefix: None,
        account: ACCOUNT.into(),
        organization: None,
        trail_name: "org-audit".into(),
        home_region: "us-east-1".into(),
    }
}

fn chains() -> Chains {
    Chains {
        layout: layout(),
        regions: REGIONS.iter().map(|r| (*r).to_owned()).collect(),
        start: digest::parse_time(START).expect("time"),
        hours: HOURS,
        logs_per_hour: 2,
        events_per_log: 5,
        stopped: Vec::new(),
    }
}

struct Bucket {
    rt: tokio::runtime::Runtime,
    s3: aws_sdk_s3::Client,
    name: String,
}

impl Bucket {
    /// The test's bucket, created.
    fn new(em: &Emulator) -> Bucket {
        let b = Bucket::existing(em, BUCKET);
        b.rt.block_on(b.s3.create_bucket().bucket(BUCKET).send())
            .expect("bucket");
        b
    }

    fn existing(em: &Emulator, name: &str) -> Bucket {
        let rt = tokio::runtime::Runtime::new().expect("runtime");
        let config = em.sdk_config(&rt);
        let s3 = aws_sdk_s3::Client::from_conf(
            aws_sdk_s3::config::Builder::from(&config)
                .force_path_style(true)
                .build(),
        );
        Bucket {
            rt,
            s3,
            name: name.to_owned(),
        }
    }

    fn put(&self, objects: Vec<Object>) {
        let (s3, name) = (&self.s3, &self.name);
        self.rt.block_on(
            futures::stream::iter(objects)
                .map(|o| async move {
                    let mut req = s3
                        .put_object()
                        .bucket(name)
                        .key(&o.key)
                        .body(ByteStream::from(o.body));
                    for (k, v) in o.metadata {
                        req = req.metadata(k, v);
                    }
                    req.send().await.expect("put");
                })
                .buffer_unordered(16)
                .collect::<Vec<_>>(),
        );
    }

    fn delete(&self, key: &str) {
        self.rt
            .block_on(self.s3.delete_object().bucket(BUCKET).key(key).send())
            .expect("delete");
    }

    /// A digest's parsed contents.
    fn digest(&self, key: &str) -> DigestFile {
        let got = self
            .rt
            .block_on(self.s3.get_object().bucket(BUCKET).key(key).send())
            .expect("get");
        let bytes = self
            .rt
            .block_on(got.body.collect())
            .expect("body")
            .into_bytes();
        let mut inflated = Vec::new();
        std::io::Read::read_to_end(&mut flate2::read::GzDecoder::new(&bytes[..]), &mut inflated)
            .expect("gzip");
        DigestFile::parse(&inflated).expect("digest")
    }
}

fn digest_key(region: &str, hour: u32) -> String {
    let end = digest::parse_time(START).expect("time") + i64::from(hour + 1) * 3600;
    layout().digest_key(region, end)
}

/// The trail, bucket and whole time range, as both tools take them.
fn range_args() -> Vec<String> {
    let arn = format!("arn:aws:cloudtrail:us-east-1:{ACCOUNT}:trail/org-audit");
    let end = digest::display_time(digest::parse_time(START).expect("t") + i64::from(HOURS) * 3600);
    let args = [
        "--trail-arn",
        &arn,
        "--s3-bucket",
        BUCKET,
        "--start-time",
        START,
        "--end-time",
        &end,
    ];
    args.iter().map(|a| (*a).to_owned()).collect()
}

/// `ctrail validate-logs` over the whole range: exit code and JSON report.
fn validate(em: &Emulator) -> (Option<i32>, Value) {
    let mut args = vec!["validate-logs".to_owned()];
    args.extend(range_args());
    args.extend(["--format".to_owned(), "json".to_owned()]);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let out = em.ctrail(&args);
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "{e}: {}{}",
            support::stdout(&out),
            String::from_utf8_lossy(&out.stderr)
        )
    });
    (out.status.code(), doc)
}

/// uri -> verdict of every file that is not valid.
fn invalid(doc: &Value) -> BTreeMap<String, Value> {
    doc["files"]
        .as_array()
        .expect("files")
        .iter()
        .filter(|f| f["verdict"] != "valid")
        .map(|f| {
            (
                f["uri"].as_str().expect("uri").to_owned(),
                f["verdict"].clone(),
            )
        })
        .collect()
}

fn uri(key: &str) -> String {
    format!("s3://{BUCKET}/{key}")
}

/// Every tampering the AWS CLI also catches, and the hostile digests it
/// judges without failing: an edited and a deleted log file, an edited and
/// a deleted digest, a digest re-signed with another key, digests that are
/// not gzip, not JSON, or huge. The verdict each file must get.
fn tamper_as_the_cli_judges(bucket: &Bucket, chains: &Chains) -> BTreeMap<String, Value> {
    let signing = key("signing-key.pk8.pem");
    let start = digest::parse_time(START).expect("time");
    let hour = |h: u32| start + i64::from(h) * 3600;
    let edited_log = chains.log_key("eu-west-1", hour(10), 0);
    bucket.put(vec![Object {
        key: edited_log.clone(),
        body: gzip(br#"{"Records": []}"#),
        metadata: Vec::new(),
    }]);
    let deleted_log = chains.log_key("eu-west-1", hour(20), 1);
    bucket.delete(&deleted_log);
    // An edited digest, its original signature kept: the edit is caught.
    let edited = digest_key("us-east-1", 30);
    let original = bucket
        .rt
        .block_on(bucket.s3.head_object().bucket(BUCKET).key(&edited).send())
        .expect("head");
    let mut d = bucket.digest(&edited);
    d.log_files.pop();
    let (mut object, _, _) = signed(&d, &signing);
    object.metadata[0].1 = original.metadata().expect("metadata")["signature"].clone();
    bucket.put(vec![object]);
    let deleted = digest_key("us-east-1", 40);
    bucket.delete(&deleted);
    // Re-signed with a key CloudTrail does not serve.
    let other = key("other-key.pk8.pem");
    let resigned = digest_key("us-west-2", 15);
    let mut d = bucket.digest(&resigned);
    d.digest_public_key_fingerprint = other.fingerprint();
    bucket.put(vec![signed(&d, &other).0]);
    let not_gzip = digest_key("eu-west-1", 5);
    let not_json = digest_key("eu-west-1", 6);
    let huge = digest_key("eu-west-1", 7);
    let meta = vec![
        ("signature".to_owned(), "00".to_owned()),
        ("signature-algorithm".to_owned(), "SHA256withRSA".to_owned()),
    ];
    bucket.put(vec![
        Object {
            key: not_gzip.clone(),
            body: b"this is not gzip".to_vec(),
            metadata: meta.clone(),
        },
        Object {
            key: not_json.clone(),
            body: gzip(b"{ not json"),
            metadata: meta.clone(),
        },
        Object {
            key: huge.clone(),
            body: gzip(&vec![b' '; 80 * 1024 * 1024]),
            metadata: meta,
        },
    ]);
    [
        (uri(&edited_log), serde_json::json!("hash_mismatch")),
        (uri(&deleted_log), serde_json::json!("not_found")),
        (uri(&edited), serde_json::json!("signature_failed")),
        (uri(&deleted), serde_json::json!("not_found")),
        (
            uri(&resigned),
            serde_json::json!({"public_key_not_found": other.fingerprint()}),
        ),
        (uri(&not_gzip), serde_json::json!("invalid_format")),
        (uri(&not_json), serde_json::json!("invalid_format")),
        (uri(&huge), serde_json::json!("invalid_format")),
    ]
    .into_iter()
    .collect()
}

/// A chain with its data uploaded, signed with the test key.
fn uploaded(em: &Emulator) -> (Bucket, Chains) {
    let bucket = Bucket::new(em);
    let chains = chains();
    bucket.put(chains.objects(&key("signing-key.pk8.pem")));
    (bucket, chains)
}

#[test]
fn every_tampering_is_reported_with_its_verdict_and_file() {
    let em = Emulator::start();
    let (bucket, chains) = uploaded(&em);

    // Untouched: every file of 3 regions x 48 hours is valid.
    em.reset_counts();
    let (code, doc) = validate(&em);
    assert_eq!(code, Some(0), "{doc:#}");
    assert_eq!(doc["digests"]["valid"], 144);
    assert_eq!(doc["digests"]["invalid"], 0);
    assert_eq!(doc["logs"]["valid"], 288);
    assert_eq!(doc["regions"], serde_json::json!(REGIONS));
    let writes = em.writes();
    assert!(writes.is_empty(), "validate-logs wrote: {writes:?}");

    let mut want = tamper_as_the_cli_judges(&bucket, &chains);
    // What ctrail checks beyond the AWS CLI: a digest replaced by one signed
    // with the right key but not the one the next digest vouches for...
    let signing = key("signing-key.pk8.pem");
    let replaced = digest_key("us-west-2", 34);
    let mut d = bucket.digest(&replaced);
    d.log_files.pop();
    bucket.put(vec![signed(&d, &signing).0]);
    // ...and a digest naming a log file outside the trail's bucket (the
    // newest of its region, so no digest after it vouches for its bytes).
    let outside = digest_key("eu-west-1", HOURS - 1);
    let mut d = bucket.digest(&outside);
    d.log_files[0].s3_bucket = "someone-elses-bucket".into();
    let outside_log = format!("s3://someone-elses-bucket/{}", d.log_files[0].s3_object);
    bucket.put(vec![signed(&d, &signing).0]);
    want.insert(outside_log, serde_json::json!("outside_trail"));

    em.reset_counts();
    let (code, doc) = validate(&em);
    assert_eq!(code, Some(1), "{doc:#}");
    let mut verdicts = invalid(&doc);
    let broken = verdicts
        .remove(&uri(&replaced))
        .unwrap_or_else(|| panic!("the replaced digest: {verdicts:#?}"));
    assert!(
        broken["chain_broken"]
            .as_str()
            .is_some_and(|w| w.contains("the next digest names SHA-256")),
        "{broken}"
    );
    assert_eq!(verdicts, want);
    // Every digest is judged once: 144 (the deleted one as not found).
    let digests = &doc["digests"];
    assert_eq!(digests["valid"], 144 - 7);
    assert_eq!(digests["invalid"], 7);
    // The logs of the 7 invalid digests are not vouched for: 288 - 14 are
    // judged, of which 3 are invalid.
    assert_eq!(doc["logs"]["invalid"], 3);
    assert_eq!(doc["logs"]["valid"], 288 - 14 - 3);
    let writes = em.writes();
    assert!(writes.is_empty(), "validate-logs wrote: {writes:?}");
    let counts = em.counts();
    assert_eq!(
        counts.get("s3:GetObject").copied().unwrap_or(0),
        // Each digest once (the deleted one asked for too), each judged log
        // once but the one outside the bucket, never fetched.
        144 + (288 - 14 - 1),
        "each file is read once: {counts:?}"
    );
}

/// `N/M <name> files valid[, K/M <name> files INVALID]` from the AWS CLI's
/// summary: (valid, invalid). The CLI writes the line only when it judged a
/// file of that kind; every region of these tests has both kinds, so a
/// missing line (the CLI found nothing, or its summary changed) fails.
fn cli_ratio(out: &str, name: &str) -> (u64, u64) {
    // "backfill digest files valid" is another line than "digest files valid".
    let valid = format!("{name} files valid");
    let Some(line) = out.lines().find(|l| {
        l.split_once(' ')
            .is_some_and(|(ratio, rest)| ratio.contains('/') && rest.starts_with(&valid))
    }) else {
        panic!("the AWS CLI's summary has no \"N/M {valid}\" line:\n{out}");
    };
    let numbers: Vec<u64> = line
        .split(|c: char| !c.is_ascii_digit())
        .filter_map(|n| n.parse().ok())
        .collect();
    match numbers[..] {
        [valid, _] => (valid, 0),
        [valid, _, invalid, _] => (valid, invalid),
        _ => panic!("cannot read {line:?}"),
    }
}

/// The AWS CLI's summary as `_write_summary_text` writes it (awscli,
/// customizations/cloudtrail/validation.py): a backfill line is not the
/// digest line, and no log line (no log file judged) is no (0, 0).
const CLI_SUMMARY: &str = "Results requested for 2026-11-01T00:00:00Z to 2026-11-03T00:00:00Z
Results found for 2026-11-01T00:00:00Z to 2026-11-03T00:00:00Z:

2/3 backfill digest files valid, 1/3 backfill digest files INVALID
47/48 digest files valid, 1/48 digest files INVALID
";

#[test]
fn cli_ratio_reads_its_own_line_only() {
    assert_eq!(cli_ratio(CLI_SUMMARY, "digest"), (47, 1));
    assert_eq!(cli_ratio(CLI_SUMMARY, "backfill digest"), (2, 1));
}

#[test]
#[should_panic(expected = "the AWS CLI's summary has no \"N/M log files valid\" line")]
fn cli_ratio_fails_on_a_missing_line() {
    cli_ratio(CLI_SUMMARY, "log");
}

/// The AWS CLI's `validate-logs`, pointed at the same emulator and adapter
/// (it validates the region of its `--region`, so once per region), gives
/// the same counts as ctrail on the same data, untouched and tampered.
#[test]
fn the_aws_cli_gives_the_same_counts_on_the_same_data() {
    let em = Emulator::start();
    let (bucket, chains) = uploaded(&em);
    let compare = |what: &str| {
        let (_, doc) = validate(&em);
        let (mut digests, mut logs) = ((0, 0), (0, 0));
        for region in REGIONS {
            let mut args = vec!["cloudtrail", "validate-logs", "--region", region];
            let range = range_args();
            args.extend(range.iter().map(String::as_str));
            let out = em.aws_output(&args);
            let text = String::from_utf8_lossy(&out.stdout);
            assert!(
                text.contains("Results requested"),
                "{what}, {region}: {text}{}",
                String::from_utf8_lossy(&out.stderr)
            );
            let (d, l) = (cli_ratio(&text, "digest"), cli_ratio(&text, "log"));
            digests = (digests.0 + d.0, digests.1 + d.1);
            logs = (logs.0 + l.0, logs.1 + l.1);
        }
        let ours = |k: &str| {
            (
                doc[k]["valid"].as_u64().unwrap_or(0),
                doc[k]["invalid"].as_u64().unwrap_or(0),
            )
        };
        assert_eq!(
            ours("digests"),
            digests,
            "{what}: digest files (ctrail, AWS CLI)"
        );
        assert_eq!(ours("logs"), logs, "{what}: log files (ctrail, AWS CLI)");
        eprintln!("{what}: digests {digests:?}, logs {logs:?} (valid, invalid) from both");
    };
    compare("untouched");
    tamper_as_the_cli_judges(&bucket, &chains);
    compare("tampered");
}

/// A trail stopped for two hours and started again: the digest after the
/// stop starts a new chain. Every file is valid and the stretch is reported
/// as a gap, not an error.
#[test]
fn a_stopped_then_restarted_trail_is_a_gap_not_an_error() {
    let em = Emulator::start();
    let bucket = Bucket::new(&em);
    let chains = Chains {
        stopped: vec![20, 21],
        ..chains()
    };
    bucket.put(chains.objects(&key("signing-key.pk8.pem")));
    let (code, doc) = validate(&em);
    assert_eq!(code, Some(0), "{doc:#}");
    assert_eq!(doc["digests"]["valid"], 3 * (HOURS - 2));
    assert_eq!(doc["digests"]["invalid"], 0);
    assert_eq!(doc["logs"]["valid"], 3 * (HOURS - 2) * 2);
    // The same by the trail's spec (its name, bucket and region; the
    // account from the credentials).
    let spec = support::scratch_file(
        "integrity-spec",
        "spec.yaml",
        &format!(
            "version: 1\nregion: us-east-1\ntrail: {{name: org-audit}}\nbucket: {{name: {BUCKET}}}\n"
        ),
    );
    let mut args = vec!["validate-logs".to_owned(), spec];
    args.extend(range_args().into_iter().skip(4));
    args.extend(["--format".to_owned(), "json".to_owned()]);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let out = em.ctrail(&args);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let by_spec: Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(by_spec["digests"], doc["digests"]);
    assert_eq!(by_spec["logs"], doc["logs"]);
    let gaps = doc["gaps"].as_array().expect("gaps");
    assert_eq!(gaps.len(), 3, "one per region: {gaps:?}");
    let start = digest::parse_time(START).expect("time");
    for g in gaps {
        // From the end of the last digest before the stop to the start of
        // the first after it.
        assert_eq!(g["from"], start + 20 * 3600, "{g}");
        assert_eq!(g["to"], start + 22 * 3600, "{g}");
    }
}

/// By the trail's ARN alone: the bucket comes from GetTrail. The trail is
/// one `ctrail apply` made, so its bucket carries ctrail's TLS-only policy
/// (the adapter judges object requests by it as AWS does over TLS).
#[test]
fn by_the_trail_arn_alone_the_bucket_comes_from_the_trail() {
    let acct = support::account::Account::empty("integrity-arn");
    let out = acct.apply(&[]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let trail = support::account::TRAIL;
    let bucket = Bucket::existing(&acct.em, support::account::BUCKET);
    let chains = Chains {
        layout: Layout {
            bucket: support::account::BUCKET.into(),
            trail_name: trail.into(),
            ..layout()
        },
        regions: vec!["us-east-1".into()],
        hours: 6,
        ..chains()
    };
    bucket.put(chains.objects(&key("signing-key.pk8.pem")));
    let end = digest::display_time(digest::parse_time(START).expect("t") + 6 * 3600);
    let arn = format!("arn:aws:cloudtrail:us-east-1:{ACCOUNT}:trail/{trail}");
    let out = acct.em.ctrail(&[
        "validate-logs",
        "--trail-arn",
        &arn,
        "--start-time",
        START,
        "--end-time",
        &end,
    ]);
    let text = support::stdout(&out);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{text}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(text.contains("6/6 digest files valid"), "{text}");
    assert!(text.contains("12/12 log files valid"), "{text}");
}
