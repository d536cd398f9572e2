# The steps the setups in this folder share; each sources this file (it is
# never run alone) and keeps its own names and its own order of steps.
#
# Sets: aws (the AWS CLI: $AWS_CLI, or aws), region (us-east-1), account_id
# (the caller's), setup_err (a scratch file for a refused call's error,
# removed on exit).

aws=${AWS_CLI:-aws}
region=us-east-1
setup_err=$(mktemp)
trap 'rm -f "$setup_err"' EXIT
account_id=$($aws sts get-caller-identity --query Account --output text)

# Seed 001's key for CloudTrail, with the key policy of its CloudFormation
# template (the account's root; CloudTrail generating data keys and
# describing the key); prints the key's id.
create_seed_001_key() {
  local policy="{\"Version\":\"2012-10-17\",\"Statement\":[
 {\"Sid\":\"Enable IAM User Permissions\",\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"arn:aws:iam::${account_id}:root\"},\"Action\":\"kms:*\",\"Resource\":\"*\"},
 {\"Sid\":\"Allow CloudTrail to encrypt logs\",\"Effect\":\"Allow\",\"Principal\":{\"Service\":\"cloudtrail.amazonaws.com\"},\"Action\":[\"kms:GenerateDataKey*\",\"kms:DescribeKey\"],\"Resource\":\"*\"},
 {\"Sid\":\"Allow CloudTrail to describe key\",\"Effect\":\"Allow\",\"Principal\":{\"Service\":\"cloudtrail.amazonaws.com\"},\"Action\":\"kms:DescribeKey\",\"Resource\":\"*\"}]}"
  $aws kms create-key --description "KMS key for CloudTrail log encryption" --policy "$policy" \
    --key-spec SYMMETRIC_DEFAULT --key-usage ENCRYPT_DECRYPT \
    --query KeyMetadata.KeyId --output text
}

# What S3 gives every new bucket since January 2023, SSE-S3 default
# encryption (S3 User Guide, "Setting default server-side encryption behavior
# for Amazon S3 buckets"); the emulator gives none, so it is set on BUCKET as
# S3 would.
put_s3_default_encryption() {
  $aws s3api put-bucket-encryption --bucket "$1" --server-side-encryption-configuration \
    '{"Rules":[{"ApplyServerSideEncryptionByDefault":{"SSEAlgorithm":"AES256"}}]}'
}

# Seed 001's bucket policy on BUCKET, the same in its CLI steps and its
# template: CloudTrail reads the bucket's ACL and writes objects anywhere in
# it with bucket-owner-full-control.
put_seed_001_bucket_policy() {
  local bucket=$1
  $aws s3api put-bucket-policy --bucket "$bucket" --policy "{\"Version\":\"2012-10-17\",\"Statement\":[
 {\"Sid\":\"AWSCloudTrailAclCheck\",\"Effect\":\"Allow\",\"Principal\":{\"Service\":\"cloudtrail.amazonaws.com\"},\"Action\":\"s3:GetBucketAcl\",\"Resource\":\"arn:aws:s3:::${bucket}\"},
 {\"Sid\":\"AWSCloudTrailWrite\",\"Effect\":\"Allow\",\"Principal\":{\"Service\":\"cloudtrail.amazonaws.com\"},\"Action\":\"s3:PutObject\",\"Resource\":\"arn:aws:s3:::${bucket}/*\",\"Condition\":{\"StringEquals\":{\"s3:x-amz-acl\":\"bucket-owner-full-control\"}}}]}"
}

# The role ROLE_NAME, which CloudTrail may assume (the trust policy of every
# setup here).
create_cloudtrail_role() {
  $aws iam create-role --role-name "$1" --assume-role-policy-document \
    '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"cloudtrail.amazonaws.com"},"Action":"sts:AssumeRole"}]}' >/dev/null
}

# Seed 001's inline policy POLICY_NAME on ROLE_NAME: CreateLogStream and
# PutLogEvents on RESOURCE (the log group's ARN ending in ":*").
put_seed_001_role_policy() {
  $aws iam put-role-policy --role-name "$1" --policy-name "$2" --policy-document \
    "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":[\"logs:CreateLogStream\",\"logs:PutLogEvents\"],\"Resource\":\"$3\"}]}"
}

# `aws cloudtrail OPERATION ARGS...` naming a new CloudWatch Logs role,
# retried while IAM propagates (CloudTrail answers InvalidCloudWatchLogs...):
# at most 6 attempts, 5, 10, 15, 20 and 25 s apart. Any other refusal, or the
# sixth, ends the setup.
cloudtrail_with_new_role() {
  local attempt
  for attempt in 1 2 3 4 5 6; do
    if $aws cloudtrail "$@" >/dev/null 2>"$setup_err"; then
      return 0
    fi
    grep -q InvalidCloudWatchLogs "$setup_err" || { cat "$setup_err" >&2; exit 1; }
    [ "$attempt" = 6 ] || sleep $((attempt * 5))
  done
  echo "$1 still refused after 6 attempts:" >&2
  cat "$setup_err" >&2
  exit 1
}
