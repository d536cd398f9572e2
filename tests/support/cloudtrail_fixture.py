#!/usr/bin/env python3
"""Writes what CloudTrail would have delivered, since the emulator delivers
nothing: for each region, a log file (gzip JSON `{"Records": [...]}` with
events of the seed's shape) under AWSLogs/<account>/CloudTrail/<region>/
YYYY/MM/DD/, a digest file under CloudTrail-Digest/ naming it, and the same
events in the log group's stream <account>_CloudTrail_<region>.

Usage: cloudtrail_fixture.py --bucket B --account A --trail T --home R
       --regions r1,r2 [--prefix P] [--log-group G] [--remove]
With --remove, the regions' log files are deleted instead (a delivery that
never came). Runs against AWS_ENDPOINT_URL (the test adapter) with boto3.

The emulator judges a bucket policy without its conditions, so the TLS-only
Deny that ctrail writes (aws:SecureTransport false) refuses every object
write there, though CloudTrail writes over TLS and AWS lets it. The fixture
lifts the bucket policy while it writes, as CloudTrail's TLS writes would
pass, and puts it back exactly as it was.
"""

import argparse
import contextlib
import datetime
import gzip
import hashlib
import json
import os
import uuid

import boto3
from botocore.config import Config


def event(account, region, name, source, when):
    """One management event, as CloudTrail records it."""
    return {
        "eventVersion": "1.09",
        "userIdentity": {
            "type": "IAMUser",
            "principalId": "AIDAEXAMPLEUSER",
            "arn": f"arn:aws:iam::{account}:user/auditor",
            "accountId": account,
            "accessKeyId": "AKIAEXAMPLE",
            "userName": "auditor",
        },
        "eventTime": when.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "eventSource": source,
        "eventName": name,
        "awsRegion": region,
        "sourceIPAddress": "203.0.113.10",
        "userAgent": "aws-cli/2.15.0",
        "requestParameters": None,
        "responseElements": None,
        "requestID": str(uuid.uuid4()),
        "eventID": str(uuid.uuid4()),
        "readOnly": True,
        "eventType": "AwsApiCall",
        "managementEvent": True,
        "recipientAccountId": account,
        "eventCategory": "Management",
    }


@contextlib.contextmanager
def policy_lifted(s3, bucket):
    """The bucket's policy out of the way for the block, then back."""
    try:
        policy = s3.get_bucket_policy(Bucket=bucket)["Policy"]
    except s3.exceptions.ClientError:
        policy = None
    if policy:
        s3.delete_bucket_policy(Bucket=bucket)
    try:
        yield
    finally:
        if policy:
            s3.put_bucket_policy(Bucket=bucket, Policy=policy)


def remove(s3, bucket, prefix):
    listed = s3.list_objects_v2(Bucket=bucket, Prefix=prefix).get("Contents", [])
    for o in listed:
        s3.delete_object(Bucket=bucket, Key=o["Key"])


def main():
    p = argparse.ArgumentParser()
    for flag in ("--bucket", "--account", "--trail", "--home", "--regions"):
        p.add_argument(flag, required=True)
    p.add_argument("--prefix")
    p.add_argument("--log-group")
    p.add_argument("--remove", action="store_true")
    a = p.parse_args()
    endpoint = os.environ.get("AWS_ENDPOINT_URL")
    session = boto3.session.Session(region_name=a.home)
    s3 = session.client("s3", endpoint_url=endpoint, config=Config(s3={"addressing_style": "path"}))
    logs = session.client("logs", endpoint_url=endpoint)
    now = datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0)
    base = f"{a.prefix}/AWSLogs" if a.prefix else "AWSLogs"
    with policy_lifted(s3, a.bucket):
        for region in a.regions.split(","):
            if a.remove:
                remove(s3, a.bucket, f"{base}/{a.account}/CloudTrail/{region}/")
            else:
                deliver(s3, logs, a, base, region, now)


def deliver(s3, logs, a, base, region, now):
    """One region's log file, its digest and its log events."""
    day = now.strftime("%Y/%m/%d")
    records = [
        event(a.account, region, "ListBuckets", "s3.amazonaws.com", now),
        event(a.account, region, "DescribeInstances", "ec2.amazonaws.com", now),
    ]
    body = gzip.compress(json.dumps({"Records": records}).encode())
    stamp = now.strftime("%Y%m%dT%H%MZ")
    key = f"{base}/{a.account}/CloudTrail/{region}/{day}/{a.account}_CloudTrail_{region}_{stamp}_{uuid.uuid4().hex[:16]}.json.gz"
    s3.put_object(Bucket=a.bucket, Key=key, Body=body)
    digest = {
        "awsAccountId": a.account,
        "digestStartTime": (now - datetime.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "digestEndTime": now.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "digestS3Bucket": a.bucket,
        "digestS3Object": "",
        "digestPublicKeyFingerprint": "0" * 32,
        "digestSignatureAlgorithm": "SHA256withRSA",
        "newestEventTime": now.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "oldestEventTime": now.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "previousDigestS3Bucket": None,
        "previousDigestS3Object": None,
        "previousDigestHashValue": None,
        "previousDigestHashAlgorithm": None,
        "previousDigestSignature": None,
        "logFiles": [{
            "s3Bucket": a.bucket,
            "s3Object": key,
            "hashValue": hashlib.sha256(gzip.decompress(body)).hexdigest(),
            "hashAlgorithm": "SHA-256",
            "newestEventTime": now.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "oldestEventTime": now.strftime("%Y-%m-%dT%H:%M:%SZ"),
        }],
    }
    digest_key = f"{base}/{a.account}/CloudTrail-Digest/{region}/{day}/{a.account}_CloudTrail-Digest_{region}_{a.trail}_{a.home}_{now.strftime('%Y%m%dT%H%M%SZ')}.json.gz"
    digest["digestS3Object"] = digest_key
    s3.put_object(Bucket=a.bucket, Key=digest_key, Body=gzip.compress(json.dumps(digest).encode()))
    if a.log_group:
        stream = f"{a.account}_CloudTrail_{region}"
        try:
            logs.create_log_stream(logGroupName=a.log_group, logStreamName=stream)
        except logs.exceptions.ResourceAlreadyExistsException:
            pass
        ms = int(now.timestamp() * 1000)
        logs.put_log_events(
            logGroupName=a.log_group,
            logStreamName=stream,
            logEvents=[{"timestamp": ms, "message": json.dumps(r)} for r in records],
        )


if __name__ == "__main__":
    main()
