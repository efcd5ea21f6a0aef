//! The portable SQL layer, written once for the store and the read side: typed parameters
//! ([`SqlValue`]), rows decoded to portable [`Cell`]s or tuples ([`PortableRow`]), `$n`
//! placeholder lists, and one executor ([`SqlConn`]) over a pooled connection
//! ([`PooledConn`]), a dedicated connection or an open transaction ([`SqlTx`]) of either
//! database.
//!
//! Most SQL runs unchanged on both databases: both accept `$1, $2, …` placeholders,
//! `INSERT … ON CONFLICT (…) DO UPDATE SET x = excluded.x`, `DELETE` and ordinary
//! `SELECT`s. Where the dialects really differ the two texts are written out side by side,
//! as a [`Dialect`] in `dialect.rs`, the one place that lists every such statement. We chose
//! an enum per database over `sqlx::Any` because `Any` does not support the `json`, `chrono`
//! and `uuid` types read models need, and the enum keeps the full native API one `match`
//! away.
//!
//! Portability rules of the read-model tables:
//! * instants are `BIGINT` microseconds since the Unix epoch (`*_us` columns, see [`us`]):
//!   ordered, indexable and compared identically on both databases;
//! * dates are `TEXT` `YYYY-MM-DD` (lexicographic order is date order);
//! * booleans are `BOOLEAN` (SQLite stores 0/1 and sqlx decodes both);
//! * lists are JSON in `TEXT` columns.

/// Runs `$body` with `$x` bound to the value inside `$value`, an enum of `$ty` with one
/// `Postgres` and one `Sqlite` variant: the body is written once and compiled once per
/// database. This is the store's only per-backend dispatch of identical code.
macro_rules! per_backend {
    ($value:expr, $ty:ident, |$x:ident| $body:expr) => {
        match $value {
            $ty::Postgres($x) => $body,
            $ty::Sqlite($x) => $body,
        }
    };
}
pub(crate) use per_backend;

mod conn;
pub(crate) mod dialect;
mod placeholders;
mod row;
mod value;

pub use conn::{PooledConn, SqlConn, SqlTx};
pub use dialect::Dialect;
pub use placeholders::{placeholders, values_list};
pub use row::{Cell, Cells, PortableRow};
pub use value::{from_us, us, us_opt, SqlValue};
