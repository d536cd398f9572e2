#!/usr/bin/env bash
# Setup (c): seed 001's CloudFormation template ("Using CloudFormation"),
# written out as the API calls CloudFormation makes for it, with its
# parameter's default (TrailName organization-trail): the key (rotation on,
# the template's key policy), the bucket ${AccountId}-cloudtrail-logs
# (SSE-KMS with the key, public access blocked, versioning, the rule
# ArchiveOldLogs), its policy, the log group /aws/cloudtrail/organization-trail
# (90 days), the role organization-trail-cloudwatch-role with the inline
# policy CloudTrailCloudWatchPolicy on the group's ARN (Fn::GetAtt Arn, which
# ends in ":*"), and the trail with its event and Insights selectors, logging.
# !Ref of the key is its id, so the bucket and the trail name the key by id.
#
# Usage: seed-001-cloudformation.sh    (env: AWS_ENDPOINT_URL, credentials)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

trail_name=organization-trail
bucket="${account_id}-cloudtrail-logs"
log_group="/aws/cloudtrail/${trail_name}"
role_name="${trail_name}-cloudwatch-role"

# CloudTrailKey (AWS::KMS::Key).
key_id=$(create_seed_001_key)
$aws kms enable-key-rotation --key-id "$key_id"

# CloudTrailBucket (AWS::S3::Bucket).
$aws s3api create-bucket --bucket "$bucket" --region "$region" >/dev/null
$aws s3api put-bucket-encryption --bucket "$bucket" --server-side-encryption-configuration \
  "{\"Rules\":[{\"ApplyServerSideEncryptionByDefault\":{\"SSEAlgorithm\":\"aws:kms\",\"KMSMasterKeyID\":\"${key_id}\"}}]}"
$aws s3api put-public-access-block --bucket "$bucket" --public-access-block-configuration \
  BlockPublicAcls=true,IgnorePublicAcls=true,BlockPublicPolicy=true,RestrictPublicBuckets=true
$aws s3api put-bucket-versioning --bucket "$bucket" --versioning-configuration Status=Enabled
$aws s3api put-bucket-lifecycle-configuration --bucket "$bucket" --lifecycle-configuration \
  '{"Rules":[{"ID":"ArchiveOldLogs","Status":"Enabled","Filter":{"Prefix":""},"Transitions":[{"Days":90,"StorageClass":"GLACIER"}],"Expiration":{"Days":365}}]}'

# CloudTrailBucketPolicy (AWS::S3::BucketPolicy).
put_seed_001_bucket_policy "$bucket"

# CloudTrailLogGroup (AWS::Logs::LogGroup).
$aws logs create-log-group --log-group-name "$log_group"
$aws logs put-retention-policy --log-group-name "$log_group" --retention-in-days 90
log_group_arn="arn:aws:logs:${region}:${account_id}:log-group:${log_group}:*"

# CloudTrailCloudWatchRole (AWS::IAM::Role with Policies).
create_cloudtrail_role "$role_name"
put_seed_001_role_policy "$role_name" CloudTrailCloudWatchPolicy "$log_group_arn"

# CloudTrail (AWS::CloudTrail::Trail), after the bucket policy (DependsOn).
cloudtrail_with_new_role create-trail --name "$trail_name" --s3-bucket-name "$bucket" \
  --is-multi-region-trail --include-global-service-events --enable-log-file-validation \
  --kms-key-id "$key_id" --cloud-watch-logs-log-group-arn "$log_group_arn" \
  --cloud-watch-logs-role-arn "arn:aws:iam::${account_id}:role/${role_name}"
$aws cloudtrail put-event-selectors --trail-name "$trail_name" --event-selectors \
  '[{"ReadWriteType":"All","IncludeManagementEvents":true,"DataResources":[{"Type":"AWS::S3::Object","Values":["arn:aws:s3:::my-sensitive-bucket/"]},{"Type":"AWS::Lambda::Function","Values":["arn:aws:lambda"]}]}]' >/dev/null
$aws cloudtrail put-insight-selectors --trail-name "$trail_name" \
  --insight-selectors '[{"InsightType":"ApiCallRateInsight"},{"InsightType":"ApiErrorRateInsight"}]' >/dev/null
$aws cloudtrail start-logging --name "$trail_name"
echo "seed 001 CloudFormation setup done: trail $trail_name"
