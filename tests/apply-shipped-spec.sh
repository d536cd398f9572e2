#!/usr/bin/env bash
# Applies one shipped spec to a fresh emulated account, then plans it again:
# the account is prepared as the spec's comments say a user's would be (the
# account its `account_id` names, an AWS Organization for an organization
# trail, the KMS key it names), then `ctrail apply --auto-approve` and
# `ctrail plan --detailed-exitcode` (0: converged).
#
# With LOSE_EVERY, the test proxy carries out every LOSE_EVERY-th write of the
# apply and then loses its answer; afterwards nothing may exist twice.
#
# Usage: apply-shipped-spec.sh CTRAIL SPEC [LOSE_EVERY]
#        (env: AWS_ENDPOINT_URL, AWS_CLI, credentials)
set -euo pipefail
aws=${AWS_CLI:-aws}
ctrail=$1
spec=$2
lose_every=${3:-}
# The test proxy's control API, with the Python that runs the AWS CLI (no curl needed).
python=$(dirname "$(command -v "$aws")")/python
proxy() {
  "$python" -c 'import sys, urllib.request
urllib.request.urlopen(urllib.request.Request(sys.argv[1], data=sys.argv[2].encode(), method="POST")).read()' \
    "$AWS_ENDPOINT_URL/_proxy/$1" "$2"
}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp "$spec" "$work/spec.yaml"
field() { sed -n "s/^$1: *\"\{0,1\}\([^\" #]*\)\"\{0,1\}.*/\1/p" "$work/spec.yaml" | head -n 1; }

# The account the spec is for: assume the role AWS Organizations creates in
# each account it creates (the emulator acts in the account of the role's
# ARN; the test adapter refuses a role that is not there, but for this one).
account=$(field account_id)
if [ -n "$account" ]; then
  creds=$($aws sts assume-role --role-arn "arn:aws:iam::${account}:role/OrganizationAccountAccessRole" \
    --role-session-name shipped-spec --query Credentials --output text)
  read -r AWS_ACCESS_KEY_ID _ AWS_SECRET_ACCESS_KEY AWS_SESSION_TOKEN <<<"$creds"
  export AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_SESSION_TOKEN
fi
region=$(field region)
# A spec spanning accounts: in each account it reaches by a role, that role
# as the account's owners make it (through OrganizationAccountAccessRole),
# trusting the caller's account, with the external id the entry names.
caller=$($aws sts get-caller-identity --query Account --output text)
key_account=$(field kms_key_account)
key_creds=
while read -r name role external; do
  [ "$role" != - ] || continue
  id=$(cut -d: -f5 <<<"$role")
  admin=$($aws sts assume-role --role-arn "arn:aws:iam::${id}:role/OrganizationAccountAccessRole" \
    --role-session-name shipped-spec --query Credentials --output text)
  read -r a_key _ a_secret a_token <<<"$admin"
  condition=
  [ "$external" = - ] || condition=",\"Condition\":{\"StringEquals\":{\"sts:ExternalId\":\"$external\"}}"
  AWS_ACCESS_KEY_ID=$a_key AWS_SECRET_ACCESS_KEY=$a_secret AWS_SESSION_TOKEN=$a_token \
    $aws iam create-role --role-name "${role##*/}" >/dev/null --assume-role-policy-document \
    "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"arn:aws:iam::${caller}:root\"},\"Action\":\"sts:AssumeRole\"$condition}]}"
  [ "$name" != "$key_account" ] || key_creds="$a_key $a_secret $a_token"
done < <("$python" -c '
import sys, yaml
for a in yaml.safe_load(open(sys.argv[1])).get("accounts") or []:
    print(a["name"], a.get("role_arn") or "-", a.get("external_id") or "-")
' "$work/spec.yaml")
if grep -q '^  organization: true' "$work/spec.yaml"; then
  # Created once: a retried call whose first attempt took effect (its
  # answer slow to come) is answered AlreadyInOrganizationException.
  if ! $aws organizations create-organization --feature-set ALL --region "$region" >/dev/null 2>"$work/org.err"; then
    grep -q AlreadyInOrganizationException "$work/org.err" || { cat "$work/org.err" >&2; exit 1; }
  fi
  # CloudTrail's trusted access, which an organization trail needs
  # (CloudTrailAccessNotEnabledException otherwise; tests/proxy/trail_rules.py).
  $aws organizations enable-aws-service-access --service-principal cloudtrail.amazonaws.com --region "$region"
fi
key=$(field kms_key_id)
# A spec with create_kms_key makes its own key.
if [ -n "$key" ] && ! grep -q '^create_kms_key: true' "$work/spec.yaml"; then
  id=$($aws kms create-key --region "$region" --query KeyMetadata.KeyId --output text)
  case "$key" in
    alias/*) $aws kms create-alias --alias-name "$key" --target-key-id "$id" --region "$region" ;;
    *) sed -i "s/$key/$id/" "$work/spec.yaml" ;;
  esac
fi
[ -n "$lose_every" ] && proxy config "{\"lose_answer_every\": $lose_every}"
"$ctrail" apply --auto-approve "$work/spec.yaml"
proxy config '{"reset": true}'
"$ctrail" plan --detailed-exitcode "$work/spec.yaml"

# Nothing created twice: what AWS keys by id (saved queries, subscriptions,
# KMS keys: one, the spec's) and, for good measure, the trail.
twice() { sort | uniq -d; }
dup=$( { $aws logs describe-query-definitions --region "$region" --query 'queryDefinitions[].name' --output text | tr '\t' '\n' | twice
         $aws sns list-subscriptions --region "$region" --query 'Subscriptions[].[TopicArn,Endpoint]' --output text | twice
         $aws cloudtrail describe-trails --region "$region" --query 'trailList[].Name' --output text | tr '\t' '\n' | twice
         # The key is counted in its own account (kms_key_account).
         if [ -n "$key_creds" ]; then
           read -r k_key k_secret k_token <<<"$key_creds"
           keys=$(AWS_ACCESS_KEY_ID=$k_key AWS_SECRET_ACCESS_KEY=$k_secret AWS_SESSION_TOKEN=$k_token \
             $aws kms list-keys --region "$region" --query 'length(Keys)' --output text)
         else
           keys=$($aws kms list-keys --region "$region" --query 'length(Keys)' --output text)
         fi
         [ -z "$key" ] || [ "$keys" = 1 ] || echo "$keys KMS keys"; } )
if [ -n "$dup" ]; then
  echo "created twice: $dup" >&2
  exit 1
fi
