#!/usr/bin/env bash
# Runs one ctrail command for the GitHub Action (action.yml) and writes its
# step outputs. It never fails itself: ctrail's exit code is the output
# exit-code, and the action's last step fails the job on an error.
#
# Environment: CTRAIL_COMMAND (empty: install only), CTRAIL_SPECS (paths or
# globs, separated by spaces or new lines), CTRAIL_ARGS (more arguments, split
# as the shell splits words), CTRAIL_COMMENT ('true': the Markdown rendering
# as a pull-request comment), RUNNER_TEMP, GITHUB_OUTPUT, GITHUB_STEP_SUMMARY.
#
# Outputs: exit-code; json and json-file (the command's JSON: plan, check and
# validate print JSON with --format json, drift JSON lines with --format
# jsonl; check, which takes one spec, gives a JSON array of one document per
# spec); sarif (the SARIF of check, every spec's results in one run, for
# code scanning);
# markdown-file (with comment-on-pr).
set -uo pipefail

command=${CTRAIL_COMMAND:-}
out="${RUNNER_TEMP:-/tmp}/ctrail-action"
rm -rf "$out"
mkdir -p "$out"
output() { echo "$1=$2" >> "${GITHUB_OUTPUT:-/dev/stdout}"; }

if [ -z "$command" ]; then
    output exit-code 0
    exit 0
fi
# shellcheck disable=SC2206 # globs and words are meant to split here
specs=(${CTRAIL_SPECS:-})
# shellcheck disable=SC2206
args=(${CTRAIL_ARGS:-})

case "$command" in
    plan | check | validate) format=json ;;
    drift) format=jsonl ;;
    *) format= ;;
esac

code=0
if [ "$command" = check ]; then
    # One spec a run: a JSON document and a SARIF file for each.
    mkdir -p "$out/sarif"
    echo "[" > "$out/output.json"
    sep=
    for spec in "${specs[@]}"; do
        c=0
        ctrail check "${args[@]}" --format json "$spec" > "$out/one.json" || c=$?
        { printf '%s' "$sep"; cat "$out/one.json"; } >> "$out/output.json"
        sep=,
        safe=$(printf '%s' "$spec" | tr '/' '_')
        ctrail check "${args[@]}" --format sarif "$spec" > "$out/sarif/$safe.sarif" || true
        [ "$c" -gt "$code" ] && code=$c
    done
    echo "]" >> "$out/output.json"
    rm -f "$out/one.json"
    # One run for code scanning: it refuses two runs of one tool and
    # category in an upload, so the specs' results are merged.
    python3 - "$out/sarif" "$out/ctrail.sarif" <<'PY'
import json, pathlib, sys
files = sorted(pathlib.Path(sys.argv[1]).glob("*.sarif"))
merged, rules = None, {}
for f in files:
    run = json.loads(f.read_text())["runs"][0]
    for rule in run["tool"]["driver"].get("rules", []):
        rules.setdefault(rule["id"], rule)
    if merged is None:
        merged = json.loads(f.read_text())
        merged["runs"][0]["results"] = []
    merged["runs"][0]["results"] += run.get("results", [])
if merged is not None:
    merged["runs"][0]["tool"]["driver"]["rules"] = list(rules.values())
    pathlib.Path(sys.argv[2]).write_text(json.dumps(merged, indent=1))
PY
    [ -f "$out/ctrail.sarif" ] && output sarif "$out/ctrail.sarif"
elif [ -n "$format" ]; then
    ctrail "$command" "${args[@]}" --format "$format" "${specs[@]}" > "$out/output.json" || code=$?
else
    ctrail "$command" "${args[@]}" "${specs[@]}" || code=$?
fi
echo "ctrail $command exited $code"
output exit-code "$code"

if [ -f "$out/output.json" ]; then
    cat "$out/output.json"
    output json-file "$out/output.json"
    delimiter="ctrail-json-$RANDOM$RANDOM"
    { echo "json<<$delimiter"; cat "$out/output.json"; echo; echo "$delimiter"; } >> "${GITHUB_OUTPUT:-/dev/stdout}"
fi

if [ "${CTRAIL_COMMENT:-false}" = true ]; then
    case "$command" in
        plan | check | drift) ;;
        *) echo "::warning::comment-on-pr: ctrail $command has no Markdown rendering; no comment" ; exit 0 ;;
    esac
    md="$out/comment.md"
    : > "$md"
    if [ "$command" = check ]; then
        for spec in "${specs[@]}"; do
            ctrail check "${args[@]}" --format markdown "$spec" >> "$md" 2>&1 || true
            echo >> "$md"
        done
    else
        ctrail "$command" "${args[@]}" --format markdown "${specs[@]}" >> "$md" 2>&1 || true
    fi
    output markdown-file "$md"
    [ -n "${GITHUB_STEP_SUMMARY:-}" ] && cat "$md" >> "$GITHUB_STEP_SUMMARY"
    python3 "$(dirname "${BASH_SOURCE[0]}")/comment.py" "$command" "$md" \
        || echo "::warning::comment-on-pr: the comment was not posted (see above)"
fi
exit 0
