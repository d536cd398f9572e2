//! The `ctrail` command line. It only wires the stages together and renders
//! their results; every decision is made in the library crates.

mod commands;
mod render;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};

/// Declarative desired-state reconciler for AWS CloudTrail.
///
/// Keep one YAML spec per account in git. `ctrail validate` checks it,
/// `ctrail graph` shows every AWS resource it implies and the order they are
/// created in.
#[derive(Parser)]
#[command(
    name = "ctrail",
    version,
    propagate_version = true,
    arg_required_else_help = true
)]
struct Cli {
    /// More detail on stderr (-v info, -vv debug); RUST_LOG overrides.
    #[arg(short, long, action = clap::ArgAction::Count, global = true)]
    verbose: u8,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Check spec files: every problem is reported with file, line, column and field.
    ///
    /// Exits 0 when every file is valid, 1 when any file has an error.
    /// Warnings (a secure default turned off, say) are shown but do not fail.
    Validate {
        /// Spec files to check.
        #[arg(required = true, value_name = "SPEC")]
        specs: Vec<PathBuf>,
        /// `text` for people, `json` for CI annotations and tools.
        #[arg(long, value_enum, default_value_t = DiagnosticsFormat::Text)]
        format: DiagnosticsFormat,
    },
    /// Show the AWS resources a spec implies, in the order they are created.
    ///
    /// Resources are grouped in waves: everything in a wave can be created at
    /// once, after the waves before it. Each resource lists what must exist
    /// before it and why (IAM propagation, bucket policy checks, ...).
    Graph {
        /// The spec file.
        #[arg(value_name = "SPEC")]
        spec: PathBuf,
        /// `text` (ordered list), `dot` (Graphviz) or `json`.
        #[arg(long, value_enum, default_value_t = GraphFormat::Text)]
        format: GraphFormat,
        /// Also print each resource's desired attributes (text format).
        #[arg(long)]
        attributes: bool,
    },
}

#[derive(Clone, Copy, ValueEnum)]
enum DiagnosticsFormat {
    Text,
    Json,
}

#[derive(Clone, Copy, ValueEnum)]
enum GraphFormat {
    Text,
    Dot,
    Json,
}

fn init_tracing(verbose: u8) {
    let default = match verbose {
        0 => "warn",
        1 => "info",
        _ => "debug",
    };
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(default));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .init();
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    init_tracing(cli.verbose);
    match cli.command {
        Command::Validate { specs, format } => commands::validate::run(&specs, format),
        Command::Graph {
            spec,
            format,
            attributes,
        } => commands::graph::run(&spec, format, attributes),
    }
}
