//! The shipped organization layout (issue 26, items 2 and 7):
//! `specs/organization-log-archive.yaml` on an organization of three
//! accounts. The organization trail, its log group and monitoring live in
//! the management account (the caller's); the bucket, its policy and the KMS
//! key in the Log Archive account, which ctrail reaches through the role its
//! owners made there. The emulator acts in a role's account after `sts
//! assume-role`; the adapter reads another account's key policy as
//! CloudTrail does when it judges CreateTrail.

mod support;

use support::emulator::{Emulator, trust_policy};
use support::text;

type Creds = Vec<(String, String)>;

const MANAGEMENT: &str = "123456789012";
/// The Log Archive account's id as the shipped spec writes it; the test's
/// organization gives the account another, put in its place.
const SHIPPED_LOG_ARCHIVE: &str = "111122223333";
const TRAIL: &str = "organization-trail";

/// The organization as its owners set it up: all features, CloudTrail's
/// trusted access, a Log Archive account and a member account made by
/// AWS Organizations, and in the Log Archive account the role the shipped
/// spec names, trusting the management account with the spec's external
/// id (made through the role AWS Organizations creates in every account).
struct Organization {
    em: Emulator,
    id: String,
    log_archive: String,
    /// The Log Archive account's administrator (OrganizationAccountAccessRole).
    admin: Creds,
}

impl Organization {
    fn new() -> Organization {
        let em = Emulator::start();
        let text = |args: &[&str]| em.aws(&[args, &["--output", "text"]].concat());
        let id = em.organization_for_cloudtrail();
        let account = |name: &str, email: &str| {
            text(&[
                "organizations",
                "create-account",
                "--account-name",
                name,
                "--email",
                email,
                "--query",
                "CreateAccountStatus.AccountId",
            ])
        };
        let log_archive = account("Log Archive", "log-archive@example.com");
        account("Workloads", "workloads@example.com");
        let admin = em.organization_admin(&log_archive);
        em.role_trusting(
            Some(&admin),
            "ctrail-log-archive",
            &[MANAGEMENT],
            Some("ctrail-organization-trail"),
        );
        Organization {
            em,
            id,
            log_archive,
            admin,
        }
    }

    /// The shipped spec, with this organization's Log Archive account id.
    fn spec(&self, dir: &std::path::Path, edit: impl Fn(String) -> String) -> String {
        shipped(dir, &self.log_archive, edit)
    }

    fn bucket(&self) -> String {
        format!("organization-cloudtrail-logs-{}", self.log_archive)
    }

    /// The names a listing (`--query ... --output json`) gives, in the Log
    /// Archive account (`archive`) or the management account.
    fn names(&self, archive: bool, args: &[&str]) -> Vec<String> {
        let args = [args, &["--output", "json"]].concat();
        self.em
            .names(archive.then_some(self.admin.as_slice()), &args)
    }

    fn trails(&self, archive: bool) -> Vec<String> {
        self.names(
            archive,
            &[
                "cloudtrail",
                "describe-trails",
                "--query",
                "trailList[].Name",
            ],
        )
    }

    fn buckets(&self, archive: bool) -> Vec<String> {
        self.names(
            archive,
            &["s3api", "list-buckets", "--query", "Buckets[].Name"],
        )
    }

    fn key_arns(&self, archive: bool) -> Vec<String> {
        self.names(archive, &["kms", "list-keys", "--query", "Keys[].KeyArn"])
    }
}

/// The shipped spec, `edit`ed, with `log_archive` for the Log Archive
/// account's id, written to `dir`.
fn shipped(dir: &std::path::Path, log_archive: &str, edit: impl Fn(String) -> String) -> String {
    let shipped =
        std::fs::read_to_string(support::root().join("specs/organization-log-archive.yaml"))
            .expect("the shipped spec");
    let path = dir.join("organization-log-archive.yaml");
    std::fs::write(
        &path,
        edit(shipped.replace(SHIPPED_LOG_ARCHIVE, log_archive)),
    )
    .expect("write the spec");
    path.to_string_lossy().into_owned()
}

/// The operations a run called in `account`, from the adapter's counts.
fn called(em: &Emulator, account: &str) -> Vec<String> {
    em.counts_by_account()
        .get(account)
        .map(|ops| ops.keys().cloned().collect())
        .unwrap_or_default()
}

#[test]
fn the_shipped_organization_layout_applies_from_empty_converges_and_destroy_keeps_the_log_archive_bucket()
 {
    let org = Organization::new();
    let em = &org.em;
    let dir = support::scratch("log-archive-shipped");
    let spec = org.spec(&dir, |s| s);
    let plan = em.ctrail(&["plan", &spec]);
    let shown = text(&plan);
    // Each resource is shown in its account.
    for (resource, account) in [
        ("kms_key.alias/organization-cloudtrail ", "log-archive"),
        (
            "kms_key_policy.alias/organization-cloudtrail ",
            "log-archive",
        ),
        ("s3_bucket.organization-cloudtrail-logs-", "log-archive"),
        (
            "s3_bucket_policy.organization-cloudtrail-logs-",
            "log-archive",
        ),
        ("trail.organization-trail ", "management"),
        ("log_group.CloudTrail/Organization ", "management"),
        ("metric_alarm.RootAccountUsageAlarm ", "management"),
    ] {
        let line = shown
            .lines()
            .find(|l| l.starts_with(&format!("  + {resource}")))
            .unwrap_or_else(|| panic!("{resource} in the plan:\n{shown}"));
        assert!(
            line.contains(&format!("(create) in account {account} (")),
            "{line}"
        );
    }

    em.reset_counts();
    em.apply(&spec);
    let archive = ("the Log Archive role", called(em, &org.log_archive));
    let management = ("the management account", called(em, MANAGEMENT));
    let writes_in = |ops: &[String], op: &str| ops.iter().any(|o| o == op);
    // Each write by one of them, and not by the other.
    for (ops, (by, calls), (not_by, others)) in [
        (
            [
                "s3:CreateBucket",
                "s3:PutBucketPolicy",
                "s3:PutBucketEncryption",
                "kms:CreateKey",
                "kms:PutKeyPolicy",
                "kms:EnableKeyRotation",
            ],
            &archive,
            &management,
        ),
        (
            [
                "cloudtrail:CreateTrail",
                "logs:CreateLogGroup",
                "iam:CreateRole",
                "logs:PutMetricFilter",
                "monitoring:PutMetricAlarm",
                "sns:CreateTopic",
            ],
            &management,
            &archive,
        ),
    ] {
        for op in ops {
            assert!(writes_in(calls, op), "{op} by {by}: {calls:?}");
            assert!(!writes_in(others, op), "{op} not by {not_by}: {others:?}");
        }
    }

    // The trail encrypts with the Log Archive account's key, by its ARN.
    let keys = org.key_arns(true);
    assert_eq!(keys.len(), 1, "{keys:?}");
    assert!(
        org.key_arns(false).is_empty(),
        "no key in the management account"
    );
    let kms = em.aws(&[
        "cloudtrail",
        "get-trail",
        "--name",
        TRAIL,
        "--query",
        "Trail.KmsKeyId",
        "--output",
        "text",
    ]);
    assert_eq!(kms, keys[0]);
    // Its policy lets CloudTrail encrypt for the management account's
    // trail, and the security tooling account's reader decrypt.
    let policy = em.aws_as(
        &org.admin,
        &[
            "kms",
            "get-key-policy",
            "--key-id",
            &keys[0],
            "--policy-name",
            "default",
            "--query",
            "Policy",
            "--output",
            "text",
        ],
    );
    for wanted in [
        format!("arn:aws:cloudtrail:*:{MANAGEMENT}:trail/*"),
        format!("arn:aws:cloudtrail:us-east-1:{MANAGEMENT}:trail/{TRAIL}"),
        "arn:aws:iam::444455556666:role/security-tooling-log-reader".to_owned(),
        format!("arn:aws:iam::{}:root", org.log_archive),
    ] {
        assert!(policy.contains(&wanted), "{wanted} in {policy}");
    }
    // The bucket policy lets the trail write the management account's and
    // the organization's folders.
    let bucket_policy = em.aws_as(
        &org.admin,
        &[
            "s3api",
            "get-bucket-policy",
            "--bucket",
            &org.bucket(),
            "--query",
            "Policy",
            "--output",
            "text",
        ],
    );
    for folder in [MANAGEMENT, org.id.as_str()] {
        let want = format!("arn:aws:s3:::{}/AWSLogs/{folder}/*", org.bucket());
        assert!(bucket_policy.contains(&want), "{want} in {bucket_policy}");
    }

    em.converged(&spec);

    let destroyed = em.ctrail(&["destroy", "--auto-approve", &spec]);
    assert_eq!(
        destroyed.status.code(),
        Some(0),
        "destroy: {}",
        text(&destroyed)
    );
    assert!(org.trails(false).is_empty(), "the trail is gone");
    assert!(
        org.buckets(true).contains(&org.bucket()),
        "the Log Archive bucket and its logs are kept: {:?}",
        org.buckets(true)
    );
    assert!(org.buckets(false).is_empty() || !org.buckets(false).contains(&org.bucket()));
}

#[test]
fn a_log_archive_key_without_cloudtrails_statements_is_refused_by_the_preflight_and_by_aws() {
    let org = Organization::new();
    let em = &org.em;
    let dir = support::scratch("log-archive-kept-key");
    // The Log Archive account's own key, with KMS's default policy only.
    let key = em.aws_as(
        &org.admin,
        &[
            "kms",
            "create-key",
            "--query",
            "KeyMetadata.Arn",
            "--output",
            "text",
        ],
    );
    let spec = org.spec(&dir, |s| {
        s.replace(
            "kms_key_id: alias/organization-cloudtrail\ncreate_kms_key: true\n",
            &format!("kms_key_id: {key}\nmanage_kms_key_policy: false\n"),
        )
        .replace(
            "kms_key_readers:\n  - arn:aws:iam::444455556666:role/security-tooling-log-reader\n",
            "",
        )
    });
    let out = em.ctrail(&["plan", &spec]);
    let shown = text(&out);
    assert_eq!(out.status.code(), Some(1), "{shown}");
    let finding = shown
        .lines()
        .find(|l| l.contains("InsufficientEncryptionPolicyException"))
        .unwrap_or_else(|| panic!("the key's finding:\n{shown}"));
    assert!(
        shown.contains(&format!("log-archive ({})", org.log_archive)),
        "the finding names the key's account: {finding}\n{shown}"
    );
    em.reset_counts();
    em.refused_apply_writes_nothing(&spec);

    // The same key, by hand: CloudTrail refuses the trail.
    let bucket = "by-hand-trail-logs";
    em.aws(&["s3api", "create-bucket", "--bucket", bucket]);
    let policy = format!(
        r#"{{"Version":"2012-10-17","Statement":[{{"Sid":"AWSCloudTrailAclCheck","Effect":"Allow","Principal":{{"Service":"cloudtrail.amazonaws.com"}},"Action":"s3:GetBucketAcl","Resource":"arn:aws:s3:::{bucket}"}},{{"Sid":"AWSCloudTrailWrite","Effect":"Allow","Principal":{{"Service":"cloudtrail.amazonaws.com"}},"Action":"s3:PutObject","Resource":"arn:aws:s3:::{bucket}/AWSLogs/{MANAGEMENT}/*","Condition":{{"StringEquals":{{"s3:x-amz-acl":"bucket-owner-full-control"}}}}}}]}}"#
    );
    em.aws(&[
        "s3api",
        "put-bucket-policy",
        "--bucket",
        bucket,
        "--policy",
        &policy,
    ]);
    em.cli_refused(
        &format!(
            "cloudtrail create-trail --name by-hand --s3-bucket-name {bucket} --kms-key-id {key}"
        ),
        &[],
        "InsufficientEncryptionPolicyException",
    );
    // And accepts it once the key's owners add CloudTrail's statements
    // (the User Guide's, naming the management account's trails; the
    // decrypt one because the spec's bucket encrypts through an S3 Bucket
    // Key).
    let granted = format!(
        r#"{{"Version":"2012-10-17","Statement":[{{"Sid":"Enable IAM User Permissions","Effect":"Allow","Principal":{{"AWS":"arn:aws:iam::{la}:root"}},"Action":"kms:*","Resource":"*"}},{{"Sid":"Allow CloudTrail to encrypt logs","Effect":"Allow","Principal":{{"Service":"cloudtrail.amazonaws.com"}},"Action":"kms:GenerateDataKey*","Resource":"*","Condition":{{"StringLike":{{"kms:EncryptionContext:aws:cloudtrail:arn":"arn:aws:cloudtrail:*:{MANAGEMENT}:trail/*"}}}}}},{{"Sid":"Allow CloudTrail to describe key","Effect":"Allow","Principal":{{"Service":"cloudtrail.amazonaws.com"}},"Action":"kms:DescribeKey","Resource":"*"}},{{"Sid":"Allow CloudTrail to decrypt through the S3 Bucket Key","Effect":"Allow","Principal":{{"Service":"cloudtrail.amazonaws.com"}},"Action":"kms:Decrypt","Resource":"*","Condition":{{"StringEquals":{{"aws:SourceArn":"arn:aws:cloudtrail:us-east-1:{MANAGEMENT}:trail/{TRAIL}"}}}}}}]}}"#,
        la = org.log_archive
    );
    em.aws_as(
        &org.admin,
        &[
            "kms",
            "put-key-policy",
            "--key-id",
            &key,
            "--policy-name",
            "default",
            "--policy",
            &granted,
        ],
    );
    em.cli(
        &format!(
            "cloudtrail create-trail --name by-hand --s3-bucket-name {bucket} --kms-key-id {key}"
        ),
        &[],
    );
    let out = em.ctrail(&["plan", &spec]);
    assert!(
        !text(&out).contains("InsufficientEncryptionPolicyException"),
        "the granted key passes the preflight: {}",
        text(&out)
    );
}

#[test]
fn a_key_in_another_account_than_the_trail_is_refused_for_the_log_group_and_a_mismatched_arn() {
    let dir = support::scratch("log-archive-invalid");
    let validate = |spec: &str| {
        let out = support::ctrail(&["validate", spec]);
        assert_eq!(out.status.code(), Some(1), "{}", text(&out));
        text(&out)
    };
    // The log group in the management account asked to be encrypted with
    // the Log Archive account's key.
    let spec = shipped(&dir, SHIPPED_LOG_ARCHIVE, |s| {
        s.replace(
            "  retention_days: 365\n",
            "  retention_days: 365\n  encrypted: true\n",
        )
    });
    let shown = validate(&spec);
    assert!(
        shown.contains("cloudwatch_logs.encrypted")
            && shown.contains("the log group")
            && shown.contains("kms_key_account"),
        "{shown}"
    );
    let spec = shipped(&dir, SHIPPED_LOG_ARCHIVE, |s| {
        s.replace(
            "kms_key_id: alias/organization-cloudtrail\ncreate_kms_key: true\n",
            &format!("kms_key_id: arn:aws:kms:us-east-1:{MANAGEMENT}:key/1234abcd-12ab-34cd-56ef-1234567890ab\n"),
        )
    });
    assert!(validate(&spec).contains("is a key of account 123456789012"));
}

/// The shipped spec run from the organization's delegated administrator
/// for CloudTrail (a Security account): CloudTrail is called with the
/// Security account's credentials, naming the management account's trail
/// by its ARN; the log group and role are written in the management
/// account, reached through its own entry (a role there).
fn delegated(shipped_text: String, security: &str) -> String {
    shipped_text
        .replace(
            "  - name: management\n    account_id: \"123456789012\"\n",
            &format!(
                "  - name: management\n    account_id: \"{MANAGEMENT}\"\n    role_arn: arn:aws:iam::{MANAGEMENT}:role/ctrail-management\n  - name: security\n    account_id: \"{security}\"\n"
            ),
        )
        .replace(
            "  account: management\n",
            "  account: management\n  delegated_admin: security\n",
        )
}

#[test]
fn the_delegated_administrator_applies_the_organization_trail_by_its_arn_and_the_management_account_sees_it_converged()
 {
    let org = Organization::new();
    let em = &org.em;
    let dir = support::scratch("log-archive-delegated");
    let security = em.aws(&[
        "organizations",
        "create-account",
        "--account-name",
        "Security",
        "--email",
        "security@example.com",
        "--query",
        "CreateAccountStatus.AccountId",
        "--output",
        "text",
    ]);
    // The management account registers it, as the User Guide's "Add a
    // CloudTrail delegated administrator" does.
    em.aws(&[
        "cloudtrail",
        "register-organization-delegated-admin",
        "--member-account-id",
        &security,
    ]);
    // The roles ctrail reaches the management and Log Archive accounts by,
    // trusting the Security account.
    let trusted = [MANAGEMENT, security.as_str()];
    em.role_trusting(None, "ctrail-management", &trusted, None);
    em.aws_as(
        &org.admin,
        &[
            "iam",
            "update-assume-role-policy",
            "--role-name",
            "ctrail-log-archive",
            "--policy-document",
            &trust_policy(&trusted, Some("ctrail-organization-trail")),
        ],
    );
    let from_security = em.organization_admin(&security);
    let spec = org.spec(&dir, |s| delegated(s, &security));

    em.reset_counts();
    let out = em.ctrail_as(&from_security, &["apply", "--auto-approve", &spec]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "apply from the delegated administrator: {}",
        text(&out)
    );
    let arn = format!("arn:aws:cloudtrail:us-east-1:{MANAGEMENT}:trail/{TRAIL}");
    // Every CloudTrail call came from the Security account, and each but
    // CreateTrail (which takes a name) named the trail by its ARN.
    let calls = em.trail_calls();
    // The trail is the management account's.
    assert_eq!(org.trails(false), vec![TRAIL.to_owned()]);
    assert!(
        calls
            .iter()
            .any(|c| c["operation"] == "cloudtrail:CreateTrail"),
        "{calls:?}"
    );
    for call in &calls {
        assert_eq!(call["account"], security.as_str(), "{call}");
        let named: Vec<&str> = call["trail"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|t| t.as_str())
            .collect();
        if call["operation"] == "cloudtrail:CreateTrail" {
            assert_eq!(named, vec![TRAIL], "{call}");
        } else {
            assert!(named.iter().all(|n| *n == arn), "{call}");
        }
    }
    // The log group and role in the management account, by its role.
    let management = called(em, MANAGEMENT);
    for op in [
        "logs:CreateLogGroup",
        "iam:CreateRole",
        "monitoring:PutMetricAlarm",
    ] {
        assert!(management.iter().any(|o| o == op), "{op}: {management:?}");
    }
    em.converged_as(&from_security, &spec);

    // The same organization trail, planned from the management account
    // with the shipped spec: nothing to change.
    let shipped = org.spec(&support::scratch("log-archive-delegated-management"), |s| s);
    em.converged(&shipped);

    // By name, CloudTrail finds no trail from the delegated administrator.
    let (ok, shown) = em.cli_result(&format!("cloudtrail get-trail --name {TRAIL}"), &[]);
    assert!(ok, "by name in the management account: {shown}");
    let by_name = em.aws_as_output(
        &from_security,
        &["cloudtrail", "get-trail", "--name", TRAIL],
    );
    assert!(
        !by_name.status.success() && text(&by_name).contains("TrailNotFoundException"),
        "{}",
        text(&by_name)
    );

    // By its ARN, the administrator reaches the organization trail, and not
    // a trail the management account keeps for itself (one that is not an
    // organization trail): CloudTrailARNInvalidException.
    let status_by_arn = || {
        em.aws_as_output(
            &from_security,
            &["cloudtrail", "get-trail-status", "--name", &arn],
        )
    };
    let reached = status_by_arn();
    assert!(reached.status.success(), "{}", text(&reached));
    em.cli(
        "cloudtrail update-trail --name {} --no-is-organization-trail",
        &[TRAIL],
    );
    let refused = status_by_arn();
    assert!(
        !refused.status.success() && text(&refused).contains("CloudTrailARNInvalidException"),
        "{}",
        text(&refused)
    );
}

/// The CIS verdicts of `ctrail check --live` on `spec` run as `creds`, by
/// control id: (status, evidence).
fn live_verdicts(
    em: &Emulator,
    creds: &[(String, String)],
    spec: &str,
) -> std::collections::BTreeMap<String, (String, String)> {
    let out = em.ctrail_as(creds, &["check", "--live", "--format", "json", spec]);
    let doc: serde_json::Value =
        serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{e}: {}", text(&out)));
    doc["controls"]
        .as_array()
        .expect("controls")
        .iter()
        .map(|c| {
            let s = |k: &str| c[k].as_str().unwrap_or_default().to_owned();
            (s("id"), (s("status"), s("evidence")))
        })
        .collect()
}

/// Each CIS monitoring control (4.1 to 4.15) of `verdicts` has `status`,
/// judged on a filter found, with evidence saying `why`.
fn every_monitoring_control(
    verdicts: &std::collections::BTreeMap<String, (String, String)>,
    status: &str,
    why: &str,
) {
    for n in 1..=15 {
        let (got, evidence) = &verdicts[&format!("4.{n}")];
        assert_eq!(got, status, "4.{n}: {evidence}");
        assert!(
            evidence.starts_with("filter ") && evidence.contains(why),
            "4.{n}: {evidence}"
        );
    }
}

/// A member account's own spec (its trail and bucket there, reached with
/// the member's credentials), checked live where the organization trail
/// records it (prowler#2438): the organization trail shows in the member's
/// trails and is read by its ARN; its log group, metric filters, alarms
/// and topic live in the management account. With an entry for the
/// management account (a read role there), the monitoring controls are
/// judged on the filters found there; without one, they cannot tell, and
/// say so instead of failing.
#[test]
fn a_member_account_judges_the_organization_trails_monitoring_read_in_the_management_account() {
    let org = Organization::new();
    let em = &org.em;
    let dir = support::scratch("log-archive-member-check");
    let spec = org.spec(&dir, |s| s);
    em.apply(&spec);
    let member = em.cli(
        "organizations list-accounts --query Accounts[?Name=='Workloads'].Id --output text",
        &[],
    );
    // The management account's read role for monitoring, trusting the
    // member account (its security team's checks).
    em.role_trusting(None, "monitoring-reader", &[&member], None);
    let as_member = em.organization_admin(&member);
    let member_spec = |management: bool| {
        let path = dir.join(format!("workloads-{management}.yaml"));
        let entry = if management {
            format!(
                "  - name: management\n    account_id: \"{MANAGEMENT}\"\n    role_arn: arn:aws:iam::{MANAGEMENT}:role/monitoring-reader\n"
            )
        } else {
            String::new()
        };
        let text = format!(
            "version: 1\nregion: us-east-1\naccounts:\n  - name: workloads\n    account_id: \"{member}\"\n{entry}trail:\n  name: workloads-trail\n  account: workloads\nbucket:\n  name: workloads-audit-logs-{member}\ncloudwatch_logs: false\n"
        );
        std::fs::write(&path, text).expect("spec");
        path.to_string_lossy().into_owned()
    };

    em.reset_counts();
    let with = live_verdicts(em, &as_member, &member_spec(true));
    // The organization trail, seen from the member by its ARN, is a
    // multi-Region trail that logs.
    assert_eq!(with["3.1"].0, "pass", "{:?}", with["3.1"]);
    assert!(with["3.1"].1.contains(TRAIL), "{:?}", with["3.1"]);
    // Judged on the CIS filters in the management account: each found on
    // the organization trail's log group there, its alarm notifying the
    // alert topic, whose only subscriber (an email) has not confirmed.
    every_monitoring_control(&with, "fail", "a topic with no subscriber");
    // The security team's pager function subscribed there (confirmed on
    // subscription): every control passes, on what was read in the
    // management account.
    let topic = format!("arn:aws:sns:us-east-1:{MANAGEMENT}:organization-cloudtrail-alerts");
    em.cli(
        "sns subscribe --topic-arn {} --protocol lambda --notification-endpoint {}",
        &[
            &topic,
            &format!("arn:aws:lambda:us-east-1:{MANAGEMENT}:function:pager"),
        ],
    );
    em.reset_counts();
    let with = live_verdicts(em, &as_member, &member_spec(true));
    every_monitoring_control(&with, "pass", "notifying a subscribed topic");
    // Read there with the reader role, and nothing written anywhere.
    let counts = em.counts_by_account();
    assert!(
        counts
            .get(MANAGEMENT)
            .is_some_and(|ops| ops.contains_key("logs:DescribeMetricFilters")),
        "{counts:?}"
    );
    assert!(em.writes().is_empty(), "{:?}", em.writes());

    let without = live_verdicts(em, &as_member, &member_spec(false));
    for n in 1..=15 {
        let (status, evidence) = &without[&format!("4.{n}")];
        assert_eq!(status, "manual", "4.{n}: {evidence}");
        assert!(
            evidence.contains("cannot tell") && evidence.contains(MANAGEMENT),
            "4.{n}: {evidence}"
        );
    }
}
