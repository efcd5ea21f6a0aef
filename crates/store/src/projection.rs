//! Projections: durable catch-up subscribers that maintain read-model tables.
//!
//! ## Writing SQL for both databases: [`ProjectionTx`]
//! A projection receives a [`ProjectionTx`], an enum over an open
//! `sqlx::Transaction<Postgres>` and `sqlx::Transaction<Sqlite>`. The runner stores the
//! projection's checkpoint in that same transaction after [`Projection::apply`] returns,
//! so read-model writes and checkpoint commit or vanish together.
//!
//! Most projection SQL can be written once: both databases accept `$1, $2, …` placeholders,
//! `INSERT … ON CONFLICT (…) DO UPDATE SET x = excluded.x`, `DELETE`, and ordinary
//! `SELECT`s. Parameters are passed as [`SqlValue`]s (typed, so a NULL has a type on
//! PostgreSQL), e.g.
//!
//! ```ignore
//! tx.execute(
//!     "INSERT INTO complaint_counts (team, open) VALUES ($1, 1) \
//!      ON CONFLICT (team) DO UPDATE SET open = complaint_counts.open + 1",
//!     &[team.into()],
//! ).await?;
//! ```
//!
//! Where dialects differ (`TRUNCATE` vs `DELETE`, `jsonb` operators, `RETURNING` types…)
//! branch on [`ProjectionTx::backend`], or match the enum to get the raw sqlx transaction
//! and use `sqlx::query`/`query_as` directly. We chose the enum over `sqlx::Any` because
//! `Any` does not support the `json`, `chrono` and `uuid` types read models need, and the
//! enum keeps the full native API one `match` away.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use serde_json::Value;
use sqlx::postgres::PgArguments;
use sqlx::query::Query;
use sqlx::sqlite::SqliteArguments;
use sqlx::{Postgres, Row, Sqlite, Transaction};

use crate::feed::StoredEvent;
use crate::store::Backend;

/// Error a projection may return; the batch is rolled back and retried after a back-off.
pub type ProjectionError = Box<dyn std::error::Error + Send + Sync + 'static>;

/// A read model kept up to date from the global event feed.
///
/// Implementations must be deterministic functions of the events they are given: the
/// runner may re-deliver a batch whose transaction rolled back, and a rebuild replays
/// everything from the start.
#[async_trait]
pub trait Projection: Send + Sync + 'static {
    /// Unique, stable name; the key of its checkpoint and lock. Changing it means a rebuild.
    fn name(&self) -> &str;

    /// Called once each time a runner takes over the projection, before any batch (in its
    /// own transaction): e.g. `CREATE TABLE IF NOT EXISTS`. Default: nothing.
    async fn setup(&self, _tx: &mut ProjectionTx<'_>) -> Result<(), ProjectionError> {
        Ok(())
    }

    /// Applies a batch of events (in global order, consistent with each aggregate's
    /// sequence) to the read model, using only `tx`.
    async fn apply(
        &self,
        tx: &mut ProjectionTx<'_>,
        events: &[StoredEvent],
    ) -> Result<(), ProjectionError>;

    /// Empties the read model for a rebuild from zero (same transaction as the checkpoint
    /// reset).
    async fn reset(&self, tx: &mut ProjectionTx<'_>) -> Result<(), ProjectionError>;
}

/// A typed SQL parameter usable on both databases. `None` is a NULL of that type.
#[derive(Debug, Clone, PartialEq)]
pub enum SqlValue {
    /// `boolean` (PostgreSQL) / integer 0-1 (SQLite).
    Bool(Option<bool>),
    /// `bigint` / `integer`.
    Int(Option<i64>),
    /// `double precision` / `real`.
    Float(Option<f64>),
    /// `text`.
    Text(Option<String>),
    /// `json`/`jsonb` (PostgreSQL) / `text` (SQLite).
    Json(Option<Value>),
    /// `timestamptz` / RFC 3339 `text`.
    Timestamp(Option<DateTime<Utc>>),
}

macro_rules! sql_value_from {
    ($t:ty, $v:ident, $conv:expr) => {
        impl From<$t> for SqlValue {
            fn from(x: $t) -> Self {
                SqlValue::$v(Some($conv(x)))
            }
        }
        impl From<Option<$t>> for SqlValue {
            fn from(x: Option<$t>) -> Self {
                SqlValue::$v(x.map($conv))
            }
        }
    };
}
sql_value_from!(bool, Bool, |x| x);
sql_value_from!(i64, Int, |x| x);
sql_value_from!(i32, Int, i64::from);
sql_value_from!(u32, Int, i64::from);
sql_value_from!(f64, Float, |x| x);
sql_value_from!(String, Text, |x| x);
sql_value_from!(&str, Text, |x: &str| x.to_string());
sql_value_from!(Value, Json, |x| x);
sql_value_from!(DateTime<Utc>, Timestamp, |x| x);

fn bind_pg<'q>(
    q: Query<'q, Postgres, PgArguments>,
    v: &'q SqlValue,
) -> Query<'q, Postgres, PgArguments> {
    match v {
        SqlValue::Bool(x) => q.bind(*x),
        SqlValue::Int(x) => q.bind(*x),
        SqlValue::Float(x) => q.bind(*x),
        SqlValue::Text(x) => q.bind(x.as_deref()),
        SqlValue::Json(x) => q.bind(x),
        SqlValue::Timestamp(x) => q.bind(*x),
    }
}

fn bind_sqlite<'q>(
    q: Query<'q, Sqlite, SqliteArguments<'q>>,
    v: &'q SqlValue,
) -> Query<'q, Sqlite, SqliteArguments<'q>> {
    match v {
        SqlValue::Bool(x) => q.bind(*x),
        SqlValue::Int(x) => q.bind(*x),
        SqlValue::Float(x) => q.bind(*x),
        SqlValue::Text(x) => q.bind(x.as_deref()),
        SqlValue::Json(x) => q.bind(x),
        SqlValue::Timestamp(x) => q.bind(*x),
    }
}

/// An open read-model transaction on either database; see the module docs.
#[derive(Debug)]
pub enum ProjectionTx<'c> {
    /// PostgreSQL transaction.
    Postgres(Transaction<'c, Postgres>),
    /// SQLite transaction (begun with `BEGIN IMMEDIATE`).
    Sqlite(Transaction<'c, Sqlite>),
}

macro_rules! run_query {
    ($self:ident, $sql:ident, $params:ident, |$q:ident, $conn:ident| $body:expr) => {
        match $self {
            ProjectionTx::Postgres(tx) => {
                let mut $q = sqlx::query($sql);
                for p in $params {
                    $q = bind_pg($q, p);
                }
                let $conn = &mut **tx;
                $body
            }
            ProjectionTx::Sqlite(tx) => {
                let mut $q = sqlx::query($sql);
                for p in $params {
                    $q = bind_sqlite($q, p);
                }
                let $conn = &mut **tx;
                $body
            }
        }
    };
}

impl ProjectionTx<'_> {
    /// Which database this transaction is on.
    pub fn backend(&self) -> Backend {
        match self {
            Self::Postgres(_) => Backend::Postgres,
            Self::Sqlite(_) => Backend::Sqlite,
        }
    }

    /// Runs one statement with `$n` parameters; returns the number of rows affected.
    pub async fn execute(&mut self, sql: &str, params: &[SqlValue]) -> Result<u64, sqlx::Error> {
        run_query!(self, sql, params, |q, conn| Ok(q
            .execute(conn)
            .await?
            .rows_affected()))
    }

    /// Runs one or more statements without parameters (e.g. DDL in [`Projection::setup`]).
    pub async fn execute_script(&mut self, sql: &str) -> Result<(), sqlx::Error> {
        use sqlx::Executor;
        match self {
            Self::Postgres(tx) => {
                (&mut **tx).execute(sql).await?;
            }
            Self::Sqlite(tx) => {
                (&mut **tx).execute(sql).await?;
            }
        }
        Ok(())
    }

    /// First column of the first row as an integer, if there is a row (and it is not NULL).
    pub async fn fetch_optional_i64(
        &mut self,
        sql: &str,
        params: &[SqlValue],
    ) -> Result<Option<i64>, sqlx::Error> {
        run_query!(
            self,
            sql,
            params,
            |q, conn| match q.fetch_optional(conn).await? {
                Some(row) => row.try_get::<Option<i64>, _>(0),
                None => Ok(None),
            }
        )
    }

    /// First column of the first row as text, if there is a row (and it is not NULL).
    pub async fn fetch_optional_string(
        &mut self,
        sql: &str,
        params: &[SqlValue],
    ) -> Result<Option<String>, sqlx::Error> {
        run_query!(
            self,
            sql,
            params,
            |q, conn| match q.fetch_optional(conn).await? {
                Some(row) => row.try_get::<Option<String>, _>(0),
                None => Ok(None),
            }
        )
    }

    /// First column of the first row as JSON (a `json`/`jsonb` column on PostgreSQL, a text
    /// column holding JSON on SQLite), if there is a row (and it is not NULL).
    pub async fn fetch_optional_json(
        &mut self,
        sql: &str,
        params: &[SqlValue],
    ) -> Result<Option<Value>, sqlx::Error> {
        run_query!(
            self,
            sql,
            params,
            |q, conn| match q.fetch_optional(conn).await? {
                Some(row) => row.try_get::<Option<Value>, _>(0),
                None => Ok(None),
            }
        )
    }

    /// Empties the given read-model tables (`TRUNCATE` on PostgreSQL, `DELETE` on SQLite);
    /// the usual body of [`Projection::reset`]. Table names are trusted identifiers.
    pub async fn truncate(&mut self, tables: &[&str]) -> Result<(), sqlx::Error> {
        if tables.is_empty() {
            return Ok(());
        }
        let script = match self {
            Self::Postgres(_) => format!("TRUNCATE {}", tables.join(", ")),
            Self::Sqlite(_) => tables
                .iter()
                .map(|t| format!("DELETE FROM {t};"))
                .collect::<String>(),
        };
        self.execute_script(&script).await
    }

    pub(crate) async fn commit(self) -> Result<(), sqlx::Error> {
        match self {
            Self::Postgres(tx) => tx.commit().await,
            Self::Sqlite(tx) => tx.commit().await,
        }
    }
}
