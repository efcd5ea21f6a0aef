//! The `redress` binary's library half: the application wiring ([`app`]) shared by
//! `redress serve` and the end-to-end tests, and the subcommands ([`cli`]).

pub mod app;
pub mod cli;
pub mod otel;
pub mod telemetry;
