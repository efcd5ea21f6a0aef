//! Rows as portable values: [`Cell`]s for read code written once for both databases, and
//! [`PortableRow`] for typed tuples both drivers decode.

use chrono::{DateTime, Utc};
use sqlx::postgres::PgRow;
use sqlx::sqlite::SqliteRow;
use sqlx::{Column, FromRow, Row, TypeInfo, ValueRef};

use super::value::from_us;

/// A row type both drivers decode: tuples of `i64`, `bool`, `String`, `serde_json::Value`
/// and their `Option`s, read by column index.
pub trait PortableRow:
    for<'r> FromRow<'r, PgRow> + for<'r> FromRow<'r, SqliteRow> + Send + Unpin
{
}

impl<T> PortableRow for T where
    T: for<'r> FromRow<'r, PgRow> + for<'r> FromRow<'r, SqliteRow> + Send + Unpin
{
}

/// One column value of a fetched row.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    /// SQL NULL.
    Null,
    /// Any integer column (and `BOOLEAN` on SQLite).
    Int(i64),
    /// A floating-point column.
    Float(f64),
    /// Text, and what has no closer match (`NUMERIC`, JSON as text).
    Text(String),
    /// A PostgreSQL `BOOLEAN`.
    Bool(bool),
}

impl Cell {
    /// As an integer, converting where that is lossless enough for read models.
    pub fn int(&self) -> Option<i64> {
        match self {
            Cell::Int(i) => Some(*i),
            Cell::Bool(b) => Some(i64::from(*b)),
            Cell::Float(f) => Some(*f as i64),
            Cell::Text(t) => t.parse().ok(),
            Cell::Null => None,
        }
    }
    /// As an integer, 0 for NULL.
    pub fn int0(&self) -> i64 {
        self.int().unwrap_or(0)
    }
    /// As text.
    pub fn text(&self) -> Option<String> {
        match self {
            Cell::Text(t) => Some(t.clone()),
            Cell::Int(i) => Some(i.to_string()),
            Cell::Float(f) => Some(f.to_string()),
            Cell::Bool(b) => Some(b.to_string()),
            Cell::Null => None,
        }
    }
    /// As text, empty for NULL.
    pub fn text0(&self) -> String {
        self.text().unwrap_or_default()
    }
    /// As a boolean (SQLite stores 0/1).
    pub fn bool(&self) -> Option<bool> {
        match self {
            Cell::Bool(b) => Some(*b),
            Cell::Int(i) => Some(*i != 0),
            _ => None,
        }
    }
    /// The instant of a `*_us` column.
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

/// A row decoded into [`Cells`] by either driver.
pub(crate) struct CellRow(pub(crate) Cells);

impl FromRow<'_, PgRow> for CellRow {
    fn from_row(row: &PgRow) -> Result<Self, sqlx::Error> {
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
        Ok(Self(out))
    }
}

impl FromRow<'_, SqliteRow> for CellRow {
    fn from_row(row: &SqliteRow) -> Result<Self, sqlx::Error> {
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
        Ok(Self(out))
    }
}
