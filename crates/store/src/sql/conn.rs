//! Where portable statements run: [`SqlConn`], a borrowed connection of either database,
//! got from a pool ([`PooledConn`]), a dedicated connection, or an open transaction
//! ([`SqlTx`]). Each statement method dispatches once, with [`per_backend!`].

use serde_json::Value;
use sqlx::pool::PoolConnection;
use sqlx::{Executor, PgConnection, Postgres, Sqlite, SqliteConnection, Transaction};

use super::dialect;
use super::row::{CellRow, Cells, PortableRow};
use super::value::{bind_all, SqlValue};
use crate::store::Backend;

/// A connection of either database, borrowed for a few statements.
#[derive(Debug)]
pub enum SqlConn<'c> {
    /// A PostgreSQL connection (or the connection of an open transaction).
    Postgres(&'c mut PgConnection),
    /// A SQLite connection (or the connection of an open transaction).
    Sqlite(&'c mut SqliteConnection),
}

impl<'c> From<&'c mut PgConnection> for SqlConn<'c> {
    fn from(conn: &'c mut PgConnection) -> Self {
        Self::Postgres(conn)
    }
}

impl<'c> From<&'c mut SqliteConnection> for SqlConn<'c> {
    fn from(conn: &'c mut SqliteConnection) -> Self {
        Self::Sqlite(conn)
    }
}

impl SqlConn<'_> {
    /// Which database this connection is to.
    pub fn backend(&self) -> Backend {
        match self {
            Self::Postgres(_) => Backend::Postgres,
            Self::Sqlite(_) => Backend::Sqlite,
        }
    }

    /// Runs one statement with `$n` parameters; returns the number of rows affected.
    pub async fn execute(&mut self, sql: &str, params: &[SqlValue]) -> Result<u64, sqlx::Error> {
        per_backend!(self, SqlConn, |c| Ok(bind_all(sqlx::query(sql), params)
            .execute(&mut **c)
            .await?
            .rows_affected()))
    }

    /// Runs one or more statements without parameters (e.g. DDL).
    pub async fn execute_script(&mut self, sql: &str) -> Result<(), sqlx::Error> {
        per_backend!(self, SqlConn, |c| (&mut **c).execute(sql).await.map(drop))
    }

    /// Every row, decoded as `R` (a tuple, by column index).
    pub async fn fetch_all<R: PortableRow>(
        &mut self,
        sql: &str,
        params: &[SqlValue],
    ) -> Result<Vec<R>, sqlx::Error> {
        per_backend!(self, SqlConn, |c| bind_all(sqlx::query(sql), params)
            .fetch_all(&mut **c)
            .await?
            .iter()
            .map(|row| R::from_row(row))
            .collect())
    }

    /// The first row, if any, decoded as `R`.
    pub async fn fetch_optional<R: PortableRow>(
        &mut self,
        sql: &str,
        params: &[SqlValue],
    ) -> Result<Option<R>, sqlx::Error> {
        per_backend!(self, SqlConn, |c| bind_all(sqlx::query(sql), params)
            .fetch_optional(&mut **c)
            .await?
            .map(|row| R::from_row(&row))
            .transpose())
    }

    /// The one row, decoded as `R` (an error if there is none).
    pub async fn fetch_one<R: PortableRow>(
        &mut self,
        sql: &str,
        params: &[SqlValue],
    ) -> Result<R, sqlx::Error> {
        self.fetch_optional(sql, params)
            .await?
            .ok_or(sqlx::Error::RowNotFound)
    }

    /// Every row as portable [`Cells`].
    pub async fn fetch_cells(
        &mut self,
        sql: &str,
        params: &[SqlValue],
    ) -> Result<Vec<Cells>, sqlx::Error> {
        let rows: Vec<CellRow> = self.fetch_all(sql, params).await?;
        Ok(rows.into_iter().map(|r| r.0).collect())
    }
}

/// A connection taken from the store's pool (returned to it on drop).
#[derive(Debug)]
pub enum PooledConn {
    /// From the PostgreSQL pool.
    Postgres(PoolConnection<Postgres>),
    /// From the SQLite pool.
    Sqlite(PoolConnection<Sqlite>),
}

impl From<PoolConnection<Postgres>> for PooledConn {
    fn from(conn: PoolConnection<Postgres>) -> Self {
        Self::Postgres(conn)
    }
}

impl From<PoolConnection<Sqlite>> for PooledConn {
    fn from(conn: PoolConnection<Sqlite>) -> Self {
        Self::Sqlite(conn)
    }
}

impl PooledConn {
    /// The connection, to run statements on.
    pub fn conn(&mut self) -> SqlConn<'_> {
        per_backend!(self, PooledConn, |c| SqlConn::from(&mut **c))
    }
}

/// An open transaction on either database (rolled back on drop unless committed).
#[derive(Debug)]
pub enum SqlTx<'c> {
    /// PostgreSQL transaction.
    Postgres(Transaction<'c, Postgres>),
    /// SQLite transaction (begun with `BEGIN IMMEDIATE` where it will write).
    Sqlite(Transaction<'c, Sqlite>),
}

impl<'c> From<Transaction<'c, Postgres>> for SqlTx<'c> {
    fn from(tx: Transaction<'c, Postgres>) -> Self {
        Self::Postgres(tx)
    }
}

impl<'c> From<Transaction<'c, Sqlite>> for SqlTx<'c> {
    fn from(tx: Transaction<'c, Sqlite>) -> Self {
        Self::Sqlite(tx)
    }
}

impl SqlTx<'_> {
    /// Which database this transaction is on.
    pub fn backend(&self) -> Backend {
        match self {
            Self::Postgres(_) => Backend::Postgres,
            Self::Sqlite(_) => Backend::Sqlite,
        }
    }

    /// The transaction's connection, to run statements on.
    pub fn conn(&mut self) -> SqlConn<'_> {
        per_backend!(self, SqlTx, |tx| SqlConn::from(&mut **tx))
    }

    /// Runs one statement with `$n` parameters; returns the number of rows affected.
    pub async fn execute(&mut self, sql: &str, params: &[SqlValue]) -> Result<u64, sqlx::Error> {
        self.conn().execute(sql, params).await
    }

    /// Runs one or more statements without parameters (e.g. DDL in a projection's `setup`).
    pub async fn execute_script(&mut self, sql: &str) -> Result<(), sqlx::Error> {
        self.conn().execute_script(sql).await
    }

    /// First column of the first row as an integer, if there is a row (and it is not NULL).
    pub async fn fetch_optional_i64(
        &mut self,
        sql: &str,
        params: &[SqlValue],
    ) -> Result<Option<i64>, sqlx::Error> {
        self.first_column(sql, params).await
    }

    /// First column of the first row as text, if there is a row (and it is not NULL).
    pub async fn fetch_optional_string(
        &mut self,
        sql: &str,
        params: &[SqlValue],
    ) -> Result<Option<String>, sqlx::Error> {
        self.first_column(sql, params).await
    }

    /// First column of the first row as JSON (a `json`/`jsonb` column on PostgreSQL, a text
    /// column holding JSON on SQLite), if there is a row (and it is not NULL).
    pub async fn fetch_optional_json(
        &mut self,
        sql: &str,
        params: &[SqlValue],
    ) -> Result<Option<Value>, sqlx::Error> {
        self.first_column(sql, params).await
    }

    async fn first_column<T>(
        &mut self,
        sql: &str,
        params: &[SqlValue],
    ) -> Result<Option<T>, sqlx::Error>
    where
        (Option<T>,): PortableRow,
    {
        let row: Option<(Option<T>,)> = self.conn().fetch_optional(sql, params).await?;
        Ok(row.and_then(|(v,)| v))
    }

    /// Empties the given tables (`TRUNCATE` on PostgreSQL, `DELETE` on SQLite); the usual
    /// body of a projection's `reset`. Table names are trusted identifiers.
    pub async fn truncate(&mut self, tables: &[&str]) -> Result<(), sqlx::Error> {
        if tables.is_empty() {
            return Ok(());
        }
        let script = dialect::truncate(self.backend(), tables);
        self.execute_script(&script).await
    }

    /// Commits the transaction.
    pub(crate) async fn commit(self) -> Result<(), sqlx::Error> {
        per_backend!(self, SqlTx, |tx| tx.commit().await)
    }
}
