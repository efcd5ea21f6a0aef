//! The `projection_checkpoints` table: every statement on it (the runner's reads, advances
//! and resets), and the projection-status admin API on [`Store`]: status with lag, replica
//! lag, rebuild requests, waiting for a projection, creating a read model's tables.

use std::time::Duration;

use crate::error::StoreError;
use crate::exclusive::serialise_setup;
use crate::feed::Checkpoint;
use crate::projection::Projection;
use crate::runner::notify_events;
use crate::sql::SqlConn;
use crate::store::{Backend, Store};

/// Status of one projection, as stored in the database.
#[derive(Debug, Clone, PartialEq)]
pub struct ProjectionStatus {
    /// Projection name.
    pub name: String,
    /// Last event applied.
    pub checkpoint: Checkpoint,
    /// Events applied since the last rebuild.
    pub events_applied: u64,
    /// Events stored after the checkpoint.
    pub lag: u64,
    /// Age in seconds of the oldest event stored after the checkpoint (0: caught up).
    pub lag_seconds: f64,
    /// A rebuild was requested and has not started yet.
    pub rebuild_requested: bool,
}

const ENSURE: &str = "INSERT INTO projection_checkpoints (name) VALUES ($1) ON CONFLICT DO NOTHING";

const READ: &str =
    "SELECT txid, position, rebuild_requested FROM projection_checkpoints WHERE name = $1";

const RESET: &str = "UPDATE projection_checkpoints SET txid = 0, position = 0, \
    events_applied = 0, rebuild_requested = $2 WHERE name = $1";

/// Compare-and-set: moves the checkpoint only from where the batch read it, and never past
/// a rebuild request.
const ADVANCE: &str = "UPDATE projection_checkpoints SET txid = $2, position = $3, \
    events_applied = events_applied + $4 \
    WHERE name = $1 AND txid = $5 AND position = $6 AND NOT rebuild_requested";

const REQUEST_REBUILD: &str = "INSERT INTO projection_checkpoints (name, rebuild_requested) \
    VALUES ($1, $2) ON CONFLICT (name) DO UPDATE SET rebuild_requested = $2";

const ALL_STATUS: &str = "SELECT name, txid, position, events_applied, rebuild_requested \
    FROM projection_checkpoints ORDER BY name";

const ALL: &str = "SELECT name, txid, position FROM projection_checkpoints ORDER BY name";

/// Creates projection `name`'s checkpoint at the start if it has none.
pub(crate) async fn ensure(conn: &mut SqlConn<'_>, name: &str) -> Result<(), sqlx::Error> {
    conn.execute(ENSURE, &[name.into()]).await.map(drop)
}

/// Projection `name`'s checkpoint and whether a rebuild is pending, if it has one.
pub(crate) async fn read(
    conn: &mut SqlConn<'_>,
    name: &str,
) -> Result<Option<(Checkpoint, bool)>, sqlx::Error> {
    let row: Option<(i64, i64, bool)> = conn.fetch_optional(READ, &[name.into()]).await?;
    Ok(row.map(|(txid, position, rebuild)| (Checkpoint { txid, position }, rebuild)))
}

/// Moves projection `name`'s checkpoint back to the start and clears its rebuild request.
pub(crate) async fn reset(conn: &mut SqlConn<'_>, name: &str) -> Result<(), sqlx::Error> {
    conn.execute(RESET, &[name.into(), false.into()])
        .await
        .map(drop)
}

/// Moves projection `name`'s checkpoint from `from` to `to` after `applied` events; returns
/// the rows changed (1, or 0 if the checkpoint was not at `from` or a rebuild is pending).
pub(crate) async fn advance(
    conn: &mut SqlConn<'_>,
    name: &str,
    from: Checkpoint,
    to: Checkpoint,
    applied: usize,
) -> Result<u64, sqlx::Error> {
    conn.execute(
        ADVANCE,
        &[
            name.into(),
            to.txid.into(),
            to.position.into(),
            (applied as i64).into(),
            from.txid.into(),
            from.position.into(),
        ],
    )
    .await
}

impl Store {
    /// Status of every projection that has ever run (or been asked to rebuild).
    pub async fn projection_status(&self) -> Result<Vec<ProjectionStatus>, StoreError> {
        let rows: Vec<(String, i64, i64, i64, bool)> = self
            .inner
            .db
            .acquire()
            .await?
            .conn()
            .fetch_all(ALL_STATUS, &[])
            .await?;
        let mut statuses = Vec::with_capacity(rows.len());
        for (name, txid, position, applied, rebuild_requested) in rows {
            let checkpoint = Checkpoint { txid, position };
            let (lag, lag_seconds) = self.lag_behind(checkpoint).await?;
            statuses.push(ProjectionStatus {
                name,
                checkpoint,
                events_applied: applied.max(0) as u64,
                lag,
                lag_seconds,
                rebuild_requested,
            });
        }
        Ok(statuses)
    }

    /// How far a reader at `checkpoint` is behind this store's feed: events stored after
    /// it, and the age in seconds of the first of them (0 when there is none).
    pub async fn lag_behind(&self, checkpoint: Checkpoint) -> Result<(u64, f64), StoreError> {
        let events = self.count_after(checkpoint).await?;
        let seconds = match self.recorded_at_after(checkpoint).await? {
            Some(at) => ((chrono::Utc::now() - at).num_milliseconds().max(0) as f64) / 1000.0,
            None => 0.0,
        };
        Ok((events, seconds))
    }

    /// How far each read model on `replica` (a read replica of this database) is behind this
    /// store's events, by projection name: the events and seconds a report read there misses.
    pub async fn replica_lag(
        &self,
        replica: &Store,
    ) -> Result<Vec<(String, (u64, f64))>, StoreError> {
        let mut out = Vec::new();
        for (name, checkpoint) in replica.checkpoints().await? {
            out.push((name, self.lag_behind(checkpoint).await?));
        }
        Ok(out)
    }

    /// Every projection's checkpoint by name, as this database has it (on a read replica:
    /// as far as replication has brought it).
    pub async fn checkpoints(&self) -> Result<Vec<(String, Checkpoint)>, StoreError> {
        let rows: Vec<(String, i64, i64)> = self
            .inner
            .db
            .acquire()
            .await?
            .conn()
            .fetch_all(ALL, &[])
            .await?;
        Ok(rows
            .into_iter()
            .map(|(name, txid, position)| (name, Checkpoint { txid, position }))
            .collect())
    }

    /// Status of one projection, if it has ever run.
    pub async fn projection_status_of(
        &self,
        name: &str,
    ) -> Result<Option<ProjectionStatus>, StoreError> {
        Ok(self
            .projection_status()
            .await?
            .into_iter()
            .find(|s| s.name == name))
    }

    /// A projection's checkpoint and whether a rebuild is pending, if it has ever run.
    pub async fn checkpoint_of(
        &self,
        name: &str,
    ) -> Result<Option<(Checkpoint, bool)>, StoreError> {
        Ok(read(&mut self.inner.db.acquire().await?.conn(), name).await?)
    }

    /// Asks whichever runner holds `name` to empty its read model and rebuild it from the
    /// first event (`redress projections rebuild NAME`). Takes effect at its next batch.
    pub async fn request_rebuild(&self, name: &str) -> Result<(), StoreError> {
        let mut pooled = self.inner.db.acquire().await?;
        let mut conn = pooled.conn();
        conn.execute(REQUEST_REBUILD, &[name.into(), true.into()])
            .await?;
        if conn.backend() == Backend::Postgres {
            notify_events(&mut conn).await?;
        }
        self.notify_appended();
        Ok(())
    }

    /// Waits until projection `name` has no lag and no pending rebuild, or `timeout`
    /// passes; returns whether it caught up. Useful for tests and read-your-writes.
    pub async fn wait_for_projection(
        &self,
        name: &str,
        timeout: Duration,
    ) -> Result<bool, StoreError> {
        let deadline = tokio::time::Instant::now() + timeout;
        loop {
            if let Some((checkpoint, rebuild_requested)) = self.checkpoint_of(name).await? {
                if !rebuild_requested && !self.any_after(checkpoint).await? {
                    return Ok(true);
                }
            }
            if tokio::time::Instant::now() >= deadline {
                return Ok(false);
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    /// Creates `projection`'s read-model tables if missing (what a runner does when it takes
    /// the projection), so queries find empty tables before any runner has started.
    pub async fn setup_read_model(&self, projection: &dyn Projection) -> Result<(), StoreError> {
        let mut tx = self.inner.db.begin().await?;
        serialise_setup(&mut tx).await?;
        projection
            .setup(&mut tx)
            .await
            .map_err(|e| StoreError::ReadModelSetup {
                projection: projection.name().to_owned(),
                reason: e.to_string(),
            })?;
        tx.commit().await?;
        Ok(())
    }
}
