//! Every statement of the store whose text differs between PostgreSQL and SQLite, side by
//! side. Statements that are the same on both live with the code that owns their table.

use crate::store::Backend;

/// One statement in each database's dialect. Both texts take the same parameters; a dialect
/// may leave some unused (SQLite's feed has no transaction ids, so it skips `$1`: sqlx binds
/// SQLite's `$n` by number).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Dialect {
    /// The PostgreSQL text.
    pub postgres: &'static str,
    /// The SQLite text.
    pub sqlite: &'static str,
}

impl Dialect {
    /// The text for `backend`.
    pub fn on(self, backend: Backend) -> &'static str {
        match backend {
            Backend::Postgres => self.postgres,
            Backend::Sqlite => self.sqlite,
        }
    }
}

/// Whether migrations have ever run (the migrations table exists): one boolean.
pub(crate) const MIGRATIONS_TABLE_EXISTS: Dialect = Dialect {
    postgres: "SELECT to_regclass('_sqlx_migrations') IS NOT NULL",
    sqlite: "SELECT count(*) FROM sqlite_master WHERE type = 'table' \
             AND name = '_sqlx_migrations'",
};

/// The global feed after `($1 txid, $2 position)`, at most `$3` events, in the gap-free
/// order (see `feed.rs`). The PostgreSQL alias matters: an output column named `txid`
/// would make `ORDER BY txid` sort by the bigint expression instead of walking the
/// `(txid, position)` index.
pub(crate) const FEED_READ: Dialect = Dialect {
    postgres: "SELECT events.txid::text::bigint AS txid_i64, events.position, \
        aggregate_type, aggregate_id, sequence, event_type, event_version, payload, metadata \
        FROM events \
        WHERE (events.txid, events.position) > ($1::text::xid8, $2) \
          AND events.txid < pg_snapshot_xmin(pg_current_snapshot()) \
        ORDER BY events.txid, events.position LIMIT $3",
    sqlite: "SELECT 0, position, aggregate_type, aggregate_id, sequence, \
        event_type, event_version, payload, metadata FROM events \
        WHERE position > $2 ORDER BY position LIMIT $3",
};

/// Whether any event is stored after `($1 txid, $2 position)`, readable yet or not.
pub(crate) const FEED_ANY_AFTER: Dialect = Dialect {
    postgres: "SELECT EXISTS (SELECT 1 FROM events \
        WHERE (txid, position) > ($1::text::xid8, $2))",
    sqlite: "SELECT EXISTS (SELECT 1 FROM events WHERE position > $2)",
};

/// How many events are stored after `($1 txid, $2 position)`.
pub(crate) const FEED_COUNT_AFTER: Dialect = Dialect {
    postgres: "SELECT count(*) FROM events WHERE (txid, position) > ($1::text::xid8, $2)",
    sqlite: "SELECT count(*) FROM events WHERE position > $2",
};

/// The `recorded_at` metadata of the first event after `($1 txid, $2 position)`.
pub(crate) const FEED_FIRST_RECORDED_AFTER: Dialect = Dialect {
    postgres: "SELECT metadata->>'recorded_at' FROM events \
        WHERE (txid, position) > ($1::text::xid8, $2) ORDER BY txid, position LIMIT 1",
    sqlite: "SELECT json_extract(metadata, '$.recorded_at') FROM events \
        WHERE position > $2 ORDER BY position LIMIT 1",
};

/// How SQLite begins a transaction that will write: `BEGIN IMMEDIATE` takes the single
/// write lock up front (waiting up to the busy timeout) instead of failing when a read lock
/// is upgraded. PostgreSQL needs nothing beyond `BEGIN`.
pub(crate) const SQLITE_BEGIN_WRITE: &str = "BEGIN IMMEDIATE";

/// Empties `tables` (trusted identifiers): `TRUNCATE` on PostgreSQL, `DELETE` on SQLite.
pub(crate) fn truncate(backend: Backend, tables: &[&str]) -> String {
    match backend {
        Backend::Postgres => format!("TRUNCATE {}", tables.join(", ")),
        Backend::Sqlite => tables
            .iter()
            .map(|t| format!("DELETE FROM {t};"))
            .collect::<String>(),
    }
}
