"""CloudTrail's refusals of trail settings, as AWS answers them, where the
emulator accepts what AWS refuses (CreateTrail, UpdateTrail,
PutEventSelectors, PutInsightSelectors).

Each rule names its page. Where a page names no exception for a case, the
choice is said beside it (docs/aws-rules.md lists them); the test adapter
then refuses with that code, and ctrail must not depend on which.

The checks ask the emulator for what they judge (the KMS key, the log group,
the organization) through `Asker`, which the proxy gives them: the caller's
credentials with another service's, or another region's, scope.
"""

import json
import re

from aws_rules import Refusal, refused

CLOUDTRAIL = "cloudtrail.amazonaws.com"

# Exceptions (CloudTrail API Reference, CreateTrail / UpdateTrail, Errors:
# https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_CreateTrail.html).
COMBINATION = "InvalidParameterCombinationException"
KEY_NOT_FOUND = "KmsKeyNotFoundException"
KMS = "KmsException"
GROUP = "InvalidCloudWatchLogsLogGroupArnException"
ROLE = "InvalidCloudWatchLogsRoleArnException"
NOT_MANAGEMENT = "NotOrganizationMasterAccountException"
NO_ACCESS = "CloudTrailAccessNotEnabledException"
NOT_ALL_FEATURES = "OrganizationNotInAllFeaturesModeException"
NO_ORGANIZATION = "OrganizationsNotInUseException"
SELECTORS = "InvalidEventSelectorsException"
INSIGHTS = "InvalidInsightSelectorsException"


class Asker:
    """What the checks ask the emulator, with the caller's credentials under
    another service's (and region's) scope, through the proxy's handler."""

    def __init__(self, handler):
        self.h = handler

    def json(self, service: str, target: str, payload: dict, region: str | None = None,
             account: str | None = None) -> dict | None:
        """A JSON-protocol answer, or None when the emulator refuses; in
        `account`'s name for another account's resource."""
        auth, token = self.h._signed_as(account)
        auth = re.sub(
            r"(Credential=[^/]+/[^/]+/)([^/]+)/[^/]+/",
            lambda m: f"{m.group(1)}{region or m.group(2)}/{service}/",
            auth,
        )
        headers = {"Authorization": auth, "X-Amz-Date": self.h.headers.get("X-Amz-Date", ""),
                   "Host": self.h.headers.get("Host", ""), "X-Amz-Target": target,
                   "Content-Type": "application/x-amz-json-1.1"}
        if token:
            headers["X-Amz-Security-Token"] = token
        status, _, data = self.h._upstream("POST", "/", json.dumps(payload).encode(), headers)
        return json.loads(data or b"{}") if status == 200 else None

    def bucket_region(self, bucket: str) -> str | None:
        status, _, data = self.h._ask("s3", "GET", f"/{bucket}?location")
        if status != 200:
            return None
        m = re.search(rb"<LocationConstraint[^>]*>([^<]*)</LocationConstraint>", data)
        return (m.group(1).decode() if m else "") or "us-east-1"


def emulator_request(handler, op: str, body: bytes) -> bytes:
    """The request as the emulator can carry it out. CreateTrail's and
    UpdateTrail's SnsTopicName takes "the name or ARN of the Amazon SNS
    topic" (CloudTrail API Reference, CreateTrail); the emulator takes only a
    name, and makes the ARN of an ARN. A topic ARN in the caller's account
    and region is passed on as its name, which the emulator turns back into
    the same ARN. (A topic in another account or region cannot be kept by
    the emulator: it is passed on as given.)"""
    if op not in ("cloudtrail:CreateTrail", "cloudtrail:UpdateTrail"):
        return body
    req = json.loads(body or b"{}")
    topic = req.get("SnsTopicName") or ""
    parts = topic.split(":")
    if not topic.startswith("arn:") or len(parts) != 6:
        return body
    m = re.search(r"Credential=[^/]+/[^/]+/([^/]+)/", handler.headers.get("Authorization", ""))
    region = m.group(1) if m else "us-east-1"
    if parts[3] != region or parts[4] != handler._caller_account():
        return body
    req["SnsTopicName"] = parts[5]
    return json.dumps(req).encode()


def refuse(handler, op: str, body: bytes) -> bool:
    """Refuses the request as CloudTrail would (answered through the
    handler's `_refuse`); False when it is not one of these or passes."""
    name = op.split(":", 1)[1] if op.startswith("cloudtrail:") else None
    if name not in ("CreateTrail", "UpdateTrail", "PutEventSelectors", "PutInsightSelectors"):
        return False
    req = json.loads(body or b"{}")
    ask = Asker(handler)
    region = re.search(r"Credential=[^/]+/[^/]+/([^/]+)/", handler.headers.get("Authorization", ""))
    region = region.group(1) if region else "us-east-1"
    try:
        if name in ("CreateTrail", "UpdateTrail"):
            current = {}
            if name == "UpdateTrail":
                got = ask.json("cloudtrail", "CloudTrail_20131101.GetTrail", {"Name": req.get("Name", "")})
                if got is None:
                    return False  # the emulator answers "not found" itself
                current = got.get("Trail", {})
            check_trail(name, req, current, region, handler._caller_account(), ask)
        elif name == "PutEventSelectors":
            check_advanced_selectors(req.get("AdvancedEventSelectors"))
        else:
            got = ask.json("cloudtrail", "CloudTrail_20131101.GetEventSelectors", {"TrailName": req.get("TrailName", "")})
            if got is not None:
                check_insights_need_management(
                    req.get("InsightSelectors", []), got.get("EventSelectors") or [], got.get("AdvancedEventSelectors") or []
                )
    except Refusal as r:
        handler._refuse(r)
        return True
    return False


def settings(op: str, req: dict, current: dict) -> dict:
    """The trail's settings after the request: CreateTrail's defaults, or
    UpdateTrail's request over the trail as it is (an empty string removes a
    setting)."""
    create = op == "CreateTrail"

    def pick(key: str, cur_key: str, default=None):
        if key in req:
            return req[key]
        return default if create else current.get(cur_key, default)

    def text(key: str, cur_key: str):
        v = pick(key, cur_key)
        return v or None

    return {
        "multi_region": bool(pick("IsMultiRegionTrail", "IsMultiRegionTrail", False)),
        "global_events": bool(pick("IncludeGlobalServiceEvents", "IncludeGlobalServiceEvents", True)),
        "organization": bool(pick("IsOrganizationTrail", "IsOrganizationTrail", False)),
        "bucket": text("S3BucketName", "S3BucketName"),
        "kms_key": text("KmsKeyId", "KmsKeyId"),
        "log_group_arn": text("CloudWatchLogsLogGroupArn", "CloudWatchLogsLogGroupArn"),
        "role_arn": text("CloudWatchLogsRoleArn", "CloudWatchLogsRoleArn"),
    }


def check_trail(op: str, req: dict, current: dict, region: str, account: str, ask) -> None:
    """Raises Refusal as CloudTrail would on CreateTrail / UpdateTrail."""
    s = settings(op, req, current)
    check_global_events(s)
    check_log_delivery(s, region, ask)
    if s["kms_key"]:
        check_key(s, region, ask)
    if s["organization"]:
        check_organization(account, ask)


def check_global_events(s: dict) -> None:
    """A multi-Region trail must include global service events. The API
    Reference names InvalidParameterCombinationException for "the combination
    of parameters provided is not valid"; the emulator refuses it on
    CreateTrail only, CloudTrail on UpdateTrail as well (the User Guide's
    update-trail page turns global events off only on a single-Region trail:
    https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-create-and-update-a-trail-by-using-the-aws-cli-update-trail.html)."""
    if s["multi_region"] and not s["global_events"]:
        raise Refusal(COMBINATION, "Multi-Region trail must include global service events.")


def _log_group_name(arn: str) -> tuple[str, str] | None:
    """(region, name) of `arn:aws:logs:<region>:<account>:log-group:<name>[:*]`."""
    parts = arn.split(":", 6)
    if len(parts) < 7 or parts[2] != "logs" or not parts[5] == "log-group":
        return None
    name = parts[6]
    name = name[:-2] if name.endswith(":*") else name
    return parts[3], name


def check_log_delivery(s: dict, region: str, ask) -> None:
    """CloudWatch Logs delivery takes a log group and a role together, and the
    group must exist: CreateTrail's CloudWatchLogsLogGroupArn, "You must use a
    log group that exists in your account. Not required unless you specify
    CloudWatchLogsRoleArn", and CloudWatchLogsRoleArn, "You must use a role
    that exists in your account" (CloudTrail API Reference, CreateTrail).
    The page names no exception for either half missing: a role without a
    group answers InvalidCloudWatchLogsLogGroupArnException (the group is the
    missing parameter), a group without a role
    InvalidCloudWatchLogsRoleArnException."""
    group, role = s["log_group_arn"], s["role_arn"]
    if role and not group:
        raise Refusal(GROUP, "You must specify a CloudWatch Logs log group ARN together with the role ARN.")
    if group and not role:
        raise Refusal(ROLE, "You must specify a CloudWatch Logs role ARN together with the log group ARN.")
    if not group:
        return
    parsed = _log_group_name(group)
    if not parsed:
        raise Refusal(GROUP, f"The CloudWatch Logs log group ARN {group} is not valid.")
    group_region, name = parsed
    got = ask.json("logs", "Logs_20140328.DescribeLogGroups", {"logGroupNamePrefix": name}, group_region)
    groups = (got or {}).get("logGroups", [])
    if not any(g.get("logGroupName") == name for g in groups):
        raise Refusal(GROUP, f"The CloudWatch Logs log group {group} does not exist.")


def _key_region(key_id: str, region: str) -> str:
    """The region a KmsKeyId names: an ARN's own, else the caller's."""
    parts = key_id.split(":")
    return parts[3] if key_id.startswith("arn:") and len(parts) > 3 and parts[3] else region


def check_key(s: dict, region: str, ask) -> None:
    """The trail's KMS key must exist in the bucket's region, be enabled and
    be a symmetric encryption key.

    - KmsKeyNotFoundException: "when the KMS key does not exist, when the S3
      bucket and the KMS key are not in the same Region" (CloudTrail API
      Reference, Errors).
    - A disabled or pending-deletion key: KmsKeyDisabledException "is no
      longer in use"; KmsException is "an issue with the specified KMS key and
      the trail [...] can't be updated". The adapter answers KmsException.
    - An asymmetric key: CloudTrail encrypts with kms:GenerateDataKey
      (User Guide, "Configure AWS KMS key policies for CloudTrail"), which
      takes only a symmetric encryption key ("You cannot use an asymmetric
      KMS key", AWS KMS API Reference, GenerateDataKey,
      https://docs.aws.amazon.com/kms/latest/APIReference/API_GenerateDataKey.html);
      CloudTrail's pages name no exception for it: KmsException.
    """
    key_id = s["kms_key"]
    key_region = _key_region(key_id, region)
    parts = key_id.split(":")
    owner = parts[4] if key_id.startswith("arn:") and len(parts) > 5 else None
    got = ask.json("kms", "TrentService.DescribeKey", {"KeyId": key_id}, key_region, owner)
    meta = (got or {}).get("KeyMetadata")
    if not meta:
        raise Refusal(KEY_NOT_FOUND, f"KMS key {key_id} does not exist.")
    bucket_region = ask.bucket_region(s["bucket"]) if s["bucket"] else None
    if bucket_region and key_region != bucket_region:
        raise Refusal(
            KEY_NOT_FOUND,
            f"KMS key {key_id} is in {key_region}, and the S3 bucket {s['bucket']} in {bucket_region}: they must be in the same Region.",
        )
    state = meta.get("KeyState") or ("Enabled" if meta.get("Enabled", True) else "Disabled")
    if state != "Enabled":
        raise Refusal(KMS, f"KMS key {meta.get('Arn', key_id)} is {state}.")
    spec = meta.get("KeySpec") or meta.get("CustomerMasterKeySpec") or "SYMMETRIC_DEFAULT"
    # The emulator leaves KeyUsage empty when CreateKey did not name it: KMS's default.
    if spec != "SYMMETRIC_DEFAULT" or (meta.get("KeyUsage") or "ENCRYPT_DECRYPT") != "ENCRYPT_DECRYPT":
        raise Refusal(KMS, f"KMS key {meta.get('Arn', key_id)} is not a symmetric encryption key ({spec}).")


def check_organization(account: str, ask) -> None:
    """An organization trail needs the caller to be the management account of
    an organization with all features, and CloudTrail's trusted access on
    (CloudTrail API Reference, Errors: NotOrganizationMasterAccountException,
    OrganizationNotInAllFeaturesModeException,
    CloudTrailAccessNotEnabledException, OrganizationsNotInUseException; User
    Guide, "Prepare for creating a trail for your organization",
    https://docs.aws.amazon.com/awscloudtrail/latest/userguide/creating-an-organizational-trail-prepare.html)."""
    got = ask.json("organizations", "AWSOrganizationsV20161128.DescribeOrganization", {})
    org = (got or {}).get("Organization")
    if not org:
        raise Refusal(NO_ORGANIZATION, "This account is not a member of an organization.")
    if org.get("MasterAccountId") != account:
        raise Refusal(
            NOT_MANAGEMENT,
            f"The request was not made by the management account {org.get('MasterAccountId')} of organization {org.get('Id')}.",
        )
    if org.get("FeatureSet") != "ALL":
        raise Refusal(NOT_ALL_FEATURES, "All features must be enabled in AWS Organizations to create an organization trail.")
    access = ask.json("organizations", "AWSOrganizationsV20161128.ListAWSServiceAccessForOrganization", {}) or {}
    enabled = [p.get("ServicePrincipal") for p in access.get("EnabledServicePrincipals", [])]
    if CLOUDTRAIL not in enabled:
        raise Refusal(NO_ACCESS, "Trusted access for CloudTrail is not enabled in AWS Organizations.")


# Advanced event selectors: the fields each category takes and requires
# (CloudTrail API Reference, AdvancedFieldSelector,
# https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_AdvancedFieldSelector.html),
# as crates/spec/src/rules/selectors.rs has them.
CATEGORY_FIELDS = {
    "Management": ({"eventCategory", "eventSource", "readOnly"}, ()),
    "Data": (
        {"eventCategory", "eventName", "eventSource", "eventType", "resources.type", "readOnly",
         "resources.ARN", "sessionCredentialFromConsole", "userIdentity.arn"},
        ("resources.type",),
    ),
    "NetworkActivity": (
        {"eventCategory", "eventSource", "eventName", "errorCode", "vpcEndpointId", "userIdentity.arn"},
        ("eventSource",),
    ),
}
OPERATORS = ("Equals", "NotEquals", "StartsWith", "NotStartsWith", "EndsWith", "NotEndsWith")


def check_advanced_selectors(selectors: list) -> None:
    """Raises Refusal as PutEventSelectors does (InvalidEventSelectorsException)
    for an advanced selector that uses a field its category does not take,
    lacks one it requires, or gives errorCode another value than
    VpceAccessDenied. Resource types are not judged: a type newer than this
    list must still be accepted."""
    for sel in selectors or []:
        name = sel.get("Name") or "(unnamed)"
        fields = sel.get("FieldSelectors", [])
        cats = [v for f in fields if f.get("Field") == "eventCategory" for v in f.get("Equals", [])]
        if len(cats) != 1 or cats[0] not in CATEGORY_FIELDS:
            raise Refusal(SELECTORS, f"Selector {name}: eventCategory must equal one of {', '.join(CATEGORY_FIELDS)}.")
        allowed, required = CATEGORY_FIELDS[cats[0]]
        for f in fields:
            if f.get("Field") not in allowed:
                raise Refusal(SELECTORS, f"Selector {name}: field {f.get('Field')} is not valid for {cats[0]} events.")
        for r in required:
            if not any(f.get("Field") == r and f.get("Equals") for f in fields):
                raise Refusal(SELECTORS, f"Selector {name}: {cats[0]} selectors must specify {r} with Equals.")
        for f in fields:
            if f.get("Field") != "errorCode":
                continue
            others = [op for op in OPERATORS if op != "Equals" and f.get(op)]
            if others or not f.get("Equals") or any(v != "VpceAccessDenied" for v in f["Equals"]):
                raise Refusal(SELECTORS, f"Selector {name}: errorCode takes only Equals VpceAccessDenied.")


def logs_management(basic: list, advanced: list, read_only: str) -> bool:
    """Whether the trail's selectors log management events whose readOnly is
    `read_only` ("true" or "false"). No selectors at all: CloudTrail's
    default, every management event."""
    if not basic and not advanced:
        return True
    if basic:
        want = "ReadOnly" if read_only == "true" else "WriteOnly"
        return any(
            s.get("IncludeManagementEvents", True) and s.get("ReadWriteType", "All") in ("All", want)
            for s in basic
        )
    for sel in advanced:
        fields = sel.get("FieldSelectors", [])
        if not any(f.get("Field") == "eventCategory" and "Management" in f.get("Equals", []) for f in fields):
            continue
        ro = [f for f in fields if f.get("Field") == "readOnly"]
        if all((not f.get("Equals") or read_only in f["Equals"]) and read_only not in f.get("NotEquals", []) for f in ro):
            return True
    return False


def check_insights_need_management(insights: list, basic: list, advanced: list) -> None:
    """PutInsightSelectors on management events (EventCategories left out or
    naming Management): "To log CloudTrail Insights on the API call rate, the
    trail [...] must log write management events. To log CloudTrail Insights
    on the API error rate, the trail [...] must log read or write management
    events" (CloudTrail API Reference, PutInsightSelectors,
    https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_PutInsightSelectors.html);
    refused with InvalidInsightSelectorsException."""
    writes = logs_management(basic, advanced, "false")
    reads = logs_management(basic, advanced, "true")
    for s in insights or []:
        if "Management" not in s.get("EventCategories", ["Management"]):
            continue
        t = s.get("InsightType")
        if t == "ApiCallRateInsight" and not writes:
            raise Refusal(INSIGHTS, "ApiCallRateInsight on management events needs the trail to log write management events.")
        if t == "ApiErrorRateInsight" and not (writes or reads):
            raise Refusal(INSIGHTS, "ApiErrorRateInsight on management events needs the trail to log management events.")


def _self_test():
    assert refused(check_global_events, settings("CreateTrail", {"IsMultiRegionTrail": True, "IncludeGlobalServiceEvents": False}, {})) == COMBINATION
    assert refused(check_global_events, settings("CreateTrail", {"IsMultiRegionTrail": True}, {})) is None
    upd = settings("UpdateTrail", {"IncludeGlobalServiceEvents": False}, {"IsMultiRegionTrail": True})
    assert refused(check_global_events, upd) == COMBINATION
    net = [{"Name": "n", "FieldSelectors": [{"Field": "eventCategory", "Equals": ["NetworkActivity"]},
                                            {"Field": "eventSource", "Equals": ["s3.amazonaws.com"]},
                                            {"Field": "errorCode", "Equals": ["VpceAccessDenied"]}]}]
    assert refused(check_advanced_selectors, net) is None
    net[0]["FieldSelectors"].append({"Field": "resources.type", "Equals": ["AWS::S3::Object"]})
    assert refused(check_advanced_selectors, net) == SELECTORS
    newer = [{"FieldSelectors": [{"Field": "eventCategory", "Equals": ["Data"]},
                                 {"Field": "resources.type", "Equals": ["AWS::Example::Newer"]}]}]
    assert refused(check_advanced_selectors, newer) is None
    ro = [{"FieldSelectors": [{"Field": "eventCategory", "Equals": ["Management"]},
                              {"Field": "readOnly", "Equals": ["true"]}]}]
    call = [{"InsightType": "ApiCallRateInsight"}]
    err = [{"InsightType": "ApiErrorRateInsight"}]
    assert refused(check_insights_need_management, call, [], ro) == INSIGHTS
    assert refused(check_insights_need_management, err, [], ro) is None
    assert refused(check_insights_need_management, call, [{"ReadWriteType": "WriteOnly"}], []) is None
    assert refused(check_insights_need_management, call, [{"ReadWriteType": "ReadOnly"}], []) == INSIGHTS
    assert refused(check_insights_need_management, call, [], []) is None
    print("trail_rules: ok")


if __name__ == "__main__":
    _self_test()
