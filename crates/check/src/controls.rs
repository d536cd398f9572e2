//! The CIS AWS Foundations Benchmark v3.0 controls on CloudTrail (section 3,
//! Logging) and CloudWatch monitoring (section 4, Monitoring) that ctrail
//! sets or that need a person, each judged on [`Facts`] as the benchmark's
//! audit procedure and the scanners' rules (Prowler, Security Hub) judge
//! them. A monitoring control passes when a filter on the log group of a
//! trail that records every region's management events holds every term the
//! benchmark's pattern holds (more is fine), and an alarm on its metric
//! notifies a topic that has a subscriber.

use serde::Serialize;

use crate::facts::{Facts, FilterFacts, LogGroup, Origin, TrailFacts};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Pass,
    Fail,
    /// Needs a person, or a fact that cannot be read from here.
    Manual,
}

/// One control's verdict with what it was judged on.
#[derive(Debug, Clone, Serialize)]
pub struct Verdict {
    pub id: &'static str,
    pub title: &'static str,
    pub status: Status,
    pub evidence: String,
    /// Where the deciding fact comes from.
    pub origin: Option<Origin>,
    /// What to do when it is not a pass.
    pub remedy: Option<String>,
}

/// A monitoring control: the terms its filter pattern must hold.
struct Monitor {
    id: &'static str,
    title: &'static str,
    terms: &'static [&'static str],
}

const MONITORS: &[Monitor] = &[
    Monitor {
        id: "4.1",
        title: "Unauthorized API calls are monitored",
        terms: &["errorCode", "UnauthorizedOperation", "AccessDenied"],
    },
    Monitor {
        id: "4.2",
        title: "Management console sign-in without MFA is monitored",
        terms: &["ConsoleLogin", "MFAUsed"],
    },
    Monitor {
        id: "4.3",
        title: "Usage of the root account is monitored",
        terms: &[
            "userIdentity.type",
            "Root",
            "invokedBy",
            "NOT EXISTS",
            "AwsServiceEvent",
        ],
    },
    Monitor {
        id: "4.4",
        title: "IAM policy changes are monitored",
        terms: &[
            "DeleteGroupPolicy",
            "DeleteRolePolicy",
            "DeleteUserPolicy",
            "PutGroupPolicy",
            "PutRolePolicy",
            "PutUserPolicy",
            "CreatePolicy",
            "DeletePolicy",
            "CreatePolicyVersion",
            "DeletePolicyVersion",
            "AttachRolePolicy",
            "DetachRolePolicy",
            "AttachUserPolicy",
            "DetachUserPolicy",
            "AttachGroupPolicy",
            "DetachGroupPolicy",
        ],
    },
    Monitor {
        id: "4.5",
        title: "CloudTrail configuration changes are monitored",
        terms: &[
            "CreateTrail",
            "UpdateTrail",
            "DeleteTrail",
            "StartLogging",
            "StopLogging",
        ],
    },
    Monitor {
        id: "4.6",
        title: "Management console authentication failures are monitored",
        terms: &["ConsoleLogin", "Failed authentication"],
    },
    Monitor {
        id: "4.7",
        title: "Disabling or scheduled deletion of customer created CMKs is monitored",
        terms: &["kms.amazonaws.com", "DisableKey", "ScheduleKeyDeletion"],
    },
    Monitor {
        id: "4.8",
        title: "S3 bucket policy changes are monitored",
        terms: &[
            "s3.amazonaws.com",
            "PutBucketAcl",
            "PutBucketPolicy",
            "PutBucketCors",
            "PutBucketLifecycle",
            "PutBucketReplication",
            "DeleteBucketPolicy",
            "DeleteBucketCors",
            "DeleteBucketLifecycle",
            "DeleteBucketReplication",
        ],
    },
    Monitor {
        id: "4.9",
        title: "AWS Config configuration changes are monitored",
        terms: &[
            "config.amazonaws.com",
            "StopConfigurationRecorder",
            "DeleteDeliveryChannel",
            "PutDeliveryChannel",
            "PutConfigurationRecorder",
        ],
    },
    Monitor {
        id: "4.10",
        title: "Security group changes are monitored",
        terms: &[
            "AuthorizeSecurityGroupIngress",
            "AuthorizeSecurityGroupEgress",
            "RevokeSecurityGroupIngress",
            "RevokeSecurityGroupEgress",
            "CreateSecurityGroup",
            "DeleteSecurityGroup",
        ],
    },
    Monitor {
        id: "4.11",
        title: "Network ACL changes are monitored",
        terms: &[
            "CreateNetworkAcl",
            "CreateNetworkAclEntry",
            "DeleteNetworkAcl",
            "DeleteNetworkAclEntry",
            "ReplaceNetworkAclEntry",
            "ReplaceNetworkAclAssociation",
        ],
    },
    Monitor {
        id: "4.12",
        title: "Changes to network gateways are monitored",
        terms: &[
            "CreateCustomerGateway",
            "DeleteCustomerGateway",
            "AttachInternetGateway",
            "CreateInternetGateway",
            "DeleteInternetGateway",
            "DetachInternetGateway",
        ],
    },
    Monitor {
        id: "4.13",
        title: "Route table changes are monitored",
        terms: &[
            "CreateRoute",
            "CreateRouteTable",
            "ReplaceRoute",
            "ReplaceRouteTableAssociation",
            "DeleteRouteTable",
            "DeleteRoute",
            "DisassociateRouteTable",
        ],
    },
    Monitor {
        id: "4.14",
        title: "VPC changes are monitored",
        terms: &[
            "CreateVpc",
            "DeleteVpc",
            "ModifyVpcAttribute",
            "AcceptVpcPeeringConnection",
            "CreateVpcPeeringConnection",
            "DeleteVpcPeeringConnection",
            "RejectVpcPeeringConnection",
            "AttachClassicLinkVpc",
            "DetachClassicLinkVpc",
            "DisableVpcClassicLink",
            "EnableVpcClassicLink",
        ],
    },
    Monitor {
        id: "4.15",
        title: "AWS Organizations changes are monitored",
        terms: &[
            "organizations.amazonaws.com",
            "AcceptHandshake",
            "AttachPolicy",
            "CancelHandshake",
            "CreateAccount",
            "CreateOrganization",
            "CreateOrganizationalUnit",
            "CreatePolicy",
            "DeclineHandshake",
            "DeleteOrganization",
            "DeleteOrganizationalUnit",
            "DeletePolicy",
            "DetachPolicy",
            "DisablePolicyType",
            "EnableAllFeatures",
            "EnablePolicyType",
            "InviteAccountToOrganization",
            "LeaveOrganization",
            "MoveAccount",
            "RemoveAccountFromOrganization",
            "UpdateOrganizationalUnit",
            "UpdatePolicy",
        ],
    },
];

/// Whether `term` is in `pattern` as a whole word (CreateRoute is not
/// CreateRouteTable).
fn holds(pattern: &str, term: &str) -> bool {
    let word = |c: Option<char>| c.is_some_and(|c| c.is_ascii_alphanumeric() || c == '_');
    pattern.match_indices(term).any(|(at, _)| {
        !word(pattern[..at].chars().next_back()) && !word(pattern[at + term.len()..].chars().next())
    })
}

fn verdict(
    id: &'static str,
    title: &'static str,
    status: Status,
    evidence: String,
    origin: Option<Origin>,
    remedy: Option<String>,
) -> Verdict {
    Verdict {
        id,
        title,
        status,
        evidence,
        origin,
        remedy,
    }
}

/// A trail that records every region's read and write management events.
fn recording(t: &TrailFacts) -> bool {
    t.records.multi_region && t.records.logging && t.records.all_management_events
}

/// A control every trail must meet (`ok`), judged trail by trail.
fn every_trail(
    facts: &Facts,
    id: &'static str,
    title: &'static str,
    setting: &str,
    ok: impl Fn(&TrailFacts) -> Option<bool>,
    remedy: impl Fn(&TrailFacts) -> String,
) -> Verdict {
    if facts.trails.is_empty() {
        return verdict(
            id,
            title,
            Status::Fail,
            "no trail".into(),
            None,
            Some("create a trail (ctrail apply)".into()),
        );
    }
    // A trail that fails it decides; else one that cannot be told from here.
    let worst = facts
        .trails
        .iter()
        .find(|t| ok(t) == Some(false))
        .or_else(|| facts.trails.iter().find(|t| ok(t).is_none()));
    if let Some(t) = worst {
        let (status, what) = match ok(t) {
            Some(_) => (Status::Fail, "not set"),
            None => (
                Status::Manual,
                "unknown here (a spec cannot say it; live, it could not be read)",
            ),
        };
        return verdict(
            id,
            title,
            status,
            format!("trail {}: {what}", t.name),
            t.origin(setting).cloned(),
            Some(remedy(t)),
        );
    }
    let names: Vec<&str> = facts.trails.iter().map(|t| t.name.as_str()).collect();
    let origin = facts.trails[0].origin(setting).cloned();
    verdict(
        id,
        title,
        Status::Pass,
        format!("trail(s) {}", names.join(", ")),
        origin,
        None,
    )
}

fn logging_controls(facts: &Facts) -> Vec<Verdict> {
    let mut out = Vec::new();
    let all_regions = facts.trails.iter().find(|t| recording(t));
    out.push(match all_regions {
        Some(t) => verdict("3.1", "CloudTrail is enabled in all regions", Status::Pass,
            format!("trail {}: multi-region, logging, read and write management events", t.name), t.origin("multi_region").cloned(), None),
        None => {
            let first = facts.trails.first();
            let why = first.map_or("no trail".to_owned(), |t| {
                let mut missing = Vec::new();
                if !t.records.multi_region { missing.push("not multi-region"); }
                if !t.records.logging { missing.push("not logging"); }
                if !t.records.all_management_events { missing.push("does not log all read and write management events"); }
                format!("trail {}: {}", t.name, missing.join(", "))
            });
            let origin = first.and_then(|t| {
                if !t.records.multi_region { t.origin("multi_region") } else if !t.records.logging { t.origin("logging") } else { t.origin("selectors") }
            });
            verdict("3.1", "CloudTrail is enabled in all regions", Status::Fail, why, origin.cloned(),
                Some("multi_region: true, logging: true, and a selector with every read and write management event (the default)".into()))
        }
    });
    out.push(every_trail(
        facts,
        "3.2",
        "CloudTrail log file validation is enabled",
        "log_file_validation",
        |t| Some(t.kept.log_file_validation),
        |_| "trail.log_file_validation: true (the default)".into(),
    ));
    out.push(every_trail(facts, "3.4", "S3 bucket access logging is enabled on the CloudTrail S3 bucket", "bucket",
        |t| t.kept.bucket_access_logging,
        |t| format!("bucket.access_logging: {{target_bucket: {}-access-logs}} (ctrail creates that bucket; `create: false` for an existing one)", t.kept.bucket)));
    out.push(every_trail(
        facts,
        "3.5",
        "CloudTrail logs are encrypted at rest using KMS CMKs",
        "kms_key",
        |t| Some(t.kept.kms_key.is_some()),
        |_| "kms_key_id: a customer managed key".into(),
    ));
    out.push(every_trail(facts, "3.6", "Rotation for the trail's customer created symmetric CMK is enabled", "kms_key",
        |t| match (&t.kept.kms_key, t.kept.key_rotation) { (None, _) => Some(false), (Some(_), r) => r },
        |t| match &t.kept.kms_key {
            Some(k) => format!("check, and turn on if off: aws kms get-key-rotation-status --key-id {k}; aws kms enable-key-rotation --key-id {k}"),
            None => "kms_key_id: a customer managed key with rotation on".into(),
        }));
    let s3 = |id, title, pick: fn(&TrailFacts) -> bool, what: &str| {
        match facts.trails.iter().find(|t| pick(t)) {
            Some(t) => verdict(id, title, Status::Pass, format!("trail {}: S3 object-level {what} events for every bucket", t.name), t.origin("selectors").cloned(), None),
            None => verdict(id, title, Status::Fail, format!("no trail logs S3 object-level {what} events for every bucket"),
                facts.trails.first().and_then(|t| t.origin("selectors")).cloned(),
                Some("trail.data_events: true, or a selector with AWS::S3::Object data events for arn:aws:s3".into())),
        }
    };
    out.push(s3(
        "3.8",
        "Object-level logging for write events is enabled for S3 buckets",
        |t| t.records.s3_object_events.0,
        "write",
    ));
    out.push(s3(
        "3.9",
        "Object-level logging for read events is enabled for S3 buckets",
        |t| t.records.s3_object_events.1,
        "read",
    ));
    out
}

fn monitoring_control(facts: &Facts, m: &Monitor) -> Verdict {
    let groups: Vec<&LogGroup> = facts
        .trails
        .iter()
        .filter(|t| recording(t))
        .filter_map(|t| t.records.log_group.as_ref())
        .collect();
    // By ARN where the facts were read from the account: a group of the
    // same name elsewhere is another group.
    let delivered_to = |g: &LogGroup| groups.iter().any(|r| r.is(g));
    let matching: Vec<&FilterFacts> = facts
        .filters
        .iter()
        .filter(|f| delivered_to(&f.log_group) && m.terms.iter().all(|t| holds(&f.pattern, t)))
        .collect();
    let remedy = "monitoring.presets: [cis] and an alert_topic with a subscriber".to_owned();
    if groups.is_empty() {
        return verdict(
            m.id,
            m.title,
            Status::Fail,
            "no multi-region trail delivers every management event to CloudWatch Logs".into(),
            facts
                .trails
                .first()
                .and_then(|t| t.origin("log_group"))
                .cloned(),
            Some(remedy),
        );
    }
    // A recording trail's log group in an account the spec does not reach
    // (an organization trail's, from a member account): its filters are
    // not known, so no verdict but "cannot tell" without a match elsewhere.
    let unreadable: Vec<String> = facts
        .unreadable
        .iter()
        .filter(|u| delivered_to(&u.log_group))
        .map(|u| format!("{} (account {})", u.log_group, u.account))
        .collect();
    if matching.is_empty() && !unreadable.is_empty() {
        return verdict(
            m.id,
            m.title,
            Status::Manual,
            format!(
                "cannot tell: the trail delivers to log group {}, which this spec's `accounts` does not reach",
                unreadable.join(", ")
            ),
            facts
                .trails
                .iter()
                .find(|t| recording(t))
                .and_then(|t| t.origin("log_group"))
                .cloned(),
            Some("an `accounts` entry for that account, with a role that may read its metric filters, alarms and topics".into()),
        );
    }
    let Some(f) = matching.first() else {
        // The filter closest to it (most terms held), when it holds at least
        // half: likely meant for this control, and short of terms.
        let near = facts
            .filters
            .iter()
            .filter(|f| delivered_to(&f.log_group))
            .map(|f| {
                let missing: Vec<&str> = m
                    .terms
                    .iter()
                    .copied()
                    .filter(|t| !holds(&f.pattern, t))
                    .collect();
                (f, missing)
            })
            .filter(|(_, missing)| missing.len() * 2 <= m.terms.len())
            .min_by_key(|(_, missing)| missing.len());
        return match near {
            Some((f, missing)) => verdict(
                m.id,
                m.title,
                Status::Fail,
                format!("filter {} lacks {}", f.name, missing.join(", ")),
                Some(f.origin.clone()),
                Some(remedy),
            ),
            None => verdict(
                m.id,
                m.title,
                Status::Fail,
                format!(
                    "no metric filter on {} for it",
                    groups
                        .iter()
                        .map(ToString::to_string)
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
                facts.monitoring.clone(),
                Some(remedy),
            ),
        };
    };
    // A filter whose alarm notifies a subscribed topic passes; one whose
    // topic is in an account the spec does not reach cannot be told.
    let told = [
        (Some(true), Status::Pass, " notifying a subscribed topic"),
        (
            None,
            Status::Manual,
            ": cannot tell whether its topic has a subscriber (the topic's account is not reached by this spec's `accounts`)",
        ),
    ];
    for (subscribed, status, how) in told {
        if let Some(f) = matching
            .iter()
            .find(|f| !f.notifies.alarms.is_empty() && f.notifies.subscribed == subscribed)
        {
            return verdict(
                m.id,
                m.title,
                status,
                format!(
                    "filter {} on {}, alarm {}{how}",
                    f.name,
                    f.log_group,
                    f.notifies.alarms.join(", ")
                ),
                Some(f.origin.clone()),
                None,
            );
        }
    }
    let why = if f.notifies.alarms.is_empty() {
        format!("filter {}: no alarm on its metric notifies anyone", f.name)
    } else {
        format!(
            "filter {}: alarm {} notifies a topic with no subscriber",
            f.name,
            f.notifies.alarms.join(", ")
        )
    };
    // Another recording trail's group this spec cannot read may hold a
    // filter that passes: no failure told from one side.
    if !unreadable.is_empty() {
        return verdict(
            m.id,
            m.title,
            Status::Manual,
            format!(
                "cannot tell: {why}, and the trail also delivers to log group {}, which this spec's `accounts` does not reach",
                unreadable.join(", ")
            ),
            Some(f.origin.clone()),
            Some(remedy),
        );
    }
    verdict(
        m.id,
        m.title,
        Status::Fail,
        why,
        Some(f.origin.clone()),
        Some(remedy),
    )
}

/// MFA Delete on the trail's bucket: only the root user, with its MFA
/// device, can turn it on, so ctrail never sets it. A spec cannot say
/// whether it is on (manual); the account can (pass or fail).
fn mfa_delete(facts: &Facts) -> Verdict {
    every_trail(
        facts,
        "2.1.2",
        "MFA Delete is enabled on the CloudTrail S3 bucket",
        "bucket",
        |t| t.kept.mfa_delete,
        |t| {
            format!(
                "only the root user, with its MFA device, can turn it on: aws s3api put-bucket-versioning --bucket {} --versioning-configuration Status=Enabled,MFADelete=Enabled --mfa \"arn:aws:iam::<account>:mfa/root-account-mfa-device <code>\"",
                t.kept.bucket
            )
        },
    )
}

/// The benchmark's logging and monitoring controls that no trail setting
/// meets (another service's), as manual steps with the command, so a scan
/// that fails them finds them named here too.
fn outside_a_trail() -> Vec<Verdict> {
    let manual = |id, title, remedy: &str| {
        let evidence =
            "another service's setting, outside a trail spec: ctrail does not set or read it";
        verdict(
            id,
            title,
            Status::Manual,
            evidence.into(),
            None,
            Some(remedy.to_owned()),
        )
    };
    vec![
        manual(
            "3.3",
            "AWS Config is enabled in all regions",
            "in every region: aws configservice put-configuration-recorder --configuration-recorder name=default,roleARN=<AWS Config role ARN> --recording-group allSupported=true,includeGlobalResourceTypes=true; aws configservice put-delivery-channel --delivery-channel name=default,s3BucketName=<bucket>; aws configservice start-configuration-recorder --configuration-recorder-name default",
        ),
        manual(
            "3.7",
            "VPC flow logging is enabled in all VPCs",
            "for every VPC: aws ec2 create-flow-logs --resource-type VPC --resource-ids <vpc id> --traffic-type REJECT --log-destination-type cloud-watch-logs --log-group-name <log group> --deliver-logs-permission-arn <role ARN>",
        ),
        manual(
            "4.16",
            "AWS Security Hub is enabled",
            "in every region: aws securityhub enable-security-hub",
        ),
    ]
}

/// Every control, in the benchmark's order.
pub fn judge(facts: &Facts) -> Vec<Verdict> {
    let mut out = vec![mfa_delete(facts)];
    out.extend(logging_controls(facts));
    out.extend(MONITORS.iter().map(|m| monitoring_control(facts, m)));
    out.extend(outside_a_trail());
    let order =
        |v: &Verdict| -> Vec<u32> { v.id.split('.').filter_map(|p| p.parse().ok()).collect() };
    out.sort_by_key(order);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::facts::{Kept, Notifies, Records, Unreadable};

    const MEMBER_GROUP: &str = "arn:aws:logs:us-east-1:210000000001:log-group:CloudTrail/Logs:*";
    const ORGANIZATION_GROUP: &str =
        "arn:aws:logs:us-east-1:123456789012:log-group:CloudTrail/Logs:*";

    /// A trail recording every management event in every region, into the
    /// log group at `group_arn`, if it is multi-region.
    fn trail(name: &str, group_arn: &str, multi_region: bool) -> TrailFacts {
        TrailFacts {
            name: name.into(),
            records: Records {
                multi_region,
                logging: true,
                all_management_events: true,
                s3_object_events: (false, false),
                log_group: LogGroup::of_arn(group_arn),
            },
            kept: Kept {
                log_file_validation: true,
                kms_key: None,
                key_rotation: None,
                bucket: "b".into(),
                bucket_access_logging: None,
                mfa_delete: None,
            },
            origins: Vec::new(),
        }
    }

    /// A filter for control 4.1 on the group at `group_arn`, its alarm's
    /// topic subscribed or not.
    fn unauthorized_calls(group_arn: &str, subscribed: Option<bool>) -> FilterFacts {
        FilterFacts {
            name: "UnauthorizedAPICalls".into(),
            log_group: LogGroup::of_arn(group_arn).expect("a log group ARN"),
            pattern:
                r#"{ ($.errorCode = "*UnauthorizedOperation") || ($.errorCode = "AccessDenied*") }"#
                    .into(),
            notifies: Notifies {
                alarms: vec!["UnauthorizedAPICallsAlarm".into()],
                subscribed,
            },
            origin: Origin::Live("filter".into()),
        }
    }

    /// The facts of `trails`, with `filters` on their groups, and the
    /// organization trail's group unreadable or not.
    fn facts(trails: Vec<TrailFacts>, filters: Vec<FilterFacts>, unreadable: bool) -> Facts {
        let organization = Unreadable {
            log_group: LogGroup::of_arn(ORGANIZATION_GROUP).expect("arn"),
            account: "123456789012".into(),
        };
        Facts {
            trails,
            filters,
            monitoring: None,
            unreadable: if unreadable {
                vec![organization]
            } else {
                Vec::new()
            },
        }
    }

    fn control_4_1(facts: &Facts) -> Verdict {
        monitoring_control(facts, &MONITORS[0])
    }

    /// A member's own group of the organization trail's group's name is
    /// another group: its filter does not count for the organization trail,
    /// which delivers where this spec cannot read.
    #[test]
    fn a_group_of_the_same_name_in_another_account_is_another_group() {
        let trails = || {
            vec![
                trail("organization", ORGANIZATION_GROUP, true),
                trail("member-own", MEMBER_GROUP, false),
            ]
        };
        let member = vec![unauthorized_calls(MEMBER_GROUP, Some(true))];
        let v = control_4_1(&facts(trails(), member, true));
        assert_eq!(v.status, Status::Manual, "{v:?}");
        assert!(v.evidence.contains("cannot tell"), "{v:?}");

        // The same filter on the recording trail's own group passes.
        let own = vec![unauthorized_calls(ORGANIZATION_GROUP, Some(true))];
        assert_eq!(
            control_4_1(&facts(trails(), own, false)).status,
            Status::Pass
        );
    }

    /// A filter that falls short on one recording trail's group fails only
    /// when no other recording trail delivers where this spec cannot read.
    #[test]
    fn a_shortfall_beside_an_unreadable_group_cannot_be_told() {
        let unsubscribed = |unreadable: bool| {
            let trails = vec![
                trail("organization", ORGANIZATION_GROUP, true),
                trail("member", MEMBER_GROUP, true),
            ];
            let filters = vec![unauthorized_calls(MEMBER_GROUP, Some(false))];
            facts(trails, filters, unreadable)
        };
        assert_eq!(control_4_1(&unsubscribed(false)).status, Status::Fail);
        let v = control_4_1(&unsubscribed(true));
        assert_eq!(v.status, Status::Manual, "{v:?}");
        assert!(
            v.evidence.contains("no subscriber") && v.evidence.contains("123456789012"),
            "{v:?}"
        );
    }

    #[test]
    fn terms_match_whole_words() {
        assert!(holds("{ ($.eventName = CreateRoute) }", "CreateRoute"));
        assert!(!holds(
            "{ ($.eventName = CreateRouteTable) }",
            "CreateRoute"
        ));
        assert!(holds("{ ($.eventName = \"CreateRoute\") }", "CreateRoute"));
        assert!(holds(
            "{ $.errorCode = \"*UnauthorizedOperation\" }",
            "UnauthorizedOperation"
        ));
    }
}
