//! The runner on SQLite: a lease row per projection with an expiry, renewed inside every
//! batch transaction; a standby takes the projection over once the lease expires.

use std::sync::atomic::Ordering;

use sqlx::SqlitePool;

use super::{RunError, Step, Worker};
use crate::checkpoints;
use crate::sql::dialect::SQLITE_BEGIN_WRITE;
use crate::sql::{SqlConn, SqlTx, SqlValue};

/// Takes the lease `$1` for holder `$2` until `$3` (ms), if it is free, ours, or expired
/// before `$4`.
const TAKE_LEASE: &str = "INSERT INTO projection_leases (name, holder, expires_at) \
    VALUES ($1, $2, $3) \
    ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, \
        expires_at = excluded.expires_at \
    WHERE projection_leases.holder = excluded.holder \
       OR projection_leases.expires_at < $4";

/// Heartbeat and exclusivity check in one: extends lease `$1` of holder `$2` to `$3` only
/// if it has not expired before `$4`.
const RENEW_LEASE: &str = "UPDATE projection_leases SET expires_at = $3 \
    WHERE name = $1 AND holder = $2 AND expires_at >= $4";

/// Gives lease `$1` up, if holder `$2` still has it.
const RELEASE_LEASE: &str = "DELETE FROM projection_leases WHERE name = $1 AND holder = $2";

impl Worker {
    /// Waits for the projection's lease, serves it; retries after a failure.
    pub(super) async fn run_sqlite(&mut self, pool: SqlitePool) -> Result<(), String> {
        let name = self.projection.name().to_string();
        while !self.stopping() {
            match self.take_lease(&pool).await {
                Ok(true) => {}
                Ok(false) => {
                    self.pause(self.config.lock_retry_interval).await;
                    continue;
                }
                Err(e) => {
                    tracing::warn!(projection = %name, error = %e, "lease attempt failed");
                    self.pause(self.config.error_backoff).await;
                    continue;
                }
            }
            tracing::info!(projection = %name, runner = %self.config.runner_id, "took projection");
            self.active.store(true, Ordering::SeqCst);
            let result = self.serve_sqlite(&pool).await;
            self.active.store(false, Ordering::SeqCst);
            match result {
                Ok(()) => {
                    let holder = [name.as_str().into(), self.config.runner_id.as_str().into()];
                    let _ = execute(&pool, RELEASE_LEASE, &holder).await;
                    return Ok(());
                }
                Err(RunError::LeaseLost) => {
                    tracing::warn!(projection = %name, "lease lost");
                }
                Err(e) => {
                    tracing::error!(projection = %name, error = %e, "batch failed");
                    self.pause(self.config.error_backoff).await;
                }
            }
        }
        Ok(())
    }

    fn now_ms() -> i64 {
        chrono::Utc::now().timestamp_millis()
    }

    /// The lease statements' parameters now: name, holder, new expiry, now (ms).
    fn lease_params(&self) -> [SqlValue; 4] {
        let now = Self::now_ms();
        [
            self.projection.name().into(),
            self.config.runner_id.as_str().into(),
            (now + self.config.lease_ttl.as_millis() as i64).into(),
            now.into(),
        ]
    }

    async fn take_lease(&self, pool: &SqlitePool) -> Result<bool, sqlx::Error> {
        Ok(execute(pool, TAKE_LEASE, &self.lease_params()).await? == 1)
    }

    async fn serve_sqlite(&mut self, pool: &SqlitePool) -> Result<(), RunError> {
        let mut tx = SqlTx::from(pool.begin_with(SQLITE_BEGIN_WRITE).await?);
        checkpoints::ensure(&mut tx.conn(), self.projection.name()).await?;
        self.setup(tx).await?;

        let mut local = self.store.inner.appended.subscribe();
        let mut sd = self.shutdown.clone();
        // Renew the lease well before it expires even when idle.
        let idle_wait = self.config.poll_interval.min(self.config.lease_ttl / 3);
        loop {
            if self.stopping() {
                return Ok(());
            }
            let wait = match self.batch_sqlite(pool).await? {
                Step::Applied => continue,
                Step::Idle { .. } => idle_wait,
            };
            tokio::select! {
                _ = tokio::time::sleep(wait) => {}
                _ = sd.wait_for(|s| *s) => {}
                _ = local.changed() => {}
            }
        }
    }

    async fn batch_sqlite(&self, pool: &SqlitePool) -> Result<Step, RunError> {
        let mut tx = SqlTx::from(pool.begin_with(SQLITE_BEGIN_WRITE).await?);
        if tx.execute(RENEW_LEASE, &self.lease_params()).await? != 1 {
            return Err(RunError::LeaseLost);
        }
        self.batch(tx).await
    }
}

/// Runs one statement on a connection from the pool.
async fn execute(pool: &SqlitePool, sql: &str, params: &[SqlValue]) -> Result<u64, sqlx::Error> {
    SqlConn::from(&mut *pool.acquire().await?)
        .execute(sql, params)
        .await
}
