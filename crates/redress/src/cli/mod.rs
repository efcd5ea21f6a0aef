//! Subcommands of the `redress` binary, one module each.

pub mod calendar;
pub mod serve;
pub mod token;
