//! The subcommands of the `redress` binary, one module each, and [`Command`], the table
//! that sends each to its module. Client commands share [`client`] (connection, refusals),
//! [`input`] and [`enums`] (what a person types, made ready for the wire), [`format`] (what
//! the server sent, made readable) and [`rows`], the one row model that prints every report
//! and listing as a table (through [`table`]) or as JSON.

mod bench;
mod calendar;
mod client;
mod complaint;
mod enums;
mod format;
mod health;
mod input;
mod report;
mod rows;
mod serve;
mod store_admin;
mod table;
mod token;

use anyhow::Result;
use clap::Subcommand;

use crate::observability::LogFormat;

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the gRPC server.
    Serve(serve::ServeArgs),
    /// Mint a bearer token with the embedded default's local signing key.
    Token(token::TokenArgs),
    /// Working days and bank holidays for the three UK regions.
    #[command(subcommand)]
    Calendar(calendar::CalendarCommand),
    /// Drive a complaint from the terminal: receive, contact, plan, outcome, pay, … show, history.
    Complaint(complaint::ComplaintArgs),
    /// Reports from the read models: deadlines, timeliness, outcomes, payments, trends, caseload.
    Report(report::ReportArgs),
    /// Ask a server whether it is serving (exit 0) or not (exit 1).
    Health(health::HealthArgs),
    /// Apply pending database migrations (the server also does this on start).
    Migrate(store_admin::DatabaseArgs),
    /// Projection status and rebuilds, straight on the database.
    #[command(subcommand)]
    Projections(store_admin::ProjectionsCommand),
    /// Load generator: mixed gRPC traffic against a local server, per-RPC latency.
    Bench(bench::BenchArgs),
}

impl Command {
    /// Runs the subcommand to completion. Only `serve` logs (in `log_format`).
    pub fn run(self, log_format: LogFormat) -> Result<()> {
        match self {
            Command::Calendar(cmd) => calendar::run(cmd),
            Command::Token(cmd) => token::run(cmd),
            Command::Complaint(cmd) => complaint::run(cmd),
            Command::Serve(cmd) => block_on(serve::run(cmd, log_format)),
            Command::Report(args) => report::run(args),
            Command::Health(args) => block_on(health::run(args)),
            Command::Migrate(db) => block_on(store_admin::migrate(db)),
            Command::Projections(cmd) => block_on(store_admin::projections(cmd)),
            Command::Bench(cmd) => block_on(bench::run(cmd)),
        }
    }
}

/// Runs an async subcommand on a fresh multi-threaded runtime.
fn block_on(future: impl std::future::Future<Output = Result<()>>) -> Result<()> {
    tokio::runtime::Runtime::new()
        .map_err(anyhow::Error::from)
        .and_then(|rt| rt.block_on(future))
}
