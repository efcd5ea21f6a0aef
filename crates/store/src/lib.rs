//! # redress-store
//!
//! Durable events for Redress, on PostgreSQL (production, via `postgres-es`) or SQLite (the
//! embedded default, via `sqlite-es`), chosen by a database URL.
//!
//! ## The map of this crate (in reading order)
//! | module | what it is |
//! |---|---|
//! | `store.rs` | [`Store`]: connect by URL ([`StoreConfig`]), forward-only migrations embedded from `migrations/postgres` and `migrations/sqlite`, the pool |
//! | `sql/` | the one portable SQL layer: [`SqlValue`] parameters, [`Cell`] rows, `$n` [`placeholders`], and [`SqlConn`]/[`SqlTx`], the executor on a pool, a connection or a transaction of either database; `sql/dialect.rs` lists every statement whose text differs |
//! | `command.rs` | [`Store::execute`]: optimistic concurrency, idempotency by command id, the [`CommandContext`] and actor metadata on every event, the [`CommandOutcome`] with the aggregate after the command |
//! | `load.rs` | reading one aggregate: [`Store::load`] (snapshot + events), its events, a page of them |
//! | `repo.rs` | the cqrs-es repository: events, snapshot and idempotency record in one transaction |
//! | `upcast.rs` | upcasters applied on every read ([`AddFieldUpcaster`]) |
//! | `feed.rs` | the global feed [`Store::read_after`] in a gap-free order: PostgreSQL `(txid, position)` bounded by the oldest running transaction; SQLite `position` |
//! | `projection.rs` | the [`Projection`] trait a read model implements |
//! | `runner/` | the [`ProjectionRunner`]: the shared worker loop (`mod.rs`), the PostgreSQL advisory lock and `LISTEN` (`postgres.rs`), the SQLite lease (`sqlite.rs`) |
//! | `checkpoints.rs` | the checkpoint table and the status admin API: [`ProjectionStatus`], lag, rebuild requests |
//! | `exclusive.rs` | the deployment-wide lock [`Exclusive`] ([`Store::try_exclusive`]) |
//! | `error.rs` | [`StoreError`], [`CommandError`] |
//! | `testing.rs` | (cargo feature `testing`) `TestDatabase`, a fresh database per test |
//!
//! Events are never updated or deleted by this crate: the history is the audit trail.
//!
//! ## Using it
//! ```ignore
//! let store = Store::connect_and_migrate(StoreConfig::new(url)).await?;
//! let ctx = CommandContext::new(request_id, actor)   // a redress_domain::Actor
//!     .expecting(etag_version)          // optional optimistic concurrency
//!     .correlated(trace_id);
//! let out = store.execute::<Complaint>(&id, command, &ctx, &services).await?;
//! // out.events, out.version (the new etag), out.aggregate (the state after the command),
//! // out.replayed (a retried request id)
//!
//! let runner = ProjectionRunner::new(store.clone(), RunnerConfig::default())
//!     .with(Arc::new(MyReadModel))
//!     .start();
//! // ... on shutdown: runner.stop().await
//! ```
//!
//! ## Design notes and limits
//! * The PostgreSQL feed waits for the oldest open transaction **in the whole cluster**
//!   (xids are cluster-wide): a long transaction anywhere, including in another database or
//!   an abandoned prepared transaction, delays projections (never loses events). Watch
//!   projection lag and `idle in transaction` sessions; give Redress its own cluster if you
//!   can.
//! * Each projection a PostgreSQL runner holds uses one dedicated connection (for its
//!   advisory lock and its batches), plus one per runner for `LISTEN`; these are outside
//!   the pool sized by [`StoreConfig::max_connections`].
//! * A command that emits no events records nothing, so a retry with its id runs it again.
//! * A command id is global: reusing one on another aggregate is
//!   [`CommandError::CommandIdReused`].
//! * Snapshots: cqrs-es 0.5 with postgres-es/sqlite-es 0.5 records a snapshot at the last
//!   event's sequence even when it only covers part of a multi-event commit; this crate's
//!   repository records the right sequence (tested with a property test).

mod checkpoints;
mod command;
mod error;
mod exclusive;
mod feed;
mod load;
mod projection;
mod repo;
mod runner;
mod sql;
mod store;
#[cfg(feature = "testing")]
pub mod testing;
mod upcast;

pub use checkpoints::ProjectionStatus;
pub use command::{CommandContext, CommandOutcome, EventMetadata};
pub use error::{CommandError, StoreError};
pub use exclusive::Exclusive;
pub use feed::{Checkpoint, StoredEvent};
pub use projection::{Projection, ProjectionError, ProjectionTx};
pub use repo::COMMAND_ID_KEY;
pub use runner::{ProjectionRunner, RunnerConfig, RunnerHandle};
pub use sql::{
    from_us, placeholders, us, us_opt, values_list, Cell, Cells, Dialect, PooledConn, PortableRow,
    SqlConn, SqlTx, SqlValue,
};
pub use store::{Backend, Store, StoreConfig};
pub use upcast::AddFieldUpcaster;
