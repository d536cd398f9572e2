//! A spec that spans two accounts (issue 26, item 1): the trail, its log
//! group and role in the caller's account (the management account), the log
//! bucket in a Log Archive account that ctrail reaches by assuming a role
//! there. The emulator acts in the role's account after `sts assume-role`,
//! and finds another account's bucket by name, as S3 does.

mod support;

use serde_json::{Value, json};
use support::emulator::Emulator;

/// Credentials of another account's role, as environment variables.
type Creds = Vec<(String, String)>;
use support::text;

const MANAGEMENT: &str = "123456789012";
const LOG_ARCHIVE: &str = "111122223333";
const BUCKET: &str = "org-audit-logs-111122223333";
const TRAIL: &str = "org-audit-trail";
/// Where ctrail keeps its lock and ledger: a bucket of the management
/// account's (the log bucket is the Log Archive account's).
const STATE: &str = "ctrail-state-123456789012";

/// A spec of the organization layout, written to `dir/file`: the trail in
/// the management account (the caller's) with `trail` added to its section,
/// the bucket in the Log Archive account reached as `reach` says with
/// `bucket` added, and `rest` after.
fn layout(
    dir: &std::path::Path,
    file: &str,
    reach: &str,
    trail: &str,
    bucket: &str,
    rest: &str,
) -> String {
    let path = dir.join(file);
    let text = format!(
        r#"version: 1
region: us-east-1
accounts:
  - name: management
    account_id: "{MANAGEMENT}"
  - name: log-archive
    account_id: "{LOG_ARCHIVE}"
{reach}
trail:
  name: {TRAIL}
  account: management
{trail}bucket:
  name: {BUCKET}
  account: log-archive
{bucket}{rest}"#
    );
    std::fs::write(&path, text).expect("write the spec");
    path.to_string_lossy().into_owned()
}

/// The layout with ctrail's state under a prefix of the state bucket.
fn spec(dir: &std::path::Path, reach: &str) -> String {
    let state = format!("state:\n  bucket: {STATE}\n  prefix: ctrail\n");
    layout(dir, "accounts.yaml", reach, "", "", &state)
}

fn by_role() -> String {
    format!(
        "    role_arn: arn:aws:iam::{LOG_ARCHIVE}:role/ctrail-log-archive\n    external_id: ctrail-org-audit\n"
    )
}

/// The Log Archive account as its owners set it up: a role ctrail may
/// assume from the management account, with an external id, made through
/// the role AWS Organizations creates in every member account.
fn log_archive_role(em: &Emulator) -> Creds {
    let admin = em.organization_admin(LOG_ARCHIVE);
    em.role_trusting(
        Some(&admin),
        "ctrail-log-archive",
        &[MANAGEMENT],
        Some("ctrail-org-audit"),
    );
    admin
}

/// An emulator holding the Log Archive account's role and the management
/// account's state bucket, a scratch directory named `name`, and the Log
/// Archive account's admin credentials.
fn set_up(name: &str) -> (Emulator, std::path::PathBuf, Creds) {
    let em = Emulator::start();
    let dir = support::scratch(name);
    let admin = log_archive_role(&em);
    state_bucket(&em);
    (em, dir, admin)
}

/// The management account's bucket for ctrail's state, made by hand.
fn state_bucket(em: &Emulator) {
    em.aws(&["s3api", "create-bucket", "--bucket", STATE]);
    em.aws(&[
        "s3api",
        "put-bucket-versioning",
        "--bucket",
        STATE,
        "--versioning-configuration",
        "Status=Enabled",
    ]);
}

/// The bucket's policy, read in the Log Archive account.
fn bucket_policy(em: &Emulator, admin: &Creds) -> String {
    em.aws_as(
        admin,
        &[
            "s3api",
            "get-bucket-policy",
            "--bucket",
            BUCKET,
            "--query",
            "Policy",
            "--output",
            "text",
        ],
    )
}

/// Puts `policy` on the bucket in the Log Archive account, as its owners do.
fn put_policy(em: &Emulator, admin: &Creds, policy: &str) {
    em.aws_as(
        admin,
        &[
            "s3api",
            "put-bucket-policy",
            "--bucket",
            BUCKET,
            "--policy",
            policy,
        ],
    );
}

/// The keys of the objects in `bucket`.
fn keys(em: &Emulator, creds: Option<&Creds>, bucket: &str) -> Vec<String> {
    let query = ["--query", "Contents[].Key", "--output", "json"];
    let args = ["s3api", "list-objects-v2", "--bucket", bucket];
    em.names(creds.map(Vec::as_slice), &[&args[..], &query[..]].concat())
}

fn buckets(em: &Emulator, creds: Option<&Creds>) -> Vec<String> {
    let args = ["s3api", "list-buckets", "--query", "Buckets[].Name"];
    em.names(
        creds.map(Vec::as_slice),
        &[&args[..], &["--output", "json"]].concat(),
    )
}

fn trails(em: &Emulator, creds: Option<&Creds>) -> Vec<String> {
    let args = [
        "cloudtrail",
        "describe-trails",
        "--query",
        "trailList[].Name",
    ];
    em.names(
        creds.map(Vec::as_slice),
        &[&args[..], &["--output", "json"]].concat(),
    )
}

#[test]
fn the_bucket_lives_in_the_log_archive_account_and_the_trail_in_the_callers() {
    let (em, dir, admin) = set_up("accounts-apply");
    let spec = spec(&dir, &by_role());

    let out = em.ctrail(&["plan", &spec]);
    let shown = text(&out);
    assert_eq!(out.status.code(), Some(0), "plan: {shown}");
    // The plan names each resource's account.
    support::assert_contains(
        &shown,
        &[
            &format!("+ s3_bucket.{BUCKET} (create) in account log-archive ({LOG_ARCHIVE})"),
            &format!("+ trail.{TRAIL} (create) in account management ({MANAGEMENT})"),
        ],
    );

    em.apply(&spec);
    // The bucket is the Log Archive account's, the trail and its log
    // group the management account's.
    assert!(buckets(&em, Some(&admin)).contains(&BUCKET.to_owned()));
    assert!(!buckets(&em, None).contains(&BUCKET.to_owned()));
    assert_eq!(trails(&em, None), [TRAIL]);
    assert!(trails(&em, Some(&admin)).is_empty());
    let groups = em.aws(&[
        "logs",
        "describe-log-groups",
        "--query",
        "logGroups[].logGroupName",
        "--output",
        "json",
    ]);
    assert!(groups.contains("CloudTrail/"), "log group: {groups}");

    // The bucket policy lets the management account's trail deliver under
    // the management account's prefix.
    let policy = bucket_policy(&em, &admin);
    assert!(
        policy.contains(&format!("arn:aws:s3:::{BUCKET}/AWSLogs/{MANAGEMENT}/*")),
        "{policy}"
    );
    assert!(
        policy.contains(&format!(
            "arn:aws:cloudtrail:us-east-1:{MANAGEMENT}:trail/{TRAIL}"
        )),
        "{policy}"
    );

    em.converged(&spec);
    // The ledger and the released lock are in the state bucket, under its
    // prefix; the Log Archive bucket holds no object of ctrail's.
    assert_eq!(
        keys(&em, None, STATE),
        [
            format!("ctrail/ctrail-lock/{TRAIL}.json"),
            format!("ctrail/ctrail-state/{TRAIL}.json")
        ]
    );
    let archived = keys(&em, Some(&admin), BUCKET);
    assert!(
        archived.iter().all(|k| !k.contains("ctrail")),
        "{archived:?}"
    );

    // Versioning suspended by hand in the Log Archive account is drift of
    // that account's bucket, and said so.
    em.aws_as(
        &admin,
        &[
            "s3api",
            "put-bucket-versioning",
            "--bucket",
            BUCKET,
            "--versioning-configuration",
            "Status=Suspended",
        ],
    );
    let out = em.ctrail(&["drift", &spec]);
    assert_eq!(out.status.code(), Some(2), "drift: {}", text(&out));
    let lines: Vec<Value> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).expect("a JSON line"))
        .collect();
    let versioning = lines
        .iter()
        .find(|l| l["resource_kind"] == "s3_bucket_versioning")
        .unwrap_or_else(|| panic!("versioning drift: {lines:?}"));
    assert_eq!(
        versioning["account"],
        format!("log-archive ({LOG_ARCHIVE})"),
        "{versioning}"
    );
    em.apply(&spec);

    // The default destroy keeps the bucket, in the Log Archive account.
    let out = em.ctrail(&["destroy", "--auto-approve", &spec]);
    assert_eq!(out.status.code(), Some(0), "destroy: {}", text(&out));
    assert!(trails(&em, None).is_empty());
    assert!(buckets(&em, Some(&admin)).contains(&BUCKET.to_owned()));
}

#[test]
fn an_account_reached_as_another_stops_the_plan_before_any_read() {
    let em = Emulator::start();
    let dir = support::scratch("accounts-guard");
    // The Log Archive account "reached" with the caller's own credentials:
    // they are the management account's.
    let spec = spec(&dir, "");
    em.reset_counts();
    let out = em.ctrail(&["plan", &spec]);
    let shown = text(&out);
    assert_eq!(out.status.code(), Some(1), "{shown}");
    support::assert_contains(
        &shown,
        &[&format!(
            "the credentials for account \"log-archive\" belong to account {MANAGEMENT}, but the spec gives {LOG_ARCHIVE}; nothing was read or changed"
        )],
    );
    let counts = em.counts();
    let others: Vec<&String> = counts
        .keys()
        .filter(|op| !op.contains("GetCallerIdentity"))
        .collect();
    assert!(others.is_empty(), "read before the guard: {others:?}");
}

/// A spec whose log bucket the Log Archive account keeps (`managed: false`),
/// reached by role to read its policy.
fn kept_spec(dir: &std::path::Path) -> String {
    let rest = format!("state:\n  bucket: {STATE}\ncloudwatch_logs: false\n");
    layout(
        dir,
        "kept.yaml",
        &by_role(),
        "",
        "  managed: false\n",
        &rest,
    )
}

/// The bucket policy a Log Archive account keeps for the management
/// account's trail, as the CloudTrail User Guide writes it ("Amazon S3
/// bucket policy for CloudTrail"), with the write statement's folder given
/// as `folder`.
fn archive_policy(folder: &str) -> String {
    json!({
        "Version": "2012-10-17",
        "Statement": [
            {"Sid": "AWSCloudTrailAclCheck20150319", "Effect": "Allow",
             "Principal": {"Service": "cloudtrail.amazonaws.com"}, "Action": "s3:GetBucketAcl",
             "Resource": format!("arn:aws:s3:::{BUCKET}"),
             "Condition": {"StringEquals": {"aws:SourceArn": format!("arn:aws:cloudtrail:us-east-1:{MANAGEMENT}:trail/{TRAIL}")}}},
            {"Sid": "AWSCloudTrailWrite20150319", "Effect": "Allow",
             "Principal": {"Service": "cloudtrail.amazonaws.com"}, "Action": "s3:PutObject",
             "Resource": format!("arn:aws:s3:::{BUCKET}/AWSLogs/{folder}/*"),
             "Condition": {"StringEquals": {"s3:x-amz-acl": "bucket-owner-full-control",
                 "aws:SourceArn": format!("arn:aws:cloudtrail:us-east-1:{MANAGEMENT}:trail/{TRAIL}")}}}
        ]
    })
    .to_string()
}

/// The Log Archive bucket as its owners made it, with `policy`.
fn kept_bucket(em: &Emulator, admin: &Creds, policy: &str) {
    em.aws_as(admin, &["s3api", "create-bucket", "--bucket", BUCKET]);
    put_policy(em, admin, policy);
}

/// `ctrail plan` refused by the preflight, naming the Log Archive account,
/// the bucket, the object (`at`, after the action), the statement and the
/// exception; nothing counted before it. The plan's output.
fn refused_plan(em: &Emulator, spec: &str, at: &str) -> String {
    em.reset_counts();
    let out = em.ctrail(&["plan", spec]);
    support::assert_says(
        &out,
        1,
        &[
            &format!(
                "bucket policy of {BUCKET} in account log-archive ({LOG_ARCHIVE}) does not allow cloudtrail.amazonaws.com s3:PutObject{at}"
            ),
            "would fail with InsufficientS3BucketPolicyException",
            "AWSCloudTrailWrite20150319",
        ],
    )
}

#[test]
fn a_bucket_the_log_archive_keeps_is_never_written_and_its_policy_is_judged() {
    let (em, dir, admin) = set_up("accounts-kept");
    // The Log Archive account's bucket, made by its owners, whose policy
    // lets CloudTrail write only under the Log Archive account's own folder.
    kept_bucket(&em, &admin, &archive_policy(LOG_ARCHIVE));
    let spec = kept_spec(&dir);
    let shown = refused_plan(&em, &spec, "");
    // Nothing of the bucket is planned: ctrail does not keep it.
    for kind in ["s3_bucket", "s3_bucket_policy", "s3_bucket_versioning"] {
        assert!(!shown.contains(&format!("{kind}.{BUCKET}")), "{shown}");
    }
    em.refused_apply_writes_nothing(&spec);

    // The same policy, tried by hand: the adapter refuses CreateTrail as
    // CloudTrail does.
    em.cli_refused(
        &format!("cloudtrail create-trail --name by-hand --s3-bucket-name {BUCKET}"),
        &[],
        "InsufficientS3BucketPolicyException",
    );

    // Its owners put it right: the apply writes nothing to the bucket, and
    // of S3 only ctrail's own objects in the state bucket.
    let fixed = archive_policy(MANAGEMENT);
    put_policy(&em, &admin, &fixed);
    em.reset_counts();
    let out = em.ctrail(&["apply", "--auto-approve", &spec]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let s3_writes: Vec<String> = em
        .writes()
        .into_iter()
        .filter(|w| w.starts_with("s3:"))
        .collect();
    assert!(
        s3_writes.iter().all(|w| w.starts_with("s3:PutObject ")),
        "{s3_writes:?}"
    );
    let kept = bucket_policy(&em, &admin);
    assert_eq!(
        serde_json::from_str::<Value>(&kept).expect("policy"),
        serde_json::from_str::<Value>(&fixed).expect("policy")
    );
    let objects = keys(&em, Some(&admin), BUCKET);
    assert!(objects.iter().all(|k| !k.contains("ctrail")), "{objects:?}");
    em.converged(&spec);
}

#[test]
fn a_kept_bucket_whose_policy_cannot_be_read_is_not_guessed() {
    let (em, dir, admin) = set_up("accounts-unread");
    em.aws_as(&admin, &["s3api", "create-bucket", "--bucket", BUCKET]);
    let spec = kept_spec(&dir);
    // The Log Archive role may not read the bucket's policy.
    em.configure(
        json!({"faults": [{"op": "s3:GetBucketPolicy", "times": -1, "status": 403,
        "code": "AccessDenied", "message": "Access Denied"}]}),
    );
    let out = em.ctrail(&["plan", &spec]);
    support::assert_says(
        &out,
        1,
        &[
            &format!("bucket policy of {BUCKET} in account log-archive ({LOG_ARCHIVE})"),
            "cannot judge: the bucket's policy could not be read",
            "AccessDenied",
        ],
    );
}

fn organization_spec(dir: &std::path::Path, managed: bool) -> String {
    let kept = if managed { "" } else { "  managed: false\n" };
    let state = format!("state:\n  bucket: {STATE}\n");
    let trail = "  organization: true\n";
    layout(dir, "organization.yaml", &by_role(), trail, kept, &state)
}

#[test]
fn an_organization_trail_writes_to_the_log_archive_bucket_each_account_by_its_own_credentials() {
    let (em, dir, admin) = set_up("accounts-organization");
    let org = em.organization_for_cloudtrail();
    let spec = organization_spec(&dir, true);
    em.reset_counts();
    em.apply(&spec);
    // The bucket and its policy written with the Log Archive role's
    // session; the trail and its log group with the management account's.
    let by_account = em.counts_by_account();
    let archive = by_account.get(LOG_ARCHIVE).cloned().unwrap_or_default();
    let management = by_account.get(MANAGEMENT).cloned().unwrap_or_default();
    // The management account's S3 writes are ctrail's own objects in the
    // state bucket, which ctrail does not create.
    let bucket = [
        "s3:CreateBucket",
        "s3:PutBucketPolicy",
        "s3:PutBucketVersioning",
    ];
    let trail = [
        "cloudtrail:CreateTrail",
        "logs:CreateLogGroup",
        "iam:CreateRole",
    ];
    for (ops, by, not_by) in [
        (bucket, &archive, &management),
        (trail, &management, &archive),
    ] {
        for op in ops {
            assert!(
                by.contains_key(op) && !not_by.contains_key(op),
                "{op}: {by_account:?}"
            );
        }
    }
    let policy = bucket_policy(&em, &admin);
    assert!(
        policy.contains(&format!("arn:aws:s3:::{BUCKET}/AWSLogs/{org}/*"))
            && policy.contains(&format!("arn:aws:s3:::{BUCKET}/AWSLogs/{MANAGEMENT}/*")),
        "{policy}"
    );
    em.converged(&spec);
}

#[test]
fn a_kept_log_archive_policy_without_the_organizations_folder_is_refused_naming_it() {
    let (em, dir, admin) = set_up("accounts-organization-kept");
    let org = em.organization_for_cloudtrail();
    // The Log Archive bucket, its policy letting the management account's
    // trail write under the management account's folder only.
    kept_bucket(&em, &admin, &archive_policy(MANAGEMENT));
    let spec = organization_spec(&dir, false);
    refused_plan(
        &em,
        &spec,
        &format!(" on arn:aws:s3:::{BUCKET}/AWSLogs/{org}/{MANAGEMENT}/"),
    );
    em.refused_apply_writes_nothing(&spec);
    assert!(
        !em.counts_by_account().contains_key(LOG_ARCHIVE)
            || em.counts_by_account()[LOG_ARCHIVE]
                .keys()
                .all(|op| support::emulator::is_read(op)),
        "nothing written in the Log Archive account"
    );
    em.cli_refused(
        &format!(
            "cloudtrail create-trail --name by-hand --s3-bucket-name {BUCKET} --is-organization-trail --is-multi-region-trail"
        ),
        &[],
        "InsufficientS3BucketPolicyException",
    );
}
