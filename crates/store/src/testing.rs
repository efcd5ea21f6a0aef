//! Test helpers (cargo feature `testing`): a throw-away database per test.
//!
//! ```ignore
//! let db = TestDatabase::postgres().await;   // CREATE DATABASE redress_test_<uuid>
//! let store = db.store().await;              // connected and migrated
//! // ...
//! db.cleanup().await;                        // DROP DATABASE … WITH (FORCE); also on Drop
//! ```
//!
//! PostgreSQL is reached through `REDRESS_TEST_PG_URL` (default
//! `postgres://postgres@127.0.0.1:5432/postgres`); SQLite databases are temporary files.

use std::path::PathBuf;

use sqlx::{Connection, PgConnection};

use crate::{Backend, Store, StoreConfig};

/// Admin URL used to create and drop test databases.
pub fn admin_pg_url() -> String {
    std::env::var("REDRESS_TEST_PG_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".to_string())
}

#[derive(Debug)]
enum Kind {
    Postgres { admin_url: String, name: String },
    Sqlite { path: PathBuf },
}

/// A uniquely named, empty database that is dropped afterwards.
#[derive(Debug)]
pub struct TestDatabase {
    url: String,
    kind: Kind,
    cleaned: bool,
}

fn unique() -> String {
    uuid::Uuid::now_v7().simple().to_string()
}

impl TestDatabase {
    /// Creates an empty PostgreSQL database `redress_test_<uuid>`.
    pub async fn postgres() -> Self {
        let admin_url = admin_pg_url();
        let name = format!("redress_test_{}", unique());
        let mut conn = PgConnection::connect(&admin_url)
            .await
            .expect("connect to PostgreSQL (set REDRESS_TEST_PG_URL)");
        sqlx::query(&format!("CREATE DATABASE {name}"))
            .execute(&mut conn)
            .await
            .expect("create test database");
        let _ = conn.close().await;
        let base = admin_url
            .rsplit_once('/')
            .map_or(admin_url.as_str(), |(b, _)| b);
        let url = format!("{base}/{name}");
        Self {
            url,
            kind: Kind::Postgres { admin_url, name },
            cleaned: false,
        }
    }

    /// A path for a new SQLite database file in the temp directory.
    pub fn sqlite() -> Self {
        let path = std::env::temp_dir().join(format!("redress_test_{}.db", unique()));
        Self {
            url: format!("sqlite://{}", path.display()),
            kind: Kind::Sqlite { path },
            cleaned: false,
        }
    }

    /// Creates a database of the given backend.
    pub async fn new(backend: Backend) -> Self {
        match backend {
            Backend::Postgres => Self::postgres().await,
            Backend::Sqlite => Self::sqlite(),
        }
    }

    /// The database URL.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// A store config for this database, with small pools suited to tests.
    pub fn config(&self) -> StoreConfig {
        let mut c = StoreConfig::new(self.url.clone());
        c.max_connections = 20;
        c
    }

    /// Connects and migrates with [`TestDatabase::config`].
    pub async fn store(&self) -> Store {
        self.store_with(self.config()).await
    }

    /// Connects and migrates with the given config (its URL is replaced by this database's).
    pub async fn store_with(&self, mut config: StoreConfig) -> Store {
        config.url = self.url.clone();
        Store::connect_and_migrate(config)
            .await
            .expect("connect and migrate test store")
    }

    /// Drops the database (or deletes the files). Also done, blocking, on drop.
    pub async fn cleanup(mut self) {
        self.cleaned = true;
        match &self.kind {
            Kind::Postgres { admin_url, name } => drop_pg(admin_url, name).await,
            Kind::Sqlite { path } => remove_sqlite(path),
        }
    }
}

async fn drop_pg(admin_url: &str, name: &str) {
    if let Ok(mut conn) = PgConnection::connect(admin_url).await {
        let _ = sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
            .execute(&mut conn)
            .await;
        let _ = conn.close().await;
    }
}

fn remove_sqlite(path: &std::path::Path) {
    for suffix in ["", "-wal", "-shm", "-journal"] {
        let mut p = path.as_os_str().to_owned();
        p.push(suffix);
        let _ = std::fs::remove_file(PathBuf::from(p));
    }
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        if self.cleaned {
            return;
        }
        match &self.kind {
            Kind::Postgres { admin_url, name } => {
                let (admin_url, name) = (admin_url.clone(), name.clone());
                // A fresh runtime on its own thread: works inside or outside a runtime.
                let _ = std::thread::spawn(move || {
                    if let Ok(rt) = tokio::runtime::Builder::new_current_thread()
                        .enable_all()
                        .build()
                    {
                        rt.block_on(drop_pg(&admin_url, &name));
                    }
                })
                .join();
            }
            Kind::Sqlite { path } => remove_sqlite(path),
        }
    }
}
