//! The policy documents ctrail generates. Each is least privilege and carries
//! `aws:SourceArn` / `aws:SourceAccount` conditions so only this trail, in this
//! account, can use the grant (confused-deputy protection).

use serde_json::{Value, json};

use crate::placeholder::Placeholder;

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

impl Names<'_> {
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
    fn source_conditions(&self) -> Value {
        json!({
            "aws:SourceArn": self.trail_arn(),
            "aws:SourceAccount": self.account(),
        })
    }
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

/// Lets CloudTrail, acting for this trail in this account, assume the role.
pub fn role_trust_policy(n: &Names<'_>) -> Value {
    json!({
        "Version": "2012-10-17",
        "Statement": [{
            "Effect": "Allow",
            "Principal": {"Service": "cloudtrail.amazonaws.com"},
            "Action": "sts:AssumeRole",
            "Condition": {"StringEquals": n.source_conditions()}
        }]
    })
}

/// Only what delivery needs, on this one log group's streams.
pub fn role_logs_policy(n: &Names<'_>, log_group: &str) -> Value {
    json!({
        "Version": "2012-10-17",
        "Statement": [{
            "Effect": "Allow",
            "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
            "Resource": format!("{}:*", n.log_group_arn(log_group))
        }]
    })
}

/// The statements ctrail keeps in the KMS key policy (other statements are
/// left alone): CloudTrail may encrypt this trail's logs and describe the key;
/// CloudWatch Logs may use the key for this log group.
pub fn kms_statements(n: &Names<'_>, log_group: Option<&str>) -> Value {
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
        json!({
            "Sid": "CTrailAllowCloudTrailDescribeKey",
            "Effect": "Allow",
            "Principal": {"Service": "cloudtrail.amazonaws.com"},
            "Action": "kms:DescribeKey",
            "Resource": "*",
            "Condition": {"StringEquals": {"aws:SourceArn": n.trail_arn()}}
        }),
    ];
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
    Value::Array(statements)
}

/// Lets CloudTrail publish this trail's delivery notifications to the topic.
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
    fn role_policy_is_scoped_to_the_log_group() {
        let p = role_logs_policy(&names(false), "CloudTrail/APILogs");
        assert_eq!(
            p["Statement"][0]["Resource"],
            "arn:aws:logs:us-east-1:${account_id}:log-group:CloudTrail/APILogs:*"
        );
        assert_eq!(
            p["Statement"][0]["Action"],
            json!(["logs:CreateLogStream", "logs:PutLogEvents"])
        );
    }
}
