//! Golden files: rendered output is reviewed like UI, then pinned.

use std::path::Path;

/// Compares `actual` with the golden file at `path`; `UPDATE_GOLDEN=1`
/// rewrites it instead (review the diff before committing).
pub fn check(path: &Path, actual: &str) {
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::write(path, actual).expect("write golden");
        return;
    }
    let expected = std::fs::read_to_string(path).unwrap_or_else(|_| {
        panic!(
            "missing golden file {}; run with UPDATE_GOLDEN=1",
            path.display()
        )
    });
    if expected != actual {
        panic!(
            "{} differs from the output (review, then UPDATE_GOLDEN=1 to accept):\n--- expected\n{expected}\n--- actual\n{actual}",
            path.display()
        );
    }
}
