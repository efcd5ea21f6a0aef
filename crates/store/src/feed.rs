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
use sqlx::{PgConnection, Row, SqliteConnection};

use crate::command::EventMetadata;
use crate::error::StoreError;
use crate::store::{Db, Store};
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

// Note the alias: an output column named `txid` would make `ORDER BY txid` sort by the
// bigint expression instead of walking the (txid, position) index.
const PG_READ: &str = "SELECT events.txid::text::bigint AS txid_i64, events.position, \
    aggregate_type, aggregate_id, sequence, event_type, event_version, payload, metadata \
    FROM events \
    WHERE (events.txid, events.position) > ($1::text::xid8, $2) \
      AND events.txid < pg_snapshot_xmin(pg_current_snapshot()) \
    ORDER BY events.txid, events.position LIMIT $3";

const PG_PENDING: &str = "SELECT EXISTS (SELECT 1 FROM events \
    WHERE (txid, position) > ($1::text::xid8, $2))";

const PG_LAG: &str = "SELECT count(*) FROM events WHERE (txid, position) > ($1::text::xid8, $2)";

const SQLITE_READ: &str = "SELECT 0, position, aggregate_type, aggregate_id, sequence, \
    event_type, event_version, payload, metadata FROM events \
    WHERE position > $1 ORDER BY position LIMIT $2";

const SQLITE_LAG: &str = "SELECT count(*) FROM events WHERE position > $1";

const PG_OLDEST_AFTER: &str = "SELECT metadata->>'recorded_at' FROM events \
    WHERE (txid, position) > ($1::text::xid8, $2) ORDER BY txid, position LIMIT 1";

const SQLITE_OLDEST_AFTER: &str = "SELECT json_extract(metadata, '$.recorded_at') FROM events \
    WHERE position > $1 ORDER BY position LIMIT 1";

const SQLITE_ANY_AFTER: &str = "SELECT EXISTS (SELECT 1 FROM events WHERE position > $1)";

macro_rules! decode_rows {
    ($rows:expr) => {{
        let mut out = Vec::with_capacity($rows.len());
        for r in $rows {
            let seq: i64 = r.try_get(4)?;
            out.push(StoredEvent {
                checkpoint: Checkpoint {
                    txid: r.try_get(0)?,
                    position: r.try_get(1)?,
                },
                aggregate_type: r.try_get(2)?,
                aggregate_id: r.try_get(3)?,
                sequence: seq as u64,
                event_type: r.try_get(5)?,
                event_version: r.try_get(6)?,
                payload: r.try_get(7)?,
                metadata: r.try_get(8)?,
            });
        }
        out
    }};
}

pub(crate) async fn read_after_pg(
    conn: &mut PgConnection,
    after: Checkpoint,
    limit: usize,
) -> Result<Vec<StoredEvent>, sqlx::Error> {
    let rows = sqlx::query(PG_READ)
        .bind(after.txid)
        .bind(after.position)
        .bind(limit as i64)
        .fetch_all(&mut *conn)
        .await?;
    Ok(decode_rows!(rows))
}

pub(crate) async fn pending_pg(
    conn: &mut PgConnection,
    after: Checkpoint,
) -> Result<bool, sqlx::Error> {
    sqlx::query_scalar(PG_PENDING)
        .bind(after.txid)
        .bind(after.position)
        .fetch_one(conn)
        .await
}

pub(crate) async fn read_after_sqlite(
    conn: &mut SqliteConnection,
    after: Checkpoint,
    limit: usize,
) -> Result<Vec<StoredEvent>, sqlx::Error> {
    let rows = sqlx::query(SQLITE_READ)
        .bind(after.position)
        .bind(limit as i64)
        .fetch_all(&mut *conn)
        .await?;
    Ok(decode_rows!(rows))
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
        let events = match &self.inner.db {
            Db::Postgres(p) => read_after_pg(&mut *p.acquire().await?, after, limit).await?,
            Db::Sqlite(p) => read_after_sqlite(&mut *p.acquire().await?, after, limit).await?,
        };
        Ok(upcast_all(self, events))
    }

    /// Whether any event is stored after `after` (cheap, unlike [`Store::count_after`]).
    pub async fn any_after(&self, after: Checkpoint) -> Result<bool, StoreError> {
        Ok(match &self.inner.db {
            Db::Postgres(p) => pending_pg(&mut *p.acquire().await?, after).await?,
            Db::Sqlite(p) => {
                sqlx::query_scalar(SQLITE_ANY_AFTER)
                    .bind(after.position)
                    .fetch_one(p)
                    .await?
            }
        })
    }

    /// How many events are stored after `after` (committed or, on PostgreSQL, not yet
    /// readable because an older transaction is still open).
    pub async fn count_after(&self, after: Checkpoint) -> Result<u64, StoreError> {
        let n: i64 = match &self.inner.db {
            Db::Postgres(p) => {
                sqlx::query_scalar(PG_LAG)
                    .bind(after.txid)
                    .bind(after.position)
                    .fetch_one(p)
                    .await?
            }
            Db::Sqlite(p) => {
                sqlx::query_scalar(SQLITE_LAG)
                    .bind(after.position)
                    .fetch_one(p)
                    .await?
            }
        };
        Ok(n.max(0) as u64)
    }

    /// When the first event stored after `after` was recorded (`None`: nothing is stored
    /// after it). `now` minus this is how far behind, in time, a reader at `after` is.
    pub async fn recorded_at_after(
        &self,
        after: Checkpoint,
    ) -> Result<Option<DateTime<Utc>>, StoreError> {
        let text: Option<Option<String>> = match &self.inner.db {
            Db::Postgres(p) => {
                sqlx::query_scalar(PG_OLDEST_AFTER)
                    .bind(after.txid)
                    .bind(after.position)
                    .fetch_optional(p)
                    .await?
            }
            Db::Sqlite(p) => {
                sqlx::query_scalar(SQLITE_OLDEST_AFTER)
                    .bind(after.position)
                    .fetch_optional(p)
                    .await?
            }
        };
        Ok(text
            .flatten()
            .and_then(|t| DateTime::parse_from_rfc3339(&t).ok())
            .map(|t| t.with_timezone(&Utc)))
    }
}
