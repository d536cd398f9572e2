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
/// created in, `ctrail plan` shows what it would change in the account,
/// `ctrail apply` makes the account match, `ctrail drift` reports changes made
/// outside ctrail, and `ctrail query` runs the spec's saved Logs Insights
/// queries.
///
/// AWS credentials come from the standard chain (environment, profiles, SSO,
/// assume-role); AWS_ENDPOINT_URL points ctrail at another endpoint.
#[derive(Parser)]
#[command(
    name = "ctrail",
    version = concat!(env!("CARGO_PKG_VERSION"), " (git ", env!("CTRAIL_GIT_REVISION"), ")"),
    propagate_version = true,
    arg_required_else_help = true
)]
struct Cli {
    /// More detail on stderr (-v info, -vv debug); RUST_LOG overrides.
    #[arg(short, long, action = clap::ArgAction::Count, global = true)]
    verbose: u8,
    /// AWS profile from the shared config files.
    #[arg(long, global = true, value_name = "NAME")]
    profile: Option<String>,
    /// AWS region for API calls (default: the spec's `region`).
    #[arg(long, global = true, value_name = "REGION")]
    region: Option<String>,
    /// Send every AWS call to this endpoint instead (as the AWS CLI's
    /// --endpoint-url; AWS_ENDPOINT_URL does the same).
    #[arg(long, global = true, value_name = "URL")]
    endpoint_url: Option<String>,
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
    /// Show what ctrail would change to make the account match each spec.
    ///
    /// Reads the account (read-only) and prints every difference, attribute by
    /// attribute, ending with "Plan: N to add, N to change, N to replace, N to
    /// destroy". Several specs are planned concurrently, one section each.
    Plan(commands::plan::Options),
    /// Make the account match a spec, or carry out a saved plan.
    ///
    /// With a SPEC: plans, shows the plan, and asks for confirmation (refused
    /// without a terminal unless --auto-approve). With a PLAN saved by
    /// `ctrail plan --out`: re-reads the account and refuses if anything
    /// changed since the plan was made. Actions run in dependency order, in
    /// parallel where independent; failures are retried when AWS says to wait
    /// (throttling, IAM propagation) and stop the apply otherwise. On a failure
    /// or Ctrl-C, running actions finish and the report lists every action as
    /// completed, failed or not started; running apply again continues.
    /// Afterwards a new plan must show no changes.
    Apply(commands::apply::Options),
    /// Delete what ctrail owns of a spec, in reverse dependency order.
    ///
    /// Shown and confirmed like apply. The log bucket and the log group are
    /// kept unless the spec sets `allow_destroy` for them; a bucket is
    /// emptied only with --delete-log-data and its name typed (or given with
    /// --confirm-bucket); resources ctrail does not own are left alone;
    /// `prevent_destroy` makes deleting a listed resource an error. A second
    /// destroy finds nothing to delete. Exits 0 on success, 1 on error.
    Destroy(commands::destroy::Options),
    /// Write a spec for a trail that exists (made by hand or another tool).
    ///
    /// Reads the trail and what it uses (bucket and its settings, log group,
    /// role and its policy, key, selectors, Insights, tags, the metric
    /// filters, alarms, alert topic and saved queries on its log group) and
    /// writes a
    /// valid spec: values equal to ctrail's defaults left out, every other
    /// one with a comment saying what was found. `ctrail plan` on it adopts
    /// what exists; any change it cannot avoid is listed at its top. Reads
    /// only. Exits 0 on success, 1 on error.
    Import(commands::import::Options),
    /// Report changes made outside ctrail, for scheduled jobs.
    ///
    /// The same read and comparison as `plan`. Exits 0 when nothing drifted,
    /// 2 when something did, 1 on error.
    Drift {
        /// The spec files to compare with the account.
        #[arg(required = true, value_name = "SPEC")]
        specs: Vec<PathBuf>,
        /// `jsonl`: one JSON object per drifted resource, then a summary line; `markdown` for a ticket.
        #[arg(long, value_enum, default_value_t = DriftFormat::Jsonl)]
        format: DriftFormat,
    },
    /// Join the drift results of several CI jobs into one summary.
    ///
    /// Reads files of `ctrail drift --format jsonl` output (one job's each,
    /// one job per account, say) and prints the summary `ctrail drift
    /// SPEC...` ends with: a line per spec with its account and outcome (no
    /// changes, what drifted, or FAILED and why). Reads no AWS account. Exits
    /// as `ctrail drift` over those specs would: 0 when nothing drifted, 2
    /// when something did, 1 when a spec could not be checked, a result
    /// cannot be read or (--expect) no result reports on a spec.
    Summary(commands::summary::Options),
    /// Prove the trail works: is it delivering, in every region?
    ///
    /// Reads, concurrently: the trail's status (logging, delivery errors),
    /// the trail as two other regions see it (multi-region), the newest log
    /// and digest files in the bucket for the home region and the others, and
    /// the newest events in the log group's stream for each; the live bucket,
    /// key, role and topic policies judged by the policy evaluator; each
    /// metric filter tested on its sample event; each alarm topic's
    /// subscriptions. Each check is pass, pending (CloudTrail delivers within
    /// about 5-15 minutes) or fail, with what was seen. Exits 0 when all pass, 2 when something is still
    /// pending, 1 on a failure.
    Verify(commands::verify::Options),
    /// The setup report: what the account holds, proven, for an auditor.
    ///
    /// From live data, not the spec: the trail's configuration (KMS, tags),
    /// the bucket and CloudWatch Logs, the role and its permissions,
    /// monitoring (filters, alarms, topics), saved queries with how to use
    /// them, the verification results in every region, costs, security
    /// practice and troubleshooting, with real ARNs and times. Markdown, one
    /// self-contained HTML page, or JSON.
    Report(commands::report::Options),
    /// Judge a spec against the CIS AWS Foundations Benchmark v3.0.
    ///
    /// The CloudTrail (section 3) and monitoring (section 4) controls, each
    /// pass, fail or manual (a person must act, with the exact command),
    /// judged on what the account will hold once the spec is applied, with
    /// the evidence and the spec line that decides it; with --live, on the
    /// account as it is (read-only), including trails, filters and alarms
    /// ctrail does not manage. Exits 0 when nothing fails, 1 when a control
    /// fails or on error.
    Check(commands::check::Options),
    /// Validate the trail's log files against CloudTrail's digest chain.
    ///
    /// Every region's chain, walked back from the end time: each digest's
    /// SHA256withRSA signature (the public key from CloudTrail's
    /// ListPublicKeys), each link to the digest before it, and each log
    /// file's SHA-256, with the AWS CLI's verdicts and summary, fetched in
    /// parallel and hashed as it streams. Read-only. Exits 0 when every
    /// file is valid, 1 when any is invalid or missing, or on error.
    ValidateLogs(commands::validate_logs::Options),
    /// Run one of the spec's saved Logs Insights queries and print its rows.
    ///
    /// Starts the query (StartQuery) on the query's log groups over the time
    /// range, polls with backoff until it completes, and prints the rows. With
    /// --list, lists the spec's queries and whether the account holds each as
    /// the spec says. Exits 0 with the rows (even none), 1 on error.
    Query(commands::query::Options),
    /// Write a commented spec from the seed procedure's parameters.
    ///
    /// --trail-name, --s3-bucket-name, --region, --cloudwatch-log-group,
    /// --enable-data-events, --enable-insights, --kms-key-id and --tags (the
    /// seed's JSON); on a terminal, missing required ones are asked for. The
    /// spec is checked as ctrail validate would before it is written.
    Init(commands::init::Options),
    /// Print a shell completion script: ctrail completions bash > /etc/bash_completion.d/ctrail
    Completions {
        /// The shell to write the script for.
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the JSON Schema of specs, for editors (yaml-language-server).
    ///
    /// Generated from the spec decoder's own shapes; specs name it with a
    /// first line `# yaml-language-server: $schema=<path or URL>`. What the
    /// schema cannot express, its description lists; ctrail validate checks all.
    Schema {
        /// Write it to this file instead of stdout.
        #[arg(long, short = 'o', value_name = "FILE")]
        out: Option<PathBuf>,
    },
    /// Write man pages (ctrail.1 and one per command) into a directory.
    ///
    /// --out is required: the pages are never written where ctrail happens
    /// to run (the working directory is often a checkout).
    Man {
        /// The directory to write them into (made if missing).
        #[arg(long, value_name = "DIR", required = true)]
        out: PathBuf,
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
enum PlanFormat {
    Text,
    Markdown,
    Json,
}

#[derive(Clone, Copy, ValueEnum)]
enum DriftFormat {
    Jsonl,
    Markdown,
}

#[derive(Clone, Copy, ValueEnum)]
enum GraphFormat {
    Text,
    Dot,
    Json,
}

fn init_tracing(verbose: u8) {
    // The SDK's own warnings repeat what ctrail reports with more context.
    let default = match verbose {
        0 => "warn,aws_config=error,aws_smithy_runtime=error",
        1 => "info,aws_config=warn",
        _ => "debug",
    };
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(default));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .init();
}

/// The async runtime for commands that talk to AWS.
fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap_or_else(|e| {
            eprintln!("error: cannot start the async runtime: {e}");
            std::process::exit(1)
        })
}

/// ctrail.1, and ctrail-<command>.1 for each command, into `dir`.
fn man_pages(dir: &std::path::Path) -> anyhow::Result<ExitCode> {
    use anyhow::Context;
    let cmd = <Cli as clap::CommandFactory>::command();
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let write = |name: &str, page: clap::Command| -> anyhow::Result<()> {
        let path = dir.join(format!("{name}.1"));
        let cannot = || format!("cannot write {}", path.display());
        let mut file = std::fs::File::create(&path).with_context(cannot)?;
        clap_mangen::Man::new(page)
            .render(&mut file)
            .with_context(cannot)
    };
    for sub in cmd.get_subcommands() {
        let name = format!("ctrail-{}", sub.get_name());
        write(
            &name,
            sub.clone()
                .display_name(name.clone())
                .bin_name(format!("ctrail {}", sub.get_name())),
        )?;
    }
    write("ctrail", cmd)?;
    eprintln!("wrote man pages into {}", dir.display());
    Ok(ExitCode::SUCCESS)
}

fn schema(out: Option<&std::path::Path>) -> anyhow::Result<ExitCode> {
    use anyhow::Context;
    let schema = ctrail_spec::json_schema().context("the schema")?;
    let mut text = serde_json::to_string_pretty(&schema)?;
    text.push('\n');
    match out {
        None => print!("{text}"),
        Some(path) => {
            std::fs::write(path, text).with_context(|| path.display().to_string())?;
            eprintln!("wrote {}", path.display());
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// A closed pipe ends ctrail quietly, as it does other Unix tools
/// (`ctrail plan | head`): Rust ignores SIGPIPE, so the next write to
/// stdout fails and `println!` panics; that one panic exits with the
/// shell's code for a closed pipe (141) and no message.
fn quiet_on_closed_pipe() {
    let default = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let message = info
            .payload()
            .downcast_ref::<String>()
            .map(String::as_str)
            .or_else(|| info.payload().downcast_ref::<&str>().copied())
            .unwrap_or_default();
        if message.starts_with("failed printing to stdout") && message.contains("Broken pipe") {
            std::process::exit(141);
        }
        default(info);
    }));
}

fn main() -> ExitCode {
    quiet_on_closed_pipe();
    let cli = Cli::parse();
    init_tracing(cli.verbose);
    let conn = ctrail_kinds::aws::Connection {
        profile: cli.profile,
        region: cli.region,
        endpoint_url: cli.endpoint_url,
        on_retry: Some(ctrail_kinds::aws::RetryReporter::new(
            render::progress::read_retry,
        )),
    };
    match cli.command {
        Command::Plan(opts) => commands::plan::run(opts, &conn),
        Command::Drift { specs, format } => commands::drift::run(&specs, format, &conn),
        Command::Summary(opts) => commands::summary::run(&opts),
        Command::Apply(opts) => commands::apply::run(opts, &conn),
        Command::Destroy(opts) => commands::destroy::run(opts, &conn),
        Command::Import(opts) => commands::import::run(opts, &conn),
        Command::Query(opts) => commands::query::run(opts, &conn),
        Command::Check(opts) => commands::check::run(&opts, &conn),
        Command::ValidateLogs(opts) => commands::validate_logs::run(&opts, &conn, cli.verbose > 0),
        Command::Verify(opts) => commands::verify::run(opts, &conn),
        Command::Report(opts) => commands::report::run(opts, &conn),
        Command::Init(opts) => commands::init::run(opts),
        Command::Completions { shell } => {
            let mut cmd = <Cli as clap::CommandFactory>::command();
            clap_complete::generate(shell, &mut cmd, "ctrail", &mut std::io::stdout());
            ExitCode::SUCCESS
        }
        Command::Man { out } => commands::or_error(man_pages(&out)),
        Command::Schema { out } => commands::or_error(schema(out.as_deref())),
        Command::Validate { specs, format } => commands::validate::run(&specs, format),
        Command::Graph {
            spec,
            format,
            attributes,
        } => commands::graph::run(&spec, format, attributes),
    }
}

#[cfg(test)]
mod help {
    use clap::CommandFactory;

    /// Every option and argument of every command says what it is for in
    /// `--help` (a blank line there told a new user nothing).
    #[test]
    fn every_option_has_a_line_of_help() {
        fn walk(cmd: &clap::Command, path: &str, missing: &mut Vec<String>) {
            for arg in cmd.get_arguments() {
                let id = arg.get_id().as_str();
                if matches!(id, "help" | "version") {
                    continue;
                }
                if arg.get_help().is_none() && arg.get_long_help().is_none() {
                    missing.push(format!("{path} {id}"));
                }
            }
            for sub in cmd.get_subcommands() {
                walk(sub, &format!("{path} {}", sub.get_name()), missing);
            }
        }
        let mut missing = Vec::new();
        walk(&super::Cli::command(), "ctrail", &mut missing);
        assert!(missing.is_empty(), "options without help: {missing:?}");
    }

    /// `ctrail man` writes only where it is told: without --out it is a
    /// usage error, not eighteen pages in the working directory.
    #[test]
    fn man_needs_a_directory() {
        let parse = |argv: &[&str]| <super::Cli as clap::Parser>::try_parse_from(argv);
        let err = parse(&["ctrail", "man"])
            .err()
            .expect("ctrail man without --out");
        assert_eq!(err.kind(), clap::error::ErrorKind::MissingRequiredArgument);
        assert!(parse(&["ctrail", "man", "--out", "pages"]).is_ok());
    }

    /// The seed writes its parameter as `--enable-data-events true`.
    #[test]
    fn init_takes_the_flag_alone_or_with_true_or_false() {
        let parse = |args: &[&str]| {
            let mut argv = vec!["ctrail", "init"];
            argv.extend_from_slice(args);
            <super::Cli as clap::Parser>::try_parse_from(argv).map_err(|e| e.to_string())
        };
        for (args, data, insights) in [
            (&[][..], false, false),
            (&["--enable-data-events"][..], true, false),
            (
                &["--enable-data-events", "true", "--enable-insights", "false"][..],
                true,
                false,
            ),
            (
                &["--enable-data-events=false", "--enable-insights"][..],
                false,
                true,
            ),
        ] {
            let cli = parse(args).unwrap_or_else(|e| panic!("{args:?}: {e}"));
            let super::Command::Init(opts) = cli.command else {
                panic!("not init");
            };
            assert_eq!(
                (opts.enable_data_events, opts.enable_insights),
                (data, insights),
                "{args:?}"
            );
        }
        assert!(parse(&["--enable-data-events", "yes"]).is_err());
    }
}
