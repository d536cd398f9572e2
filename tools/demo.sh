#!/usr/bin/env bash
# The main job on the local emulator (run through tools/with-emulator):
# an account set up by hand the way the manual procedure does it, what
# ctrail plans for it, the account brought to the spec, a plan that shows
# nothing, and a hand-made change caught by ctrail drift.
set -euo pipefail
ctrail=${CTRAIL:-./target/debug/ctrail}
aws=$AWS_CLI
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
step() { printf '\n\033[1m== %s\033[0m\n\n' "$*"; }

step "A KMS key for the trail (the emulator gives every key a random id)"
key=$($aws kms create-key --query KeyMetadata.KeyId --output text)
sed "s/12345678-1234-1234-1234-123456789012/$key/" specs/security-audit-trail.yaml > "$tmp/security-audit-trail.yaml"
echo "key $key -> $tmp/security-audit-trail.yaml"

step "The manual procedure, step by step with the AWS CLI (tests/seed-procedure.sh)"
tests/seed-procedure.sh "$key"

step "ctrail plan: what the hand-made setup lacks against the spec's secure defaults"
$ctrail plan "$tmp/security-audit-trail.yaml" || true

step "ctrail apply: make the account match the spec"
$ctrail apply --auto-approve "$tmp/security-audit-trail.yaml"

step "ctrail plan: nothing left to do"
$ctrail plan --detailed-exitcode "$tmp/security-audit-trail.yaml"

step "Someone stops logging by hand; the scheduled ctrail drift reports it (exit 2)"
$aws cloudtrail stop-logging --name security-audit-trail
set +e
$ctrail drift --format markdown "$tmp/security-audit-trail.yaml"
echo "(ctrail drift exited $?)"
