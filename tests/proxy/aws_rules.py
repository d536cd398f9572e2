"""What CloudTrail checks on CreateTrail / UpdateTrail, as docs/aws-rules.md
states it, for the test adapter. The emulator checks no grant; AWS refuses a
trail whose bucket, key, topic or role does not grant what CloudTrail needs.

This module is the adapter's own reading of the AWS documentation (it does
not call ctrail's evaluator): a small policy evaluator (IAM User Guide,
"Policy evaluation logic"; condition operators from "IAM JSON policy
elements: Condition operators") and the requests CloudTrail makes, with the
condition keys it sends. No I/O: the proxy fetches the documents.
"""

import json
import re

CLOUDTRAIL = "cloudtrail.amazonaws.com"


def _list(v):
    if v is None:
        return None
    items = v if isinstance(v, list) else [v]
    return [str(x).lower() if isinstance(x, bool) else str(x) for x in items]


def _wild(pattern: str, text: str, fold: bool = False) -> bool:
    """IAM wildcards: * any run, ? one character; nothing else is special."""
    if fold:
        pattern, text = pattern.lower(), text.lower()
    regex = "".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in pattern)
    return re.fullmatch(regex, text, re.S) is not None


def _principal_in(principal, who) -> bool:
    """who: ("service", name) or ("aws", arn, account)."""
    if principal == "*":
        return True
    if not isinstance(principal, dict):
        return False
    aws = _list(principal.get("AWS")) or []
    if "*" in aws:
        return True
    if who[0] == "service":
        return who[1].lower() in [s.lower() for s in (_list(principal.get("Service")) or [])]
    arn, account = who[1], who[2]
    return any(a in (arn, account, f"arn:aws:iam::{account}:root") for a in aws)


def _condition_ok(op: str, key: str, wanted, context: dict) -> bool:
    values = _list(wanted) or []
    sent = None
    for k, v in context.items():
        if k.lower() == key.lower():
            sent = v if isinstance(v, list) else [v]
    set_op = None
    if op.startswith("ForAnyValue:") or op.startswith("ForAllValues:"):
        set_op, op = op.split(":", 1)
    if_exists = op.endswith("IfExists")
    if if_exists:
        op = op[: -len("IfExists")]
    if op == "Null":
        return (sent is None) == ("true" in [v.lower() for v in values])
    negated = "Not" in op
    base = op.replace("Not", "")
    compare = {
        "StringEquals": lambda p, s: p == s,
        "StringEqualsIgnoreCase": lambda p, s: p.lower() == s.lower(),
        "StringLike": lambda p, s: _wild(p, s),
        "ArnEquals": lambda p, s: _wild(p, s),
        "ArnLike": lambda p, s: _wild(p, s),
        "Bool": lambda p, s: p.lower() == s.lower(),
    }.get(base)
    if compare is None:
        return False  # an operator these rules do not know never matches
    if sent is None:
        return if_exists or negated or set_op == "ForAllValues"
    hit = lambda s: any(compare(p, s) for p in values)  # noqa: E731
    positive = all(hit(s) for s in sent) if set_op == "ForAllValues" else any(hit(s) for s in sent)
    return not positive if negated else positive


def _applies(st: dict, who, action: str, resource: str, context: dict, resource_policy: bool) -> bool:
    if resource_policy:
        if "Principal" in st:
            if not _principal_in(st["Principal"], who):
                return False
        elif "NotPrincipal" in st:
            if _principal_in(st["NotPrincipal"], who):
                return False
        else:
            return False
    if "Action" in st:
        if not any(_wild(a, action, fold=True) for a in _list(st["Action"])):
            return False
    elif "NotAction" in st:
        if any(_wild(a, action, fold=True) for a in _list(st["NotAction"])):
            return False
    else:
        return False
    if "Resource" in st:
        if not any(_wild(r, resource) for r in _list(st["Resource"])):
            return False
    elif "NotResource" in st:
        if any(_wild(r, resource) for r in _list(st["NotResource"])):
            return False
    elif not resource_policy:
        return False
    for op, keys in (st.get("Condition") or {}).items():
        for key, wanted in keys.items():
            if not _condition_ok(op, key, wanted, context):
                return False
    return True


def allowed(policy, who, action: str, resource: str, context: dict, resource_policy: bool = True) -> bool:
    """An explicit Deny wins, then an Allow; otherwise implicitly denied."""
    if isinstance(policy, str):
        policy = json.loads(policy)
    if not policy:
        return False
    statements = policy.get("Statement", [])
    if isinstance(statements, dict):
        statements = [statements]
    verdict = False
    for st in statements:
        if _applies(st, who, action, resource, context, resource_policy):
            if st.get("Effect") == "Deny":
                return False
            if st.get("Effect") == "Allow":
                verdict = True
    return verdict


class Refusal(Exception):
    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


def check_trail(t: dict, docs: dict):
    """Raises Refusal as CloudTrail would on CreateTrail/UpdateTrail.

    t: partition, account, region, name, bucket, prefix, organization (org id
    or None), multi_region, kms_key (ARN or None), topic_arn, role_arn,
    log_group_arn.
    docs: bucket_policy, key_policy, bucket_key (bool: the bucket encrypts
    with this key through an S3 Bucket Key), topic_policy, trust_policy,
    role_policies (list of documents).
    """
    trail_arn = f"arn:{t['partition']}:cloudtrail:{t['region']}:{t['account']}:trail/{t['name']}"
    source = {"aws:SourceArn": trail_arn, "aws:SourceAccount": t["account"]}
    ct = ("service", CLOUDTRAIL)
    bucket_arn = f"arn:{t['partition']}:s3:::{t['bucket']}"
    # Amazon S3 bucket policy for CloudTrail.
    s3_ctx = dict(source, **{"aws:SecureTransport": "true"})
    if not allowed(docs.get("bucket_policy"), ct, "s3:GetBucketAcl", bucket_arn, s3_ctx):
        raise Refusal("InsufficientS3BucketPolicyException", f"Incorrect S3 bucket policy is detected for bucket: {t['bucket']}")
    prefix = f"{t['prefix']}/" if t.get("prefix") else ""
    folders = [t["account"]] + ([f"{t['organization']}/{t['account']}"] if t.get("organization") else [])
    put_ctx = dict(s3_ctx, **{"s3:x-amz-acl": "bucket-owner-full-control"})
    for folder in folders:
        key = f"{bucket_arn}/{prefix}AWSLogs/{folder}/CloudTrail/{t['region']}/2026/01/01/log.json.gz"
        if not allowed(docs.get("bucket_policy"), ct, "s3:PutObject", key, put_ctx):
            raise Refusal("InsufficientS3BucketPolicyException", f"Incorrect S3 bucket policy is detected for bucket: {t['bucket']}")
    # Configure AWS KMS key policies for CloudTrail.
    if t.get("kms_key"):
        kms_error = Refusal(
            "InsufficientEncryptionPolicyException",
            f"Insufficient permissions to access S3 bucket {t['bucket']} or KMS key {t['kms_key']}.",
        )
        enc = dict(source, **{"kms:EncryptionContext:aws:cloudtrail:arn": trail_arn})
        if not allowed(docs.get("key_policy"), ct, "kms:GenerateDataKey", t["kms_key"], enc):
            raise kms_error
        if not allowed(docs.get("key_policy"), ct, "kms:DescribeKey", t["kms_key"], source):
            raise kms_error
        if docs.get("bucket_key") and not allowed(docs.get("key_policy"), ct, "kms:Decrypt", t["kms_key"], source):
            raise kms_error
    # Amazon SNS topic policy for CloudTrail.
    if t.get("topic_arn"):
        if not allowed(docs.get("topic_policy"), ct, "SNS:Publish", t["topic_arn"], source):
            raise Refusal("InsufficientSnsTopicPolicyException", f"Incorrect SNS topic policy is detected for topic: {t['topic_arn']}")
    # Role policy document for CloudTrail to use CloudWatch Logs: CloudTrail
    # assumes the role without aws:SourceArn / aws:SourceAccount.
    if t.get("role_arn"):
        role_error = Refusal(
            "InvalidCloudWatchLogsRoleArnException",
            "Access denied. Verify in IAM that the role has adequate permissions.",
        )
        if not allowed(docs.get("trust_policy"), ct, "sts:AssumeRole", t["role_arn"], {}):
            raise role_error
        group = (t.get("log_group_arn") or "").removesuffix(":*")
        regions = [t["region"]] + (["us-west-2" if t["region"] != "us-west-2" else "eu-west-1"] if t.get("multi_region") else [])
        me = ("aws", t["role_arn"], t["account"])
        for region in regions:
            stream = f"{group}:log-stream:{t['account']}_CloudTrail_{region}"
            for action in ("logs:CreateLogStream", "logs:PutLogEvents"):
                policies = docs.get("role_policies") or []
                denied = any(_explicit_deny(p, me, action, stream) for p in policies)
                if denied or not any(allowed(p, me, action, stream, {}, resource_policy=False) for p in policies):
                    raise role_error


def check_log_group_key(key: dict | None, key_policy, region: str, account: str, group: str, key_id: str):
    """Raises Refusal as CloudWatch Logs does on CreateLogGroup / AssociateKmsKey
    with a key (CloudWatch Logs User Guide, "Encrypt log data in CloudWatch
    Logs using AWS KMS"): the key must exist and be enabled, and its policy
    must let logs.<region>.amazonaws.com use it for this log group (the
    aws:logs:arn encryption context)."""
    if not key or key.get("KeyState") != "Enabled":
        raise Refusal("InvalidParameterException", f"The specified KMS key {key_id} does not exist or is disabled.")
    group_arn = f"arn:aws:logs:{region}:{account}:log-group:{group}"
    logs = ("service", f"logs.{region}.amazonaws.com")
    ctx = {"kms:EncryptionContext:aws:logs:arn": group_arn, "aws:SourceAccount": account}
    for action in ("kms:Encrypt", "kms:Decrypt", "kms:ReEncryptFrom", "kms:GenerateDataKey", "kms:DescribeKey"):
        if not allowed(key_policy, logs, action, key["Arn"], ctx):
            raise Refusal(
                "AccessDeniedException",
                f"The specified KMS key does not exist or is not allowed to be used with Arn '{group_arn}'",
            )


S3_LOGGING = "logging.s3.amazonaws.com"
LOG_DELIVERY_GROUP = "http://acs.amazonaws.com/groups/s3/LogDelivery"


def check_bucket_logging(req: dict, docs: dict):
    """Raises Refusal as S3 does on PutBucketLogging that turns logging on
    (S3 API Reference, PutBucketLogging; S3 User Guide, "Enabling Amazon S3
    server access logging", "Permissions for log delivery").

    req: partition, account, source, target, prefix, target_grants (bool).
    docs: source_region, target_region (None: no such bucket), bucket_policy
    (the target's), object_ownership (the target's), acl_grants (the
    target's (grantee URI, permission) pairs).
    """
    if docs.get("target_region") is None:
        raise Refusal("InvalidTargetBucketForLogging", "The target bucket for logging does not exist")
    if docs["target_region"] != docs.get("source_region"):
        raise Refusal("CrossLocationLoggingProhibited", "Cross S3 location logging not allowed.")
    enforced = docs.get("object_ownership") == "BucketOwnerEnforced"
    if enforced and req.get("target_grants"):
        raise Refusal(
            "InvalidBucketAclWithObjectOwnership",
            "Bucket cannot have ACLs set with ObjectOwnership's BucketOwnerEnforced setting",
        )
    # What a delivery carries: S3's logging service writes a log object under
    # the prefix, for the source bucket, in the source bucket's account.
    part = req["partition"]
    key = f"arn:{part}:s3:::{req['target']}/{req.get('prefix') or ''}2026-01-01-00-00-00-0123456789ABCDEF"
    ctx = {"aws:SourceArn": f"arn:{part}:s3:::{req['source']}", "aws:SourceAccount": req["account"]}
    by_policy = allowed(docs.get("bucket_policy"), ("service", S3_LOGGING), "s3:PutObject", key, ctx)
    perms = {p for uri, p in docs.get("acl_grants", []) if uri == LOG_DELIVERY_GROUP}
    by_acl = not enforced and ("FULL_CONTROL" in perms or {"WRITE", "READ_ACP"} <= perms)
    if not (by_policy or by_acl):
        raise Refusal(
            "InvalidTargetBucketForLogging",
            "You must either provide the necessary permissions to the logging service using a bucket "
            "policy or give the log-delivery group WRITE and READ_ACP permissions to the target bucket",
        )


INSIGHT_TYPES = ("ApiCallRateInsight", "ApiErrorRateInsight")


def check_insight_selectors(selectors: list):
    """CloudTrail accepts only its two insight types (PutInsightSelectors)."""
    for s in selectors:
        if s.get("InsightType") not in INSIGHT_TYPES:
            raise Refusal(
                "InvalidInsightSelectorsException",
                f"Insight type {s.get('InsightType')!r} is not valid; valid types: {', '.join(INSIGHT_TYPES)}.",
            )


def denies(policy, who, action: str, resource: str, context: dict) -> bool:
    """Whether a resource policy explicitly denies the request (a caller of
    the bucket's own account needs no Allow there: its identity policies
    grant it)."""
    if isinstance(policy, str):
        policy = json.loads(policy)
    statements = (policy or {}).get("Statement", [])
    if isinstance(statements, dict):
        statements = [statements]
    return any(st.get("Effect") == "Deny" and _applies(st, who, action, resource, context, True) for st in statements)


def _explicit_deny(policy, who, action, resource) -> bool:
    if isinstance(policy, str):
        policy = json.loads(policy)
    statements = (policy or {}).get("Statement", [])
    if isinstance(statements, dict):
        statements = [statements]
    return any(
        st.get("Effect") == "Deny" and _applies(st, who, action, resource, {}, False) for st in statements
    )


def _self_test():
    doc = {"Statement": [{"Effect": "Allow", "Principal": {"Service": CLOUDTRAIL}, "Action": "kms:GenerateDataKey*",
                          "Resource": "*", "Condition": {"StringLike": {"kms:EncryptionContext:aws:cloudtrail:arn": "arn:aws:cloudtrail:*:1:trail/*"}}}]}
    ok = allowed(doc, ("service", CLOUDTRAIL), "kms:GenerateDataKey", "k", {"kms:EncryptionContext:aws:cloudtrail:arn": "arn:aws:cloudtrail:us-east-1:1:trail/t"})
    assert ok
    assert not allowed(doc, ("service", CLOUDTRAIL), "kms:GenerateDataKey", "k", {})
    grant = {"Statement": [{"Effect": "Allow", "Principal": {"Service": S3_LOGGING}, "Action": "s3:PutObject",
                            "Resource": "arn:aws:s3:::t/src/*",
                            "Condition": {"ArnLike": {"aws:SourceArn": "arn:aws:s3:::src"}, "StringEquals": {"aws:SourceAccount": "1"}}}]}
    req = {"partition": "aws", "account": "1", "source": "src", "target": "t", "prefix": "src/", "target_grants": False}
    docs = {"source_region": "us-east-1", "target_region": "us-east-1", "bucket_policy": grant,
            "object_ownership": "BucketOwnerEnforced", "acl_grants": []}
    check_bucket_logging(req, docs)
    for broken in (dict(req, source="other"), dict(req, account="2"), dict(req, prefix="elsewhere/")):
        try:
            check_bucket_logging(broken, docs)
            raise AssertionError(f"accepted {broken}")
        except Refusal as r:
            assert r.code == "InvalidTargetBucketForLogging"


if __name__ == "__main__":
    _self_test()
    print("ok")
