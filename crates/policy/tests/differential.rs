//! Differential property test: generated statements judged by ctrail's
//! evaluator (`ctrail_policy::eval`), by the test adapter's own evaluator
//! (`tests/proxy/aws_rules.py --judge`) and by an evaluator nobody here wrote,
//! `@cloud-copilot/iam-simulate` (`tests/iam-judge`, run as a separate Node
//! process). All three must agree on every case.
//!
//! The statements draw conditions from every operator family of "IAM JSON
//! policy elements: Condition operators"
//! (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html),
//! with `...IfExists`, `ForAnyValue:` / `ForAllValues:`, absent keys,
//! `NotAction` / `NotResource` / `NotPrincipal`, and service and account
//! principals. Single-valued keys carry one value; only the multivalued
//! `aws:TagKeys` carries several, and only set operators read it ("Single-valued
//! vs. multivalued context keys": multivalued keys require a set operator).
//!
//! Needs `tools/just iam-judge`.

#[path = "support/iam_judge.rs"]
mod iam_judge;

use std::collections::BTreeMap;
use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};

use ctrail_policy::eval::{self, Decision};
use ctrail_policy::{Policy, Principal, Request};
use iam_judge::{Caller, Case, Kind, Verdict};
use serde_json::{Map, Value, json};

const STATEMENTS: usize = 2000;

const ME: &str = "111122223333";
const ROLE: &str = "arn:aws:iam::111122223333:role/reader";
/// The resource's account when an IAM caller is judged by a resource policy:
/// another account, so the resource policy alone decides (see iam_judge).
const OTHER: &str = "999988887777";

/// Request actions and the resource each acts on; the first four are those an
/// identity policy alone can grant.
const REQUESTS: &[(&str, &str)] = &[
    (
        "s3:PutObject",
        "arn:aws:s3:::audit/AWSLogs/111122223333/x.json.gz",
    ),
    ("s3:GetBucketAcl", "arn:aws:s3:::audit"),
    ("sns:Publish", "arn:aws:sns:us-east-1:111122223333:alerts"),
    (
        "logs:PutLogEvents",
        "arn:aws:logs:us-east-1:111122223333:log-group:g:log-stream:111122223333_CloudTrail_us-east-1",
    ),
    (
        "kms:GenerateDataKey",
        "arn:aws:kms:us-east-1:111122223333:key/k1",
    ),
    ("sts:AssumeRole", "arn:aws:iam::111122223333:role/trail"),
];
const ACTION_PATTERNS: &[&str] = &[
    "s3:PutObject",
    "s3:*",
    "kms:GenerateDataKey*",
    "*",
    "S3:getbucketacl",
    "logs:?utLogEvents",
    "sns:Publish",
    "sts:AssumeRole",
];
const RESOURCE_PATTERNS: &[&str] = &[
    "*",
    "arn:aws:s3:::audit/*",
    "arn:aws:s3:::audit",
    "arn:aws:kms:*:111122223333:key/*",
    "arn:aws:sns:us-east-1:111122223333:alerts",
    "arn:aws:logs:us-east-1:111122223333:log-group:g:log-stream:111122223333_CloudTrail_us-east-1*",
    "arn:aws:iam::111122223333:role/*",
];
const PRINCIPALS: &[&str] = &[
    r#""*""#,
    r#"{"AWS": "*"}"#,
    r#"{"Service": "cloudtrail.amazonaws.com"}"#,
    r#"{"Service": ["cloudtrail.amazonaws.com", "logs.us-east-1.amazonaws.com"]}"#,
    r#"{"Service": "logs.us-east-1.amazonaws.com"}"#,
    r#"{"AWS": "111122223333"}"#,
    r#"{"AWS": "arn:aws:iam::111122223333:root"}"#,
    r#"{"AWS": "arn:aws:iam::111122223333:role/reader"}"#,
    r#"{"AWS": "arn:aws:iam::444455556666:root"}"#,
];

/// One operator family: its operators, and the keys it is used with, each
/// with the values a policy names and the values a request sends.
struct Family {
    operators: &'static [&'static str],
    keys: &'static [KeyValues],
}

struct KeyValues {
    key: &'static str,
    policy: &'static [&'static str],
    request: &'static [&'static str],
}

const STRING_OPS: &[&str] = &[
    "StringEquals",
    "StringNotEquals",
    "StringEqualsIgnoreCase",
    "StringNotEqualsIgnoreCase",
    "StringLike",
    "StringNotLike",
];

const FAMILIES: &[Family] = &[
    Family {
        operators: STRING_OPS,
        keys: &[
            KeyValues {
                key: "s3:x-amz-acl",
                policy: &[
                    "bucket-owner-full-control",
                    "BUCKET-owner-full-control",
                    "bucket-*",
                    "*-control",
                    "privat?",
                ],
                request: &[
                    "bucket-owner-full-control",
                    "Bucket-Owner-Full-Control",
                    "private",
                    "public-read",
                ],
            },
            KeyValues {
                key: "aws:SourceAccount",
                policy: &["111122223333", "444455556666", "1111*"],
                request: &["111122223333", "444455556666", "999999999999"],
            },
        ],
    },
    Family {
        operators: &["ArnEquals", "ArnLike", "ArnNotEquals", "ArnNotLike"],
        keys: &[KeyValues {
            key: "aws:SourceArn",
            policy: &[
                "arn:aws:cloudtrail:us-east-1:111122223333:trail/audit",
                "arn:aws:cloudtrail:*:111122223333:trail/*",
                "arn:aws:cloudtrail:us-*:111122223333:trail/a?dit",
                "arn:aws:*:*:111122223333:*",
                "arn:aws:logs:*:111122223333:log-group:*",
            ],
            request: &[
                "arn:aws:cloudtrail:us-east-1:111122223333:trail/audit",
                "arn:aws:cloudtrail:eu-west-1:111122223333:trail/other",
                // A `*` must not cross a `:`: the account part is `x` here.
                "arn:aws:cloudtrail:us-east-1:x:111122223333:trail/audit",
                "arn:aws:cloudtrail:us-east-1:444455556666:trail/audit",
                "arn:aws:logs:us-east-1:111122223333:log-group:g:log-stream:s",
            ],
        }],
    },
    Family {
        operators: &["IpAddress", "NotIpAddress"],
        keys: &[KeyValues {
            key: "aws:SourceIp",
            policy: &[
                "10.0.0.0/8",
                "192.0.2.0/24",
                "203.0.113.7/32",
                "198.51.100.0/22",
                "2001:db8::/32",
            ],
            request: &[
                "10.1.2.3",
                "192.0.2.200",
                "203.0.113.7",
                "203.0.113.8",
                "198.51.103.255",
                "198.51.104.0",
                "2001:db8:abcd::1",
                "2001:db9::1",
            ],
        }],
    },
    Family {
        operators: &[
            "NumericEquals",
            "NumericNotEquals",
            "NumericLessThan",
            "NumericLessThanEquals",
            "NumericGreaterThan",
            "NumericGreaterThanEquals",
        ],
        keys: &[KeyValues {
            key: "s3:max-keys",
            policy: &["10", "100", "2.5", "0"],
            request: &["0", "10", "11", "2.5", "99.9", "100"],
        }],
    },
    Family {
        operators: &[
            "DateEquals",
            "DateNotEquals",
            "DateLessThan",
            "DateLessThanEquals",
            "DateGreaterThan",
            "DateGreaterThanEquals",
        ],
        keys: &[
            KeyValues {
                key: "aws:CurrentTime",
                policy: &["2026-01-01T00:00:00Z", "2025-06-30T12:00:00Z", "2026-01-01"],
                request: &[
                    "2026-01-01T00:00:00Z",
                    "2025-12-31T23:59:59Z",
                    "2026-03-01T08:00:00Z",
                ],
            },
            KeyValues {
                key: "aws:EpochTime",
                policy: &["1767225600", "1751284800"],
                request: &["1767225600", "1767225599", "1772352000"],
            },
        ],
    },
    Family {
        operators: &["Bool"],
        keys: &[
            KeyValues {
                key: "aws:SecureTransport",
                policy: &["true", "false", "TRUE"],
                request: &["true", "false"],
            },
            KeyValues {
                key: "aws:PrincipalIsAWSService",
                policy: &["true", "false"],
                request: &["true", "false"],
            },
        ],
    },
    Family {
        operators: &["BinaryEquals"],
        keys: &[KeyValues {
            key: "test:BinaryValue",
            policy: &["QUJD", "QUJE", "aGVsbG8="],
            request: &["QUJD", "aGVsbG8=", "QUJF"],
        }],
    },
];

/// The multivalued key, read only through set operators.
const TAG_KEYS: KeyValues = KeyValues {
    key: "aws:TagKeys",
    policy: &["env", "team", "Owner", "own*", "t?am"],
    request: &["env", "team", "owner", "Owner", "cost"],
};

struct Gen(fastrand::Rng);

impl Gen {
    fn pick<'a>(&mut self, from: &[&'a str]) -> &'a str {
        from[self.0.usize(..from.len())]
    }
    fn chance(&mut self, p: f64) -> bool {
        self.0.f64() < p
    }
    /// 1 to `max` distinct values, as a string or a list.
    fn values(&mut self, from: &[&str], max: usize) -> Value {
        let mut v: Vec<&str> = (0..self.0.usize(1..=max))
            .map(|_| self.pick(from))
            .collect();
        v.dedup();
        if v.len() == 1 && self.0.bool() {
            json!(v[0])
        } else {
            json!(v)
        }
    }

    /// One condition: (operator, key, policy values), and the key's pool of
    /// request values and whether it is multivalued.
    fn condition(&mut self) -> (String, &'static KeyValues, bool) {
        if self.chance(0.1) {
            // Null on any key.
            let f = &FAMILIES[self.0.usize(..FAMILIES.len())];
            let k = &f.keys[self.0.usize(..f.keys.len())];
            return ("Null".into(), k, false);
        }
        if self.chance(0.12) {
            let set = if self.0.bool() {
                "ForAnyValue:"
            } else {
                "ForAllValues:"
            };
            let op = self.pick(STRING_OPS);
            let if_exists = if self.chance(0.2) { "IfExists" } else { "" };
            return (format!("{set}{op}{if_exists}"), &TAG_KEYS, true);
        }
        let f = &FAMILIES[self.0.usize(..FAMILIES.len())];
        let k = &f.keys[self.0.usize(..f.keys.len())];
        let op = self.pick(f.operators);
        let set = if self.chance(0.15) {
            if self.0.bool() {
                "ForAnyValue:"
            } else {
                "ForAllValues:"
            }
        } else {
            ""
        };
        let if_exists = if self.chance(0.3) { "IfExists" } else { "" };
        (format!("{set}{op}{if_exists}"), k, false)
    }

    fn case(&mut self) -> Case {
        let kind = if self.chance(0.7) {
            Kind::Resource
        } else {
            Kind::Identity
        };
        // An identity policy alone grants nothing on a KMS key or a role's
        // trust (their resource policy must grant too; iam-simulate models
        // that), so identity cases ask for S3, SNS and Logs actions.
        let requests = match kind {
            Kind::Resource => REQUESTS,
            Kind::Identity => &REQUESTS[..4],
        };
        let (action, resource) = requests[self.0.usize(..requests.len())];
        let mut s = Map::new();
        s.insert("Sid".into(), json!("S"));
        let effect = if self.0.bool() { "Allow" } else { "Deny" };
        s.insert("Effect".into(), json!(effect));
        if kind == Kind::Resource {
            let p: Value = serde_json::from_str(self.pick(PRINCIPALS)).expect("principal");
            let element = if self.chance(0.15) {
                "NotPrincipal"
            } else {
                "Principal"
            };
            s.insert(element.into(), p);
        }
        let mut actions = vec![json!(self.pick(ACTION_PATTERNS))];
        if self.chance(0.75) {
            actions.push(json!(action));
        }
        let element = if self.chance(0.15) {
            "NotAction"
        } else {
            "Action"
        };
        s.insert(element.into(), Value::Array(actions));
        let mut resources = vec![json!(self.pick(RESOURCE_PATTERNS))];
        if self.chance(0.75) {
            resources.push(json!(resource));
        }
        let r = self.0.f64();
        if kind == Kind::Identity || r < 0.85 {
            let element = if r < 0.7 || kind == Kind::Identity && r < 0.85 {
                "Resource"
            } else {
                "NotResource"
            };
            s.insert(element.into(), Value::Array(resources));
        }
        let mut context: BTreeMap<String, Vec<String>> = BTreeMap::new();
        let mut ops = Map::new();
        let n = match self.0.usize(..10) {
            0..=1 => 0,
            2..=6 => 1,
            _ => 2,
        };
        for _ in 0..n {
            let (op, kv, multi) = self.condition();
            let values = if op == "Null" {
                json!(if self.0.bool() { "true" } else { "false" })
            } else {
                self.values(kv.policy, 2)
            };
            let keys = ops
                .entry(op)
                .or_insert_with(|| Value::Object(Map::new()))
                .as_object_mut()
                .expect("keys");
            keys.insert(kv.key.into(), values);
            // The request sends the key or leaves it out.
            if !context.contains_key(kv.key) && self.chance(0.65) {
                let sent: Vec<String> = if multi {
                    let mut v: Vec<String> = (0..self.0.usize(1..=3))
                        .map(|_| self.pick(kv.request).to_owned())
                        .collect();
                    v.sort();
                    v.dedup();
                    v
                } else {
                    vec![self.pick(kv.request).to_owned()]
                };
                context.insert(kv.key.into(), sent);
            }
        }
        if !ops.is_empty() {
            s.insert("Condition".into(), Value::Object(ops));
        }
        let caller = match (kind, self.0.usize(..20)) {
            (Kind::Resource, 0..=7) => Caller::Service("cloudtrail.amazonaws.com".into()),
            (Kind::Resource, 8..=10) => Caller::Service("logs.us-east-1.amazonaws.com".into()),
            _ => Caller::Aws {
                arn: ROLE.into(),
                account: ME.into(),
            },
        };
        let account = match (kind, &caller) {
            (Kind::Resource, Caller::Aws { .. }) => OTHER,
            _ => ME,
        };
        Case {
            policy: json!({"Version": "2012-10-17", "Statement": [Value::Object(s)]}),
            kind,
            caller,
            action: action.into(),
            resource: resource.into(),
            account: account.into(),
            context,
        }
    }
}

/// ctrail's verdict, or why it has none.
fn ctrail(case: &Case) -> Result<Verdict, String> {
    let policy = Policy::parse(&case.policy).map_err(|e| e.to_string())?;
    let principal = match &case.caller {
        Caller::Service(s) => Principal::Service(s),
        Caller::Aws { arn, account } => Principal::Aws { arn, account },
    };
    let mut req = Request::new(principal, &case.action, &case.resource);
    for (k, values) in &case.context {
        for v in values {
            req = req.with(k, v.clone());
        }
    }
    let kind = match case.kind {
        Kind::Resource => eval::Kind::Resource,
        Kind::Identity => eval::Kind::Identity,
    };
    match eval::evaluate(&policy, kind, &req) {
        Decision::Allowed(_) => Ok(Verdict::Allowed),
        Decision::Denied(_) => Ok(Verdict::ExplicitlyDenied),
        Decision::NotAllowed { .. } => Ok(Verdict::ImplicitlyDenied),
        // Every operator the generator uses is one ctrail implements, so
        // "cannot judge" is a disagreement.
        other @ Decision::CannotJudge { .. } => Err(other.reason()),
    }
}

/// The adapter's evaluator, in one Python process.
fn adapter(cases: &[Case]) -> Vec<Verdict> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let script = root.join("tests/proxy/aws_rules.py");
    let mut child = Command::new("python3")
        .arg(&script)
        .arg("--judge")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("python3 for tests/proxy/aws_rules.py");
    let input: String = cases.iter().map(|c| format!("{}\n", to_json(c))).collect();
    let mut stdin = child.stdin.take().expect("stdin");
    let writer = std::thread::spawn(move || stdin.write_all(input.as_bytes()));
    let out = child.wait_with_output().expect("adapter output");
    writer.join().expect("writer").expect("cases written");
    assert!(out.status.success(), "aws_rules.py --judge failed");
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| {
            let v: Value = serde_json::from_str(l).expect("adapter verdict");
            match v["verdict"].as_str() {
                Some("allowed") => Verdict::Allowed,
                Some("explicitly denied") => Verdict::ExplicitlyDenied,
                _ => Verdict::ImplicitlyDenied,
            }
        })
        .collect()
}

fn to_json(c: &Case) -> Value {
    c.to_json()
}

#[test]
fn ctrail_the_adapter_and_iam_simulate_agree() {
    let mut g = Gen(fastrand::Rng::with_seed(24));
    let cases: Vec<Case> = (0..STATEMENTS).map(|_| g.case()).collect();
    let judged = iam_judge::judge(&cases);
    let by_adapter = adapter(&cases);
    assert_eq!(
        by_adapter.len(),
        cases.len(),
        "the adapter answered every case"
    );
    let mut ctrail_differs = Vec::new();
    let mut adapter_differs = Vec::new();
    for (i, case) in cases.iter().enumerate() {
        let mine = ctrail(case);
        if mine.as_ref().ok() != Some(&judged[i]) {
            ctrail_differs.push(format!(
                "case {i}: ctrail {mine:?}, iam-simulate {:?}\n{:#}",
                judged[i],
                to_json(case)
            ));
        }
        if by_adapter[i] != judged[i] {
            adapter_differs.push(format!(
                "case {i}: adapter {:?}, iam-simulate {:?}\n{:#}",
                by_adapter[i],
                judged[i],
                to_json(case)
            ));
        }
    }
    let allowed = judged.iter().filter(|v| v.allowed()).count();
    let denied = judged
        .iter()
        .filter(|v| **v == Verdict::ExplicitlyDenied)
        .count();
    eprintln!(
        "{STATEMENTS} statements: iam-simulate allowed {allowed}, explicitly denied {denied}; \
         ctrail disagrees on {}, the adapter on {}",
        ctrail_differs.len(),
        adapter_differs.len()
    );
    // CTRAIL_DIFFERENTIAL_OUT=<file> writes every disagreement there.
    if let Ok(path) = std::env::var("CTRAIL_DIFFERENTIAL_OUT") {
        let all = [ctrail_differs.join("\n"), adapter_differs.join("\n")].join("\n");
        std::fs::write(&path, all).expect("CTRAIL_DIFFERENTIAL_OUT written");
    }
    let show = |v: &[String]| v.iter().take(8).cloned().collect::<Vec<_>>().join("\n");
    assert!(
        ctrail_differs.is_empty() && adapter_differs.is_empty(),
        "ctrail disagrees with iam-simulate on {} of {STATEMENTS} statements, the adapter on {}:\n{}\n{}",
        ctrail_differs.len(),
        adapter_differs.len(),
        show(&ctrail_differs),
        show(&adapter_differs)
    );
}
