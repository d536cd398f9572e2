#!/usr/bin/env python3
"""Brings resources to the spec by hand (boto3), the way an operator would
without ctrail: for every resource a ctrail plan says differs, apply the
spec's desired values from `ctrail graph --format json`.

The tests use it to converge an account after the seed procedure and to undo
each drift they make, so that ctrail's own apply is not needed to test its
plans. GRAPH_JSON is `ctrail graph --format json` output, or a pinned
expected state (tests/fixtures/expected/*.json: {"resources": {address:
desired}}, reviewed by hand), which the convergence tests use so that a
converged plan does not only prove ctrail agrees with itself.
Usage: remediate.py GRAPH_JSON PLAN_JSON [KMS_KEY_ID]
(env: AWS_ENDPOINT_URL, credentials; the key id is needed when the spec does
not manage the key policy, so the graph names no key)
"""

import json
import sys

import boto3


def resolve(value, subs):
    if isinstance(value, str):
        for k, v in subs.items():
            if v is not None:
                value = value.replace(k, v)
        return value
    if isinstance(value, list):
        return [resolve(v, subs) for v in value]
    if isinstance(value, dict):
        return {k: resolve(v, subs) for k, v in value.items()}
    return value


def with_ours(policy: dict, statements: list) -> dict:
    """A policy shared with others, with the statements the spec owns (Sid
    CTrail...) put in place of the ones there, the rest kept."""
    kept = [s for s in policy["Statement"] if not str(s.get("Sid", "")).startswith("CTrail")]
    return dict(policy, Statement=kept + statements)


OWNER_TAG = "ctrail:managed-by"


def set_tags(current: dict, desired: dict, tag, untag):
    # ctrail's ownership tag is not one of the spec's: kept as it is.
    extra = [k for k in current if k not in desired and k != OWNER_TAG]
    if extra:
        untag(extra)
    if desired:
        tag(desired)


def mark(kind, name, trail, region, account, s3, logs, iam, ct):
    """Tags a resource as ctrail's, by hand: the mark ctrail reads."""
    tag = {"Key": "ctrail:managed-by", "Value": trail}
    if kind == "s3_bucket":
        try:
            current = s3.get_bucket_tagging(Bucket=name)["TagSet"]
        except s3.exceptions.ClientError:
            current = []
        s3.put_bucket_tagging(Bucket=name, Tagging={"TagSet": [t for t in current if t["Key"] != tag["Key"]] + [tag]})
    elif kind == "log_group":
        logs.tag_resource(resourceArn=f"arn:aws:logs:{region}:{account}:log-group:{name}", tags={tag["Key"]: tag["Value"]})
    elif kind == "iam_role":
        iam.tag_role(RoleName=name, Tags=[tag])
    elif kind == "trail":
        ct.add_tags(ResourceId=f"arn:aws:cloudtrail:{region}:{account}:trail/{name}", TagsList=[tag])
    else:
        sys.exit(f"remediate.py: no ownership tag for {kind}")


def with_recursive_logging(ct, value: bool, call):
    """Makes `call` (an UpdateTrail) with RecursiveLogging set to `value`:
    the pinned botocore lacks the member, so it is added to the serialized
    request before it is signed."""
    def add(params, **_):
        body = json.loads(params.get("body") or b"{}")
        body["RecursiveLogging"] = value
        params["body"] = json.dumps(body).encode()

    event = "before-call.cloudtrail.UpdateTrail"
    ct.meta.events.register_first(event, add, unique_id="ctrail-recursive-logging")
    try:
        return call()
    finally:
        ct.meta.events.unregister(event, unique_id="ctrail-recursive-logging")


def main():
    graph = json.load(open(sys.argv[1]))
    plan = json.load(open(sys.argv[2]))
    region = plan["header"]["region"]
    s3 = boto3.client("s3", region_name=region)
    logs = boto3.client("logs", region_name=region)
    iam = boto3.client("iam", region_name=region)
    kms = boto3.client("kms", region_name=region)
    ct = boto3.client("cloudtrail", region_name=region)
    sns = boto3.client("sns", region_name=region)
    account = boto3.client("sts", region_name=region).get_caller_identity()["Account"]
    key_id = sys.argv[3] if len(sys.argv) > 3 else None
    resources = graph["resources"]
    if isinstance(resources, dict):  # a pinned expected state: address -> desired
        resources = [{"address": a.replace("${key_id}", key_id or ""), "kind": a.split(".", 1)[0],
                      "name": a.split(".", 1)[1].replace("${key_id}", key_id or ""), "desired": v}
                     for a, v in resources.items()]
    key_arn = kms.describe_key(KeyId=key_id)["KeyMetadata"]["Arn"] if key_id else None
    for r in resources:
        if r["kind"] in ("kms_key_policy", "kms_key_rotation"):
            key_arn = kms.describe_key(KeyId=r["name"])["KeyMetadata"]["Arn"]
    subs = {"${account_id}": account, "${kms_key_arn}": key_arn, "${key_id}": key_id}
    desired = {r["address"]: resolve(r["desired"], subs) for r in resources}

    # Settings first; adoption (ctrail's ownership tag, docs/ownership.md)
    # last, so a whole-set tag write of a setting does not drop it.
    actions = sorted(plan["actions"], key=lambda a: a["kind"] == "adopt")
    trail = plan["header"]["trail"]
    for action in actions:
        if action["kind"] == "no_op":
            continue
        address = action["address"]
        kind, name = address.split(".", 1)
        d = desired[address]
        if action["kind"] == "adopt":
            mark(kind, name, trail, region, account, s3, logs, iam, ct)
            if not action["changes"]:
                continue
        if kind == "s3_public_access_block":
            s3.put_public_access_block(Bucket=name, PublicAccessBlockConfiguration={
                "BlockPublicAcls": d["block_public_acls"], "IgnorePublicAcls": d["ignore_public_acls"],
                "BlockPublicPolicy": d["block_public_policy"], "RestrictPublicBuckets": d["restrict_public_buckets"]})
        elif kind == "s3_bucket_versioning":
            s3.put_bucket_versioning(Bucket=name, VersioningConfiguration={"Status": d["status"]})
        elif kind == "s3_bucket_encryption":
            default = {"SSEAlgorithm": d["sse_algorithm"]}
            if d["kms_master_key_id"]:
                default["KMSMasterKeyID"] = d["kms_master_key_id"]
            s3.put_bucket_encryption(Bucket=name, ServerSideEncryptionConfiguration={"Rules": [
                {"ApplyServerSideEncryptionByDefault": default, "BucketKeyEnabled": d["bucket_key_enabled"]}]})
        elif kind == "s3_bucket_lifecycle":
            rules = []
            for r in d["rules"]:
                rule = {"ID": r["id"], "Status": r["status"], "Filter": {"Prefix": r["prefix"]}}
                if r["transitions"]:
                    rule["Transitions"] = [{"Days": t["days"], "StorageClass": t["storage_class"]} for t in r["transitions"]]
                if r["expiration_days"]:
                    rule["Expiration"] = {"Days": r["expiration_days"]}
                if r["noncurrent_version_expiration_days"]:
                    rule["NoncurrentVersionExpiration"] = {"NoncurrentDays": r["noncurrent_version_expiration_days"]}
                if r["abort_incomplete_multipart_upload_days"]:
                    rule["AbortIncompleteMultipartUpload"] = {"DaysAfterInitiation": r["abort_incomplete_multipart_upload_days"]}
                rules.append(rule)
            s3.put_bucket_lifecycle_configuration(Bucket=name, LifecycleConfiguration={"Rules": rules})
        elif kind == "s3_bucket_tags":
            try:
                kept = [t for t in s3.get_bucket_tagging(Bucket=name)["TagSet"] if t["Key"] == OWNER_TAG]
            except s3.exceptions.ClientError:
                kept = []
            s3.put_bucket_tagging(Bucket=name, Tagging={"TagSet": [{"Key": k, "Value": v} for k, v in d["tags"].items()] + kept})
        elif kind == "s3_bucket_policy":
            s3.put_bucket_policy(Bucket=name, Policy=json.dumps(d["policy"]))
        elif kind == "log_group":
            if d["kms_key_arn"]:
                logs.associate_kms_key(logGroupName=name, kmsKeyId=d["kms_key_arn"])
        elif kind == "log_group_retention":
            logs.put_retention_policy(logGroupName=name, retentionInDays=d["retention_in_days"])
        elif kind == "log_group_tags":
            arn = f"arn:aws:logs:{region}:{account}:log-group:{name}"
            current = logs.list_tags_for_resource(resourceArn=arn).get("tags", {})
            set_tags(current, d["tags"], lambda t: logs.tag_resource(resourceArn=arn, tags=t),
                     lambda ks: logs.untag_resource(resourceArn=arn, tagKeys=ks))
        elif kind == "iam_role":
            iam.update_assume_role_policy(RoleName=name, PolicyDocument=json.dumps(d["assume_role_policy"]))
            for p in iam.list_role_policies(RoleName=name)["PolicyNames"]:
                if p != "CloudTrail-CloudWatchLogs-Delivery":
                    iam.delete_role_policy(RoleName=name, PolicyName=p)
            for p in iam.list_attached_role_policies(RoleName=name)["AttachedPolicies"]:
                iam.detach_role_policy(RoleName=name, PolicyArn=p["PolicyArn"])
        elif kind == "iam_role_policy":
            iam.put_role_policy(RoleName=name, PolicyName=d["policy_name"], PolicyDocument=json.dumps(d["policy"]))
        elif kind == "iam_role_tags":
            current = {t["Key"]: t["Value"] for t in iam.list_role_tags(RoleName=name)["Tags"]}
            set_tags(current, d["tags"], lambda t: iam.tag_role(RoleName=name, Tags=[{"Key": k, "Value": v} for k, v in t.items()]),
                     lambda ks: iam.untag_role(RoleName=name, TagKeys=ks))
        elif kind == "kms_key_policy":
            policy = json.loads(kms.get_key_policy(KeyId=key_arn, PolicyName="default")["Policy"])
            kms.put_key_policy(KeyId=key_arn, PolicyName="default", Policy=json.dumps(with_ours(policy, d["statements"])))
        elif kind == "kms_key_rotation":
            (kms.enable_key_rotation if d["enabled"] else kms.disable_key_rotation)(KeyId=key_arn)
        elif kind == "sns_topic_policy":
            current = sns.get_topic_attributes(TopicArn=d["topic_arn"])["Attributes"].get("Policy")
            policy = json.loads(current) if current else {"Version": "2012-10-17", "Statement": []}
            sns.set_topic_attributes(TopicArn=d["topic_arn"], AttributeName="Policy",
                                     AttributeValue=json.dumps(with_ours(policy, d["statements"])))
        elif kind == "trail":
            args = {"Name": name, "S3BucketName": d["s3_bucket_name"],
                    "IncludeGlobalServiceEvents": d["include_global_service_events"],
                    "IsMultiRegionTrail": d["is_multi_region_trail"],
                    "EnableLogFileValidation": d["enable_log_file_validation"]}
            for key, attr in [("KmsKeyId", "kms_key_id"), ("CloudWatchLogsLogGroupArn", "cloud_watch_logs_log_group_arn"),
                              ("CloudWatchLogsRoleArn", "cloud_watch_logs_role_arn"), ("S3KeyPrefix", "s3_key_prefix"),
                              ("SnsTopicName", "sns_topic_name")]:
                if d[attr]:
                    args[key] = d[attr]
            with_recursive_logging(ct, d["recursive_logging"], lambda: ct.update_trail(**args))
        elif kind == "trail_logging":
            (ct.start_logging if d["is_logging"] else ct.stop_logging)(Name=name)
        elif kind == "trail_event_selectors":
            if d["style"] == "basic":
                ct.put_event_selectors(TrailName=name, EventSelectors=[{
                    "ReadWriteType": s["read_write_type"], "IncludeManagementEvents": s["include_management_events"],
                    "DataResources": [{"Type": r["type"], "Values": r["values"]} for r in s["data_resources"]],
                    "ExcludeManagementEventSources": s["exclude_management_event_sources"]} for s in d["selectors"]])
            else:
                keys = {"equals": "Equals", "not_equals": "NotEquals", "starts_with": "StartsWith",
                        "not_starts_with": "NotStartsWith", "ends_with": "EndsWith", "not_ends_with": "NotEndsWith"}
                ct.put_event_selectors(TrailName=name, AdvancedEventSelectors=[{
                    **({"Name": s["name"]} if s.get("name") else {}),
                    "FieldSelectors": [{"Field": f["field"], **{keys[k]: v for k, v in f.items() if k in keys}}
                                       for f in s["field_selectors"]]} for s in d["selectors"]])
        elif kind == "trail_insight_selectors":
            categories = d.get("event_categories", {})
            ct.put_insight_selectors(TrailName=name, InsightSelectors=[
                {"InsightType": t, "EventCategories": categories.get(t, ["Management"])}
                for t in d["insight_types"]])
        elif kind == "trail_event_configuration":
            ct.put_event_configuration(TrailName=name, AggregationConfigurations=[
                {"EventCategory": c, "Templates": t} for c, t in d["aggregation"].items()])
        elif kind == "trail_tags":
            arn = f"arn:aws:cloudtrail:{region}:{account}:trail/{name}"
            current = {t["Key"]: t["Value"] for r in ct.list_tags(ResourceIdList=[arn])["ResourceTagList"] for t in r.get("TagsList", [])}
            set_tags(current, d["tags"], lambda t: ct.add_tags(ResourceId=arn, TagsList=[{"Key": k, "Value": v} for k, v in t.items()]),
                     lambda ks: ct.remove_tags(ResourceId=arn, TagsList=[{"Key": k} for k in ks]))
        else:
            sys.exit(f"remediate.py: no remediation for {kind}")
        print(f"remediated {address}")


if __name__ == "__main__":
    main()
