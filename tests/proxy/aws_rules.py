"""What CloudTrail checks on CreateTrail / UpdateTrail, as docs/aws-rules.md
states it, for the test adapter. The emulator checks no grant; AWS refuses a
trail whose bucket, key, topic or role does not grant what CloudTrail needs.

This module is the adapter's own reading of the AWS documentation (it does
not call ctrail's evaluator): a small policy evaluator (IAM User Guide,
"Policy evaluation logic"; condition operators from "IAM JSON policy
elements: Condition operators") and the requests CloudTrail makes, with the
condition keys it sends. No I/O: the proxy fetches the documents.
"""

import base64
import binascii
import datetime
import ipaddress
import json
import math
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


def _number(s: str):
    try:
        n = float(s)
    except (TypeError, ValueError):
        return None
    return n if re.fullmatch(r"[+-]?[0-9.]+", s.strip()) and math.isfinite(n) else None


def _date(s: str):
    """Epoch seconds, or the W3C profile of ISO 8601 (a date, or a date and
    time with Z, an offset, or none read as UTC), as seconds."""
    s = s.strip()
    if s.isdigit():
        return float(s)
    try:
        d = datetime.datetime.fromisoformat(s.replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        return None
    if d.tzinfo is None:
        d = d.replace(tzinfo=datetime.timezone.utc)
    return d.timestamp()


def _ip_in(block: str, sent: str):
    """True/False when both are IP values (an IPv4 block never holds an IPv6
    address), None when one is not."""
    try:
        net = ipaddress.ip_network(block.strip(), strict=False)
        addr = ipaddress.ip_address(sent.strip())
    except ValueError:
        return None
    return addr.version == net.version and addr in net


def _b64(s: str):
    try:
        return base64.b64decode(s.strip(), validate=True)
    except (binascii.Error, ValueError):
        return None


def _arn_like(pattern: str, arn: str):
    """ARN operators: each of the six colon-delimited parts is matched on its
    own (a * never crosses a colon); the sixth, the resource, is the rest and
    may hold colons. None when either side is not an ARN."""
    p, a = pattern.split(":", 5), arn.split(":", 5)
    if len(p) != 6 or len(a) != 6 or p[0] != "arn" or a[0] != "arn":
        return None
    return all(_wild(x, y) for x, y in zip(p, a))


def _ordered(cmp):
    return {
        "Equals": (lambda o: o == 0, False),
        "NotEquals": (lambda o: o == 0, True),
        "LessThan": (lambda o: o < 0, False),
        "LessThanEquals": (lambda o: o <= 0, False),
        "GreaterThan": (lambda o: o > 0, False),
        "GreaterThanEquals": (lambda o: o >= 0, False),
    }.get(cmp)


def _test(base: str):
    """(compare(policy value, request value) -> True/False/None, negated) for an
    operator without its set prefix and IfExists suffix; None if unknown."""

    def order(parse, holds):
        def compare(p, s):
            a, b = parse(p), parse(s)
            return None if a is None or b is None else holds((b > a) - (b < a))

        return compare

    for family, parse in (("Numeric", _number), ("Date", _date)):
        if base.startswith(family):
            o = _ordered(base[len(family):])
            return None if o is None else (order(parse, o[0]), o[1])
    is_bool = lambda v: v.lower() in ("true", "false")  # noqa: E731
    table = {
        "StringEquals": (lambda p, s: p == s, False),
        "StringNotEquals": (lambda p, s: p == s, True),
        "StringEqualsIgnoreCase": (lambda p, s: p.lower() == s.lower(), False),
        "StringNotEqualsIgnoreCase": (lambda p, s: p.lower() == s.lower(), True),
        "StringLike": (_wild, False),
        "StringNotLike": (_wild, True),
        "ArnEquals": (_arn_like, False),
        "ArnLike": (_arn_like, False),
        "ArnNotEquals": (_arn_like, True),
        "ArnNotLike": (_arn_like, True),
        "Bool": (lambda p, s: p.lower() == s.lower() if is_bool(p) and is_bool(s) else None, False),
        "BinaryEquals": (lambda p, s: None if _b64(p) is None or _b64(s) is None else _b64(p) == _b64(s), False),
        "IpAddress": (_ip_in, False),
        "NotIpAddress": (_ip_in, True),
    }
    return table.get(base)


def _condition_ok(op: str, key: str, wanted, context: dict) -> bool:
    """IAM JSON policy elements: Condition operators (every family; IfExists;
    Null), and "Single-valued vs. multivalued context keys" for the set
    operators: ForAllValues holds when every request value matches and when
    the key is absent, ForAnyValue when one does and never when the key is
    absent (IfExists or not); a negated operator is applied to each request
    value (it matches none of the policy's values); a plain operator reads a
    single value. An operator these rules do not know never matches (the
    adapter plays AWS, and knows every operator AWS documents)."""
    values = _list(wanted) or []
    sent = None
    for k, v in context.items():
        if k.lower() == key.lower():
            sent = [str(x).lower() if isinstance(x, bool) else str(x) for x in (v if isinstance(v, list) else [v])]
    set_op = None
    if op.startswith("ForAnyValue:") or op.startswith("ForAllValues:"):
        set_op, op = op.split(":", 1)
    if op == "Null":
        goal = "true" if sent is None else "false"
        return any(v.lower() == goal for v in values)
    if_exists = op.endswith("IfExists")
    base_op = op[: -len("IfExists")] if if_exists else op
    test = _test(base_op)
    if test is None:
        return False
    compare, negated = test
    if sent is None:
        if set_op == "ForAnyValue":
            return False
        return if_exists or set_op == "ForAllValues" or negated

    def one(s):
        if negated:
            return all(compare(p, s) is False for p in values)
        return any(compare(p, s) is True for p in values)

    if set_op == "ForAllValues":
        return all(one(s) for s in sent)
    if set_op == "ForAnyValue":
        return any(one(s) for s in sent)
    return len(sent) == 1 and one(sent[0])


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


def decide(policy, who, action: str, resource: str, context: dict, resource_policy: bool = True) -> str:
    """"allowed", "explicitly denied" or "implicitly denied": an explicit
    Deny wins, then an Allow; otherwise implicitly denied."""
    if isinstance(policy, str):
        policy = json.loads(policy)
    if not policy:
        return "implicitly denied"
    statements = policy.get("Statement", [])
    if isinstance(statements, dict):
        statements = [statements]
    verdict = "implicitly denied"
    for st in statements:
        if _applies(st, who, action, resource, context, resource_policy):
            if st.get("Effect") == "Deny":
                return "explicitly denied"
            if st.get("Effect") == "Allow":
                verdict = "allowed"
    return verdict


def allowed(policy, who, action: str, resource: str, context: dict, resource_policy: bool = True) -> bool:
    """An explicit Deny wins, then an Allow; otherwise implicitly denied."""
    return decide(policy, who, action, resource, context, resource_policy) == "allowed"


class Refusal(Exception):
    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


def refused(check, *args):
    """The code `check(*args)` is refused with, or None when it passes (for
    the rule modules' self-tests)."""
    try:
        check(*args)
    except Refusal as r:
        return r.code
    return None


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
    # IAM User Guide, "AWS global condition context keys": a request a service
    # principal makes carries aws:PrincipalIsAWSService = true, and, when it
    # acts for a resource, aws:SourceArn, aws:SourceAccount and (the account
    # being in an organization; here: an organization trail) aws:SourceOrgID.
    source = dict(service_keys(t.get("organization")), **{"aws:SourceArn": trail_arn, "aws:SourceAccount": t["account"]})
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
        if not allowed(docs.get("trust_policy"), ct, "sts:AssumeRole", t["role_arn"], service_keys(None)):
            raise role_error
        group = (t.get("log_group_arn") or "").removesuffix(":*")
        me = ("aws", t["role_arn"], t["account"])
        # The role's own requests are not a service principal's.
        as_role = {"aws:PrincipalIsAWSService": "false"}
        for stream in trail_streams(t):
            arn = f"{group}:log-stream:{stream}"
            for action in ("logs:CreateLogStream", "logs:PutLogEvents"):
                policies = docs.get("role_policies") or []
                denied = any(_explicit_deny(p, me, action, arn, as_role) for p in policies)
                if denied or not any(allowed(p, me, action, arn, as_role, resource_policy=False) for p in policies):
                    raise role_error


def service_keys(organization) -> dict:
    """The keys every request of a service principal carries (IAM User Guide,
    "AWS global condition context keys": aws:PrincipalIsAWSService, and
    aws:SourceOrgID for an account in an organization)."""
    keys = {"aws:PrincipalIsAWSService": "true"}
    if organization:
        keys["aws:SourceOrgID"] = organization
    return keys


def trail_streams(t: dict) -> list:
    """The log streams CloudTrail writes for a trail: "CloudWatch log group and
    log stream naming for CloudTrail" names them account_ID_CloudTrail_trail_region,
    with _number added when the volume is large; the region is the trail's
    home region, whose log group receives every region's events (the default
    CloudTrail_CloudWatchLogs_Role policy, "Role policy document for CloudTrail
    to use CloudWatch Logs", allows log-stream:<account>_CloudTrail_<home region>*).
    Organization trails also write <org id>_... streams (the role page's
    organization policy allows log-stream:<org id>_*); the page does not spell
    the rest of the name, so the adapter, like ctrail's preflight, takes the
    member account's folder as the S3 paths have it:
    <org id>_<account>_CloudTrail_<home region>, and its _number streams."""
    owners = [t["account"]] + ([f"{t['organization']}_{t['account']}"] if t.get("organization") else [])
    return [f"{o}_CloudTrail_{t['region']}{n}" for o in owners for n in ("", "_2")]


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
    ctx = dict(service_keys(None), **{"kms:EncryptionContext:aws:logs:arn": group_arn, "aws:SourceAccount": account})
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
    ctx = dict(service_keys(None), **{"aws:SourceArn": f"arn:{part}:s3:::{req['source']}", "aws:SourceAccount": req["account"]})
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


def _explicit_deny(policy, who, action, resource, context=None) -> bool:
    if isinstance(policy, str):
        policy = json.loads(policy)
    statements = (policy or {}).get("Statement", [])
    if isinstance(statements, dict):
        statements = [statements]
    return any(
        st.get("Effect") == "Deny" and _applies(st, who, action, resource, context or {}, False) for st in statements
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


def _self_test_conditions():
    ct = ("service", CLOUDTRAIL)
    put = ("s3:PutObject", "arn:aws:s3:::b/x")
    grant = {"Effect": "Allow", "Principal": {"Service": CLOUDTRAIL}, "Action": "s3:PutObject", "Resource": "*"}
    office = {"Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": "*",
              "Condition": {"NotIpAddress": {"aws:SourceIp": ["192.0.2.0/24", "2001:db8::/32"]}}}
    # A service sends no aws:SourceIp: the negated operator holds, the Deny applies.
    assert decide({"Statement": [grant, office]}, ct, *put, {}) == "explicitly denied"
    assert decide({"Statement": [grant, office]}, ct, *put, {"aws:SourceIp": "192.0.2.7"}) == "allowed"
    perimeter = dict(office, Condition={"NotIpAddressIfExists": {"aws:SourceIp": "192.0.2.0/24"},
                                        "BoolIfExists": {"aws:PrincipalIsAWSService": "false"}})
    assert decide({"Statement": [grant, perimeter]}, ct, *put, {"aws:PrincipalIsAWSService": "true"}) == "allowed"
    assert decide({"Statement": [grant, perimeter]}, ct, *put, {}) == "explicitly denied"
    # An account principal grants a service nothing; "*" is everyone.
    for account in ("1", "arn:aws:iam::1:root"):
        doc = {"Statement": [dict(grant, Principal={"AWS": account})]}
        assert decide(doc, ct, *put, {}) == "implicitly denied"
        assert allowed(doc, ("aws", "arn:aws:iam::1:role/r", "1"), *put, {})
    assert allowed({"Statement": [dict(grant, Principal={"AWS": "*"})]}, ct, *put, {})
    # Each family, an accepted and a refused value.
    cases = [
        ("IpAddress", "10.0.0.0/8", "10.9.9.9", "11.0.0.1"),
        ("NumericLessThan", "10", "9.5", "10"),
        ("NumericGreaterThanEquals", "10", "10.0", "9"),
        ("DateLessThan", "2026-01-01T00:00:00Z", "1767225599", "2026-01-01"),
        ("DateEquals", "1767225600", "2026-01-01T00:00:00Z", "2026-01-02"),
        ("BinaryEquals", "QUJD", "QUJD", "QUJE"),
        ("ArnLike", "arn:aws:cloudtrail:*:1:trail/*", "arn:aws:cloudtrail:us-east-1:1:trail/t:x",
         "arn:aws:cloudtrail:us-east-1:x:1:trail/t"),
        ("StringNotEqualsIgnoreCase", "private", "public", "PRIVATE"),
    ]
    for op, wanted, yes, no in cases:
        assert _condition_ok(op, "k", wanted, {"k": yes}), (op, yes)
        assert not _condition_ok(op, "k", wanted, {"k": no}), (op, no)
    assert _condition_ok("StringEqualsIfExists", "k", "a", {})
    assert not _condition_ok("ForAnyValue:StringEqualsIfExists", "k", "a", {})
    assert _condition_ok("ForAllValues:StringEquals", "k", "a", {})
    assert _condition_ok("ForAnyValue:StringNotEquals", "k", "a", {"k": ["a", "b"]})
    assert not _condition_ok("ForAnyValue:StringNotEquals", "k", ["a", "b"], {"k": ["a", "b"]})
    assert _condition_ok("Null", "k", ["true", "false"], {"k": "v"})


def _self_test_trail():
    acct, region, group = "111122223333", "us-east-1", "arn:aws:logs:us-east-1:111122223333:log-group:CloudTrail/logs"
    trail = {"partition": "aws", "account": acct, "region": region, "name": "t", "bucket": "b", "prefix": None,
             "organization": None, "multi_region": True, "kms_key": None, "topic_arn": None,
             "role_arn": f"arn:aws:iam::{acct}:role/CloudTrail_CloudWatchLogs_Role", "log_group_arn": group + ":*"}
    ct = {"Service": CLOUDTRAIL}
    bucket = {"Statement": [
        {"Effect": "Allow", "Principal": ct, "Action": "s3:GetBucketAcl", "Resource": "arn:aws:s3:::b"},
        {"Effect": "Allow", "Principal": ct, "Action": "s3:PutObject", "Resource": "arn:aws:s3:::b/AWSLogs/*",
         "Condition": {"StringEquals": {"s3:x-amz-acl": "bucket-owner-full-control"}}},
        # aws-samples/data-perimeter-policy-examples: AWS services are exempt by the key they send.
        {"Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": ["arn:aws:s3:::b", "arn:aws:s3:::b/*"],
         "Condition": {"StringNotEqualsIfExists": {"aws:PrincipalOrgID": "o-abc"},
                       "BoolIfExists": {"aws:PrincipalIsAWSService": "false"}}}]}
    trust = {"Statement": [{"Effect": "Allow", "Principal": ct, "Action": "sts:AssumeRole"}]}

    def role(*streams):
        res = [f"{group}:log-stream:{s}" for s in streams]
        return {"Statement": [{"Effect": "Allow", "Action": ["logs:CreateLogStream", "logs:PutLogEvents"], "Resource": res}]}

    def refused(t, policy):
        try:
            check_trail(t, {"bucket_policy": bucket, "trust_policy": trust, "role_policies": [policy]})
            return False
        except Refusal as r:
            assert r.code == "InvalidCloudWatchLogsRoleArnException", r.code
            return True

    # The console's own policy (home-region streams and their _number streams), and ctrail's.
    assert not refused(trail, role(f"{acct}_CloudTrail_{region}*"))
    assert not refused(trail, role(f"{acct}_CloudTrail_*"))
    # Missing the _number streams, or scoped to another region.
    assert refused(trail, role(f"{acct}_CloudTrail_{region}"))
    assert refused(trail, role(f"{acct}_CloudTrail_eu-west-1*"))
    org = dict(trail, organization="o-abc")
    assert refused(org, role(f"{acct}_CloudTrail_{region}*"))
    assert not refused(org, role(f"{acct}_CloudTrail_{region}*", "o-abc_*"))
    assert not refused(org, role(f"{acct}_CloudTrail_{region}*", f"o-abc_{acct}_CloudTrail_{region}*"))
    assert refused(org, role(f"{acct}_CloudTrail_{region}*", f"o-abc_{acct}_CloudTrail_{region}"))
    assert trail_streams(org) == [f"{acct}_CloudTrail_{region}", f"{acct}_CloudTrail_{region}_2",
                                  f"o-abc_{acct}_CloudTrail_{region}", f"o-abc_{acct}_CloudTrail_{region}_2"]
    # Without the exemption the data-perimeter Deny refuses CloudTrail's writes.
    strict = {"Statement": bucket["Statement"][:2] + [dict(bucket["Statement"][2], Condition={
        "StringNotEqualsIfExists": {"aws:PrincipalOrgID": "o-abc"}})]}
    try:
        check_trail(trail, {"bucket_policy": strict, "trust_policy": trust, "role_policies": [role(f"{acct}_CloudTrail_*")]})
        raise AssertionError("a Deny on every principal outside the organization let CloudTrail write")
    except Refusal as r:
        assert r.code == "InsufficientS3BucketPolicyException", r.code


def _judge_lines(lines, out):
    """Batch mode for the differential test (crates/policy/tests/differential.rs):
    one JSON case a line, as tests/iam-judge/judge.mjs reads them, and one
    {"verdict": ...} a line back."""
    for line in lines:
        if not line.strip():
            continue
        c = json.loads(line)
        p = c["principal"]
        who = ("service", p["service"]) if "service" in p else ("aws", p["arn"], p["account"])
        verdict = decide(c["policy"], who, c["action"], c["resource"], c.get("context") or {}, c["kind"] == "resource")
        out.write(json.dumps({"verdict": verdict}) + "\n")


if __name__ == "__main__":
    import sys

    if sys.argv[1:] == ["--judge"]:
        _judge_lines(sys.stdin, sys.stdout)
    else:
        _self_test()
        _self_test_conditions()
        _self_test_trail()
        print("ok")
