//! Typed parameters ([`SqlValue`]) and how each database binds them; the storage form of
//! instants in read models (microseconds, [`us`]).

use chrono::{DateTime, Utc};
use serde_json::Value;
use sqlx::query::Query;
use sqlx::{Database, Encode, Type};

/// A typed SQL parameter usable on both databases. `None` is a NULL of that type (so a NULL
/// has a type on PostgreSQL).
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

/// Binds `params` in order. Generic so that it is written once; the bounds hold for
/// PostgreSQL and SQLite, the only databases it is called with.
pub(crate) fn bind_all<'q, DB>(
    mut query: Query<'q, DB, <DB as Database>::Arguments<'q>>,
    params: &'q [SqlValue],
) -> Query<'q, DB, <DB as Database>::Arguments<'q>>
where
    DB: Database,
    Option<bool>: Encode<'q, DB> + Type<DB>,
    Option<i64>: Encode<'q, DB> + Type<DB>,
    Option<f64>: Encode<'q, DB> + Type<DB>,
    Option<&'q str>: Encode<'q, DB> + Type<DB>,
    &'q Option<Value>: Encode<'q, DB> + Type<DB>,
    Option<DateTime<Utc>>: Encode<'q, DB> + Type<DB>,
{
    for v in params {
        query = match v {
            SqlValue::Bool(x) => query.bind(*x),
            SqlValue::Int(x) => query.bind(*x),
            SqlValue::Float(x) => query.bind(*x),
            SqlValue::Text(x) => query.bind(x.as_deref()),
            SqlValue::Json(x) => query.bind(x),
            SqlValue::Timestamp(x) => query.bind(*x),
        };
    }
    query
}

/// Microseconds since the epoch (the storage form of instants in read models).
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
