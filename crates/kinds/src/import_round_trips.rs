//! Each kind's import by a round trip: a live value as read, imported to
//! spec fields, the spec those make, its `desired` value of the kind, which
//! must equal the live value by the kind's comparison rules.

use std::collections::BTreeMap;

use ctrail_model::ResourceKind as K;
use ctrail_spec::fields as f;
use serde_json::{Value, json};

use crate::cloudtrail::event_selectors::{
    Advanced, Basic, DataResource, EventSelectors, FieldSelector,
};
use crate::cloudtrail::insight_selectors::InsightSelectors;
use crate::cloudtrail::trail::Trail;
use crate::import::round_trip::{
    ACCOUNT, KEY_ARN, assert_round_trip, field, live, spec, trail, trail_with_key,
};
use crate::{ImportCx, Kind, Names};

fn value<T: serde::Serialize>(t: &T) -> Value {
    serde_json::to_value(t).expect("attributes")
}

#[test]
fn a_trail_as_ctrail_would_make_it_imports_as_its_names_alone() {
    let t = trail();
    let fields = assert_round_trip(&t, &[], "audit", &t);
    let at: Vec<_> = fields.iter().map(|x| x.at).collect();
    assert_eq!(at, vec![f::TRAIL_NAME, f::BUCKET_NAME]);
}

#[test]
fn a_trail_made_otherwise_imports_each_setting_found() {
    let t = Trail {
        is_multi_region_trail: false,
        include_global_service_events: false,
        enable_log_file_validation: false,
        s3_key_prefix: Some("p".into()),
        sns_topic_name: Some(format!("arn:aws:sns:us-east-1:{ACCOUNT}:deliveries")),
        recursive_logging: false,
        cloud_watch_logs_log_group_arn: Some(format!(
            "arn:aws:logs:us-east-1:{ACCOUNT}:log-group:g:*"
        )),
        cloud_watch_logs_role_arn: Some(format!("arn:aws:iam::{ACCOUNT}:role/r")),
        ..trail_with_key()
    };
    let fields = assert_round_trip(&t, &[], "audit", &t);
    assert_eq!(field(&fields, f::TRAIL_MULTI_REGION), Some(json!(false)));
    assert_eq!(
        field(&fields, f::TRAIL_RECURSIVE_LOGGING),
        Some(json!(false))
    );
    assert_eq!(field(&fields, f::LOGS_LOG_GROUP), Some(json!("g")));
    assert_eq!(field(&fields, f::KMS_KEY_ID), Some(json!(KEY_ARN)));
    // No delivery to CloudWatch Logs.
    let t = Trail {
        cloud_watch_logs_log_group_arn: None,
        cloud_watch_logs_role_arn: None,
        is_organization_trail: true,
        ..trail()
    };
    let fields = assert_round_trip(&t, &[], "audit", &t);
    assert_eq!(field(&fields, f::CLOUDWATCH_LOGS), Some(json!(false)));
    assert_eq!(field(&fields, f::TRAIL_ORGANIZATION), Some(json!(true)));
}

fn basic(data: &[(&str, &str)]) -> Basic {
    Basic {
        read_write_type: "All".into(),
        include_management_events: true,
        data_resources: data
            .iter()
            .map(|(t, v)| DataResource {
                resource_type: Some((*t).into()),
                values: vec![(*v).into()],
            })
            .collect(),
        exclude_management_event_sources: Vec::new(),
    }
}

#[test]
fn event_selectors_import_as_the_default_data_events_or_as_found() {
    let t = trail();
    let every = EventSelectors::Basic(vec![basic(&[])]);
    assert!(assert_round_trip(&t, &[], "audit", &every).is_empty());
    // The seed's, listed in another order.
    let seed = EventSelectors::Basic(vec![basic(&[
        ("AWS::Lambda::Function", "arn:aws:lambda"),
        ("AWS::S3::Object", "arn:aws:s3"),
    ])]);
    let fields = assert_round_trip(&t, &[], "audit", &seed);
    assert_eq!(field(&fields, f::TRAIL_DATA_EVENTS), Some(json!(true)));
    let mine = EventSelectors::Basic(vec![Basic {
        read_write_type: "WriteOnly".into(),
        exclude_management_event_sources: vec!["kms.amazonaws.com".into()],
        ..basic(&[("AWS::S3::Object", "arn:aws:s3:::audit-logs/")])
    }]);
    let fields = assert_round_trip(&t, &[], "audit", &mine);
    assert!(field(&fields, f::TRAIL_EVENT_SELECTORS).is_some());
    let advanced = EventSelectors::Advanced(vec![Advanced {
        name: Some("writes".into()),
        field_selectors: vec![
            FieldSelector {
                field: "eventCategory".into(),
                equals: vec!["Management".into()],
                ..FieldSelector::default()
            },
            FieldSelector {
                field: "readOnly".into(),
                equals: vec!["false".into()],
                ..FieldSelector::default()
            },
        ],
    }]);
    let fields = assert_round_trip(&t, &[], "audit", &advanced);
    assert!(field(&fields, f::TRAIL_ADVANCED_EVENT_SELECTORS).is_some());
}

#[test]
fn recursive_logging_follows_the_selectors_read_beside_the_trail() {
    let t = Trail {
        recursive_logging: false,
        ..trail()
    };
    let seed = EventSelectors::Basic(vec![basic(&[("AWS::S3::Object", "arn:aws:s3")])]);
    let fields = assert_round_trip(
        &t,
        &[(K::TrailEventSelectors, "audit", value(&seed))],
        "audit",
        &t,
    );
    assert_eq!(
        field(&fields, f::TRAIL_RECURSIVE_LOGGING),
        None,
        "the default with S3 data events"
    );
}

#[test]
fn insights_import_as_the_default_off_or_the_types_found() {
    let t = trail();
    let every = (
        K::TrailEventSelectors,
        "audit",
        value(&EventSelectors::Basic(vec![basic(&[])])),
    );
    let default = InsightSelectors::new([("ApiCallRateInsight".to_owned(), Vec::new())]);
    assert!(assert_round_trip(&t, std::slice::from_ref(&every), "audit", &default).is_empty());
    let none = InsightSelectors::new([]);
    let fields = assert_round_trip(&t, std::slice::from_ref(&every), "audit", &none);
    assert_eq!(field(&fields, f::TRAIL_INSIGHTS), Some(json!(false)));
    let data = (
        K::TrailEventSelectors,
        "audit",
        value(&EventSelectors::Basic(vec![basic(&[(
            "AWS::S3::Object",
            "arn:aws:s3",
        )])])),
    );
    let both = InsightSelectors::new([
        (
            "ApiCallRateInsight".to_owned(),
            vec!["Management".to_owned()],
        ),
        (
            "ApiErrorRateInsight".to_owned(),
            vec!["Data".to_owned(), "Management".to_owned()],
        ),
    ]);
    let fields = assert_round_trip(&t, &[data], "audit", &both);
    assert!(
        field(&fields, f::TRAIL_INSIGHTS)
            .is_some_and(|v| v.to_string().contains("event_categories"))
    );
}

#[test]
fn logging_and_tags_import_as_found() {
    let t = trail();
    let off = crate::cloudtrail::logging::Logging { is_logging: false };
    let fields = assert_round_trip(&t, &[], "audit", &off);
    assert_eq!(field(&fields, f::TRAIL_LOGGING), Some(json!(false)));
    let on = crate::cloudtrail::logging::Logging { is_logging: true };
    assert!(assert_round_trip(&t, &[], "audit", &on).is_empty());
    let tags = crate::cloudtrail::tags::TrailTags::from_pairs([("team", "sec")]);
    let fields = assert_round_trip(&t, &[], "audit", &tags);
    assert_eq!(field(&fields, f::TAGS), Some(json!({"team": "sec"})));
}

#[test]
fn bucket_settings_import_as_found() {
    use crate::s3::{encryption, lifecycle, ownership_controls, public_access_block, versioning};
    let t = trail();
    let fields = assert_round_trip(
        &t,
        &[],
        "audit-logs",
        &versioning::Versioning {
            status: "Suspended".into(),
        },
    );
    assert_eq!(field(&fields, f::BUCKET_VERSIONING), Some(json!(false)));
    let block = |on: bool| public_access_block::PublicAccessBlock {
        block_public_acls: on,
        ignore_public_acls: on,
        block_public_policy: on,
        restrict_public_buckets: true,
    };
    assert!(assert_round_trip(&t, &[], "audit-logs", &block(true)).is_empty());
    assert!(
        field(
            &assert_round_trip(&t, &[], "audit-logs", &block(false)),
            f::BUCKET_PUBLIC_ACCESS_BLOCK
        )
        .is_some_and(|v| v.is_object())
    );
    let off = public_access_block::PublicAccessBlock {
        restrict_public_buckets: false,
        ..block(false)
    };
    assert_eq!(
        field(
            &assert_round_trip(&t, &[], "audit-logs", &off),
            f::BUCKET_PUBLIC_ACCESS_BLOCK
        ),
        Some(json!(false))
    );
    let owners = ownership_controls::OwnershipControls {
        object_ownership: Some("BucketOwnerPreferred".into()),
    };
    assert!(
        field(
            &assert_round_trip(&t, &[], "audit-logs", &owners),
            f::BUCKET_OBJECT_OWNERSHIP
        )
        .is_some()
    );
    // With the trail's key: SSE-S3, or SSE-KMS without the Bucket Key.
    let keyed = trail_with_key();
    let sse_s3 = encryption::Encryption {
        sse_algorithm: Some("AES256".into()),
        kms_master_key_id: None,
        bucket_key_enabled: false,
    };
    assert_eq!(
        field(
            &assert_round_trip(&keyed, &[], "audit-logs", &sse_s3),
            f::BUCKET_SSE_KMS
        ),
        Some(json!(false))
    );
    assert!(
        assert_round_trip(&t, &[], "audit-logs", &sse_s3).is_empty(),
        "the default without a key"
    );
    let kms = encryption::Encryption {
        sse_algorithm: Some("aws:kms".into()),
        kms_master_key_id: Some(KEY_ARN.into()),
        bucket_key_enabled: false,
    };
    assert_eq!(
        field(
            &assert_round_trip(&keyed, &[], "audit-logs", &kms),
            f::BUCKET_BUCKET_KEY
        ),
        Some(json!(false))
    );
    // Lifecycle: the seed's rule, none, or rules of the user's own.
    let seed = lifecycle::Lifecycle {
        rules: vec![lifecycle::Rule::from(
            &ctrail_spec::defaults::lifecycle_rule(None),
        )],
    };
    assert!(assert_round_trip(&t, &[], "audit-logs", &seed).is_empty());
    let none = lifecycle::Lifecycle { rules: Vec::new() };
    assert_eq!(
        field(
            &assert_round_trip(&t, &[], "audit-logs", &none),
            f::BUCKET_LIFECYCLE
        ),
        Some(json!([]))
    );
    let mine = lifecycle::Lifecycle {
        rules: vec![lifecycle::Rule {
            id: "expire".into(),
            status: "Disabled".into(),
            prefix: "AWSLogs/".into(),
            transitions: vec![lifecycle::Transition {
                days: Some(60),
                storage_class: Some("GLACIER".into()),
            }],
            expiration_days: Some(400),
            noncurrent_version_expiration_days: None,
            abort_incomplete_multipart_upload_days: Some(3),
        }],
    };
    assert!(
        field(
            &assert_round_trip(&t, &[], "audit-logs", &mine),
            f::BUCKET_LIFECYCLE
        )
        .is_some()
    );
}

#[test]
fn a_bucket_policy_is_left_out_when_it_means_ctrails_and_kept_otherwise() {
    use crate::s3::policy::BucketPolicy;
    let t = trail();
    let empty = LiveStateOf::empty();
    let cx = ImportCx::new(&t, &empty.0);
    let ours = BucketPolicy {
        policy: cx.resolved(ctrail_policy::canonical::policy(
            &crate::policies::bucket_policy(&cx.names),
        )),
    };
    assert!(assert_round_trip(&t, &[], "audit-logs", &ours).is_empty());
    let mine = BucketPolicy {
        policy: json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
            "Principal": {"Service": "cloudtrail.amazonaws.com"}, "Action": "s3:PutObject",
            "Resource": "arn:aws:s3:::audit-logs/*"}]}),
    };
    assert!(
        field(
            &assert_round_trip(&t, &[], "audit-logs", &mine),
            f::BUCKET_POLICY
        )
        .is_some()
    );
}

#[test]
fn access_logging_is_kept_into_its_bucket() {
    use crate::s3::logging::Logging;
    let t = trail();
    let logging = Logging {
        target_bucket: Some("access".into()),
        target_prefix: Some("audit-logs/".into()),
    };
    let fields = assert_round_trip(&t, &[], "audit-logs", &logging);
    assert_eq!(
        field(&fields, f::BUCKET_ACCESS_LOGGING),
        Some(json!({"target_bucket": "access", "create": false}))
    );
    let elsewhere = Logging {
        target_prefix: Some("logs/".into()),
        ..logging
    };
    assert_round_trip(&t, &[], "audit-logs", &elsewhere);
}

#[test]
fn the_log_group_its_retention_and_the_roles_policy_import_as_found() {
    use crate::iam::role_policy::RolePolicy;
    use crate::logs::{group::LogGroup, retention::Retention};
    let keyed = trail_with_key();
    let plain = LogGroup {
        name: "CloudTrail/APILogs".into(),
        kms_key_arn: None,
    };
    let fields = assert_round_trip(&keyed, &[], "CloudTrail/APILogs", &plain);
    assert_eq!(field(&fields, f::LOGS_ENCRYPTED), Some(json!(false)));
    let encrypted = LogGroup {
        kms_key_arn: Some(KEY_ARN.into()),
        ..plain
    };
    assert!(assert_round_trip(&keyed, &[], "CloudTrail/APILogs", &encrypted).is_empty());
    let t = trail();
    for (days, written) in [
        (Some(30), Some(json!(30))),
        (None, Some(json!("never"))),
        (Some(90), None),
    ] {
        let fields = assert_round_trip(
            &t,
            &[],
            "CloudTrail/APILogs",
            &Retention {
                retention_in_days: days,
            },
        );
        assert_eq!(field(&fields, f::LOGS_RETENTION_DAYS), written);
    }
    let role = "CloudTrail-CloudWatchLogs-Role-audit";
    let empty = LiveStateOf::empty();
    let cx = ImportCx::new(&t, &empty.0);
    let ours = RolePolicy {
        policy_name: crate::iam::shared::INLINE_POLICY_NAME.into(),
        policy: cx.resolved(ctrail_policy::canonical::policy(
            &crate::policies::role_logs_policy(&cx.names, "CloudTrail/APILogs"),
        )),
    };
    assert!(assert_round_trip(&t, &[], role, &ours).is_empty());
    let mine = RolePolicy {
        policy_name: "Delivery".into(),
        policy: json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
            "Action": ["logs:CreateLogStream", "logs:PutLogEvents"], "Resource": "*"}]}),
    };
    let fields = assert_round_trip(&t, &[], role, &mine);
    assert_eq!(
        field(&fields, f::LOGS_ROLE_POLICY_NAME),
        Some(json!("Delivery"))
    );
    assert!(field(&fields, f::LOGS_ROLE_POLICY).is_some());
}

#[test]
fn the_keys_rotation_and_policy_import_as_found() {
    use crate::kms::{key_policy::KeyPolicy, key_rotation::KeyRotation};
    let keyed = trail_with_key();
    let fields = assert_round_trip(&keyed, &[], KEY_ARN, &KeyRotation { enabled: false });
    assert_eq!(field(&fields, f::KMS_KEY_ROTATION), Some(json!(false)));
    let empty = LiveStateOf::empty();
    let cx = ImportCx::new(&keyed, &empty.0);
    let users = crate::policies::KeyUsers {
        log_group: cx.log_group(),
        bucket_key: true,
        alarm_topic: false,
        readers: &[],
    };
    let ours = KeyPolicy {
        key: KEY_ARN.into(),
        statements: cx.resolved(ctrail_policy::canonical::policy(
            &crate::policies::kms_statements(&cx.names, users),
        )),
        document: None,
    };
    assert!(assert_round_trip(&keyed, &[], KEY_ARN, &ours).is_empty());
    // Statements not ctrail's: the key policy is left to its keeper, and
    // the spec implies none.
    let foreign = KeyPolicy {
        statements: json!([]),
        ..ours
    };
    let live = live(&[(K::KmsKeyPolicy, KEY_ARN, value(&foreign))]);
    let cx = ImportCx::new(&keyed, &live);
    let fields = foreign.import(KEY_ARN, &cx);
    assert_eq!(field(&fields, f::MANAGE_KMS_KEY_POLICY), Some(json!(false)));
    let s = spec(&keyed, &live, fields);
    assert!(KeyPolicy::desired(&s, &Names::of(&s)).is_empty());
}

#[test]
fn monitoring_imports_its_filters_alarms_topic_and_queries() {
    use crate::monitoring::{
        metric_alarm::MetricAlarm, metric_filter::MetricFilter, query_definition::QueryDefinition,
    };
    use crate::sns::{subscription::Subscription, topic::Topic};
    let t = trail();
    let group = "CloudTrail/APILogs";
    let topic_arn = format!("arn:aws:sns:us-east-1:{ACCOUNT}:alerts");
    let filter = MetricFilter {
        log_group_name: group.into(),
        filter_name: Some("RootUse".into()),
        filter_pattern: "{ $.userIdentity.type = \"Root\" }".into(),
        metric_name: Some("RootUse".into()),
        metric_namespace: Some("CloudTrailMetrics".into()),
        metric_value: Some("1".into()),
    };
    let alarm = |actions: Vec<String>| MetricAlarm {
        alarm_description: Some("root".into()),
        period: Some(60),
        threshold: Some(2.0),
        alarm_actions: actions,
        ..MetricAlarm::on_metric("RootUseAlarm", "RootUse")
    };
    let topic = Topic {
        name: "alerts".into(),
        arn: topic_arn.clone(),
        tags: BTreeMap::new(),
        kms_master_key_id: None,
    };
    let subscription = Subscription {
        topic_arn: topic_arn.clone(),
        protocol: "email".into(),
        endpoint: "sec@example.com".into(),
        pending_confirmation: Some(true),
    };
    let to_topic = alarm(vec![topic_arn.clone()]);
    let others = [
        (K::MetricAlarm, "RootUseAlarm", value(&to_topic)),
        (K::SnsTopic, "alerts", value(&topic)),
        (
            K::SnsSubscription,
            "alerts/sec@example.com",
            value(&subscription),
        ),
    ];
    // The filter's entry, with its alarm (to the alert topic: no actions).
    let fields = assert_round_trip(&t, &others, "RootUse", &filter);
    let entry = field(&fields, f::MONITORING_METRIC_FILTERS).expect("entry");
    assert_eq!(
        entry,
        json!({"name": "RootUse", "pattern": filter.filter_pattern,
               "alarm": {"description": "root", "period": 60, "threshold": 2.0}})
    );
    // The alarm, the topic and its subscription: through the filter's and
    // the topic's fields.
    let with_filter = |k, n: &'static str| {
        let mut all: Vec<(K, &str, Value)> = others.to_vec();
        all.retain(|(kind, name, _)| !(*kind == k && *name == n));
        all.push((K::MetricFilter, "RootUse", value(&filter)));
        all
    };
    assert_round_trip(
        &t,
        &with_filter(K::MetricAlarm, "RootUseAlarm"),
        "RootUseAlarm",
        &to_topic,
    );
    let fields = assert_round_trip(&t, &with_filter(K::SnsTopic, "alerts"), "alerts", &topic);
    assert_eq!(
        field(&fields, f::MONITORING_ALERT_TOPIC),
        Some(json!({"name": "alerts", "emails": ["sec@example.com"]}))
    );
    assert_round_trip(
        &t,
        &with_filter(K::SnsSubscription, "alerts/sec@example.com"),
        "alerts/sec@example.com",
        &subscription,
    );
    // An alarm notifying elsewhere keeps its actions as found.
    let elsewhere = alarm(vec![format!("arn:aws:sns:eu-west-1:{ACCOUNT}:other")]);
    let fields = assert_round_trip(
        &t,
        &[(K::MetricAlarm, "RootUseAlarm", value(&elsewhere))],
        "RootUse",
        &filter,
    );
    let entry = field(&fields, f::MONITORING_METRIC_FILTERS).expect("entry");
    assert_eq!(entry["alarm"]["actions"], json!(elsewhere.alarm_actions));
    // A saved query naming the log group.
    let query = QueryDefinition {
        name: Some("Denied".into()),
        query_string: Some("fields @message".into()),
        log_group_names: vec![group.into()],
        extra_copies: None,
    };
    let fields = assert_round_trip(&t, &[], "Denied", &query);
    assert_eq!(
        field(&fields, f::MONITORING_QUERIES),
        Some(json!({"name": "Denied", "query": "fields @message"}))
    );
}

/// An empty live state that outlives the context made over it.
struct LiveStateOf(crate::LiveState);

impl LiveStateOf {
    fn empty() -> Self {
        LiveStateOf(live(&[]))
    }
}
