//! Subcommands of the `redress` binary, one module each.

pub mod calendar;
