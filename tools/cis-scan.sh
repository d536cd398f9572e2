#!/usr/bin/env bash
# One side of docs/cis-scan.md: sets up an emulated account one way, then
# runs Prowler's CIS v3.0 assessment and `ctrail check --live` on it, and
# prints one Markdown table row per shared control (Prowler's verdict beside
# ctrail's). Run by `tools/just cis-scan` under tools/with-emulator.
#
#   cis-scan.sh seed   the seed procedure's AWS CLI setup (tests/seed-procedure.sh)
#   cis-scan.sh cis    specs/cis.yaml applied by ctrail, and the alert
#                      topic's subscriber confirmed
#
# env: CTRAIL (the binary), PROWLER (its CLI), AWS_ENDPOINT_URL and test
# credentials (tools/with-emulator sets them).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
export AWS_CLI=${AWS_CLI:-$root/.venv/bin/aws}
aws=$AWS_CLI
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

case "$1" in
  seed)
    key=$($aws kms create-key --query KeyMetadata.KeyId --output text)
    bash "$root/tests/seed-key-policy.sh" "$key" >/dev/null
    bash "$root/tests/seed-procedure.sh" "$key" >/dev/null
    sed "s/12345678-1234-1234-1234-123456789012/$key/" "$root/specs/security-audit-trail.yaml" >"$work/spec.yaml"
    ;;
  cis)
    # specs/cis.yaml creates its own key (create_kms_key).
    cp "$root/specs/cis.yaml" "$work/spec.yaml"
    "$CTRAIL" apply --auto-approve "$work/spec.yaml" >/dev/null
    # The manual step `ctrail check` names: the alert email confirmed (here
    # a function subscribed, which needs no confirmation).
    $aws sns subscribe --topic-arn arn:aws:sns:us-east-1:123456789012:cis-security-alerts \
      --protocol lambda --notification-endpoint arn:aws:lambda:us-east-1:123456789012:function:pager >/dev/null
    ;;
  *) echo "usage: cis-scan.sh seed|cis" >&2; exit 2 ;;
esac

"$PROWLER" aws --compliance cis_3.0_aws -f us-east-1 --output-formats csv \
  --output-directory "$work/prowler" --no-banner >"$work/prowler.log" 2>&1 || true
csv=$(ls "$work"/prowler/compliance/*cis_3.0_aws.csv)
"$CTRAIL" check --live --format json "$work/spec.yaml" >"$work/ctrail.json" || true

"$root/.venv/bin/python" - "$csv" "$work/ctrail.json" <<'PY'
import csv, json, sys
prowler = {}
for row in csv.DictReader(open(sys.argv[1]), delimiter=";"):
    rid = row["REQUIREMENTS_ID"]
    # A requirement with several findings fails if any does (as Prowler's
    # compliance summary counts it).
    status = row["STATUS"].lower()
    if prowler.get(rid) != "fail":
        prowler[rid] = status
ctrail = {c["id"]: c["status"] for c in json.load(open(sys.argv[2]))["controls"]}
key = lambda i: [int(p) for p in i.split(".")]
shared = sorted(set(prowler) & set(ctrail), key=key)
agree = judged = 0
for rid in shared:
    if ctrail[rid] == "manual":
        # ctrail neither sets nor reads it, and names the step instead.
        print(f"| {rid} | {prowler[rid]} | manual | ctrail gives the command |")
        continue
    judged += 1
    same = prowler[rid] == ctrail[rid]
    agree += same
    print(f"| {rid} | {prowler[rid]} | {ctrail[rid]} | {'same' if same else '**differs**'} |")
manual = len(shared) - judged
print(f"SUMMARY {agree} of {judged} controls both judge agree; {manual} more ctrail reports as manual steps")
# Prowler's other failures in the benchmark's logging and monitoring
# sections (3, 4), each with the checks that failed it.
failed = {}
for row in csv.DictReader(open(sys.argv[1]), delimiter=";"):
    rid = row["REQUIREMENTS_ID"]
    if rid.split(".")[0] in ("3", "4") and rid not in ctrail and row["STATUS"].lower() == "fail":
        failed.setdefault(rid, set()).add(row.get("CHECKID", "?"))
for rid in sorted(failed, key=key):
    print(f"OTHER {rid} {', '.join(sorted(failed[rid]))}")
PY
