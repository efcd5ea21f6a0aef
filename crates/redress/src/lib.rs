//! The `redress` binary's library half. Read in this order:
//!
//! | module | what it is |
//! |---|---|
//! | [`app`] | the application wiring shared by `redress serve` and the end-to-end tests |
//! | `cli` | every subcommand ([`Command`]), one module each: `serve`, `token`, `calendar`, `complaint/{args,send,render}`, `report`, `health`, `store_admin` (`migrate`, `projections`), `bench/{mix,worker,stats,report}` |
//! | `cli` (shared) | `client` (connection, refusals), `input` and `enums` (arguments made ready for the wire), `format` (replies made readable), `rows` (the one row model: every report and listing as a table or JSON) over `table` |
//! | `observability` | logs, OpenTelemetry traces and Prometheus metrics of a running server |

pub mod app;
mod cli;
mod observability;

pub use cli::Command;
pub use observability::{LogFormat, OtlpSettings};
