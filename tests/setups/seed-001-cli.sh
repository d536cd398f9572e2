#!/usr/bin/env bash
# Setup (b): seed 001's AWS CLI steps, as written there: "Hands-On, Step 1"
# (the bucket and its policy), "Creating a Trail, Using AWS CLI" (a
# multi-region trail with validation, encrypted with alias/cloudtrail-key,
# logging, both Insights types) and "Setting Up CloudWatch Integration" (the
# log group /aws/cloudtrail/my-trail, role CloudTrailCloudWatchLogsRole with
# the inline policy CloudTrailCloudWatchLogsPolicy, update-trail). The key
# behind alias/cloudtrail-key is a precondition the seed does not show; it is
# made here with the key policy of seed 001's CloudFormation template. The
# seed's account 123456789012 is the caller's.
#
# Usage: seed-001-cli.sh    (env: AWS_ENDPOINT_URL, credentials)
set -euo pipefail

err=$(mktemp)
trap 'rm -f "$err"' EXIT

aws=${AWS_CLI:-aws}
region=us-east-1
trail_name=my-production-trail
log_group=/aws/cloudtrail/my-trail
role_name=CloudTrailCloudWatchLogsRole
account_id=$($aws sts get-caller-identity --query Account --output text)
bucket="my-account-cloudtrail-logs-${account_id}"

# Precondition: alias/cloudtrail-key, a key CloudTrail may encrypt with.
key_policy="{\"Version\":\"2012-10-17\",\"Statement\":[
 {\"Sid\":\"Enable IAM User Permissions\",\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"arn:aws:iam::${account_id}:root\"},\"Action\":\"kms:*\",\"Resource\":\"*\"},
 {\"Sid\":\"Allow CloudTrail to encrypt logs\",\"Effect\":\"Allow\",\"Principal\":{\"Service\":\"cloudtrail.amazonaws.com\"},\"Action\":[\"kms:GenerateDataKey*\",\"kms:DescribeKey\"],\"Resource\":\"*\"},
 {\"Sid\":\"Allow CloudTrail to describe key\",\"Effect\":\"Allow\",\"Principal\":{\"Service\":\"cloudtrail.amazonaws.com\"},\"Action\":\"kms:DescribeKey\",\"Resource\":\"*\"}]}"
key_id=$($aws kms create-key --description "KMS key for CloudTrail log encryption" --policy "$key_policy" \
  --key-spec SYMMETRIC_DEFAULT --key-usage ENCRYPT_DECRYPT \
  --query KeyMetadata.KeyId --output text)
$aws kms create-alias --alias-name alias/cloudtrail-key --target-key-id "$key_id"

# Hands-On, Step 1: the bucket and its policy.
$aws s3 mb "s3://${bucket}" >/dev/null
# What S3 gives every new bucket since January 2023, SSE-S3 default
# encryption (S3 User Guide, "Setting default server-side encryption behavior
# for Amazon S3 buckets"); the emulator gives none, so it is set here.
$aws s3api put-bucket-encryption --bucket "$bucket" --server-side-encryption-configuration \
  '{"Rules":[{"ApplyServerSideEncryptionByDefault":{"SSEAlgorithm":"AES256"}}]}'
$aws s3api put-bucket-policy --bucket "$bucket" --policy "{\"Version\":\"2012-10-17\",\"Statement\":[
 {\"Sid\":\"AWSCloudTrailAclCheck\",\"Effect\":\"Allow\",\"Principal\":{\"Service\":\"cloudtrail.amazonaws.com\"},\"Action\":\"s3:GetBucketAcl\",\"Resource\":\"arn:aws:s3:::${bucket}\"},
 {\"Sid\":\"AWSCloudTrailWrite\",\"Effect\":\"Allow\",\"Principal\":{\"Service\":\"cloudtrail.amazonaws.com\"},\"Action\":\"s3:PutObject\",\"Resource\":\"arn:aws:s3:::${bucket}/*\",\"Condition\":{\"StringEquals\":{\"s3:x-amz-acl\":\"bucket-owner-full-control\"}}}]}"

# Creating a Trail, Using AWS CLI.
$aws cloudtrail create-trail --name "$trail_name" --s3-bucket-name "$bucket" \
  --is-multi-region-trail --enable-log-file-validation --include-global-service-events \
  --kms-key-id alias/cloudtrail-key >/dev/null
# What CloudTrail gives a trail created without selectors: all management
# events, read and write (CloudTrail User Guide, "Logging management
# events"); the emulator gives none, so it is set here.
$aws cloudtrail put-event-selectors --trail-name "$trail_name" \
  --event-selectors '[{"ReadWriteType":"All","IncludeManagementEvents":true}]' >/dev/null
$aws cloudtrail start-logging --name "$trail_name"
$aws cloudtrail put-insight-selectors --trail-name "$trail_name" \
  --insight-selectors '[{"InsightType": "ApiCallRateInsight"}, {"InsightType": "ApiErrorRateInsight"}]' >/dev/null

# Setting Up CloudWatch Integration.
$aws logs create-log-group --log-group-name "$log_group"
$aws iam create-role --role-name "$role_name" --assume-role-policy-document \
  '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"cloudtrail.amazonaws.com"},"Action":"sts:AssumeRole"}]}' >/dev/null
$aws iam put-role-policy --role-name "$role_name" --policy-name CloudTrailCloudWatchLogsPolicy --policy-document \
  "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":[\"logs:CreateLogStream\",\"logs:PutLogEvents\"],\"Resource\":\"arn:aws:logs:${region}:${account_id}:log-group:${log_group}:*\"}]}"
created=false
for attempt in 1 2 3 4 5 6; do
  if $aws cloudtrail update-trail --name "$trail_name" \
      --cloud-watch-logs-log-group-arn "arn:aws:logs:${region}:${account_id}:log-group:${log_group}" \
      --cloud-watch-logs-role-arn "arn:aws:iam::${account_id}:role/${role_name}" >/dev/null 2>"$err"; then
    created=true
    break
  fi
  grep -q InvalidCloudWatchLogs "$err" || { cat "$err" >&2; exit 1; }
  [ "$attempt" = 6 ] || sleep $((attempt * 5))
done
$created || { echo "update-trail still refused after 6 attempts:" >&2; cat "$err" >&2; exit 1; }
echo "seed 001 CLI setup done: trail $trail_name"
