//! Every resource kind against the emulator, through the library: a spec
//! that implies every kind is applied with `ctrail apply`, then every
//! resource is deleted through the executor (deletes in reverse dependency
//! order, each by its kind's `delete`), a wave of the graph at a time, and
//! read back as gone after each wave, before what it is part of goes (the
//! AWS CLI reads each setting as its delete leaves it). The differ plans no
//! deletes yet; this is the half that destroy and pruning wire in.

mod support;

use std::sync::Arc;
use std::sync::atomic::AtomicBool;

use ctrail_executor::Options;
use ctrail_graph::ResourceGraph;
use ctrail_kinds::aws::Clients;
use ctrail_kinds::aws::{KeyTarget, Target};
use ctrail_kinds::{LiveResource, LiveState};
use ctrail_model::{Action, ActionKind, Address, Plan, PlanHeader, ResourceKind};
use ctrail_spec::Spec;
use support::emulator::Emulator;

const SPEC: &str = r#"
version: 1
region: us-east-1
tags: {Owner: security-team}
kms_key_id: alias/every-kind-key
create_kms_key: true
trail:
  name: every-kind
  sns_topic: every-kind-deliveries
  data_events: true
  insights:
    - {type: ApiCallRateInsight, event_categories: [Management, Data]}
  aggregation: [API_ACTIVITY]
bucket:
  name: every-kind-logs
  access_logging: {target_bucket: every-kind-access-logs}
cloudwatch_logs:
  log_group: CloudTrail/EveryKind
  retention_days: 90
monitoring:
  alert_topic:
    name: every-kind-alerts
    emails: [security-team@example.com]
  metric_filters:
    - name: RootAccountUsage
      pattern: '{ $.userIdentity.type = "Root" }'
      alarm: {}
  queries:
    - name: EveryKind/Root
      query: |
        fields @timestamp, eventName
        | filter userIdentity.type = "Root"
"#;

fn clients(em: &Emulator, rt: &tokio::runtime::Runtime) -> Clients {
    Clients::from_config(&em.sdk_config(rt))
}

fn read(
    rt: &tokio::runtime::Runtime,
    clients: &Clients,
    spec: &Spec,
    graph: &ResourceGraph,
) -> (LiveState, ResourceGraph) {
    let accounts = ctrail_kinds::aws::Accounts::single(clients.clone());
    rt.block_on(ctrail_reader::read(&accounts, spec, graph))
        .expect("read")
}

/// Deletes every object version and delete marker in `bucket`.
fn purge(em: &Emulator, bucket: &str) {
    let listed = em.cli(
        "s3api list-object-versions --bucket {} --query [Versions,DeleteMarkers][][].[Key,VersionId] --output text",
        &[bucket],
    );
    for line in listed.lines().filter(|l| l.contains('\t')) {
        let (key, version) = line.split_once('\t').expect("key and version");
        em.cli(
            "s3api delete-object --bucket {} --key {} --version-id {}",
            &[bucket, key, version],
        );
    }
}

/// Deletes every resource of the graph, in one apply of delete actions.
fn delete_all(
    rt: &tokio::runtime::Runtime,
    clients: &Clients,
    live: &LiveState,
    resolved: &ResourceGraph,
) -> ctrail_executor::Report {
    let mut all: Vec<Address> = resolved
        .ordered()
        .expect("order")
        .into_iter()
        .map(|r| r.address.clone())
        .collect();
    all.reverse();
    delete(rt, clients, live, resolved, &all)
}

/// Deletes the resources at `addresses`, in that order, in one apply of
/// delete actions.
fn delete(
    rt: &tokio::runtime::Runtime,
    clients: &Clients,
    live: &LiveState,
    resolved: &ResourceGraph,
    addresses: &[Address],
) -> ctrail_executor::Report {
    let actions: Vec<Action> = addresses
        .iter()
        .map(|address| Action {
            account: None,
            address: address.clone(),
            kind: ActionKind::Delete,
            changes: Vec::new(),
            security: Vec::new(),
            blocked: None,
            notes: Vec::new(),
        })
        .collect();
    let plan = Plan::new(PlanHeader::default(), actions);
    let target = Target {
        trail: "security-audit-trail".into(),
        account_id: live.context.account_id.clone(),
        region: "us-east-1".into(),
        partition: "aws".into(),
        key: KeyTarget::new(live.context.kms_key_arn.clone(), None),
    };
    let accounts = ctrail_kinds::aws::Accounts::single(clients.clone());
    rt.block_on(ctrail_executor::apply(
        &plan,
        resolved,
        &accounts,
        &target,
        &Options::default(),
        Arc::new(|_| {}),
        Arc::new(AtomicBool::new(false)),
    ))
}

/// Kinds whose delete leaves the account as it is: a key's rotation
/// belongs to the key's owner (ctrail stops managing it), and an email
/// subscription nobody confirmed has no ARN to unsubscribe until SNS
/// expires it (ListSubscriptionsByTopic shows it as PendingConfirmation).
const LEFT_AS_THEY_ARE: [ResourceKind; 2] =
    [ResourceKind::KmsKeyRotation, ResourceKind::SnsSubscription];

const ACCOUNT: &str = "123456789012";

/// How a deleted setting reads with one AWS CLI call on its name.
enum Gone {
    /// The call is refused with this error code.
    Refused(&'static str, &'static str),
    /// The call (its `--query`) answers nothing: null, [] or {}.
    Empty(&'static str),
}

/// The call that shows a setting of `kind` deleted, where one call does.
fn gone_by_one_call(kind: ResourceKind) -> Option<Gone> {
    Some(match kind {
        ResourceKind::S3PublicAccessBlock => Gone::Refused(
            "s3api get-public-access-block --bucket {}",
            "NoSuchPublicAccessBlockConfiguration",
        ),
        ResourceKind::S3BucketLifecycle => Gone::Refused(
            "s3api get-bucket-lifecycle-configuration --bucket {}",
            "NoSuchLifecycleConfiguration",
        ),
        ResourceKind::S3BucketTags => {
            Gone::Refused("s3api get-bucket-tagging --bucket {}", "NoSuchTagSet")
        }
        ResourceKind::S3BucketPolicy => {
            Gone::Refused("s3api get-bucket-policy --bucket {}", "NoSuchBucketPolicy")
        }
        ResourceKind::S3BucketOwnershipControls => Gone::Refused(
            "s3api get-bucket-ownership-controls --bucket {}",
            "OwnershipControlsNotFoundError",
        ),
        ResourceKind::S3BucketLogging => {
            Gone::Empty("s3api get-bucket-logging --bucket {} --query LoggingEnabled")
        }
        ResourceKind::LogGroupRetention => Gone::Empty(
            "logs describe-log-groups --log-group-name-prefix {} --query logGroups[0].retentionInDays",
        ),
        ResourceKind::LogGroupTags => {
            Gone::Empty("logs list-tags-log-group --log-group-name {} --query tags")
        }
        ResourceKind::IamRolePolicy => {
            Gone::Empty("iam list-role-policies --role-name {} --query PolicyNames")
        }
        ResourceKind::IamRoleTags => Gone::Empty("iam list-role-tags --role-name {} --query Tags"),
        ResourceKind::TrailEventConfiguration => Gone::Empty(
            "cloudtrail get-event-configuration --trail-name {} --query AggregationConfigurations",
        ),
        _ => return None,
    })
}

/// The setting at `address` reads, with the AWS CLI, as its kind's delete
/// leaves it; other kinds are read back through the library only.
fn setting_reads_as_deleted(em: &Emulator, address: &Address) {
    let name = address.name.as_str();
    let trail_arn = format!("arn:aws:cloudtrail:us-east-1:{ACCOUNT}:trail/{name}");
    let json = |command: &str, values: &[&str]| -> serde_json::Value {
        let out = em.cli(&format!("{command} --output json"), values);
        serde_json::from_str(if out.is_empty() { "null" } else { &out })
            .unwrap_or_else(|e| panic!("{command}: {e}: {out}"))
    };
    // GetKeyPolicy and GetKeyRotationStatus take a key's id or ARN, not an
    // alias (AWS KMS API Reference, GetKeyPolicy, KeyId).
    let key_id = |alias: &str| {
        em.cli(
            "kms describe-key --key-id {} --query KeyMetadata.KeyId --output text",
            &[alias],
        )
    };
    let empty = |v: &serde_json::Value| {
        v.is_null()
            || v.as_array().is_some_and(Vec::is_empty)
            || v.as_object().is_some_and(|o| o.is_empty())
    };
    if let Some(gone) = gone_by_one_call(address.kind) {
        match gone {
            Gone::Refused(command, code) => em.cli_refused(command, &[name], code),
            Gone::Empty(command) => assert!(empty(&json(command, &[name])), "{address}"),
        }
        return;
    }
    match address.kind {
        // Versioning cannot be removed from a bucket, only suspended.
        ResourceKind::S3BucketVersioning => assert_eq!(
            em.cli(
                "s3api get-bucket-versioning --bucket {} --query Status --output text",
                &[name]
            ),
            "Suspended"
        ),
        // DeleteBucketEncryption "resets the default encryption for the
        // bucket as server-side encryption with Amazon S3 managed keys
        // (SSE-S3)" (Amazon S3 API Reference, DeleteBucketEncryption,
        // https://docs.aws.amazon.com/AmazonS3/latest/API/API_DeleteBucketEncryption.html);
        // the emulator answers that there is none.
        ResourceKind::S3BucketEncryption => {
            let (found, err) = em.cli_result("s3api get-bucket-encryption --bucket {}", &[name]);
            if found {
                let rules = json(
                    "s3api get-bucket-encryption --bucket {} --query ServerSideEncryptionConfiguration.Rules[].ApplyServerSideEncryptionByDefault",
                    &[name],
                );
                assert_eq!(
                    rules,
                    serde_json::json!([{"SSEAlgorithm": "AES256"}]),
                    "{address}"
                );
            } else {
                assert!(
                    err.contains("ServerSideEncryptionConfigurationNotFoundError"),
                    "{address}: {err}"
                );
            }
        }
        // ctrail's statements out, the key's others kept.
        ResourceKind::KmsKeyPolicy => {
            let policy = em.cli(
                "kms get-key-policy --key-id {} --policy-name default --query Policy --output text",
                &[&key_id(name)],
            );
            assert!(
                policy.contains(&format!("arn:aws:iam::{ACCOUNT}:root")),
                "{address}: {policy}"
            );
            assert!(
                !policy.contains("cloudtrail.amazonaws.com"),
                "{address}: {policy}"
            );
        }
        ResourceKind::KmsKeyRotation => {
            let key = key_id(name);
            assert_eq!(
                em.cli("kms get-key-rotation-status --key-id {} --query KeyRotationEnabled --output text", &[&key]),
                "True",
                "{address} is left as it is"
            );
        }
        ResourceKind::SnsTopicPolicy => {
            let topic = format!("arn:aws:sns:us-east-1:{ACCOUNT}:{name}");
            let policy = em.cli(
                "sns get-topic-attributes --topic-arn {} --query Attributes.Policy --output text",
                &[&topic],
            );
            assert!(
                !policy.contains("cloudtrail.amazonaws.com"),
                "{address}: {policy}"
            );
        }
        // Back to what a trail logs with no selector: every management event.
        ResourceKind::TrailEventSelectors => {
            let basic = "cloudtrail get-event-selectors --trail-name {} --query EventSelectors[].[ReadWriteType,IncludeManagementEvents,DataResources]";
            let basic = json(basic, &[name]);
            assert_eq!(basic, serde_json::json!([["All", true, []]]), "{address}");
            let advanced =
                "cloudtrail get-event-selectors --trail-name {} --query AdvancedEventSelectors";
            assert!(empty(&json(advanced, &[name])), "{address}");
        }
        // A trail without Insights: GetInsightSelectors throws
        // InsightNotEnabledException (AWS CloudTrail API Reference,
        // GetInsightSelectors, https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_GetInsightSelectors.html),
        // or answers no selector.
        ResourceKind::TrailInsightSelectors => {
            let (found, err) =
                em.cli_result("cloudtrail get-insight-selectors --trail-name {}", &[name]);
            if found {
                assert!(
                    empty(&json(
                        "cloudtrail get-insight-selectors --trail-name {} --query InsightSelectors",
                        &[name]
                    )),
                    "{address}"
                );
            } else {
                assert!(
                    err.contains("InsightNotEnabledException"),
                    "{address}: {err}"
                );
            }
        }
        ResourceKind::TrailLogging => assert_eq!(
            em.cli(
                "cloudtrail get-trail-status --name {} --query IsLogging --output text",
                &[name]
            ),
            "False",
            "{address}"
        ),
        ResourceKind::TrailTags => assert!(
            empty(&json(
                "cloudtrail list-tags --resource-id-list {} --query ResourceTagList[0].TagsList",
                &[&trail_arn]
            )),
            "{address}"
        ),
        _ => {}
    }
}

#[test]
fn every_kind_is_created_read_and_deleted() {
    let em = Emulator::start();
    let dir = support::scratch("kinds");
    let path = dir.join("every-kind.yaml");
    std::fs::write(&path, SPEC).expect("write spec");
    let path = path.to_string_lossy().into_owned();
    let out = em.ctrail(&["apply", "--auto-approve", &path]);
    assert!(
        out.status.success(),
        "{}{}",
        support::stdout(&out),
        String::from_utf8_lossy(&out.stderr)
    );

    let spec = ctrail_spec::load(std::path::Path::new(&path))
        .expect("spec")
        .spec;
    let graph = ctrail_graph::build(&spec).expect("graph");
    let kinds: std::collections::BTreeSet<ResourceKind> =
        graph.resources().map(|r| r.address.kind).collect();
    assert_eq!(
        kinds.len(),
        ResourceKind::ALL.len(),
        "the spec implies every kind"
    );

    let rt = tokio::runtime::Runtime::new().expect("runtime");
    let clients = clients(&em, &rt);
    let (live, resolved) = read(&rt, &clients, &spec, &graph);
    for r in graph.resources() {
        assert!(
            matches!(
                live.resources.get(&r.address),
                Some(LiveResource::Present(_))
            ),
            "{} was applied but reads as {:?}",
            r.address,
            live.resources.get(&r.address)
        );
    }

    // Deleted a wave of the graph at a time, the last wave first, and read
    // back after each: what was deleted reads as gone while what it is part
    // of still exists (deleted with its parent, a setting reads as gone
    // whatever its own delete did), and what is still to go reads as before.
    let waves: Vec<Vec<Address>> = resolved
        .waves()
        .expect("waves")
        .into_iter()
        .rev()
        .map(|wave| wave.into_iter().map(|r| r.address.clone()).collect())
        .collect();
    let mut deleted: Vec<Address> = Vec::new();
    for wave in &waves {
        let mut report = delete(&rt, &clients, &live, &resolved, wave);
        if wave.iter().any(|a| a.kind == ResourceKind::S3Bucket) {
            // S3 delivered access logs of the log bucket while it was set
            // up, and the log bucket holds the apply lock's object: a bucket
            // holding objects is never emptied by ctrail, and S3 refuses to
            // delete it. Emptied by hand, both go.
            let failed: Vec<String> = report
                .actions
                .iter()
                .filter_map(|(a, o)| match o {
                    ctrail_executor::Outcome::Failed { error } => Some(format!("{a}: {error}")),
                    _ => None,
                })
                .collect();
            let not_empty = |b: &str| {
                format!(
                    "s3_bucket.{b}: s3:DeleteBucket: BucketNotEmpty: The bucket you tried to delete is not empty"
                )
            };
            assert!(
                failed.contains(&not_empty("every-kind-access-logs"))
                    && failed
                        .iter()
                        .all(|f| f == &not_empty("every-kind-access-logs")
                            || f == &not_empty("every-kind-logs")),
                "{report:#?}"
            );
            let objects = em.cli(
                "s3api list-objects-v2 --bucket every-kind-access-logs --query KeyCount",
                &[],
            );
            assert_ne!(objects.trim(), "0", "access logs were delivered");
            em.cli("s3 rm s3://every-kind-access-logs --recursive", &[]);
            // The log bucket keeps versions: each of the lock's goes.
            purge(&em, "every-kind-logs");
            report = delete(&rt, &clients, &live, &resolved, wave);
        }
        assert!(report.succeeded(), "{report:#?}");
        deleted.extend(wave.iter().cloned());
        // Read back with the AWS CLI: each setting as its delete leaves it,
        // while what it is part of is still there.
        for address in wave {
            setting_reads_as_deleted(&em, address);
        }
        // Read back through the library: what was deleted reads as absent or
        // as its delete left it (changed, unless its delete is documented
        // to leave it), and what is still to go reads as before.
        let (now, _) = read(&rt, &clients, &spec, &graph);
        for r in graph.resources() {
            let (found, was) = (
                now.resources.get(&r.address),
                live.resources.get(&r.address),
            );
            if !deleted.contains(&r.address) {
                assert_eq!(found, was, "{} changed before its delete", r.address);
            } else if LEFT_AS_THEY_ARE.contains(&r.address.kind) {
                // Until what it is part of goes.
                if wave.contains(&r.address) {
                    assert_eq!(found, was, "{} is left as it is", r.address);
                }
            } else {
                assert!(
                    matches!(found, Some(LiveResource::Absent) | None) || found != was,
                    "{} reads as before its delete: {found:?}",
                    r.address
                );
            }
        }
    }
    let (after, _) = read(&rt, &clients, &spec, &graph);
    for r in graph.resources() {
        let found = after.resources.get(&r.address);
        // The key ctrail created is scheduled for deletion with its alias
        // gone, so its policy and rotation read as gone too.
        assert!(
            matches!(found, Some(LiveResource::Absent) | None),
            "{} still exists after its delete: {found:?}",
            r.address
        );
    }
    // KMS keeps the key 30 days, pending deletion (it decrypts the logs).
    let keys = em.cli("kms list-keys --query Keys[].KeyId --output text", &[]);
    let states: Vec<String> = keys
        .split_whitespace()
        .map(|id| {
            em.cli(
                "kms describe-key --key-id {} --query KeyMetadata.KeyState --output text",
                &[id],
            )
            .trim()
            .to_owned()
        })
        .collect();
    assert_eq!(states, ["PendingDeletion"]);

    // Deleting again finds everything gone and succeeds.
    let again = delete_all(&rt, &clients, &live, &resolved);
    assert!(again.succeeded(), "{again:#?}");
}

/// S3 Object Ownership, changed by hand: drift names exactly that attribute
/// as weakening the trail, and apply puts it back.
#[test]
fn object_ownership_drift_is_reported_and_restored() {
    let acct = support::account::Account::empty("kinds-ownership");
    let out = acct.apply(&[]);
    assert!(out.status.success(), "{}", support::stderr(&out));
    acct.em.cli(
        "s3api put-bucket-ownership-controls --bucket {} --ownership-controls {}",
        &[
            support::account::BUCKET,
            "Rules=[{ObjectOwnership=ObjectWriter}]",
        ],
    );
    let out = acct.em.ctrail(&["drift", &acct.spec]);
    assert_eq!(out.status.code(), Some(2), "{}", support::stdout(&out));
    let lines: Vec<serde_json::Value> = support::stdout(&out)
        .lines()
        .map(|l| serde_json::from_str(l).expect("JSON line"))
        .collect();
    let drifted: Vec<&serde_json::Value> = lines
        .iter()
        .filter(|l| l["address"].as_str().is_some())
        .collect();
    assert_eq!(drifted.len(), 1, "{lines:?}");
    let d = drifted[0];
    assert_eq!(
        d["address"],
        format!("s3_bucket_ownership_controls.{}", support::account::BUCKET)
    );
    let text = d.to_string();
    assert!(
        text.contains("object_ownership") && text.contains("ObjectWriter"),
        "{text}"
    );
    assert!(text.contains("ACLs on log files"), "{text}");
    let out = acct.apply(&[]);
    assert!(out.status.success(), "{}", support::stderr(&out));
    let (code, _) = acct.plan_json();
    assert_eq!(code, 0);
}

/// The trail's newer settings against the adapter: Insights on data events,
/// aggregated data events and recursive logging (defaulted off with S3 data
/// events) apply and converge; each changed by hand (the AWS CLI, and the
/// SDK for RecursiveLogging, which the pinned CLI lacks) is reported by plan
/// on exactly its attribute, and apply puts it back. The adapter refuses
/// aggregation and Insights on data events for a trail that logs no data
/// events, as CloudTrail does.
#[test]
fn data_event_insights_aggregation_and_recursive_logging_drift_and_restore() {
    let em = data_insights_applied();
    let (spec, trail) = DATA_INSIGHTS;
    let (code, plan) = em.plan_json(spec);
    assert_eq!(code, 0, "{plan:#}");

    // As AWS answers them.
    let insights = insight_selectors(&em, trail);
    assert_eq!(
        insights,
        serde_json::json!([
            {"InsightType": "ApiCallRateInsight", "EventCategories": ["Data", "Management"]},
            {"InsightType": "ApiErrorRateInsight", "EventCategories": ["Data"]},
        ])
    );
    let aggregation = em.cli(
        "cloudtrail get-event-configuration --trail-name {} --query AggregationConfigurations",
        &[trail],
    );
    let aggregation: serde_json::Value = serde_json::from_str(&aggregation).expect("JSON");
    assert_eq!(
        aggregation,
        serde_json::json!([{"EventCategory": "Data", "Templates": ["API_ACTIVITY", "RESOURCE_ACCESS"]}])
    );
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    let clients = clients(&em, &rt);
    let recursive = || {
        rt.block_on(clients.cloudtrail.get_trail().name(trail).send())
            .expect("GetTrail")
            .trail()
            .and_then(|t| t.recursive_logging())
    };
    assert_eq!(
        recursive(),
        Some(false),
        "suppressed by default with S3 data events"
    );

    // By hand: Insights on management events only, another template, and
    // recursive logging back on.
    em.cli(
        "cloudtrail put-insight-selectors --trail-name {} --insight-selectors {}",
        &[
            trail,
            r#"[{"InsightType":"ApiCallRateInsight","EventCategories":["Management"]},{"InsightType":"ApiErrorRateInsight","EventCategories":["Data"]}]"#,
        ],
    );
    em.cli(
        "cloudtrail put-event-configuration --trail-name {} --aggregation-configurations {}",
        &[
            trail,
            r#"[{"EventCategory":"Data","Templates":["USER_ACTIONS"]}]"#,
        ],
    );
    rt.block_on(
        clients
            .cloudtrail
            .update_trail()
            .name(trail)
            .recursive_logging(true)
            .send(),
    )
    .expect("UpdateTrail");
    assert_eq!(recursive(), Some(true));

    let (code, plan) = em.plan_json(spec);
    assert_eq!(code, 2, "{plan:#}");
    let expected: std::collections::BTreeMap<String, Vec<String>> = [
        (
            format!("trail.{trail}"),
            vec!["recursive_logging".to_owned()],
        ),
        (
            format!("trail_insight_selectors.{trail}"),
            vec!["event_categories.ApiCallRateInsight".to_owned()],
        ),
        (
            format!("trail_event_configuration.{trail}"),
            vec!["aggregation.Data".to_owned()],
        ),
    ]
    .into_iter()
    .collect();
    assert_eq!(support::account::changed(&plan), expected, "{plan:#}");
    // Data moved back into the Insights analysed: its cost is noted.
    let notes = plan["cost_notes"].to_string();
    assert!(
        notes.contains("Insights on data events is billed"),
        "{notes}"
    );

    // ctrail import writes what it finds (aggregation, left out, is not
    // managed), and its spec plans no change.
    em.import_plans_no_change(
        trail,
        &support::scratch("kinds-import"),
        &[
            "recursive_logging: true",
            "event_categories",
            "ApiErrorRateInsight",
        ],
    );

    em.apply(spec);
    let (code, plan) = em.plan_json(spec);
    assert_eq!(code, 0, "{plan:#}");
    assert_eq!(recursive(), Some(false));

    // A trail that logs no data events: AWS refuses both.
    em.cli(
        "cloudtrail put-event-selectors --trail-name {} --event-selectors {}",
        &[
            trail,
            r#"[{"ReadWriteType":"All","IncludeManagementEvents":true}]"#,
        ],
    );
    em.cli_refused(
        "cloudtrail put-event-configuration --trail-name {} --aggregation-configurations {}",
        &[
            trail,
            r#"[{"EventCategory":"Data","Templates":["API_ACTIVITY"]}]"#,
        ],
        "InvalidParameterCombinationException",
    );
    em.cli_refused(
        "cloudtrail put-insight-selectors --trail-name {} --insight-selectors {}",
        &[
            trail,
            r#"[{"InsightType":"ApiCallRateInsight","EventCategories":["Data"]}]"#,
        ],
        "InvalidInsightSelectorsException",
    );
    // Turning aggregation off is accepted whatever the trail logs.
    em.cli(
        "cloudtrail put-event-configuration --trail-name {} --aggregation-configurations {}",
        &[trail, "[]"],
    );

    // Deleting the trail forgets what the adapter kept for it.
    em.cli("cloudtrail delete-trail --name {}", &[trail]);
    em.cli_refused(
        "cloudtrail get-event-configuration --trail-name {}",
        &[trail],
        "TrailNotFoundException",
    );
}

/// The adapter's rules for those settings, each with a setting AWS accepts
/// and one it refuses (tests/proxy/trail_events.py's self-test).
#[test]
fn the_adapter_judges_the_newer_trail_settings_as_cloudtrail_does() {
    let out = std::process::Command::new(support::emulator::venv().join("bin/python"))
        .arg(support::root().join("tests/proxy/trail_events.py"))
        .output()
        .expect("run python");
    assert!(out.status.success(), "{}", support::text(&out));
    assert!(support::stdout(&out).contains("trail_events: ok"));
}

/// Insights on data events moved back to the short form (management events
/// only) converge: ctrail names `[Management]` in PutInsightSelectors, which
/// overwrites the Data enabled before, whatever a selector without
/// categories does (the adapter keeps Data then; trail_events.py).
#[test]
fn insights_moved_back_from_data_to_the_short_form_converge() {
    let em = data_insights_applied();
    let (spec, trail) = DATA_INSIGHTS;
    let text = std::fs::read_to_string(support::root().join(spec)).expect("spec");
    let long = "  insights:\n    - {type: ApiCallRateInsight, event_categories: [Management, Data]}\n    - {type: ApiErrorRateInsight, event_categories: [Data]}\n";
    assert!(text.contains(long), "{text}");
    let short = support::scratch_file(
        "kinds-insights-short",
        "short.yaml",
        &text.replace(
            long,
            "  insights: [ApiCallRateInsight, ApiErrorRateInsight]\n",
        ),
    );
    em.apply(&short);
    let (code, plan) = em.plan_json(&short);
    assert_eq!(code, 0, "{plan:#}");
    let insights = insight_selectors(&em, trail);
    assert_eq!(
        insights,
        serde_json::json!([
            {"InsightType": "ApiCallRateInsight", "EventCategories": ["Management"]},
            {"InsightType": "ApiErrorRateInsight", "EventCategories": ["Management"]},
        ])
    );
}

/// specs/data-event-insights.yaml and its trail.
const DATA_INSIGHTS: (&str, &str) = ("specs/data-event-insights.yaml", "data-insights-trail");

/// A fresh emulator with specs/data-event-insights.yaml applied.
fn data_insights_applied() -> Emulator {
    let em = Emulator::start();
    em.apply(DATA_INSIGHTS.0);
    em
}

/// The trail's insight selectors as AWS answers them.
fn insight_selectors(em: &Emulator, trail: &str) -> serde_json::Value {
    let answer = em.cli(
        "cloudtrail get-insight-selectors --trail-name {} --query InsightSelectors",
        &[trail],
    );
    serde_json::from_str(&answer).expect("JSON")
}
