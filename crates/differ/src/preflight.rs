//! The preflight: before any write, prove that every grant CloudTrail (and
//! CloudWatch Logs, and CloudWatch alarms) needs holds in the documents as
//! they will be after apply: the desired document where ctrail manages it,
//! the live one where it does not (a key policy with `manage_key_policy:
//! false`, the statements of others in a key or topic policy), and SNS's
//! default policy for a topic ctrail is about to create.
//!
//! Each check is a request as the service principal makes it, with the
//! condition keys it sends (docs/aws-rules.md, "Which condition keys each
//! service principal sends"), judged by `ctrail_policy::evaluate`. A request
//! that is not allowed is a `Finding`, naming the document, the principal,
//! the action and the exception AWS would answer.

use ctrail_graph::ResourceGraph;
use ctrail_kinds::LiveState;
use ctrail_kinds::cloudtrail::trail::Trail as TrailAttributes;
use ctrail_kinds::iam::{role::Role, role_policy::RolePolicy};
use ctrail_kinds::kms::key_policy::KeyPolicy;
use ctrail_kinds::logs::group::LogGroup;
use ctrail_kinds::monitoring::metric_alarm::MetricAlarm;
use ctrail_kinds::s3::{encryption::Encryption, policy::BucketPolicy};
use ctrail_kinds::sns::{topic::Topic, topic_policy::TopicPolicy};
use ctrail_model::{Finding, Grant, Placeholder, ResourceKind as K};
use ctrail_policy::eval::{Decision, Kind, evaluate};
use ctrail_policy::{Policy, Principal, Request};
use serde_json::{Value, json};

const CLOUDTRAIL: &str = "cloudtrail.amazonaws.com";
const CLOUDWATCH: &str = "cloudwatch.amazonaws.com";

/// The trail as it will be after apply, from its desired attributes.
struct Trail<'a> {
    partition: &'a str,
    account: &'a str,
    /// Whether service requests carry `aws:SourceOrgID`, and its value.
    source_org: SourceOrg<'a>,
    attrs: &'a TrailAttributes,
    exists: bool,
}

impl Trail<'_> {
    fn region(&self) -> &str {
        &self.attrs.home_region
    }
    fn arn(&self) -> String {
        format!(
            "arn:{}:cloudtrail:{}:{}:trail/{}",
            self.partition,
            self.region(),
            self.account,
            self.attrs.name
        )
    }
    fn operation(&self) -> &'static str {
        if self.exists {
            "UpdateTrail"
        } else {
            "CreateTrail"
        }
    }
    /// The regions the checks write from: the home region and, for a
    /// multi-region trail, another one (every other region is the same
    /// request with another region in it).
    fn regions(&self) -> Vec<String> {
        let home = self.region().to_owned();
        let mut r = vec![home.clone()];
        if self.attrs.is_multi_region_trail {
            r.push(
                if home == "us-west-2" {
                    "eu-west-1"
                } else {
                    "us-west-2"
                }
                .to_owned(),
            );
        }
        r
    }
    /// A request from CloudTrail acting for this trail.
    fn request<'r>(&self, action: &'r str, resource: &'r str) -> Request<'r> {
        service_request(CLOUDTRAIL, action, resource, self.source_org)
            .with("aws:SourceArn", self.arn())
            .with("aws:SourceAccount", self.account)
    }
}

/// A request a service principal makes: it carries
/// `aws:PrincipalIsAWSService` = true, and `aws:SourceOrgID` when the
/// account belongs to an organization (IAM User Guide, "AWS global condition
/// context keys",
/// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html:
/// "aws:PrincipalIsAWSService", "aws:SourceOrgID"). So a data-perimeter Deny
/// that exempts AWS services (`BoolIfExists aws:PrincipalIsAWSService
/// false`) does not apply to them, as in AWS.
fn service_request<'r>(
    service: &'r str,
    action: &'r str,
    resource: &'r str,
    org: SourceOrg<'_>,
) -> Request<'r> {
    let req = Request::new(Principal::Service(service), action, resource)
        .with("aws:PrincipalIsAWSService", "true");
    match org {
        SourceOrg::Member(id) => req.with("aws:SourceOrgID", id),
        SourceOrg::Unknown => req
            .with_unknown("aws:SourceOrgID")
            .with_unknown("aws:SourceOrgPaths"),
        SourceOrg::None => req,
    }
}

/// The account's organization, as the requests of service principals show
/// it (`aws:SourceOrgID`).
#[derive(Debug, Clone, Copy)]
enum SourceOrg<'a> {
    /// In no organization (or the request sends no such key).
    None,
    Member(&'a str),
    /// The organization could not be read: a statement turning on it is
    /// "cannot judge", never a guess either way.
    Unknown,
}

impl<'a> SourceOrg<'a> {
    fn of(context: &'a ctrail_model::LiveContext) -> Self {
        match (&context.organization_id, context.organization_unknown) {
            (Some(id), _) => SourceOrg::Member(id),
            (None, true) => SourceOrg::Unknown,
            (None, false) => SourceOrg::None,
        }
    }
}

/// The ARN of an alarm of `account` notifying `topic_arn`, in the topic's
/// region: the `aws:SourceArn` its notification carries.
fn alarm_arn(partition: &str, account: &str, topic_arn: &str, alarm: &str) -> String {
    let region = ctrail_model::arn::region(topic_arn).unwrap_or_default();
    format!("arn:{partition}:cloudwatch:{region}:{account}:alarm:{alarm}")
}

/// One check: a request that must be allowed by `document`.
struct Check<'a> {
    operation: &'a str,
    exception: Option<&'a str>,
    document: &'a str,
    /// How the action reads in the finding (the documented wildcard form).
    shown: &'a str,
}

impl<'a> Check<'a> {
    fn of(
        operation: &'a str,
        exception: Option<&'a str>,
        document: &'a str,
        shown: &'a str,
    ) -> Self {
        Check {
            operation,
            exception,
            document,
            shown,
        }
    }
}

fn judge(out: &mut Judgement, policy: &Policy, kind: Kind, req: &Request<'_>, c: &Check<'_>) {
    let decision = evaluate(policy, kind, req);
    if let Decision::Allowed(statement) = &decision {
        out.grants.push(Grant {
            document: c.document.to_owned(),
            principal: req.principal.to_string(),
            action: c.shown.to_owned(),
            resource: req.resource.to_owned(),
            statement: statement.clone(),
        });
    }
    if !decision.allowed() {
        out.findings.push(Finding {
            id: String::new(),
            accepted: false,
            account: None,
            operation: c.operation.to_owned(),
            exception: c.exception.map(str::to_owned),
            document: c.document.to_owned(),
            principal: req.principal.to_string(),
            action: c.shown.to_owned(),
            resource: req.resource.to_owned(),
            reason: decision.reason(),
        });
    }
}

fn parsed(out: &mut Judgement, doc: &Value, document: &str) -> Option<Policy> {
    match Policy::parse(doc) {
        Ok(p) => Some(p),
        Err(e) => {
            out.findings.push(Finding {
                id: String::new(),
                accepted: false,
                account: None,
                operation: "preflight".into(),
                exception: None,
                document: document.to_owned(),
                principal: String::new(),
                action: String::new(),
                resource: String::new(),
                reason: format!("the document cannot be read: {e}"),
            });
            None
        }
    }
}

/// A shared policy after apply: the live document with ctrail's own
/// statements replaced by the desired ones, as the executor writes it; as
/// read when ctrail does not manage its statements there.
fn merged(live_doc: &Value, ours: Option<&Value>) -> Value {
    match ours.and_then(Value::as_array) {
        Some(ours) => ctrail_policy::shared::with_owned(live_doc, ours),
        None => live_doc.clone(),
    }
}

/// The policy SNS gives a new topic: every principal of the owning account
/// (`AWS:SourceOwner`) may use it (Amazon SNS Developer Guide, "Example
/// cases for Amazon SNS access control").
fn sns_default_policy(topic_arn: &str, account: &str) -> Value {
    json!({"Version": "2008-10-17", "Statement": [{
        "Sid": "__default_statement_ID",
        "Effect": "Allow",
        "Principal": {"AWS": "*"},
        "Action": ["SNS:GetTopicAttributes", "SNS:SetTopicAttributes", "SNS:AddPermission",
                   "SNS:RemovePermission", "SNS:DeleteTopic", "SNS:Subscribe",
                   "SNS:ListSubscriptionsByTopic", "SNS:Publish"],
        "Resource": topic_arn,
        "Condition": {"StringEquals": {"AWS:SourceOwner": account}}
    }]})
}

/// The policy KMS gives a key created without one: the account's root
/// principal may do anything with it (AWS KMS Developer Guide, "Default key
/// policy"); service principals get nothing.
fn kms_default_policy(partition: &str, account: &str) -> Value {
    json!({"Version": "2012-10-17", "Statement": [{
        "Sid": "Enable IAM User Permissions",
        "Effect": "Allow",
        "Principal": {"AWS": format!("arn:{partition}:iam::{account}:root")},
        "Action": "kms:*",
        "Resource": "*"
    }]})
}

/// Every grant the desired setup relies on, judged on the documents as they
/// will be after apply. `partition` is the spec's (`aws`, `aws-cn`, ...).
pub fn check(desired: &ResourceGraph, live: &LiveState, partition: &str) -> Vec<Finding> {
    judge_all(desired, live, partition).findings
}

/// What the preflight judged: the grants refused, and the ones given with
/// the statement that gives each.
#[derive(Debug, Default)]
pub struct Judgement {
    pub findings: Vec<Finding>,
    pub grants: Vec<Grant>,
}

/// Every grant the desired setup relies on, judged as `check` does, with
/// the statements that allow the grants given.
pub fn judge_all(desired: &ResourceGraph, live: &LiveState, partition: &str) -> Judgement {
    let mut out = Judgement::default();
    let account = live.context.account_id.as_str();
    for (name, attrs) in desired.each::<TrailAttributes>() {
        let trail = Trail {
            partition,
            account,
            source_org: SourceOrg::of(&live.context),
            attrs,
            exists: live.get::<TrailAttributes>(name).is_some(),
        };
        bucket(&mut out, desired, live, &trail);
        key(&mut out, desired, live, &trail);
        role(&mut out, desired, &trail);
        topic(&mut out, desired, live, &trail);
    }
    alarms(&mut out, desired, live, partition, account);
    out.findings = grouped(out.findings);
    out
}

/// Findings that differ only in their action read as one.
fn grouped(findings: Vec<Finding>) -> Vec<Finding> {
    let mut out: Vec<Finding> = Vec::new();
    for f in findings {
        match out.iter_mut().find(|g| {
            (
                &g.operation,
                &g.exception,
                &g.document,
                &g.principal,
                &g.resource,
                &g.reason,
            ) == (
                &f.operation,
                &f.exception,
                &f.document,
                &f.principal,
                &f.resource,
                &f.reason,
            )
        }) {
            Some(g) => {
                if !g.action.split(", ").any(|a| a == f.action) {
                    g.action.push_str(", ");
                    g.action.push_str(&f.action);
                }
            }
            None => out.push(f),
        }
    }
    let mut ids = std::collections::BTreeSet::new();
    for f in &mut out {
        f.id = f.stable_id();
        if !ids.insert(f.id.clone()) {
            f.id = f.stable_id_with_reason();
            ids.insert(f.id.clone());
        }
    }
    out
}

fn bucket(out: &mut Judgement, g: &ResourceGraph, live: &LiveState, t: &Trail<'_>) {
    let Some(bucket) = t.attrs.s3_bucket_name.as_deref() else {
        return;
    };
    let doc = g
        .want::<BucketPolicy>(bucket)
        .or_else(|| live.get::<BucketPolicy>(bucket))
        .map(|p| &p.policy);
    let document = format!("bucket policy of {bucket}");
    let op = t.operation();
    let exception = Some("InsufficientS3BucketPolicyException");
    let check = |shown| Check::of(op, exception, &document, shown);
    let Some(doc) = doc else {
        // A bucket someone else keeps whose policy could not be read: said,
        // never guessed either way.
        let unread = live
            .unread
            .get(&ctrail_model::Address::new(K::S3BucketPolicy, bucket));
        let reason = match unread {
            Some(why) => format!(
                "cannot judge: the bucket's policy could not be read ({why}); grant this principal s3:GetBucketPolicy on the bucket, or check the policy by hand and accept this finding"
            ),
            None => "the bucket has no policy".into(),
        };
        out.findings.push(Finding {
            id: String::new(),
            accepted: false,
            account: None,
            operation: op.into(),
            exception: Some("InsufficientS3BucketPolicyException".into()),
            document: document.clone(),
            principal: CLOUDTRAIL.into(),
            action: "s3:GetBucketAcl".into(),
            resource: format!("arn:{}:s3:::{bucket}", t.partition),
            reason,
        });
        return;
    };
    let Some(policy) = parsed(out, doc, &document) else {
        return;
    };
    let bucket_arn = format!("arn:{}:s3:::{bucket}", t.partition);
    let acl = t
        .request("s3:GetBucketAcl", &bucket_arn)
        .with("aws:SecureTransport", "true");
    judge(
        out,
        &policy,
        Kind::Resource,
        &acl,
        &check("s3:GetBucketAcl"),
    );
    let prefix = t
        .attrs
        .s3_key_prefix
        .as_ref()
        .map(|p| format!("{p}/"))
        .unwrap_or_default();
    let mut folders = vec![t.account.to_owned()];
    if t.attrs.is_organization_trail
        && let SourceOrg::Member(org) = t.source_org
    {
        folders.push(format!("{org}/{}", t.account));
    }
    for folder in folders {
        for region in t.regions() {
            let object = format!(
                "{bucket_arn}/{prefix}AWSLogs/{folder}/CloudTrail/{region}/2026/01/01/{}_CloudTrail_{region}_20260101T0000Z_example.json.gz",
                t.account
            );
            let put = t
                .request("s3:PutObject", &object)
                .with("s3:x-amz-acl", "bucket-owner-full-control")
                .with("aws:SecureTransport", "true");
            judge(out, &policy, Kind::Resource, &put, &check("s3:PutObject"));
        }
    }
}

fn key(out: &mut Judgement, g: &ResourceGraph, live: &LiveState, t: &Trail<'_>) {
    // A key this apply creates is named by its placeholder until it exists,
    // and starts with KMS's default policy.
    let created = g.resources().any(|r| r.address.kind == K::KmsKey)
        && t.attrs.kms_key_id.as_deref() == Some(Placeholder::KmsKeyArn.token());
    let Some(key_arn) = t
        .attrs
        .kms_key_id
        .as_deref()
        .filter(|k| k.starts_with("arn:") || created)
    else {
        return;
    };
    // ctrail's own statements, when it manages them, and the key as read.
    let ours = g.each::<KeyPolicy>().next().map(|(_, p)| &p.statements);
    let default;
    let read = live
        .all::<KeyPolicy>()
        .next()
        .and_then(|(_, p)| p.document.as_ref());
    let live_key = match read {
        Some(doc) => doc,
        None if created => {
            default = kms_default_policy(t.partition, t.account);
            &default
        }
        None => return,
    };
    let document = format!("key policy of {key_arn}");
    let Some(policy) = parsed(out, &merged(live_key, ours), &document) else {
        return;
    };
    let op = t.operation();
    let exception = Some("InsufficientEncryptionPolicyException");
    let check = |shown| Check::of(op, exception, &document, shown);
    let trail_arn = t.arn();
    let encrypt = t.request("kms:GenerateDataKey", key_arn).with(
        "kms:EncryptionContext:aws:cloudtrail:arn",
        trail_arn.as_str(),
    );
    judge(
        out,
        &policy,
        Kind::Resource,
        &encrypt,
        &check("kms:GenerateDataKey*"),
    );
    let describe = t.request("kms:DescribeKey", key_arn);
    judge(
        out,
        &policy,
        Kind::Resource,
        &describe,
        &check("kms:DescribeKey"),
    );
    // With an S3 Bucket Key on this key, CloudTrail needs kms:Decrypt too.
    let bucket = t.attrs.s3_bucket_name.as_deref().unwrap_or_default();
    let bucket_key = g
        .want::<Encryption>(bucket)
        .is_some_and(|e| e.bucket_key_enabled && e.kms_master_key_id.as_deref() == Some(key_arn));
    if bucket_key {
        let decrypt = t.request("kms:Decrypt", key_arn);
        judge(
            out,
            &policy,
            Kind::Resource,
            &decrypt,
            &check("kms:Decrypt"),
        );
    }
    // CloudWatch Logs, for a log group encrypted with the key.
    for (name, group) in g.each::<LogGroup>() {
        if group.kms_key_arn.as_deref() != Some(key_arn) {
            continue;
        }
        let group_arn = format!(
            "arn:{}:logs:{}:{}:log-group:{name}",
            t.partition,
            t.region(),
            t.account,
        );
        let exists = live.get::<LogGroup>(name).is_some();
        let logs = format!("logs.{}.amazonaws.com", t.region());
        let c = Check::of(
            if exists {
                "AssociateKmsKey"
            } else {
                "CreateLogGroup"
            },
            Some("AccessDeniedException"),
            &document,
            "",
        );
        for (action, shown) in [
            ("kms:Encrypt", "kms:Encrypt*"),
            ("kms:Decrypt", "kms:Decrypt*"),
            ("kms:ReEncryptFrom", "kms:ReEncrypt*"),
            ("kms:GenerateDataKey", "kms:GenerateDataKey*"),
            ("kms:DescribeKey", "kms:Describe*"),
        ] {
            let req = service_request(&logs, action, key_arn, t.source_org)
                .with("kms:EncryptionContext:aws:logs:arn", group_arn.as_str())
                .with("aws:SourceAccount", t.account);
            judge(out, &policy, Kind::Resource, &req, &Check { shown, ..c });
        }
    }
    // CloudWatch alarms, publishing to a topic SNS encrypts with the key: SNS
    // asks KMS for a data key as the publisher (docs/aws-rules.md).
    for (_, topic) in g.each::<Topic>() {
        if topic.kms_master_key_id.as_deref() != Some(key_arn) {
            continue;
        }
        let arn = topic.arn.as_str();
        // Each alarm that notifies the topic: SNS asks KMS as the publisher,
        // with the alarm as aws:SourceArn (docs/aws-rules.md).
        let alarms: Vec<&str> = g
            .each::<MetricAlarm>()
            .filter(|(_, a)| a.alarm_actions.iter().any(|x| x == arn))
            .map(|(name, _)| name)
            .collect();
        let c = Check::of("alarm notification", None, &document, "");
        for alarm in alarms {
            let alarm_arn = alarm_arn(t.partition, t.account, arn, alarm);
            for (action, shown) in [
                ("kms:GenerateDataKey", "kms:GenerateDataKey*"),
                ("kms:Decrypt", "kms:Decrypt"),
            ] {
                let req = service_request(CLOUDWATCH, action, key_arn, t.source_org)
                    .with("aws:SourceArn", alarm_arn.as_str())
                    .with("aws:SourceAccount", t.account);
                judge(out, &policy, Kind::Resource, &req, &Check { shown, ..c });
            }
        }
    }
}

fn role(out: &mut Judgement, g: &ResourceGraph, t: &Trail<'_>) {
    let (Some(role_arn), Some(group_arn)) = (
        t.attrs.cloud_watch_logs_role_arn.as_deref(),
        t.attrs.cloud_watch_logs_log_group_arn.as_deref(),
    ) else {
        return;
    };
    let name = ctrail_model::arn::role_name(role_arn).unwrap_or(role_arn);
    let op = t.operation();
    let exception = Some("InvalidCloudWatchLogsRoleArnException");
    if let Some(trust) = g.want::<Role>(name).map(|r| &r.assume_role_policy) {
        let document = format!("trust policy of role {name}");
        if let Some(policy) = parsed(out, trust, &document) {
            // CloudTrail sends no aws:SourceArn / aws:SourceAccount here.
            // (nor aws:SourceOrgID: "the role policy doesn't support" the source keys).
            let assume = service_request(CLOUDTRAIL, "sts:AssumeRole", role_arn, SourceOrg::None);
            let c = Check::of(op, exception, &document, "sts:AssumeRole");
            judge(out, &policy, Kind::Resource, &assume, &c);
        }
    }
    if let Some(perms) = g.want::<RolePolicy>(name).map(|p| &p.policy) {
        let document = format!("permissions policy of role {name}");
        let Some(policy) = parsed(out, perms, &document) else {
            return;
        };
        // CloudTrail User Guide, "CloudWatch log group and log stream naming
        // for CloudTrail" (https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudwatch-log-group-log-stream-naming-for-cloudtrail.html):
        // the stream is `account_ID_CloudTrail_trail_region`, with
        // `_number` added when the volume is high; the role policy AWS
        // writes for `CloudTrail_CloudWatchLogs_Role` ("Role policy document
        // for CloudTrail to use CloudWatch Logs for monitoring") allows
        // `<account>_CloudTrail_<home region>*`. Which region a
        // multi-region trail's stream names is left open by the page; the
        // console's policy covers the trail's (home) region, so that is the
        // stream judged, with a numbered one (ctrail writes
        // `<account>_CloudTrail_*`, which covers every reading).
        let group = group_arn.trim_end_matches(":*");
        let home = format!("{group}:log-stream:{}_CloudTrail_{}", t.account, t.region());
        let mut streams: Vec<String> = vec![home.clone(), format!("{home}_2")];
        if t.attrs.is_organization_trail
            && let SourceOrg::Member(org) = t.source_org
        {
            // The role page's organization policy allows `<org id>_*` and
            // spells no more (docs/aws-rules.md): the member account's
            // stream, as the S3 paths name it, and its numbered one.
            let org_stream = format!(
                "{group}:log-stream:{org}_{}_CloudTrail_{}",
                t.account,
                t.region()
            );
            streams.push(format!("{org_stream}_2"));
            streams.push(org_stream);
        }
        let me = Principal::Aws {
            arn: role_arn,
            account: t.account,
        };
        for stream in &streams {
            for action in ["logs:CreateLogStream", "logs:PutLogEvents"] {
                let req = Request::new(me, action, stream);
                let c = Check::of(op, exception, &document, action);
                judge(out, &policy, Kind::Identity, &req, &c);
            }
        }
    }
}

/// A topic's policy after apply: live (or SNS's default for a topic about to
/// be created) with ctrail's statements in it.
fn topic_policy(
    g: &ResourceGraph,
    live: &LiveState,
    name: &str,
    arn: &str,
    account: &str,
) -> Value {
    let ours = g.want::<TopicPolicy>(name).map(|p| &p.statements);
    let live_doc = live
        .get::<TopicPolicy>(name)
        .and_then(|p| p.document.as_ref());
    match live_doc {
        Some(d) if !d.is_null() => merged(d, ours),
        _ => merged(&sns_default_policy(arn, account), ours),
    }
}

fn topic(out: &mut Judgement, g: &ResourceGraph, live: &LiveState, t: &Trail<'_>) {
    let Some(name) = t.attrs.sns_topic_name.as_deref() else {
        return;
    };
    // The trail names its topic by ARN (the kind sends the ARN).
    let name = ctrail_model::arn::last_part(name);
    let arn = g
        .want::<TopicPolicy>(name)
        .map(|p| p.topic_arn.clone())
        .unwrap_or_else(|| {
            format!(
                "arn:{}:sns:{}:{}:{name}",
                t.partition,
                t.region(),
                t.account
            )
        });
    let document = format!("topic policy of {arn}");
    let doc = topic_policy(g, live, name, &arn, t.account);
    let Some(policy) = parsed(out, &doc, &document) else {
        return;
    };
    let publish = t.request("SNS:Publish", &arn);
    let c = Check::of(
        t.operation(),
        Some("InsufficientSnsTopicPolicyException"),
        &document,
        "SNS:Publish",
    );
    judge(out, &policy, Kind::Resource, &publish, &c);
}

/// Every alarm that notifies a topic ctrail manages: CloudWatch must be able
/// to publish to it, or the alarm fires into nothing.
fn alarms(
    out: &mut Judgement,
    g: &ResourceGraph,
    live: &LiveState,
    partition: &str,
    account: &str,
) {
    let organization = SourceOrg::of(&live.context);
    let topics: Vec<(&str, &str)> = g
        .each::<Topic>()
        .map(|(name, t)| (name, t.arn.as_str()))
        .collect();
    for (alarm, attrs) in g.each::<MetricAlarm>() {
        let notified = |arn: &&str| attrs.alarm_actions.iter().any(|a| a == arn);
        for (name, arn) in topics.iter().filter(|(_, arn)| notified(arn)) {
            let alarm_arn = alarm_arn(partition, account, arn, alarm);
            let document = format!("topic policy of {arn}");
            let doc = topic_policy(g, live, name, arn, account);
            let Some(policy) = parsed(out, &doc, &document) else {
                continue;
            };
            let req = service_request(CLOUDWATCH, "SNS:Publish", arn, organization)
                .with("aws:SourceArn", alarm_arn.as_str())
                .with("aws:SourceAccount", account)
                .with("AWS:SourceOwner", account);
            let c = Check::of("alarm notification", None, &document, "SNS:Publish");
            judge(out, &policy, Kind::Resource, &req, &c);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ctrail_kinds::{Attributes, LiveResource};
    use ctrail_model::{Address, LiveContext, Placeholder};

    /// A resource found live with these attributes (as its kind reads them).
    fn found(address: &Address, attributes: Value) -> LiveResource {
        LiveResource::Present(Attributes::from_json(address, &attributes).expect("the kind's"))
    }

    /// The preflight on `live` finds a grant refused that `which` picks.
    fn assert_refused(g: &ResourceGraph, live: &LiveState, which: impl Fn(&Finding) -> bool) {
        let found = check(g, live, "aws");
        assert!(found.iter().any(which), "{found:#?}");
    }

    const KEY: &str = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";
    const SPEC: &str = r#"
version: 1
region: us-east-1
kms_key_id: arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab
trail:
  name: audit
  sns_topic: deliveries
bucket:
  name: audit-logs-bucket
cloudwatch_logs:
  log_group: CloudTrail/Audit
"#;

    fn setup(spec: &str) -> (ResourceGraph, LiveState) {
        let loaded = ctrail_spec::parse("t.yaml", spec).expect("spec");
        let mut g = ctrail_graph::build(&loaded.spec).expect("graph");
        let context = LiveContext {
            account_id: "123456789012".into(),
            organization_id: None,
            organization_unknown: false,
            kms_key_arn: Some(KEY.into()),
        };
        g.resolve(&|p| match p {
            Placeholder::AccountId => Some("123456789012".into()),
            Placeholder::KmsKeyArn => Some(KEY.into()),
            Placeholder::OrganizationId => None,
        })
        .expect("resolved");
        (
            g,
            LiveState {
                context,
                resources: Default::default(),
                ownership: Default::default(),
                unread: Default::default(),
            },
        )
    }

    /// A finding's message without its id.
    fn unnamed(f: &Finding) -> String {
        let m = f.message();
        m.split_once("] ")
            .map_or(m.clone(), |(_, rest)| rest.to_owned())
    }

    fn with_key_policy(live: &mut LiveState, doc: Value) {
        let address = Address::new(K::KmsKeyPolicy, KEY);
        let policy = found(
            &address,
            json!({"key": KEY, "statements": [], "_document": doc}),
        );
        live.resources.insert(address, policy);
    }

    const ROOT_ONLY: &str = r#"{"Statement": [{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::123456789012:root"}, "Action": "kms:*", "Resource": "*"}]}"#;

    #[test]
    fn what_ctrail_writes_passes_every_check() {
        let (g, mut live) = setup(SPEC);
        with_key_policy(&mut live, serde_json::from_str(ROOT_ONLY).expect("json"));
        assert_eq!(check(&g, &live, "aws"), vec![]);
    }

    #[test]
    fn an_unmanaged_key_without_cloudtrail_is_named() {
        let (g, mut live) =
            setup(&SPEC.replace("version: 1", "version: 1\nmanage_kms_key_policy: false"));
        with_key_policy(&mut live, serde_json::from_str(ROOT_ONLY).expect("json"));
        let f = check(&g, &live, "aws");
        let messages: Vec<String> = f.iter().map(unnamed).collect();
        assert_eq!(f.len(), 2, "{messages:#?}");
        assert_eq!(
            messages[0],
            format!(
                "CreateTrail would fail with InsufficientEncryptionPolicyException: key policy of {KEY} does not allow cloudtrail.amazonaws.com kms:GenerateDataKey*, kms:DescribeKey, kms:Decrypt on {KEY}: no statement allows it"
            )
        );
        assert_eq!(f[1].operation, "CreateLogGroup");
        assert_eq!(f[1].principal, "logs.us-east-1.amazonaws.com");
    }

    #[test]
    fn an_existing_trail_is_judged_for_update_and_the_bucket_key_needs_decrypt() {
        let (g, mut live) = setup(&SPEC.replace(
            "  name: audit-logs-bucket",
            "  name: audit-logs-bucket\n  bucket_key: false",
        ));
        let trail = Address::new(K::Trail, "audit");
        let as_desired = g.get(&trail).expect("trail").desired.clone();
        live.resources
            .insert(trail, LiveResource::Present(as_desired));
        // CloudTrail may encrypt and describe, for this trail only: enough
        // without the bucket key.
        let doc = json!({"Statement": [
            {"Effect": "Allow", "Principal": {"Service": "cloudtrail.amazonaws.com"},
             "Action": ["kms:GenerateDataKey*", "kms:DescribeKey"], "Resource": "*",
             "Condition": {"StringEquals": {"aws:SourceArn": "arn:aws:cloudtrail:us-east-1:123456789012:trail/audit"}}},
            {"Effect": "Allow", "Principal": {"Service": "logs.us-east-1.amazonaws.com"}, "Action": "kms:*", "Resource": "*"}]});
        let (g2, _) = setup(
            &SPEC
                .replace("version: 1", "version: 1\nmanage_kms_key_policy: false")
                .replace(
                    "  name: audit-logs-bucket",
                    "  name: audit-logs-bucket\n  bucket_key: false",
                ),
        );
        with_key_policy(&mut live, doc.clone());
        assert_eq!(check(&g2, &live, "aws"), vec![]);
        let _ = g;
        // With the bucket key on, kms:Decrypt is missing.
        let (g3, _) =
            setup(&SPEC.replace("version: 1", "version: 1\nmanage_kms_key_policy: false"));
        let f = check(&g3, &live, "aws");
        assert_eq!(f.len(), 1, "{f:#?}");
        assert_eq!(f[0].operation, "UpdateTrail");
        assert_eq!(f[0].action, "kms:Decrypt");
    }

    #[test]
    fn alarms_must_reach_their_alert_topic() {
        let spec =
            format!("{SPEC}monitoring:\n  presets: [cis]\n  alert_topic: {{name: alerts}}\n");
        let (g, mut live) = setup(&spec);
        with_key_policy(&mut live, serde_json::from_str(ROOT_ONLY).expect("json"));
        // A topic about to be created gets SNS's default policy: alarms reach it.
        assert_eq!(check(&g, &live, "aws"), vec![]);
        // Someone's policy on the topic that admits only this account's users.
        let arn = "arn:aws:sns:us-east-1:123456789012:alerts";
        let address = Address::new(K::SnsTopicPolicy, "alerts");
        live.resources.insert(
            address.clone(),
            found(
                &address,
                json!({"topic_arn": arn, "statements": [], "_document": {
                "Statement": [{"Sid": "OwnersOnly", "Effect": "Allow",
                    "Principal": {"AWS": "arn:aws:iam::123456789012:root"},
                    "Action": "SNS:Publish", "Resource": arn}]}}),
            ),
        );
        let f = check(&g, &live, "aws");
        assert!(!f.is_empty());
        assert!(
            f.iter()
                .all(|x| x.operation == "alarm notification" && x.exception.is_none())
        );
        assert!(
            unnamed(&f[0]).starts_with(&format!(
                "alarm notification would be dropped: topic policy of {arn} does not allow cloudwatch.amazonaws.com SNS:Publish"
            )),
            "{}",
            unnamed(&f[0])
        );
    }

    /// The alert topic is encrypted with the spec's key: with ctrail keeping
    /// the key policy, CloudWatch may use the key; with a policy kept
    /// elsewhere that lacks it, every alarm notification would be dropped,
    /// and the plan says so.
    #[test]
    fn alarms_need_the_key_of_an_encrypted_alert_topic() {
        let spec =
            format!("{SPEC}monitoring:\n  presets: [cis]\n  alert_topic: {{name: alerts}}\n");
        let (g, mut live) = setup(&spec);
        let topic = g.want::<Topic>("alerts").expect("alert topic");
        assert_eq!(topic.kms_master_key_id.as_deref(), Some(KEY));
        with_key_policy(&mut live, serde_json::from_str(ROOT_ONLY).expect("json"));
        assert_eq!(check(&g, &live, "aws"), vec![]);

        let unmanaged = spec.replace("version: 1", "version: 1\nmanage_kms_key_policy: false");
        let (g, _) = setup(&unmanaged);
        // The key's owner let CloudTrail and CloudWatch Logs in, not alarms.
        let doc = json!({"Statement": [
            {"Effect": "Allow", "Principal": {"Service": ["cloudtrail.amazonaws.com", "logs.us-east-1.amazonaws.com"]},
             "Action": "kms:*", "Resource": "*"}]});
        with_key_policy(&mut live, doc);
        let f = check(&g, &live, "aws");
        let messages: Vec<String> = f.iter().map(unnamed).collect();
        assert_eq!(
            messages,
            [format!(
                "alarm notification would be dropped: key policy of {KEY} does not allow cloudwatch.amazonaws.com kms:GenerateDataKey*, kms:Decrypt on {KEY}: no statement allows it"
            )]
        );
    }

    /// Amazon SNS Developer Guide, "Managing Amazon SNS encryption keys and
    /// costs": the statement for the publishing service with the
    /// confused-deputy conditions. Alarm requests carry the alarm's ARN and
    /// account, so it passes for this account's alarms and not for another's.
    #[test]
    fn a_key_policy_with_the_sns_pages_conditions_admits_this_accounts_alarms() {
        let spec =
            format!("{SPEC}monitoring:\n  presets: [cis]\n  alert_topic: {{name: alerts}}\n")
                .replace("version: 1", "version: 1\nmanage_kms_key_policy: false");
        let (g, mut live) = setup(&spec);
        let policy = |account: &str| {
            json!({"Statement": [
                {"Effect": "Allow", "Principal": {"Service": ["cloudtrail.amazonaws.com", "logs.us-east-1.amazonaws.com"]},
                 "Action": "kms:*", "Resource": "*"},
                {"Sid": "AllowCloudWatchAlarms", "Effect": "Allow",
                 "Principal": {"Service": "cloudwatch.amazonaws.com"},
                 "Action": ["kms:GenerateDataKey*", "kms:Decrypt"], "Resource": "*",
                 "Condition": {"StringEquals": {"aws:SourceAccount": account},
                               "ArnLike": {"aws:SourceArn": format!("arn:aws:cloudwatch:us-east-1:{account}:alarm:*")}}}]})
        };
        with_key_policy(&mut live, policy("123456789012"));
        assert_eq!(check(&g, &live, "aws"), vec![]);
        with_key_policy(&mut live, policy("111122223333"));
        let f = check(&g, &live, "aws");
        assert!(!f.is_empty());
        assert!(
            f.iter().all(|x| x.operation == "alarm notification"
                && x.principal == "cloudwatch.amazonaws.com")
        );
        // One finding per alarm, each with its own id.
        let ids: std::collections::BTreeSet<_> = f.iter().map(|x| &x.id).collect();
        assert_eq!(ids.len(), f.len(), "{f:#?}");
    }

    /// A key this apply creates starts with KMS's default policy; ctrail's
    /// statements added to it give CloudTrail, CloudWatch Logs and alarms
    /// every grant, judged before the key exists.
    #[test]
    fn a_key_about_to_be_created_is_judged_with_the_default_policy() {
        let spec = SPEC.replace(
            &format!("kms_key_id: {KEY}"),
            "kms_key_id: alias/new-key\ncreate_kms_key: true",
        ) + "monitoring:\n  presets: [cis]\n  alert_topic: {name: alerts}\n";
        let loaded = ctrail_spec::parse("t.yaml", &spec).expect("spec");
        let mut g = ctrail_graph::build(&loaded.spec).expect("graph");
        g.resolve(&|p| (p == Placeholder::AccountId).then(|| "123456789012".to_owned()))
            .expect("resolved");
        let live = LiveState {
            context: LiveContext {
                account_id: "123456789012".into(),
                organization_id: None,
                organization_unknown: false,
                kms_key_arn: None,
            },
            resources: Default::default(),
            ownership: Default::default(),
            unread: Default::default(),
        };
        let judged = judge_all(&g, &live, "aws");
        assert_eq!(judged.findings, vec![]);
        let granted = |principal: &str, action: &str| {
            judged
                .grants
                .iter()
                .any(|x| x.principal == principal && x.action == action)
        };
        assert!(
            granted("cloudtrail.amazonaws.com", "kms:GenerateDataKey*"),
            "{judged:#?}"
        );
        assert!(granted("logs.us-east-1.amazonaws.com", "kms:Encrypt*"));
        assert!(granted("cloudwatch.amazonaws.com", "kms:GenerateDataKey*"));
    }

    #[test]
    fn a_topic_about_to_be_created_has_the_default_policy_and_ctrails_statement() {
        let (g, mut live) = setup(SPEC);
        with_key_policy(&mut live, serde_json::from_str(ROOT_ONLY).expect("json"));
        // Without ctrail's statement, SNS's default policy does not admit CloudTrail.
        let doc = topic_policy(
            &g,
            &live,
            "deliveries",
            "arn:aws:sns:us-east-1:123456789012:deliveries",
            "123456789012",
        );
        let statements = doc["Statement"].as_array().map(Vec::len);
        assert_eq!(statements, Some(2));
        let default = Policy::parse(&sns_default_policy("arn:t", "123456789012")).expect("policy");
        let req = Request::new(Principal::Service(CLOUDTRAIL), "SNS:Publish", "arn:t")
            .with("aws:SourceAccount", "123456789012");
        assert!(!evaluate(&default, Kind::Resource, &req).allowed());
    }
    /// The role policy AWS writes for the console's default
    /// `CloudTrail_CloudWatchLogs_Role` (CloudTrail User Guide, "Role policy
    /// document for CloudTrail to use CloudWatch Logs for monitoring"):
    /// scoped to `<account>_CloudTrail_<home region>*`.
    fn console_role_spec(stream: &str) -> String {
        format!(
            r#"
version: 1
region: us-east-2
trail:
  name: audit
bucket:
  name: audit-logs-bucket
cloudwatch_logs:
  log_group: CloudTrail/Audit
  role_policy:
    Version: "2012-10-17"
    Statement:
      - Sid: AWSCloudTrailCreateLogStream2014110
        Effect: Allow
        Action: [logs:CreateLogStream]
        Resource: ["arn:aws:logs:us-east-2:123456789012:log-group:CloudTrail/Audit:log-stream:{stream}"]
      - Sid: AWSCloudTrailPutLogEvents20141101
        Effect: Allow
        Action: [logs:PutLogEvents]
        Resource: ["arn:aws:logs:us-east-2:123456789012:log-group:CloudTrail/Audit:log-stream:{stream}"]
"#
        )
    }

    #[test]
    fn the_consoles_role_policy_scoped_to_the_home_region_stream_passes() {
        let (g, live) = setup(&console_role_spec("123456789012_CloudTrail_us-east-2*"));
        assert_eq!(check(&g, &live, "aws"), vec![]);
    }

    #[test]
    fn a_role_policy_missing_the_home_region_or_its_numbered_streams_is_refused() {
        // Another region's stream only.
        let (g, live) = setup(&console_role_spec("123456789012_CloudTrail_eu-west-1*"));
        assert_refused(&g, &live, |f| {
            f.resource.ends_with("123456789012_CloudTrail_us-east-2")
        });
        // The home region's first stream, but not the numbered ones CloudTrail
        // adds at high volume.
        let (g, live) = setup(&console_role_spec("123456789012_CloudTrail_us-east-2"));
        let found = check(&g, &live, "aws");
        assert!(!found.is_empty());
        assert!(
            found
                .iter()
                .all(|f| f.resource.ends_with("_CloudTrail_us-east-2_2")),
            "{found:#?}"
        );
        assert_eq!(
            found[0].exception.as_deref(),
            Some("InvalidCloudWatchLogsRoleArnException")
        );
    }

    /// aws-samples/data-perimeter-policy-examples,
    /// resource_based_policies/s3_bucket_policy.json, "EnforceIdentityPerimeter":
    /// AWS services are exempt by `BoolIfExists aws:PrincipalIsAWSService false`.
    #[test]
    fn the_data_perimeter_deny_exempting_aws_services_is_no_finding() {
        let spec = SPEC.replace(
            "  name: audit-logs-bucket\n",
            "  name: audit-logs-bucket\n  extra_policy_statements:\n    - Sid: EnforceIdentityPerimeter\n      Effect: Deny\n      Principal: '*'\n      Action: 's3:*'\n      Resource: ['arn:aws:s3:::audit-logs-bucket', 'arn:aws:s3:::audit-logs-bucket/*']\n      Condition:\n        StringNotEqualsIfExists: {'aws:PrincipalOrgID': o-exampleorgid, 'aws:PrincipalAccount': ['111122223333']}\n        BoolIfExists: {'aws:PrincipalIsAWSService': 'false'}\n",
        );
        assert!(spec.contains("EnforceIdentityPerimeter"));
        let (g, mut live) = setup(&spec);
        with_key_policy(&mut live, serde_json::from_str(ROOT_ONLY).expect("json"));
        let found = check(&g, &live, "aws");
        assert_eq!(found, vec![], "{spec}");
    }

    /// CloudTrail User Guide, "Amazon SNS topic policy for CloudTrail",
    /// "Security best practices for SNS topic policy": the statement with
    /// `aws:SourceArn` only.
    #[test]
    fn a_topic_policy_conditioned_on_source_arn_only_passes() {
        let (mut g, mut live) = setup(SPEC);
        with_key_policy(&mut live, serde_json::from_str(ROOT_ONLY).expect("json"));
        let arn = "arn:aws:sns:us-east-1:123456789012:deliveries";
        let doc = json!({"Version": "2012-10-17", "Statement": [{
            "Sid": "AWSCloudTrailSNSPolicy20150319", "Effect": "Allow",
            "Principal": {"Service": "cloudtrail.amazonaws.com"}, "Action": "SNS:Publish",
            "Resource": arn,
            "Condition": {"StringEquals": {"AWS:SourceArn": "arn:aws:cloudtrail:us-east-1:123456789012:trail/audit"}}}]});
        let address = Address::new(K::SnsTopicPolicy, "deliveries");
        live.resources.insert(
            address.clone(),
            found(
                &address,
                json!({"topic_arn": arn, "statements": [], "_document": doc}),
            ),
        );
        // Judged on that statement alone: ctrail's own is not written.
        g = without(g, K::SnsTopicPolicy);
        assert_eq!(check(&g, &live, "aws"), vec![]);
        let other = doc
            .to_string()
            .replace("trail/audit", "trail/someone-elses");
        let address = Address::new(K::SnsTopicPolicy, "deliveries");
        live.resources.insert(
            address.clone(),
            found(
                &address,
                json!({"topic_arn": arn, "statements": [],
                "_document": serde_json::from_str::<Value>(&other).expect("json")}),
            ),
        );
        let found = check(&g, &live, "aws");
        assert_eq!(found.len(), 1, "{found:#?}");
        assert_eq!(
            found[0].exception.as_deref(),
            Some("InsufficientSnsTopicPolicyException")
        );
    }

    /// The graph without one kind's resources (what ctrail would not write).
    fn without(g: ResourceGraph, kind: K) -> ResourceGraph {
        let mut out = ResourceGraph::default();
        for r in g.resources().filter(|r| r.address.kind != kind) {
            out.add(r.clone()).expect("add");
        }
        out
    }

    #[test]
    fn findings_have_stable_ids_and_differ_by_what_they_judge() {
        let (g, live) = setup(&console_role_spec("123456789012_CloudTrail_eu-west-1*"));
        let first = check(&g, &live, "aws");
        let again = check(&g, &live, "aws");
        assert!(!first.is_empty());
        assert_eq!(
            first.iter().map(|f| &f.id).collect::<Vec<_>>(),
            again.iter().map(|f| &f.id).collect::<Vec<_>>()
        );
        let ids: std::collections::BTreeSet<_> = first.iter().map(|f| f.id.clone()).collect();
        assert_eq!(ids.len(), first.len(), "{first:#?}");
        assert!(
            first
                .iter()
                .all(|f| f.id.starts_with("PF-") && f.id.len() == 11)
        );
        assert!(
            first[0]
                .message()
                .starts_with(&format!("[{}] ", first[0].id))
        );
    }

    /// aws-samples/data-perimeter-policy-examples' confused-deputy statement:
    /// Deny service principals unless aws:SourceOrgID is the organization's.
    /// With the organization unreadable it is "cannot judge", neither a
    /// refusal nor a pass; known, it is judged.
    #[test]
    fn a_deny_on_an_organization_that_could_not_be_read_cannot_be_judged() {
        let spec = SPEC.replace(
            "  name: audit-logs-bucket\n",
            "  name: audit-logs-bucket\n  extra_policy_statements:\n    - Sid: EnforceConfusedDeputyProtection\n      Effect: Deny\n      Principal: '*'\n      Action: 's3:*'\n      Resource: ['arn:aws:s3:::audit-logs-bucket', 'arn:aws:s3:::audit-logs-bucket/*']\n      Condition:\n        StringNotEqualsIfExists: {'aws:SourceOrgID': o-a1b2c3d4e5}\n        'Null': {'aws:SourceAccount': 'false'}\n        Bool: {'aws:PrincipalIsAWSService': 'true'}\n",
        );
        let (g, mut live) = setup(&spec);
        with_key_policy(&mut live, serde_json::from_str(ROOT_ONLY).expect("json"));
        live.context.organization_id = Some("o-a1b2c3d4e5".into());
        assert_eq!(check(&g, &live, "aws"), vec![]);
        live.context.organization_id = None;
        live.context.organization_unknown = true;
        let found = check(&g, &live, "aws");
        assert!(!found.is_empty());
        assert!(
            found.iter().all(|f| f.reason.starts_with("cannot judge")),
            "{found:#?}"
        );
        live.context.organization_id = Some("o-other".into());
        live.context.organization_unknown = false;
        assert_refused(&g, &live, |f| {
            f.reason.contains("EnforceConfusedDeputyProtection")
        });
    }
}
