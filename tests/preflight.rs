//! The preflight against a catalogue of broken documents: each is caught by
//! `ctrail plan` (and `ctrail apply`) with the exception AWS would answer
//! and nothing written; and the same documents, put in the account by hand,
//! make the test adapter refuse the trail exactly as docs/aws-rules.md says.

#[path = "../crates/policy/tests/support/iam_judge.rs"]
mod iam_judge;
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
    /// The request the independent judge must refuse too.
    judged: Judged,
}

/// The request a case's verdict turns on, judged by the independent IAM
/// judge (iam-simulate) on the document read back from the account: the
/// request as CloudTrail (or CloudWatch) makes it, with the keys it sends
/// (docs/aws-rules.md).
#[derive(Debug, Clone, Copy)]
enum Judged {
    BucketAcl,
    BucketWrite,
    KeyEncrypt,
    KeyDecrypt,
    KeyDescribe,
    KeyForAlarms,
    Trust,
    RoleWrite,
    TopicPublish,
}

const ACCOUNT: &str = "123456789012";
const TRAIL_ARN: &str = "arn:aws:cloudtrail:us-east-1:123456789012:trail/security-audit-trail";

fn service_context(extra: &[(&str, &str)]) -> std::collections::BTreeMap<String, Vec<String>> {
    let mut c: std::collections::BTreeMap<String, Vec<String>> = [
        ("aws:PrincipalIsAWSService", "true"),
        ("aws:SourceAccount", ACCOUNT),
    ]
    .into_iter()
    .chain(extra.iter().copied())
    .map(|(k, v)| (k.to_owned(), vec![v.to_owned()]))
    .collect();
    c.retain(|_, v| !v[0].is_empty());
    c
}

/// The document `judged` reads, as the account holds it now, and the
/// request judged on it.
fn judge_case(acct: &Account, judged: Judged, topic: &str) -> iam_judge::Case {
    let cli_json = |command: &str| -> Value {
        serde_json::from_str(&acct.em.cli(&format!("{command} --output json"), &[]))
            .unwrap_or_else(|e| panic!("{command}: {e}"))
    };
    let doc = |text: &Value| -> Value {
        match text {
            Value::String(s) => serde_json::from_str(s).expect("policy json"),
            other => other.clone(),
        }
    };
    let bucket_policy =
        || doc(&cli_json(&format!("s3api get-bucket-policy --bucket {BUCKET}"))["Policy"]);
    let key_policy = || {
        doc(&cli_json(&format!(
            "kms get-key-policy --key-id {} --policy-name default",
            acct.key_id
        ))["Policy"])
    };
    let key_arn = format!("arn:aws:kms:us-east-1:{ACCOUNT}:key/{}", acct.key_id);
    let service = |name: &str| iam_judge::Caller::Service(name.to_owned());
    let case = |policy: Value, caller, action: &str, resource: &str, context| iam_judge::Case {
        policy,
        kind: iam_judge::Kind::Resource,
        caller,
        action: action.to_owned(),
        resource: resource.to_owned(),
        account: ACCOUNT.to_owned(),
        context,
    };
    let trail = ("aws:SourceArn", TRAIL_ARN);
    match judged {
        Judged::BucketAcl => case(
            bucket_policy(),
            service("cloudtrail.amazonaws.com"),
            "s3:GetBucketAcl",
            &format!("arn:aws:s3:::{BUCKET}"),
            service_context(&[trail, ("aws:SecureTransport", "true")]),
        ),
        Judged::BucketWrite => case(
            bucket_policy(),
            service("cloudtrail.amazonaws.com"),
            "s3:PutObject",
            &format!(
                "arn:aws:s3:::{BUCKET}/AWSLogs/{ACCOUNT}/CloudTrail/us-east-1/2026/01/01/{ACCOUNT}_CloudTrail_us-east-1_20260101T0000Z_example.json.gz"
            ),
            service_context(&[
                trail,
                ("aws:SecureTransport", "true"),
                ("s3:x-amz-acl", "bucket-owner-full-control"),
            ]),
        ),
        Judged::KeyEncrypt => case(
            key_policy(),
            service("cloudtrail.amazonaws.com"),
            "kms:GenerateDataKey",
            &key_arn,
            service_context(&[
                trail,
                ("kms:EncryptionContext:aws:cloudtrail:arn", TRAIL_ARN),
            ]),
        ),
        Judged::KeyDecrypt => case(
            key_policy(),
            service("cloudtrail.amazonaws.com"),
            "kms:Decrypt",
            &key_arn,
            service_context(&[trail]),
        ),
        Judged::KeyDescribe => case(
            key_policy(),
            service("cloudtrail.amazonaws.com"),
            "kms:DescribeKey",
            &key_arn,
            service_context(&[trail]),
        ),
        Judged::KeyForAlarms => case(
            key_policy(),
            service("cloudwatch.amazonaws.com"),
            "kms:GenerateDataKey",
            &key_arn,
            service_context(&[(
                "aws:SourceArn",
                "arn:aws:cloudwatch:us-east-1:123456789012:alarm:RootAccountUsage",
            )]),
        ),
        Judged::Trust => {
            let role = cli_json(&format!("iam get-role --role-name {ROLE}"));
            let mut context = service_context(&[]);
            // CloudTrail sends no source keys when it assumes the role.
            context.remove("aws:SourceAccount");
            case(
                doc(&role["Role"]["AssumeRolePolicyDocument"]),
                service("cloudtrail.amazonaws.com"),
                "sts:AssumeRole",
                &format!("arn:aws:iam::{ACCOUNT}:role/{ROLE}"),
                context,
            )
        }
        Judged::RoleWrite => {
            let names = cli_json(&format!("iam list-role-policies --role-name {ROLE}"));
            let name = names["PolicyNames"][0].as_str().expect("an inline policy");
            let policy = cli_json(&format!(
                "iam get-role-policy --role-name {ROLE} --policy-name {name}"
            ));
            iam_judge::Case {
                policy: doc(&policy["PolicyDocument"]),
                kind: iam_judge::Kind::Identity,
                caller: iam_judge::Caller::Aws {
                    arn: format!("arn:aws:iam::{ACCOUNT}:role/{ROLE}"),
                    account: ACCOUNT.to_owned(),
                },
                action: "logs:PutLogEvents".to_owned(),
                resource: format!(
                    "arn:aws:logs:us-east-1:{ACCOUNT}:log-group:CloudTrail/SecurityLogs:log-stream:{ACCOUNT}_CloudTrail_us-east-1"
                ),
                account: ACCOUNT.to_owned(),
                context: Default::default(),
            }
        }
        Judged::TopicPublish => {
            let arn = format!("arn:aws:sns:us-east-1:{ACCOUNT}:{topic}");
            let attrs = cli_json(&format!("sns get-topic-attributes --topic-arn {arn}"));
            case(
                doc(&attrs["Attributes"]["Policy"]),
                service("cloudtrail.amazonaws.com"),
                "SNS:Publish",
                &arn,
                service_context(&[trail]),
            )
        }
    }
}

/// The independent judge's verdict on the case's request, which must agree
/// with AWS's (`allowed` for a setup AWS accepts).
fn second_opinion(acct: &Account, name: &str, judged: Judged, topic: &str, allowed: bool) {
    let case = judge_case(acct, judged, topic);
    let verdict = iam_judge::judge(std::slice::from_ref(&case))[0];
    assert_eq!(
        verdict.allowed(),
        allowed,
        "{name}: iam-simulate says {verdict:?} on {judged:?}:\n{:#}",
        case.to_json()
    );
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
        judged: Judged::BucketWrite,
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
        judged: Judged::BucketAcl,
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
        judged: Judged::BucketAcl,
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
        judged: Judged::BucketWrite,
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
        judged: Judged::KeyEncrypt,
    },
    Case {
        before: &[],
        name: "key-without-decrypt-while-bucket-key-on",
        spec: &[MANAGED_OFF],
        live: &[(PUT_KEY_POLICY, KEY_POLICY_NO_DECRYPT)],
        exception: "InsufficientEncryptionPolicyException",
        names: &["cloudtrail.amazonaws.com kms:Decrypt"],
        judged: Judged::KeyDecrypt,
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
        judged: Judged::KeyEncrypt,
    },
    Case {
        before: &[],
        name: "key-without-describe",
        spec: &[MANAGED_OFF],
        live: &[(PUT_KEY_POLICY, KEY_POLICY_NO_DESCRIBE)],
        exception: "InsufficientEncryptionPolicyException",
        names: &["kms:DescribeKey"],
        judged: Judged::KeyDescribe,
    },
    Case {
        before: &[],
        name: "key-managed-with-others-deny",
        spec: &[],
        live: &[(PUT_KEY_POLICY, KEY_POLICY_WITH_DENY)],
        exception: "InsufficientEncryptionPolicyException",
        names: &["explicitly denied by statement \"NoServiceUse\""],
        judged: Judged::KeyEncrypt,
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
        judged: Judged::Trust,
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
        judged: Judged::RoleWrite,
    },
    // IAM User Guide, "AWS global condition context keys", aws:SourceIp:
    // a request an AWS service makes with its service principal carries no
    // source IP, so `NotIpAddress` on the absent key is true and the Deny
    // applies to CloudTrail's delivery.
    Case {
        before: &[],
        name: "bucket-deny-outside-corporate-network",
        spec: &[(
            "  name: my-org-cloudtrail-logs-2024",
            "  extra_policy_statements:\n    - Sid: OnlyFromCorporateNetwork\n      Effect: Deny\n      Principal: '*'\n      Action: 's3:*'\n      Resource: arn:aws:s3:::my-org-cloudtrail-logs-2024/AWSLogs/*\n      Condition: {NotIpAddress: {'aws:SourceIp': '203.0.113.0/24'}}",
        )],
        live: &[],
        exception: "InsufficientS3BucketPolicyException",
        names: &["s3:PutObject", "OnlyFromCorporateNetwork"],
        judged: Judged::BucketWrite,
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
        judged: Judged::TopicPublish,
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

/// An emulated account with the spec applied after `before`, then the
/// case's spec edits and hand-made documents (`{key}` and `{account}` filled).
type Edits = &'static [(&'static str, &'static str)];

fn set_up(name: &str, before: Edits, spec: Edits, live: Edits) -> Account {
    let acct = Account::empty(name);
    let account = "123456789012";
    edit_spec(&acct, before, account);
    let out = acct.apply(&[]);
    assert!(
        out.status.success(),
        "{name}: apply of the spec before the case failed:\n{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    edit_spec(&acct, spec, account);
    let fill = |text: &str| {
        text.replace("{key}", &acct.key_id)
            .replace("{account}", account)
    };
    for (command, document) in live {
        acct.em.cli(&fill(command), &[&fill(document)]);
    }
    acct
}

fn run_case(c: &Case) {
    // The unbroken spec first, applied by ctrail (the trail exists), then the break.
    let acct = set_up(c.name, c.before, c.spec, c.live);
    let account = "123456789012";

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
    // The documents now in the account: the independent judge refuses too.
    second_opinion(&acct, c.name, c.judged, "trail-deliveries", false);
}

fn run(names: &[&str]) {
    for name in names {
        let c = CASES.iter().find(|c| c.name == *name).expect("case");
        run_case(c);
    }
}

#[test]
fn the_catalogue_has_every_kind_of_broken_grant() {
    assert!(CASES.len() >= 13);
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
fn a_deny_outside_an_ip_range_stops_cloudtrail_which_sends_no_source_ip() {
    run(&["bucket-deny-outside-corporate-network"]);
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

/// One setup AWS accepts, from a page, that the preflight must pass: no
/// finding in the plan, an apply that goes through, and the adapter (which
/// plays AWS) accepting UpdateTrail on the documents as they are.
struct Accepted {
    name: &'static str,
    /// The page the setup is quoted from.
    source: &'static str,
    before: &'static [(&'static str, &'static str)],
    spec: &'static [(&'static str, &'static str)],
    /// AWS CLI commands run by hand after the spec is applied, as `Case::live`.
    live: &'static [(&'static str, &'static str)],
    /// The requests the independent judge must allow on the documents.
    judged: &'static [Judged],
}

/// CloudTrail User Guide, "Role policy document for CloudTrail to use
/// CloudWatch Logs for monitoring": the default policy of the console's
/// `CloudTrail_CloudWatchLogs_Role`, scoped to the home region's stream.
const CONSOLE_ROLE_POLICY: &str = "  role_policy:\n    Version: '2012-10-17'\n    Statement:\n      - Sid: AWSCloudTrailCreateLogStream2014110\n        Effect: Allow\n        Action: [logs:CreateLogStream]\n        Resource: ['arn:aws:logs:us-east-1:{account}:log-group:CloudTrail/SecurityLogs:log-stream:{account}_CloudTrail_us-east-1*']\n      - Sid: AWSCloudTrailPutLogEvents20141101\n        Effect: Allow\n        Action: [logs:PutLogEvents]\n        Resource: ['arn:aws:logs:us-east-1:{account}:log-group:CloudTrail/SecurityLogs:log-stream:{account}_CloudTrail_us-east-1*']";

/// aws-samples/data-perimeter-policy-examples,
/// resource_based_policies/s3_bucket_policy.json: both statements, the log
/// folder as their resource.
const DATA_PERIMETER: &str = "  extra_policy_statements:\n    - Sid: EnforceIdentityPerimeter\n      Effect: Deny\n      Principal: '*'\n      Action: 's3:*'\n      Resource: arn:aws:s3:::my-org-cloudtrail-logs-2024/AWSLogs/*\n      Condition:\n        StringNotEqualsIfExists: {'aws:PrincipalOrgID': o-a1b2c3d4e5, 'aws:PrincipalAccount': ['111122223333']}\n        BoolIfExists: {'aws:PrincipalIsAWSService': 'false'}\n    - Sid: EnforceNetworkPerimeter\n      Effect: Deny\n      Principal: '*'\n      Action: 's3:*'\n      Resource: arn:aws:s3:::my-org-cloudtrail-logs-2024/AWSLogs/*\n      Condition:\n        NotIpAddressIfExists: {'aws:SourceIp': '203.0.113.0/24'}\n        StringNotEqualsIfExists: {'aws:SourceVpc': vpc-0a1b2c3d, 'aws:PrincipalTag/network-perimeter-exception': 'true', 'aws:PrincipalAccount': ['111122223333']}\n        BoolIfExists: {'aws:PrincipalIsAWSService': 'false', 'aws:ViaAWSService': 'false'}\n        ArnNotLikeIfExists: {'aws:PrincipalArn': 'arn:aws:iam::{account}:role/aws-service-role/*'}\n        StringEquals: {'aws:PrincipalTag/data-perimeter-include': 'true'}";

/// Amazon SNS Developer Guide, "Managing Amazon SNS encryption keys and
/// costs": the publishing service's statement with the confused-deputy
/// conditions (`aws:SourceAccount`, `aws:SourceArn` the alarms); CloudTrail's
/// statements from "Configure AWS KMS key policies for CloudTrail"; CloudWatch
/// Logs' from "Encrypt log data in CloudWatch Logs using AWS KMS".
const KEY_POLICY_SNS_PAGE: &str = r#"{"Version":"2012-10-17","Statement":[{"Sid":"Enable IAM User Permissions","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::{account}:root"},"Action":"kms:*","Resource":"*"},{"Sid":"Allow CloudTrail to encrypt logs","Effect":"Allow","Principal":{"Service":"cloudtrail.amazonaws.com"},"Action":"kms:GenerateDataKey*","Resource":"*","Condition":{"StringEquals":{"aws:SourceArn":"arn:aws:cloudtrail:us-east-1:{account}:trail/security-audit-trail"},"StringLike":{"kms:EncryptionContext:aws:cloudtrail:arn":"arn:aws:cloudtrail:*:{account}:trail/*"}}},{"Sid":"Allow CloudTrail to describe key","Effect":"Allow","Principal":{"Service":"cloudtrail.amazonaws.com"},"Action":["kms:DescribeKey","kms:Decrypt"],"Resource":"*"},{"Sid":"Allow CloudWatch Logs","Effect":"Allow","Principal":{"Service":"logs.us-east-1.amazonaws.com"},"Action":["kms:Encrypt*","kms:Decrypt*","kms:ReEncrypt*","kms:GenerateDataKey*","kms:Describe*"],"Resource":"*","Condition":{"ArnLike":{"kms:EncryptionContext:aws:logs:arn":"arn:aws:logs:us-east-1:{account}:log-group:*"}}},{"Sid":"AllowCloudWatchAlarms","Effect":"Allow","Principal":{"Service":"cloudwatch.amazonaws.com"},"Action":["kms:GenerateDataKey*","kms:Decrypt"],"Resource":"*","Condition":{"StringEquals":{"aws:SourceAccount":"{account}"},"ArnLike":{"aws:SourceArn":"arn:aws:cloudwatch:us-east-1:{account}:alarm:*"}}}]}"#;

/// CloudTrail User Guide, "Amazon SNS topic policy for CloudTrail",
/// "Security best practices for SNS topic policy": the statement with
/// `aws:SourceArn` alone.
const TOPIC_POLICY_SOURCE_ARN_ONLY: &str = r#"{"Version":"2012-10-17","Statement":[{"Sid":"AWSCloudTrailSNSPolicy20150319","Effect":"Allow","Principal":{"Service":"cloudtrail.amazonaws.com"},"Action":"SNS:Publish","Resource":"arn:aws:sns:us-east-1:{account}:trail-deliveries","Condition":{"StringEquals":{"AWS:SourceArn":"arn:aws:cloudtrail:us-east-1:{account}:trail/security-audit-trail"}}}]}"#;

const ACCEPTED: &[Accepted] = &[
    Accepted {
        name: "console-role-policy",
        source: "CloudTrail User Guide, Role policy document for CloudTrail to use CloudWatch Logs for monitoring",
        before: &[],
        spec: &[("  log_group: CloudTrail/SecurityLogs", CONSOLE_ROLE_POLICY)],
        live: &[],
        judged: &[Judged::RoleWrite, Judged::Trust],
    },
    Accepted {
        name: "data-perimeter-deny",
        source: "aws-samples/data-perimeter-policy-examples, s3_bucket_policy.json",
        before: &[],
        spec: &[("  name: my-org-cloudtrail-logs-2024", DATA_PERIMETER)],
        live: &[],
        judged: &[Judged::BucketWrite, Judged::BucketAcl],
    },
    Accepted {
        name: "key-policy-with-sns-conditions",
        source: "Amazon SNS Developer Guide, Managing Amazon SNS encryption keys and costs",
        before: &[(
            "  retention_days: 90",
            "monitoring:\n  presets: [cis]\n  alert_topic:\n    name: security-alerts",
        )],
        spec: &[MANAGED_OFF],
        live: &[(PUT_KEY_POLICY, KEY_POLICY_SNS_PAGE)],
        judged: &[
            Judged::KeyForAlarms,
            Judged::KeyEncrypt,
            Judged::KeyDescribe,
        ],
    },
    Accepted {
        name: "topic-policy-source-arn-only",
        source: "CloudTrail User Guide, Amazon SNS topic policy for CloudTrail",
        before: &[("  insights: true", "  sns_topic: trail-deliveries")],
        spec: &[],
        live: &[(
            "sns set-topic-attributes --topic-arn arn:aws:sns:us-east-1:{account}:trail-deliveries --attribute-name Policy --attribute-value {}",
            TOPIC_POLICY_SOURCE_ARN_ONLY,
        )],
        judged: &[Judged::TopicPublish],
    },
];

fn run_accepted(c: &Accepted) {
    let acct = set_up(c.name, c.before, c.spec, c.live);
    // The documents as they are, before ctrail writes anything: the adapter
    // judges UpdateTrail on them as CloudTrail does, and accepts.
    let (ok, err) = acct
        .em
        .cli_result("cloudtrail update-trail --name security-audit-trail", &[]);
    assert!(ok, "{} ({}): the adapter refused: {err}", c.name, c.source);
    if !c.live.is_empty() {
        // The hand-made documents alone, before ctrail writes anything.
        for judged in c.judged {
            second_opinion(&acct, c.name, *judged, "trail-deliveries", true);
        }
    }
    // The preflight agrees: no finding in the plan.
    let out = acct.em.ctrail(&["plan", &acct.spec]);
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    let err = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(
        matches!(out.status.code(), Some(0) | Some(2)) && !text.contains("Preflight:"),
        "{} ({}): the preflight refuses what AWS accepts:\n{text}{err}",
        c.name,
        c.source
    );
    // And the apply goes through, the adapter judging every write.
    let out = acct.apply(&[]);
    assert!(
        out.status.success(),
        "{} ({}): apply failed:\n{}{}",
        c.name,
        c.source,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    let (ok, err) = acct
        .em
        .cli_result("cloudtrail update-trail --name security-audit-trail", &[]);
    assert!(ok, "{} after apply: the adapter refused: {err}", c.name);
    for judged in c.judged {
        second_opinion(&acct, c.name, *judged, "trail-deliveries", true);
    }
}

fn run_accepted_named(names: &[&str]) {
    for name in names {
        let c = ACCEPTED.iter().find(|c| c.name == *name).expect("case");
        run_accepted(c);
    }
}

#[test]
fn the_consoles_role_policy_is_accepted() {
    run_accepted_named(&["console-role-policy"]);
}

#[test]
fn a_data_perimeter_deny_exempting_aws_services_is_accepted() {
    run_accepted_named(&["data-perimeter-deny"]);
}

#[test]
fn a_key_policy_with_the_sns_pages_conditions_is_accepted() {
    run_accepted_named(&["key-policy-with-sns-conditions"]);
}

#[test]
fn a_topic_policy_with_source_arn_only_is_accepted() {
    run_accepted_named(&["topic-policy-source-arn-only"]);
}

/// `--accept-finding`: a finding's id, printed with it, lets a person who
/// judged the preflight wrong get past it; the plan shows the acceptance,
/// the saved plan records it, and an id that names no finding is an error.
#[test]
fn an_accepted_finding_is_shown_and_no_longer_stops_the_apply() {
    let c = CASES
        .iter()
        .find(|c| c.name == "bucket-deny-acl-check")
        .expect("case");
    let acct = Account::empty("accept-finding");
    let out = acct.apply(&[]);
    assert!(out.status.success());
    edit_spec(&acct, c.spec, "123456789012");
    let out = acct.em.ctrail(&["plan", &acct.spec]);
    let err = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(out.status.code(), Some(1), "{err}");
    let id = err
        .split('[')
        .nth(1)
        .and_then(|rest| rest.split(']').next())
        .expect("the finding's id in brackets")
        .to_owned();
    assert!(id.starts_with("PF-"), "{err}");

    let saved = acct.dir().join("accepted.plan.json");
    let saved_arg = saved.to_string_lossy().into_owned();
    // An id that names no finding fails the plan, which is not saved, and
    // the apply.
    let out = acct.em.ctrail(&[
        "plan",
        "--accept-finding",
        &id,
        "--accept-finding",
        "PF-00000000",
        "--out",
        &saved_arg,
        &acct.spec,
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("PF-00000000 names no preflight finding"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(!saved.exists(), "a plan with a wrong acceptance was saved");
    let out = acct.apply(&["--accept-finding", "PF-00000000"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("names no preflight finding"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    let out = acct.em.ctrail(&[
        "plan",
        "--accept-finding",
        &id,
        "--out",
        &saved_arg,
        &acct.spec,
    ]);
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{text}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        text.contains("finding(s) accepted with --accept-finding") && text.contains(&id),
        "{text}"
    );
    let plan: Value =
        serde_json::from_str(&std::fs::read_to_string(&saved).expect("saved")).expect("json");
    assert_eq!(plan["preflight"][0]["id"], id.as_str());
    assert_eq!(plan["preflight"][0]["accepted"], true);
    let out = acct.em.ctrail(&[
        "plan",
        "--format",
        "markdown",
        "--accept-finding",
        &id,
        &acct.spec,
    ]);
    assert!(String::from_utf8_lossy(&out.stdout).contains("> [!WARNING]"));

    // Without the acceptance the apply refuses; the saved plan carries it.
    let out = acct.apply(&[]);
    assert_eq!(out.status.code(), Some(1));
    let out = acct.em.ctrail(&["apply", "--auto-approve", &saved_arg]);
    assert!(
        out.status.success(),
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}
