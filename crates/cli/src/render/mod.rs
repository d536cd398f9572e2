pub mod diagnostics;
pub mod graph;
pub mod progress;
