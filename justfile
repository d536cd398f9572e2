# ctrail developer recipes. On a fresh machine run them through `tools/just`,
# which installs the pinned `just` first (see README).

set shell := ["bash", "-euo", "pipefail", "-c"]

# List the recipes.
default:
    @just --list

venv := justfile_directory() / ".venv"

# Everything CI checks: formatting, unused dependencies, lints, then every
# test (installs the emulator first).
test: emulator iam-judge browser fmt-check unused-deps lint lint-workflows unit-and-integration

# Install the pinned AWS emulator (moto server) and AWS CLI into .venv, once per pin.
emulator:
    #!/usr/bin/env bash
    set -euo pipefail
    stamp="{{venv}}/.emulator-$(sha256sum tools/requirements-emulator.txt | cut -c1-16)"
    if [ ! -f "$stamp" ]; then
        [ -x "{{venv}}/bin/python" ] || python3 -m venv "{{venv}}"
        echo "installing the emulator into .venv (tools/requirements-emulator.txt)"
        "{{venv}}/bin/python" -m pip install --quiet --disable-pip-version-check -r tools/requirements-emulator.txt
        touch "$stamp"
    fi

# Debian's headless browser and its WebDriver, for the report's HTML check
# (tests/verify.rs): installed with apt-get when missing and run as root;
# otherwise the command to run is named.
browser:
    #!/usr/bin/env bash
    set -euo pipefail
    if command -v chromium >/dev/null && command -v chromedriver >/dev/null; then exit 0; fi
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
        echo "installing Debian's chromium and chromium-driver (the report's HTML is checked in them)"
        apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null
    else
        echo "the report's test needs Debian's chromium and chromium-driver: sudo apt-get install chromium chromium-driver" >&2
        exit 1
    fi

# Install the independent IAM judge (@cloud-copilot/iam-simulate, pinned in
# tests/iam-judge/package-lock.json) into tests/iam-judge/node_modules, once per
# pin. AGPL-licensed: the tests run it as a separate Node process only, and it
# is never linked into or shipped with ctrail (docs/testing.md).
iam-judge:
    #!/usr/bin/env bash
    set -euo pipefail
    dir=tests/iam-judge
    stamp="$dir/node_modules/.iam-judge-$(cat $dir/package.json $dir/package-lock.json | sha256sum | cut -c1-16)"
    if [ ! -f "$stamp" ]; then
        command -v npm >/dev/null || { echo "the IAM judge needs Node.js 20 and npm" >&2; exit 1; }
        echo "installing the IAM judge into $dir/node_modules (package-lock.json)"
        (cd "$dir" && npm ci --no-audit --no-fund --ignore-scripts --silent)
        touch "$stamp"
    fi

# The example GitHub workflows and the release workflow against the published
# workflow schema (vendored by check-jsonschema, so no network), the action
# against the action schema, and their scripts' Python syntax; the release
# archive's SHA256SUMS and SBOM.
lint-workflows: release
    #!/usr/bin/env bash
    set -euo pipefail
    stamp="{{venv}}/.lint-$(sha256sum tools/requirements-lint.txt | cut -c1-16)"
    if [ ! -f "$stamp" ]; then
        [ -x "{{venv}}/bin/python" ] || python3 -m venv "{{venv}}"
        echo "installing the workflow linter into .venv (tools/requirements-lint.txt)"
        "{{venv}}/bin/python" -m pip install --quiet --disable-pip-version-check -r tools/requirements-lint.txt
        touch "$stamp"
    fi
    "{{venv}}/bin/check-jsonschema" --builtin-schema vendor.github-workflows examples/github-actions/*.yml .github/workflows/*.yml
    "{{venv}}/bin/check-jsonschema" --builtin-schema custom.github-workflows-require-timeout examples/github-actions/*.yml .github/workflows/*.yml
    "{{venv}}/bin/check-jsonschema" --builtin-schema vendor.github-actions action.yml
    "{{venv}}/bin/python" -m py_compile examples/github-actions/ctrail_github.py tests/github/fake_github.py \
        tests/github/release_server.py tools/action/comment.py
    bash -n tools/action/install.sh tools/action/run.sh tools/release.sh
    # What tools/just release wrote: every file SHA256SUMS lists is intact, and
    # each SBOM is CycloneDX naming the CLI and its crates.
    (cd dist && sha256sum --check --strict SHA256SUMS)
    for sbom in dist/*.cdx.json; do \
        "{{venv}}/bin/python" -c 'import json, sys; d = json.load(open(sys.argv[1])); \
    assert d["bomFormat"] == "CycloneDX" and d["metadata"]["component"]["name"] == "ctrail-cli", sys.argv[1]; \
    assert len(d["components"]) > 100, "too few components"' "$sbom"; \
    done
    # The spec schema under both regex dialects editors and pipelines use:
    # ECMA-262 (regress) and Python's re (the jsonschema package).
    for dialect in default python; do \
        "{{venv}}/bin/check-jsonschema" --regex-variant "$dialect" --schemafile schema/ctrail-spec.schema.json \
            specs/*.yaml tests/schema-corpus/valid-*.yaml; \
    done
    # The CLI crate packages with its license and README.
    files="$(cargo package --list --quiet --allow-dirty -p ctrail-cli)"; \
        for f in LICENSE README.md Cargo.toml src/main.rs; do \
            grep -qx "$f" <<<"$files" || { echo "cargo package leaves out $f"; exit 1; }; \
        done

# Unit and integration tests (cargo-nextest when installed, cargo test
# otherwise), after the release archive tests/action.rs and tests/workflows.rs
# install.
unit-and-integration: release
    if cargo nextest --version >/dev/null 2>&1; then \
        cargo nextest run --workspace --no-fail-fast; \
    else \
        cargo test --workspace --no-fail-fast; \
    fi
    # The kinds' documentation examples: a misspelt attribute does not compile.
    cargo test --workspace --doc

tools := justfile_directory() / ".tools"
machete := "0.9.2"

# No crate lists a dependency its code never names. cargo-machete (crates.io,
# pinned above) is installed into .tools once per pin; --with-metadata reads
# each dependency's library name from cargo (md-5 is `md5` in code).
unused-deps:
    #!/usr/bin/env bash
    set -euo pipefail
    bin="{{tools}}/bin/cargo-machete"
    if [ "$("$bin" --version 2>/dev/null)" != "{{machete}}" ]; then
        echo "installing cargo-machete {{machete}} into .tools"
        cargo install --quiet --locked --version "{{machete}}" --root "{{tools}}" cargo-machete
    fi
    "$bin" --with-metadata

# Formatting must be clean.
fmt-check:
    cargo fmt --all -- --check

# Clippy on every target, warnings are errors.
lint:
    cargo clippy --workspace --all-targets -- -D warnings

# The main job on the local emulator: the manual procedure by hand, ctrail
# plan, the account brought to the spec, a plan with no changes, a drift
# caught, a broken grant caught by the preflight; then the CIS monitoring
# applied, a saved query run with ctrail query, and ctrail check --live
# judging the account against the CIS benchmark. Then the organization
# layout (specs/organization-log-archive.yaml) on two accounts and one
# organization: applied, converged, destroyed keeping the Log Archive bucket.
demo: emulator
    cargo build --quiet --bin ctrail
    ./target/debug/ctrail validate specs/*.yaml
    tools/with-emulator tools/demo.sh
    tools/with-emulator tools/demo-organization.sh

# The HTML report as a reader sees it: a headless Chromium screenshot into
# docs/report-screenshot.png (needs Debian's chromium: apt-get install chromium).
report-screenshot: emulator
    cargo build --quiet --bin ctrail
    tools/with-emulator tools/report-screenshot.sh

# Prowler's CIS v3.0 assessment beside `ctrail check --live` on two emulated
# accounts (the seed's CLI setup, and specs/cis.yaml applied by ctrail):
# docs/cis-scan.md. Installs Prowler into ./.venv-prowler (needs the package
# index once); not part of `test`.
cis-scan: emulator
    #!/usr/bin/env bash
    set -euo pipefail
    venv="{{justfile_directory()}}/.venv-prowler"
    stamp="$venv/.prowler-$(sha256sum tools/requirements-prowler.txt | cut -c1-16)"
    if [ -z "${PROWLER:-}" ] && [ ! -f "$stamp" ]; then
        python3 -m venv "$venv"
        "$venv/bin/python" -m pip install --quiet --disable-pip-version-check -r tools/requirements-prowler.txt
        touch "$stamp"
    fi
    export PROWLER=${PROWLER:-$venv/bin/prowler}
    cargo build --quiet --bin ctrail
    export CTRAIL="{{justfile_directory()}}/target/debug/ctrail"
    tools/with-emulator tools/cis-scan.sh seed > target/cis-scan-seed.md
    tools/with-emulator tools/cis-scan.sh cis > target/cis-scan-cis.md
    tools/cis-scan-doc.sh target/cis-scan-seed.md target/cis-scan-cis.md "$("$PROWLER" --version | tail -1)" > docs/cis-scan.md
    grep SUMMARY target/cis-scan-seed.md target/cis-scan-cis.md

# Sequential API rounds and wall times with 50 ms per call: ctrail plan, ctrail
# apply from empty, and the seed's step-by-step CLI procedure.
bench: emulator
    cargo build --quiet --bin ctrail --bin ctrail-testdata
    tools/with-emulator {{venv}}/bin/python tools/bench.py

# Re-record every golden file (graph renderings, and the plan and drift
# renderings of tests/fixtures/plans) after reviewing the change they show.
# The fixtures themselves come from tests/fixtures/make-plans.sh.
update-golden:
    UPDATE_GOLDEN=1 cargo test -p ctrail-cli --test graph
    UPDATE_GOLDEN=1 cargo test -p ctrail-render --test golden

# Render the resource graph of a spec as SVG (needs Graphviz's `dot`).
graph-svg spec="specs/security-audit-trail.yaml":
    cargo run --quiet --bin ctrail -- graph --format dot {{spec}} | dot -Tsvg -o graph.svg
    @echo "wrote graph.svg"

cyclonedx := "0.5.9"

# The release archive of ctrail for one target (default: this machine's) in
# the ignored dist/: ctrail-VERSION-TARGET.tar.gz, its CycloneDX SBOM and
# their lines in SHA256SUMS (tools/release.sh, docs/release.md). cargo-cyclonedx
# (crates.io, pinned above) is installed into .tools once per pin.
release target="":
    #!/usr/bin/env bash
    set -euo pipefail
    tools="{{justfile_directory()}}/.tools"
    bin="$tools/bin/cargo-cyclonedx"
    if [ "$("$bin" cyclonedx --version 2>/dev/null)" != "cargo-cyclonedx-cyclonedx {{cyclonedx}}" ]; then
        echo "installing cargo-cyclonedx {{cyclonedx}} into .tools"
        cargo install --quiet --locked --version "{{cyclonedx}}" --root "$tools" cargo-cyclonedx
    fi
    CARGO_CYCLONEDX="$bin" tools/release.sh {{target}}

# The figures of docs/release.md, in one run: size and start-up of the debug
# build, of Cargo's release defaults and of the release profile.
release-figures: release
    tools/release-figures.sh
