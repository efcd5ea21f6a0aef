//! The projection runner: the worker loop and configuration shared by both databases; each
//! database's way of taking a projection (lock or lease) is in [`postgres`] and [`sqlite`].
//!
//! Each registered projection gets its own task that loops: take the right to run the
//! projection, then process batches until stopped or an error occurs.
//!
//! * **Exactly one runner per projection.** On PostgreSQL a runner takes a *session*
//!   advisory lock (`pg_try_advisory_lock`) on a dedicated connection and runs every batch
//!   on that same connection. If the process dies or the connection breaks, PostgreSQL
//!   drops the session and with it both the lock and any open batch transaction, so a
//!   standby runner (retrying every `lock_retry_interval`) takes over with no expiry wait.
//!   On SQLite (one process, usually) a lease row with an expiry is renewed inside every
//!   batch transaction; a standby takes over once it expires.
//! * **Exactly once.** Each batch transaction reads the checkpoint, reads the next events
//!   after it, lets the projection write, then moves the checkpoint with a compare-and-set
//!   (`UPDATE … WHERE txid = <read> AND position = <read> AND NOT rebuild_requested`) and
//!   commits. If anything else moved the checkpoint meanwhile (impossible while the lock or
//!   lease holds, but cheap insurance) or a rebuild was requested, the batch rolls back. A
//!   crash at any point rolls the whole batch back. The checkpoint is read without
//!   `FOR UPDATE` on purpose: a row lock would give the batch an xid at once, and any open
//!   xid holds back every feed reader in the cluster (see [`crate::feed`]).
//! * **Prompt wake-up.** PostgreSQL `LISTEN redress_events` (a statement trigger on `events`
//!   notifies at commit), an in-process signal from the store's append path, and polling
//!   every `poll_interval` as the fallback. When events exist but are not yet readable
//!   (an older transaction is still open) the runner re-checks after `pending_retry`.
//! * **Rebuild.** [`Store::request_rebuild`] flags the checkpoint row; the runner holding
//!   the projection then calls [`Projection::reset`] and zeroes the checkpoint in one
//!   transaction and catches up again, while the server keeps serving.

mod postgres;
mod sqlite;

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::watch;
use tokio::task::JoinHandle;
use tracing::Instrument;

use crate::checkpoints;
use crate::exclusive::serialise_setup;
use crate::feed::{any_after, read_after, upcast_all, Checkpoint, StoredEvent};
use crate::projection::{Projection, ProjectionError};
use crate::sql::SqlTx;
use crate::store::{Backend, Db, Store};

pub(crate) use postgres::notify_events;

/// Tuning for a [`ProjectionRunner`].
#[derive(Debug, Clone)]
pub struct RunnerConfig {
    /// Most events per batch transaction.
    pub batch_size: usize,
    /// Fallback polling interval when no notification arrives.
    pub poll_interval: Duration,
    /// First re-check delay when events exist but an older transaction (anywhere in the
    /// PostgreSQL cluster) is still open; doubles up to 1 s (or `poll_interval`).
    pub pending_retry: Duration,
    /// How often a standby runner tries to take a projection over.
    pub lock_retry_interval: Duration,
    /// SQLite lease duration (renewed on every batch; a standby waits this long after the
    /// holder dies).
    pub lease_ttl: Duration,
    /// Back-off after a failed batch (the batch is retried).
    pub error_backoff: Duration,
    /// Identifies this runner in leases and logs.
    pub runner_id: String,
}

impl Default for RunnerConfig {
    fn default() -> Self {
        Self {
            batch_size: 500,
            poll_interval: Duration::from_secs(1),
            pending_retry: Duration::from_millis(20),
            lock_retry_interval: Duration::from_secs(1),
            lease_ttl: Duration::from_secs(10),
            error_backoff: Duration::from_secs(1),
            runner_id: uuid::Uuid::now_v7().to_string(),
        }
    }
}

/// Runs projections; see the module docs.
pub struct ProjectionRunner {
    store: Store,
    config: RunnerConfig,
    projections: Vec<Arc<dyn Projection>>,
}

impl std::fmt::Debug for ProjectionRunner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ProjectionRunner")
            .field("config", &self.config)
            .field(
                "projections",
                &self
                    .projections
                    .iter()
                    .map(|p| p.name())
                    .collect::<Vec<_>>(),
            )
            .finish()
    }
}

/// Controls a started runner.
#[derive(Debug)]
pub struct RunnerHandle {
    shutdown: watch::Sender<bool>,
    tasks: Vec<JoinHandle<()>>,
    active: HashMap<String, Arc<AtomicBool>>,
}

impl RunnerHandle {
    /// Whether this runner currently holds (and processes) the named projection.
    pub fn is_active(&self, name: &str) -> bool {
        self.active
            .get(name)
            .is_some_and(|a| a.load(Ordering::SeqCst))
    }

    /// Stops gracefully: finishes the current batch, releases locks/leases, waits.
    pub async fn stop(self) {
        let _ = self.shutdown.send(true);
        for t in self.tasks {
            let _ = t.await;
        }
    }

    /// Stops abruptly, as a crash would: tasks are cancelled mid-batch and their
    /// connections dropped (open transactions roll back). Waits for the cancellation.
    pub async fn abort(self) {
        for t in &self.tasks {
            t.abort();
        }
        for t in self.tasks {
            let _ = t.await;
        }
    }
}

/// What a batch did.
enum Step {
    /// Applied events (or reset for a rebuild): look for more at once.
    Applied,
    /// Nothing to read; `pending` when events exist that are not readable yet.
    Idle { pending: bool },
}

#[derive(Debug, thiserror::Error)]
enum RunError {
    #[error("database: {0}")]
    Db(#[from] sqlx::Error),
    #[error("projection: {0}")]
    Projection(ProjectionError),
    #[error("lease lost")]
    LeaseLost,
}

impl ProjectionRunner {
    /// A runner over `store`.
    pub fn new(store: Store, config: RunnerConfig) -> Self {
        Self {
            store,
            config,
            projections: Vec::new(),
        }
    }

    /// Registers a projection.
    pub fn with(mut self, projection: Arc<dyn Projection>) -> Self {
        self.projections.push(projection);
        self
    }

    /// Starts one task per projection.
    pub fn start(self) -> RunnerHandle {
        let (shutdown, _) = watch::channel(false);
        let mut tasks = Vec::new();
        if let Db::Postgres(pool) = &self.store.inner.db {
            tasks.push(tokio::spawn(postgres::listen(
                self.store.clone(),
                pool.clone(),
                shutdown.subscribe(),
            )));
        }
        let mut active = HashMap::new();
        for p in self.projections {
            let flag = Arc::new(AtomicBool::new(false));
            active.insert(p.name().to_string(), flag.clone());
            let worker = Worker {
                store: self.store.clone(),
                config: self.config.clone(),
                projection: p,
                active: flag,
                shutdown: shutdown.subscribe(),
            };
            tasks.push(tokio::spawn(worker.run()));
        }
        RunnerHandle {
            shutdown,
            tasks,
            active,
        }
    }
}

/// The task that runs one projection.
struct Worker {
    store: Store,
    config: RunnerConfig,
    projection: Arc<dyn Projection>,
    active: Arc<AtomicBool>,
    shutdown: watch::Receiver<bool>,
}

impl Worker {
    fn stopping(&self) -> bool {
        *self.shutdown.borrow()
    }

    /// Sleeps for `d`, returning early on shutdown.
    async fn pause(&mut self, d: Duration) {
        let mut sd = self.shutdown.clone();
        tokio::select! {
            _ = tokio::time::sleep(d) => {}
            _ = sd.wait_for(|s| *s) => {}
        }
    }

    async fn run(mut self) {
        let name = self.projection.name().to_string();
        let result = match self.store.inner.db.clone() {
            Db::Postgres(pool) => self.run_pg(pool).await,
            Db::Sqlite(pool) => self.run_sqlite(pool).await,
        };
        self.active.store(false, Ordering::SeqCst);
        tracing::info!(projection = %name, ?result, "projection worker stopped");
    }

    /// Runs the projection's `setup` in `tx` (serialised with other replicas' setups) and
    /// commits.
    async fn setup(&self, mut tx: SqlTx<'_>) -> Result<(), RunError> {
        serialise_setup(&mut tx).await?;
        self.projection
            .setup(&mut tx)
            .await
            .map_err(RunError::Projection)?;
        tx.commit().await?;
        Ok(())
    }

    /// One batch in `tx` (which holds the lock or lease): reset for a pending rebuild, or
    /// apply the events after the checkpoint, or, with none, end the transaction idle.
    async fn batch(&self, mut tx: SqlTx<'_>) -> Result<Step, RunError> {
        // No FOR UPDATE: locking would assign this transaction an xid now, and an open xid
        // holds back every feed reader in the cluster. Exclusivity comes from the lock or
        // lease, and the compare-and-set checkpoint update in `apply` guards it anyway.
        let (cp, rebuild) = checkpoints::read(&mut tx.conn(), self.projection.name())
            .await?
            .ok_or(sqlx::Error::RowNotFound)?;
        if rebuild {
            return self.reset(tx).await;
        }
        let events = read_after(&mut tx.conn(), cp, self.config.batch_size).await?;
        if events.is_empty() {
            // Only PostgreSQL can have events an older open transaction keeps unreadable.
            let pending =
                tx.backend() == Backend::Postgres && any_after(&mut tx.conn(), cp).await?;
            // End the transaction now (on SQLite this commits the lease renewal), not lazily
            // at the next use of the connection.
            tx.commit().await?;
            return Ok(Step::Idle { pending });
        }
        self.apply(tx, cp, events).await
    }

    async fn reset(&self, mut tx: SqlTx<'_>) -> Result<Step, RunError> {
        let name = self.projection.name();
        self.projection
            .reset(&mut tx)
            .await
            .map_err(RunError::Projection)?;
        checkpoints::reset(&mut tx.conn(), name).await?;
        tx.commit().await?;
        tracing::info!(projection = %name, "projection reset for rebuild");
        Ok(Step::Applied)
    }

    async fn apply(
        &self,
        mut tx: SqlTx<'_>,
        from: Checkpoint,
        events: Vec<StoredEvent>,
    ) -> Result<Step, RunError> {
        let name = self.projection.name();
        let events = upcast_all(&self.store, events);
        let to = events.last().map_or(from, |e| e.checkpoint);
        let span = tracing::info_span!(
            "projection_batch",
            projection = %name,
            batch_size = events.len(),
            from_txid = from.txid,
            from_position = from.position,
            to_txid = to.txid,
            to_position = to.position,
        );
        let started = std::time::Instant::now();
        let batch_len = events.len();
        async {
            self.projection
                .apply(&mut tx, &events)
                .await
                .map_err(RunError::Projection)?;
            // Compare-and-set: if anyone else moved the checkpoint since we read it (which
            // the lock/lease should make impossible), roll back rather than double-apply.
            let moved = checkpoints::advance(&mut tx.conn(), name, from, to, batch_len).await?;
            if moved != 1 {
                // Dropping `tx` rolls the batch back; the next batch re-reads the checkpoint
                // (and sees a pending rebuild request, the usual reason).
                tracing::info!("checkpoint moved or rebuild requested; batch rolled back");
                return Ok(Step::Applied);
            }
            tx.commit().await?;
            tracing::debug!("batch committed");
            let labels = [("projection", name.to_owned())];
            metrics::histogram!("redress_projection_batch_duration_seconds", &labels)
                .record(started.elapsed().as_secs_f64());
            metrics::counter!("redress_projection_events_total", &labels)
                .increment(batch_len as u64);
            Ok(Step::Applied)
        }
        .instrument(span)
        .await
    }
}
