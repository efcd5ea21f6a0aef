//! The [`Store`] facade: connection by URL, migrations, and access to the backend pools.

use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

use cqrs_es::persist::EventUpcaster;
use sqlx::migrate::Migrator;
use sqlx::pool::PoolOptions;
use sqlx::postgres::PgConnectOptions;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqliteSynchronous};
use sqlx::{PgPool, SqlitePool};
use tokio::sync::watch;

use crate::error::StoreError;
use crate::sql::dialect::{MIGRATIONS_TABLE_EXISTS, SQLITE_BEGIN_WRITE};
use crate::sql::{per_backend, PooledConn, SqlTx};

static PG_MIGRATOR: Migrator = sqlx::migrate!("../../migrations/postgres");
static SQLITE_MIGRATOR: Migrator = sqlx::migrate!("../../migrations/sqlite");

/// Which database a [`Store`] runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// PostgreSQL (production; several replicas may share one database).
    Postgres,
    /// SQLite (embedded default; one process, one file).
    Sqlite,
}

/// How to connect to the store. Build with [`StoreConfig::new`] and adjust fields.
#[derive(Debug, Clone)]
pub struct StoreConfig {
    /// `postgres://…`/`postgresql://…`, or `sqlite://path`/`sqlite:path` (created if missing).
    pub url: String,
    /// Maximum pooled connections (projection runners on PostgreSQL each hold one more,
    /// dedicated connection per projection, outside the pool).
    pub max_connections: u32,
    /// Connections kept open when idle.
    pub min_connections: u32,
    /// How long to wait for a connection (also bounds the initial connect).
    pub acquire_timeout: Duration,
    /// Take a snapshot every this many events per aggregate; 0 disables snapshots.
    pub snapshot_size: usize,
    /// Extra attempts for a command without an expected version that hits a concurrent
    /// commit on the same aggregate.
    pub max_conflict_retries: usize,
    /// SQLite only: how long a writer waits for the write lock.
    pub sqlite_busy_timeout: Duration,
    /// PostgreSQL only: the `application_name` of every connection, so operators can tell
    /// replicas apart in `pg_stat_activity` and `pg_locks`; `None` keeps the URL's.
    pub application_name: Option<String>,
}

impl StoreConfig {
    /// Defaults for `url`: 10 connections, 5 s acquire timeout, snapshot every 100 events,
    /// 5 conflict retries, 20 s SQLite busy timeout (projections catching up on a backlog
    /// hold the single writer in turns; a command waits rather than fails).
    pub fn new(url: impl Into<String>) -> Self {
        Self {
            url: url.into(),
            max_connections: 10,
            min_connections: 0,
            acquire_timeout: Duration::from_secs(5),
            snapshot_size: 100,
            max_conflict_retries: 5,
            sqlite_busy_timeout: Duration::from_secs(20),
            application_name: None,
        }
    }
}

#[derive(Debug, Clone)]
pub(crate) enum Db {
    Postgres(PgPool),
    Sqlite(SqlitePool),
}

impl Db {
    pub(crate) fn backend(&self) -> Backend {
        match self {
            Db::Postgres(_) => Backend::Postgres,
            Db::Sqlite(_) => Backend::Sqlite,
        }
    }

    /// A connection from the pool.
    pub(crate) async fn acquire(&self) -> Result<PooledConn, sqlx::Error> {
        per_backend!(self, Db, |pool| Ok(pool.acquire().await?.into()))
    }

    /// Begins a transaction (deferred on SQLite: it takes the write lock at its first write).
    pub(crate) async fn begin(&self) -> Result<SqlTx<'static>, sqlx::Error> {
        per_backend!(self, Db, |pool| Ok(pool.begin().await?.into()))
    }

    /// Begins a transaction that will write (on SQLite, holding the write lock from the
    /// start; see [`SQLITE_BEGIN_WRITE`]).
    pub(crate) async fn begin_write(&self) -> Result<SqlTx<'static>, sqlx::Error> {
        Ok(match self {
            Db::Postgres(pool) => pool.begin().await?.into(),
            Db::Sqlite(pool) => pool.begin_with(SQLITE_BEGIN_WRITE).await?.into(),
        })
    }
}

pub(crate) struct Inner {
    pub(crate) db: Db,
    pub(crate) config: StoreConfig,
    pub(crate) upcasters: Vec<Arc<dyn EventUpcaster>>,
    /// Bumped after every local commit of events; wakes projection runners in-process.
    pub(crate) appended: watch::Sender<u64>,
}

/// The event store facade the API layer uses. Cheap to clone.
#[derive(Clone)]
pub struct Store {
    pub(crate) inner: Arc<Inner>,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store")
            .field("backend", &self.backend())
            .field("url", &redact_url(&self.inner.config.url))
            .field("upcasters", &self.inner.upcasters.len())
            .finish()
    }
}

/// The pool sizing of `config`, the same on both databases.
fn pool_options<DB: sqlx::Database>(config: &StoreConfig) -> PoolOptions<DB> {
    PoolOptions::new()
        .max_connections(config.max_connections)
        .min_connections(config.min_connections)
        .acquire_timeout(config.acquire_timeout)
}

/// Removes a password from a URL for display.
pub(crate) fn redact_url(url: &str) -> String {
    if let Some((scheme, rest)) = url.split_once("://") {
        if let Some((userinfo, host)) = rest.split_once('@') {
            if let Some((user, _password)) = userinfo.split_once(':') {
                return format!("{scheme}://{user}:***@{host}");
            }
        }
    }
    url.to_string()
}

impl Store {
    /// Connects to the database named by `config.url` without migrating. Fails with
    /// [`StoreError::InvalidUrl`], [`StoreError::Unreachable`], or
    /// [`StoreError::MigrationsNewerThanBinary`] if the database was migrated by a newer binary.
    pub async fn connect(config: StoreConfig) -> Result<Self, StoreError> {
        let url = config.url.trim().to_string();
        let shown = redact_url(&url);
        let invalid = |reason: String| StoreError::InvalidUrl {
            url: shown.clone(),
            reason,
        };
        let unreachable = |source: sqlx::Error| StoreError::Unreachable {
            url: shown.clone(),
            source,
        };
        let db = if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            let mut opts = PgConnectOptions::from_str(&url).map_err(|e| invalid(e.to_string()))?;
            if let Some(name) = &config.application_name {
                opts = opts.application_name(name);
            }
            let pool = pool_options(&config)
                .connect_with(opts)
                .await
                .map_err(unreachable)?;
            Db::Postgres(pool)
        } else if url.starts_with("sqlite:") {
            let path = url
                .trim_start_matches("sqlite:")
                .trim_start_matches("//")
                .split('?')
                .next()
                .unwrap_or_default();
            if path.is_empty() {
                return Err(invalid("no file path after `sqlite:`".into()));
            }
            let opts = SqliteConnectOptions::from_str(&url)
                .map_err(|e| invalid(e.to_string()))?
                .create_if_missing(true)
                .journal_mode(SqliteJournalMode::Wal)
                .synchronous(SqliteSynchronous::Full)
                .busy_timeout(config.sqlite_busy_timeout)
                .foreign_keys(true);
            let pool = pool_options(&config)
                .connect_with(opts)
                .await
                .map_err(unreachable)?;
            Db::Sqlite(pool)
        } else {
            return Err(invalid(
                "expected a URL starting with postgres://, postgresql:// or sqlite:".into(),
            ));
        };
        let (appended, _) = watch::channel(0);
        let store = Self {
            inner: Arc::new(Inner {
                db,
                config,
                upcasters: Vec::new(),
                appended,
            }),
        };
        store.check_not_newer().await?;
        Ok(store)
    }

    /// Connects and applies any pending migrations (what `redress serve` does on start).
    pub async fn connect_and_migrate(config: StoreConfig) -> Result<Self, StoreError> {
        let store = Self::connect(config).await?;
        store.migrate().await?;
        Ok(store)
    }

    /// Returns a store that applies `upcasters` to every stored event it reads (aggregate
    /// loads, idempotent replays and the global feed). Call before cloning the store.
    pub fn with_upcasters(self, upcasters: Vec<Arc<dyn EventUpcaster>>) -> Self {
        let inner = Arc::try_unwrap(self.inner).unwrap_or_else(|shared| Inner {
            db: shared.db.clone(),
            config: shared.config.clone(),
            upcasters: shared.upcasters.clone(),
            appended: watch::channel(0).0,
        });
        Self {
            inner: Arc::new(Inner { upcasters, ..inner }),
        }
    }

    /// Applies pending migrations (forward only). Fails with
    /// [`StoreError::MigrationsNewerThanBinary`] if the database is ahead of this binary.
    pub async fn migrate(&self) -> Result<(), StoreError> {
        self.check_not_newer().await?;
        let migrator = self.migrator();
        per_backend!(&self.inner.db, Db, |pool| migrator.run(pool).await?);
        Ok(())
    }

    /// The migrations this binary embeds for this store's backend.
    fn migrator(&self) -> &'static Migrator {
        match self.backend() {
            Backend::Postgres => &PG_MIGRATOR,
            Backend::Sqlite => &SQLITE_MIGRATOR,
        }
    }

    /// The highest migration version this binary embeds for this store's backend.
    pub fn binary_schema_version(&self) -> i64 {
        self.migrator().iter().map(|m| m.version).max().unwrap_or(0)
    }

    /// The highest migration version applied to the database (`None` if never migrated).
    pub async fn database_schema_version(&self) -> Result<Option<i64>, StoreError> {
        let mut pooled = self.inner.db.acquire().await?;
        let mut conn = pooled.conn();
        let (exists,): (bool,) = conn
            .fetch_one(MIGRATIONS_TABLE_EXISTS.on(self.backend()), &[])
            .await?;
        if !exists {
            return Ok(None);
        }
        let (version,): (Option<i64>,) = conn
            .fetch_one(
                "SELECT max(version) FROM _sqlx_migrations WHERE success",
                &[],
            )
            .await?;
        Ok(version)
    }

    async fn check_not_newer(&self) -> Result<(), StoreError> {
        let binary_version = self.binary_schema_version();
        if let Some(database_version) = self.database_schema_version().await? {
            if database_version > binary_version {
                return Err(StoreError::MigrationsNewerThanBinary {
                    database_version,
                    binary_version,
                });
            }
        }
        Ok(())
    }

    /// Which database this store runs on.
    pub fn backend(&self) -> Backend {
        self.inner.db.backend()
    }

    /// A connection from the pool, for portable statements (read-model queries and
    /// bookkeeping outside projections); see [`SqlConn`](crate::SqlConn).
    pub async fn acquire(&self) -> Result<PooledConn, sqlx::Error> {
        self.inner.db.acquire().await
    }

    /// The PostgreSQL pool, if this store runs on PostgreSQL (for read-model queries).
    pub fn pg_pool(&self) -> Option<&PgPool> {
        match &self.inner.db {
            Db::Postgres(pool) => Some(pool),
            Db::Sqlite(_) => None,
        }
    }

    /// The SQLite pool, if this store runs on SQLite (for read-model queries).
    pub fn sqlite_pool(&self) -> Option<&SqlitePool> {
        match &self.inner.db {
            Db::Sqlite(pool) => Some(pool),
            Db::Postgres(_) => None,
        }
    }

    /// Whether `other` is this very store (a clone), rather than a second connection.
    pub fn same_database(&self, other: &Store) -> bool {
        Arc::ptr_eq(&self.inner, &other.inner)
    }

    /// The configuration the store was opened with.
    pub fn config(&self) -> &StoreConfig {
        &self.inner.config
    }

    /// Closes the pool (waits for checked-out connections to be returned).
    pub async fn close(&self) {
        per_backend!(&self.inner.db, Db, |pool| pool.close().await)
    }

    pub(crate) fn notify_appended(&self) {
        self.inner.appended.send_modify(|n| *n = n.wrapping_add(1));
    }
}
