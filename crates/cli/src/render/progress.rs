//! Apply progress: a line per event with timings; on a terminal, a status
//! line under them showing how far the apply is.

use std::io::{IsTerminal, Write};
use std::sync::Mutex;

use ctrail_executor::{Class, Event};
use ctrail_render::Style;

pub struct Progress {
    total: usize,
    style: Style,
    tty: bool,
    counts: Mutex<Counts>,
}

/// How many actions are done and how many are running.
#[derive(Default)]
struct Counts {
    done: usize,
    running: usize,
}

impl Counts {
    fn finished(&mut self) {
        self.done += 1;
        self.running = self.running.saturating_sub(1);
    }
}

impl Progress {
    pub fn new(total: usize) -> Progress {
        Progress {
            total,
            style: Style::detect(),
            tty: std::io::stdout().is_terminal(),
            counts: Mutex::new(Counts::default()),
        }
    }

    pub fn event(&self, e: &Event) {
        let Ok(mut counts) = self.counts.lock() else {
            return;
        };
        let line = match e {
            Event::Started { address } => {
                counts.running += 1;
                format!("  ... {address}")
            }
            Event::Retrying {
                address,
                operation,
                reason,
                class,
                attempt,
                delay,
            } => {
                let why = match class {
                    Class::Propagation => "waiting for AWS to propagate a new role, policy or key",
                    Class::Transient => "transient failure",
                    Class::Fatal => "failure",
                };
                format!(
                    "  ... {address}: {operation}: {reason} ({why}); retry {attempt} in {:.1} s",
                    delay.as_secs_f64()
                )
            }
            Event::Completed {
                address,
                done,
                elapsed,
            } => {
                let line = format!("  ok  {address}: {done} ({:.2} s)", elapsed.as_secs_f64());
                counts.finished();
                self.style.green(&line)
            }
            Event::Failed {
                address,
                error,
                elapsed,
            } => {
                let line = format!("  ERR {address}: {error} ({:.2} s)", elapsed.as_secs_f64());
                counts.finished();
                self.style.alert(&line)
            }
        };
        let mut out = std::io::stdout().lock();
        if self.tty {
            let _ = write!(
                out,
                "\r\x1b[2K{line}\n[{}/{} done, {} running]",
                counts.done, self.total, counts.running
            );
        } else {
            let _ = writeln!(out, "{line}");
        }
        let _ = out.flush();
    }

    /// Clears the status line.
    pub fn finish(&self) {
        if self.tty {
            let mut out = std::io::stdout().lock();
            let _ = write!(out, "\r\x1b[2K");
            let _ = out.flush();
        }
    }
}
