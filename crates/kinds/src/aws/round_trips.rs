//! Each kind's conversions to and from AWS's types: what a put sends, read
//! back as AWS answers it, is the desired value.

mod cloudtrail_event_selectors {

    use crate::cloudtrail::event_selectors::{Advanced, Basic, DataResource, FieldSelector};

    #[test]
    fn round_trip() {
        let basic = Basic {
            read_write_type: "WriteOnly".into(),
            include_management_events: true,
            data_resources: vec![DataResource {
                resource_type: Some("AWS::S3::Object".into()),
                values: vec!["arn:aws:s3:::b/".into()],
            }],
            exclude_management_event_sources: vec!["kms.amazonaws.com".into()],
        };
        assert_eq!(Basic::from_aws(&basic.to_aws()), basic);
        let advanced = Advanced {
            name: Some("writes".into()),
            field_selectors: vec![FieldSelector {
                field: "eventCategory".into(),
                equals: vec!["Data".into()],
                ..FieldSelector::default()
            }],
        };
        assert_eq!(
            Advanced::from_aws(&advanced.to_aws().expect("request")),
            advanced
        );
    }
}

mod cloudtrail_insight_selectors {

    use crate::cloudtrail::insight_selectors::InsightSelectors;

    /// What PutInsightSelectors sends reads back as the desired types and
    /// categories, in any order; a type on management events alone is sent
    /// with `[Management]` and reads back the same whether AWS answers the
    /// category or leaves it out.
    #[test]
    fn round_trip() {
        use aws_sdk_cloudtrail::types::SourceEventCategory;
        let want = InsightSelectors::new([
            (
                "ApiCallRateInsight".into(),
                vec!["Data".into(), "Management".into()],
            ),
            ("ApiErrorRateInsight".into(), vec!["Management".into()]),
        ]);
        let mut sent = want.to_aws();
        assert_eq!(sent[0].event_categories().len(), 2);
        assert_eq!(
            sent[1].event_categories(),
            [SourceEventCategory::Management],
            "{sent:?}"
        );
        sent.reverse();
        assert_eq!(InsightSelectors::from_aws(&sent), want);
        let answered: Vec<_> = sent
            .iter()
            .map(|s| {
                let mut s = s.clone();
                if s.event_categories() == [SourceEventCategory::Management] {
                    s.event_categories = None;
                }
                s
            })
            .collect();
        assert_eq!(InsightSelectors::from_aws(&answered), want);
    }

    /// A type moved back from `[Management, Data]` to the short form is
    /// sent with `[Management]`, so the categories given overwrite the Data
    /// enabled before, whatever a selector without them would do.
    #[test]
    fn management_only_is_sent_as_management() {
        let want = InsightSelectors::new([("ApiCallRateInsight".into(), vec![])]);
        let sent = want.to_aws();
        assert_eq!(
            sent[0].event_categories(),
            [aws_sdk_cloudtrail::types::SourceEventCategory::Management],
            "{sent:?}"
        );
        assert_eq!(InsightSelectors::from_aws(&sent), want);
    }

    /// GetInsightSelectors answering one selector per category for the
    /// same type reads as that type with both categories, not the last.
    #[test]
    fn one_selector_per_category_reads_as_one_type() {
        use aws_sdk_cloudtrail::types::{InsightSelector, InsightType, SourceEventCategory};
        let selector = |c: SourceEventCategory| {
            InsightSelector::builder()
                .insight_type(InsightType::ApiCallRateInsight)
                .event_categories(c)
                .build()
        };
        let want = InsightSelectors::new([(
            "ApiCallRateInsight".into(),
            vec!["Management".into(), "Data".into()],
        )]);
        for answered in [
            [
                selector(SourceEventCategory::Management),
                selector(SourceEventCategory::Data),
            ],
            [
                selector(SourceEventCategory::Data),
                selector(SourceEventCategory::Management),
            ],
        ] {
            assert_eq!(InsightSelectors::from_aws(&answered), want, "{answered:?}");
        }
    }

    /// Only Data: Insights on management events are off for that type.
    #[test]
    fn data_only_is_sent_as_data() {
        let want = InsightSelectors::new([("ApiErrorRateInsight".into(), vec!["Data".into()])]);
        let sent = want.to_aws();
        assert_eq!(
            sent[0].event_categories(),
            [aws_sdk_cloudtrail::types::SourceEventCategory::Data]
        );
        assert_eq!(InsightSelectors::from_aws(&sent), want);
    }
}

mod cloudtrail_trail {
    use crate::cloudtrail::trail::Trail;

    /// What GetTrail answers for the trail CreateTrail made reads back
    /// as the desired attributes (the key in ARN form, the log group
    /// ARN with its `:*`, the topic by name).
    #[test]
    fn round_trip() {
        let want = Trail {
            name: "t".into(),
            home_region: "us-east-1".into(),
            s3_bucket_name: Some("b".into()),
            s3_key_prefix: None,
            include_global_service_events: true,
            is_multi_region_trail: true,
            is_organization_trail: false,
            enable_log_file_validation: true,
            kms_key_id: Some("arn:aws:kms:us-east-1:123456789012:key/k".into()),
            cloud_watch_logs_log_group_arn: Some(
                "arn:aws:logs:us-east-1:123456789012:log-group:g:*".into(),
            ),
            cloud_watch_logs_role_arn: Some("arn:aws:iam::123456789012:role/r".into()),
            sns_topic_name: Some("arn:aws:sns:us-east-1:123456789012:topic".into()),
            recursive_logging: false,
        };
        let live = aws_sdk_cloudtrail::types::Trail::builder()
            .name("t")
            .home_region("us-east-1")
            .s3_bucket_name("b")
            .include_global_service_events(true)
            .is_multi_region_trail(true)
            .is_organization_trail(false)
            .log_file_validation_enabled(true)
            .kms_key_id("k")
            .cloud_watch_logs_log_group_arn("arn:aws:logs:us-east-1:123456789012:log-group:g")
            .cloud_watch_logs_role_arn("arn:aws:iam::123456789012:role/r")
            .sns_topic_arn("arn:aws:sns:us-east-1:123456789012:topic")
            .recursive_logging(false)
            .build();
        let keys = crate::aws::KeyForms {
            arn: Some("arn:aws:kms:us-east-1:123456789012:key/k".into()),
            forms: vec!["k".into()],
        };
        assert_eq!(Trail::from_aws(&live, "us-east-1", &keys), want);
        // A trail GetTrail answers without RecursiveLogging has AWS's
        // default: recursive events logged.
        let mut unset = live.clone();
        unset.recursive_logging = None;
        let read = Trail::from_aws(&unset, "us-east-1", &keys);
        assert!(read.recursive_logging);
    }
}

mod iam_role {
    use crate::iam::role::Role;
    use ctrail_policy::canonical;

    /// The trust policy CreateRole sends, answered URL-encoded by GetRole
    /// as IAM does, reads back as the desired role.
    #[test]
    fn round_trip() {
        let names = crate::testing::names();
        let want = Role {
            name: "r".into(),
            path: "/".into(),
            assume_role_policy: canonical::policy(&crate::policies::role_trust_policy(&names)),
            other_inline_policies: Vec::new(),
            attached_managed_policies: Vec::new(),
        };
        let sent = serde_json::to_string(&want.assume_role_policy).expect("document");
        let encoded = crate::testing::url_encoded(&sent);
        let live = aws_sdk_iam::types::Role::builder()
            .role_name("r")
            .path("/")
            .role_id("AROAEXAMPLE")
            .arn("arn:aws:iam::123456789012:role/r")
            .create_date(aws_smithy_types::DateTime::from_secs(0))
            .assume_role_policy_document(encoded)
            .build()
            .expect("role");
        assert_eq!(Role::from_aws(&live, Vec::new(), Vec::new()), want);
    }
}

mod iam_role_policy {
    use crate::iam::role_policy::RolePolicy;
    use ctrail_policy::canonical;

    use crate::iam::shared::INLINE_POLICY_NAME;

    /// The document PutRolePolicy sends, answered URL-encoded by
    /// GetRolePolicy as IAM does, reads back as the desired policy.
    #[test]
    fn round_trip() {
        let names = crate::testing::names();
        let want = RolePolicy {
            policy_name: INLINE_POLICY_NAME.into(),
            policy: canonical::policy(&crate::policies::role_logs_policy(
                &names,
                "CloudTrail/Logs",
            )),
        };
        let sent = want.document().expect("document");
        let answered = crate::testing::url_encoded(&sent);
        assert_eq!(RolePolicy::from_aws(INLINE_POLICY_NAME, &answered), want);
    }
}

mod kms_key_policy {
    use ctrail_policy::canonical;

    use crate::aws::merge_owned_statements;
    use crate::kms::key_policy::KeyPolicy;

    /// ctrail's statements swapped into a key policy that holds another
    /// owner's statement (what PutKeyPolicy sends) read back as exactly
    /// the desired statements; the other statement stays in `_document`.
    #[test]
    fn round_trip() {
        let names = crate::testing::names();
        let ours = canonical::policy(&crate::policies::kms_statements(
            &names,
            crate::policies::KeyUsers {
                log_group: Some("g"),
                bucket_key: true,
                alarm_topic: true,
                readers: &[],
            },
        ));
        let current = r#"{"Version":"2012-10-17","Statement":[{"Sid":"Root","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:root"},"Action":"kms:*","Resource":"*"}]}"#;
        let sent = merge_owned_statements(Some(current), &ours).expect("merged");
        let live = KeyPolicy::from_aws("k", Some(&sent));
        assert_eq!(live.statements, ours);
        let document = live.document.expect("document").to_string();
        assert!(document.contains("\"Sid\":\"Root\""), "{document}");
    }
}

mod monitoring_metric_alarm {

    use crate::monitoring::metric_alarm::MetricAlarm;
    use aws_sdk_cloudwatch::types::MetricAlarm as Live;

    /// The desired alarm, what PutMetricAlarm sends, and the alarm
    /// DescribeAlarms answers for it agree.
    #[test]
    fn round_trip() {
        let want = MetricAlarm {
            alarm_description: Some("root used".into()),
            namespace: Some("CISBenchmark".into()),
            alarm_actions: vec!["arn:aws:sns:us-east-1:123456789012:alerts".into()],
            ..MetricAlarm::on_metric("RootAccountUsageAlarm", "RootAccountUsageCount")
        };
        let c = crate::aws::Clients::offline().cloudwatch;
        let sent = want.request(&c, "RootAccountUsageAlarm").expect("request");
        let i = sent.as_input();
        let stored = Live::builder()
            .set_alarm_name(i.get_alarm_name().clone())
            .set_alarm_description(i.get_alarm_description().clone())
            .set_metric_name(i.get_metric_name().clone())
            .set_namespace(i.get_namespace().clone())
            .set_statistic(i.get_statistic().clone())
            .set_period(*i.get_period())
            .set_evaluation_periods(*i.get_evaluation_periods())
            .set_threshold(*i.get_threshold())
            .set_comparison_operator(i.get_comparison_operator().clone())
            .set_treat_missing_data(i.get_treat_missing_data().clone())
            .set_alarm_actions(i.get_alarm_actions().clone())
            .build();
        assert_eq!(MetricAlarm::from_aws(&stored), want);
    }
}

mod monitoring_metric_filter {

    use crate::monitoring::metric_filter::MetricFilter;
    use aws_sdk_cloudwatchlogs::types::MetricFilter as Live;

    /// The desired filter, what PutMetricFilter sends, and the filter
    /// DescribeMetricFilters answers for it agree.
    #[test]
    fn round_trip() {
        let want = MetricFilter {
            log_group_name: "CloudTrail/SecurityLogs".into(),
            filter_name: Some("RootAccountUsage".into()),
            filter_pattern: "{ $.userIdentity.type = \"Root\" }".into(),
            metric_name: Some("RootAccountUsageCount".into()),
            metric_namespace: Some("CISBenchmark".into()),
            metric_value: Some("1".into()),
        };
        let c = crate::aws::Clients::offline().logs;
        let sent = want.request(&c, "RootAccountUsage").expect("request");
        let i = sent.as_input();
        let stored = Live::builder()
            .set_filter_name(i.get_filter_name().clone())
            .set_filter_pattern(i.get_filter_pattern().clone())
            .set_metric_transformations(i.get_metric_transformations().clone())
            .set_log_group_name(i.get_log_group_name().clone())
            .build();
        assert_eq!(
            MetricFilter::from_aws("CloudTrail/SecurityLogs", &stored),
            want
        );
    }
}

mod monitoring_query_definition {

    use crate::monitoring::query_definition::QueryDefinition;
    use aws_sdk_cloudwatchlogs::types::QueryDefinition as Live;

    /// The desired query, what PutQueryDefinition sends, and the
    /// definition DescribeQueryDefinitions answers for it agree (log
    /// groups in any order).
    #[test]
    fn round_trip() {
        let want = QueryDefinition {
            name: Some("CloudTrail/RootAccountActivity".into()),
            query_string: Some("fields @timestamp\n| filter userIdentity.type = \"Root\"".into()),
            log_group_names: vec!["A".into(), "B".into()],
            extra_copies: None,
        };
        let c = crate::aws::Clients::offline().logs;
        let sent = want.request(&c, "CloudTrail/RootAccountActivity", None);
        let i = sent.as_input();
        let mut groups = i.get_log_group_names().clone().unwrap_or_default();
        groups.reverse();
        let stored = Live::builder()
            .set_name(i.get_name().clone())
            .set_query_string(i.get_query_string().clone())
            .set_log_group_names(Some(groups))
            .query_definition_id("id-1")
            .build();
        assert_eq!(QueryDefinition::from_aws(&stored), want);
    }
}

mod s3_encryption {

    use crate::aws::KeyForms;
    use crate::s3::encryption::Encryption;

    /// The desired encryption, what PutBucketEncryption sends, and
    /// GetBucketEncryption's answer with the key by id agree: the key
    /// reads back in ARN form.
    #[test]
    fn round_trip() {
        let arn = "arn:aws:kms:us-east-1:123456789012:key/k";
        let want = Encryption {
            sse_algorithm: Some("aws:kms".into()),
            kms_master_key_id: Some(arn.into()),
            bucket_key_enabled: true,
        };
        let keys = KeyForms {
            arn: Some(arn.into()),
            forms: vec!["k".into(), arn.into()],
        };
        let sent = want.to_aws().expect("request");
        assert_eq!(Encryption::from_aws(Some(&sent), &keys), want);
        let by_id = Encryption {
            kms_master_key_id: Some("k".into()),
            ..want.clone()
        };
        let answered = by_id.to_aws().expect("request");
        assert_eq!(Encryption::from_aws(Some(&answered), &keys), want);
        assert_eq!(Encryption::from_aws(None, &keys).sse_algorithm, None);
    }
}

mod s3_lifecycle {

    use crate::s3::lifecycle::{Rule, Transition};

    /// The desired rule, the rule the request sends, and the rule read
    /// back from that request's SDK form agree.
    #[test]
    fn round_trip() {
        let want = Rule {
            id: "CloudTrailLogLifecycle".into(),
            status: "Enabled".into(),
            prefix: String::new(),
            transitions: vec![Transition {
                days: Some(90),
                storage_class: Some("GLACIER".into()),
            }],
            expiration_days: Some(2555),
            noncurrent_version_expiration_days: Some(30),
            abort_incomplete_multipart_upload_days: Some(7),
        };
        let sent = want.to_aws().expect("request");
        assert_eq!(Rule::from_aws(&sent), want);
    }
}

mod s3_ownership_controls {
    use crate::s3::ownership_controls::OwnershipControls;

    /// What PutBucketOwnershipControls sends reads back as the desired
    /// value; a bucket without controls reads as none.
    #[test]
    fn round_trip() {
        let want = OwnershipControls {
            object_ownership: Some("BucketOwnerEnforced".into()),
        };
        let sent = want.to_aws().expect("request");
        assert_eq!(OwnershipControls::from_aws(Some(&sent)), want);
        assert_eq!(OwnershipControls::from_aws(None).object_ownership, None);
    }
}

mod s3_logging {
    use crate::s3::logging::Logging;

    /// What PutBucketLogging sends reads back as the desired value; no
    /// target sends the empty status that turns logging off.
    #[test]
    fn round_trip() {
        let want = Logging {
            target_bucket: Some("b-access-logs".into()),
            target_prefix: Some("b/".into()),
        };
        let sent = want.to_aws().expect("request");
        assert_eq!(Logging::from_aws(sent.logging_enabled()), want);
        let off = Logging {
            target_bucket: None,
            target_prefix: None,
        };
        let sent = off.to_aws().expect("request");
        assert!(sent.logging_enabled().is_none());
        assert_eq!(Logging::from_aws(None), off);
    }
}

mod s3_policy {
    use crate::s3::policy::BucketPolicy;
    use ctrail_policy::canonical;

    /// The document PutBucketPolicy sends reads back as the desired
    /// policy from GetBucketPolicy's answer.
    #[test]
    fn round_trip() {
        let names = crate::testing::names();
        let want = BucketPolicy {
            policy: canonical::policy(&crate::policies::bucket_policy(&names)),
        };
        let sent = want.to_aws().expect("document");
        assert_eq!(BucketPolicy::from_aws(&sent), want);
    }
}

mod s3_public_access_block {

    use crate::s3::public_access_block::PublicAccessBlock;

    /// The desired settings, what PutPublicAccessBlock sends, and what
    /// GetPublicAccessBlock answers for it agree; no configuration reads
    /// as nothing blocked.
    #[test]
    fn round_trip() {
        let want = PublicAccessBlock {
            block_public_acls: true,
            ignore_public_acls: true,
            block_public_policy: false,
            restrict_public_buckets: true,
        };
        assert_eq!(PublicAccessBlock::from_aws(Some(&want.to_aws())), want);
        let none = PublicAccessBlock::from_aws(None);
        assert!(!none.block_public_acls && !none.restrict_public_buckets);
    }
}

mod s3_tags {
    use crate::s3::tags::BucketTags;

    /// The tag set PutBucketTagging sends reads back as the desired tags;
    /// ctrail's ownership tag reads back apart from them.
    #[test]
    fn round_trip() {
        let want = BucketTags::from_pairs([("Owner", "security-team"), ("Environment", "prod")]);
        let sent = crate::s3::tags::tagging(&want.tags).expect("request");
        assert_eq!(BucketTags::from_aws(sent.tag_set()), want);
        let mut marked = want.tags.clone();
        marked.insert(ctrail_model::OWNER_TAG.into(), "t".into());
        let sent = crate::s3::tags::tagging(&marked).expect("request");
        let back = BucketTags::from_aws(sent.tag_set());
        assert_eq!(back.tags, want.tags);
        assert_eq!(back.owner.as_deref(), Some("t"));
    }
}

mod s3_bucket {
    use crate::s3::bucket::Bucket;
    use crate::s3::shared::region_of;

    /// The CreateBucket location constraint reads back, through
    /// GetBucketLocation's rules, as the desired region (us-east-1 sends
    /// none); the legacy `EU` is eu-west-1.
    #[test]
    fn round_trip() {
        for region in ["us-east-1", "eu-central-1"] {
            let want = Bucket {
                name: "b".into(),
                region: region.into(),
            };
            let sent = want.to_aws();
            let constraint = sent.as_ref().and_then(|c| c.location_constraint());
            assert_eq!(region_of(constraint.map(|c| c.as_str())), want.region);
        }
        assert_eq!(region_of(Some("EU")), "eu-west-1");
        assert_eq!(region_of(Some("")), "us-east-1");
    }
}

mod s3_versioning {
    use crate::s3::versioning::Versioning;

    /// What PutBucketVersioning sends reads back as the desired status.
    #[test]
    fn round_trip() {
        for status in ["Enabled", "Suspended"] {
            let want = Versioning {
                status: status.into(),
            };
            let sent = want.to_aws();
            assert_eq!(Versioning::from_aws(sent.status().expect("a status")), want);
        }
    }
}

mod logs_group {
    use aws_sdk_cloudwatchlogs::types::LogGroup as Live;

    use crate::aws::KeyForms;
    use crate::logs::group::LogGroup;

    /// A group DescribeLogGroups answers with the key CreateLogGroup sent,
    /// in any of its forms, reads back as the desired group (key by ARN).
    #[test]
    fn round_trip() {
        let arn = "arn:aws:kms:us-east-1:123456789012:key/k";
        let want = LogGroup {
            name: "g".into(),
            kms_key_arn: Some(arn.into()),
        };
        let keys = KeyForms {
            arn: Some(arn.into()),
            forms: vec!["k".into(), arn.into()],
        };
        let live = Live::builder().log_group_name("g").kms_key_id("k").build();
        assert_eq!(LogGroup::from_aws("g", &live, &keys), want);
        let plain = Live::builder().log_group_name("g").build();
        assert_eq!(LogGroup::from_aws("g", &plain, &keys).kms_key_arn, None);
    }
}

mod logs_retention {
    use aws_sdk_cloudwatchlogs::types::LogGroup as Live;

    use crate::logs::retention::Retention;

    /// The days PutRetentionPolicy set read back from DescribeLogGroups;
    /// none (DeleteRetentionPolicy) reads back as never expiring.
    #[test]
    fn round_trip() {
        let want = Retention {
            retention_in_days: Some(365),
        };
        let live = Live::builder().retention_in_days(365).build();
        assert_eq!(Retention::from_aws(&live), want);
        let forever = Live::builder().build();
        assert_eq!(Retention::from_aws(&forever).retention_in_days, None);
    }
}

/// The spec's tags as each kind's tests use them.
fn tags() -> std::collections::BTreeMap<String, String> {
    crate::tags::from_pairs([("Owner", "security-team"), ("Environment", "prod")])
}

mod logs_tags {
    use crate::logs::tags::LogGroupTags;

    /// The map TagResource sends reads back from ListTagsForResource as
    /// the desired tags.
    #[test]
    fn round_trip() {
        let want = LogGroupTags::new(super::tags());
        let sent = LogGroupTags::to_aws(&want.tags);
        assert_eq!(LogGroupTags::from_aws(Some(&sent)), want);
        assert!(LogGroupTags::from_aws(None).tags.is_empty());
    }
}

mod iam_role_tags {
    use crate::iam::role_tags::RoleTags;

    /// The tags TagRole sends read back from GetRole as the desired tags.
    #[test]
    fn round_trip() {
        let want = RoleTags::new(super::tags());
        let sent = RoleTags::to_aws(&want.tags).expect("request");
        assert_eq!(RoleTags::from_aws(&sent), want);
    }
}

mod cloudtrail_tags {
    use aws_sdk_cloudtrail::types::ResourceTag;

    use crate::cloudtrail::tags::TrailTags;

    /// The tags AddTags sends read back from ListTags as the desired tags.
    #[test]
    fn round_trip() {
        let want = TrailTags::new(super::tags());
        let sent = TrailTags::to_aws(&want.tags).expect("request");
        let listed = ResourceTag::builder()
            .resource_id("arn:aws:cloudtrail:us-east-1:123456789012:trail/t")
            .set_tags_list(Some(sent))
            .build();
        assert_eq!(TrailTags::from_aws(&[listed]), want);
    }
}

mod cloudtrail_logging {
    use aws_sdk_cloudtrail::operation::get_trail_status::GetTrailStatusOutput;

    use crate::cloudtrail::logging::Logging;

    /// GetTrailStatus after StartLogging reads as logging; an answer
    /// without the flag as not logging.
    #[test]
    fn round_trip() {
        let on = GetTrailStatusOutput::builder().is_logging(true).build();
        assert!(Logging::from_aws(&on).is_logging);
        let unknown = GetTrailStatusOutput::builder().build();
        assert!(!Logging::from_aws(&unknown).is_logging);
    }
}

mod sns_topic {
    use crate::sns::topic::Topic;

    /// The tags CreateTopic sends read back from ListTagsForResource, and
    /// the key SNS answers in `KmsMasterKeyId` (in whichever form it was
    /// set) as the spec's key ARN, give the desired topic; an empty
    /// attribute is no encryption.
    #[test]
    fn round_trip() {
        let arn = "arn:aws:sns:us-east-1:123456789012:alerts";
        let key = "arn:aws:kms:us-east-1:123456789012:key/k";
        let want = Topic {
            name: "alerts".into(),
            arn: arn.into(),
            tags: super::tags(),
            kms_master_key_id: Some(key.into()),
        };
        let keys = crate::aws::KeyForms {
            arn: Some(key.into()),
            forms: vec!["k".into(), "alias/alerts-key".into(), key.into()],
        };
        let sent = Topic::to_aws(&want.tags).expect("request");
        for form in ["k", "alias/alerts-key", key] {
            assert_eq!(
                Topic::from_aws("alerts", arn, &sent, Some(form), &keys),
                want
            );
        }
        let plain = Topic::from_aws("alerts", arn, &sent, Some(""), &keys);
        assert_eq!(plain.kms_master_key_id, None);
    }
}

mod sns_topic_policy {
    use ctrail_policy::canonical;

    use crate::aws::merge_owned_statements;
    use crate::sns::topic_policy::TopicPolicy;

    /// ctrail's statement swapped into the topic's default policy (what
    /// SetTopicAttributes sends) reads back from GetTopicAttributes as
    /// exactly the desired statement; the default statement stays in
    /// `_document`.
    #[test]
    fn round_trip() {
        let names = crate::testing::names();
        let arn = "arn:aws:sns:us-east-1:123456789012:trail-topic";
        let ours = canonical::policy(&crate::policies::sns_topic_statements(&names, arn));
        let default = r#"{"Version":"2008-10-17","Id":"__default_policy_ID","Statement":[{"Sid":"__default_statement_ID","Effect":"Allow","Principal":{"AWS":"*"},"Action":"SNS:Publish","Resource":"arn:aws:sns:us-east-1:123456789012:trail-topic","Condition":{"StringEquals":{"AWS:SourceOwner":"123456789012"}}}]}"#;
        let sent = merge_owned_statements(Some(default), &ours).expect("merged");
        let live = TopicPolicy::from_aws(arn, Some(&sent));
        assert_eq!(live.topic_arn, arn);
        assert_eq!(live.statements, ours);
        let document = live.document.expect("document").to_string();
        assert!(document.contains("__default_statement_ID"), "{document}");
    }
}

mod sns_subscription {
    use aws_sdk_sns::types::Subscription as Live;

    use crate::sns::subscription::Subscription;

    /// The subscription Subscribe made, as ListSubscriptionsByTopic lists
    /// it, reads back as the desired one: confirmed with an ARN, pending
    /// with the ARN `PendingConfirmation`.
    #[test]
    fn round_trip() {
        let topic = "arn:aws:sns:us-east-1:123456789012:alerts";
        let want = Subscription {
            topic_arn: topic.into(),
            protocol: "email".into(),
            endpoint: "secops@example.com".into(),
            pending_confirmation: Some(true),
        };
        let listed = |arn: &str| {
            Live::builder()
                .topic_arn(topic)
                .protocol(&want.protocol)
                .endpoint(&want.endpoint)
                .subscription_arn(arn)
                .build()
        };
        assert_eq!(
            Subscription::from_aws(topic, &listed("PendingConfirmation")),
            want
        );
        let confirmed = Subscription::from_aws(topic, &listed(&format!("{topic}:1234")));
        assert_eq!(confirmed.pending_confirmation, Some(false));
    }
}
