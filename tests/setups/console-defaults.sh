#!/usr/bin/env bash
# Setup (d): a trail made in the CloudTrail console with its defaults, as the
# API calls the console makes: a multi-region trail with log file validation,
# a new bucket aws-cloudtrail-logs-<account>-<random> with the bucket policy
# of the CloudTrail User Guide ("Amazon S3 bucket policy for CloudTrail"), and
# CloudWatch Logs with a new log group aws-cloudtrail-logs-<account>-<random>
# and the default role CloudTrail_CloudWatchLogs_Role, whose inline policy
# (named oneClick_CloudTrail_CloudWatchLogs_Role_<epoch milliseconds>, as the
# console names it) is the User Guide's default ("Role policy document for
# CloudTrail to use CloudWatch Logs for monitoring",
# https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-required-policy-for-cloudwatch-logs.html):
# CreateLogStream and PutLogEvents on the home region's streams only,
# log-stream:<account>_CloudTrail_<home region>*.
#
# Usage: console-defaults.sh    (env: AWS_ENDPOINT_URL, credentials)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

trail_name=management-events
bucket="aws-cloudtrail-logs-${account_id}-3f8a2c1d"
log_group="aws-cloudtrail-logs-${account_id}-a908e677"
role_name=CloudTrail_CloudWatchLogs_Role
policy_name=oneClick_CloudTrail_CloudWatchLogs_Role_1764806400000
trail_arn="arn:aws:cloudtrail:${region}:${account_id}:trail/${trail_name}"

$aws s3api create-bucket --bucket "$bucket" --region "$region" >/dev/null
put_s3_default_encryption "$bucket"
$aws s3api put-bucket-policy --bucket "$bucket" --policy "{\"Version\":\"2012-10-17\",\"Statement\":[
 {\"Sid\":\"AWSCloudTrailAclCheck20150319\",\"Effect\":\"Allow\",\"Principal\":{\"Service\":\"cloudtrail.amazonaws.com\"},\"Action\":\"s3:GetBucketAcl\",\"Resource\":\"arn:aws:s3:::${bucket}\",\"Condition\":{\"StringEquals\":{\"aws:SourceArn\":\"${trail_arn}\"}}},
 {\"Sid\":\"AWSCloudTrailWrite20150319\",\"Effect\":\"Allow\",\"Principal\":{\"Service\":\"cloudtrail.amazonaws.com\"},\"Action\":\"s3:PutObject\",\"Resource\":\"arn:aws:s3:::${bucket}/AWSLogs/${account_id}/*\",\"Condition\":{\"StringEquals\":{\"s3:x-amz-acl\":\"bucket-owner-full-control\",\"aws:SourceArn\":\"${trail_arn}\"}}}]}"

$aws logs create-log-group --log-group-name "$log_group"
create_cloudtrail_role "$role_name"
streams="arn:aws:logs:${region}:${account_id}:log-group:${log_group}:log-stream:${account_id}_CloudTrail_${region}*"
$aws iam put-role-policy --role-name "$role_name" --policy-name "$policy_name" --policy-document \
  "{\"Version\":\"2012-10-17\",\"Statement\":[
 {\"Sid\":\"AWSCloudTrailCreateLogStream2014110\",\"Effect\":\"Allow\",\"Action\":[\"logs:CreateLogStream\"],\"Resource\":[\"${streams}\"]},
 {\"Sid\":\"AWSCloudTrailPutLogEvents20141101\",\"Effect\":\"Allow\",\"Action\":[\"logs:PutLogEvents\"],\"Resource\":[\"${streams}\"]}]}"

cloudtrail_with_new_role create-trail --name "$trail_name" --s3-bucket-name "$bucket" \
  --is-multi-region-trail --include-global-service-events --enable-log-file-validation \
  --cloud-watch-logs-log-group-arn "arn:aws:logs:${region}:${account_id}:log-group:${log_group}:*" \
  --cloud-watch-logs-role-arn "arn:aws:iam::${account_id}:role/${role_name}"
# The console's "Management events: Read, Write".
$aws cloudtrail put-event-selectors --trail-name "$trail_name" \
  --event-selectors '[{"ReadWriteType":"All","IncludeManagementEvents":true}]' >/dev/null
$aws cloudtrail start-logging --name "$trail_name"
echo "console setup done: trail $trail_name"
