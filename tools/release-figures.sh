#!/usr/bin/env bash
# The figures of docs/release.md, measured in one run on one machine: for the
# debug build, Cargo's release defaults (profile release-default in
# Cargo.toml) and the release profile (tools/just release): the binary's size,
# and the wall time of `ctrail --version` and `ctrail validate specs/*.yaml`.
# hyperfine (Debian's package) when installed, else a loop timed with date.
# Run through `tools/just release-figures`, which builds the release first.
# Writes a Markdown table to stdout and target/release-figures.md.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
runs=${RUNS:-30}

# A tree mid-edit may not build: then the binaries already built are measured.
cargo build --quiet --bin ctrail || echo "warning: measuring the debug binary built before" >&2
cargo build --quiet --profile release-default --bin ctrail || echo "warning: measuring the release-default binary built before" >&2
[ -x target/release/ctrail ] || { echo "target/release/ctrail missing: run tools/just release" >&2; exit 1; }
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
# Copies, so a build by someone else during the run measures nothing new.
cp target/debug/ctrail "$scratch/debug"
cp target/release-default/ctrail "$scratch/release-default"
cp target/release/ctrail "$scratch/release"
specs=(specs/*.yaml)

# Mean and standard deviation in milliseconds of `$@`, run $runs times.
timed() {
    if command -v hyperfine >/dev/null; then
        hyperfine --shell=none --warmup 3 --runs "$runs" --style none \
            --export-json "$scratch/h.json" -- "$(printf '%q ' "$@")" >/dev/null
        python3 -c 'import json,sys; r=json.load(open(sys.argv[1]))["results"][0]; print("%.1f ± %.1f" % (r["mean"] * 1000, r["stddev"] * 1000))' "$scratch/h.json"
    else
        "$@" >/dev/null 2>&1 || true
        local times=()
        for _ in $(seq "$runs"); do
            local t0 t1
            t0=$(date +%s%N); "$@" >/dev/null 2>&1 || true; t1=$(date +%s%N)
            times+=("$(( (t1 - t0) / 1000 ))")
        done
        python3 -c 'import statistics,sys; t=[int(x)/1000 for x in sys.argv[1:]]; print(f"{statistics.mean(t):.1f} ± {statistics.stdev(t):.1f}")' "${times[@]}"
    fi
}

tool=$(command -v hyperfine >/dev/null && hyperfine --version || echo "a date loop")
{
    echo "Measured $(date -u +%Y-%m-%d) on $(nproc) cores ($(uname -m)), ctrail $("$scratch/release" --version | awk '{print $2}'), $runs runs each with $tool; times are wall-clock mean ± standard deviation."
    echo
    echo "| build | binary size | \`ctrail --version\` | \`ctrail validate specs/*.yaml\` (${#specs[@]} specs) |"
    echo "| --- | ---: | ---: | ---: |"
    for build in debug release-default release; do
        bin="$scratch/$build"
        "$bin" validate "${specs[@]}" >/dev/null
        size=$(wc -c < "$bin")
        mib=$(python3 -c "print(f'{$size/1048576:.1f}')")
        label=$build
        [ "$build" = debug ] && label="debug (\`cargo build\`)"
        [ "$build" = release-default ] && label="Cargo's release defaults"
        [ "$build" = release ] && label="release profile (LTO, 1 codegen unit, stripped)"
        echo "| $label | $mib MiB ($size bytes) | $(timed "$bin" --version) ms | $(timed "$bin" validate "${specs[@]}") ms |"
    done
} | tee target/release-figures.md
