#!/usr/bin/env bash
# Setup (a): seed 000's CLI steps, as tests/seed-procedure.sh does them, with
# the role's inline policy under a name of the user's choosing. Seed 000's
# step 4 asks for "an inline policy for CloudWatch Logs access" and names no
# policy; tests/seed-procedure.sh uses ctrail's own name, which hides what
# import does with any other, so this setup names it as the seed names the
# role ("CloudTrail-CloudWatchLogs-Policy-<trail>").
#
# Usage: seed-000-cli.sh KMS_KEY_ID    (env: AWS_ENDPOINT_URL, credentials)
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
export ROLE_POLICY_NAME=CloudTrail-CloudWatchLogs-Policy-security-audit-trail
exec bash "$here/../seed-procedure.sh" "$@"
