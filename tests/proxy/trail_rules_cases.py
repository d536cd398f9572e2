"""Each refusal of trail_rules.py, with boto3 against the test adapter: a
setup AWS accepts and one it refuses, per rule (run by tests/trail_rules.rs
after `ctrail apply` made TRAIL, its bucket, its KMS key and its log group
and role, all as CloudTrail needs them).

Usage: trail_rules_cases.py TRAIL  (AWS_ENDPOINT_URL and credentials set)
Prints one line per case; exits 1 if any case went the other way.
"""

import json
import os
import sys

import boto3
from botocore.exceptions import ClientError

TRAIL = sys.argv[1]
REGION = "us-east-1"
ENDPOINT = os.environ["AWS_ENDPOINT_URL"]
failures = []


def client(service, region=REGION, **creds):
    return boto3.client(service, region_name=region, endpoint_url=ENDPOINT, **creds)


ct = client("cloudtrail")


def case(name, want, call):
    """`want`: None (accepted) or the error code AWS answers."""
    try:
        call()
        got = None
    except ClientError as e:
        got = e.response["Error"]["Code"]
    ok = got == want
    wanted = "" if ok else f" (want {want or 'accepted'})"
    print(f"{'ok  ' if ok else 'FAIL'} {name}: {'accepted' if got is None else got}{wanted}")
    if not ok:
        failures.append(name)


trail = ct.get_trail(Name=TRAIL)["Trail"]
key_arn = trail["KmsKeyId"]
group_arn = trail["CloudWatchLogsLogGroupArn"]
role_arn = trail["CloudWatchLogsRoleArn"]
kms = client("kms")

# Global service events on a multi-Region trail.
case("multi-Region trail keeps global service events", None,
     lambda: ct.update_trail(Name=TRAIL, IsMultiRegionTrail=True, IncludeGlobalServiceEvents=True))
case("multi-Region trail drops global service events", "InvalidParameterCombinationException",
     lambda: ct.update_trail(Name=TRAIL, IncludeGlobalServiceEvents=False))
case("single-Region trail drops global service events", None,
     lambda: ct.update_trail(Name=TRAIL, IsMultiRegionTrail=False, IncludeGlobalServiceEvents=False))
ct.update_trail(Name=TRAIL, IsMultiRegionTrail=True, IncludeGlobalServiceEvents=True)

# The KMS key: present, in the bucket's region, enabled, symmetric.
case("the trail's own key", None, lambda: ct.update_trail(Name=TRAIL, KmsKeyId=key_arn))
case("a key that does not exist", "KmsKeyNotFoundException",
     lambda: ct.update_trail(Name=TRAIL, KmsKeyId="arn:aws:kms:us-east-1:123456789012:key/00000000-0000-0000-0000-000000000000"))
policy = kms.get_key_policy(KeyId=key_arn, PolicyName="default")["Policy"]
west = client("kms", "us-west-2").create_key(Policy=policy)["KeyMetadata"]["Arn"]
case("a key in another region than the bucket", "KmsKeyNotFoundException",
     lambda: ct.update_trail(Name=TRAIL, KmsKeyId=west))
key_id = kms.describe_key(KeyId=key_arn)["KeyMetadata"]["KeyId"]
kms.disable_key(KeyId=key_id)
case("a disabled key", "KmsException", lambda: ct.update_trail(Name=TRAIL, KmsKeyId=key_arn))
kms.enable_key(KeyId=key_id)
case("the key enabled again", None, lambda: ct.update_trail(Name=TRAIL, KmsKeyId=key_arn))
dying = kms.create_key(Policy=policy)["KeyMetadata"]["Arn"]
kms.schedule_key_deletion(KeyId=dying.rsplit("/", 1)[-1], PendingWindowInDays=7)
case("a key pending deletion", "KmsException", lambda: ct.update_trail(Name=TRAIL, KmsKeyId=dying))
rsa = kms.create_key(Policy=policy, KeySpec="RSA_2048", KeyUsage="ENCRYPT_DECRYPT")["KeyMetadata"]["Arn"]
case("an asymmetric key", "KmsException", lambda: ct.update_trail(Name=TRAIL, KmsKeyId=rsa))

# CloudWatch Logs: the group exists, and comes with its role.
case("the trail's log group and role", None,
     lambda: ct.update_trail(Name=TRAIL, CloudWatchLogsLogGroupArn=group_arn, CloudWatchLogsRoleArn=role_arn))
missing = group_arn.replace(":log-group:", ":log-group:no-such-group-")
case("a log group that does not exist", "InvalidCloudWatchLogsLogGroupArnException",
     lambda: ct.update_trail(Name=TRAIL, CloudWatchLogsLogGroupArn=missing, CloudWatchLogsRoleArn=role_arn))
case("a role without a log group", "InvalidCloudWatchLogsLogGroupArnException",
     lambda: ct.update_trail(Name=TRAIL, CloudWatchLogsLogGroupArn="", CloudWatchLogsRoleArn=role_arn))
case("a log group without a role", "InvalidCloudWatchLogsRoleArnException",
     lambda: ct.update_trail(Name=TRAIL, CloudWatchLogsLogGroupArn=group_arn, CloudWatchLogsRoleArn=""))

# Advanced event selectors, per category.
network = [{"Name": "network", "FieldSelectors": [
    {"Field": "eventCategory", "Equals": ["NetworkActivity"]},
    {"Field": "eventSource", "Equals": ["s3.amazonaws.com"]},
    {"Field": "errorCode", "Equals": ["VpceAccessDenied"]},
    {"Field": "vpcEndpointId", "Equals": ["vpce-0123456789abcdef0"]}]}]
management = [{"Name": "management", "FieldSelectors": [{"Field": "eventCategory", "Equals": ["Management"]}]}]
case("a network activity selector", None,
     lambda: ct.put_event_selectors(TrailName=TRAIL, AdvancedEventSelectors=management + network))
bad = json.loads(json.dumps(network))
bad[0]["FieldSelectors"].append({"Field": "resources.type", "Equals": ["AWS::S3::Object"]})
case("a network activity selector with resources.type", "InvalidEventSelectorsException",
     lambda: ct.put_event_selectors(TrailName=TRAIL, AdvancedEventSelectors=bad))
no_source = [{"Name": "n", "FieldSelectors": [{"Field": "eventCategory", "Equals": ["NetworkActivity"]}]}]
case("a network activity selector without eventSource", "InvalidEventSelectorsException",
     lambda: ct.put_event_selectors(TrailName=TRAIL, AdvancedEventSelectors=no_source))
data_vpce = [{"Name": "d", "FieldSelectors": [
    {"Field": "eventCategory", "Equals": ["Data"]},
    {"Field": "resources.type", "Equals": ["AWS::S3::Object"]},
    {"Field": "vpcEndpointId", "Equals": ["vpce-0123456789abcdef0"]}]}]
case("a data selector with vpcEndpointId", "InvalidEventSelectorsException",
     lambda: ct.put_event_selectors(TrailName=TRAIL, AdvancedEventSelectors=data_vpce))
newer = [{"Name": "d", "FieldSelectors": [
    {"Field": "eventCategory", "Equals": ["Data"]},
    {"Field": "resources.type", "Equals": ["AWS::S3Vectors::VectorIndexSnapshot"]}]}]
case("a data selector with a resource type newer than the list", None,
     lambda: ct.put_event_selectors(TrailName=TRAIL, AdvancedEventSelectors=management + newer))

# Insights on management events the trail logs.
reads = [{"Name": "reads", "FieldSelectors": [
    {"Field": "eventCategory", "Equals": ["Management"]}, {"Field": "readOnly", "Equals": ["true"]}]}]
ct.put_event_selectors(TrailName=TRAIL, AdvancedEventSelectors=reads)
case("ApiCallRateInsight on a read-only trail", "InvalidInsightSelectorsException",
     lambda: ct.put_insight_selectors(TrailName=TRAIL, InsightSelectors=[{"InsightType": "ApiCallRateInsight"}]))
case("ApiErrorRateInsight on a read-only trail", None,
     lambda: ct.put_insight_selectors(TrailName=TRAIL, InsightSelectors=[{"InsightType": "ApiErrorRateInsight"}]))
ct.put_event_selectors(TrailName=TRAIL, EventSelectors=[{"ReadWriteType": "WriteOnly", "IncludeManagementEvents": True}],
                       AdvancedEventSelectors=[])
case("ApiCallRateInsight on a write-only trail", None,
     lambda: ct.put_insight_selectors(TrailName=TRAIL, InsightSelectors=[{"InsightType": "ApiCallRateInsight"}]))

# Organization trails: the management account of an organization with all
# features and CloudTrail's trusted access.
org = client("organizations")
case("an organization trail outside any organization", "OrganizationsNotInUseException",
     lambda: ct.update_trail(Name=TRAIL, IsOrganizationTrail=True))
org.create_organization(FeatureSet="CONSOLIDATED_BILLING")
case("an organization trail without all features", "OrganizationNotInAllFeaturesModeException",
     lambda: ct.update_trail(Name=TRAIL, IsOrganizationTrail=True))
org.delete_organization()
org.create_organization(FeatureSet="ALL")
case("an organization trail without trusted access", "CloudTrailAccessNotEnabledException",
     lambda: ct.update_trail(Name=TRAIL, IsOrganizationTrail=True))
member = org.create_account(Email="member@example.com", AccountName="member")["CreateAccountStatus"]["AccountId"]
org.enable_aws_service_access(ServicePrincipal="cloudtrail.amazonaws.com")


def from_member():
    creds = client("sts").assume_role(RoleArn=f"arn:aws:iam::{member}:role/OrganizationAccountAccessRole",
                                      RoleSessionName="member")["Credentials"]
    ct_member = client("cloudtrail", aws_access_key_id=creds["AccessKeyId"],
                       aws_secret_access_key=creds["SecretAccessKey"], aws_session_token=creds["SessionToken"])
    ct_member.create_trail(Name="member-trail", S3BucketName=trail["S3BucketName"], IsOrganizationTrail=True,
                           IsMultiRegionTrail=True)


case("an organization trail from a member account", "NotOrganizationMasterAccountException", from_member)
# With all of it in place the trail passes these rules: what CloudTrail
# checks next is the bucket policy's organization folder, which ctrail
# wrote for an account trail.
case("an organization trail from the management account, trusted access on", "InsufficientS3BucketPolicyException",
     lambda: ct.update_trail(Name=TRAIL, IsOrganizationTrail=True))

sys.exit(1 if failures else 0)
