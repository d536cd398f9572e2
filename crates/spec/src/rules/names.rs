//! S3 bucket, trail, IAM role and account id rules.

use super::{Check, Problem};

fn looks_like_ipv4(s: &str) -> bool {
    let parts: Vec<&str> = s.split('.').collect();
    parts.len() == 4
        && parts
            .iter()
            .all(|p| !p.is_empty() && p.len() <= 3 && p.bytes().all(|b| b.is_ascii_digit()))
}

/// S3 general purpose bucket naming rules.
pub fn bucket_name(name: &str) -> Check {
    const RULES: &str = "bucket names are 3-63 characters of lowercase letters, digits, dots and hyphens, starting and ending with a letter or digit";
    let len = name.chars().count();
    if !(3..=63).contains(&len) {
        return Err(
            Problem::new(format!("bucket name \"{name}\" is {len} characters long")).help(RULES),
        );
    }
    if let Some(c) = name
        .chars()
        .find(|c| !(c.is_ascii_lowercase() || c.is_ascii_digit() || *c == '.' || *c == '-'))
    {
        return Err(Problem::new(format!("bucket name \"{name}\" contains '{c}'")).help(RULES));
    }
    let first_last_ok =
        |c: Option<char>| c.is_some_and(|c| c.is_ascii_lowercase() || c.is_ascii_digit());
    if !first_last_ok(name.chars().next()) || !first_last_ok(name.chars().last()) {
        return Err(Problem::new(format!(
            "bucket name \"{name}\" must start and end with a letter or digit"
        ))
        .help(RULES));
    }
    if name.contains("..") || name.contains(".-") || name.contains("-.") {
        return Err(Problem::new(format!(
            "bucket name \"{name}\" has a dot next to another dot or a hyphen"
        ))
        .help(RULES));
    }
    if looks_like_ipv4(name) {
        return Err(Problem::new(format!(
            "bucket name \"{name}\" is formatted as an IP address"
        ))
        .help(RULES));
    }
    for prefix in ["xn--", "sthree-", "amzn-s3-demo-"] {
        if name.starts_with(prefix) {
            return Err(Problem::new(format!(
                "bucket name \"{name}\" starts with the reserved prefix \"{prefix}\""
            )));
        }
    }
    for suffix in ["-s3alias", "--ol-s3", ".mrap", "--x-s3", "--table-s3"] {
        if name.ends_with(suffix) {
            return Err(Problem::new(format!(
                "bucket name \"{name}\" ends with the reserved suffix \"{suffix}\""
            )));
        }
    }
    Ok(())
}

/// CloudTrail trail naming rules.
pub fn trail_name(name: &str) -> Check {
    const RULES: &str = "trail names are 3-128 characters of letters, digits, '.', '-' and '_', start and end with a letter or digit, and have no two of '.', '-', '_' side by side";
    let len = name.chars().count();
    if !(3..=128).contains(&len) {
        return Err(
            Problem::new(format!("trail name \"{name}\" is {len} characters long")).help(RULES),
        );
    }
    if let Some(c) = name
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_')))
    {
        return Err(Problem::new(format!("trail name \"{name}\" contains '{c}'")).help(RULES));
    }
    let alnum = |c: Option<char>| c.is_some_and(|c| c.is_ascii_alphanumeric());
    if !alnum(name.chars().next()) || !alnum(name.chars().last()) {
        return Err(Problem::new(format!(
            "trail name \"{name}\" must start and end with a letter or digit"
        ))
        .help(RULES));
    }
    let punct = |c: char| matches!(c, '.' | '-' | '_');
    let chars: Vec<char> = name.chars().collect();
    if chars.windows(2).any(|w| punct(w[0]) && punct(w[1])) {
        return Err(Problem::new(format!(
            "trail name \"{name}\" has two of '.', '-', '_' side by side"
        ))
        .help(RULES));
    }
    if looks_like_ipv4(name) {
        return Err(Problem::new(format!(
            "trail name \"{name}\" is formatted as an IP address"
        ))
        .help(RULES));
    }
    Ok(())
}

/// IAM role names are at most this long.
pub const MAX_ROLE_NAME: usize = 64;

/// IAM role naming rules.
pub fn role_name(name: &str) -> Check {
    const RULES: &str = "IAM role names are 1-64 characters of letters, digits and + = , . @ _ -";
    let len = name.chars().count();
    if !(1..=MAX_ROLE_NAME).contains(&len) {
        return Err(
            Problem::new(format!("role name \"{name}\" is {len} characters long")).help(RULES),
        );
    }
    if let Some(c) = name
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || "+=,.@_-".contains(*c)))
    {
        return Err(Problem::new(format!("role name \"{name}\" contains '{c}'")).help(RULES));
    }
    Ok(())
}

/// A 12-digit AWS account id.
pub fn account_id(id: &str) -> Check {
    if id.len() == 12 && id.bytes().all(|b| b.is_ascii_digit()) {
        Ok(())
    } else {
        Err(
            Problem::new(format!("account id \"{id}\" is not 12 digits"))
                .help("quote it so leading zeros are kept, e.g. account_id: \"012345678901\""),
        )
    }
}

/// An S3 key prefix for the trail's log files.
pub fn s3_key_prefix(prefix: &str) -> Check {
    if prefix.is_empty() || prefix.len() > 200 {
        return Err(Problem::new("the S3 key prefix must be 1-200 characters"));
    }
    if prefix.starts_with('/') || prefix.ends_with('/') {
        return Err(Problem::new(format!(
            "the S3 key prefix \"{prefix}\" must not start or end with '/'"
        ))
        .help("CloudTrail adds the '/' itself: logs land under <prefix>/AWSLogs/<account>/"));
    }
    Ok(())
}

/// An SNS topic name or topic ARN.
pub fn sns_topic(topic: &str) -> Check {
    let name = if topic.starts_with("arn:") {
        let parts: Vec<&str> = topic.splitn(6, ':').collect();
        if parts.len() != 6 || parts[2] != "sns" {
            return Err(Problem::new(format!("\"{topic}\" is not an SNS topic ARN"))
                .help("use a topic name, or arn:aws:sns:<region>:<account>:<name>"));
        }
        parts[5]
    } else {
        topic
    };
    if name.is_empty()
        || name.len() > 256
        || !name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    {
        return Err(
            Problem::new(format!("SNS topic name \"{name}\" is not valid"))
                .help("topic names are 1-256 letters, digits, hyphens and underscores"),
        );
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn buckets() {
        assert!(bucket_name("my-org-cloudtrail-logs-2024").is_ok());
        for bad in [
            "ab",
            "My-Bucket",
            "-abc",
            "abc-",
            "a..b",
            "192.168.1.1",
            "xn--abc",
            "abc-s3alias",
            "a_b",
        ] {
            assert!(bucket_name(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn trails() {
        assert!(trail_name("security-audit-trail").is_ok());
        assert!(trail_name("Org.Trail_1").is_ok());
        for bad in [
            "ab",
            "-trail",
            "trail-",
            "my--trail",
            "my-_trail",
            "has space",
            "10.0.0.1",
        ] {
            assert!(trail_name(bad).is_err(), "{bad}");
        }
        assert!(trail_name(&"a".repeat(128)).is_ok());
        assert!(trail_name(&"a".repeat(129)).is_err());
    }

    #[test]
    fn roles_and_accounts() {
        assert!(role_name("CloudTrail-CloudWatchLogs-Role-x").is_ok());
        assert!(role_name(&"r".repeat(65)).is_err());
        assert!(role_name("a/b").is_err());
        assert!(account_id("012345678901").is_ok());
        assert!(account_id("12345").is_err());
    }
}
