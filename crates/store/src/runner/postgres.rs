//! The runner on PostgreSQL: a session advisory lock per projection on a dedicated
//! connection that also runs every batch, and `LISTEN redress_events` for prompt wake-up.

use std::sync::atomic::Ordering;
use std::time::Duration;

use sqlx::postgres::{PgListener, PgPoolOptions};
use sqlx::{Connection, PgConnection, PgPool};
use tokio::sync::watch;

use super::{RunError, Step, Worker};
use crate::checkpoints;
use crate::exclusive::TRY_LOCK;
use crate::sql::{SqlConn, SqlTx};
use crate::store::Store;

/// Advisory-lock namespace (first key of the two-key form) for projection locks.
const LOCK_NAMESPACE: i32 = 0x5244_5253; // "RDRS"

/// The channel a statement trigger on `events` notifies at every commit.
const CHANNEL: &str = "redress_events";

/// Wakes every replica's runners now (as a commit of events would).
pub(crate) async fn notify_events(conn: &mut SqlConn<'_>) -> Result<(), sqlx::Error> {
    conn.execute("SELECT pg_notify($1, '')", &[CHANNEL.into()])
        .await
        .map(drop)
}

/// Relays `NOTIFY redress_events` (commits by any replica) to this process's workers via
/// the store's in-process signal. One per runner, on its own single-connection pool so it
/// never takes a connection from the command pool.
pub(super) async fn listen(store: Store, pool: PgPool, mut shutdown: watch::Receiver<bool>) {
    let opts = (*pool.connect_options()).clone();
    let own = PgPoolOptions::new()
        .max_connections(1)
        .connect_lazy_with(opts);
    while !*shutdown.borrow() {
        let mut listener = match PgListener::connect_with(&own).await {
            Ok(l) => l,
            Err(e) => {
                tracing::warn!(error = %e, "LISTEN connection failed; polling meanwhile");
                tokio::select! {
                    _ = tokio::time::sleep(Duration::from_secs(1)) => {}
                    _ = shutdown.wait_for(|s| *s) => {}
                }
                continue;
            }
        };
        if let Err(e) = listener.listen(CHANNEL).await {
            tracing::warn!(error = %e, "LISTEN failed; polling meanwhile");
            tokio::select! {
                _ = tokio::time::sleep(Duration::from_secs(1)) => {}
                _ = shutdown.wait_for(|s| *s) => {}
            }
            continue;
        }
        // A (re)connected listener may have missed notifications: wake everyone once.
        store.notify_appended();
        loop {
            tokio::select! {
                r = listener.recv() => match r {
                    Ok(_) => store.notify_appended(),
                    Err(e) => {
                        tracing::warn!(error = %e, "LISTEN connection lost");
                        break;
                    }
                },
                _ = shutdown.wait_for(|s| *s) => break,
            }
        }
    }
    own.close().await;
}

impl Worker {
    /// Connects, waits for the projection's lock, serves it; reconnects after a failure.
    pub(super) async fn run_pg(&mut self, pool: PgPool) -> Result<(), String> {
        let name = self.projection.name().to_string();
        let opts = (*pool.connect_options()).clone();
        while !self.stopping() {
            let mut conn = match PgConnection::connect_with(&opts).await {
                Ok(c) => c,
                Err(e) => {
                    tracing::warn!(projection = %name, error = %e, "connect failed");
                    self.pause(self.config.error_backoff).await;
                    continue;
                }
            };
            if !self.lock(&mut conn).await {
                drop(conn);
                self.pause(self.config.error_backoff).await;
                continue;
            }
            tracing::info!(projection = %name, runner = %self.config.runner_id, "took projection");
            self.active.store(true, Ordering::SeqCst);
            let result = self.serve_pg(&mut conn).await;
            self.active.store(false, Ordering::SeqCst);
            match result {
                Ok(()) => {
                    // Graceful stop: closing the session releases the advisory lock.
                    let _ = conn.close().await;
                    return Ok(());
                }
                Err(e) => {
                    tracing::error!(projection = %name, error = %e, "batch failed; releasing");
                    drop(conn);
                    self.pause(self.config.error_backoff).await;
                }
            }
        }
        Ok(())
    }

    /// Standby: retries the lock on the same connection until it is ours (true), or the
    /// runner stops or the connection fails (false).
    async fn lock(&mut self, conn: &mut PgConnection) -> bool {
        let name = self.projection.name().to_string();
        loop {
            let attempt: Result<bool, sqlx::Error> = sqlx::query_scalar(TRY_LOCK)
                .bind(LOCK_NAMESPACE)
                .bind(&name)
                .fetch_one(&mut *conn)
                .await;
            match attempt {
                Ok(true) => return true,
                Ok(false) if !self.stopping() => {
                    self.pause(self.config.lock_retry_interval).await;
                }
                Ok(false) => return false,
                Err(e) => {
                    tracing::warn!(projection = %name, error = %e, "lock attempt failed");
                    return false;
                }
            }
        }
    }

    async fn serve_pg(&mut self, conn: &mut PgConnection) -> Result<(), RunError> {
        checkpoints::ensure(&mut SqlConn::from(&mut *conn), self.projection.name()).await?;
        self.setup(SqlTx::from(conn.begin().await?)).await?;

        let mut local = self.store.inner.appended.subscribe();
        let mut sd = self.shutdown.clone();
        // Back-off while events exist that an older open transaction keeps unreadable.
        let mut pending_wait = self.config.pending_retry;
        loop {
            if self.stopping() {
                return Ok(());
            }
            let step = self.batch(SqlTx::from(conn.begin().await?)).await?;
            let wait = match step {
                Step::Applied => {
                    pending_wait = self.config.pending_retry;
                    continue;
                }
                Step::Idle { pending: true } => {
                    let wait = pending_wait;
                    pending_wait = (pending_wait * 2)
                        .min(self.config.poll_interval.min(Duration::from_secs(1)));
                    wait
                }
                Step::Idle { pending: false } => {
                    pending_wait = self.config.pending_retry;
                    self.config.poll_interval
                }
            };
            tokio::select! {
                _ = tokio::time::sleep(wait) => {}
                _ = sd.wait_for(|s| *s) => {}
                _ = local.changed() => {}
            }
        }
    }
}
