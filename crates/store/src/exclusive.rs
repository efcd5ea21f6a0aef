//! Deployment-wide locks: [`Exclusive`] for work one process alone may do (the calendar
//! reactor's passes), and the lock that serialises read-model setup across replicas.

use sqlx::{Connection, PgConnection};

use crate::error::StoreError;
use crate::sql::SqlTx;
use crate::store::{Db, Store};

/// Takes a session advisory lock, `$1` namespace and `$2` name (hashed): the projection
/// runner's lock and [`Exclusive`].
pub(crate) const TRY_LOCK: &str = "SELECT pg_try_advisory_lock($1, hashtext($2))";

/// Advisory-lock namespace of [`Store::try_exclusive`] (apart from the projections' own).
const EXCLUSIVE_NAMESPACE: i32 = 0x5244_5258; // "RDRX"

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

impl Store {
    /// Takes the deployment-wide lock `name` if no other process holds it.
    pub async fn try_exclusive(&self, name: &str) -> Result<Option<Exclusive>, StoreError> {
        let pool = match &self.inner.db {
            Db::Postgres(pool) => pool,
            Db::Sqlite(_) => return Ok(Some(Exclusive { conn: None })),
        };
        let mut conn = PgConnection::connect_with(&pool.connect_options()).await?;
        let locked: bool = sqlx::query_scalar(TRY_LOCK)
            .bind(EXCLUSIVE_NAMESPACE)
            .bind(name)
            .fetch_one(&mut conn)
            .await?;
        Ok(locked.then_some(Exclusive { conn: Some(conn) }))
    }
}

/// Serialises read-model `CREATE … IF NOT EXISTS` across replicas starting together:
/// PostgreSQL can fail two concurrent creations of the same table or index with a
/// unique-violation on its catalog, `IF NOT EXISTS` notwithstanding. SQLite has one
/// writer, so there is nothing to do.
pub(crate) async fn serialise_setup(tx: &mut SqlTx<'_>) -> Result<(), sqlx::Error> {
    if let SqlTx::Postgres(tx) = tx {
        sqlx::query("SELECT pg_advisory_xact_lock($1, 0)")
            .bind(EXCLUSIVE_NAMESPACE)
            .execute(&mut **tx)
            .await?;
    }
    Ok(())
}
