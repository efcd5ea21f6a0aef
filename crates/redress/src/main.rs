//! The `redress` binary: one executable for every way Redress is run. Each subcommand lives
//! in its own module under `cli/`; this file only parses arguments, sets up logging and
//! reports errors.

use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};

mod cli;

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
}

/// Logs go to stderr; the filter comes from `RUST_LOG` (default `info`). Fields are
/// structured and never carry personal data.
fn init_logging(format: LogFormat) {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()));
    match format {
        LogFormat::Text => builder.init(),
        LogFormat::Json => builder.json().init(),
    }
}

fn main() -> ExitCode {
    let args = Args::parse();
    let result = match args.command {
        Command::Calendar(cmd) => cli::calendar::run(cmd),
        Command::Token(cmd) => cli::token::run(cmd),
        Command::Serve(cmd) => {
            init_logging(args.log_format);
            tokio::runtime::Runtime::new()
                .map_err(anyhow::Error::from)
                .and_then(|rt| rt.block_on(cli::serve::run(cmd)))
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}
