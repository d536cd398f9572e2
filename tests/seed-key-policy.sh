#!/usr/bin/env bash
# The precondition of the seed procedure's KMS option ("Check KMS key policy
# allows CloudTrail service access"): puts on KEY_ID the key policy the
# CloudTrail console writes for a trail's key (CloudTrail User Guide, "Default
# KMS key policy created in CloudTrail console"): the account's root, and
# CloudTrail encrypting and describing the key for the seed's trail. AWS (and
# the test adapter) refuse CreateTrail with the key otherwise.
#
# Usage: seed-key-policy.sh KEY_ID    (env: AWS_ENDPOINT_URL, credentials)
set -euo pipefail
aws=${AWS_CLI:-aws}
key_id=$1
region=us-east-1
trail_name=security-audit-trail
account_id=$($aws sts get-caller-identity --region "$region" --query Account --output text)
trail_arn="arn:aws:cloudtrail:${region}:${account_id}:trail/${trail_name}"
$aws kms put-key-policy --key-id "$key_id" --policy-name default --region "$region" --policy "{
  \"Version\": \"2012-10-17\",
  \"Id\": \"Key policy created by CloudTrail\",
  \"Statement\": [
    {\"Sid\": \"Enable IAM user permissions\", \"Effect\": \"Allow\",
     \"Principal\": {\"AWS\": \"arn:aws:iam::${account_id}:root\"}, \"Action\": \"kms:*\", \"Resource\": \"*\"},
    {\"Sid\": \"Allow CloudTrail to encrypt logs\", \"Effect\": \"Allow\",
     \"Principal\": {\"Service\": \"cloudtrail.amazonaws.com\"}, \"Action\": \"kms:GenerateDataKey*\", \"Resource\": \"*\",
     \"Condition\": {\"StringEquals\": {\"aws:SourceArn\": \"${trail_arn}\"},
                    \"StringLike\": {\"kms:EncryptionContext:aws:cloudtrail:arn\": \"arn:aws:cloudtrail:*:${account_id}:trail/*\"}}},
    {\"Sid\": \"Allow CloudTrail to describe key\", \"Effect\": \"Allow\",
     \"Principal\": {\"Service\": \"cloudtrail.amazonaws.com\"}, \"Action\": \"kms:DescribeKey\", \"Resource\": \"*\",
     \"Condition\": {\"StringEquals\": {\"aws:SourceArn\": \"${trail_arn}\"}}},
    {\"Sid\": \"Allow principals in the account to decrypt log files\", \"Effect\": \"Allow\",
     \"Principal\": {\"AWS\": \"*\"}, \"Action\": [\"kms:Decrypt\", \"kms:ReEncryptFrom\"], \"Resource\": \"*\",
     \"Condition\": {\"StringEquals\": {\"kms:CallerAccount\": \"${account_id}\"},
                    \"StringLike\": {\"kms:EncryptionContext:aws:cloudtrail:arn\": \"arn:aws:cloudtrail:*:${account_id}:trail/*\"}}}
  ]
}"
