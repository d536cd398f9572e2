#!/usr/bin/env bash
# Installs a ctrail release for the GitHub Action (action.yml): downloads
# ctrail-VERSION-TARGET.tar.gz and SHA256SUMS of release vVERSION, refuses
# the archive unless its SHA-256 is the one SHA256SUMS gives for it, unpacks
# the binary into the cache directory and puts it on the job's PATH.
#
#   install.sh resolve   writes the target, cache directory and cache key to
#                        $GITHUB_OUTPUT (before actions/cache restores it)
#   install.sh install   downloads (unless the cache holds the archive),
#                        verifies, unpacks, adds to $GITHUB_PATH
#
# Environment: CTRAIL_VERSION (0.1.0 or v0.1.0), CTRAIL_TARGET (empty: the
# runner's), CTRAIL_RELEASE_URL (empty: the releases of the repository the
# action comes from), RUNNER_OS, RUNNER_ARCH, RUNNER_TOOL_CACHE, GITHUB_OUTPUT,
# GITHUB_PATH, and GITHUB_ACTION_PATH / GITHUB_REPOSITORY to find that
# repository. Each refusal is one ::error:: line saying why.
set -euo pipefail

fail() {
    echo "::error title=ctrail install::$*"
    exit 1
}

version=${CTRAIL_VERSION:-}
version=${version#v}
[[ "$version" =~ ^[0-9]+\.[0-9]+\.[0-9]+([-+][0-9A-Za-z.-]+)?$ ]] \
    || fail "version '${CTRAIL_VERSION:-}' is not a release version such as 0.1.0: pin the ctrail release to install (with: version: 0.1.0)"

# The release targets (.github/workflows/release.yml) by the runner's
# RUNNER_OS and RUNNER_ARCH: static musl binaries on Linux.
target=${CTRAIL_TARGET:-}
if [ -z "$target" ]; then
    case "${RUNNER_OS:-}/${RUNNER_ARCH:-}" in
        Linux/X64) target=x86_64-unknown-linux-musl ;;
        Linux/ARM64) target=aarch64-unknown-linux-musl ;;
        macOS/ARM64) target=aarch64-apple-darwin ;;
        *) fail "no ctrail release is built for ${RUNNER_OS:-?} ${RUNNER_ARCH:-?} (only Linux X64 and ARM64, macOS ARM64): build it from source with cargo install instead" ;;
    esac
fi
name="ctrail-$version-$target"
dir="${RUNNER_TOOL_CACHE:-${RUNNER_TEMP:-/tmp}}/ctrail/$version/$target"

# Where the release is: a remote action is checked out at
# .../_actions/OWNER/REPO/REF, whose releases it installs; `uses: ./` is the
# workflow's own repository.
release_url() {
    if [ -n "${CTRAIL_RELEASE_URL:-}" ]; then
        echo "${CTRAIL_RELEASE_URL%/}/v$version"
        return
    fi
    local repo=${GITHUB_REPOSITORY:-}
    if [[ "${GITHUB_ACTION_PATH:-}" =~ /_actions/([^/]+)/([^/]+)/[^/]+$ ]]; then
        repo="${BASH_REMATCH[1]}/${BASH_REMATCH[2]}"
    fi
    [ -n "$repo" ] || fail "cannot tell which repository's releases to install: set the input release-url"
    echo "${GITHUB_SERVER_URL:-https://github.com}/$repo/releases/download/v$version"
}

sha256() {
    if command -v sha256sum >/dev/null; then
        sha256sum "$1" | cut -d' ' -f1
    else
        shasum -a 256 "$1" | cut -d' ' -f1
    fi
}

# The SHA-256 that SHA256SUMS gives for $name.tar.gz ("HASH  NAME" or
# "HASH *NAME" lines, as sha256sum writes them).
expected_sha() {
    awk -v f="$name.tar.gz" '{ n = $2; sub(/^\*/, "", n) } n == f { print $1; exit }' "$1"
}

case "${1:-}" in
    resolve)
        {
            echo "target=$target"
            echo "dir=$dir"
            echo "key=ctrail-$version-$target"
        } >> "${GITHUB_OUTPUT:-/dev/stdout}"
        ;;
    install)
        mkdir -p "$dir"
        url=$(release_url)
        archive="$dir/$name.tar.gz"
        sums="$dir/SHA256SUMS"
        if [ -f "$archive" ] && [ -f "$sums" ]; then
            echo "ctrail $version ($target): from the cache"
        else
            echo "ctrail $version ($target): downloading $url/$name.tar.gz"
            curl -fsSL --retry 3 --connect-timeout 20 -o "$sums.part" "$url/SHA256SUMS" \
                || fail "could not download $url/SHA256SUMS: is v$version released, with SHA256SUMS attached?"
            curl -fsSL --retry 3 --connect-timeout 20 -o "$archive.part" "$url/$name.tar.gz" \
                || fail "could not download $url/$name.tar.gz: does release v$version have a build for $target?"
            mv "$sums.part" "$sums"
            mv "$archive.part" "$archive"
        fi
        # Checked on every run, the cached copy too.
        want=$(expected_sha "$sums")
        if [ -z "$want" ]; then
            rm -f "$archive" "$sums"
            fail "SHA256SUMS of v$version has no line for $name.tar.gz: refusing to install an archive that cannot be checked"
        fi
        got=$(sha256 "$archive")
        if [ "$got" != "$want" ]; then
            rm -f "$archive" "$sums"
            fail "$name.tar.gz does not match SHA256SUMS of v$version (expected SHA-256 $want, got $got): the download was altered or damaged; refusing to install it"
        fi
        echo "SHA-256 $got matches SHA256SUMS"
        rm -rf "$dir/bin" "$dir/unpack"
        mkdir -p "$dir/bin" "$dir/unpack"
        tar -xzf "$archive" -C "$dir/unpack"
        [ -f "$dir/unpack/$name/ctrail" ] || fail "$name.tar.gz holds no $name/ctrail"
        mv "$dir/unpack/$name/ctrail" "$dir/bin/ctrail"
        rm -rf "$dir/unpack"
        chmod +x "$dir/bin/ctrail"
        "$dir/bin/ctrail" --version
        echo "$dir/bin" >> "${GITHUB_PATH:-/dev/null}"
        {
            echo "path=$dir/bin/ctrail"
            echo "version=$version"
        } >> "${GITHUB_OUTPUT:-/dev/stdout}"
        ;;
    *)
        echo "usage: install.sh resolve|install" >&2
        exit 2
        ;;
esac
