//! The `redress` binary's library half. Read in this order:
//!
//! | module | what it is |
//! |---|---|
//! | [`app`] | the application wiring shared by `redress serve` and the end-to-end tests |
//! | `cli` | every subcommand ([`Command`]): `serve`, `token`, `calendar`, `complaint`, `report`, `health`, `migrate`, `projections`, `bench` |
//! | `observability` | logs, OpenTelemetry traces and Prometheus metrics of a running server |

pub mod app;
mod cli;
mod observability;

pub use cli::Command;
pub use observability::{LogFormat, OtlpSettings};
