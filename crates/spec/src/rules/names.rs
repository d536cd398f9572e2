//! S3 bucket, trail, IAM role and account id rules.

use super::{Check, Problem, ensure};

fn looks_like_ipv4(s: &str) -> bool {
    let parts: Vec<&str> = s.split('.').collect();
    parts.len() == 4
        && parts
            .iter()
            .all(|p| !p.is_empty() && p.len() <= 3 && p.bytes().all(|b| b.is_ascii_digit()))
}

/// The rules a kind of name shares: its length, its characters, and
/// whether it must start and end with a letter or digit.
struct Naming {
    /// "bucket name", "trail name", ...
    what: &'static str,
    len: std::ops::RangeInclusive<usize>,
    allowed: fn(char) -> bool,
    /// Which characters may start and end it (`None`: any allowed one).
    edge: Option<fn(char) -> bool>,
    /// The rules in words, as help.
    rules: &'static str,
}

impl Naming {
    fn problem(&self, name: &str, what: impl std::fmt::Display) -> Problem {
        Problem::new(format!("{} \"{name}\" {what}", self.what)).help(self.rules)
    }

    fn check(&self, name: &str) -> Check {
        let len = name.chars().count();
        if !self.len.contains(&len) {
            return Err(self.problem(name, format_args!("is {len} characters long")));
        }
        if let Some(c) = name.chars().find(|c| !(self.allowed)(*c)) {
            return Err(self.problem(name, format_args!("contains '{c}'")));
        }
        if let Some(edge) = self.edge {
            let ok = |c: Option<char>| c.is_some_and(edge);
            if !ok(name.chars().next()) || !ok(name.chars().last()) {
                return Err(self.problem(name, "must start and end with a letter or digit"));
            }
        }
        if self.edge.is_some() && looks_like_ipv4(name) {
            return Err(self.problem(name, "is formatted as an IP address"));
        }
        Ok(())
    }
}

const BUCKET: Naming = Naming {
    what: "bucket name",
    len: 3..=63,
    allowed: |c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '.' || c == '-',
    edge: Some(|c| c.is_ascii_lowercase() || c.is_ascii_digit()),
    rules: "bucket names are 3-63 characters of lowercase letters, digits, dots and hyphens, starting and ending with a letter or digit",
};

const TRAIL: Naming = Naming {
    what: "trail name",
    len: 3..=128,
    allowed: |c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_'),
    edge: Some(|c| c.is_ascii_alphanumeric()),
    rules: "trail names are 3-128 characters of letters, digits, '.', '-' and '_', start and end with a letter or digit, and have no two of '.', '-', '_' side by side",
};

/// IAM role names are at most this long.
pub const MAX_ROLE_NAME: usize = 64;

const ROLE: Naming = Naming {
    what: "role name",
    len: 1..=MAX_ROLE_NAME,
    allowed: |c| c.is_ascii_alphanumeric() || "+=,.@_-".contains(c),
    edge: None,
    rules: "IAM role names are 1-64 characters of letters, digits and + = , . @ _ -",
};

/// IAM inline policy names (PutRolePolicy's PolicyName: `[\w+=,.@-]+`,
/// 1-128 characters; IAM API Reference, PutRolePolicy,
/// https://docs.aws.amazon.com/IAM/latest/APIReference/API_PutRolePolicy.html).
const ROLE_POLICY: Naming = Naming {
    what: "role policy name",
    len: 1..=128,
    allowed: |c| c.is_ascii_alphanumeric() || "+=,.@_-".contains(c),
    edge: None,
    rules: "IAM inline policy names are 1-128 characters of letters, digits and + = , . @ _ -",
};

/// S3 general purpose bucket naming rules.
pub fn bucket_name(name: &str) -> Check {
    BUCKET.check(name)?;
    if name.contains("..") || name.contains(".-") || name.contains("-.") {
        return Err(BUCKET.problem(name, "has a dot next to another dot or a hyphen"));
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
    TRAIL.check(name)?;
    let punct = |c: char| matches!(c, '.' | '-' | '_');
    let chars: Vec<char> = name.chars().collect();
    if chars.windows(2).any(|w| punct(w[0]) && punct(w[1])) {
        return Err(TRAIL.problem(name, "has two of '.', '-', '_' side by side"));
    }
    Ok(())
}

/// IAM role naming rules.
pub fn role_name(name: &str) -> Check {
    ROLE.check(name)
}

/// IAM inline policy naming rules.
pub fn role_policy_name(name: &str) -> Check {
    ROLE_POLICY.check(name)
}

/// A 12-digit AWS account id.
/// An IAM principal in a key policy: `arn:<partition>:iam::<account>:root`,
/// `...:role/<path/name>` or `...:user/<path/name>`.
pub fn principal_arn(arn: &str) -> Check {
    let problem = || {
        Problem::new(format!("\"{arn}\" is not an IAM role, user or account ARN"))
            .help("arn:aws:iam::<account>:role/<name>, arn:aws:iam::<account>:user/<name> or arn:aws:iam::<account>:root")
    };
    let parts: Vec<&str> = arn.splitn(6, ':').collect();
    let [arn_word, partition, service, region, account, resource] = parts[..] else {
        return Err(problem());
    };
    let named = |prefix: &str| {
        resource.strip_prefix(prefix).is_some_and(|n| {
            !n.is_empty()
                && n.chars()
                    .all(|c| c.is_ascii_alphanumeric() || "+=,.@_/-".contains(c))
        })
    };
    let ok = arn_word == "arn"
        && !partition.is_empty()
        && service == "iam"
        && region.is_empty()
        && account_id(account).is_ok()
        && (resource == "root" || named("role/") || named("user/"));
    ensure(ok, problem)
}

/// A role ARN in the account `account` (AssumeRole reaches the account
/// whose id the role's ARN holds).
pub fn role_in(arn: &str, account: &str) -> Check {
    let in_arn = arn.split(':').nth(4).unwrap_or_default();
    ensure(in_arn == account, || {
        Problem::new(format!("role_arn is a role of account {in_arn}, not of {account}"))
            .help("name a role in the account account_id gives: assuming a role reaches the role's own account")
    })
}

pub fn account_id(id: &str) -> Check {
    ensure(
        id.len() == 12 && id.bytes().all(|b| b.is_ascii_digit()),
        || {
            Problem::new(format!("account id \"{id}\" is not 12 digits"))
                .help("quote it so leading zeros are kept, e.g. account_id: \"012345678901\"")
        },
    )
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

    /// Each rule against names it takes and names it refuses.
    #[test]
    fn names() {
        let long_trail = "a".repeat(128);
        let too_long_trail = "a".repeat(129);
        type Rule = fn(&str) -> Check;
        let cases: [(Rule, &[&str], &[&str]); 2] = [
            (
                bucket_name,
                &["my-org-cloudtrail-logs-2024"],
                &[
                    "ab",
                    "My-Bucket",
                    "-abc",
                    "abc-",
                    "a..b",
                    "192.168.1.1",
                    "xn--abc",
                    "abc-s3alias",
                    "a_b",
                ],
            ),
            (
                trail_name,
                &["security-audit-trail", "Org.Trail_1", &long_trail],
                &[
                    "ab",
                    "-trail",
                    "trail-",
                    "my--trail",
                    "my-_trail",
                    "has space",
                    "10.0.0.1",
                    &too_long_trail,
                ],
            ),
        ];
        for (rule, good, bad) in cases {
            for name in good {
                assert!(rule(name).is_ok(), "{name}");
            }
            for name in bad {
                assert!(rule(name).is_err(), "{name}");
            }
        }
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
