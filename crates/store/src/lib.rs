//! # redress-store
//!
//! Durable events for Redress, on PostgreSQL (production, via `postgres-es`) or SQLite (the
//! embedded default, via `sqlite-es`), chosen by a database URL.
//!
//! * [`Store`]: connect by URL ([`StoreConfig`]), [`Store::migrate`] (forward-only sqlx
//!   migrations from `migrations/postgres` and `migrations/sqlite`, embedded in the binary),
//!   and [`Store::execute`] for commands on any `cqrs_es::Aggregate`, with optimistic
//!   concurrency, idempotency by command id and actor metadata on every event
//!   ([`command`]); snapshots and upcasters ([`upcast`]) on load.
//! * The global feed [`Store::read_after`] in a gap-free order ([`feed`]): PostgreSQL
//!   `(txid, position)` bounded by the oldest running transaction; SQLite `position`.
//! * [`Projection`]s run by a [`ProjectionRunner`] ([`runner`]): checkpoint in the same
//!   transaction as the read-model writes, one runner per projection across replicas,
//!   LISTEN/NOTIFY wake-up with polling fallback, rebuild while running, status with lag.
//! * `testing` (cargo feature `testing`): `TestDatabase`, a fresh database per test.
//!
//! Events are never updated or deleted by this crate: the history is the audit trail.
//!
//! ## Using it
//! ```ignore
//! let store = Store::connect_and_migrate(StoreConfig::new(url)).await?;
//! let ctx = CommandContext::new(request_id, Actor { user_id, role, team })
//!     .expecting(etag_version)          // optional optimistic concurrency
//!     .correlated(trace_id);
//! let out = store.execute::<Complaint>(&id, command, &ctx, &services).await?;
//! // out.events, out.version (the new etag), out.replayed (a retried request id)
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

pub mod command;
pub mod error;
pub mod feed;
pub mod projection;
mod repo;
pub mod runner;
mod store;
#[cfg(feature = "testing")]
pub mod testing;
pub mod upcast;

pub use command::{Actor, CommandContext, CommandOutcome, EventMetadata};
pub use error::{CommandError, StoreError};
pub use feed::{Checkpoint, StoredEvent};
pub use projection::{Projection, ProjectionError, ProjectionTx, SqlValue};
pub use repo::COMMAND_ID_KEY;
pub use runner::{Exclusive, ProjectionRunner, ProjectionStatus, RunnerConfig, RunnerHandle};
pub use store::{Backend, Store, StoreConfig};
pub use upcast::AddFieldUpcaster;
