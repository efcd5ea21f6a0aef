//! The `redress` binary: one executable for every way Redress is run. This file only
//! parses the arguments, hands the subcommand to [`redress::Command`] and reports errors.

use std::process::ExitCode;

use clap::Parser;
use redress::{Command, LogFormat};

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

fn main() -> ExitCode {
    let args = Args::parse();
    match args.command.run(args.log_format) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}
