//! Portable SQL helpers: the same statement (with `$n` placeholders and [`SqlValue`]
//! parameters) runs inside a projection's [`ProjectionTx`] or on the store's pool, on
//! PostgreSQL and SQLite alike. Rows come back as [`Cell`]s so read code is written once.
//!
//! Portability rules used by every read-model table in this crate:
//! * instants are `BIGINT` microseconds since the Unix epoch (`*_us` columns): ordered,
//!   indexable and compared identically on both databases;
//! * dates are `TEXT` `YYYY-MM-DD` (lexicographic order is date order);
//! * booleans are `BOOLEAN` (SQLite stores 0/1 and sqlx decodes both);
//! * lists are JSON in `TEXT` columns.

use chrono::{DateTime, Utc};
use redress_store::{Backend, ProjectionTx, SqlValue, Store};
use sqlx::postgres::PgArguments;
use sqlx::query::Query;
use sqlx::sqlite::SqliteArguments;
use sqlx::{Column, Postgres, Row, Sqlite, TypeInfo, ValueRef};

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

/// One column value of a fetched row.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Null,
    Int(i64),
    Float(f64),
    Text(String),
    Bool(bool),
}

impl Cell {
    pub fn int(&self) -> Option<i64> {
        match self {
            Cell::Int(i) => Some(*i),
            Cell::Bool(b) => Some(i64::from(*b)),
            Cell::Float(f) => Some(*f as i64),
            Cell::Text(t) => t.parse().ok(),
            Cell::Null => None,
        }
    }
    pub fn int0(&self) -> i64 {
        self.int().unwrap_or(0)
    }
    pub fn text(&self) -> Option<String> {
        match self {
            Cell::Text(t) => Some(t.clone()),
            Cell::Int(i) => Some(i.to_string()),
            Cell::Float(f) => Some(f.to_string()),
            Cell::Bool(b) => Some(b.to_string()),
            Cell::Null => None,
        }
    }
    pub fn text0(&self) -> String {
        self.text().unwrap_or_default()
    }
    pub fn bool(&self) -> Option<bool> {
        match self {
            Cell::Bool(b) => Some(*b),
            Cell::Int(i) => Some(*i != 0),
            _ => None,
        }
    }
    pub fn time(&self) -> Option<DateTime<Utc>> {
        self.int().and_then(from_us)
    }
    /// As displayable text, for the personal-data scan in tests and for dumps.
    pub fn display(&self) -> String {
        self.text().unwrap_or_default()
    }
}

/// A fetched row.
pub type Cells = Vec<Cell>;

/// Microseconds since the epoch (the storage form of instants).
pub fn us(t: DateTime<Utc>) -> i64 {
    t.timestamp_micros()
}

/// The instant of a `*_us` column.
pub fn from_us(v: i64) -> Option<DateTime<Utc>> {
    DateTime::<Utc>::from_timestamp_micros(v)
}

/// An optional instant as a parameter.
pub fn us_opt(t: Option<DateTime<Utc>>) -> SqlValue {
    SqlValue::Int(t.map(us))
}

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

fn pg_cells(row: &sqlx::postgres::PgRow) -> Result<Cells, sqlx::Error> {
    let mut out = Vec::with_capacity(row.len());
    for i in 0..row.len() {
        if row.try_get_raw(i)?.is_null() {
            out.push(Cell::Null);
            continue;
        }
        let ty = row.column(i).type_info().name().to_ascii_uppercase();
        out.push(match ty.as_str() {
            "INT8" | "BIGINT" => Cell::Int(row.try_get::<i64, _>(i)?),
            "INT4" | "INT" | "INTEGER" => Cell::Int(i64::from(row.try_get::<i32, _>(i)?)),
            "INT2" | "SMALLINT" => Cell::Int(i64::from(row.try_get::<i16, _>(i)?)),
            "BOOL" | "BOOLEAN" => Cell::Bool(row.try_get::<bool, _>(i)?),
            "FLOAT8" | "FLOAT4" | "DOUBLE PRECISION" | "REAL" => {
                Cell::Float(row.try_get::<f64, _>(i)?)
            }
            "NUMERIC" => Cell::Text(
                row.try_get::<Option<String>, _>(i)
                    .unwrap_or_default()
                    .unwrap_or_default(),
            ),
            "JSON" | "JSONB" => Cell::Text(row.try_get::<serde_json::Value, _>(i)?.to_string()),
            _ => Cell::Text(row.try_get::<String, _>(i)?),
        });
    }
    Ok(out)
}

fn sqlite_cells(row: &sqlx::sqlite::SqliteRow) -> Result<Cells, sqlx::Error> {
    let mut out = Vec::with_capacity(row.len());
    for i in 0..row.len() {
        let raw = row.try_get_raw(i)?;
        if raw.is_null() {
            out.push(Cell::Null);
            continue;
        }
        let ty = raw.type_info().name().to_ascii_uppercase();
        out.push(match ty.as_str() {
            "INTEGER" | "BIGINT" | "INT8" | "BOOLEAN" | "INT" => {
                Cell::Int(row.try_get::<i64, _>(i)?)
            }
            "REAL" | "FLOAT" | "DOUBLE" => Cell::Float(row.try_get::<f64, _>(i)?),
            _ => Cell::Text(row.try_get::<String, _>(i)?),
        });
    }
    Ok(out)
}

/// Runs `sql` in a projection transaction and returns every row.
pub async fn tx_fetch(
    tx: &mut ProjectionTx<'_>,
    sql: &str,
    params: &[SqlValue],
) -> Result<Vec<Cells>, sqlx::Error> {
    match tx {
        ProjectionTx::Postgres(t) => {
            let mut q = sqlx::query(sql);
            for p in params {
                q = bind_pg(q, p);
            }
            q.fetch_all(&mut **t).await?.iter().map(pg_cells).collect()
        }
        ProjectionTx::Sqlite(t) => {
            let mut q = sqlx::query(sql);
            for p in params {
                q = bind_sqlite(q, p);
            }
            q.fetch_all(&mut **t)
                .await?
                .iter()
                .map(sqlite_cells)
                .collect()
        }
    }
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
        if let Some(pool) = self.store.pg_pool() {
            let mut q = sqlx::query(sql);
            for p in params {
                q = bind_pg(q, p);
            }
            return q.fetch_all(pool).await?.iter().map(pg_cells).collect();
        }
        if let Some(pool) = self.store.sqlite_pool() {
            let mut q = sqlx::query(sql);
            for p in params {
                q = bind_sqlite(q, p);
            }
            return q.fetch_all(pool).await?.iter().map(sqlite_cells).collect();
        }
        Err(sqlx::Error::Configuration("store has no pool".into()))
    }

    /// Runs one statement (DDL or a write outside projections, e.g. reactor bookkeeping).
    pub async fn execute(&self, sql: &str, params: &[SqlValue]) -> Result<u64, sqlx::Error> {
        if let Some(pool) = self.store.pg_pool() {
            let mut q = sqlx::query(sql);
            for p in params {
                q = bind_pg(q, p);
            }
            return Ok(q.execute(pool).await?.rows_affected());
        }
        if let Some(pool) = self.store.sqlite_pool() {
            let mut q = sqlx::query(sql);
            for p in params {
                q = bind_sqlite(q, p);
            }
            return Ok(q.execute(pool).await?.rows_affected());
        }
        Err(sqlx::Error::Configuration("store has no pool".into()))
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
