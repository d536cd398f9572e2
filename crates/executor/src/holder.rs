//! Which apply locks runs on this machine hold: one marker file per lock id
//! (in the temp directory, `ctrail-locks/<id>`) naming the process and its
//! start time. A lock whose marker is here and whose process is gone was
//! left by a run of this machine that died: it can be taken over before it
//! expires. Another machine has no marker for the lock, whatever its host
//! name (two CI runners may share one), so it waits for the expiry or a
//! `--force-unlock`: ownership is judged by the lock's id, never by the
//! host's name.

use std::path::PathBuf;

fn marker(id: &str) -> Option<PathBuf> {
    // The id is ctrail's own (16 hex digits); anything else names no file.
    if id.is_empty() || !id.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    Some(std::env::temp_dir().join("ctrail-locks").join(id))
}

/// When the process `pid` started (clock ticks after boot, field 22 of
/// `/proc/<pid>/stat`), so that a reused process id is not taken for the
/// holder; `None` where there is no such process (or no `/proc`).
fn started(pid: u32) -> Option<String> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // The command name (field 2) may hold spaces: count after its ")".
    let after = &stat[stat.rfind(')')? + 1..];
    after.split_whitespace().nth(19).map(str::to_owned)
}

/// Records that this process holds lock `id`.
pub fn mark(id: &str) {
    let Some(path) = marker(id) else { return };
    let pid = std::process::id();
    let line = format!("{pid} {}", started(pid).unwrap_or_default());
    if let Some(dir) = path.parent() {
        let _ = std::fs::create_dir_all(dir);
    }
    // Best effort: without the marker, the lock waits for its expiry.
    let _ = std::fs::write(path, line);
}

/// Forgets lock `id` (released).
pub fn unmark(id: &str) {
    if let Some(path) = marker(id) {
        let _ = std::fs::remove_file(path);
    }
}

/// Whether lock `id` was taken by a process of this machine that is gone.
pub fn dead_here(id: &str) -> bool {
    if !cfg!(target_os = "linux") {
        return false;
    }
    let Some(text) = marker(id).and_then(|p| std::fs::read_to_string(p).ok()) else {
        return false;
    };
    let mut words = text.split_whitespace();
    let (Some(pid), start) = (
        words.next().and_then(|p| p.parse::<u32>().ok()),
        words.next(),
    ) else {
        return false;
    };
    if pid == std::process::id() {
        return false;
    }
    match started(pid) {
        None => true,
        Some(now) => start.is_some_and(|s| s != now),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_lock_marked_by_a_live_process_is_not_dead_and_one_without_a_marker_is_not_either() {
        let id = format!("{:016x}", fastrand::u64(..));
        assert!(!dead_here(&id), "no marker: judged by the expiry alone");
        mark(&id);
        // Marked by this process, which runs.
        assert!(!dead_here(&id));
        unmark(&id);
        assert!(!dead_here(&id));
    }

    #[test]
    fn a_lock_marked_by_a_process_that_is_gone_is_dead() {
        let id = format!("{:016x}", fastrand::u64(..));
        let mut child = std::process::Command::new("true").spawn().expect("spawn");
        let pid = child.id();
        let start = started(pid).unwrap_or_default();
        child.wait().expect("wait");
        let path = marker(&id).expect("path");
        std::fs::create_dir_all(path.parent().expect("dir")).expect("mkdir");
        std::fs::write(&path, format!("{pid} {start}")).expect("write");
        assert_eq!(dead_here(&id), cfg!(target_os = "linux"));
        unmark(&id);
    }

    #[test]
    fn an_id_that_is_not_ctrails_names_no_file() {
        assert_eq!(marker("../etc/passwd"), None);
        assert_eq!(marker(""), None);
    }
}
