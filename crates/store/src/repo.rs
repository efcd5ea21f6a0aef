//! The cqrs-es event repository used by the store.
//!
//! Reads (events, snapshots, streams) are delegated unchanged to postgres-es / sqlite-es.
//! Writes are done here so that, in **one transaction**, we insert the events, update the
//! snapshot and record the command id for idempotency (see [`crate::command`]). On SQLite the
//! write transaction starts with `BEGIN IMMEDIATE`, taking the single write lock up front
//! (waiting up to the busy timeout) instead of failing when a read lock is upgraded.

use cqrs_es::persist::{
    PersistedEventRepository, PersistenceError, ReplayStream, SerializedEvent, SerializedSnapshot,
};
use cqrs_es::Aggregate;
use postgres_es::PostgresEventRepository;
use serde_json::Value;
use sqlite_es::SqliteEventRepository;

use crate::error::is_unique_violation;
use crate::sql::{per_backend, SqlValue};
use crate::store::{Db, Store};

const INSERT_EVENT: &str = "INSERT INTO events \
    (aggregate_type, aggregate_id, sequence, event_type, event_version, payload, metadata) \
    VALUES ($1, $2, $3, $4, $5, $6, $7)";
const INSERT_SNAPSHOT: &str = "INSERT INTO snapshots \
    (aggregate_type, aggregate_id, last_sequence, current_snapshot, payload) \
    VALUES ($1, $2, $3, $4, $5)";
const UPDATE_SNAPSHOT: &str = "UPDATE snapshots \
    SET last_sequence = $3, current_snapshot = $4, payload = $5 \
    WHERE aggregate_type = $1 AND aggregate_id = $2 AND current_snapshot = $6";
const INSERT_COMMAND: &str = "INSERT INTO commands \
    (command_id, aggregate_type, aggregate_id, first_sequence, last_sequence) \
    VALUES ($1, $2, $3, $4, $5)";

/// Metadata key under which the command id is stored on every event.
pub const COMMAND_ID_KEY: &str = "command_id";

/// Event repository over the store's database.
pub(crate) struct StoreRepository {
    store: Store,
}

impl StoreRepository {
    pub(crate) fn new(store: Store) -> Self {
        Self { store }
    }

    /// The sequence the snapshot being written reflects. cqrs-es 0.5 builds the snapshot
    /// from only the first `k` of the new events (so snapshots land on multiples of the
    /// snapshot size) but postgres-es/sqlite-es record the *last* event's sequence, which
    /// would make loads skip the events after `k`. We recompute `k` with cqrs-es's formula.
    fn snapshot_sequence(&self, events: &[SerializedEvent]) -> usize {
        let n = events.len();
        let first = events.first().map_or(1, |e| e.sequence);
        let current = first.saturating_sub(1);
        let size = self.store.inner.config.snapshot_size.max(1);
        let next_at = size - (current % size);
        let k = if n < next_at {
            0
        } else {
            let extra = n - next_at;
            next_at + extra - (extra % size)
        };
        current + k
    }
}

enum WriteError {
    Conflict,
    Db(sqlx::Error),
}

impl From<sqlx::Error> for WriteError {
    fn from(err: sqlx::Error) -> Self {
        if is_unique_violation(&err) {
            Self::Conflict
        } else {
            Self::Db(err)
        }
    }
}

impl From<WriteError> for PersistenceError {
    fn from(err: WriteError) -> Self {
        match err {
            WriteError::Conflict => PersistenceError::OptimisticLockError,
            WriteError::Db(e @ (sqlx::Error::Io(_) | sqlx::Error::PoolTimedOut)) => {
                PersistenceError::ConnectionError(Box::new(e))
            }
            WriteError::Db(e) => PersistenceError::UnknownError(Box::new(e)),
        }
    }
}

impl StoreRepository {
    async fn write<A: Aggregate>(
        &self,
        events: &[SerializedEvent],
        snapshot: Option<&(String, Value, usize)>,
    ) -> Result<(), WriteError> {
        let snap_seq = self.snapshot_sequence(events) as i64;
        let mut tx = self.store.inner.db.begin_write().await?;
        let mut conn = tx.conn();
        for e in events {
            conn.execute(
                INSERT_EVENT,
                &[
                    A::TYPE.into(),
                    e.aggregate_id.as_str().into(),
                    (e.sequence as i64).into(),
                    e.event_type.as_str().into(),
                    e.event_version.as_str().into(),
                    e.payload.clone().into(),
                    e.metadata.clone().into(),
                ],
            )
            .await?;
        }
        if let Some((aggregate_id, payload, current_snapshot)) = snapshot {
            let current_snapshot = *current_snapshot as i64;
            let mut params: Vec<SqlValue> = vec![
                A::TYPE.into(),
                aggregate_id.as_str().into(),
                snap_seq.into(),
                current_snapshot.into(),
                payload.clone().into(),
            ];
            if current_snapshot == 1 {
                conn.execute(INSERT_SNAPSHOT, &params).await?;
            } else {
                params.push((current_snapshot - 1).into());
                if conn.execute(UPDATE_SNAPSHOT, &params).await? != 1 {
                    return Err(WriteError::Conflict);
                }
            }
        }
        if let (Some(first), Some(last)) = (events.first(), events.last()) {
            if let Some(command_id) = first.metadata.get(COMMAND_ID_KEY).and_then(Value::as_str) {
                conn.execute(
                    INSERT_COMMAND,
                    &[
                        command_id.into(),
                        A::TYPE.into(),
                        first.aggregate_id.as_str().into(),
                        (first.sequence as i64).into(),
                        (last.sequence as i64).into(),
                    ],
                )
                .await?;
            }
        }
        tx.commit().await?;
        Ok(())
    }
}

/// The postgres-es or sqlite-es repository over a pool, to which reads are delegated.
trait Upstream {
    type Repository: PersistedEventRepository;
    fn upstream(&self) -> Self::Repository;
}

impl Upstream for sqlx::PgPool {
    type Repository = PostgresEventRepository;
    fn upstream(&self) -> PostgresEventRepository {
        PostgresEventRepository::new(self.clone())
    }
}

impl Upstream for sqlx::SqlitePool {
    type Repository = SqliteEventRepository;
    fn upstream(&self) -> SqliteEventRepository {
        SqliteEventRepository::new(self.clone())
    }
}

impl PersistedEventRepository for StoreRepository {
    async fn get_events<A: Aggregate>(
        &self,
        aggregate_id: &str,
    ) -> Result<Vec<SerializedEvent>, PersistenceError> {
        per_backend!(&self.store.inner.db, Db, |pool| pool
            .upstream()
            .get_events::<A>(aggregate_id)
            .await)
    }

    async fn get_last_events<A: Aggregate>(
        &self,
        aggregate_id: &str,
        last_sequence: usize,
    ) -> Result<Vec<SerializedEvent>, PersistenceError> {
        per_backend!(&self.store.inner.db, Db, |pool| pool
            .upstream()
            .get_last_events::<A>(aggregate_id, last_sequence)
            .await)
    }

    async fn get_snapshot<A: Aggregate>(
        &self,
        aggregate_id: &str,
    ) -> Result<Option<SerializedSnapshot>, PersistenceError> {
        per_backend!(&self.store.inner.db, Db, |pool| pool
            .upstream()
            .get_snapshot::<A>(aggregate_id)
            .await)
    }

    async fn persist<A: Aggregate>(
        &self,
        events: &[SerializedEvent],
        snapshot_update: Option<(String, Value, usize)>,
    ) -> Result<(), PersistenceError> {
        if events.is_empty() && snapshot_update.is_none() {
            return Ok(());
        }
        self.write::<A>(events, snapshot_update.as_ref()).await?;
        self.store.notify_appended();
        Ok(())
    }

    async fn stream_events<A: Aggregate>(
        &self,
        aggregate_id: &str,
    ) -> Result<ReplayStream, PersistenceError> {
        per_backend!(&self.store.inner.db, Db, |pool| pool
            .upstream()
            .stream_events::<A>(aggregate_id)
            .await)
    }

    async fn stream_all_events<A: Aggregate>(&self) -> Result<ReplayStream, PersistenceError> {
        per_backend!(&self.store.inner.db, Db, |pool| pool
            .upstream()
            .stream_all_events::<A>()
            .await)
    }
}
