#!/usr/bin/env bash
# Builds the release binary of ctrail for one target and writes into dist/:
#   ctrail-<version>-<target>.tar.gz   the binary, LICENSE and README.md
#   ctrail-<version>-<target>.cdx.json a CycloneDX SBOM of the binary's crates
#   SHA256SUMS                         one line per file above (sha256sum -c)
# Usage: tools/release.sh [TARGET]   (default: this machine's, rustc's host)
# Run through `tools/just release`, which installs the pinned cargo-cyclonedx
# into .tools first and passes its path in CARGO_CYCLONEDX.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"

host=$(rustc -vV | sed -n 's/^host: //p')
target=${1:-$host}
cyclonedx=${CARGO_CYCLONEDX:-$root/.tools/bin/cargo-cyclonedx}
version=$(cargo metadata --format-version 1 --no-deps \
    | python3 -c 'import json,sys; print(next(p["version"] for p in json.load(sys.stdin)["packages"] if p["name"] == "ctrail-cli"))')
name="ctrail-$version-$target"
dist="$root/dist"

if [ "$target" = "$host" ]; then
    cargo build --locked --release --bin ctrail
    bin="$root/target/release/ctrail"
else
    cargo build --locked --release --bin ctrail --target "$target"
    bin="$root/target/$target/release/ctrail"
fi

mkdir -p "$dist"
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
mkdir "$stage/$name"
cp "$bin" LICENSE README.md "$stage/$name/"
# The same bytes from the same commit: entries in name order, owned by root,
# dated by the commit (GNU tar; the BSD tar of macOS takes neither option).
epoch=${SOURCE_DATE_EPOCH:-$(git log -1 --format=%ct 2>/dev/null || date +%s)}
if tar --version 2>/dev/null | grep -q 'GNU tar'; then
    tar --sort=name --owner=0 --group=0 --numeric-owner --mtime="@$epoch" \
        -C "$stage" -cf - "$name" | gzip -9n > "$dist/$name.tar.gz"
else
    tar -C "$stage" -cf - "$name" | gzip -9n > "$dist/$name.tar.gz"
fi

# The SBOM: the crates linked into the binary for this target (no dev- or
# build-only dependencies), CycloneDX 1.5 JSON. cargo-cyclonedx writes one
# beside every workspace member's manifest; the CLI's is the binary's.
"$cyclonedx" cyclonedx --manifest-path crates/cli/Cargo.toml --format json \
    --spec-version 1.5 --target "$target" --no-build-deps \
    --override-filename "$name.cdx" >/dev/null
mv crates/cli/"$name.cdx.json" "$dist/$name.cdx.json"
rm -f crates/*/"$name.cdx.json"

# SHA256SUMS keeps the other targets' lines (the release workflow gathers
# every target's dist/ into one) and replaces this target's.
sums="$dist/SHA256SUMS"
touch "$sums"
if command -v sha256sum >/dev/null; then sha=(sha256sum); else sha=(shasum -a 256); fi
{
    grep -v -e " $name.tar.gz\$" -e " $name.cdx.json\$" "$sums" || true
    (cd "$dist" && "${sha[@]}" "$name.tar.gz" "$name.cdx.json")
} | sort -k2 > "$sums.new"
mv "$sums.new" "$sums"

echo "wrote dist/$name.tar.gz ($(wc -c < "$dist/$name.tar.gz") bytes), dist/$name.cdx.json, dist/SHA256SUMS"
