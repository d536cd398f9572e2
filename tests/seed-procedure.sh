#!/usr/bin/env bash
# The manual procedure ctrail replaces (seed 000, steps 2-7), done with the AWS
# CLI exactly as written there, with the Knowledge Base's example parameters.
# Integration tests run it against the emulator, then check what `ctrail plan`
# says about the result.
#
# Usage: seed-procedure.sh [KMS_KEY_ID]    (env: AWS_ENDPOINT_URL, credentials;
#   ROLE_POLICY_NAME: the role's inline policy, which the seed leaves unnamed)
set -euo pipefail

aws=${AWS_CLI:-aws}
trail_name=security-audit-trail
s3_bucket_name=my-org-cloudtrail-logs-2024
region=us-east-1
cloudwatch_log_group=CloudTrail/SecurityLogs
enable_data_events=true
enable_insights=true
kms_key_id=${1:-}
role_name="CloudTrail-CloudWatchLogs-Role-${trail_name}"
role_policy_name=${ROLE_POLICY_NAME:-CloudTrail-CloudWatchLogs-Delivery}

# Step 2: S3 bucket.
account_id=$($aws sts get-caller-identity --region "$region" --query Account --output text)
if [ "$region" = "us-east-1" ]; then
  $aws s3api create-bucket --bucket "$s3_bucket_name" --region "$region" >/dev/null
else
  $aws s3api create-bucket --bucket "$s3_bucket_name" --region "$region" \
    --create-bucket-configuration "LocationConstraint=$region" >/dev/null
fi
$aws s3api put-bucket-versioning --bucket "$s3_bucket_name" --versioning-configuration Status=Enabled --region "$region"
$aws s3api put-bucket-tagging --bucket "$s3_bucket_name" --region "$region" --tagging \
  'TagSet=[{Key=Environment,Value=prod},{Key=Owner,Value=security-team},{Key=Project,Value=audit},{Key=CostCenter,Value=IT-001}]'
if [ -n "$kms_key_id" ]; then
  $aws s3api put-bucket-encryption --bucket "$s3_bucket_name" --region "$region" \
    --server-side-encryption-configuration "{\"Rules\":[{\"ApplyServerSideEncryptionByDefault\":{\"SSEAlgorithm\":\"aws:kms\",\"KMSMasterKeyID\":\"${kms_key_id}\"}}]}"
fi
$aws s3api put-bucket-lifecycle-configuration --bucket "$s3_bucket_name" --region "$region" \
  --lifecycle-configuration '{"Rules":[{"ID":"CloudTrailLogLifecycle","Status":"Enabled","Filter":{"Prefix":""},"Transitions":[{"Days":30,"StorageClass":"STANDARD_IA"},{"Days":90,"StorageClass":"GLACIER"},{"Days":365,"StorageClass":"DEEP_ARCHIVE"}]}]}'
$aws s3api put-bucket-policy --bucket "$s3_bucket_name" --region "$region" \
  --policy "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Sid\":\"AWSCloudTrailAclCheck\",\"Effect\":\"Allow\",\"Principal\":{\"Service\":\"cloudtrail.amazonaws.com\"},\"Action\":\"s3:GetBucketAcl\",\"Resource\":\"arn:aws:s3:::${s3_bucket_name}\"},{\"Sid\":\"AWSCloudTrailWrite\",\"Effect\":\"Allow\",\"Principal\":{\"Service\":\"cloudtrail.amazonaws.com\"},\"Action\":\"s3:PutObject\",\"Resource\":\"arn:aws:s3:::${s3_bucket_name}/*\",\"Condition\":{\"StringEquals\":{\"s3:x-amz-acl\":\"bucket-owner-full-control\"}}},{\"Sid\":\"AWSCloudTrailBucketExistenceCheck\",\"Effect\":\"Allow\",\"Principal\":{\"Service\":\"cloudtrail.amazonaws.com\"},\"Action\":\"s3:ListBucket\",\"Resource\":\"arn:aws:s3:::${s3_bucket_name}\"}]}"

# Step 3: CloudWatch log group.
$aws logs create-log-group --log-group-name "$cloudwatch_log_group" --region "$region"
$aws logs put-retention-policy --log-group-name "$cloudwatch_log_group" --retention-in-days 90 --region "$region"
$aws logs tag-log-group --log-group-name "$cloudwatch_log_group" --region "$region" \
  --tags Environment=prod,Owner=security-team,Project=audit,CostCenter=IT-001

# Step 4: IAM role for CloudTrail, least privilege on the log group.
$aws iam create-role --role-name "$role_name" --assume-role-policy-document \
  '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"cloudtrail.amazonaws.com"},"Action":"sts:AssumeRole"}]}' >/dev/null
$aws iam put-role-policy --role-name "$role_name" --policy-name "$role_policy_name" --policy-document \
  "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":[\"logs:CreateLogStream\",\"logs:PutLogEvents\"],\"Resource\":\"arn:aws:logs:${region}:${account_id}:log-group:${cloudwatch_log_group}:*\"}]}"
$aws iam tag-role --role-name "$role_name" --region "$region" --tags \
  Key=Environment,Value=prod Key=Owner,Value=security-team Key=Project,Value=audit Key=CostCenter,Value=IT-001
role_arn="arn:aws:iam::${account_id}:role/${role_name}"
log_group_arn="arn:aws:logs:${region}:${account_id}:log-group:${cloudwatch_log_group}:*"

# Step 5: multi-region trail (retrying while IAM propagates), tags, logging.
kms_args=()
[ -n "$kms_key_id" ] && kms_args=(--kms-key-id "$kms_key_id")
for attempt in 1 2 3 4 5 6; do
  if $aws cloudtrail create-trail --name "$trail_name" --s3-bucket-name "$s3_bucket_name" \
      --include-global-service-events --is-multi-region-trail --enable-log-file-validation \
      --cloud-watch-logs-log-group-arn "$log_group_arn" --cloud-watch-logs-role-arn "$role_arn" \
      "${kms_args[@]}" --region "$region" >/dev/null 2>/tmp/create-trail.err; then
    break
  fi
  grep -q InvalidCloudWatchLogsLogGroupArnException /tmp/create-trail.err || { cat /tmp/create-trail.err >&2; exit 1; }
  sleep $((attempt * 5))
done
trail_arn="arn:aws:cloudtrail:${region}:${account_id}:trail/${trail_name}"
$aws cloudtrail add-tags --resource-id "$trail_arn" --region "$region" --tags-list \
  Key=Environment,Value=prod Key=Owner,Value=security-team Key=Project,Value=audit Key=CostCenter,Value=IT-001
$aws cloudtrail start-logging --name "$trail_name" --region "$region"

# Step 6: data events.
if [ "$enable_data_events" = true ]; then
  $aws cloudtrail put-event-selectors --trail-name "$trail_name" --region "$region" --event-selectors \
    '[{"ReadWriteType": "All","IncludeManagementEvents": true,"DataResources": [{"Type":"AWS::S3::Object", "Values": ["arn:aws:s3"]},{"Type": "AWS::Lambda::Function","Values": ["arn:aws:lambda"]}]}]' >/dev/null
fi

# Step 7: insights.
if [ "$enable_insights" = true ]; then
  $aws cloudtrail put-insight-selectors --trail-name "$trail_name" --insight-selectors InsightType=ApiCallRateInsight --region "$region" >/dev/null
fi
echo "seed procedure done: trail $trail_arn"
