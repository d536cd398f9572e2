//! Validation of a trail's digest chains, every region at once: each
//! region's chain walked back from the end time through
//! `previousDigestS3Object`, each digest's signature checked with the public
//! key its fingerprint names, each chain link checked, and every log file a
//! valid digest names hashed as it streams in. Only reads: nothing in the
//! bucket is ever written.

use std::collections::{BTreeMap, HashMap};
use std::io::Write;
use std::sync::Arc;

use flate2::write::GzDecoder;
use futures::StreamExt;
use serde::Serialize;
use sha2::{Digest as _, Sha256};

use crate::digest::{
    self, DigestFile, Layout, LogFile, SIGNATURE_ALGORITHM, digest_key_time, signature_holds,
    string_to_sign,
};
use crate::store::{Body, GetError, ObjectStore, PublicKeys, Query, StoreError};

/// The most a digest may inflate to: a real one lists at most a few
/// thousand log files in well under this.
pub const MAX_DIGEST_BYTES: u64 = 64 * 1024 * 1024;
/// How many digests of a region are fetched ahead of its walk: enough to
/// hide their latency, few enough that memory does not grow with the log
/// files each lists.
pub const DIGESTS_AHEAD: usize = 4;
/// The most a log file may inflate to before it is judged invalid.
pub const MAX_LOG_BYTES: u64 = 2 * 1024 * 1024 * 1024;

/// What to validate.
#[derive(Debug, Clone)]
pub struct Request {
    pub layout: Layout,
    pub start: i64,
    pub end: i64,
    /// How many files are fetched at once.
    pub window: usize,
}

/// A public key CloudTrail signed digests with (ListPublicKeys).
#[derive(Debug, Clone)]
pub struct PublicKey {
    pub fingerprint: String,
    /// PKCS #1 RSAPublicKey, DER.
    pub der: Vec<u8>,
    pub valid_from: i64,
    pub valid_to: i64,
}

/// One file's verdict, in the AWS CLI's words.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    Valid,
    /// The log file's SHA-256 differs from the digest's.
    HashMismatch,
    NotFound,
    InvalidFormat,
    SignatureFailed,
    /// No public key with the digest's fingerprint (valid at its time).
    PublicKeyNotFound(String),
    /// The digest names another place than where it is stored.
    Moved,
    /// The digest after it names other bytes or another signature for it.
    ChainBroken(String),
    /// The digest names a log file outside the trail's bucket and folder.
    OutsideTrail,
    /// S3 refused to give the file (the error code), e.g. AccessDenied.
    Unreadable(String),
}

impl Verdict {
    pub fn text(&self) -> String {
        match self {
            Verdict::Valid => "valid".into(),
            Verdict::HashMismatch => "INVALID: hash value doesn't match".into(),
            Verdict::NotFound => "INVALID: not found".into(),
            Verdict::InvalidFormat => "INVALID: invalid format".into(),
            Verdict::SignatureFailed => "INVALID: signature verification failed".into(),
            Verdict::PublicKeyNotFound(f) => {
                format!("INVALID: public key not found for fingerprint {f}")
            }
            Verdict::Moved => "INVALID: has been moved from its original location".into(),
            Verdict::ChainBroken(why) => format!("INVALID: chain link broken: {why}"),
            Verdict::OutsideTrail => {
                "INVALID: outside the trail's bucket and folder (not fetched)".into()
            }
            Verdict::Unreadable(code) => format!("INVALID: could not be read ({code})"),
        }
    }
}

/// Whether a verdict is about a digest or a log file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FileKind {
    Digest,
    Log,
}

/// One file and its verdict.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Checked {
    pub kind: FileKind,
    pub region: String,
    pub uri: String,
    pub verdict: Verdict,
}

impl Checked {
    /// `Digest file<TAB>s3://...<TAB>valid`, as the AWS CLI prints it.
    pub fn line(&self) -> String {
        let what = match self.kind {
            FileKind::Digest => "Digest file",
            FileKind::Log => "Log file",
        };
        format!("{what}\t{}\t{}", self.uri, self.verdict.text())
    }
}

/// A stretch with no digest: logging was off (not an error).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Gap {
    pub region: String,
    pub from: i64,
    pub to: i64,
}

/// Counts of one kind of file.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Counts {
    pub valid: u64,
    pub invalid: u64,
}

/// The outcome of a run.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Report {
    pub start: i64,
    pub end: i64,
    pub regions: Vec<String>,
    pub digests: Counts,
    pub logs: Counts,
    /// The earliest start and latest end of the valid digests, within the
    /// requested range.
    pub found: Option<(i64, i64)>,
    pub gaps: Vec<Gap>,
    /// Every file that is not valid (and, when asked, the valid ones).
    pub files: Vec<Checked>,
}

impl Report {
    pub fn all_valid(&self) -> bool {
        self.digests.invalid == 0 && self.logs.invalid == 0
    }

    fn record(&mut self, c: Checked, keep_valid: bool) {
        let counts = match c.kind {
            FileKind::Digest => &mut self.digests,
            FileKind::Log => &mut self.logs,
        };
        if c.verdict == Verdict::Valid {
            counts.valid += 1;
            if keep_valid {
                self.files.push(c);
            }
        } else {
            counts.invalid += 1;
            self.files.push(c);
        }
    }

    /// Widens the found range by a valid digest's, kept within the
    /// requested range.
    fn widen(&mut self, s: i64, e: i64) {
        let (s, e) = (s.max(self.start), e.min(self.end));
        self.found = Some(match self.found {
            None => (s, e),
            Some((a, b)) => (a.min(s), b.max(e)),
        });
    }
}

/// Why a run could not start (a digest or log file that fails is a verdict,
/// never an error).
#[derive(Debug, thiserror::Error)]
pub enum RunError {
    #[error("{operation}: {message}")]
    Aws {
        operation: &'static str,
        message: String,
    },
    #[error("no public keys between {0} and {1}")]
    NoPublicKeys(String, String),
}

fn aws_error(operation: &'static str, e: &StoreError) -> RunError {
    RunError::Aws {
        operation,
        message: format!("{}: {}", e.code, e.message),
    }
}

/// A digest as stored: its bytes inflated and its signature metadata.
struct Stored {
    inflated: Vec<u8>,
    signature: Option<String>,
    algorithm: Option<String>,
}

enum Fetch {
    Found(Stored),
    NotFound,
    Invalid,
}

/// Validates every region's chain of `req`'s trail, read from `s3`; `keys`
/// from ListPublicKeys. `keep_valid` keeps the valid files' verdicts too.
pub async fn run<S: ObjectStore>(
    s3: &S,
    keys: &[PublicKey],
    req: &Request,
    keep_valid: bool,
) -> Result<Report, RunError> {
    let regions = regions(s3, &req.layout).await?;
    let mut report = Report {
        start: req.start,
        end: req.end,
        regions: regions.clone(),
        ..Report::default()
    };
    let keys = Arc::new(keys.to_vec());
    // Each region's chain is walked on its own; the log files of every
    // valid digest are hashed by one bounded pool as the digests arrive.
    let (tx, rx) = tokio::sync::mpsc::channel::<(String, LogFile)>(req.window.max(1) * 4);
    let mut walks = Vec::new();
    for region in &regions {
        let (s3, keys, req, region, tx) = (
            s3.clone(),
            Arc::clone(&keys),
            req.clone(),
            region.clone(),
            tx.clone(),
        );
        walks.push(tokio::spawn(async move {
            walk(&s3, &keys, &req, &region, &tx).await
        }));
    }
    drop(tx);
    let layout = req.layout.clone();
    let logs = tokio_stream_of(rx)
        .map(|(region, log)| {
            let (s3, layout) = (s3.clone(), layout.clone());
            async move {
                let verdict = if layout.holds_log(&log) {
                    check_log(&s3, &log).await
                } else {
                    Verdict::OutsideTrail
                };
                Checked {
                    kind: FileKind::Log,
                    region,
                    uri: format!("s3://{}/{}", log.s3_bucket, log.s3_object),
                    verdict,
                }
            }
        })
        .buffer_unordered(req.window.max(1))
        // Counted as they come: memory holds the files in flight and the
        // invalid ones, never every file.
        .fold(Report::default(), |mut tally, c| async move {
            tally.record(c, keep_valid);
            tally
        });
    let logs = logs.await;
    for w in walks {
        let walked = w.await.map_err(|e| RunError::Aws {
            operation: "validate",
            message: e.to_string(),
        })??;
        if let Some((s, e)) = walked.found {
            report.widen(s, e);
        }
        for c in walked.checked {
            report.record(c, keep_valid);
        }
        report.gaps.extend(walked.gaps);
    }
    report.logs = logs.logs;
    report.files.extend(logs.files);
    report
        .files
        .sort_by(|a, b| (a.kind, &a.uri).cmp(&(b.kind, &b.uri)));
    Ok(report)
}

/// An mpsc receiver as a stream.
fn tokio_stream_of<T: Send + 'static>(
    mut rx: tokio::sync::mpsc::Receiver<T>,
) -> impl futures::Stream<Item = T> {
    futures::stream::poll_fn(move |cx| rx.poll_recv(cx))
}

/// The regions with digests: the folders under `CloudTrail-Digest/`.
async fn regions<S: ObjectStore>(s3: &S, layout: &Layout) -> Result<Vec<String>, RunError> {
    let folder = format!("{}CloudTrail-Digest/", layout.root());
    let query = Query {
        bucket: &layout.bucket,
        prefix: &folder,
        delimiter: Some("/"),
        start_after: None,
    };
    let mut out = Vec::new();
    let mut next = None;
    loop {
        let page = s3
            .list(&query, next)
            .await
            .map_err(|e| aws_error("s3:ListObjectsV2", &e))?;
        for p in &page.prefixes {
            if let Some(region) = p.strip_prefix(&folder).map(|r| r.trim_end_matches('/')) {
                out.push(region.to_owned());
            }
        }
        next = page.next;
        if next.is_none() {
            break;
        }
    }
    out.sort();
    Ok(out)
}

/// The digest keys of one region from a minute before `start` to an hour
/// after `end` (a digest covering `end` is written up to an hour later), in
/// time order.
async fn listed<S: ObjectStore>(
    s3: &S,
    req: &Request,
    region: &str,
) -> Result<Vec<String>, RunError> {
    let layout = &req.layout;
    let from = layout.digest_key(region, req.start - 60);
    let until = req.end + 3600;
    let folder = layout.digest_folder(region);
    let query = Query {
        bucket: &layout.bucket,
        prefix: &folder,
        delimiter: None,
        start_after: Some(&from),
    };
    let mut out = Vec::new();
    let mut next = None;
    'pages: loop {
        let page = s3
            .list(&query, next)
            .await
            .map_err(|e| aws_error("s3:ListObjectsV2", &e))?;
        for key in &page.keys {
            if !layout.is_trail_digest(region, key) {
                continue;
            }
            match digest_key_time(key) {
                Some(t) if t > until => break 'pages,
                Some(t) if t >= req.start - 60 => out.push(key.clone()),
                _ => {}
            }
        }
        next = page.next;
        if next.is_none() {
            break;
        }
    }
    Ok(out)
}

/// A region's walk: each digest's verdict, the time the valid digests
/// cover, the gaps.
#[derive(Default)]
struct Walked {
    checked: Vec<Checked>,
    found: Option<(i64, i64)>,
    gaps: Vec<Gap>,
}

/// The digest a newer valid digest vouches for: its key, hash and signature.
struct Link {
    key: String,
    hash: Option<String>,
    signature: Option<String>,
}

/// Walks one region's chain back from the newest digest, as the AWS CLI
/// does: follow `previousDigestS3Object`; a digest that is missing or
/// invalid is reported and the walk goes on with the next older listed
/// digest; a chain start with older digests listed is a gap (logging was
/// off). It stops once a digest starts before `start`. The listed digests
/// are fetched ahead, `DIGESTS_AHEAD` at a time.
async fn walk<S: ObjectStore>(
    s3: &S,
    keys: &[PublicKey],
    req: &Request,
    region: &str,
    logs: &tokio::sync::mpsc::Sender<(String, LogFile)>,
) -> Result<Walked, RunError> {
    let layout = &req.layout;
    let mut listed = listed(s3, req, region).await?;
    let mut out = Walked::default();
    let bucket = layout.bucket.clone();
    let uri = |key: &str| format!("s3://{bucket}/{key}");
    // Fetched ahead, newest first; a key the chain names but the listing
    // lacks is fetched when it is reached.
    let mut ahead: HashMap<String, tokio::task::JoinHandle<Result<Fetch, RunError>>> =
        HashMap::new();
    let prefetch = |ahead: &mut HashMap<_, _>, listed: &[String]| {
        for key in listed.iter().rev().take(DIGESTS_AHEAD) {
            if !ahead.contains_key(key) {
                let (s3, bucket, key2) = (s3.clone(), layout.bucket.clone(), key.clone());
                let task = tokio::spawn(async move { fetch_digest(&s3, &bucket, &key2).await });
                ahead.insert(key.clone(), task);
            }
        }
    };
    let mut next: Option<Link> = listed.pop().map(|key| Link {
        key,
        hash: None,
        signature: None,
    });
    while let Some(link) = next.take() {
        prefetch(&mut ahead, &listed);
        let fetched = match ahead.remove(&link.key) {
            Some(task) => task.await.map_err(|e| RunError::Aws {
                operation: "s3:GetObject",
                message: e.to_string(),
            })??,
            None => fetch_digest(s3, &layout.bucket, &link.key).await?,
        };
        let key_time = digest_key_time(&link.key).unwrap_or(i64::MIN);
        // Listed keys at or after this one are behind the walk now (the
        // list is in time order).
        while listed
            .last()
            .is_some_and(|k| digest_key_time(k).unwrap_or(i64::MIN) >= key_time)
        {
            listed.pop();
        }
        let older = |listed: &mut Vec<String>| {
            listed.pop().map(|key| Link {
                key,
                hash: None,
                signature: None,
            })
        };
        let judged = match fetched {
            Fetch::NotFound => Err(Verdict::NotFound),
            Fetch::Invalid => Err(Verdict::InvalidFormat),
            Fetch::Found(stored) => judge(keys, layout, &link, &stored),
        };
        let d = match judged {
            Err(verdict) => {
                out.checked.push(Checked {
                    kind: FileKind::Digest,
                    region: region.to_owned(),
                    uri: uri(&link.key),
                    verdict,
                });
                next = older(&mut listed);
                continue;
            }
            Ok(d) => d,
        };
        out.checked.push(Checked {
            kind: FileKind::Digest,
            region: region.to_owned(),
            uri: uri(&link.key),
            verdict: Verdict::Valid,
        });
        for log in &d.log_files {
            // The receiver lives as long as the run.
            let _ = logs.send((region.to_owned(), log.clone())).await;
        }
        let started = digest::parse_time(&d.digest_start_time).unwrap_or(i64::MIN);
        let ended = digest::parse_time(&d.digest_end_time).unwrap_or(started);
        out.found = Some(match out.found {
            None => (started, ended),
            Some((a, b)) => (a.min(started), b.max(ended)),
        });
        let previous = d.previous_digest_s3_object.clone();
        let previous_bucket = d.previous_digest_s3_bucket.clone();
        if started < req.start {
            break;
        }
        next = match (previous, previous_bucket) {
            (Some(key), Some(b)) if b == layout.bucket => Some(Link {
                key,
                hash: d.previous_digest_hash_value.clone(),
                signature: d.previous_digest_signature.clone(),
            }),
            // A chain start: older digests mean logging was off in between.
            _ => {
                let n = older(&mut listed);
                if let Some(n) = &n {
                    out.gaps.push(Gap {
                        region: region.to_owned(),
                        from: digest_key_time(&n.key).unwrap_or(started),
                        to: started,
                    });
                }
                n
            }
        };
    }
    for (_, task) in ahead {
        task.abort();
    }
    Ok(out)
}

/// A digest's verdict: its place, its signature, and its link to the
/// digest after it.
fn judge(
    keys: &[PublicKey],
    layout: &Layout,
    link: &Link,
    stored: &Stored,
) -> Result<DigestFile, Verdict> {
    let d = DigestFile::parse(&stored.inflated).map_err(|_| Verdict::InvalidFormat)?;
    if d.digest_s3_bucket != layout.bucket || d.digest_s3_object != link.key {
        return Err(Verdict::Moved);
    }
    let (Some(signature), Some(algorithm)) = (&stored.signature, &stored.algorithm) else {
        return Err(Verdict::SignatureFailed);
    };
    if algorithm != SIGNATURE_ALGORITHM {
        return Err(Verdict::SignatureFailed);
    }
    let at = digest::parse_time(&d.digest_end_time).unwrap_or_default();
    let key = keys
        .iter()
        .filter(|k| k.fingerprint == d.digest_public_key_fingerprint)
        .find(|k| k.valid_from <= at && at <= k.valid_to)
        .ok_or_else(|| Verdict::PublicKeyNotFound(d.digest_public_key_fingerprint.clone()))?;
    let message = string_to_sign(&d, &stored.inflated);
    if !signature_holds(&key.der, message.as_bytes(), signature) {
        return Err(Verdict::SignatureFailed);
    }
    if let Some(hash) = &link.hash {
        let actual = digest::sha256_hex(&stored.inflated);
        if hash != &actual {
            return Err(Verdict::ChainBroken(format!(
                "the next digest names SHA-256 {hash}, this one's is {actual}"
            )));
        }
    }
    if let Some(expected) = &link.signature
        && expected != signature
    {
        return Err(Verdict::ChainBroken(
            "the next digest names another signature for this one".into(),
        ));
    }
    Ok(d)
}

/// Fetches and inflates a digest (at most `MAX_DIGEST_BYTES`).
async fn fetch_digest<S: ObjectStore>(s3: &S, bucket: &str, key: &str) -> Result<Fetch, RunError> {
    let got = match s3.get(bucket, key).await {
        Ok(got) => got,
        Err(GetError::NotFound) => return Ok(Fetch::NotFound),
        Err(GetError::Failed(e)) => return Err(aws_error("s3:GetObject", &e)),
    };
    let metadata = got.metadata;
    match inflate(got.body, MAX_DIGEST_BYTES, Vec::new()).await {
        Ok(inflated) => Ok(Fetch::Found(Stored {
            inflated,
            signature: metadata.get("signature").cloned(),
            algorithm: metadata.get("signature-algorithm").cloned(),
        })),
        Err(InflateError::Read(e)) => Err(RunError::Aws {
            operation: "s3:GetObject",
            message: e,
        }),
        Err(InflateError::Format) => Ok(Fetch::Invalid),
    }
}

/// Fetches a log file and hashes it as it inflates (never held whole).
async fn check_log<S: ObjectStore>(s3: &S, log: &LogFile) -> Verdict {
    let got = match s3.get(&log.s3_bucket, &log.s3_object).await {
        Ok(got) => got,
        Err(GetError::NotFound) => return Verdict::NotFound,
        Err(GetError::Failed(e)) => return Verdict::Unreadable(e.code),
    };
    match inflate(got.body, MAX_LOG_BYTES, HashWriter::default()).await {
        Ok(h) if h.hex() == log.hash_value => Verdict::Valid,
        Ok(_) => Verdict::HashMismatch,
        Err(_) => Verdict::InvalidFormat,
    }
}

#[derive(Default)]
struct HashWriter(Sha256, u64);

impl HashWriter {
    fn hex(&self) -> String {
        hex::encode(self.0.clone().finalize())
    }
}

impl Write for HashWriter {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.update(buf);
        self.1 += buf.len() as u64;
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Something inflated bytes go into, with a count of them.
trait Sink: Write {
    fn taken(&self) -> u64;
}

impl Sink for Vec<u8> {
    fn taken(&self) -> u64 {
        self.len() as u64
    }
}

impl Sink for HashWriter {
    fn taken(&self) -> u64 {
        self.1
    }
}

enum InflateError {
    Read(String),
    /// Not gzip, or larger than allowed.
    Format,
}

/// Streams a gzip body into `sink`, chunk by chunk, refusing more than
/// `max` inflated bytes.
async fn inflate<W: Sink>(mut body: Body, max: u64, sink: W) -> Result<W, InflateError> {
    let mut gz = GzDecoder::new(sink);
    while let Some(chunk) = body.next().await {
        let chunk = chunk.map_err(|e| InflateError::Read(e.to_string()))?;
        gz.write_all(&chunk).map_err(|_| InflateError::Format)?;
        if gz.get_ref().taken() > max {
            return Err(InflateError::Format);
        }
    }
    gz.finish().map_err(|_| InflateError::Format)
}

/// The public keys CloudTrail signed with between `start` and `end`.
pub async fn public_keys<K: PublicKeys>(
    cloudtrail: &K,
    start: i64,
    end: i64,
) -> Result<Vec<PublicKey>, RunError> {
    let keys = cloudtrail
        .public_keys(start, end)
        .await
        .map_err(|e| aws_error("cloudtrail:ListPublicKeys", &e))?;
    if keys.is_empty() {
        return Err(RunError::NoPublicKeys(
            digest::display_time(start),
            digest::display_time(end),
        ));
    }
    Ok(keys)
}

/// The report as text, like the AWS CLI's summary (every invalid file, and
/// with `verbose` every valid one, first).
pub fn text(report: &Report, trail: &str) -> String {
    let mut out = format!(
        "Validating log files for trail {trail} between {} and {} in {} region(s): {}\n\n",
        digest::display_time(report.start),
        digest::display_time(report.end),
        report.regions.len(),
        report.regions.join(", ")
    );
    for c in &report.files {
        out.push_str(&c.line());
        out.push('\n');
    }
    for g in &report.gaps {
        out.push_str(&format!(
            "No log files were delivered by CloudTrail in {} between {} and {}\n",
            g.region,
            digest::display_time(g.from),
            digest::display_time(g.to)
        ));
    }
    out.push_str(&format!(
        "\nResults requested for {} to {}\n",
        digest::display_time(report.start),
        digest::display_time(report.end)
    ));
    if report.digests == Counts::default() {
        out.push_str("No digests found\n");
        return out;
    }
    match report.found {
        Some((s, e)) => out.push_str(&format!(
            "Results found for {} to {}:\n",
            digest::display_time(s),
            digest::display_time(e)
        )),
        None => out.push_str("No valid digests found in range\n"),
    }
    for (counts, name) in [(report.digests, "digest"), (report.logs, "log")] {
        let total = counts.valid + counts.invalid;
        if total > 0 {
            out.push_str(&format!("\n{}/{total} {name} files valid", counts.valid));
            if counts.invalid > 0 {
                out.push_str(&format!(
                    ", {}/{total} {name} files INVALID",
                    counts.invalid
                ));
            }
        }
    }
    out.push('\n');
    out
}

/// The regions' valid and invalid digest counts, for tests and JSON.
pub fn by_region(report: &Report) -> BTreeMap<String, Counts> {
    let mut out: BTreeMap<String, Counts> = BTreeMap::new();
    for c in report.files.iter().filter(|c| c.kind == FileKind::Digest) {
        let e = out.entry(c.region.clone()).or_default();
        if c.verdict == Verdict::Valid {
            e.valid += 1;
        } else {
            e.invalid += 1;
        }
    }
    out
}
