//! The policy documents ctrail generates. Each follows the AWS documentation
//! page cited beside it, is least privilege, and carries `aws:SourceArn` /
//! `aws:SourceAccount` conditions exactly where that page documents them for
//! the service principal (bucket, key and topic policies) and nowhere else.
//! The rules, with their sources, are in docs/aws-rules.md.

use serde_json::{Value, json};

use ctrail_model::placeholder::Placeholder;

/// Names and ARNs one spec's policies refer to.
pub struct Names<'a> {
    pub partition: &'a str,
    pub region: &'a str,
    pub trail_name: &'a str,
    pub bucket: &'a str,
    /// `None` writes under `AWSLogs/`, otherwise under `<prefix>/AWSLogs/`.
    pub s3_key_prefix: Option<&'a str>,
    pub organization: bool,
}

impl<'a> Names<'a> {
    /// The names one spec's policies refer to.
    pub fn of(spec: &'a ctrail_spec::Spec) -> Names<'a> {
        Names {
            partition: &spec.partition,
            region: &spec.region,
            trail_name: &spec.trail.name,
            bucket: &spec.bucket.name,
            s3_key_prefix: spec.trail.s3_key_prefix.as_deref(),
            organization: spec.trail.organization,
        }
    }

    pub fn account(&self) -> &'static str {
        Placeholder::AccountId.token()
    }
    pub fn trail_arn(&self) -> String {
        format!(
            "arn:{}:cloudtrail:{}:{}:trail/{}",
            self.partition,
            self.region,
            self.account(),
            self.trail_name
        )
    }
    pub fn bucket_arn(&self) -> String {
        format!("arn:{}:s3:::{}", self.partition, self.bucket)
    }
    fn logs_prefix(&self) -> String {
        match self.s3_key_prefix {
            Some(p) => format!("{}/{p}/AWSLogs", self.bucket_arn()),
            None => format!("{}/AWSLogs", self.bucket_arn()),
        }
    }
    /// Where CloudTrail writes: the account's folder, and for an organization
    /// trail the organization's folder too.
    pub fn write_resources(&self) -> Vec<String> {
        let mut r = vec![format!("{}/{}/*", self.logs_prefix(), self.account())];
        if self.organization {
            r.push(format!(
                "{}/{}/*",
                self.logs_prefix(),
                Placeholder::OrganizationId.token()
            ));
        }
        r
    }
    pub fn log_group_arn(&self, log_group: &str) -> String {
        format!(
            "arn:{}:logs:{}:{}:log-group:{log_group}",
            self.partition,
            self.region,
            self.account()
        )
    }
    pub fn role_arn(&self, role: &str) -> String {
        format!("arn:{}:iam::{}:role/{role}", self.partition, self.account())
    }
    /// Every CloudWatch alarm of the account in the spec's region: the
    /// `aws:SourceArn` an alarm action sends.
    pub fn alarm_arns(&self) -> String {
        format!(
            "arn:{}:cloudwatch:{}:{}:alarm:*",
            self.partition,
            self.region,
            self.account()
        )
    }
    fn source_conditions(&self) -> Value {
        json!({
            "aws:SourceArn": self.trail_arn(),
            "aws:SourceAccount": self.account(),
        })
    }
}

/// `doc` with the user's own statements (from the spec) after ctrail's.
pub fn with_statements(mut doc: Value, extra: &[Value]) -> Value {
    if let Some(Value::Array(s)) = doc.get_mut("Statement") {
        s.extend(extra.iter().cloned());
    }
    doc
}

fn one_or_many(mut v: Vec<String>) -> Value {
    if v.len() == 1 {
        Value::String(v.remove(0))
    } else {
        json!(v)
    }
}

/// The CloudTrail bucket policy of the seed procedure (ACL check, write,
/// bucket existence check), with the write narrowed to the trail's own
/// `AWSLogs/<account>/` folder, source conditions on every grant, and a
/// statement refusing any request not made over TLS.
///
/// CloudTrail User Guide, "Amazon S3 bucket policy for CloudTrail"
/// (https://docs.aws.amazon.com/awscloudtrail/latest/userguide/create-s3-bucket-policy-for-cloudtrail.html):
/// `s3:GetBucketAcl` on the bucket and `s3:PutObject` on
/// `[prefix/]AWSLogs/<account>/*` (and `AWSLogs/<org id>/*` for organization
/// trails) with `s3:x-amz-acl` = `bucket-owner-full-control`, each with
/// `aws:SourceArn` (the trail). CloudTrail writes over TLS, so the
/// `aws:SecureTransport` Deny (Amazon S3 User Guide, "Security best
/// practices") never blocks it.
pub fn bucket_policy(n: &Names<'_>) -> Value {
    let source = n.source_conditions();
    let mut write_condition = source.clone();
    if let Some(m) = write_condition.as_object_mut() {
        m.insert("s3:x-amz-acl".into(), json!("bucket-owner-full-control"));
    }
    json!({
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "AWSCloudTrailAclCheck",
                "Effect": "Allow",
                "Principal": {"Service": "cloudtrail.amazonaws.com"},
                "Action": "s3:GetBucketAcl",
                "Resource": n.bucket_arn(),
                "Condition": {"StringEquals": source.clone()}
            },
            {
                "Sid": "AWSCloudTrailWrite",
                "Effect": "Allow",
                "Principal": {"Service": "cloudtrail.amazonaws.com"},
                "Action": "s3:PutObject",
                "Resource": one_or_many(n.write_resources()),
                "Condition": {"StringEquals": write_condition}
            },
            {
                "Sid": "AWSCloudTrailBucketExistenceCheck",
                "Effect": "Allow",
                "Principal": {"Service": "cloudtrail.amazonaws.com"},
                "Action": "s3:ListBucket",
                "Resource": n.bucket_arn(),
                "Condition": {"StringEquals": source}
            },
            {
                "Sid": "DenyInsecureTransport",
                "Effect": "Deny",
                "Principal": "*",
                "Action": "s3:*",
                "Resource": [n.bucket_arn(), format!("{}/*", n.bucket_arn())],
                "Condition": {"Bool": {"aws:SecureTransport": "false"}}
            }
        ]
    })
}

/// The policy of the bucket ctrail creates for the log bucket's server
/// access logs: S3's logging service may write under the target prefix, for
/// the log bucket of this account only, and nothing else may use the bucket
/// except over TLS.
///
/// Amazon S3 User Guide, "Enabling Amazon S3 server access logging",
/// "Grant permissions to the logging service principal by using a bucket
/// policy"
/// (https://docs.aws.amazon.com/AmazonS3/latest/userguide/enable-server-access-logging.html#grant-log-delivery-permissions-general):
/// `logging.s3.amazonaws.com` gets `s3:PutObject` on
/// `arn:aws:s3:::<target>/<prefix>*`, with `aws:SourceArn` (ArnLike) the
/// source bucket's ARN and `aws:SourceAccount` its account. With Object
/// Ownership `BucketOwnerEnforced` (ACLs off) this policy is the only way
/// to grant delivery; the log-delivery group's ACL grant no longer applies.
/// The TLS-only statement is the log bucket's own (Security Hub control
/// S3.5 asks it of every bucket); access-log buckets carry it with delivery
/// working (nozaq/terraform-aws-secure-baseline#129,
/// HHS/simpler-grants-gov#1219). No statement may demand the
/// `s3:x-amz-server-side-encryption` header: S3's log delivery does not send
/// it and is refused (aws-quickstart/quickstart-compliance-common#29); the
/// bucket's default SSE-S3 encrypts the logs instead.
pub fn access_log_bucket_policy(n: &Names<'_>, target: &str, prefix: &str) -> Value {
    let target_arn = format!("arn:{}:s3:::{target}", n.partition);
    json!({
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "S3ServerAccessLogsPolicy",
                "Effect": "Allow",
                "Principal": {"Service": "logging.s3.amazonaws.com"},
                "Action": "s3:PutObject",
                "Resource": format!("{target_arn}/{prefix}*"),
                "Condition": {
                    "ArnLike": {"aws:SourceArn": n.bucket_arn()},
                    "StringEquals": {"aws:SourceAccount": n.account()}
                }
            },
            {
                "Sid": "DenyInsecureTransport",
                "Effect": "Deny",
                "Principal": "*",
                "Action": "s3:*",
                "Resource": [target_arn.clone(), format!("{target_arn}/*")],
                "Condition": {"Bool": {"aws:SecureTransport": "false"}}
            }
        ]
    })
}

/// Lets CloudTrail assume the role it delivers to CloudWatch Logs with.
///
/// No source conditions: CloudTrail User Guide, "Role policy document for
/// CloudTrail to use CloudWatch Logs for monitoring"
/// (https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-required-policy-for-cloudwatch-logs.html):
/// "Confused deputy prevention is not applicable to the role policy for
/// CloudWatch Logs monitoring. The role policy doesn't support the use of
/// aws:SourceArn and aws:SourceAccount." CloudTrail sends neither key when it
/// assumes this role, so a condition on them would stop delivery.
pub fn role_trust_policy(_n: &Names<'_>) -> Value {
    json!({
        "Version": "2012-10-17",
        "Statement": [{
            "Effect": "Allow",
            "Principal": {"Service": "cloudtrail.amazonaws.com"},
            "Action": "sts:AssumeRole"
        }]
    })
}

/// The log streams CloudTrail creates in the log group: one per region the
/// trail logs, named `<account>_CloudTrail_<region>`, and for an
/// organization trail, `<organization id>_...` for the member accounts.
pub fn log_stream_arns(n: &Names<'_>, log_group: &str) -> Vec<String> {
    let group = n.log_group_arn(log_group);
    let mut r = vec![format!("{group}:log-stream:{}_CloudTrail_*", n.account())];
    if n.organization {
        r.push(format!(
            "{group}:log-stream:{}_*",
            Placeholder::OrganizationId.token()
        ));
    }
    r
}

/// The role's permissions: create CloudTrail's log streams and put events
/// in them, in this one log group.
///
/// CloudTrail User Guide, "Role policy document for CloudTrail to use
/// CloudWatch Logs for monitoring"
/// (https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-required-policy-for-cloudwatch-logs.html):
/// the documented policy scopes both actions to
/// `log-group:<group>:log-stream:<account>_CloudTrail_<region>*`, and adds
/// `log-stream:o-<org id>_*` for organization trails. A multi-region trail
/// delivers every region's events to the home region's log group, one stream
/// per source region, so the region part is a wildcard here: the narrowest
/// form that still covers every region the trail logs.
pub fn role_logs_policy(n: &Names<'_>, log_group: &str) -> Value {
    let streams = one_or_many(log_stream_arns(n, log_group));
    json!({
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "AWSCloudTrailCreateLogStream",
                "Effect": "Allow",
                "Action": "logs:CreateLogStream",
                "Resource": streams.clone()
            },
            {
                "Sid": "AWSCloudTrailPutLogEvents",
                "Effect": "Allow",
                "Action": "logs:PutLogEvents",
                "Resource": streams
            }
        ]
    })
}

/// A key policy statement letting CloudTrail, for this trail only, `action`.
fn for_this_trail(n: &Names<'_>, sid: &str, action: &str) -> Value {
    json!({
        "Sid": sid,
        "Effect": "Allow",
        "Principal": {"Service": "cloudtrail.amazonaws.com"},
        "Action": action,
        "Resource": "*",
        "Condition": {"StringEquals": {"aws:SourceArn": n.trail_arn()}}
    })
}

/// The statements ctrail keeps in the KMS key policy (other statements are
/// left alone).
///
/// CloudTrail User Guide, "Configure AWS KMS key policies for CloudTrail"
/// (https://docs.aws.amazon.com/awscloudtrail/latest/userguide/create-kms-key-policy-for-cloudtrail.html),
/// "Required KMS key policy elements for trails":
/// 1. encrypt: `kms:GenerateDataKey*` with the `aws:cloudtrail:arn`
///    encryption context and `aws:SourceArn` (the trail);
/// 2. decrypt: "If you are using an existing S3 bucket with an S3 Bucket Key,
///    kms:Decrypt permissions are required to create or update a trail with
///    SSE-KMS encryption enabled": granted to CloudTrail for this trail
///    (`aws:SourceArn`) when the bucket key is on;
/// 3. describe: `kms:DescribeKey`, with `aws:SourceArn`.
///
/// Readers, "Granting decrypt permissions for trails"
/// (https://docs.aws.amazon.com/awscloudtrail/latest/userguide/create-kms-key-policy-for-cloudtrail-decrypt.html),
/// "Enable CloudTrail log decrypt permissions": the named principals get
/// `kms:Decrypt` when the request carries CloudTrail's encryption context
/// (`Null` `kms:EncryptionContext:aws:cloudtrail:arn` = false), so the key
/// opens log files for them and nothing else.
///
/// With an encrypted log group, CloudWatch Logs User Guide, "Encrypt log data
/// in CloudWatch Logs using AWS KMS"
/// (https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/encrypt-log-data-kms.html):
/// `logs.<region>.amazonaws.com` may use the key for this log group, by the
/// `aws:logs:arn` encryption context.
///
/// With the alert topic encrypted by the key, Amazon SNS Developer Guide,
/// "Managing Amazon SNS encryption keys and costs", "Enable compatibility
/// between event sources from AWS services and encrypted topics"
/// (https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html):
/// the publishing service's principal, `cloudwatch.amazonaws.com` for alarm
/// actions, gets `kms:GenerateDataKey*` and `kms:Decrypt`. The same page's
/// confused-deputy step recommends scoping that statement with
/// `aws:SourceAccount` and `aws:SourceArn` (the publishing resource), and the
/// IAM User Guide's global condition keys page ("aws:SourceArn",
/// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html)
/// says a service acting for a resource sends both: so the statement is
/// limited to this account's alarms in the spec's region
/// (`arn:<partition>:cloudwatch:<region>:<account>:alarm:*`). The AWS managed key `alias/aws/sns`
/// cannot take this statement, which is why the topic uses the spec's key
/// (AWS re:Post knowledge center, "cloudwatch-configure-alarm-sns").
pub fn kms_statements(n: &Names<'_>, users: KeyUsers<'_>) -> Value {
    let KeyUsers {
        log_group,
        bucket_key,
        alarm_topic,
        readers,
    } = users;
    let mut statements = vec![
        json!({
            "Sid": "CTrailAllowCloudTrailEncrypt",
            "Effect": "Allow",
            "Principal": {"Service": "cloudtrail.amazonaws.com"},
            "Action": "kms:GenerateDataKey*",
            "Resource": "*",
            "Condition": {
                "StringEquals": {"aws:SourceArn": n.trail_arn()},
                "StringLike": {"kms:EncryptionContext:aws:cloudtrail:arn": format!(
                    "arn:{}:cloudtrail:*:{}:trail/*", n.partition, n.account()
                )}
            }
        }),
        for_this_trail(n, "CTrailAllowCloudTrailDescribeKey", "kms:DescribeKey"),
    ];
    if bucket_key {
        statements.push(for_this_trail(
            n,
            "CTrailAllowCloudTrailDecrypt",
            "kms:Decrypt",
        ));
    }
    if let Some(group) = log_group {
        statements.push(json!({
            "Sid": "CTrailAllowCloudWatchLogs",
            "Effect": "Allow",
            "Principal": {"Service": format!("logs.{}.amazonaws.com", n.region)},
            "Action": ["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"],
            "Resource": "*",
            "Condition": {"ArnEquals": {"kms:EncryptionContext:aws:logs:arn": n.log_group_arn(group)}}
        }));
    }
    if !readers.is_empty() {
        statements.push(json!({
            "Sid": "CTrailAllowLogDecrypt",
            "Effect": "Allow",
            "Principal": {"AWS": readers},
            "Action": "kms:Decrypt",
            "Resource": "*",
            "Condition": {"Null": {"kms:EncryptionContext:aws:cloudtrail:arn": "false"}}
        }));
    }
    if alarm_topic {
        statements.push(json!({
            "Sid": "CTrailAllowCloudWatchAlarms",
            "Effect": "Allow",
            "Principal": {"Service": "cloudwatch.amazonaws.com"},
            "Action": ["kms:Decrypt", "kms:GenerateDataKey*"],
            "Resource": "*",
            "Condition": {
                "StringEquals": {"aws:SourceAccount": n.account()},
                "ArnLike": {"aws:SourceArn": n.alarm_arns()}
            }
        }));
    }
    Value::Array(statements)
}

/// Who besides CloudTrail uses the key (`kms_statements`).
#[derive(Debug, Clone, Copy, Default)]
pub struct KeyUsers<'a> {
    /// CloudWatch Logs, for the log group encrypted with the key.
    pub log_group: Option<&'a str>,
    /// CloudTrail decrypts too: the bucket encrypts through an S3 Bucket Key.
    pub bucket_key: bool,
    /// CloudWatch alarms, publishing to the alert topic encrypted with it.
    pub alarm_topic: bool,
    /// IAM principals that read the log files.
    pub readers: &'a [String],
}

/// Lets CloudTrail publish this trail's delivery notifications to the topic.
///
/// CloudTrail User Guide, "Amazon SNS topic policy for CloudTrail"
/// (https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-permissions-for-sns-notifications.html):
/// `SNS:Publish` for `cloudtrail.amazonaws.com`, with `aws:SourceArn` (and
/// `aws:SourceAccount`) for confused-deputy prevention.
pub fn sns_topic_statements(n: &Names<'_>, topic_arn: &str) -> Value {
    json!([{
        "Sid": "CTrailAllowCloudTrailPublish",
        "Effect": "Allow",
        "Principal": {"Service": "cloudtrail.amazonaws.com"},
        "Action": "SNS:Publish",
        "Resource": topic_arn,
        "Condition": {"StringEquals": n.source_conditions()}
    }])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(org: bool) -> Names<'static> {
        Names {
            partition: "aws",
            region: "us-east-1",
            trail_name: "t1",
            bucket: "b1",
            s3_key_prefix: None,
            organization: org,
        }
    }

    #[test]
    fn bucket_policy_is_scoped() {
        let p = bucket_policy(&names(false));
        let write = &p["Statement"][1];
        assert_eq!(write["Resource"], "arn:aws:s3:::b1/AWSLogs/${account_id}/*");
        assert_eq!(
            write["Condition"]["StringEquals"]["aws:SourceArn"],
            "arn:aws:cloudtrail:us-east-1:${account_id}:trail/t1"
        );
        assert_eq!(
            write["Condition"]["StringEquals"]["s3:x-amz-acl"],
            "bucket-owner-full-control"
        );
        let org = bucket_policy(&names(true));
        assert_eq!(
            org["Statement"][1]["Resource"][1],
            "arn:aws:s3:::b1/AWSLogs/${organization_id}/*"
        );
    }

    #[test]
    fn access_log_bucket_policy_lets_only_s3_logging_write_for_the_log_bucket() {
        let p = access_log_bucket_policy(&names(false), "b1-access", "b1/");
        let grant = json!({
            "Sid": "S3ServerAccessLogsPolicy",
            "Effect": "Allow",
            "Principal": {"Service": "logging.s3.amazonaws.com"},
            "Action": "s3:PutObject",
            "Resource": "arn:aws:s3:::b1-access/b1/*",
            "Condition": {
                "ArnLike": {"aws:SourceArn": "arn:aws:s3:::b1"},
                "StringEquals": {"aws:SourceAccount": "${account_id}"}
            }
        });
        assert_eq!(p["Statement"][0], grant);
        assert_eq!(p["Statement"][1]["Effect"], "Deny");
    }

    #[test]
    fn role_policy_is_scoped_to_cloudtrails_log_streams() {
        let p = role_logs_policy(&names(false), "CloudTrail/APILogs");
        let streams = "arn:aws:logs:us-east-1:${account_id}:log-group:CloudTrail/APILogs:log-stream:${account_id}_CloudTrail_*";
        assert_eq!(p["Statement"][0]["Action"], "logs:CreateLogStream");
        assert_eq!(p["Statement"][0]["Resource"], streams);
        assert_eq!(p["Statement"][1]["Action"], "logs:PutLogEvents");
        assert_eq!(p["Statement"][1]["Resource"], streams);
        let org = role_logs_policy(&names(true), "g");
        assert_eq!(
            org["Statement"][1]["Resource"][1],
            "arn:aws:logs:us-east-1:${account_id}:log-group:g:log-stream:${organization_id}_*"
        );
    }

    #[test]
    fn trust_policy_has_no_source_conditions() {
        // AWS: "The role policy doesn't support the use of aws:SourceArn and aws:SourceAccount."
        let p = role_trust_policy(&names(false));
        assert_eq!(p["Statement"][0].get("Condition"), None);
        assert_eq!(
            p["Statement"][0]["Principal"]["Service"],
            "cloudtrail.amazonaws.com"
        );
    }

    #[test]
    fn key_statements_cover_every_required_section() {
        let sids = |v: &Value| -> Vec<String> {
            v.as_array()
                .map(|a| {
                    a.iter()
                        .filter_map(|s| s["Sid"].as_str())
                        .map(str::to_owned)
                        .collect()
                })
                .unwrap_or_default()
        };
        assert_eq!(
            sids(&kms_statements(&names(false), KeyUsers::default())),
            [
                "CTrailAllowCloudTrailEncrypt",
                "CTrailAllowCloudTrailDescribeKey"
            ]
        );
        let all = kms_statements(
            &names(false),
            KeyUsers {
                log_group: Some("g"),
                bucket_key: true,
                alarm_topic: true,
                readers: &["arn:aws:iam::123456789012:role/Auditor".to_owned()],
            },
        );
        assert_eq!(
            sids(&all),
            [
                "CTrailAllowCloudTrailEncrypt",
                "CTrailAllowCloudTrailDescribeKey",
                "CTrailAllowCloudTrailDecrypt",
                "CTrailAllowCloudWatchLogs",
                "CTrailAllowLogDecrypt",
                "CTrailAllowCloudWatchAlarms"
            ]
        );
        assert_eq!(
            all[4]["Condition"]["Null"]["kms:EncryptionContext:aws:cloudtrail:arn"],
            "false"
        );
        assert_eq!(all[5]["Principal"]["Service"], "cloudwatch.amazonaws.com");
        assert_eq!(
            all[5]["Condition"]["ArnLike"]["aws:SourceArn"],
            format!(
                "arn:aws:cloudwatch:us-east-1:{}:alarm:*",
                Placeholder::AccountId.token()
            )
        );
        assert_eq!(
            all[5]["Condition"]["StringEquals"]["aws:SourceAccount"],
            Placeholder::AccountId.token()
        );
        assert_eq!(all[2]["Action"], "kms:Decrypt");
    }
}
