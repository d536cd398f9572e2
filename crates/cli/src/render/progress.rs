//! Progress of apply and of long waits. On a terminal: the event lines scroll
//! above a live progress bar (indicatif) with how far it is, what is running
//! and what it waits for. Otherwise: the same event lines, plain, one each.

use std::io::{IsTerminal, Write};
use std::sync::Mutex;
use std::time::Duration;

use ctrail_executor::Event;
use ctrail_kinds::aws::{Class, ReadRetry};
use ctrail_render::Style;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// A bar on the terminal, or `None` when output is not one.
fn bar(len: u64, template: &str, to_stderr: bool) -> Option<ProgressBar> {
    let tty = if to_stderr {
        std::io::stderr().is_terminal()
    } else {
        std::io::stdout().is_terminal()
    };
    if !tty {
        return None;
    }
    let target = if to_stderr {
        ProgressDrawTarget::stderr()
    } else {
        ProgressDrawTarget::stdout()
    };
    let bar = ProgressBar::with_draw_target(Some(len), target);
    if let Ok(style) = ProgressStyle::with_template(template) {
        bar.set_style(style.progress_chars("=> "));
    }
    bar.enable_steady_tick(Duration::from_millis(120));
    Some(bar)
}

/// Why a call is tried again, in the words of the retry lines.
fn why(class: Class) -> &'static str {
    match class {
        Class::Propagation => "waiting for AWS to propagate a new role, policy or key",
        Class::Transient => "transient failure",
        Class::Fatal => "failure",
    }
}

/// A call the SDK tries again (the reads of every command), on stderr in
/// the style of apply's retry lines: what, why, and attempt n of m.
pub fn read_retry(r: &ReadRetry) {
    eprintln!(
        "  ... {}: {} ({}); attempt {} of {}",
        r.operation,
        r.reason,
        why(r.class),
        r.attempt,
        r.of
    );
}

/// Apply's progress: a line per event with timings, and on a terminal a
/// bar of actions done, with those running and any wait for AWS.
pub struct Progress {
    bar: Option<ProgressBar>,
    style: Style,
    counts: Mutex<Counts>,
}

/// How many actions are done and how many are running.
#[derive(Default)]
struct Counts {
    done: usize,
    running: usize,
}

impl Counts {
    /// One more action done, no longer running: its event line, `mark`,
    /// its address, what came of it and how long it took.
    fn finished(
        &mut self,
        mark: &str,
        address: &dyn std::fmt::Display,
        outcome: &dyn std::fmt::Display,
        elapsed: Duration,
    ) -> String {
        self.done += 1;
        self.running = self.running.saturating_sub(1);
        format!(
            "  {mark} {address}: {outcome} ({:.2} s)",
            elapsed.as_secs_f64()
        )
    }
}

impl Progress {
    pub fn new(total: usize) -> Progress {
        let bar = bar(
            u64::try_from(total).unwrap_or(u64::MAX),
            "{spinner} [{bar:30}] {pos}/{len} done, {msg} ({elapsed})",
            false,
        );
        if let Some(b) = &bar {
            b.set_message("0 running");
        }
        Progress {
            bar,
            style: Style::detect(),
            counts: Mutex::new(Counts::default()),
        }
    }

    pub fn event(&self, e: &Event) {
        let Ok(mut counts) = self.counts.lock() else {
            return;
        };
        let mut waiting = None;
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
                let why = why(*class);
                waiting = Some(format!(
                    "{address}: {why}, retry {attempt} in {:.1} s",
                    delay.as_secs_f64()
                ));
                format!(
                    "  ... {address}: {operation}: {reason} ({why}); retry {attempt} in {:.1} s",
                    delay.as_secs_f64()
                )
            }
            Event::Completed {
                address,
                done,
                elapsed,
            } => self
                .style
                .green(&counts.finished("ok ", address, done, *elapsed)),
            Event::Failed {
                address,
                error,
                elapsed,
            } => self
                .style
                .alert(&counts.finished("ERR", address, error, *elapsed)),
        };
        match &self.bar {
            Some(bar) => {
                bar.println(line);
                bar.set_position(u64::try_from(counts.done).unwrap_or(u64::MAX));
                let running = format!("{} running", counts.running);
                bar.set_message(match waiting {
                    Some(w) => format!("{running}; {w}"),
                    None => running,
                });
            }
            None => {
                let mut out = std::io::stdout().lock();
                let _ = writeln!(out, "{line}");
                let _ = out.flush();
            }
        }
    }

    /// Removes the bar; the event lines stay.
    pub fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}

/// A wait on stderr: up to a limit (verify --wait), on a terminal a bar of
/// the time spent against the limit with what is awaited, otherwise a line
/// each time the wait starts over; or of unknown length (a query running),
/// a spinner with the time so far on a terminal, nothing otherwise.
pub struct Wait {
    bar: Option<ProgressBar>,
}

impl Wait {
    pub fn new(limit: Duration) -> Wait {
        let bar = bar(
            limit.as_secs().max(1),
            "{spinner} [{bar:30}] {elapsed} of {len}s: {msg}",
            true,
        );
        Wait { bar }
    }

    pub fn spinner(what: &str) -> Wait {
        let bar = bar(0, "{spinner} {msg} ({elapsed})", true);
        if let Some(b) = &bar {
            b.set_message(what.to_owned());
        }
        Wait { bar }
    }

    /// Says what is awaited now (shown on the bar, or printed as a line).
    pub fn waiting(&self, what: &str) {
        match &self.bar {
            Some(bar) => bar.set_message(what.to_owned()),
            None => eprintln!("{what}"),
        }
    }

    /// Sleeps for `pause`, moving the bar as time passes.
    pub fn sleep(&self, pause: Duration, elapsed: Duration) {
        match &self.bar {
            Some(bar) => {
                let step = Duration::from_millis(250);
                let mut slept = Duration::ZERO;
                while slept < pause {
                    let nap = step.min(pause - slept);
                    std::thread::sleep(nap);
                    slept += nap;
                    bar.set_position((elapsed + slept).as_secs());
                }
            }
            None => std::thread::sleep(pause),
        }
    }

    pub fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}
