//! The read side's use of the store's portable SQL layer: [`Reader`] runs statements on the
//! store's pool, [`tx_fetch`] inside a projection's transaction, and [`ReadError`] is the
//! error of every query. Values, rows and the portability rules of the read-model tables are
//! the store's (`redress_store::SqlValue`, [`Cell`], [`us`]); they are re-exported here for
//! the read-model code.

pub use redress_store::{from_us, us, us_opt, Cell, Cells};
use redress_store::{Backend, ProjectionTx, SqlValue, Store};

/// Errors of the read side.
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    #[error("database: {0}")]
    Db(#[from] sqlx::Error),
    #[error("invalid page token")]
    InvalidPageToken,
    #[error("invalid argument: {0}")]
    InvalidArgument(String),
    #[error("decode: {0}")]
    Decode(String),
}

/// Runs `sql` in a projection transaction and returns every row.
pub async fn tx_fetch(
    tx: &mut ProjectionTx<'_>,
    sql: &str,
    params: &[SqlValue],
) -> Result<Vec<Cells>, sqlx::Error> {
    tx.conn().fetch_cells(sql, params).await
}

/// Read access to the read models through the store's pool (queries, reactors, tests).
#[derive(Debug, Clone)]
pub struct Reader {
    store: Store,
}

impl Reader {
    pub fn new(store: Store) -> Self {
        Self { store }
    }

    pub fn backend(&self) -> Backend {
        self.store.backend()
    }

    pub fn store(&self) -> &Store {
        &self.store
    }

    /// Runs `sql` and returns every row.
    pub async fn fetch(&self, sql: &str, params: &[SqlValue]) -> Result<Vec<Cells>, sqlx::Error> {
        self.store
            .acquire()
            .await?
            .conn()
            .fetch_cells(sql, params)
            .await
    }

    /// Runs one statement (DDL or a write outside projections, e.g. reactor bookkeeping).
    pub async fn execute(&self, sql: &str, params: &[SqlValue]) -> Result<u64, sqlx::Error> {
        self.store
            .acquire()
            .await?
            .conn()
            .execute(sql, params)
            .await
    }

    /// Every row of a table as text, for the personal-data scan (SPEC P1) and debugging.
    /// `table` is a trusted identifier.
    pub async fn dump_table(&self, table: &str) -> Result<Vec<Vec<String>>, sqlx::Error> {
        let rows = self.fetch(&format!("SELECT * FROM {table}"), &[]).await?;
        Ok(rows
            .into_iter()
            .map(|r| r.iter().map(Cell::display).collect())
            .collect())
    }
}
