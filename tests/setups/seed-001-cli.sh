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
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

trail_name=my-production-trail
log_group=/aws/cloudtrail/my-trail
role_name=CloudTrailCloudWatchLogsRole
bucket="my-account-cloudtrail-logs-${account_id}"

# Precondition: alias/cloudtrail-key, a key CloudTrail may encrypt with.
key_id=$(create_seed_001_key)
$aws kms create-alias --alias-name alias/cloudtrail-key --target-key-id "$key_id"

# Hands-On, Step 1: the bucket and its policy.
$aws s3 mb "s3://${bucket}" >/dev/null
put_s3_default_encryption "$bucket"
put_seed_001_bucket_policy "$bucket"

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
create_cloudtrail_role "$role_name"
put_seed_001_role_policy "$role_name" CloudTrailCloudWatchLogsPolicy \
  "arn:aws:logs:${region}:${account_id}:log-group:${log_group}:*"
cloudtrail_with_new_role update-trail --name "$trail_name" \
  --cloud-watch-logs-log-group-arn "arn:aws:logs:${region}:${account_id}:log-group:${log_group}" \
  --cloud-watch-logs-role-arn "arn:aws:iam::${account_id}:role/${role_name}"
echo "seed 001 CLI setup done: trail $trail_name"
