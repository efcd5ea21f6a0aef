//! The `redress` binary: one executable for every way Redress is run. Each subcommand lives
//! in its own module under `cli/`; this file only parses arguments, sets up logging and
//! reports errors.

use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};

use redress::cli;

/// Redress: event-sourced complaint handling.
#[derive(Debug, Parser)]
#[command(name = "redress", version, about)]
struct Args {
    /// Log format on stderr.
    #[arg(
        long,
        global = true,
        env = "REDRESS_LOG_FORMAT",
        default_value = "text"
    )]
    log_format: LogFormat,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum LogFormat {
    Text,
    Json,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Run the gRPC server.
    Serve(cli::serve::ServeArgs),
    /// Mint a bearer token with the embedded default's local signing key.
    Token(cli::token::TokenArgs),
    /// Working days and bank holidays for the three UK regions.
    #[command(subcommand)]
    Calendar(cli::calendar::CalendarCommand),
    /// Drive a complaint from the terminal: receive, contact, plan, outcome, pay, … show, history.
    Complaint(cli::complaint::ComplaintArgs),
    /// Reports from the read models: deadlines, timeliness, outcomes, payments, trends, caseload.
    Report(cli::report::ReportArgs),
    /// Ask a server whether it is serving (exit 0) or not (exit 1).
    Health(cli::health::HealthArgs),
    /// Apply pending database migrations (the server also does this on start).
    Migrate(cli::store_admin::DatabaseArgs),
    /// Projection status and rebuilds, straight on the database.
    #[command(subcommand)]
    Projections(cli::store_admin::ProjectionsCommand),
    /// Load generator: mixed gRPC traffic against a local server, per-RPC latency.
    Bench(cli::bench::BenchArgs),
}

/// Runs an async subcommand on a fresh runtime.
fn block_on(future: impl std::future::Future<Output = anyhow::Result<()>>) -> anyhow::Result<()> {
    tokio::runtime::Runtime::new()
        .map_err(anyhow::Error::from)
        .and_then(|rt| rt.block_on(future))
}

/// Logs go to stderr; the filter comes from `RUST_LOG` (default `info`). Fields are
/// structured and never carry personal data. With a tracer, the spans that pass the same
/// filter are also exported as OpenTelemetry traces.
fn init_logging(format: LogFormat, tracer: Option<opentelemetry_sdk::trace::SdkTracer>) {
    use tracing_subscriber::prelude::*;

    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let fmt = tracing_subscriber::fmt::layer()
        .with_writer(std::io::stderr)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()));
    let fmt = match format {
        LogFormat::Text => fmt.boxed(),
        LogFormat::Json => fmt.json().boxed(),
    };
    let otel = tracer.map(|tracer| {
        tracing_opentelemetry::layer()
            .with_tracer(tracer)
            .with_filter(tracing_subscriber::filter::filter_fn(
                redress::otel::exported,
            ))
    });
    tracing_subscriber::registry()
        .with(filter)
        .with(fmt)
        .with(otel)
        .init();
}

/// `redress serve`: the settings decide whether traces are exported, so logging starts
/// after they are read; the exporter is flushed after the server has stopped.
async fn serve(cmd: cli::serve::ServeArgs, format: LogFormat) -> anyhow::Result<()> {
    let settings = cmd.settings()?;
    let traces = settings
        .otlp
        .as_ref()
        .map(redress::otel::install)
        .transpose()?;
    init_logging(format, traces.as_ref().map(|t| t.tracer()));
    if let Some(otlp) = &settings.otlp {
        tracing::info!(endpoint = %otlp.endpoint, sample_ratio = otlp.sample_ratio, "exporting traces over OTLP");
    }
    let result = cli::serve::run(settings).await;
    if let Some(traces) = traces {
        traces.shutdown().await;
    }
    result
}

fn main() -> ExitCode {
    let args = Args::parse();
    let result = match args.command {
        Command::Calendar(cmd) => cli::calendar::run(cmd),
        Command::Token(cmd) => cli::token::run(cmd),
        Command::Complaint(cmd) => cli::complaint::run(cmd),
        Command::Serve(cmd) => block_on(serve(cmd, args.log_format)),
        Command::Report(args) => cli::report::run(args),
        Command::Health(args) => block_on(cli::health::run(args)),
        Command::Migrate(db) => block_on(cli::store_admin::migrate(db)),
        Command::Projections(cmd) => block_on(cli::store_admin::projections(cmd)),
        Command::Bench(cmd) => block_on(cli::bench::run(cmd)),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}
