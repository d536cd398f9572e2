//! AWS region names and their partitions.

use super::{Check, Problem};

/// Commercial, China and GovCloud regions where CloudTrail, S3, IAM and
/// CloudWatch Logs are all available.
pub const KNOWN: &[&str] = &[
    "af-south-1",
    "ap-east-1",
    "ap-east-2",
    "ap-northeast-1",
    "ap-northeast-2",
    "ap-northeast-3",
    "ap-south-1",
    "ap-south-2",
    "ap-southeast-1",
    "ap-southeast-2",
    "ap-southeast-3",
    "ap-southeast-4",
    "ap-southeast-5",
    "ap-southeast-6",
    "ap-southeast-7",
    "ca-central-1",
    "ca-west-1",
    "cn-north-1",
    "cn-northwest-1",
    "eu-central-1",
    "eu-central-2",
    "eu-north-1",
    "eu-south-1",
    "eu-south-2",
    "eu-west-1",
    "eu-west-2",
    "eu-west-3",
    "il-central-1",
    "me-central-1",
    "me-south-1",
    "mx-central-1",
    "sa-east-1",
    "us-east-1",
    "us-east-2",
    "us-gov-east-1",
    "us-gov-west-1",
    "us-west-1",
    "us-west-2",
];

pub fn region(name: &str) -> Check {
    if KNOWN.contains(&name) {
        return Ok(());
    }
    let near: Vec<&str> = KNOWN
        .iter()
        .copied()
        .filter(|r| {
            let stem = |s: &str| {
                s.rsplit_once('-')
                    .map(|(a, _)| a.to_owned())
                    .unwrap_or_default()
            };
            stem(r) == stem(name)
        })
        .collect();
    let problem = Problem::new(format!("\"{name}\" is not an AWS region"));
    Err(if near.is_empty() {
        problem.help(format!("regions: {}", KNOWN.join(", ")))
    } else {
        problem.help(format!("did you mean one of: {}", near.join(", ")))
    })
}

/// The ARN partition a region belongs to.
pub fn partition(region: &str) -> &'static str {
    if region.starts_with("cn-") {
        "aws-cn"
    } else if region.starts_with("us-gov-") {
        "aws-us-gov"
    } else {
        "aws"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn regions_and_partitions() {
        assert!(region("eu-west-1").is_ok());
        let e = region("us-east-7").expect_err("unknown");
        assert!(e.help.unwrap_or_default().contains("us-east-1"));
        assert_eq!(partition("cn-north-1"), "aws-cn");
        assert_eq!(partition("us-gov-west-1"), "aws-us-gov");
        assert_eq!(partition("us-east-1"), "aws");
    }
}
