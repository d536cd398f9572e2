//! Colour for terminals: only on a TTY, never with NO_COLOR set.

use std::io::IsTerminal;

/// `name(s)`: `s` in that SGR colour code (plain without colour).
macro_rules! colours {
    ($($(#[$doc:meta])* $name:ident => $code:literal,)*) => {
        $($(#[$doc])* pub fn $name(self, s: &str) -> String {
            self.paint($code, s)
        })*
    };
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Style {
    pub color: bool,
}

impl Style {
    pub const PLAIN: Style = Style { color: false };

    /// Colour when stdout is a terminal and NO_COLOR is unset or empty.
    pub fn detect() -> Style {
        let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
        Style {
            color: std::io::stdout().is_terminal() && !no_color,
        }
    }

    fn paint(self, code: &str, s: &str) -> String {
        if self.color {
            format!("\x1b[{code}m{s}\x1b[0m")
        } else {
            s.to_owned()
        }
    }
    colours! {
        green => "32",
        yellow => "33",
        red => "31",
        magenta => "35",
        bold => "1",
        /// Bold red: what stops a plan or an apply.
        alert => "1;31",
    }
}
