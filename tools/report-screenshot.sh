#!/usr/bin/env bash
# The report as a reader sees it (run through tools/with-emulator): the
# monitoring spec applied, CloudTrail's deliveries written by the test
# fixture for three regions, `ctrail report --format html`, and a headless
# Chromium screenshot of the page into docs/report-screenshot.png.
set -euo pipefail
ctrail=${CTRAIL:-./target/debug/ctrail}
chromium=${CHROMIUM:-chromium}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cp specs/security-monitoring.yaml "$tmp/spec.yaml"
$ctrail apply --auto-approve "$tmp/spec.yaml" >/dev/null
"$(dirname "$AWS_CLI")/python" tests/support/cloudtrail_fixture.py --bucket my-org-cloudtrail-logs-2024 \
  --account 123456789012 --trail security-audit-trail --home us-east-1 \
  --regions us-east-1,us-west-2,eu-west-1 --log-group CloudTrail/SecurityLogs
$ctrail report "$tmp/spec.yaml" --regions us-west-2,eu-west-1 --format html --out "$tmp/report.html"
grep -q '<h2>Verification results (every region)</h2>' "$tmp/report.html"
"$chromium" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
  --disable-background-networking --disable-component-update --disable-sync \
  --user-data-dir="$tmp/profile" --hide-scrollbars --window-size=1280,2200 \
  --screenshot="$PWD/docs/report-screenshot.png" "file://$tmp/report.html" 2>/dev/null
test -s docs/report-screenshot.png
echo "wrote docs/report-screenshot.png"
