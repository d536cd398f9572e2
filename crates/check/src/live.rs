//! Facts read from the account as it is, including what ctrail does not
//! manage (another trail, a filter someone added by hand): every trail the
//! region sees (multi-region trails homed elsewhere too), what each records,
//! its bucket's access logging and its key's rotation; every metric filter on
//! the trails' log groups; the alarms on their metrics and whether the topics
//! those alarms notify have a confirmed subscriber. Read-only.
//!
//! An organization trail seen from a member account lives in the
//! management account, with its log group, its alarms and its topics (and
//! its key, often in a Log Archive account): those are read with the
//! reads of the spec's `accounts` entry for their account (`Reach`). One
//! no entry reaches is not guessed at: its log group is `unreadable`, and
//! the monitoring controls say they cannot tell.

use std::collections::BTreeMap;

use ctrail_kinds::cloudtrail::event_selectors::EventSelectors as Selectors;
use ctrail_kinds::cloudtrail::trail::Listed;
use ctrail_kinds::{LiveReads, ReadError};
use futures::future::try_join_all;

use crate::facts::{
    Facts, FilterFacts, Kept, LogGroup, Notifies, Origin, Records, TrailFacts, Unreadable,
};

/// What reads each account: the checked account's own reads, and those of
/// the other accounts the spec names (its `accounts` entries).
pub struct Reach<'a, R> {
    pub home: &'a R,
    /// Each other account's id and reads.
    pub others: Vec<(String, &'a R)>,
}

impl<R: LiveReads> Reach<'_, R> {
    /// The reads of the account an ARN names (the checked account's for an
    /// ARN of its own, or one naming no account), in the ARN's region (a
    /// multi-region trail homed in another region keeps its log group,
    /// alarms and topic there); `None` when no entry reaches the account.
    fn of(&self, home_id: &str, arn: &str) -> Option<R> {
        let parsed = ctrail_model::arn::Arn::parse(arn);
        let account = match parsed.as_ref().map(|a| a.account) {
            None | Some("") => self.home,
            Some(a) if a == home_id => self.home,
            Some(a) => self.others.iter().find(|(id, _)| id == a)?.1,
        };
        Some(account.in_region(parsed.map_or("", |a| a.region)))
    }
}

async fn trail_facts<R: LiveReads>(
    c: &R,
    reach: &Reach<'_, R>,
    home_id: &str,
    listed: &Listed,
) -> Result<TrailFacts, ReadError> {
    let t = &listed.trail;
    let arn = listed.arn.clone();
    let name = t.name.clone();
    let (status, selectors) = futures::join!(c.trail_status(&arn), c.event_selectors(&arn));
    // A trail gone since DescribeTrails neither logs nor records anything.
    let status = status?.unwrap_or_default();
    let selectors = selectors?.unwrap_or(Selectors::Basic(Vec::new()));
    let partition = ctrail_model::arn::partition(&arn)
        .unwrap_or("aws")
        .to_owned();
    let (all_management_events, writes, reads) = crate::facts::selectors(&selectors, &partition);
    let bucket = t.s3_bucket_name.clone().unwrap_or_default();
    // A bucket the caller may not read: the verdicts say they cannot tell.
    let (logging, mfa_delete) = futures::join!(c.bucket_logging(&bucket), c.mfa_delete(&bucket));
    let bucket_access_logging = logging.ok().flatten().map(|l| l.target_bucket.is_some());
    let mfa_delete = mfa_delete.ok();
    let kms_key = t.kms_key_id.clone();
    let key_rotation = match &kms_key {
        None => Some(false),
        // A key the caller may not read: the verdict says it cannot tell.
        Some(k) => match reach.of(home_id, k) {
            Some(there) => there.key_rotation(k).await.ok(),
            None => None,
        },
    };
    let live = |what: String| Origin::Live(what);
    Ok(TrailFacts {
        origins: vec![
            ("multi_region", live(arn.clone())),
            ("logging", live(arn.clone())),
            ("selectors", live(format!("{arn} (event selectors)"))),
            ("log_file_validation", live(arn.clone())),
            (
                "kms_key",
                live(kms_key.clone().unwrap_or_else(|| arn.clone())),
            ),
            ("log_group", live(arn.clone())),
            ("bucket", live(format!("s3://{bucket}"))),
        ],
        name,
        records: Records {
            multi_region: t.is_multi_region_trail,
            logging: status.is_logging,
            all_management_events,
            s3_object_events: (writes, reads),
            log_group: t
                .cloud_watch_logs_log_group_arn
                .as_deref()
                .and_then(LogGroup::of_arn),
        },
        kept: Kept {
            log_file_validation: t.enable_log_file_validation,
            kms_key,
            key_rotation,
            bucket,
            bucket_access_logging,
            mfa_delete,
        },
    })
}

/// Alarms by (namespace, metric): each alarm's name and its actions.
type AlarmsByMetric = BTreeMap<(String, String), Vec<(String, Vec<String>)>>;

/// Every metric alarm of the region, by the metric it watches.
async fn alarms(c: &impl LiveReads) -> Result<AlarmsByMetric, ReadError> {
    let mut out = AlarmsByMetric::new();
    for a in c.alarms().await? {
        let key = (
            a.namespace.unwrap_or_default(),
            a.metric_name.unwrap_or_default(),
        );
        out.entry(key)
            .or_default()
            .push((a.alarm_name.unwrap_or_default(), a.alarm_actions));
    }
    Ok(out)
}

/// Whether an SNS topic has a confirmed subscription (an email nobody
/// confirmed is listed as `PendingConfirmation`).
async fn subscribed(c: &impl LiveReads, topic: &str) -> Result<bool, ReadError> {
    let subscriptions = c.subscriptions(topic).await?.unwrap_or_default();
    Ok(subscriptions.iter().any(|s| s.confirmed))
}

/// The account's facts, as the region of `reach.home` sees them; what
/// lives in another account or region read there (`Reach::of`).
pub async fn gather<R: LiveReads>(reach: &Reach<'_, R>) -> Result<Facts, ReadError> {
    let c = reach.home;
    let (home_id, described) = futures::try_join!(c.account_id(), c.trails())?;
    let home_id = home_id.as_str();
    let trails = try_join_all(described.iter().map(|t| trail_facts(c, reach, home_id, t))).await?;
    // Each log group once, by its ARN (which names its account and region).
    let groups: BTreeMap<String, LogGroup> = described
        .iter()
        .filter_map(|t| LogGroup::of_arn(t.trail.cloud_watch_logs_log_group_arn.as_deref()?))
        .filter_map(|g| Some((g.arn.clone()?, g)))
        .collect();
    // The alarms of each (account, region) a group is in.
    let mut alarms_of: BTreeMap<(String, String), AlarmsByMetric> = BTreeMap::new();
    let mut filters = Vec::new();
    let mut unreadable = Vec::new();
    let mut topics: BTreeMap<String, Option<bool>> = BTreeMap::new();
    for (group_arn, group) in groups {
        let account = ctrail_model::arn::Arn::parse(&group_arn)
            .map(|a| a.account.to_owned())
            .unwrap_or_default();
        let Some(there) = reach.of(home_id, &group_arn) else {
            unreadable.push(Unreadable {
                log_group: group,
                account,
            });
            continue;
        };
        let place = (account.clone(), there.region().to_owned());
        let by_metric = match alarms_of.get(&place) {
            Some(a) => a,
            None => {
                let read = alarms(&there).await?;
                alarms_of.entry(place).or_insert(read)
            }
        };
        for f in there.metric_filters(&group.name).await? {
            let mut alarms_with_actions = Vec::new();
            let mut notified = Vec::new();
            let key = (
                f.metric_namespace.clone().unwrap_or_default(),
                f.metric_name.clone().unwrap_or_default(),
            );
            if f.metric_name.is_some() {
                for (name, actions) in by_metric.get(&key).into_iter().flatten() {
                    if !actions.is_empty() {
                        alarms_with_actions.push(name.clone());
                        notified.extend(actions.iter().filter(|a| a.contains(":sns:")).cloned());
                    }
                }
            }
            // A topic no entry reaches: whether anyone is subscribed
            // cannot be told from here.
            let mut any = Some(false);
            for topic in notified {
                let yes = match topics.get(&topic) {
                    Some(v) => *v,
                    None => {
                        let v = match reach.of(home_id, &topic) {
                            Some(t) => Some(subscribed(&t, &topic).await?),
                            None => None,
                        };
                        topics.insert(topic.clone(), v);
                        v
                    }
                };
                any = match (any, yes) {
                    (_, Some(true)) | (Some(true), _) => Some(true),
                    (Some(false), Some(false)) => Some(false),
                    _ => None,
                };
            }
            let name = f.filter_name.clone().unwrap_or_default();
            let origin = if account == home_id {
                format!("log group {group}, metric filter {name}")
            } else {
                format!("log group {group} (account {account}), metric filter {name}")
            };
            filters.push(FilterFacts {
                origin: Origin::Live(origin),
                name,
                log_group: group.clone(),
                pattern: f.filter_pattern,
                notifies: Notifies {
                    alarms: alarms_with_actions,
                    subscribed: any,
                },
            });
        }
    }
    Ok(Facts {
        trails,
        filters,
        monitoring: None,
        unreadable,
    })
}

#[cfg(test)]
mod tests {
    //! `gather` over an account held in memory (`Fake`): which account and
    //! region each read is made in decides what is found.

    use std::collections::{BTreeMap, BTreeSet};
    use std::sync::Arc;

    use ctrail_kinds::cloudtrail::event_selectors::EventSelectors;
    use ctrail_kinds::cloudtrail::trail::{Listed, Status, Trail};
    use ctrail_kinds::monitoring::{metric_alarm::MetricAlarm, metric_filter::MetricFilter};
    use ctrail_kinds::s3::logging::Logging;
    use ctrail_kinds::sns::subscription::{Listed as Subscribed, Subscription};
    use ctrail_kinds::{LiveReads, ReadError};

    use super::{Reach, gather};
    use crate::{Status as Verdict, judge};

    const MEMBER: &str = "210000000001";
    const MANAGEMENT: &str = "123456789012";
    const GROUP: &str = "aws-controltower/CloudTrailLogs";

    /// What the accounts hold: trails (as every region lists them), metric
    /// filters by (account, region, log group), alarms by (account,
    /// region), and the topics with a confirmed subscriber.
    #[derive(Default)]
    struct World {
        trails: Vec<Listed>,
        filters: BTreeMap<(String, String, String), Vec<MetricFilter>>,
        alarms: BTreeMap<(String, String), Vec<MetricAlarm>>,
        subscribed: BTreeSet<String>,
    }

    /// The reads of one account in one region of `World`.
    #[derive(Clone)]
    struct Fake {
        account: String,
        region: String,
        world: Arc<World>,
    }

    impl LiveReads for Fake {
        fn region(&self) -> &str {
            &self.region
        }

        fn in_region(&self, region: &str) -> Self {
            Fake {
                region: if region.is_empty() {
                    self.region.clone()
                } else {
                    region.to_owned()
                },
                ..self.clone()
            }
        }

        async fn account_id(&self) -> Result<String, ReadError> {
            Ok(self.account.clone())
        }

        async fn trails(&self) -> Result<Vec<Listed>, ReadError> {
            Ok(self.world.trails.clone())
        }

        async fn trail_status(&self, _: &str) -> Result<Option<Status>, ReadError> {
            Ok(Some(Status {
                is_logging: true,
                ..Status::default()
            }))
        }

        async fn event_selectors(&self, _: &str) -> Result<Option<EventSelectors>, ReadError> {
            Ok(None)
        }

        async fn bucket_logging(&self, _: &str) -> Result<Option<Logging>, ReadError> {
            Ok(None)
        }

        async fn mfa_delete(&self, _: &str) -> Result<bool, ReadError> {
            Ok(false)
        }

        async fn key_rotation(&self, _: &str) -> Result<bool, ReadError> {
            Ok(true)
        }

        async fn alarms(&self) -> Result<Vec<MetricAlarm>, ReadError> {
            let at = (self.account.clone(), self.region.clone());
            Ok(self.world.alarms.get(&at).cloned().unwrap_or_default())
        }

        async fn metric_filters(&self, group: &str) -> Result<Vec<MetricFilter>, ReadError> {
            let at = (self.account.clone(), self.region.clone(), group.to_owned());
            Ok(self.world.filters.get(&at).cloned().unwrap_or_default())
        }

        async fn subscriptions(&self, topic: &str) -> Result<Option<Vec<Subscribed>>, ReadError> {
            let confirmed = self.world.subscribed.contains(topic);
            Ok(Some(vec![Subscribed {
                subscription: Subscription {
                    topic_arn: topic.to_owned(),
                    protocol: "email".into(),
                    endpoint: "security@example.com".into(),
                    pending_confirmation: Some(!confirmed),
                },
                confirmed,
            }]))
        }
    }

    fn trail(account: &str, region: &str, name: &str, multi_region: bool) -> Listed {
        Listed {
            arn: format!("arn:aws:cloudtrail:{region}:{account}:trail/{name}"),
            trail: Trail {
                name: name.into(),
                home_region: region.into(),
                s3_bucket_name: Some("logs".into()),
                s3_key_prefix: None,
                include_global_service_events: true,
                is_multi_region_trail: multi_region,
                is_organization_trail: multi_region,
                enable_log_file_validation: true,
                kms_key_id: None,
                cloud_watch_logs_log_group_arn: Some(format!(
                    "arn:aws:logs:{region}:{account}:log-group:{GROUP}:*"
                )),
                cloud_watch_logs_role_arn: None,
                sns_topic_name: None,
                recursive_logging: true,
            },
        }
    }

    /// The CIS 4.1 filter and its alarm in (account, region), notifying a
    /// topic there with a confirmed subscriber.
    fn unauthorized_calls(world: &mut World, account: &str, region: &str) {
        let topic = format!("arn:aws:sns:{region}:{account}:alerts");
        world.filters.insert(
            (account.into(), region.into(), GROUP.into()),
            vec![MetricFilter {
                log_group_name: GROUP.into(),
                filter_name: Some("UnauthorizedAPICalls".into()),
                filter_pattern: r#"{ ($.errorCode = "*UnauthorizedOperation") || ($.errorCode = "AccessDenied*") }"#.into(),
                metric_name: Some("UnauthorizedAPICalls".into()),
                metric_namespace: Some("CloudTrailMetrics".into()),
                metric_value: Some("1".into()),
            }],
        );
        world.alarms.insert(
            (account.into(), region.into()),
            vec![MetricAlarm {
                alarm_actions: vec![topic.clone()],
                ..MetricAlarm::on_metric("UnauthorizedAPICallsAlarm", "UnauthorizedAPICalls")
            }],
        );
        world.subscribed.insert(topic);
    }

    /// Control 4.1 judged on what `gather` finds from the member account in
    /// eu-west-1, with the management account reached or not.
    fn control_4_1(world: World, management_reached: bool) -> (Verdict, String) {
        let world = Arc::new(world);
        let at = |account: &str| Fake {
            account: account.into(),
            region: "eu-west-1".into(),
            world: world.clone(),
        };
        let (member, management) = (at(MEMBER), at(MANAGEMENT));
        let reach = Reach {
            home: &member,
            others: if management_reached {
                vec![(MANAGEMENT.to_owned(), &management)]
            } else {
                Vec::new()
            },
        };
        let facts = futures::executor::block_on(gather(&reach)).expect("gathered");
        let v = judge(&facts)
            .into_iter()
            .find(|v| v.id == "4.1")
            .expect("4.1");
        (v.status, v.evidence)
    }

    /// The organization trail is homed in us-east-1: its filters, alarms
    /// and topic are read there, not in the member's region.
    #[test]
    fn a_trail_homed_in_another_region_is_judged_on_what_is_there() {
        let mut world = World {
            trails: vec![trail(MANAGEMENT, "us-east-1", "organization", true)],
            ..World::default()
        };
        unauthorized_calls(&mut world, MANAGEMENT, "us-east-1");
        let (status, evidence) = control_4_1(world, true);
        assert_eq!(status, Verdict::Pass, "{evidence}");
        assert!(
            evidence.contains("notifying a subscribed topic"),
            "{evidence}"
        );
    }

    /// The member's own trail delivers to a group of the organization
    /// group's name in the member account: its filter does not stand in
    /// for the organization trail's group, which no entry reaches.
    #[test]
    fn a_members_group_of_the_same_name_does_not_stand_in() {
        let mut world = World {
            trails: vec![
                trail(MANAGEMENT, "eu-west-1", "organization", true),
                trail(MEMBER, "eu-west-1", "member-own", false),
            ],
            ..World::default()
        };
        unauthorized_calls(&mut world, MEMBER, "eu-west-1");
        let (status, evidence) = control_4_1(world, false);
        assert_eq!(status, Verdict::Manual, "{evidence}");
        assert!(
            evidence.contains("cannot tell") && evidence.contains(MANAGEMENT),
            "{evidence}"
        );
    }
}
