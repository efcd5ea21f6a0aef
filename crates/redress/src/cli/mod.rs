//! Subcommands of the `redress` binary, one module each.

pub mod calendar;
pub mod client;
pub mod complaint;
pub mod serve;
pub mod store_admin;
pub mod table;
pub mod token;
