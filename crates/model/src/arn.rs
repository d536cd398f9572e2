//! ARNs read back from AWS, parsed in one place: the general form
//! `arn:partition:service:region:account-id:resource`, where the resource
//! part may itself hold `:` and `/` (IAM User Guide, "IAM identifiers",
//! https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_identifiers.html#identifiers-arns;
//! AWS General Reference, "Amazon Resource Names (ARNs)",
//! https://docs.aws.amazon.com/IAM/latest/UserGuide/reference-arns.html).
//! Each shape ctrail reads has its accessor here, so that no stage splits
//! an ARN on its own.

/// An ARN split into its six parts; `resource` is everything after the
/// fifth `:`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Arn<'a> {
    pub partition: &'a str,
    pub service: &'a str,
    pub region: &'a str,
    pub account: &'a str,
    pub resource: &'a str,
}

impl<'a> Arn<'a> {
    /// The parts of `arn`; `None` when it is not `arn:` followed by five
    /// more `:`-separated parts.
    pub fn parse(arn: &'a str) -> Option<Arn<'a>> {
        let mut it = arn.splitn(6, ':');
        if it.next()? != "arn" {
            return None;
        }
        Some(Arn {
            partition: it.next()?,
            service: it.next()?,
            region: it.next()?,
            account: it.next()?,
            resource: it.next()?,
        })
    }
}

/// The log group's name in a log group ARN,
/// `arn:partition:logs:region:account:log-group:NAME` with or without the
/// `:*` CloudTrail's `CloudWatchLogsLogGroupArn` carries (CloudTrail API
/// Reference, Trail,
/// https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_Trail.html).
/// A log group's name holds no `:` (CloudWatch Logs API Reference,
/// CreateLogGroup: `[\.\-_/#A-Za-z0-9]+`).
pub fn log_group_name(arn: &str) -> Option<&str> {
    let parsed = Arn::parse(arn).filter(|a| a.service == "logs")?;
    let rest = parsed.resource.strip_prefix("log-group:")?;
    Some(rest.strip_suffix(":*").unwrap_or(rest))
}

/// The role's name in a role ARN, `arn:partition:iam::account:role/PATH/NAME`
/// (the name is the part after the last `/`; IAM User Guide, "IAM
/// identifiers").
pub fn role_name(arn: &str) -> Option<&str> {
    let parsed = Arn::parse(arn).filter(|a| a.service == "iam")?;
    let rest = parsed.resource.strip_prefix("role/")?;
    rest.rsplit('/').next().filter(|n| !n.is_empty())
}

/// The last part of a `:`-separated resource ARN, such as an SNS topic's
/// name in `arn:partition:sns:region:account:NAME`; a value that is no ARN
/// is a name already and is returned as it is.
pub fn last_part(arn_or_name: &str) -> &str {
    arn_or_name.rsplit(':').next().unwrap_or(arn_or_name)
}

/// The region an ARN names (a trail's home region in its ARN,
/// `arn:partition:cloudtrail:region:account:trail/NAME`).
pub fn region(arn: &str) -> Option<&str> {
    Arn::parse(arn).map(|a| a.region).filter(|r| !r.is_empty())
}

/// The partition an ARN names (`aws`, `aws-cn`, `aws-us-gov`).
pub fn partition(arn: &str) -> Option<&str> {
    Arn::parse(arn).map(|a| a.partition)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_parts_of_an_arn() {
        let a = Arn::parse("arn:aws-cn:logs:cn-north-1:123456789012:log-group:g:*");
        assert_eq!(
            a,
            Some(Arn {
                partition: "aws-cn",
                service: "logs",
                region: "cn-north-1",
                account: "123456789012",
                resource: "log-group:g:*",
            })
        );
        assert_eq!(Arn::parse("not-an-arn"), None);
        assert_eq!(Arn::parse("arn:aws:sns"), None);
        assert_eq!(Arn::parse("urn:aws:sns:r:a:t"), None);
    }

    #[test]
    fn log_groups_with_and_without_the_stream_suffix() {
        let bare = "arn:aws:logs:us-east-1:123456789012:log-group:CloudTrail/APILogs";
        assert_eq!(log_group_name(bare), Some("CloudTrail/APILogs"));
        assert_eq!(
            log_group_name(&format!("{bare}:*")),
            Some("CloudTrail/APILogs")
        );
        assert_eq!(log_group_name("arn:aws:iam::1:role/r"), None);
        assert_eq!(log_group_name("CloudTrail/APILogs"), None);
    }

    #[test]
    fn role_names_after_their_path() {
        assert_eq!(
            role_name("arn:aws:iam::123456789012:role/CloudTrail_CWL"),
            Some("CloudTrail_CWL")
        );
        assert_eq!(
            role_name("arn:aws:iam::123456789012:role/service/ops/CloudTrail_CWL"),
            Some("CloudTrail_CWL")
        );
        assert_eq!(role_name("arn:aws:iam::123456789012:user/u"), None);
        assert_eq!(role_name("arn:aws:iam::123456789012:role/"), None);
    }

    #[test]
    fn topics_regions_and_partitions() {
        let topic = "arn:aws:sns:eu-west-1:123456789012:alerts";
        assert_eq!(last_part(topic), "alerts");
        assert_eq!(last_part("alerts"), "alerts");
        assert_eq!(region(topic), Some("eu-west-1"));
        assert_eq!(partition(topic), Some("aws"));
        assert_eq!(region("arn:aws:iam::123456789012:role/r"), None);
        assert_eq!(partition("trail"), None);
    }
}
