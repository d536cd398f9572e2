pub mod diagnostics;
pub mod graph;
