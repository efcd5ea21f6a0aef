//! Projections: durable catch-up subscribers that maintain read-model tables.
//!
//! A projection receives a [`ProjectionTx`], an open transaction on either database (see
//! [`crate::SqlTx`] and the portable SQL layer). The runner stores the projection's
//! checkpoint in that same transaction after [`Projection::apply`] returns, so read-model
//! writes and checkpoint commit or vanish together. Most projection SQL is written once,
//! with `$n` placeholders and [`crate::SqlValue`] parameters, e.g.
//!
//! ```ignore
//! tx.execute(
//!     "INSERT INTO complaint_counts (team, open) VALUES ($1, 1) \
//!      ON CONFLICT (team) DO UPDATE SET open = complaint_counts.open + 1",
//!     &[team.into()],
//! ).await?;
//! ```
//!
//! Where dialects differ (`TRUNCATE` vs `DELETE`, `jsonb` operators, `RETURNING` types…)
//! branch on [`crate::SqlTx::backend`], or match the enum to get the raw sqlx transaction
//! and use `sqlx::query`/`query_as` directly.

use async_trait::async_trait;

use crate::feed::StoredEvent;
use crate::sql::SqlTx;

/// Error a projection may return; the batch is rolled back and retried after a back-off.
pub type ProjectionError = Box<dyn std::error::Error + Send + Sync + 'static>;

/// The transaction a projection writes its read model in; the runner commits it together
/// with the projection's checkpoint.
pub type ProjectionTx<'c> = SqlTx<'c>;

/// A read model kept up to date from the global event feed.
///
/// Implementations must be deterministic functions of the events they are given: the
/// runner may re-deliver a batch whose transaction rolled back, and a rebuild replays
/// everything from the start.
#[async_trait]
pub trait Projection: Send + Sync + 'static {
    /// Unique, stable name; the key of its checkpoint and lock. Changing it means a rebuild.
    fn name(&self) -> &str;

    /// Called once each time a runner takes over the projection, before any batch (in its
    /// own transaction): e.g. `CREATE TABLE IF NOT EXISTS`. Default: nothing.
    async fn setup(&self, _tx: &mut ProjectionTx<'_>) -> Result<(), ProjectionError> {
        Ok(())
    }

    /// Applies a batch of events (in global order, consistent with each aggregate's
    /// sequence) to the read model, using only `tx`.
    async fn apply(
        &self,
        tx: &mut ProjectionTx<'_>,
        events: &[StoredEvent],
    ) -> Result<(), ProjectionError>;

    /// Empties the read model for a rebuild from zero (same transaction as the checkpoint
    /// reset).
    async fn reset(&self, tx: &mut ProjectionTx<'_>) -> Result<(), ProjectionError>;
}
