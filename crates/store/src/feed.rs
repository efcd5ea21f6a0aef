//! The global event feed, in a gap-free order safe for catch-up subscribers.
//!
//! * **PostgreSQL**: order by `(txid, position)`, and only return events whose inserting
//!   transaction is older than the oldest transaction still running
//!   (`txid < pg_snapshot_xmin(pg_current_snapshot())`). Every transaction with a smaller
//!   txid has then committed or aborted, so no later commit can ever insert an event *before*
//!   a checkpoint a reader has passed. No timeouts, no gap guessing. The price: a long-running
//!   transaction (any transaction holding an xid) delays, never loses, feed delivery.
//! * **SQLite**: order by `position` (AUTOINCREMENT). SQLite has one writer, so when a reader
//!   sees position N every smaller position is committed.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::command::EventMetadata;
use crate::error::StoreError;
use crate::sql::dialect::{FEED_ANY_AFTER, FEED_COUNT_AFTER, FEED_FIRST_RECORDED_AFTER, FEED_READ};
use crate::sql::{SqlConn, SqlValue};
use crate::store::Store;
use crate::upcast::upcast;
use cqrs_es::persist::SerializedEvent;

/// A position in the global event order. [`Checkpoint::START`] is before every event.
/// On SQLite `txid` is always 0.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize, Deserialize,
)]
pub struct Checkpoint {
    /// PostgreSQL transaction id (xid8) of the inserting transaction.
    pub txid: i64,
    /// Position within the global sequence.
    pub position: i64,
}

impl Checkpoint {
    /// Before the first event.
    pub const START: Checkpoint = Checkpoint {
        txid: 0,
        position: 0,
    };
}

/// An event as read from the global feed (already upcast).
#[derive(Debug, Clone, PartialEq)]
pub struct StoredEvent {
    /// Where this event is in the global order; store it as your checkpoint.
    pub checkpoint: Checkpoint,
    /// Aggregate type (`A::TYPE`).
    pub aggregate_type: String,
    /// Aggregate id.
    pub aggregate_id: String,
    /// Sequence within the aggregate, from 1.
    pub sequence: u64,
    /// Event type name.
    pub event_type: String,
    /// Event schema version.
    pub event_version: String,
    /// The event as JSON (for cqrs-es enums, `{"Variant": {...}}`).
    pub payload: Value,
    /// Metadata (actor, role, team, command id, correlation id, recorded time).
    pub metadata: Value,
}

impl StoredEvent {
    /// Deserialises the payload into an aggregate's event type.
    pub fn decode<E: serde::de::DeserializeOwned>(&self) -> Result<E, serde_json::Error> {
        E::deserialize(&self.payload)
    }

    /// The typed metadata, if the event was written through [`Store::execute`].
    pub fn meta(&self) -> Option<EventMetadata> {
        EventMetadata::deserialize(&self.metadata).ok()
    }
}

/// A feed row: txid, position, aggregate type and id, sequence, event type and version,
/// payload, metadata.
type FeedRow = (i64, i64, String, String, i64, String, String, Value, Value);

/// The parameters every feed statement takes: `$1` txid, `$2` position.
fn after_params(after: Checkpoint) -> [SqlValue; 2] {
    [after.txid.into(), after.position.into()]
}

/// Up to `limit` events after `after`, in the gap-free order, as stored (not upcast).
pub(crate) async fn read_after(
    conn: &mut SqlConn<'_>,
    after: Checkpoint,
    limit: usize,
) -> Result<Vec<StoredEvent>, sqlx::Error> {
    let [txid, position] = after_params(after);
    let rows: Vec<FeedRow> = conn
        .fetch_all(
            FEED_READ.on(conn.backend()),
            &[txid, position, (limit as i64).into()],
        )
        .await?;
    Ok(rows
        .into_iter()
        .map(|r| StoredEvent {
            checkpoint: Checkpoint {
                txid: r.0,
                position: r.1,
            },
            aggregate_type: r.2,
            aggregate_id: r.3,
            sequence: r.4 as u64,
            event_type: r.5,
            event_version: r.6,
            payload: r.7,
            metadata: r.8,
        })
        .collect())
}

/// Whether any event is stored after `after`: on PostgreSQL, also one that an older open
/// transaction still keeps unreadable.
pub(crate) async fn any_after(
    conn: &mut SqlConn<'_>,
    after: Checkpoint,
) -> Result<bool, sqlx::Error> {
    let (any,): (bool,) = conn
        .fetch_one(FEED_ANY_AFTER.on(conn.backend()), &after_params(after))
        .await?;
    Ok(any)
}

/// Applies the store's upcasters to feed events.
pub(crate) fn upcast_all(store: &Store, events: Vec<StoredEvent>) -> Vec<StoredEvent> {
    if store.inner.upcasters.is_empty() {
        return events;
    }
    events
        .into_iter()
        .map(|e| {
            let checkpoint = e.checkpoint;
            let s = upcast(
                SerializedEvent::new(
                    e.aggregate_id,
                    e.sequence as usize,
                    e.aggregate_type,
                    e.event_type,
                    e.event_version,
                    e.payload,
                    e.metadata,
                ),
                &store.inner.upcasters,
            );
            StoredEvent {
                checkpoint,
                aggregate_type: s.aggregate_type,
                aggregate_id: s.aggregate_id,
                sequence: s.sequence as u64,
                event_type: s.event_type,
                event_version: s.event_version,
                payload: s.payload,
                metadata: s.metadata,
            }
        })
        .collect()
}

impl Store {
    /// Up to `limit` events after `after`, in the global gap-free order (upcast).
    pub async fn read_after(
        &self,
        after: Checkpoint,
        limit: usize,
    ) -> Result<Vec<StoredEvent>, StoreError> {
        let events = read_after(&mut self.inner.db.acquire().await?.conn(), after, limit).await?;
        Ok(upcast_all(self, events))
    }

    /// Whether any event is stored after `after` (cheap, unlike [`Store::count_after`]).
    pub async fn any_after(&self, after: Checkpoint) -> Result<bool, StoreError> {
        Ok(any_after(&mut self.inner.db.acquire().await?.conn(), after).await?)
    }

    /// How many events are stored after `after` (committed or, on PostgreSQL, not yet
    /// readable because an older transaction is still open).
    pub async fn count_after(&self, after: Checkpoint) -> Result<u64, StoreError> {
        let (n,): (i64,) = self
            .inner
            .db
            .acquire()
            .await?
            .conn()
            .fetch_one(FEED_COUNT_AFTER.on(self.backend()), &after_params(after))
            .await?;
        Ok(n.max(0) as u64)
    }

    /// When the first event stored after `after` was recorded (`None`: nothing is stored
    /// after it). `now` minus this is how far behind, in time, a reader at `after` is.
    pub async fn recorded_at_after(
        &self,
        after: Checkpoint,
    ) -> Result<Option<DateTime<Utc>>, StoreError> {
        let text: Option<(Option<String>,)> = self
            .inner
            .db
            .acquire()
            .await?
            .conn()
            .fetch_optional(
                FEED_FIRST_RECORDED_AFTER.on(self.backend()),
                &after_params(after),
            )
            .await?;
        Ok(text
            .and_then(|(t,)| t)
            .and_then(|t| DateTime::parse_from_rfc3339(&t).ok())
            .map(|t| t.with_timezone(&Utc)))
    }
}
