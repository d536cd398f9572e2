//! `docs/monitoring-presets.md` is generated from the built-in presets, so
//! every pattern and query a reader sees there is the text ctrail applies.
//! `UPDATE_GOLDEN=1 cargo test -p ctrail-spec --test presets_doc` rewrites it.

use std::fmt::Write as _;
use std::path::Path;

use ctrail_spec::{PRESETS, alarm_defaults, preset_entries};

fn render() -> String {
    let mut out = String::from(
        "# Monitoring presets\n\n\
         Generated from `crates/spec/presets/` by `crates/spec/tests/presets_doc.rs`:\n\
         the text below is exactly what ctrail applies. Alarms take the defaults of\n\
         [monitoring.md](monitoring.md) unless an entry says otherwise; every\n\
         filter's metric is named after the filter, in the namespace\n",
    );
    let _ = writeln!(
        out,
        "`{}`, and counts `{}` per matching event. Queries run on the trail's log group.",
        alarm_defaults::NAMESPACE,
        alarm_defaults::METRIC_VALUE
    );
    for preset in PRESETS {
        let (filters, queries) =
            preset_entries(preset, "<the trail's log group>").expect("a built-in preset is valid");
        let _ = write!(out, "\n## `{}`: {}\n", preset.name, preset.title);
        for f in &filters {
            let _ = write!(out, "\n### {}\n\n```\n{}\n```\n", f.name, f.pattern);
            if let Some(e) = &f.sample_event {
                let _ = writeln!(
                    out,
                    "\nSample event (`ctrail verify` tests the pattern on it): `{e}`"
                );
            }
            if let Some(a) = &f.alarm {
                let _ = writeln!(
                    out,
                    "\nAlarm `{}`: {} of `{}` over {} s, {} evaluation period(s), {} {}{}.",
                    a.name,
                    a.statistic,
                    f.metric_name,
                    a.period,
                    a.evaluation_periods,
                    a.comparison,
                    a.threshold,
                    a.description
                        .as_ref()
                        .map(|d| format!(" — {d}"))
                        .unwrap_or_default()
                );
            }
        }
        for q in &queries {
            let _ = write!(out, "\n### {}\n\n```\n{}\n```\n", q.name, q.query);
        }
    }
    out
}

#[test]
fn the_presets_doc_is_the_presets_text() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/monitoring-presets.md");
    let actual = render();
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::write(&path, &actual).expect("write docs");
        return;
    }
    let expected = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        expected == actual,
        "docs/monitoring-presets.md is not what the presets hold; rerun with UPDATE_GOLDEN=1 and review:\n{actual}"
    );
}
