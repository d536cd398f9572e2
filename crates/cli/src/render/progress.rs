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
    state: Mutex<(usize, usize)>, // (done, running)
}

impl Progress {
    pub fn new(total: usize) -> Progress {
        Progress {
            total,
            style: Style::detect(),
            tty: std::io::stdout().is_terminal(),
            state: Mutex::new((0, 0)),
        }
    }

    pub fn event(&self, e: &Event) {
        let Ok(mut state) = self.state.lock() else {
            return;
        };
        let line = match e {
            Event::Started { address } => {
                state.1 += 1;
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
                state.0 += 1;
                state.1 = state.1.saturating_sub(1);
                self.style.green(&format!(
                    "  ok  {address}: {done} ({:.2} s)",
                    elapsed.as_secs_f64()
                ))
            }
            Event::Failed {
                address,
                error,
                elapsed,
            } => {
                state.0 += 1;
                state.1 = state.1.saturating_sub(1);
                self.style.alert(&format!(
                    "  ERR {address}: {error} ({:.2} s)",
                    elapsed.as_secs_f64()
                ))
            }
        };
        let mut out = std::io::stdout().lock();
        if self.tty {
            let _ = write!(
                out,
                "\r\x1b[2K{line}\n[{}/{} done, {} running]",
                state.0, self.total, state.1
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
