//! The projection runner.
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

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use sqlx::postgres::{PgListener, PgPoolOptions};
use sqlx::{Connection, PgConnection, PgPool, Row, SqlitePool};
use tokio::sync::watch;
use tokio::task::JoinHandle;
use tracing::Instrument;

use crate::error::StoreError;
use crate::feed::{pending_pg, read_after_pg, read_after_sqlite, upcast_all, Checkpoint};
use crate::projection::{Projection, ProjectionError, ProjectionTx};
use crate::store::{Db, Store};

/// Advisory-lock namespace (first key of the two-key form) for projection locks.
const LOCK_NAMESPACE: i32 = 0x5244_5253; // "RDRS"

/// Advisory-lock namespace of [`Store::try_exclusive`] (apart from the projections' own).
const EXCLUSIVE_NAMESPACE: i32 = 0x5244_5258; // "RDRX"

/// Serialises read-model `CREATE … IF NOT EXISTS` across replicas starting together:
/// PostgreSQL can fail two concurrent creations of the same table or index with a
/// unique-violation on its catalog, `IF NOT EXISTS` notwithstanding.
async fn serialise_setup_pg(
    tx: &mut sqlx::Transaction<'_, sqlx::Postgres>,
) -> Result<(), sqlx::Error> {
    sqlx::query("SELECT pg_advisory_xact_lock($1, 0)")
        .bind(EXCLUSIVE_NAMESPACE)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// Held while this process alone does some deployment-wide work (the calendar reactor's
/// passes, say). On PostgreSQL it is a session advisory lock on a dedicated connection, so
/// it dies with the process or the connection; SQLite is one process, so there it is
/// always granted.
pub struct Exclusive {
    conn: Option<PgConnection>,
}

impl std::fmt::Debug for Exclusive {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Exclusive")
            .field("postgres", &self.conn.is_some())
            .finish()
    }
}

impl Exclusive {
    /// Whether the lock is still ours: its connection still answers (a lost connection,
    /// e.g. across a database restart, has released it).
    pub async fn still_held(&mut self) -> bool {
        match &mut self.conn {
            Some(conn) => conn.ping().await.is_ok(),
            None => true,
        }
    }
}

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

enum Step {
    Applied,
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
            tasks.push(tokio::spawn(listen_pg(
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

/// Relays `NOTIFY redress_events` (commits by any replica) to this process's workers via
/// the store's in-process signal. One per runner, on its own single-connection pool so it
/// never takes a connection from the command pool.
async fn listen_pg(store: Store, pool: PgPool, mut shutdown: watch::Receiver<bool>) {
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
        if let Err(e) = listener.listen("redress_events").await {
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

    // ---------------------------------------------------------------- PostgreSQL

    async fn run_pg(&mut self, pool: PgPool) -> Result<(), String> {
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
            // Standby: retry the lock on the same connection until it is ours.
            let locked = loop {
                let attempt: Result<bool, sqlx::Error> =
                    sqlx::query_scalar("SELECT pg_try_advisory_lock($1, hashtext($2))")
                        .bind(LOCK_NAMESPACE)
                        .bind(&name)
                        .fetch_one(&mut conn)
                        .await;
                match attempt {
                    Ok(true) => break true,
                    Ok(false) if !self.stopping() => {
                        self.pause(self.config.lock_retry_interval).await;
                    }
                    Ok(false) => break false,
                    Err(e) => {
                        tracing::warn!(projection = %name, error = %e, "lock attempt failed");
                        break false;
                    }
                }
            };
            if !locked {
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

    async fn serve_pg(&mut self, conn: &mut PgConnection) -> Result<(), RunError> {
        let name = self.projection.name().to_string();
        sqlx::query("INSERT INTO projection_checkpoints (name) VALUES ($1) ON CONFLICT DO NOTHING")
            .bind(&name)
            .execute(&mut *conn)
            .await?;
        let mut tx = conn.begin().await?;
        serialise_setup_pg(&mut tx).await?;
        let mut tx = ProjectionTx::Postgres(tx);
        self.projection
            .setup(&mut tx)
            .await
            .map_err(RunError::Projection)?;
        tx.commit().await?;

        let mut local = self.store.inner.appended.subscribe();
        let mut sd = self.shutdown.clone();
        // Back-off while events exist that an older open transaction keeps unreadable.
        let mut pending_wait = self.config.pending_retry;
        loop {
            if self.stopping() {
                return Ok(());
            }
            let step = self.batch_pg(conn).await?;
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

    async fn batch_pg(&self, conn: &mut PgConnection) -> Result<Step, RunError> {
        let name = self.projection.name();
        let mut tx = conn.begin().await?;
        // No FOR UPDATE: locking would assign this transaction an xid now, and an open xid
        // holds back every feed reader in the cluster. Exclusivity comes from the advisory
        // lock, and the compare-and-set checkpoint update below guards it anyway.
        let row = sqlx::query(
            "SELECT txid, position, rebuild_requested FROM projection_checkpoints \
             WHERE name = $1",
        )
        .bind(name)
        .fetch_one(&mut *tx)
        .await?;
        let cp = Checkpoint {
            txid: row.try_get(0)?,
            position: row.try_get(1)?,
        };
        let rebuild: bool = row.try_get(2)?;
        let mut ptx = ProjectionTx::Postgres(tx);
        if rebuild {
            return self.reset(ptx).await;
        }
        let ProjectionTx::Postgres(tx) = &mut ptx else {
            unreachable!()
        };
        let events = read_after_pg(&mut *tx, cp, self.config.batch_size).await?;
        if events.is_empty() {
            let pending = pending_pg(&mut *tx, cp).await?;
            // End the transaction now, not lazily at the next use of the connection.
            ptx.commit().await?;
            return Ok(Step::Idle { pending });
        }
        self.apply(ptx, cp, events).await
    }

    // -------------------------------------------------------------------- SQLite

    async fn run_sqlite(&mut self, pool: SqlitePool) -> Result<(), String> {
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
                    let _ = sqlx::query(
                        "DELETE FROM projection_leases WHERE name = $1 AND holder = $2",
                    )
                    .bind(&name)
                    .bind(&self.config.runner_id)
                    .execute(&pool)
                    .await;
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

    async fn take_lease(&self, pool: &SqlitePool) -> Result<bool, sqlx::Error> {
        let now = Self::now_ms();
        let done = sqlx::query(
            "INSERT INTO projection_leases (name, holder, expires_at) VALUES ($1, $2, $3) \
             ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, \
                 expires_at = excluded.expires_at \
             WHERE projection_leases.holder = excluded.holder \
                OR projection_leases.expires_at < $4",
        )
        .bind(self.projection.name())
        .bind(&self.config.runner_id)
        .bind(now + self.config.lease_ttl.as_millis() as i64)
        .bind(now)
        .execute(pool)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    async fn serve_sqlite(&mut self, pool: &SqlitePool) -> Result<(), RunError> {
        let name = self.projection.name().to_string();
        let mut tx = pool.begin_with("BEGIN IMMEDIATE").await?;
        sqlx::query("INSERT INTO projection_checkpoints (name) VALUES ($1) ON CONFLICT DO NOTHING")
            .bind(&name)
            .execute(&mut *tx)
            .await?;
        let mut ptx = ProjectionTx::Sqlite(tx);
        self.projection
            .setup(&mut ptx)
            .await
            .map_err(RunError::Projection)?;
        ptx.commit().await?;

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
        let name = self.projection.name();
        let mut tx = pool.begin_with("BEGIN IMMEDIATE").await?;
        // Heartbeat and exclusivity check in one: only renews an unexpired lease we hold.
        let now = Self::now_ms();
        let renewed = sqlx::query(
            "UPDATE projection_leases SET expires_at = $1 \
             WHERE name = $2 AND holder = $3 AND expires_at >= $4",
        )
        .bind(now + self.config.lease_ttl.as_millis() as i64)
        .bind(name)
        .bind(&self.config.runner_id)
        .bind(now)
        .execute(&mut *tx)
        .await?;
        if renewed.rows_affected() != 1 {
            return Err(RunError::LeaseLost);
        }
        let row = sqlx::query(
            "SELECT txid, position, rebuild_requested FROM projection_checkpoints WHERE name = $1",
        )
        .bind(name)
        .fetch_one(&mut *tx)
        .await?;
        let cp = Checkpoint {
            txid: row.try_get(0)?,
            position: row.try_get(1)?,
        };
        let rebuild: bool = row.try_get(2)?;
        if rebuild {
            return self.reset(ProjectionTx::Sqlite(tx)).await;
        }
        let events = read_after_sqlite(&mut tx, cp, self.config.batch_size).await?;
        if events.is_empty() {
            // Commit the lease renewal.
            tx.commit().await?;
            return Ok(Step::Idle { pending: false });
        }
        self.apply(ProjectionTx::Sqlite(tx), cp, events).await
    }

    // ------------------------------------------------------------------- shared

    async fn reset(&self, mut tx: ProjectionTx<'_>) -> Result<Step, RunError> {
        let name = self.projection.name();
        self.projection
            .reset(&mut tx)
            .await
            .map_err(RunError::Projection)?;
        tx.execute(
            "UPDATE projection_checkpoints SET txid = 0, position = 0, events_applied = 0, \
             rebuild_requested = $2 WHERE name = $1",
            &[name.into(), false.into()],
        )
        .await?;
        tx.commit().await?;
        tracing::info!(projection = %name, "projection reset for rebuild");
        Ok(Step::Applied)
    }

    async fn apply(
        &self,
        mut tx: ProjectionTx<'_>,
        from: Checkpoint,
        events: Vec<crate::feed::StoredEvent>,
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
            let moved = tx
                .execute(
                    "UPDATE projection_checkpoints SET txid = $2, position = $3, \
                     events_applied = events_applied + $4 \
                     WHERE name = $1 AND txid = $5 AND position = $6 AND NOT rebuild_requested",
                    &[
                        name.into(),
                        to.txid.into(),
                        to.position.into(),
                        (events.len() as i64).into(),
                        from.txid.into(),
                        from.position.into(),
                    ],
                )
                .await?;
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

impl Store {
    /// Status of every projection that has ever run (or been asked to rebuild).
    pub async fn projection_status(&self) -> Result<Vec<ProjectionStatus>, StoreError> {
        const SQL: &str = "SELECT name, txid, position, events_applied, rebuild_requested \
                           FROM projection_checkpoints ORDER BY name";
        macro_rules! rows {
            ($pool:expr) => {{
                let mut out = Vec::new();
                for r in sqlx::query(SQL).fetch_all($pool).await? {
                    let applied: i64 = r.try_get(3)?;
                    out.push(ProjectionStatus {
                        name: r.try_get(0)?,
                        checkpoint: Checkpoint {
                            txid: r.try_get(1)?,
                            position: r.try_get(2)?,
                        },
                        events_applied: applied.max(0) as u64,
                        lag: 0,
                        lag_seconds: 0.0,
                        rebuild_requested: r.try_get(4)?,
                    });
                }
                out
            }};
        }
        let mut statuses = match &self.inner.db {
            Db::Postgres(p) => rows!(p),
            Db::Sqlite(p) => rows!(p),
        };
        for s in &mut statuses {
            (s.lag, s.lag_seconds) = self.lag_behind(s.checkpoint).await?;
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

    /// Takes the deployment-wide lock `name` if no other process holds it.
    pub async fn try_exclusive(&self, name: &str) -> Result<Option<Exclusive>, StoreError> {
        let pool = match &self.inner.db {
            Db::Postgres(pool) => pool,
            Db::Sqlite(_) => return Ok(Some(Exclusive { conn: None })),
        };
        let mut conn = PgConnection::connect_with(&pool.connect_options()).await?;
        let locked: bool = sqlx::query_scalar("SELECT pg_try_advisory_lock($1, hashtext($2))")
            .bind(EXCLUSIVE_NAMESPACE)
            .bind(name)
            .fetch_one(&mut conn)
            .await?;
        Ok(locked.then_some(Exclusive { conn: Some(conn) }))
    }

    /// Creates `projection`'s read-model tables if missing (what a runner does when it takes
    /// the projection), so queries find empty tables before any runner has started.
    pub async fn setup_read_model(&self, projection: &dyn Projection) -> Result<(), StoreError> {
        let mut tx = match &self.inner.db {
            Db::Postgres(pool) => {
                let mut tx = pool.begin().await?;
                serialise_setup_pg(&mut tx).await?;
                ProjectionTx::Postgres(tx)
            }
            Db::Sqlite(pool) => ProjectionTx::Sqlite(pool.begin().await?),
        };
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
        const SQL: &str = "SELECT name, txid, position FROM projection_checkpoints ORDER BY name";
        macro_rules! rows {
            ($pool:expr) => {{
                let mut out = Vec::new();
                for r in sqlx::query(SQL).fetch_all($pool).await? {
                    out.push((
                        r.try_get(0)?,
                        Checkpoint {
                            txid: r.try_get(1)?,
                            position: r.try_get(2)?,
                        },
                    ));
                }
                out
            }};
        }
        Ok(match &self.inner.db {
            Db::Postgres(p) => rows!(p),
            Db::Sqlite(p) => rows!(p),
        })
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
        const SQL: &str = "SELECT txid, position, rebuild_requested FROM projection_checkpoints \
                           WHERE name = $1";
        macro_rules! one {
            ($pool:expr) => {{
                match sqlx::query(SQL).bind(name).fetch_optional($pool).await? {
                    Some(r) => Some((
                        Checkpoint {
                            txid: r.try_get(0)?,
                            position: r.try_get(1)?,
                        },
                        r.try_get(2)?,
                    )),
                    None => None,
                }
            }};
        }
        Ok(match &self.inner.db {
            Db::Postgres(p) => one!(p),
            Db::Sqlite(p) => one!(p),
        })
    }

    /// Asks whichever runner holds `name` to empty its read model and rebuild it from the
    /// first event (`redress projections rebuild NAME`). Takes effect at its next batch.
    pub async fn request_rebuild(&self, name: &str) -> Result<(), StoreError> {
        const SQL: &str = "INSERT INTO projection_checkpoints (name, rebuild_requested) \
                           VALUES ($1, $2) ON CONFLICT (name) DO UPDATE SET rebuild_requested = $2";
        match &self.inner.db {
            Db::Postgres(p) => {
                sqlx::query(SQL).bind(name).bind(true).execute(p).await?;
                sqlx::query("SELECT pg_notify('redress_events', '')")
                    .execute(p)
                    .await?;
            }
            Db::Sqlite(p) => {
                sqlx::query(SQL).bind(name).bind(true).execute(p).await?;
            }
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
}
