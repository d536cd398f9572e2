//! Policy evaluation as AWS documents it, for one document at a time.
//!
//! IAM User Guide, "Policy evaluation logic"
//! (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html):
//! an explicit Deny in any applicable statement wins; otherwise an applicable
//! Allow grants; otherwise the request is implicitly denied. A statement
//! applies when its principal (resource policies only), action, resource and
//! every condition match.
//!
//! Conditions are judged by `condition` (every operator family of "IAM JSON
//! policy elements: Condition operators", with `IfExists`, `Null` and the
//! set operators). A statement with an operator ctrail does not know is
//! never taken as a silent "no match": when such a Deny might apply
//! (everything else matches), or such an Allow is the only one that could
//! grant, the decision is `CannotJudge`, which names the statement and the
//! operator.
//!
//! Principals ("IAM JSON policy elements: Principal",
//! https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html):
//! an account principal (`arn:aws:iam::<account>:root` or the bare id) stands
//! for the account's IAM principals; it names no service, so it grants a
//! service principal nothing. `"*"` and `{"AWS": "*"}` are everyone,
//! services included.

use std::collections::{BTreeMap, BTreeSet};

use crate::condition::{self, Truth};
use crate::document::{Effect, Policy, Principals, Statement};
use crate::glob;

/// Who makes the request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Principal<'a> {
    /// A service principal such as `cloudtrail.amazonaws.com`.
    Service(&'a str),
    /// An IAM principal (role, user or account root) of `account`.
    Aws { arn: &'a str, account: &'a str },
}

impl std::fmt::Display for Principal<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Principal::Service(s) => f.write_str(s),
            Principal::Aws { arn, .. } => f.write_str(arn),
        }
    }
}

/// One request, with the condition keys the caller sends.
#[derive(Debug, Clone)]
pub struct Request<'a> {
    pub principal: Principal<'a>,
    pub action: &'a str,
    pub resource: &'a str,
    context: BTreeMap<String, Vec<String>>,
    /// Keys the request may carry with values ctrail could not read (e.g.
    /// `aws:SourceOrgID` when the organization could not be asked): a
    /// condition on one is judged neither true nor false.
    unknown: BTreeSet<String>,
}

impl<'a> Request<'a> {
    pub fn new(principal: Principal<'a>, action: &'a str, resource: &'a str) -> Self {
        Request {
            principal,
            action,
            resource,
            context: BTreeMap::new(),
            unknown: BTreeSet::new(),
        }
    }

    /// Marks a key whose value the request may carry but ctrail does not
    /// know: a statement whose outcome turns on it is `CannotJudge`.
    pub fn with_unknown(mut self, key: &str) -> Self {
        self.unknown.insert(key.to_ascii_lowercase());
        self
    }

    fn is_unknown(&self, key: &str) -> bool {
        self.unknown.contains(&key.to_ascii_lowercase())
    }

    /// Adds a condition key the request carries (names are case-insensitive).
    pub fn with(mut self, key: &str, value: impl Into<String>) -> Self {
        self.context
            .entry(key.to_ascii_lowercase())
            .or_default()
            .push(value.into());
        self
    }

    fn get(&self, key: &str) -> Option<&Vec<String>> {
        self.context.get(&key.to_ascii_lowercase())
    }
}

/// Whether the document's principal element is checked: resource policies
/// (bucket, key, topic, trust) name principals; identity policies do not.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Resource,
    Identity,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decision {
    /// Allowed by this statement (its label).
    Allowed(String),
    /// Explicitly denied by this statement.
    Denied(String),
    /// No statement allows it; `near` says which Allow statements almost did
    /// and what they lacked.
    NotAllowed { near: Vec<String> },
    /// `statement` (its label) uses a condition operator ctrail cannot judge,
    /// and is a Deny that might apply or the only Allow that could grant.
    CannotJudge { statement: String, operator: String },
}

impl Decision {
    pub fn allowed(&self) -> bool {
        matches!(self, Decision::Allowed(_))
    }

    /// A sentence for an error message.
    pub fn reason(&self) -> String {
        match self {
            Decision::Allowed(s) => format!("allowed by {s}"),
            Decision::Denied(s) => format!("explicitly denied by {s}"),
            Decision::NotAllowed { near } if near.is_empty() => "no statement allows it".into(),
            Decision::NotAllowed { near } => {
                format!("no statement allows it ({})", near.join("; "))
            }
            Decision::CannotJudge {
                statement,
                operator,
            } => format!("cannot judge: {statement} uses condition operator {operator}"),
        }
    }
}

pub fn evaluate(policy: &Policy, kind: Kind, req: &Request<'_>) -> Decision {
    let mut allowed = None;
    let mut unjudged_deny = None;
    let mut unjudged_allow = None;
    let mut near = Vec::new();
    for s in &policy.statements {
        match applies(s, kind, req) {
            Ok(()) => match s.effect {
                Effect::Deny => return Decision::Denied(s.label()),
                Effect::Allow => {
                    allowed.get_or_insert_with(|| s.label());
                }
            },
            Err(Miss::Unknown(operator)) => {
                let slot = match s.effect {
                    Effect::Deny => &mut unjudged_deny,
                    Effect::Allow => &mut unjudged_allow,
                };
                slot.get_or_insert_with(|| Decision::CannotJudge {
                    statement: s.label(),
                    operator,
                });
            }
            Err(Miss::Conditions(failed)) if s.effect == Effect::Allow => {
                near.push(format!("{} needs {}", s.label(), failed.join(" and ")));
            }
            Err(Miss::Resource) if s.effect == Effect::Allow => {
                near.push(format!("{} does not cover {}", s.label(), req.resource));
            }
            Err(_) => {}
        }
    }
    if let Some(d) = unjudged_deny {
        return d;
    }
    match (allowed, unjudged_allow) {
        (Some(s), _) => Decision::Allowed(s),
        (None, Some(d)) => d,
        (None, None) => Decision::NotAllowed { near },
    }
}

enum Miss {
    Principal,
    Action,
    Resource,
    Conditions(Vec<String>),
    /// Everything else matches, no condition fails, and this operator is one
    /// ctrail cannot judge.
    Unknown(String),
}

/// An element (`Action`) and its Not form (`NotAction`): the element must
/// match, its Not form must not; a statement with neither is `neither`.
fn matched<T>(
    element: Option<&T>,
    not: Option<&T>,
    matches: impl Fn(&T) -> bool,
    neither: bool,
) -> bool {
    match (element, not) {
        (Some(e), _) => matches(e),
        (None, Some(n)) => !matches(n),
        (None, None) => neither,
    }
}

fn applies(s: &Statement, kind: Kind, req: &Request<'_>) -> Result<(), Miss> {
    let principal = |p: &Principals| principal_matches(p, req.principal);
    let principal_ok = matched(
        s.principal.as_ref(),
        s.not_principal.as_ref(),
        principal,
        false,
    );
    if kind == Kind::Resource && !principal_ok {
        return Err(Miss::Principal);
    }
    let action = |a: &Vec<String>| a.iter().any(|p| glob::matches(p, req.action, true));
    if !matched(s.action.as_ref(), s.not_action.as_ref(), action, false) {
        return Err(Miss::Action);
    }
    let resource = |r: &Vec<String>| r.iter().any(|p| glob::matches(p, req.resource, false));
    // A resource policy may leave Resource out (a role's trust policy).
    let no_resource = kind == Kind::Resource;
    if !matched(
        s.resource.as_ref(),
        s.not_resource.as_ref(),
        resource,
        no_resource,
    ) {
        return Err(Miss::Resource);
    }
    let mut failed = Vec::new();
    let mut unknown = None;
    for c in &s.conditions {
        let sent = req.get(&c.key);
        let truth = if req.is_unknown(&c.key) && sent.is_none() {
            Truth::Unknown
        } else if c.values.iter().any(|v| has_policy_variable(v)) {
            // IAM User Guide, "IAM policy elements: Variables and tags": a
            // `${key}` in a value is replaced by the request's value of that
            // key; ctrail does not substitute them, so it does not guess.
            Truth::Unknown
        } else {
            condition::judge(c, sent.map(Vec::as_slice))
        };
        match truth {
            Truth::Holds => {}
            Truth::Unknown => {
                unknown.get_or_insert_with(|| c.operator.clone());
            }
            Truth::Fails => {
                let sent = sent
                    .map(|v| format!("the request sends {v:?}"))
                    .unwrap_or_else(|| "the request does not send this key".into());
                failed.push(format!("{} {} {:?} ({sent})", c.operator, c.key, c.values));
            }
        }
    }
    match unknown {
        _ if !failed.is_empty() => Err(Miss::Conditions(failed)),
        Some(operator) => Err(Miss::Unknown(operator)),
        None => Ok(()),
    }
}

/// Whether a condition value holds a policy variable (`${aws:username}`),
/// other than the escapes `${*}`, `${?}` and `${$}`.
fn has_policy_variable(value: &str) -> bool {
    value.match_indices("${").any(|(i, _)| {
        !["${*}", "${?}", "${$}"]
            .iter()
            .any(|e| value[i..].starts_with(e))
    })
}

fn principal_matches(p: &Principals, who: Principal<'_>) -> bool {
    let map = match p {
        Principals::Any => return true,
        Principals::Of(m) => m,
    };
    // {"AWS": "*"} means everyone, services included.
    if map.get("AWS").is_some_and(|v| v.iter().any(|x| x == "*")) {
        return true;
    }
    match who {
        Principal::Service(service) => map
            .get("Service")
            .is_some_and(|v| v.iter().any(|x| x.eq_ignore_ascii_case(service))),
        Principal::Aws { arn, account } => map.get("AWS").is_some_and(|v| {
            v.iter().any(|x| {
                x == arn
                    || x == account
                    || x.strip_prefix("arn:")
                        .and_then(|r| r.split_once(":iam::"))
                        .is_some_and(|(_, rest)| rest == format!("{account}:root"))
            })
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn policy(v: serde_json::Value) -> Policy {
        Policy::parse(&v).expect("policy")
    }

    /// A policy that allows anyone every S3 action, but for the deny
    /// `statements`.
    fn allowed_but(statements: serde_json::Value) -> Policy {
        let mut all =
            vec![json!({"Effect": "Allow", "Principal": "*", "Action": "s3:*", "Resource": "*"})];
        all.extend(statements.as_array().expect("statements").iter().cloned());
        policy(json!({ "Statement": all }))
    }

    const CT: Principal<'static> = Principal::Service("cloudtrail.amazonaws.com");

    #[test]
    fn allow_with_conditions() {
        let p = policy(json!({"Statement": [{"Sid": "W", "Effect": "Allow",
            "Principal": {"Service": "cloudtrail.amazonaws.com"}, "Action": "s3:PutObject",
            "Resource": "arn:aws:s3:::b/AWSLogs/1/*",
            "Condition": {"StringEquals": {"s3:x-amz-acl": "bucket-owner-full-control",
                                           "aws:SourceArn": "arn:aws:cloudtrail:us-east-1:1:trail/t"}}}]}));
        let req = Request::new(CT, "s3:PutObject", "arn:aws:s3:::b/AWSLogs/1/CloudTrail/x")
            .with("s3:x-amz-acl", "bucket-owner-full-control")
            .with("aws:SourceArn", "arn:aws:cloudtrail:us-east-1:1:trail/t");
        assert_eq!(
            evaluate(&p, Kind::Resource, &req),
            Decision::Allowed("statement \"W\"".into())
        );
        let other = Request::new(CT, "s3:PutObject", "arn:aws:s3:::b/AWSLogs/1/x")
            .with("s3:x-amz-acl", "bucket-owner-full-control")
            .with(
                "aws:SourceArn",
                "arn:aws:cloudtrail:us-east-1:1:trail/other",
            );
        let d = evaluate(&p, Kind::Resource, &other);
        assert!(!d.allowed());
        assert!(d.reason().contains("aws:SourceArn"), "{}", d.reason());
        let wrong_place = Request::new(CT, "s3:PutObject", "arn:aws:s3:::b/logs/x");
        assert!(
            evaluate(&p, Kind::Resource, &wrong_place)
                .reason()
                .contains("does not cover")
        );
    }

    #[test]
    fn explicit_deny_wins_and_negated_operators() {
        let p = allowed_but(json!([
            {"Sid": "TLS", "Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": "*",
             "Condition": {"Bool": {"aws:SecureTransport": "false"}}},
            {"Sid": "NotMe", "Effect": "Deny", "Principal": "*", "Action": "s3:PutObject", "Resource": "*",
             "Condition": {"StringNotEquals": {"aws:SourceAccount": "1"}}}]));
        let ok = Request::new(CT, "s3:PutObject", "x")
            .with("aws:SecureTransport", "true")
            .with("aws:SourceAccount", "1");
        assert!(evaluate(&p, Kind::Resource, &ok).allowed());
        let insecure =
            Request::new(CT, "s3:GetBucketAcl", "x").with("aws:SecureTransport", "false");
        assert_eq!(
            evaluate(&p, Kind::Resource, &insecure),
            Decision::Denied("statement \"TLS\"".into())
        );
        // The key is missing: a negated operator is true, so the Deny applies.
        let no_account = Request::new(CT, "s3:PutObject", "x").with("aws:SecureTransport", "true");
        assert_eq!(
            evaluate(&p, Kind::Resource, &no_account),
            Decision::Denied("statement \"NotMe\"".into())
        );
    }

    #[test]
    fn missing_keys_if_exists_null_and_sets() {
        let p = policy(
            json!([{"Sid": "A", "Effect": "Allow", "Principal": {"Service": "cloudtrail.amazonaws.com"},
            "Action": "sts:AssumeRole",
            "Condition": {"StringEquals": {"aws:SourceAccount": "1"}}}]),
        );
        // CloudTrail sends no source keys when it assumes the CloudWatch Logs role.
        let assume = Request::new(CT, "sts:AssumeRole", "arn:aws:iam::1:role/r");
        assert!(!evaluate(&p, Kind::Resource, &assume).allowed());
        let p = policy(
            json!([{"Effect": "Allow", "Principal": {"Service": "cloudtrail.amazonaws.com"},
            "Action": "sts:AssumeRole", "Condition": {"StringEqualsIfExists": {"aws:SourceAccount": "1"}}}]),
        );
        assert!(evaluate(&p, Kind::Resource, &assume).allowed());
        let p = policy(
            json!([{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::1:root"},
            "Action": "kms:Decrypt", "Resource": "*",
            "Condition": {"Null": {"kms:EncryptionContext:aws:cloudtrail:arn": "false"},
                          "ForAnyValue:StringLike": {"aws:PrincipalTag/team": ["sec*"]}}}]),
        );
        let me = Principal::Aws {
            arn: "arn:aws:iam::1:role/reader",
            account: "1",
        };
        let req = Request::new(me, "kms:Decrypt", "k")
            .with("kms:EncryptionContext:aws:cloudtrail:arn", "t")
            .with("aws:PrincipalTag/team", "ops")
            .with("aws:PrincipalTag/team", "security");
        assert!(evaluate(&p, Kind::Resource, &req).allowed());
        let no_context =
            Request::new(me, "kms:Decrypt", "k").with("aws:PrincipalTag/team", "security");
        assert!(!evaluate(&p, Kind::Resource, &no_context).allowed());
    }

    #[test]
    fn identity_policies_ignore_principal_and_actions_ignore_case() {
        let p = policy(
            json!({"Statement": [{"Effect": "Allow", "Action": ["LOGS:putlogevents"],
            "Resource": "arn:aws:logs:us-east-1:1:log-group:g:log-stream:1_CloudTrail_*"}]}),
        );
        let role = Principal::Aws {
            arn: "arn:aws:iam::1:role/r",
            account: "1",
        };
        let put = Request::new(
            role,
            "logs:PutLogEvents",
            "arn:aws:logs:us-east-1:1:log-group:g:log-stream:1_CloudTrail_eu-west-1",
        );
        assert!(evaluate(&p, Kind::Identity, &put).allowed());
        let other = Request::new(
            role,
            "logs:PutLogEvents",
            "arn:aws:logs:us-east-1:1:log-group:g:log-stream:mine",
        );
        assert!(!evaluate(&p, Kind::Identity, &other).allowed());
    }

    #[test]
    fn a_deny_not_ip_address_applies_to_a_service() {
        // AWS applies `Deny ... NotIpAddress aws:SourceIp` to a service
        // principal's request: the key is absent, the negation holds.
        let p = policy(json!({"Statement": [
            {"Sid": "W", "Effect": "Allow", "Principal": {"Service": "cloudtrail.amazonaws.com"},
             "Action": "s3:PutObject", "Resource": "*"},
            {"Sid": "OnlyOffice", "Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": "*",
             "Condition": {"NotIpAddress": {"aws:SourceIp": ["192.0.2.0/24", "2001:db8::/32"]}}}]}));
        let put = Request::new(CT, "s3:PutObject", "arn:aws:s3:::b/x");
        assert_eq!(
            evaluate(&p, Kind::Resource, &put),
            Decision::Denied("statement \"OnlyOffice\"".into())
        );
        let office = put.clone().with("aws:SourceIp", "192.0.2.9");
        assert!(evaluate(&p, Kind::Resource, &office).allowed());
        // IfExists: the absent key makes the condition true, so the Deny
        // still applies; the data-perimeter form exempts services by the key
        // they do send (aws:PrincipalIsAWSService).
        let p = policy(json!({"Statement": [
            {"Effect": "Allow", "Principal": {"Service": "cloudtrail.amazonaws.com"},
             "Action": "s3:PutObject", "Resource": "*"},
            {"Sid": "Perimeter", "Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": "*",
             "Condition": {"NotIpAddressIfExists": {"aws:SourceIp": "192.0.2.0/24"},
                           "BoolIfExists": {"aws:PrincipalIsAWSService": "false"}}}]}));
        assert!(!evaluate(&p, Kind::Resource, &put).allowed());
        let from_service = put.clone().with("aws:PrincipalIsAWSService", "true");
        assert!(evaluate(&p, Kind::Resource, &from_service).allowed());
    }

    #[test]
    fn an_operator_it_cannot_judge_is_named() {
        let p = allowed_but(json!([
            {"Sid": "Odd", "Effect": "Deny", "Principal": "*", "Action": "s3:PutObject", "Resource": "*",
             "Condition": {"StringSortOf": {"aws:SourceAccount": "1"}}}]));
        let put = Request::new(CT, "s3:PutObject", "x");
        let d = evaluate(&p, Kind::Resource, &put);
        assert_eq!(
            d,
            Decision::CannotJudge {
                statement: "statement \"Odd\"".into(),
                operator: "StringSortOf".into()
            }
        );
        assert!(!d.allowed());
        assert_eq!(
            d.reason(),
            "cannot judge: statement \"Odd\" uses condition operator StringSortOf"
        );
        // The Deny cannot apply to another action: the Allow decides.
        assert!(
            evaluate(
                &p,
                Kind::Resource,
                &Request::new(CT, "s3:GetBucketAcl", "x")
            )
            .allowed()
        );
        // Nor when another of its conditions fails.
        let p = allowed_but(json!([
            {"Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": "*",
             "Condition": {"StringSortOf": {"aws:SourceAccount": "1"},
                           "Bool": {"aws:SecureTransport": "false"}}}]));
        assert!(
            evaluate(
                &p,
                Kind::Resource,
                &put.clone().with("aws:SecureTransport", "true")
            )
            .allowed()
        );
        // The only Allow that could grant uses it.
        let p = policy(
            json!({"Statement": [{"Sid": "A", "Effect": "Allow", "Principal": "*",
            "Action": "s3:*", "Resource": "*", "Condition": {"StringSortOf": {"k": "v"}}}]}),
        );
        assert!(matches!(
            evaluate(&p, Kind::Resource, &put),
            Decision::CannotJudge { .. }
        ));
        // Another Allow grants: the unknown one does not matter.
        let p = policy(json!({"Statement": [
            {"Effect": "Allow", "Principal": "*", "Action": "s3:*", "Resource": "*",
             "Condition": {"StringSortOf": {"k": "v"}}},
            {"Sid": "B", "Effect": "Allow", "Principal": "*", "Action": "s3:*", "Resource": "*"}]}));
        assert_eq!(
            evaluate(&p, Kind::Resource, &put),
            Decision::Allowed("statement \"B\"".into())
        );
    }

    #[test]
    fn an_account_principal_grants_a_service_nothing() {
        for account in ["111122223333", "arn:aws:iam::111122223333:root"] {
            let p = policy(
                json!({"Statement": [{"Effect": "Allow", "Principal": {"AWS": account},
                "Action": "kms:*", "Resource": "*"}]}),
            );
            let service = Request::new(CT, "kms:GenerateDataKey", "k");
            assert!(
                !evaluate(&p, Kind::Resource, &service).allowed(),
                "{account}"
            );
            let role = Principal::Aws {
                arn: "arn:aws:iam::111122223333:role/r",
                account: "111122223333",
            };
            let member = Request::new(role, "kms:GenerateDataKey", "k");
            assert!(evaluate(&p, Kind::Resource, &member).allowed(), "{account}");
        }
        // "*" is everyone, services included.
        let p = policy(
            json!({"Statement": [{"Effect": "Allow", "Principal": {"AWS": "*"},
            "Action": "kms:*", "Resource": "*"}]}),
        );
        assert!(evaluate(&p, Kind::Resource, &Request::new(CT, "kms:Decrypt", "k")).allowed());
    }

    /// The data-perimeter confused-deputy statement (aws-samples
    /// data-perimeter-policy-examples): with the organization unknown it is
    /// not a Deny ctrail can prove, nor one it can rule out.
    #[test]
    fn a_deny_on_a_key_ctrail_could_not_read_cannot_be_judged() {
        let p = policy(json!({"Statement": [
            {"Sid": "Write", "Effect": "Allow", "Principal": {"Service": "cloudtrail.amazonaws.com"},
             "Action": "s3:PutObject", "Resource": "*"},
            {"Sid": "EnforceConfusedDeputyProtection", "Effect": "Deny", "Principal": "*",
             "Action": "s3:*", "Resource": "*",
             "Condition": {"StringNotEqualsIfExists": {"aws:SourceOrgID": "o-a1b2c3d4e5"},
                           "Null": {"aws:SourceAccount": "false"},
                           "Bool": {"aws:PrincipalIsAWSService": "true"}}}]}));
        let base = Request::new(CT, "s3:PutObject", "arn:aws:s3:::b/k")
            .with("aws:SourceAccount", "1")
            .with("aws:PrincipalIsAWSService", "true");
        let in_org = base.clone().with("aws:SourceOrgID", "o-a1b2c3d4e5");
        assert!(evaluate(&p, Kind::Resource, &in_org).allowed());
        let unknown = base.clone().with_unknown("aws:SourceOrgID");
        assert!(
            matches!(
                evaluate(&p, Kind::Resource, &unknown),
                Decision::CannotJudge { .. }
            ),
            "{:?}",
            evaluate(&p, Kind::Resource, &unknown)
        );
        // Known to be outside the organization: denied, as AWS does.
        let outside = base.with("aws:SourceOrgID", "o-other");
        assert!(matches!(
            evaluate(&p, Kind::Resource, &outside),
            Decision::Denied(_)
        ));
    }

    #[test]
    fn a_policy_variable_is_not_compared_as_text() {
        let p = policy(json!({"Statement": [
            {"Effect": "Allow", "Principal": "*", "Action": "s3:PutObject", "Resource": "*"},
            {"Sid": "OwnAccountOnly", "Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": "*",
             "Condition": {"StringNotEquals": {"aws:SourceAccount": "${aws:PrincipalAccount}"}}}]}));
        let req = Request::new(CT, "s3:PutObject", "k").with("aws:SourceAccount", "1");
        assert!(matches!(
            evaluate(&p, Kind::Resource, &req),
            Decision::CannotJudge { .. }
        ));
        // The escapes are text.
        assert!(!has_policy_variable("a${*}b${?}${$}"));
        assert!(has_policy_variable("arn:aws:s3:::b/${aws:username}/*"));
    }

    #[test]
    fn if_exists_on_an_absent_key_holds_whatever_the_operator() {
        let p = policy(json!({"Statement": [
            {"Effect": "Allow", "Principal": "*", "Action": "s3:PutObject", "Resource": "*",
             "Condition": {"SomeFutureOperatorIfExists": {"aws:SourceVpce": "vpce-1"}}}]}));
        let req = Request::new(CT, "s3:PutObject", "k");
        assert!(evaluate(&p, Kind::Resource, &req).allowed());
        let with_key = req.with("aws:SourceVpce", "vpce-1");
        assert!(!evaluate(&p, Kind::Resource, &with_key).allowed());
    }
}
