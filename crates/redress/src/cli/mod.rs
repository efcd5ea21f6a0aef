//! Subcommands of the `redress` binary, one module each.

pub mod bench;
pub mod calendar;
pub mod client;
pub mod complaint;
pub mod health;
pub mod report;
pub mod serve;
pub mod store_admin;
pub mod table;
pub mod token;
