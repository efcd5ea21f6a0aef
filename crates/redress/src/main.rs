//! The `redress` binary: one executable for every way Redress is run. Each subcommand lives
//! in its own module under `cli/`; this file only parses arguments and reports errors.

use std::process::ExitCode;

use clap::{Parser, Subcommand};

mod cli;

/// Redress: event-sourced complaint handling.
#[derive(Debug, Parser)]
#[command(name = "redress", version, about)]
struct Args {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Working days and bank holidays for the three UK regions.
    #[command(subcommand)]
    Calendar(cli::calendar::CalendarCommand),
}

fn main() -> ExitCode {
    let args = Args::parse();
    let result = match args.command {
        Command::Calendar(cmd) => cli::calendar::run(cmd),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}
