//! The renderings of saved plans, pinned as golden files under
//! `tests/golden/`. The plans in `tests/fixtures/plans/` were made by
//! `ctrail plan --out` against the emulator: from an empty account, after
//! the seed procedure, after five hand-made drifts, and the monitoring spec
//! after three (a filter pattern, an alarm threshold, a deleted saved query;
//! its email subscription pending confirmation).

#[path = "../../../tests/support/golden.rs"]
mod golden;

use std::path::{Path, PathBuf};

use ctrail_differ::Plan;
use ctrail_render::{Section, Style, drift, plan};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn load(name: &str) -> Plan {
    let text = std::fs::read_to_string(
        root()
            .join("tests/fixtures/plans")
            .join(format!("{name}.json")),
    )
    .expect("fixture");
    serde_json::from_str(&text).expect("a saved plan deserialises as a Plan")
}

fn check(file: &str, actual: &str) {
    golden::check(&root().join("tests/golden").join(file), actual);
}

#[test]
fn plans_render_as_pinned() {
    for name in [
        "from-empty",
        "seed-additions",
        "drifted",
        "monitoring-drifted",
    ] {
        let plan = load(name);
        let section = Section::new(&plan);
        check(
            &format!("plan-{name}.txt"),
            &plan::text::render(&section, Style::PLAIN),
        );
        check(
            &format!("plan-{name}.md"),
            &plan::markdown::render(&section),
        );
        check(&format!("plan-{name}.json"), &plan::json::render(&section));
    }
}

#[test]
fn drift_reports_render_as_pinned() {
    for name in ["drifted", "monitoring-drifted"] {
        let plan = load(name);
        check(&format!("drift-{name}.jsonl"), &drift::json_lines(&plan));
        check(&format!("drift-{name}.md"), &drift::markdown(&plan));
    }
}

#[test]
fn the_json_rendering_is_a_saved_plan() {
    let plan = load("seed-additions");
    let text = plan::json::render(&Section::new(&plan));
    let back: Plan = serde_json::from_str(&text).expect("round trip");
    assert_eq!(back, plan);
}

#[test]
fn colour_only_when_asked() {
    let plan = load("drifted");
    let section = Section::new(&plan);
    assert!(!plan::text::render(&section, Style::PLAIN).contains('\x1b'));
    assert!(plan::text::render(&section, Style { color: true }).contains("\x1b[33m~ "));
}
