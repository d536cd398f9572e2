# ctrail developer recipes. On a fresh machine run them through `tools/just`,
# which installs the pinned `just` first (see README).

set shell := ["bash", "-euo", "pipefail", "-c"]

# List the recipes.
default:
    @just --list

# Everything CI checks: formatting, lints, then every test.
test: fmt-check lint unit-and-integration

# Unit and integration tests (cargo-nextest when installed, cargo test otherwise).
unit-and-integration:
    if cargo nextest --version >/dev/null 2>&1; then \
        cargo nextest run --workspace --no-fail-fast; \
    else \
        cargo test --workspace --no-fail-fast; \
    fi

# Formatting must be clean.
fmt-check:
    cargo fmt --all -- --check

# Clippy on every target, warnings are errors.
lint:
    cargo clippy --workspace --all-targets -- -D warnings

# The main job on this machine: validate the example specs and show what the
# security-audit spec creates, in order.
demo:
    cargo build --quiet --bin ctrail
    ./target/debug/ctrail validate specs/*.yaml
    ./target/debug/ctrail graph specs/security-audit-trail.yaml

# Re-record the golden files after reviewing the change they show.
update-golden:
    UPDATE_GOLDEN=1 cargo test -p ctrail-cli --test graph

# Render the resource graph of a spec as SVG (needs Graphviz's `dot`).
graph-svg spec="specs/security-audit-trail.yaml":
    cargo run --quiet --bin ctrail -- graph --format dot {{spec}} | dot -Tsvg -o graph.svg
    @echo "wrote graph.svg"
