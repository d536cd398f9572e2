#!/usr/bin/env python3
"""The project's test proxy, between ctrail and the AWS emulator (moto).

It forwards every AWS request to the emulator and:
  * counts API calls per operation ("cloudtrail:GetTrail", "s3:GetBucketPolicy", ...);
  * adds latency per call, to measure how many sequential rounds a command takes;
  * injects faults: an operation failing N times with a given error (or always),
    throttling every k-th call, a 5xx every k-th call, a dropped connection
    every k-th call, each answered in the protocol the service speaks, before
    the request reaches the emulator; and lost answers: every k-th write is
    carried out by the emulator, then the connection resets before the answer
    (a real network's failure mode that a retry must survive). The every-k-th
    faults and lost answers never hit one request (operation, path and body)
    more than 3 times running ("fault_streak_max"): they test that ctrail
    recovers, so a retry budget is not beaten by how calls happen to interleave
    (at one fault in two calls, 8 attempts of one call would all fail about
    once in 400);
  * restores the XML root element names S3 documents where the emulator's
    serializer wraps outputs as "<{Operation}Response>" (the Rust SDK checks
    root names; botocore does not, which is why the emulator gets away with it);
  * serves the operations the emulator lacks (they answer 500 there):
    logs AssociateKmsKey / DisassociateKmsKey, overlaid on DescribeLogGroups;
  * speaks Smithy RPC v2 CBOR for CloudWatch (the Rust SDK's protocol, which
    the emulator lacks), asking the emulator in JSON (rpcv2_cbor.py);
  * serves logs query definitions and Logs Insights queries (insights.py);
  * serves cloudtrail Put/GetInsightSelectors, which the emulator gets wrong
    (it appends to the trail's selectors where CloudTrail replaces them), and
    refuses an insight type CloudTrail does not have, and Insights on data
    events (EventCategories) on a trail that logs none (trail_events.py);
    a selector put without EventCategories keeps the Data its type had
    (the reading of the API Reference that a client must survive);
  * serves cloudtrail Put/GetEventConfiguration (aggregated data events),
    which the emulator lacks, refusing what CloudTrail refuses (aggregation
    without data events), and keeps a trail's RecursiveLogging, which the
    emulator drops, showing it in GetTrail, DescribeTrails, CreateTrail and
    UpdateTrail (true unless set; trail_events.py);
  * refuses CreateLogGroup / AssociateKmsKey with a key that does not exist,
    is disabled, or whose policy does not let logs.<region>.amazonaws.com use
    it for the log group (aws_rules.py), as CloudWatch Logs does;
  * gives a new bucket S3's default Object Ownership, BucketOwnerEnforced
    (ACLs disabled), unless CreateBucket asks for another; the emulator
    gives none;
  * forgets what it keeps for a log group or trail once it is deleted;
  * makes logs PutMetricFilter replace a filter of the same name, as
    CloudWatch Logs does (the emulator adds a second filter with that name);
  * refuses CloudTrail trail settings the emulator accepts and AWS refuses
    (trail_rules.py): a multi-Region trail without global service events, a
    KMS key missing, in another region than the bucket, disabled, pending
    deletion or asymmetric, a log group that does not exist or given without
    its role (or the role without it), an organization trail from outside a
    management account with all features and CloudTrail's trusted access,
    advanced selectors using fields their category does not take, and
    Insights on management events the trail does not log; and passes a
    trail's SNS topic given by ARN on as the emulator takes it (its name);
  * refuses CloudTrail CreateTrail / UpdateTrail as AWS does when the bucket
    policy, KMS key policy, SNS topic policy or CloudWatch Logs role does not
    grant what CloudTrail needs (aws_rules.py, from docs/aws-rules.md):
    InsufficientS3BucketPolicyException, InsufficientEncryptionPolicyException,
    InsufficientSnsTopicPolicyException, InvalidCloudWatchLogsRoleArnException;
  * refuses STS AssumeRole as STS does when the role does not exist in its
    account, or its trust policy does not let the caller's account assume it
    (with the sts:ExternalId given); the emulator assumes any role.
    OrganizationAccountAccessRole, which AWS Organizations creates in every
    account it creates, trusting the management account, is taken as there;
  * counts calls per account too, by the access key that signed them (the
    caller's, or one an AssumeRole answered): GET /_proxy/counts_by_account;
  * models CloudTrail's delegated administrator (the emulator has none):
    serves RegisterOrganizationDelegatedAdmin from the organization's
    management account, and from a registered member account carries out
    CreateTrail of an organization trail, and every call naming an
    organization trail of the management account by its ARN, in the
    management account, which owns the trail; a call naming the trail by
    name finds none (TrailNotFoundException), as in AWS. Every CloudTrail
    call is logged with its signing account and how it named the trail:
    GET /_proxy/trail_calls;
  * shows email subscriptions as SNS does until their owner confirms them:
    Subscribe answers "pending confirmation" and ListSubscriptionsByTopic
    "PendingConfirmation" (the emulator confirms them at once);
  * refuses S3 PutBucketLogging as S3 does when the target bucket does not
    grant S3's logging service (aws_rules.check_bucket_logging);
  * serves CloudTrail ListPublicKeys (the emulator lacks it) with the public
    half of the test key generated digest chains are signed with;
  * makes S3 conditional writes (PutObject with If-None-Match / If-Match)
    atomic, as S3 decides them (the emulator checks, then writes);
  * judges S3 object requests the emulator refuses by a bucket policy (it
    ignores the policy's conditions) as AWS would over TLS, and carries out
    those no statement denies.

Control API (JSON), on the same port:
  GET  /_proxy/counts        -> {"cloudtrail:GetTrail": 1, ...}
  GET  /_proxy/counts_by_account -> {"123456789012": {"cloudtrail:GetTrail": 1, ...}, ...}
  GET  /_proxy/trail_calls   -> [{"operation": "cloudtrail:GetTrail", "account": "...", "trail": ["arn:..."]}, ...]
  POST /_proxy/reset         -> clears counts and configuration (not emulated state)
  POST /_proxy/config        <- {"latency_ms": 50,
                                 "faults": [{"op": "cloudtrail:CreateTrail", "times": 3, "status": 400,
                                             "code": "InvalidCloudWatchLogsLogGroupArnException",
                                             "message": "..."}],   # times -1: always
                                 "throttle_every": 3, "error_5xx_every": 7, "drop_every": 11,
                                 "lose_answer_every": 2,   # the k-th write is carried out, then its answer lost
                                 "fault_streak_max": 3}    # most every-k faults in a row on one request
                                 (merged into the configuration in force; {"reset": true} starts from none)
  GET  /_proxy/faults        -> {"injected": N, "by_kind": {...}, "refused": {exception: N}}
  POST /_proxy/forget        -> drops what the proxy emulates (after resetting the emulator)

Usage: ctrail_test_proxy.py --port PORT --upstream http://127.0.0.1:MOTO_PORT
Prints "ready <port>" on stdout once it listens.
"""

import argparse
import base64
import hashlib
import pathlib
import html
import http.client
import json
import re
import sys
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


import aws_rules
import filter_pattern
import insights
import rpcv2_cbor
import trail_rules
import trail_events

# The public half of the test key generated digest chains are signed with.
PUBLIC_KEY_FILE = pathlib.Path(__file__).resolve().parent.parent / "fixtures" / "digest-keys" / "public-key.der.b64"

LOCK = threading.Lock()
CONDITIONAL_WRITES = threading.Lock()
# One bucket policy lifted at a time (_object_op_as_over_tls); every other
# read or write of a bucket policy, the caller's or the adapter's own, waits
# for the lift to end, so a policy lifted for one object request is never
# seen (or overwritten) as "no policy". Re-entrant: the lift reads the policy
# under it.
POLICY_LIFTS = threading.RLock()
BUCKET_POLICY_OPERATIONS = ("s3:GetBucketPolicy", "s3:PutBucketPolicy", "s3:DeleteBucketPolicy",
                            "s3:GetBucketPolicyStatus")
OBJECT_OPERATIONS = ("s3:GetObject", "s3:HeadObject", "s3:PutObject", "s3:DeleteObject")
COUNTS: dict[str, int] = {}
# Calls per account, by the access key that signed them.
COUNTS_BY_ACCOUNT: dict[str, dict[str, int]] = {}
# Every call's operation and when it arrived (seconds since the first), in
# order: where a run's calls wait on each other (GET /_proxy/timeline).
TIMELINE: list[tuple[float, str]] = []
# The account of each access key an AssumeRole answered (the emulator's own
# test keys act in its default account).
ACCESS_KEYS: dict[str, str] = {}
# The session token of each of those keys, to ask in that account's name.
SESSION_TOKENS: dict[str, str] = {}
# CloudTrail's delegated administrators: member account -> management account.
DELEGATED_ADMINS: dict[str, str] = {}
# Every CloudTrail call: its operation, signing account, and the trail
# names or ARNs it gave.
TRAIL_CALLS: list[dict] = []
# An access key the emulator takes as its default account's (it knows no
# other key of that account's own).
DEFAULT_ACCOUNT_KEY = "ctrailadapterdefaultaccount"
DEFAULT_ACCOUNT = "123456789012"
CONFIG: dict = {"latency_ms": 0}
CALLS = {"n": 0}
# Every-k-th faults in a row per request (operation, path, body digest).
STREAKS: dict[tuple, int] = {}
INJECTED: dict[str, int] = {}
# CloudTrail refusals answered for missing grants, by exception.
REFUSED: dict[str, int] = {}
# (region, log group name) -> KMS key ARN, or None once disassociated.
LOG_GROUP_KEYS: dict[tuple[str, str], str | None] = {}
# (region, trail ARN) -> insight selectors, as CloudTrail keeps them.
INSIGHTS: dict[tuple[str, str], list] = {}
# (region, trail ARN) -> aggregation configurations (PutEventConfiguration).
EVENT_CONFIGS: dict[tuple[str, str], list] = {}
# trail ARN -> RecursiveLogging as set by CreateTrail / UpdateTrail.
RECURSIVE_LOGGING: dict[str, bool] = {}
# Trail settings UpdateTrail removes when given an empty string.
REMOVABLE_TRAIL_SETTINGS = ("S3KeyPrefix", "SnsTopicName", "KmsKeyId", "CloudWatchLogsLogGroupArn", "CloudWatchLogsRoleArn")
TRAIL_OUTPUTS = ("cloudtrail:GetTrail", "cloudtrail:DescribeTrails", "cloudtrail:CreateTrail", "cloudtrail:UpdateTrail")

# S3 outputs whose documented XML root differs from "<{Operation}Response>".
S3_ROOTS = {
    "GetBucketVersioning": "VersioningConfiguration",
    "GetBucketTagging": "Tagging",
    "GetBucketLifecycleConfiguration": "LifecycleConfiguration",
    "GetPublicAccessBlock": "PublicAccessBlockConfiguration",
    "GetBucketEncryption": "ServerSideEncryptionConfiguration",
    "ListBuckets": "ListAllMyBucketsResult",
    "GetBucketAcl": "AccessControlPolicy",
    "GetBucketPolicyStatus": "PolicyStatus",
}

# S3 sub-resources (query keys) and the operation each selects, per method.
S3_SUBRESOURCES = {
    "GET": {
        "versioning": "GetBucketVersioning",
        "tagging": "GetBucketTagging",
        "lifecycle": "GetBucketLifecycleConfiguration",
        "publicAccessBlock": "GetPublicAccessBlock",
        "encryption": "GetBucketEncryption",
        "policy": "GetBucketPolicy",
        "location": "GetBucketLocation",
        "acl": "GetBucketAcl",
        "logging": "GetBucketLogging",
        "ownershipControls": "GetBucketOwnershipControls",
        "versions": "ListObjectVersions",
    },
    "POST": {
        "delete": "DeleteObjects",
    },
    "PUT": {
        "versioning": "PutBucketVersioning",
        "tagging": "PutBucketTagging",
        "lifecycle": "PutBucketLifecycleConfiguration",
        "publicAccessBlock": "PutPublicAccessBlock",
        "encryption": "PutBucketEncryption",
        "policy": "PutBucketPolicy",
        "acl": "PutBucketAcl",
        "logging": "PutBucketLogging",
        "ownershipControls": "PutBucketOwnershipControls",
    },
    "DELETE": {
        "tagging": "DeleteBucketTagging",
        "lifecycle": "DeleteBucketLifecycle",
        "publicAccessBlock": "DeletePublicAccessBlock",
        "encryption": "DeleteBucketEncryption",
        "policy": "DeleteBucketPolicy",
        "ownershipControls": "DeleteBucketOwnershipControls",
    },
}


def service_of(headers) -> str:
    auth = headers.get("Authorization", "")
    m = re.search(r"Credential=[^/]+/[^/]+/[^/]+/([^/]+)/", auth)
    return m.group(1) if m else "unknown"


def operation_of(method: str, path: str, headers, body: bytes) -> str:
    service = service_of(headers)
    if rpcv2_cbor.is_cbor(headers):
        return f"{service}:{rpcv2_cbor.operation_name(path)}"
    target = headers.get("X-Amz-Target")
    if target:
        return f"{service}:{target.split('.')[-1]}"
    if service == "s3":
        parsed = urllib.parse.urlsplit(path)
        keys = [k.split("=")[0] for k in parsed.query.split("&") if k]
        segments = [s for s in parsed.path.split("/") if s]
        for k in keys:
            op = S3_SUBRESOURCES.get(method, {}).get(k)
            if op:
                return f"s3:{op}"
        if not segments:
            return "s3:ListBuckets"
        if len(segments) == 1:
            return f"s3:{ {'PUT': 'CreateBucket', 'HEAD': 'HeadBucket', 'DELETE': 'DeleteBucket', 'GET': 'ListObjects'}.get(method, method) }"
        return f"s3:{ {'PUT': 'PutObject', 'GET': 'GetObject', 'HEAD': 'HeadObject', 'DELETE': 'DeleteObject'}.get(method, method) }"
    form = urllib.parse.parse_qs(body.decode("utf-8", "replace")) if body else {}
    action = form.get("Action", [None])[0]
    if action:
        return f"{service}:{action}"
    return f"{service}:{method} {path.split('?')[0]}"


def protocol_of(op: str, headers) -> str:
    if op.startswith("s3:"):
        return "s3"
    if rpcv2_cbor.is_cbor(headers):
        return "cbor"
    return "json" if headers.get("X-Amz-Target") else "query"


def error_response(protocol: str, status: int, code: str, message: str):
    """An AWS error in the wire format of the service's protocol."""
    if protocol == "cbor":
        return status, rpcv2_cbor.error(code, message), dict(rpcv2_cbor.CBOR_HEADERS)
    if protocol == "json":
        body = json.dumps({"__type": code, "message": message}).encode()
        return status, body, {"Content-Type": "application/x-amz-json-1.1", "x-amzn-ErrorType": code}
    if protocol == "s3":
        body = f"<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>{code}</Code><Message>{message}</Message></Error>".encode()
        return status, body, {"Content-Type": "application/xml"}
    body = (
        '<ErrorResponse xmlns="https://aws.amazon.com/"><Error><Type>Sender</Type>'
        f"<Code>{code}</Code><Message>{message}</Message></Error><RequestId>ctrail-proxy</RequestId></ErrorResponse>"
    ).encode()
    return status, body, {"Content-Type": "text/xml"}


def fault_for(op: str, request: tuple) -> tuple | None:
    """The fault to inject for this call, if any: ("drop",) or ("error", status, code, message)."""
    with LOCK:
        CALLS["n"] += 1
        n = CALLS["n"]
        for f in CONFIG.get("faults", []):
            if f.get("op") == op and f.get("times", 0) != 0:
                if f["times"] > 0:
                    f["times"] -= 1
                INJECTED[op] = INJECTED.get(op, 0) + 1
                return ("error", f.get("status", 400), f["code"], f.get("message", f["code"]))
        if STREAKS.get(request, 0) >= CONFIG.get("fault_streak_max", 3):
            return None
        every = lambda key: CONFIG.get(key) and n % CONFIG[key] == 0
        for key, kind in (("drop_every", "drop"), ("throttle_every", "throttle"), ("error_5xx_every", "5xx")):
            if every(key):
                INJECTED[kind] = INJECTED.get(kind, 0) + 1
                STREAKS[request] = STREAKS.get(request, 0) + 1
                return (kind,)
    return None


def request_passed(request: tuple) -> None:
    """A request reached the emulator and its answer reaches the caller: its streak ends."""
    with LOCK:
        STREAKS.pop(request, None)


# Operation names that change something: a lost answer matters only for them.
WRITE_VERBS = ("Put", "Create", "Update", "Delete", "Start", "Stop", "Associate", "Disassociate", "Tag",
               "Untag", "Subscribe", "Unsubscribe", "Add", "Remove", "Set", "Attach", "Detach", "Enable",
               "Disable", "Schedule")


def is_write(op: str) -> bool:
    return op.split(":", 1)[-1].startswith(WRITE_VERBS)


def answer_lost(op: str, request: tuple) -> bool:
    """Whether this write is carried out and its answer then lost (every k-th write)."""
    if not is_write(op):
        return False
    with LOCK:
        CALLS["writes"] = CALLS.get("writes", 0) + 1
        every = CONFIG.get("lose_answer_every")
        if STREAKS.get(request, 0) >= CONFIG.get("fault_streak_max", 3):
            return False
        if every and CALLS["writes"] % every == 0:
            INJECTED["lost_answer"] = INJECTED.get("lost_answer", 0) + 1
            STREAKS[request] = STREAKS.get(request, 0) + 1
            return True
    return False


def arn_account(arn: str | None) -> str | None:
    """The account an ARN names (None for an id or alias name)."""
    parts = (arn or "").split(":")
    return parts[4] if (arn or "").startswith("arn:") and len(parts) > 5 and parts[4] else None


def region_of(headers) -> str:
    m = re.search(r"Credential=[^/]+/[^/]+/([^/]+)/", headers.get("Authorization", ""))
    return m.group(1) if m else "us-east-1"


def overlay_log_group_keys(region: str, body: bytes) -> bytes:
    """DescribeLogGroups as it would read after the associations the proxy served."""
    with LOCK:
        keys = {name: key for (r, name), key in LOG_GROUP_KEYS.items() if r == region}
    if not keys:
        return body
    doc = json.loads(body)
    for group in doc.get("logGroups", []):
        name = group.get("logGroupName")
        if name in keys:
            if keys[name]:
                group["kmsKeyId"] = keys[name]
            else:
                group.pop("kmsKeyId", None)
    return json.dumps(doc).encode()


EMAIL_MEMBER = re.compile(
    rb"<member><SubscriptionArn>[^<]*</SubscriptionArn>(?P<rest>(?:(?!</member>).)*<Protocol>email(?:-json)?</Protocol>)", re.S
)


def pending_email_subscriptions(op: str, request: bytes, body: bytes) -> bytes:
    """Email subscriptions as SNS reports them before confirmation."""
    if op == "sns:Subscribe":
        form = urllib.parse.parse_qs(request.decode())
        if form.get("Protocol", [""])[0] in ("email", "email-json") and form.get("ReturnSubscriptionArn") != ["true"]:
            body = re.sub(rb"<SubscriptionArn>[^<]*</SubscriptionArn>", b"<SubscriptionArn>pending confirmation</SubscriptionArn>", body)
        return body
    return EMAIL_MEMBER.sub(rb"<member><SubscriptionArn>PendingConfirmation</SubscriptionArn>\g<rest>", body)


def operation(op: str, body: bytes, *served: str):
    """(name, JSON request) when `op` ("service:Name") is one of `served`
    (names, or service:Name), else (None, None)."""
    name = op.split(":", 1)[1]
    if name not in served and op not in served:
        return None, None
    return name, json.loads(body or b"{}")


def fix_s3_root(op: str, body: bytes) -> bytes:
    name = op.split(":", 1)[1]
    root = S3_ROOTS.get(name)
    if not root:
        return body
    wrong = f"{name}Response".encode()
    if wrong not in body[:300]:
        return body
    body = body.replace(b"<" + wrong, b"<" + root.encode(), 1)
    body = body.replace(b"</" + wrong + b">", b"</" + root.encode() + b">", 1)
    # The emulator adds a requestId element that is not part of these outputs.
    return re.sub(rb"<requestId>[^<]*</requestId>", b"", body)


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    upstream: urllib.parse.SplitResult

    def log_message(self, fmt, *args):  # quiet
        pass

    def _send(self, status: int, body: bytes, headers=None):
        if getattr(self, "lose_answer", False):
            # AWS carried the call out; the connection resets before the answer.
            self.close_connection = True
            self.connection.shutdown(2)
            return
        self.send_response(status)
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _control(self, body: bytes) -> bool:
        path = self.path.split("?")[0]
        if not path.startswith("/_proxy/"):
            return False
        if path == "/_proxy/counts":
            with LOCK:
                out = json.dumps(COUNTS, sort_keys=True).encode()
        elif path == "/_proxy/counts_by_account":
            with LOCK:
                out = json.dumps(COUNTS_BY_ACCOUNT, sort_keys=True).encode()
        elif path == "/_proxy/timeline":
            with LOCK:
                start = TIMELINE[0][0] if TIMELINE else 0.0
                out = json.dumps([[round(t - start, 3), op] for t, op in TIMELINE]).encode()
        elif path == "/_proxy/trail_calls":
            with LOCK:
                out = json.dumps(TRAIL_CALLS).encode()
        elif path == "/_proxy/faults":
            with LOCK:
                out = json.dumps({"injected": sum(INJECTED.values()), "by_kind": INJECTED, "refused": REFUSED}, sort_keys=True).encode()
        elif path == "/_proxy/reset":
            with LOCK:
                for held in (COUNTS, COUNTS_BY_ACCOUNT, TIMELINE, TRAIL_CALLS, INJECTED, REFUSED, CALLS, STREAKS, CONFIG):
                    held.clear()
                CALLS["n"] = 0
                CONFIG["latency_ms"] = 0
            out = b"{}"
        elif path == "/_proxy/forget":
            with LOCK:
                for held in (LOG_GROUP_KEYS, INSIGHTS, EVENT_CONFIGS, RECURSIVE_LOGGING):
                    held.clear()
            insights.forget()
            out = b"{}"
        elif path == "/_proxy/config":
            with LOCK:
                update = json.loads(body or b"{}")
                if update.pop("reset", False):
                    CONFIG.clear()
                    CONFIG["latency_ms"] = 0
                CONFIG.update(update)
                out = json.dumps(CONFIG).encode()
        else:
            self._send(404, b"unknown control path")
            return True
        self._send(200, out, {"Content-Type": "application/json"})
        return True

    def _upstream(self, method: str, path: str, body: bytes, headers: dict):
        conn = http.client.HTTPConnection(self.upstream.hostname, self.upstream.port, timeout=60)
        conn.request(method, path, body=body, headers=headers)
        resp = conn.getresponse()
        data = resp.read()
        result = (resp.status, resp.getheaders(), data)
        conn.close()
        return result

    def _probe(self, headers: dict, target: str, payload: dict):
        """Asks the emulator a JSON-protocol question with the caller's credentials."""
        probe = dict(headers)
        probe["X-Amz-Target"] = target
        return self._upstream("POST", self.path, json.dumps(payload).encode(), probe)

    def _probe_trail(self, headers: dict, name: str):
        """The trail `name` as the emulator answers GetTrail with the
        caller's credentials: its ARN and the key (region, ARN) the adapter
        keeps its settings under; None when the emulator refuses, its answer
        sent on to the caller."""
        status, _, data = self._probe(headers, "CloudTrail_20131101.GetTrail", {"Name": name})
        if status != 200:
            self._send(status, data, {"Content-Type": "application/x-amz-json-1.1"})
            return None
        arn = json.loads(data)["Trail"]["TrailARN"]
        return arn, (region_of(self.headers), arn)

    def _signed_as(self, account: str | None) -> tuple[str, str | None]:
        """The caller's Authorization header and session token, or, for
        another account's resource (a key CloudTrail uses from the Log
        Archive account, say), those of a session the adapter saw AssumeRole
        open in that account: the emulator keeps each account's resources
        apart, while the AWS service reads a resource of another account
        for itself."""
        auth = self.headers.get("Authorization", "")
        token = self.headers.get("X-Amz-Security-Token")
        if account is None or account == self._signing_account():
            return auth, token
        with LOCK:
            key = next((k for k, a in ACCESS_KEYS.items() if a == account), None)
            token = SESSION_TOKENS.get(key) if key else None
        if key is None and account == DEFAULT_ACCOUNT:
            key, token = DEFAULT_ACCOUNT_KEY, None
        if key is None:
            return auth, self.headers.get("X-Amz-Security-Token")
        return re.sub(r"Credential=[^/]+/", f"Credential={key}/", auth), token

    def _ask(self, service: str, method: str, path: str, body: bytes = b"", headers: dict | None = None,
             account: str | None = None):
        """Asks the emulator another service's question with the caller's
        credentials (or in `account`'s name: `_signed_as`)."""
        auth, token = self._signed_as(account)
        auth = re.sub(r"(Credential=[^/]+/[^/]+/[^/]+/)[^/]+/", rf"\g<1>{service}/", auth)
        h = {"Authorization": auth, "X-Amz-Date": self.headers.get("X-Amz-Date", ""), "Host": self.headers.get("Host", "")}
        if token:
            h["X-Amz-Security-Token"] = token
        h.update(headers or {})
        if path.endswith("?policy"):
            with POLICY_LIFTS:
                return self._upstream(method, path, body, h)
        return self._upstream(method, path, body, h)

    def _ask_json(self, service: str, target: str, payload: dict, account: str | None = None):
        status, _, data = self._ask(service, "POST", "/", json.dumps(payload).encode(),
                                    {"X-Amz-Target": target, "Content-Type": "application/x-amz-json-1.1"}, account)
        return json.loads(data) if status == 200 else None

    def _ask_query(self, service: str, params: dict) -> bytes | None:
        body = urllib.parse.urlencode(params).encode()
        status, _, data = self._ask(service, "POST", "/", body, {"Content-Type": "application/x-www-form-urlencoded"})
        return data if status == 200 else None

    def _trail_documents(self, t: dict) -> dict:
        """The live documents CloudTrail judges a trail by, read from the emulator."""
        docs: dict = {}
        status, _, data = self._ask("s3", "GET", f"/{t['bucket']}?policy")
        docs["bucket_policy"] = json.loads(data) if status == 200 else None
        if t.get("kms_key"):
            # A key of another account (its ARN names it) is read there.
            got = self._ask_json("kms", "TrentService.GetKeyPolicy", {"KeyId": t["kms_key"], "PolicyName": "default"},
                                 arn_account(t["kms_key"]))
            docs["key_policy"] = json.loads(got["Policy"]) if got else None
            status, _, data = self._ask("s3", "GET", f"/{t['bucket']}?encryption")
            text = data.decode("utf-8", "replace") if status == 200 else ""
            key = re.search(r"<KMSMasterKeyID>([^<]*)</KMSMasterKeyID>", text)
            on = re.search(r"<BucketKeyEnabled>true</BucketKeyEnabled>", text)
            same = key and (key.group(1) == t["kms_key"] or t["kms_key"].endswith("/" + key.group(1)))
            docs["bucket_key"] = bool(on and same)
        if t.get("topic_arn"):
            data = self._ask_query("sns", {"Action": "GetTopicAttributes", "TopicArn": t["topic_arn"], "Version": "2010-03-31"})
            m = re.search(rb"<key>Policy</key>\s*<value>([^<]*)</value>", data or b"")
            docs["topic_policy"] = json.loads(html.unescape(m.group(1).decode())) if m else None
        if t.get("role_arn"):
            name = t["role_arn"].rsplit("/", 1)[-1]
            data = self._ask_query("iam", {"Action": "GetRole", "RoleName": name, "Version": "2010-05-08"}) or b""
            m = re.search(rb"<AssumeRolePolicyDocument>([^<]*)</AssumeRolePolicyDocument>", data)
            docs["trust_policy"] = json.loads(urllib.parse.unquote(html.unescape(m.group(1).decode()))) if m else None
            data = self._ask_query("iam", {"Action": "ListRolePolicies", "RoleName": name, "Version": "2010-05-08"}) or b""
            docs["role_policies"] = []
            for pname in re.findall(rb"<member>([^<]*)</member>", data):
                got = self._ask_query("iam", {"Action": "GetRolePolicy", "RoleName": name,
                                               "PolicyName": pname.decode(), "Version": "2010-05-08"}) or b""
                m = re.search(rb"<PolicyDocument>([^<]*)</PolicyDocument>", got)
                if m:
                    docs["role_policies"].append(json.loads(urllib.parse.unquote(html.unescape(m.group(1).decode()))))
        return docs

    def _refuse_trail_without_grants(self, op: str, body: bytes) -> bool:
        """CreateTrail / UpdateTrail refused as CloudTrail refuses them (aws_rules.py)."""
        name, req = operation(op, body, "cloudtrail:CreateTrail", "cloudtrail:UpdateTrail")
        if name is None:
            return False
        region = region_of(self.headers)
        account = self._caller_account()
        current = {}
        if name == "UpdateTrail":
            got = self._ask_json("cloudtrail", "CloudTrail_20131101.GetTrail", {"Name": req.get("Name", "")})
            if not got:
                return False  # the emulator answers "not found" itself
            current = got.get("Trail", {})
        pick = lambda key, cur: req.get(key, current.get(cur or key))  # noqa: E731
        kms = pick("KmsKeyId", None)
        if kms and not kms.startswith("arn:"):
            got = self._ask_json("kms", "TrentService.DescribeKey", {"KeyId": kms})
            kms = got["KeyMetadata"]["Arn"] if got else kms
        topic = pick("SnsTopicName", None)
        if topic and not topic.startswith("arn:"):
            topic = f"arn:aws:sns:{region}:{account}:{topic}"
        org = None
        if pick("IsOrganizationTrail", None):
            got = self._ask_json("organizations", "AWSOrganizationsV20161128.DescribeOrganization", {})
            org = got["Organization"]["Id"] if got else None
        trail = {
            "partition": "aws", "account": account, "region": region,
            "name": req.get("Name", "").rsplit("/", 1)[-1],
            "bucket": pick("S3BucketName", None), "prefix": pick("S3KeyPrefix", None),
            "organization": org, "multi_region": pick("IsMultiRegionTrail", None),
            "kms_key": kms, "topic_arn": topic,
            "role_arn": pick("CloudWatchLogsRoleArn", None),
            "log_group_arn": pick("CloudWatchLogsLogGroupArn", None),
        }
        try:
            aws_rules.check_trail(trail, self._trail_documents(trail))
        except aws_rules.Refusal as r:
            self._refuse(r)
            return True
        return False

    def _refuse_bucket_logging_without_grant(self, op: str, body: bytes) -> bool:
        """PutBucketLogging refused as S3 refuses it (aws_rules.py): the target
        bucket must exist in the source's region and grant S3's logging service."""
        if op != "s3:PutBucketLogging":
            return False
        text = body.decode("utf-8", "replace")
        target = re.search(r"<TargetBucket>([^<]*)</TargetBucket>", text)
        if not target:
            return False  # logging off: nothing to grant
        field = lambda name: (re.search(rf"<{name}>([^<]*)</{name}>", text) or [None, ""])[1]  # noqa: E731
        source = urllib.parse.urlsplit(self.path).path.strip("/").split("/")[0]
        target = html.unescape(target.group(1))

        def location(bucket: str):
            status, _, data = self._ask("s3", "GET", f"/{bucket}?location")
            if status != 200:
                return None
            m = re.search(rb"<LocationConstraint[^>]*>([^<]*)</LocationConstraint>", data)
            return (m.group(1).decode() if m else "") or "us-east-1"

        status, _, policy = self._ask("s3", "GET", f"/{target}?policy")
        status_oc, _, controls = self._ask("s3", "GET", f"/{target}?ownershipControls")
        status_acl, _, acl = self._ask("s3", "GET", f"/{target}?acl")
        grants = re.findall(
            rb"<Grant>.*?<URI>([^<]*)</URI>.*?<Permission>([^<]*)</Permission>.*?</Grant>", acl if status_acl == 200 else b"", re.S
        )
        docs = {
            "target_region": location(target),
            "source_region": location(source),
            "bucket_policy": json.loads(policy) if status == 200 else None,
            "object_ownership": (re.search(rb"<ObjectOwnership>([^<]*)</ObjectOwnership>", controls) or [None, b""])[1].decode()
            if status_oc == 200 else "",
            "acl_grants": [(u.decode(), p.decode()) for u, p in grants],
        }
        request = {
            "partition": "aws", "account": self._caller_account(), "source": source, "target": target,
            "prefix": html.unescape(field("TargetPrefix")), "target_grants": "<TargetGrants>" in text,
        }
        try:
            aws_rules.check_bucket_logging(request, docs)
        except aws_rules.Refusal as r:
            with LOCK:
                REFUSED[r.code] = REFUSED.get(r.code, 0) + 1
            self._send(*error_response("s3", 400, r.code, r.message))
            return True
        return False

    def _forward(self, op: str, body: bytes, headers: dict) -> tuple:
        """The request, answered by the emulator (corrected where it judges
        a bucket policy as AWS would not)."""
        if op in BUCKET_POLICY_OPERATIONS:
            with POLICY_LIFTS:
                return self._upstream(self.command, self.path, body, headers)
        answer = self._upstream(self.command, self.path, body, headers)
        if answer[0] == 403 and not answer[2].strip() and op in OBJECT_OPERATIONS:
            return self._object_op_as_over_tls(op, body, headers, answer)
        # DeleteObjects answers 200 with a refusal per key.
        if op == "s3:DeleteObjects" and answer[0] == 200 and b"<Code>AccessDenied</Code>" in answer[2]:
            return self._object_op_as_over_tls(op, body, headers, answer)
        return answer

    def _object_op_as_over_tls(self, op: str, body: bytes, headers: dict, refused: tuple) -> tuple:
        """The emulator judges a bucket policy without its conditions, so the
        TLS-only Deny ctrail writes refuses every object request. Requests to
        AWS are made over TLS: judged with aws:SecureTransport true and the
        bucket policy explicitly denying nothing, the request is carried out
        with the policy lifted for that one request."""
        bucket, _, key = urllib.parse.urlsplit(self.path).path.lstrip("/").partition("/")
        account = self._caller_account()
        who = ("aws", f"arn:aws:iam::{account}:root", account)
        action = {"s3:GetObject": "s3:GetObject", "s3:HeadObject": "s3:GetObject",
                  "s3:PutObject": "s3:PutObject", "s3:DeleteObject": "s3:DeleteObject",
                  "s3:DeleteObjects": "s3:DeleteObject"}[op]
        # DeleteObjects names its keys in the body: judged for any key.
        key = "*" if op == "s3:DeleteObjects" else key
        context = {"aws:SecureTransport": "true", "aws:PrincipalAccount": account}
        # The policy is read under the same lock that lifts it: another
        # request's lift must not pass for "no policy".
        with POLICY_LIFTS:
            status, _, policy = self._ask("s3", "GET", f"/{bucket}?policy")
            if status != 200:
                # No policy now: whatever refused it was not one.
                return self._upstream(self.command, self.path, body, headers) if status == 404 else refused
            resource = f"arn:aws:s3:::{bucket}/{urllib.parse.unquote(key)}"
            if aws_rules.denies(json.loads(policy), who, action, resource, context):
                return refused
            self._ask("s3", "DELETE", f"/{bucket}?policy")
            try:
                return self._upstream(self.command, self.path, body, headers)
            finally:
                self._ask("s3", "PUT", f"/{bucket}?policy", policy)

    def _refuse(self, r: "aws_rules.Refusal"):
        """Answers a refusal as the service would, and counts it."""
        with LOCK:
            REFUSED[r.code] = REFUSED.get(r.code, 0) + 1
        self._json_reply(400, {"__type": r.code, "message": r.message})

    def _signing_account(self) -> str:
        """The account of the access key that signed this request."""
        m = re.search(r"Credential=([^/]+)/", self.headers.get("Authorization", ""))
        with LOCK:
            return ACCESS_KEYS.get(m.group(1), DEFAULT_ACCOUNT) if m else DEFAULT_ACCOUNT

    def _assume_role(self, body: bytes, headers: dict):
        """STS AssumeRole as STS judges it: the role must exist in its
        account and trust the caller's account (IAM User Guide, "Granting a
        user permissions to switch roles": both the trust policy and the
        caller's own permissions must allow it), with the external id its
        trust policy asks for. The emulator's answer is passed on, and the
        new key's account remembered."""
        params = urllib.parse.parse_qs(body.decode("utf-8", "replace"))
        role_arn = (params.get("RoleArn") or [""])[0]
        external_id = (params.get("ExternalId") or [None])[0]
        caller = self._signing_account()
        status, resp_headers, data = self._forward("sts:AssumeRole", body, headers)
        key = re.search(rb"<AccessKeyId>([^<]*)</AccessKeyId>", data or b"")
        token = re.search(rb"<SessionToken>([^<]*)</SessionToken>", data or b"")
        target = role_arn.split(":")[4] if role_arn.count(":") >= 5 else DEFAULT_ACCOUNT
        name = role_arn.rsplit("/", 1)[-1]
        if status == 200 and key and name != "OrganizationAccountAccessRole":
            # The role, read in its own account with the new session's key.
            auth = re.sub(r"Credential=[^/]+/", f"Credential={key.group(1).decode()}/",
                          self.headers.get("Authorization", ""))
            auth = re.sub(r"(Credential=[^/]+/[^/]+/[^/]+/)[^/]+/", r"\g<1>iam/", auth)
            h = {"Authorization": auth, "X-Amz-Date": self.headers.get("X-Amz-Date", ""),
                 "Host": self.headers.get("Host", ""), "Content-Type": "application/x-www-form-urlencoded"}
            if token:
                h["X-Amz-Security-Token"] = html.unescape(token.group(1).decode())
            q = urllib.parse.urlencode({"Action": "GetRole", "RoleName": name, "Version": "2010-05-08"}).encode()
            got_status, _, got = self._upstream("POST", "/", q, h)
            m = re.search(rb"<AssumeRolePolicyDocument>([^<]*)</AssumeRolePolicyDocument>", got or b"")
            trust = json.loads(urllib.parse.unquote(html.unescape(m.group(1).decode()))) if got_status == 200 and m else None
            context = {"sts:ExternalId": external_id} if external_id else {}
            who = ("aws", f"arn:aws:iam::{caller}:root", caller)
            if trust is None or not aws_rules.allowed(trust, who, "sts:AssumeRole", role_arn, context):
                with LOCK:
                    REFUSED["AccessDenied"] = REFUSED.get("AccessDenied", 0) + 1
                message = (f"User: arn:aws:iam::{caller}:root is not authorized to perform: "
                           f"sts:AssumeRole on resource: {role_arn}")
                status, data, out = error_response("query", 403, "AccessDenied", message)
                self._send(status, data, out)
                return
        if status == 200 and key:
            with LOCK:
                ACCESS_KEYS[key.group(1).decode()] = target
                if token:
                    SESSION_TOKENS[key.group(1).decode()] = html.unescape(token.group(1).decode())
        out_headers = {k: v for k, v in resp_headers
                       if k.lower() not in ("content-length", "connection", "transfer-encoding", "server", "date")}
        self._send(status, data, out_headers)

    def _delegated_admin(self, op: str, body: bytes, account: str, headers: dict) -> bool:
        """CloudTrail's delegated administrator (User Guide, "Organization
        delegated administrator"; API Reference,
        RegisterOrganizationDelegatedAdmin). Logs the call; serves
        RegisterOrganizationDelegatedAdmin; and, for a call of a registered
        administrator on an organization trail of the management account
        (CreateTrail of an organization trail, or the trail named by its
        ARN), goes on as the management account, which owns the trail.
        True when the request was answered here."""
        req = json.loads(body or b"{}") if body else {}
        named = [req[k] for k in ("Name", "TrailName", "ResourceId") if isinstance(req.get(k), str)]
        named += [n for k in ("ResourceIdList", "trailNameList") for n in (req.get(k) or [])]
        with LOCK:
            TRAIL_CALLS.append({"operation": op, "account": account, "trail": named})
        if op == "cloudtrail:RegisterOrganizationDelegatedAdmin":
            self._register_delegated_admin(req, account)
            return True
        owner = DELEGATED_ADMINS.get(account)
        if owner is None:
            return self._organization_member(op, req, named, account, headers)
        if op == "cloudtrail:CreateTrail":
            if not req.get("IsOrganizationTrail"):
                return False
        elif not any(arn_account(n) == owner for n in named):
            return False  # by name: the administrator's own account has no such trail
        self._act_as(owner, headers)
        if op != "cloudtrail:CreateTrail":
            got = self._ask_json("cloudtrail", "CloudTrail_20131101.GetTrail", {"Name": next(n for n in named if arn_account(n) == owner)})
            trail = (got or {}).get("Trail")
            if trail is not None and not trail.get("IsOrganizationTrail"):
                self._refuse(aws_rules.Refusal(
                    "CloudTrailARNInvalidException",
                    f"AccountID in ARN is wrong, you can only access resources with AccountID {account}."))
                return True
        return False

    def _act_as(self, owner: str, headers: dict):
        """The request goes on signed as `owner` (`_signed_as`)."""
        auth, token = self._signed_as(owner)
        for k in [k for k in headers if k.lower() in ("authorization", "x-amz-security-token")]:
            del headers[k]
        headers["Authorization"] = auth
        del self.headers["Authorization"]
        self.headers["Authorization"] = auth
        del self.headers["X-Amz-Security-Token"]
        if token:
            headers["X-Amz-Security-Token"] = token
            self.headers["X-Amz-Security-Token"] = token

    def _management_of(self, account: str) -> str | None:
        """The management account of the organization `account` is a
        member of (not its management account), else None."""
        org = (self._ask_json("organizations", "AWSOrganizationsV20161128.DescribeOrganization", {},
                              account=DEFAULT_ACCOUNT) or {}).get("Organization")
        if not org or org.get("MasterAccountId") in (None, account):
            return None
        got = self._ask_json("organizations", "AWSOrganizationsV20161128.DescribeAccount", {"AccountId": account},
                             account=org["MasterAccountId"])
        return org["MasterAccountId"] if got else None

    def _organization_member(self, op: str, req: dict, named: list, account: str, headers: dict) -> bool:
        """What a member account sees of its organization's trails (the
        emulator shows a trail to its own account only): an organization
        trail appears in the member's DescribeTrails, and the member reads
        it (GetTrail, GetTrailStatus, GetEventSelectors, GetInsightSelectors,
        ListTags) by its ARN, never by name (CloudTrail User Guide, "Creating
        a trail for an organization": members see it and cannot change it;
        API Reference, GetTrailStatus: "If the trail is an organization
        trail and you are a member account in the organization, you must
        provide the full ARN"). True when the request was answered here."""
        reads = ("cloudtrail:GetTrail", "cloudtrail:GetTrailStatus", "cloudtrail:GetEventSelectors",
                 "cloudtrail:GetInsightSelectors", "cloudtrail:ListTags")
        if op == "cloudtrail:DescribeTrails":
            if req.get("includeShadowTrails") is False or req.get("trailNameList"):
                return False
            owner = self._management_of(account)
            if owner is None:
                return False
            own = self._ask_json("cloudtrail", "CloudTrail_20131101.DescribeTrails", req, account=account)
            theirs = self._ask_json("cloudtrail", "CloudTrail_20131101.DescribeTrails", req, account=owner)
            if own is None or theirs is None:
                return False
            org = [t for t in theirs.get("trailList", []) if t.get("IsOrganizationTrail")]
            self._json_reply(200, {"trailList": own.get("trailList", []) + org})
            return True
        if op not in reads or not named:
            return False
        owner = arn_account(named[0])
        if owner in (None, account) or self._management_of(account) != owner:
            return False
        got = self._ask_json("cloudtrail", "CloudTrail_20131101.GetTrail", {"Name": named[0]}, account=owner)
        if not (got or {}).get("Trail", {}).get("IsOrganizationTrail"):
            return False
        self._act_as(owner, headers)
        return False

    def _register_delegated_admin(self, req: dict, caller: str):
        """RegisterOrganizationDelegatedAdmin, as CloudTrail answers it: from
        the management account of an organization with all features and
        CloudTrail's trusted access, for one of its member accounts."""
        member = req.get("MemberAccountId", "")
        org = (self._ask_json("organizations", "AWSOrganizationsV20161128.DescribeOrganization", {}) or {}).get("Organization")
        if org is None:
            return self._refuse(aws_rules.Refusal("OrganizationsNotInUseException", "This account is not part of an organization."))
        if org.get("MasterAccountId") != caller:
            return self._refuse(aws_rules.Refusal(
                "NotOrganizationManagementAccountException",
                "This operation must be called from the management account."))
        if member == caller:
            return self._refuse(aws_rules.Refusal(
                "CannotDelegateManagementAccountException", "You cannot delegate the management account."))
        got = self._ask_json("organizations", "AWSOrganizationsV20161128.DescribeAccount", {"AccountId": member})
        if got is None:
            return self._refuse(aws_rules.Refusal("AccountNotFoundException", f"Account {member} was not found in the organization."))
        self._ask_json("organizations", "AWSOrganizationsV20161128.RegisterDelegatedAdministrator",
                       {"AccountId": member, "ServicePrincipal": "cloudtrail.amazonaws.com"})
        with LOCK:
            DELEGATED_ADMINS[member] = caller
        self._json_reply(200, {})

    def _caller_account(self) -> str:
        ident = self._ask_query("sts", {"Action": "GetCallerIdentity", "Version": "2011-06-15"}) or b""
        m = re.search(rb"<Account>([^<]*)</Account>", ident)
        return m.group(1).decode() if m else "123456789012"

    def _forget_deleted(self, op: str, body: bytes):
        """What the proxy keeps for a log group or trail goes with it."""
        _, req = operation(op, body, "logs:DeleteLogGroup", "cloudtrail:DeleteTrail")
        if req is None:
            return
        region = region_of(self.headers)
        with LOCK:
            if op == "logs:DeleteLogGroup":
                LOG_GROUP_KEYS.pop((region, req.get("logGroupName", "")), None)
            else:
                name = req.get("Name", "")
                for kept in (INSIGHTS, EVENT_CONFIGS):
                    for key in [k for k in kept if k[0] == region and (k[1] == name or k[1].endswith("/" + name))]:
                        del kept[key]
                for arn in [a for a in RECURSIVE_LOGGING if a == name or (f":{region}:" in a and a.endswith("/" + name))]:
                    del RECURSIVE_LOGGING[arn]

    def _json_reply(self, status: int, doc: dict):
        self._send(status, json.dumps(doc).encode(), {"Content-Type": "application/x-amz-json-1.1"})

    def _refuse_log_group_key(self, op: str, body: bytes) -> bool:
        """CreateLogGroup / AssociateKmsKey with a key CloudWatch Logs cannot use (aws_rules.py)."""
        _, req = operation(op, body, "logs:CreateLogGroup", "logs:AssociateKmsKey")
        if req is None:
            return False
        key_id = req.get("kmsKeyId")
        if not key_id:
            return False
        got = self._ask_json("kms", "TrentService.DescribeKey", {"KeyId": key_id})
        key = got.get("KeyMetadata") if got else None
        policy = None
        if key:
            p = self._ask_json("kms", "TrentService.GetKeyPolicy", {"KeyId": key["Arn"], "PolicyName": "default"})
            policy = json.loads(p["Policy"]) if p else None
        account = self._caller_account()
        try:
            aws_rules.check_log_group_key(key, policy, region_of(self.headers), account, req.get("logGroupName", ""), key_id)
        except aws_rules.Refusal as r:
            self._refuse(r)
            return True
        return False

    def _serve_kms_association(self, op: str, body: bytes, headers: dict) -> bool:
        """AssociateKmsKey / DisassociateKmsKey, which the emulator lacks."""
        name, req = operation(op, body, "AssociateKmsKey", "DisassociateKmsKey")
        if name is None:
            return False
        group = req.get("logGroupName", "")
        status, _, data = self._probe(headers, "Logs_20140328.DescribeLogGroups", {"logGroupNamePrefix": group})
        exists = status == 200 and any(
            g.get("logGroupName") == group for g in json.loads(data).get("logGroups", [])
        )
        if not exists:
            self._json_reply(400, {"__type": "ResourceNotFoundException", "message": "The specified log group does not exist."})
            return True
        with LOCK:
            LOG_GROUP_KEYS[(region_of(self.headers), group)] = req.get("kmsKeyId") if name == "AssociateKmsKey" else None
        self._json_reply(200, {})
        return True

    def _serve_public_keys(self, op: str, body: bytes) -> bool:
        """CloudTrail's ListPublicKeys (the emulator lacks it): the test key the
        project's digest generator signs with (tests/fixtures/digest-keys), as
        CloudTrail answers: its PKCS #1 DER, its validity and fingerprint."""
        if op != "cloudtrail:ListPublicKeys":
            return False
        der = base64.b64decode(PUBLIC_KEY_FILE.read_text().strip())
        self._json_reply(200, {"PublicKeyList": [{
            "Value": base64.b64encode(der).decode(),
            "ValidityStartTime": 1577836800,  # 2020-01-01
            "ValidityEndTime": 4102444800,  # 2100-01-01
            "Fingerprint": hashlib.md5(der).hexdigest(),
        }]})
        return True

    def _serve_insight_selectors(self, op: str, body: bytes, headers: dict) -> bool:
        """Put/GetInsightSelectors with CloudTrail's replace semantics; a
        selector without EventCategories keeps the categories its type had,
        plus Management (trail_events.insight_selectors_kept)."""
        name, req = operation(op, body, "PutInsightSelectors", "GetInsightSelectors")
        if name is None:
            return False
        found = self._probe_trail(headers, req.get("TrailName", ""))
        if found is None:
            return True
        arn, key = found
        if name == "PutInsightSelectors":
            try:
                aws_rules.check_insight_selectors(req.get("InsightSelectors", []))
                selectors = req.get("InsightSelectors", [])
                if any("Data" in (s.get("EventCategories") or []) for s in selectors):
                    trail_events.check_insight_categories(selectors, self._logs_data_events(headers, arn))
                else:
                    trail_events.check_insight_categories(selectors, True)
            except aws_rules.Refusal as r:
                self._refuse(r)
                return True
        with LOCK:
            if name == "PutInsightSelectors":
                INSIGHTS[key] = trail_events.insight_selectors_kept(req.get("InsightSelectors", []), INSIGHTS.get(key, []))
            selectors = INSIGHTS.get(key, [])
        if name == "GetInsightSelectors" and not selectors:
            self._json_reply(400, {"__type": "InsightNotEnabledException", "message": f"Trail {arn} does not have Insights enabled."})
            return True
        self._json_reply(200, {"TrailARN": arn, "InsightSelectors": selectors})
        return True

    def _logs_data_events(self, headers: dict, trail: str) -> bool:
        """Whether the trail's event selectors (from the emulator) log data events."""
        status, _, data = self._probe(headers, "CloudTrail_20131101.GetEventSelectors", {"TrailName": trail})
        return status == 200 and trail_events.logs_data_events(json.loads(data))

    def _serve_event_configuration(self, op: str, body: bytes, headers: dict) -> bool:
        """Put/GetEventConfiguration for a trail: its aggregation (trail_events.py)."""
        name, req = operation(op, body, "cloudtrail:PutEventConfiguration", "cloudtrail:GetEventConfiguration")
        if name is None:
            return False
        if not req.get("TrailName"):
            self._refuse(aws_rules.Refusal("UnsupportedOperationException", "The test proxy serves event configuration for trails only."))
            return True
        found = self._probe_trail(headers, req["TrailName"])
        if found is None:
            return True
        arn, key = found
        if name == "PutEventConfiguration":
            try:
                configs = trail_events.check_event_configuration(req, self._logs_data_events(headers, arn))
            except aws_rules.Refusal as r:
                self._refuse(r)
                return True
            with LOCK:
                EVENT_CONFIGS[key] = configs
        with LOCK:
            configs = EVENT_CONFIGS.get(key, [])
        self._json_reply(200, {"TrailARN": arn, "AggregationConfigurations": configs})
        return True

    def _refuse_recursive_logging(self, op: str, body: bytes) -> bool:
        """CreateTrail / UpdateTrail with a RecursiveLogging CloudTrail refuses."""
        _, req = operation(op, body, "cloudtrail:CreateTrail", "cloudtrail:UpdateTrail")
        if req is None:
            return False
        try:
            trail_events.check_recursive_logging(req)
        except aws_rules.Refusal as r:
            self._refuse(r)
            return True
        return False

    def _with_recursive_logging(self, op: str, request: bytes, data: bytes) -> bytes:
        """Keeps the RecursiveLogging a CreateTrail / UpdateTrail set, and
        shows every trail's in the answers that describe trails. A setting
        UpdateTrail removed with an empty string is left out, as CloudTrail
        answers (the emulator keeps the empty string)."""
        doc = json.loads(data or b"{}")
        trails = {"cloudtrail:GetTrail": [doc.get("Trail")], "cloudtrail:DescribeTrails": doc.get("trailList")}.get(op, [doc])
        req = json.loads(request or b"{}")
        with LOCK:
            if op in ("cloudtrail:CreateTrail", "cloudtrail:UpdateTrail") and "RecursiveLogging" in req and doc.get("TrailARN"):
                RECURSIVE_LOGGING[doc["TrailARN"]] = req["RecursiveLogging"]
            for t in trails or []:
                if isinstance(t, dict) and t.get("TrailARN"):
                    t["RecursiveLogging"] = RECURSIVE_LOGGING.get(t["TrailARN"], True)
                    for removable in REMOVABLE_TRAIL_SETTINGS:
                        if t.get(removable) == "":
                            del t[removable]
                    if "SnsTopicName" not in t:
                        t.pop("SnsTopicARN", None)
        return json.dumps(doc).encode()

    def _log_events(self, headers: dict, group: str, start_ms: int, end_ms: int):
        """Every event of a log group in [start_ms, end_ms], from the emulator."""
        events, token = [], None
        while True:
            req = {"logGroupName": group, "startTime": start_ms, "endTime": end_ms}
            if token:
                req["nextToken"] = token
            status, _, data = self._probe(headers, "Logs_20140328.FilterLogEvents", req)
            if status != 200:
                return None
            doc = json.loads(data)
            events.extend(doc.get("events", []))
            token = doc.get("nextToken")
            if not token:
                return events

    def _serve_test_metric_filter(self, op: str, body: bytes) -> bool:
        """TestMetricFilter, which the emulator lacks (filter_pattern.py)."""
        _, req = operation(op, body, "logs:TestMetricFilter")
        if req is None:
            return False
        try:
            self._json_reply(200, filter_pattern.test_metric_filter(req))
        except filter_pattern.PatternError as e:
            self._json_reply(400, {"__type": "InvalidParameterException", "message": f"Invalid metric filter pattern: {e}"})
        return True

    def _serve_insights(self, op: str, body: bytes, headers: dict) -> bool:
        """Query definitions and Logs Insights queries (insights.py)."""
        name = op.split(":", 1)[1]
        if not op.startswith("logs:") or name not in insights.OPERATIONS:
            return False
        fetch = lambda group, start, end: self._log_events(headers, group, start, end)  # noqa: E731
        status, doc = insights.serve(name, region_of(self.headers), json.loads(body or b"{}"), fetch)
        self._json_reply(status, doc)
        return True

    def _handle(self):
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        if self._control(body):
            return
        op = operation_of(self.command, self.path, self.headers, body)
        account = self._signing_account()
        with LOCK:
            COUNTS[op] = COUNTS.get(op, 0) + 1
            by_op = COUNTS_BY_ACCOUNT.setdefault(account, {})
            by_op[op] = by_op.get(op, 0) + 1
            TIMELINE.append((time.monotonic(), op))
            latency = CONFIG.get("latency_ms", 0)
        if latency:
            time.sleep(latency / 1000.0)
        request = (op, self.path, hashlib.sha256(body).hexdigest())
        fault = fault_for(op, request)
        self.lose_answer = not fault and answer_lost(op, request)
        if not fault and not self.lose_answer:
            request_passed(request)
        if fault:
            kind = fault[0]
            if kind == "drop":
                # Close the connection without an answer, as a network drop would.
                self.close_connection = True
                self.connection.shutdown(2)
                return
            protocol = protocol_of(op, self.headers)
            if kind == "throttle":
                code = {"json": "ThrottlingException", "cbor": "ThrottlingException", "query": "Throttling", "s3": "SlowDown"}[protocol]
                status = 503 if protocol == "s3" else 400
                fault = ("error", status, code, "Rate exceeded")
            elif kind == "5xx":
                code = "InternalError" if protocol == "s3" else "InternalFailure"
                fault = ("error", 500, code, "We encountered an internal error. Please try again.")
            _, status, code, message = fault
            status, body, headers = error_response(protocol, status, code, message)
            self._send(status, body, headers)
            return
        headers = {
            k: v for k, v in self.headers.items() if k.lower() not in ("connection", "transfer-encoding", "content-length")
        }
        if op == "s3:CreateBucket" and not any(k.lower() == "x-amz-object-ownership" for k in headers):
            # S3 gives every new bucket BucketOwnerEnforced (ACLs disabled)
            # unless CreateBucket asks otherwise; the emulator gives none.
            headers["x-amz-object-ownership"] = "BucketOwnerEnforced"
        if op.startswith("cloudtrail:"):
            if self._delegated_admin(op, body, account, headers):
                return
        body = trail_rules.emulator_request(self, op, body)
        if op == "sts:AssumeRole":
            self._assume_role(body, headers)
            return
        if (
            trail_rules.refuse(self, op, body)
            or self._refuse_trail_without_grants(op, body)
            or self._refuse_bucket_logging_without_grant(op, body)
            or self._refuse_log_group_key(op, body)
            or self._serve_kms_association(op, body, headers)
            or self._serve_insight_selectors(op, body, headers)
            or self._serve_event_configuration(op, body, headers)
            or self._refuse_recursive_logging(op, body)
            or self._serve_public_keys(op, body)
            or self._serve_insights(op, body, headers)
            or self._serve_test_metric_filter(op, body)
        ):
            return
        if op == "logs:PutMetricFilter":
            req = json.loads(body or b"{}")
            # Ignored when there is none to delete.
            self._probe(
                headers,
                "Logs_20140328.DeleteMetricFilter",
                {"logGroupName": req.get("logGroupName", ""), "filterName": req.get("filterName", "")},
            )
        if rpcv2_cbor.is_cbor(self.headers):
            service = {"monitoring": "cloudwatch"}.get(op.split(":")[0], op.split(":")[0])
            self._send(*rpcv2_cbor.translate(service, self.path, body, headers, self._upstream))
            return
        if op == "s3:PutObject" and any(k.lower() in ("if-none-match", "if-match") for k in headers):
            # S3 decides a conditional write atomically; the emulator checks
            # and then writes, so two racing writers could both win. One at
            # a time here makes the check and the write one step.
            with CONDITIONAL_WRITES:
                status, resp_headers, data = self._forward(op, body, headers)
        else:
            status, resp_headers, data = self._forward(op, body, headers)
        if status == 200:
            self._forget_deleted(op, body)
        if op.startswith("s3:") and status == 200:
            data = fix_s3_root(op, data)
        if op in TRAIL_OUTPUTS and status == 200:
            data = self._with_recursive_logging(op, body, data)
        if op == "logs:DescribeLogGroups" and status == 200:
            data = overlay_log_group_keys(region_of(self.headers), data)
        if op in ("sns:Subscribe", "sns:ListSubscriptionsByTopic", "sns:ListSubscriptions") and status == 200:
            data = pending_email_subscriptions(op, body, data)
        out_headers = {
            k: v
            for k, v in resp_headers
            if k.lower() not in ("content-length", "connection", "transfer-encoding", "server", "date")
        }
        self._send(status, data, out_headers)

    do_GET = do_PUT = do_POST = do_DELETE = do_HEAD = do_PATCH = _handle


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--port", type=int, default=0)
    p.add_argument("--upstream", required=True)
    args = p.parse_args()
    Handler.upstream = urllib.parse.urlsplit(args.upstream)
    # The default listen backlog (5) overflows under a burst of concurrent
    # connects, and the kernel's 1 s SYN retry then lands in every timing.
    ThreadingHTTPServer.request_queue_size = 1024
    server = ThreadingHTTPServer(("127.0.0.1", args.port), Handler)
    server.daemon_threads = True
    print(f"ready {server.server_address[1]}", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    sys.exit(main())
