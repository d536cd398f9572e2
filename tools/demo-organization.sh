#!/usr/bin/env bash
# The organization layout on the local emulator (run through
# tools/with-emulator): specs/organization-log-archive.yaml applied from the
# management account (the emulator's caller, 123456789012), with the bucket
# and its KMS key in the Log Archive account (111122223333), reached through
# the role its owners made there. Then a plan that shows nothing, and
# ctrail destroy, which keeps the Log Archive bucket and its logs.
set -euo pipefail
ctrail=${CTRAIL:-./target/debug/ctrail}
aws=$AWS_CLI
spec=specs/organization-log-archive.yaml
log_archive=111122223333
step() { printf '\n\033[1m== %s\033[0m\n\n' "$*"; }

step "The organization: all features, CloudTrail's trusted access on"
$aws organizations create-organization --feature-set ALL --query Organization.Id --output text
$aws organizations enable-aws-service-access --service-principal cloudtrail.amazonaws.com

step "In the Log Archive account, the role ctrail assumes (made through OrganizationAccountAccessRole)"
admin=$($aws sts assume-role --role-arn "arn:aws:iam::$log_archive:role/OrganizationAccountAccessRole" \
  --role-session-name demo --query 'Credentials.[AccessKeyId,SecretAccessKey,SessionToken]' --output text)
read -r key secret token <<<"$admin"
as_log_archive() { AWS_ACCESS_KEY_ID=$key AWS_SECRET_ACCESS_KEY=$secret AWS_SESSION_TOKEN=$token "$aws" "$@"; }
as_log_archive iam create-role --role-name ctrail-log-archive --query Role.Arn --output text \
  --assume-role-policy-document '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:root"},"Action":"sts:AssumeRole","Condition":{"StringEquals":{"sts:ExternalId":"ctrail-organization-trail"}}}]}'

step "ctrail plan $spec: each resource in its account (the CIS filters and alarms left out here)"
$ctrail plan "$spec" | grep -E '^  \+ [a-z_0-9]+\.[^ ]+ \(create\)|^Plan:' | grep -v -E 'metric_(filter|alarm)\.' || true

step "ctrail apply: the trail and monitoring in the management account, the bucket and key in the Log Archive account"
$ctrail apply --auto-approve "$spec" | tail -n 3
echo "the trail's key: $($aws cloudtrail get-trail --name organization-trail --query Trail.KmsKeyId --output text)"
echo "buckets in the Log Archive account: $(as_log_archive s3api list-buckets --query 'Buckets[].Name' --output text)"

step "ctrail plan: nothing left to do"
$ctrail plan --detailed-exitcode "$spec"

step "ctrail destroy: the Log Archive bucket and its logs are kept"
$ctrail destroy --auto-approve "$spec" | grep -E '^(kept|Destroy)' || true
echo "buckets in the Log Archive account: $(as_log_archive s3api list-buckets --query 'Buckets[].Name' --output text)"
