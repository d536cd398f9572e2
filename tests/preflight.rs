//! The preflight against a catalogue of broken documents: each is caught by
//! `ctrail plan` (and `ctrail apply`) with the exception AWS would answer
//! and nothing written; and the same documents, put in the account by hand,
//! make the test adapter refuse the trail exactly as docs/aws-rules.md says.

mod support;

use serde_json::{Value, json};
use support::account::{Account, BUCKET, ROLE, TRAIL};
use support::root;

/// One broken setup.
struct Case {
    name: &'static str,
    /// YAML inserted into the spec before ctrail applies it: (after this
    /// line, these lines).
    before: &'static [(&'static str, &'static str)],
    /// YAML inserted after that apply: the break.
    spec: &'static [(&'static str, &'static str)],
    /// Done by hand after ctrail applied the unbroken spec: AWS CLI
    /// commands, each with the document its `{}` stands for; the key id
    /// replaces `{key}`, the account `{account}`.
    live: &'static [(&'static str, &'static str)],
    exception: &'static str,
    /// Words the finding names (document, principal, action).
    names: &'static [&'static str],
}

/// A key policy replaced by hand.
const PUT_KEY_POLICY: &str = "kms put-key-policy --key-id {key} --policy-name default --policy {}";

const KEY_POLICY_ROOT_ONLY: &str = r#"{"Version":"2012-10-17","Statement":[{"Sid":"Root","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::{account}:root"},"Action":"kms:*","Resource":"*"}]}"#;
const KEY_POLICY_NO_DECRYPT: &str = r#"{"Version":"2012-10-17","Statement":[{"Sid":"Root","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::{account}:root"},"Action":"kms:*","Resource":"*"},{"Sid":"Encrypt","Effect":"Allow","Principal":{"Service":"cloudtrail.amazonaws.com"},"Action":"kms:GenerateDataKey*","Resource":"*","Condition":{"StringLike":{"kms:EncryptionContext:aws:cloudtrail:arn":"arn:aws:cloudtrail:*:{account}:trail/*"}}},{"Sid":"Describe","Effect":"Allow","Principal":{"Service":"cloudtrail.amazonaws.com"},"Action":"kms:DescribeKey","Resource":"*"}]}"#;
const KEY_POLICY_OTHER_ACCOUNT: &str = r#"{"Version":"2012-10-17","Statement":[{"Sid":"Root","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::{account}:root"},"Action":"kms:*","Resource":"*"},{"Sid":"Encrypt","Effect":"Allow","Principal":{"Service":"cloudtrail.amazonaws.com"},"Action":["kms:GenerateDataKey*","kms:Decrypt","kms:DescribeKey"],"Resource":"*","Condition":{"StringLike":{"kms:EncryptionContext:aws:cloudtrail:arn":"arn:aws:cloudtrail:*:111122223333:trail/*"}}}]}"#;
const KEY_POLICY_NO_DESCRIBE: &str = r#"{"Version":"2012-10-17","Statement":[{"Sid":"Root","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::{account}:root"},"Action":"kms:*","Resource":"*"},{"Sid":"Use","Effect":"Allow","Principal":{"Service":"cloudtrail.amazonaws.com"},"Action":["kms:GenerateDataKey*","kms:Decrypt"],"Resource":"*"}]}"#;
const KEY_POLICY_WITH_DENY: &str = r#"{"Version":"2012-10-17","Statement":[{"Sid":"Root","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::{account}:root"},"Action":"kms:*","Resource":"*"},{"Sid":"NoServiceUse","Effect":"Deny","Principal":"*","Action":"kms:GenerateDataKey*","Resource":"*","Condition":{"StringNotEquals":{"aws:PrincipalAccount":"{account}"}}}]}"#;

const MANAGED_OFF: (&str, &str) = ("kms_key_id:", "manage_kms_key_policy: false");

const CASES: &[Case] = &[
    Case {
        before: &[],
        name: "bucket-deny-cloudtrail-write",
        spec: &[(
            "  name: my-org-cloudtrail-logs-2024",
            "  extra_policy_statements:\n    - Sid: NoServiceWrites\n      Effect: Deny\n      Principal: {Service: cloudtrail.amazonaws.com}\n      Action: s3:PutObject\n      Resource: arn:aws:s3:::my-org-cloudtrail-logs-2024/*",
        )],
        live: &[],
        exception: "InsufficientS3BucketPolicyException",
        names: &[
            "bucket policy of my-org-cloudtrail-logs-2024",
            "s3:PutObject",
            "explicitly denied by statement \"NoServiceWrites\"",
        ],
    },
    Case {
        before: &[],
        name: "bucket-deny-other-source-account",
        spec: &[(
            "  name: my-org-cloudtrail-logs-2024",
            "  extra_policy_statements:\n    - Sid: OnlyPartnerAccount\n      Effect: Deny\n      Principal: '*'\n      Action: 's3:*'\n      Resource: ['arn:aws:s3:::my-org-cloudtrail-logs-2024', 'arn:aws:s3:::my-org-cloudtrail-logs-2024/*']\n      Condition: {StringNotEquals: {'aws:SourceAccount': '111122223333'}}",
        )],
        live: &[],
        exception: "InsufficientS3BucketPolicyException",
        names: &["s3:GetBucketAcl", "OnlyPartnerAccount"],
    },
    Case {
        before: &[],
        name: "bucket-deny-acl-check",
        spec: &[(
            "  name: my-org-cloudtrail-logs-2024",
            "  extra_policy_statements:\n    - Sid: NoAclReads\n      Effect: Deny\n      Principal: '*'\n      Action: s3:GetBucketAcl\n      Resource: arn:aws:s3:::my-org-cloudtrail-logs-2024",
        )],
        live: &[],
        exception: "InsufficientS3BucketPolicyException",
        names: &["s3:GetBucketAcl", "NoAclReads"],
    },
    Case {
        before: &[],
        name: "bucket-prefix-misses-awslogs",
        spec: &[(
            "  name: my-org-cloudtrail-logs-2024",
            "  extra_policy_statements:\n    - Sid: WritesOnlyUnderArchive\n      Effect: Deny\n      Principal: '*'\n      Action: s3:PutObject\n      NotResource: arn:aws:s3:::my-org-cloudtrail-logs-2024/archive/*",
        )],
        live: &[],
        exception: "InsufficientS3BucketPolicyException",
        names: &["AWSLogs/{account}/", "WritesOnlyUnderArchive"],
    },
    Case {
        before: &[],
        name: "key-unmanaged-without-cloudtrail",
        spec: &[MANAGED_OFF],
        live: &[(PUT_KEY_POLICY, KEY_POLICY_ROOT_ONLY)],
        exception: "InsufficientEncryptionPolicyException",
        names: &[
            "key policy of arn:aws:kms:",
            "cloudtrail.amazonaws.com kms:GenerateDataKey*",
        ],
    },
    Case {
        before: &[],
        name: "key-without-decrypt-while-bucket-key-on",
        spec: &[MANAGED_OFF],
        live: &[(PUT_KEY_POLICY, KEY_POLICY_NO_DECRYPT)],
        exception: "InsufficientEncryptionPolicyException",
        names: &["cloudtrail.amazonaws.com kms:Decrypt"],
    },
    Case {
        before: &[],
        name: "key-encryption-context-of-another-account",
        spec: &[MANAGED_OFF],
        live: &[(PUT_KEY_POLICY, KEY_POLICY_OTHER_ACCOUNT)],
        exception: "InsufficientEncryptionPolicyException",
        names: &[
            "kms:GenerateDataKey*",
            "kms:EncryptionContext:aws:cloudtrail:arn",
        ],
    },
    Case {
        before: &[],
        name: "key-without-describe",
        spec: &[MANAGED_OFF],
        live: &[(PUT_KEY_POLICY, KEY_POLICY_NO_DESCRIBE)],
        exception: "InsufficientEncryptionPolicyException",
        names: &["kms:DescribeKey"],
    },
    Case {
        before: &[],
        name: "key-managed-with-others-deny",
        spec: &[],
        live: &[(PUT_KEY_POLICY, KEY_POLICY_WITH_DENY)],
        exception: "InsufficientEncryptionPolicyException",
        names: &["explicitly denied by statement \"NoServiceUse\""],
    },
    Case {
        before: &[],
        name: "trust-conditioned-on-source-account",
        spec: &[(
            "  log_group: CloudTrail/SecurityLogs",
            "  extra_trust_statements:\n    - Sid: ConfusedDeputyGuard\n      Effect: Deny\n      Principal: {Service: cloudtrail.amazonaws.com}\n      Action: sts:AssumeRole\n      Condition: {StringNotEquals: {'aws:SourceAccount': '{account}'}}",
        )],
        live: &[],
        exception: "InvalidCloudWatchLogsRoleArnException",
        names: &[
            "trust policy of role CloudTrail-CloudWatchLogs-Role-security-audit-trail",
            "sts:AssumeRole",
            "ConfusedDeputyGuard",
        ],
    },
    Case {
        before: &[],
        name: "role-denies-put-log-events",
        spec: &[(
            "  log_group: CloudTrail/SecurityLogs",
            "  extra_role_statements:\n    - Sid: ReadOnlyLogs\n      Effect: Deny\n      Action: logs:PutLogEvents\n      Resource: '*'",
        )],
        live: &[],
        exception: "InvalidCloudWatchLogsRoleArnException",
        names: &[
            "permissions policy of role",
            "logs:PutLogEvents",
            "ReadOnlyLogs",
        ],
    },
    Case {
        name: "topic-policy-denies-cloudtrail",
        before: &[("  insights: true", "  sns_topic: trail-deliveries")],
        spec: &[],
        live: &[(
            "sns set-topic-attributes --topic-arn arn:aws:sns:us-east-1:{account}:trail-deliveries --attribute-name Policy --attribute-value {}",
            r#"{"Version":"2012-10-17","Statement":[{"Sid":"NoServicePublish","Effect":"Deny","Principal":{"Service":"cloudtrail.amazonaws.com"},"Action":"SNS:Publish","Resource":"arn:aws:sns:us-east-1:{account}:trail-deliveries"}]}"#,
        )],
        exception: "InsufficientSnsTopicPolicyException",
        names: &[
            "topic policy of arn:aws:sns:us-east-1:",
            "SNS:Publish",
            "NoServicePublish",
        ],
    },
];

fn edit_spec(acct: &Account, edits: &[(&str, &str)], account: &str) {
    let mut text = std::fs::read_to_string(&acct.spec).expect("spec");
    for (after, insert) in edits {
        let at = text
            .find(after)
            .unwrap_or_else(|| panic!("spec has no line {after:?}"));
        let end = at + text[at..].find('\n').unwrap_or(text.len() - at) + 1;
        text.insert_str(end, &format!("{}\n", insert.replace("{account}", account)));
    }
    std::fs::write(&acct.spec, text).expect("write spec");
}

/// The actions `remediate.py` carries out to put the documents the plan
/// judged into the account by hand, trail last: the bucket, key and topic
/// policies, the role's trust and permissions, then UpdateTrail.
fn by_hand_plan(plan: &Value) -> Value {
    let kinds = [
        "s3_bucket_policy",
        "iam_role",
        "iam_role_policy",
        "kms_key_policy",
        "sns_topic_policy",
        "trail",
    ];
    let mut doc = plan.clone();
    let actions: Vec<Value> = plan["actions"]
        .as_array()
        .expect("actions")
        .iter()
        .filter(|a| {
            let kind = a["address"]
                .as_str()
                .unwrap_or_default()
                .split('.')
                .next()
                .unwrap_or_default();
            kinds.contains(&kind)
        })
        .map(|a| {
            let mut a = a.clone();
            a["kind"] = json!("update");
            a
        })
        .collect();
    doc["actions"] = Value::Array(actions);
    doc
}

fn run_case(c: &Case) {
    let acct = Account::empty(c.name);
    let account = "123456789012";
    // The unbroken spec first, applied by ctrail (the trail exists).
    edit_spec(&acct, c.before, account);
    let out = acct.apply(&[]);
    assert!(
        out.status.success(),
        "{}: apply of the unbroken spec failed:\n{}{}",
        c.name,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    edit_spec(&acct, c.spec, account);
    let fill = |text: &str| {
        text.replace("{key}", &acct.key_id)
            .replace("{account}", account)
    };
    for (command, document) in c.live {
        acct.em.cli(&fill(command), &[&fill(document)]);
    }

    // ctrail plan: an error naming the exception, exit 1, nothing written.
    acct.em.reset_counts();
    let out = acct.em.ctrail(&["plan", &acct.spec]);
    let err = String::from_utf8_lossy(&out.stderr).into_owned();
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}: plan should fail:\n{text}{err}",
        c.name
    );
    assert!(
        err.contains(&format!("would fail with {}", c.exception)),
        "{}: {err}",
        c.name
    );
    for n in c.names {
        let n = n.replace("{account}", account);
        assert!(
            err.contains(&n),
            "{}: the finding does not name {n:?}:\n{err}",
            c.name
        );
    }
    assert!(
        text.contains("Preflight:"),
        "{}: the rendered plan shows no preflight:\n{text}",
        c.name
    );
    assert_eq!(
        acct.em.writes(),
        Vec::<String>::new(),
        "{}: plan wrote",
        c.name
    );

    // The scheduled drift job reports it too (exit 2), without writing.
    let out = acct.em.ctrail(&["drift", &acct.spec]);
    let lines = String::from_utf8_lossy(&out.stdout).into_owned();
    assert_eq!(out.status.code(), Some(2), "{}: drift:\n{lines}", c.name);
    assert!(
        lines.contains("\"type\":\"preflight\"") && lines.contains(c.exception),
        "{}: drift does not report the refused grant:\n{lines}",
        c.name
    );

    // ctrail apply refuses the same, before any write.
    let out = acct.apply(&[]);
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}: apply should refuse",
        c.name
    );
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("nothing was applied"),
        "{}",
        c.name
    );
    assert_eq!(
        acct.em.writes(),
        Vec::<String>::new(),
        "{}: apply wrote",
        c.name
    );

    // The same documents, put in the account by hand: the adapter refuses
    // UpdateTrail with the exception docs/aws-rules.md names.
    let plan = acct.em.ctrail(&["plan", "--format", "json", &acct.spec]);
    let plan: Value = serde_json::from_slice(&plan.stdout).expect("plan json");
    let graph = acct.em.ctrail(&["graph", "--format", "json", &acct.spec]);
    let dir = acct.dir();
    std::fs::write(dir.join("graph.json"), &graph.stdout).expect("graph");
    std::fs::write(dir.join("by-hand.json"), by_hand_plan(&plan).to_string()).expect("plan");
    acct.em.reset_counts();
    let out = acct.em.run(
        &acct.em.venv.join("bin/python"),
        &[
            &root().join("tests/support/remediate.py").to_string_lossy(),
            &dir.join("graph.json").to_string_lossy(),
            &dir.join("by-hand.json").to_string_lossy(),
            &acct.key_id,
        ],
    );
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        !out.status.success(),
        "{}: the adapter accepted the trail",
        c.name
    );
    assert!(
        err.contains(c.exception) && err.contains("UpdateTrail"),
        "{}: {err}",
        c.name
    );
    let refused = acct.em.injected();
    assert_eq!(refused["refused"][c.exception], 1, "{}: {refused}", c.name);
}

fn run(names: &[&str]) {
    for name in names {
        let c = CASES.iter().find(|c| c.name == *name).expect("case");
        run_case(c);
    }
}

#[test]
fn the_catalogue_has_every_kind_of_broken_grant() {
    assert!(CASES.len() >= 12);
    let exceptions: std::collections::BTreeSet<&str> = CASES.iter().map(|c| c.exception).collect();
    assert_eq!(
        exceptions.into_iter().collect::<Vec<_>>(),
        [
            "InsufficientEncryptionPolicyException",
            "InsufficientS3BucketPolicyException",
            "InsufficientSnsTopicPolicyException",
            "InvalidCloudWatchLogsRoleArnException"
        ]
    );
    let _ = (BUCKET, ROLE, TRAIL);
}

#[test]
fn broken_bucket_policies_are_caught_before_any_write() {
    run(&[
        "bucket-deny-cloudtrail-write",
        "bucket-deny-other-source-account",
        "bucket-deny-acl-check",
        "bucket-prefix-misses-awslogs",
    ]);
}

#[test]
fn broken_key_policies_are_caught_before_any_write() {
    run(&[
        "key-unmanaged-without-cloudtrail",
        "key-without-decrypt-while-bucket-key-on",
        "key-encryption-context-of-another-account",
    ]);
}

#[test]
fn more_broken_key_policies_are_caught_before_any_write() {
    run(&["key-without-describe", "key-managed-with-others-deny"]);
}

#[test]
fn broken_roles_and_topics_are_caught_before_any_write() {
    run(&[
        "trust-conditioned-on-source-account",
        "role-denies-put-log-events",
        "topic-policy-denies-cloudtrail",
    ]);
}

/// The adapter refuses what CloudWatch Logs and CloudTrail refuse, beyond
/// the trail's grants: a log group key that does not exist, is disabled or
/// does not let CloudWatch Logs use it; an insight type CloudTrail lacks; and
/// it forgets a deleted log group's key.
#[test]
fn the_adapter_refuses_keys_logs_cannot_use_and_unknown_insight_types() {
    let acct = Account::empty("adapter-leniency");
    let em = &acct.em;
    // The CLI call fails with AWS's error `code`, or succeeds (`None`).
    let answers = |command: &str, values: &[&str], code: Option<&str>| {
        let (ok, err) = em.cli_result(command, values);
        match code {
            Some(code) => assert!(!ok && err.contains(code), "{command}: {err}"),
            None => assert!(ok, "{command}: {err}"),
        }
    };
    let key = acct.key_id.as_str();
    let associate = "logs associate-kms-key --log-group-name g1 --kms-key-id {}";
    em.cli("logs create-log-group --log-group-name g1", &[]);
    let unknown = "arn:aws:kms:us-east-1:123456789012:key/00000000-0000-0000-0000-000000000000";
    answers(associate, &[unknown], Some("InvalidParameterException"));
    // The emulator's new key has only the account's root statement.
    answers(associate, &[key], Some("AccessDeniedException"));
    let policy = r#"{"Version":"2012-10-17","Statement":[{"Sid":"Root","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:root"},"Action":"kms:*","Resource":"*"},{"Sid":"Logs","Effect":"Allow","Principal":{"Service":"logs.us-east-1.amazonaws.com"},"Action":["kms:Encrypt*","kms:Decrypt*","kms:ReEncrypt*","kms:GenerateDataKey*","kms:Describe*"],"Resource":"*","Condition":{"ArnLike":{"kms:EncryptionContext:aws:logs:arn":"arn:aws:logs:us-east-1:123456789012:log-group:*"}}}]}"#;
    let put_policy = "kms put-key-policy --key-id {} --policy-name default --policy {}";
    em.cli(put_policy, &[key, policy]);
    answers(associate, &[key], None);
    em.cli("kms disable-key --key-id {}", &[key]);
    let create_g2 = "logs create-log-group --log-group-name g2 --kms-key-id {}";
    answers(create_g2, &[key], Some("InvalidParameterException"));
    // Deleted, then made again: the new group has no key.
    em.cli("logs delete-log-group --log-group-name g1", &[]);
    em.cli("logs create-log-group --log-group-name g1", &[]);
    let groups = em.cli("logs describe-log-groups --output json", &[]);
    let groups: Value = serde_json::from_str(&groups).expect("json");
    assert_eq!(groups["logGroups"][0].get("kmsKeyId"), None, "{groups}");

    em.cli("s3api create-bucket --bucket adapter-leniency-logs", &[]);
    let bucket_policy = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"cloudtrail.amazonaws.com"},"Action":["s3:GetBucketAcl","s3:PutObject"],"Resource":["arn:aws:s3:::adapter-leniency-logs","arn:aws:s3:::adapter-leniency-logs/*"]}]}"#;
    let put_bucket_policy = "s3api put-bucket-policy --bucket adapter-leniency-logs --policy {}";
    em.cli(put_bucket_policy, &[bucket_policy]);
    let trail = "cloudtrail create-trail --name leniency --s3-bucket-name adapter-leniency-logs";
    em.cli(trail, &[]);
    let insights = "cloudtrail put-insight-selectors --trail-name leniency --insight-selectors {}";
    let volume = "InsightType=ApiCallVolumeInsight";
    answers(
        insights,
        &[volume],
        Some("InvalidInsightSelectorsException"),
    );
    answers(insights, &["InsightType=ApiErrorRateInsight"], None);
}
