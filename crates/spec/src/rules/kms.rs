//! KMS key references: key id, key ARN, alias name, alias ARN.

use super::Problem;
use crate::model::KmsKeyRef;

const FORMS: &str = "a key id (1234abcd-12ab-34cd-56ef-1234567890ab or mrk-...), a key ARN (arn:aws:kms:<region>:<account>:key/<id>), an alias name (alias/<name>) or an alias ARN (arn:aws:kms:<region>:<account>:alias/<name>)";

fn is_uuid(s: &str) -> bool {
    let groups: Vec<&str> = s.split('-').collect();
    groups.len() == 5
        && groups
            .iter()
            .zip([8, 4, 4, 4, 12])
            .all(|(g, n)| g.len() == n && g.bytes().all(|b| b.is_ascii_hexdigit()))
}

fn is_key_id(s: &str) -> bool {
    is_uuid(s)
        || s.strip_prefix("mrk-")
            .is_some_and(|h| h.len() == 32 && h.bytes().all(|b| b.is_ascii_hexdigit()))
}

fn is_alias_name(s: &str) -> bool {
    s.strip_prefix("alias/").is_some_and(|n| {
        !n.is_empty()
            && n.len() <= 250
            && n.chars()
                .all(|c| c.is_ascii_alphanumeric() || "/_-".contains(c))
    })
}

/// Classifies a key reference. `region` is the spec's home region: CloudTrail
/// and S3 need the key in the same region as the bucket.
pub fn key_ref(s: &str, region: &str) -> Result<KmsKeyRef, Problem> {
    let aws_managed = |alias: &str| alias.starts_with("alias/aws/");
    if let Some(rest) = s.strip_prefix("arn:") {
        let parts: Vec<&str> = rest.splitn(5, ':').collect();
        if parts.len() != 5 || parts[1] != "kms" {
            return Err(Problem::new(format!("\"{s}\" is not a KMS ARN")).help(FORMS));
        }
        let (arn_region, account, resource) = (parts[2], parts[3], parts[4]);
        if account.len() != 12 || !account.bytes().all(|b| b.is_ascii_digit()) {
            return Err(
                Problem::new(format!("the account in \"{s}\" is not 12 digits")).help(FORMS),
            );
        }
        if arn_region != region {
            return Err(Problem::new(format!(
                "the KMS key is in {arn_region}, but the trail and bucket are in {region}"
            ))
            .help("CloudTrail and S3 need a key in the bucket's region"));
        }
        if let Some(id) = resource.strip_prefix("key/") {
            if is_key_id(id) {
                return Ok(KmsKeyRef::KeyArn(s.to_owned()));
            }
        } else if is_alias_name(resource) {
            if aws_managed(resource) {
                return Err(aws_managed_problem(resource));
            }
            return Ok(KmsKeyRef::AliasArn(s.to_owned()));
        }
        return Err(Problem::new(format!("\"{s}\" is not a KMS key or alias ARN")).help(FORMS));
    }
    if is_key_id(s) {
        return Ok(KmsKeyRef::KeyId(s.to_owned()));
    }
    if is_alias_name(s) {
        if aws_managed(s) {
            return Err(aws_managed_problem(s));
        }
        return Ok(KmsKeyRef::AliasName(s.to_owned()));
    }
    Err(Problem::new(format!("\"{s}\" is not a KMS key reference")).help(FORMS))
}

fn aws_managed_problem(alias: &str) -> Problem {
    Problem::new(format!("{alias} is an AWS managed key")).help(
        "CloudTrail log file encryption needs a customer managed key whose policy you control",
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forms() {
        let r = "us-east-1";
        assert!(matches!(
            key_ref("12345678-1234-1234-1234-123456789012", r),
            Ok(KmsKeyRef::KeyId(_))
        ));
        assert!(matches!(
            key_ref("mrk-1234abcd12ab34cd56ef1234567890ab", r),
            Ok(KmsKeyRef::KeyId(_))
        ));
        assert!(matches!(
            key_ref("alias/cloudtrail", r),
            Ok(KmsKeyRef::AliasName(_))
        ));
        assert!(matches!(
            key_ref(
                "arn:aws:kms:us-east-1:123456789012:key/12345678-1234-1234-1234-123456789012",
                r
            ),
            Ok(KmsKeyRef::KeyArn(_))
        ));
        assert!(matches!(
            key_ref("arn:aws:kms:us-east-1:123456789012:alias/ct", r),
            Ok(KmsKeyRef::AliasArn(_))
        ));
        assert!(key_ref("arn:aws:kms:eu-west-1:123456789012:alias/ct", r).is_err());
        assert!(key_ref("alias/aws/s3", r).is_err());
        assert!(key_ref("not-a-key", r).is_err());
    }
}
