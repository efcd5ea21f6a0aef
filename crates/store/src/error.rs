//! Errors of the store layer.

use cqrs_es::persist::PersistenceError;
use cqrs_es::AggregateError;

/// Errors from connecting to, migrating or reading the store.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The database URL could not be understood.
    #[error("malformed database URL `{url}`: {reason}")]
    InvalidUrl {
        /// The URL, with any password removed.
        url: String,
        /// What is wrong with it.
        reason: String,
    },
    /// The database could not be reached (refused, timed out, unknown host, missing file...).
    #[error("database at `{url}` is unreachable: {source}")]
    Unreachable {
        /// The URL, with any password removed.
        url: String,
        /// The underlying error.
        #[source]
        source: sqlx::Error,
    },
    /// The database has migrations applied that this binary does not know: it was migrated
    /// by a newer release. Running against it could corrupt data, so the store refuses.
    #[error(
        "database schema is newer than this binary: database has migration {database_version}, \
         this binary knows up to {binary_version}; upgrade the binary"
    )]
    MigrationsNewerThanBinary {
        /// Highest migration version applied to the database.
        database_version: i64,
        /// Highest migration version embedded in this binary.
        binary_version: i64,
    },
    /// Applying migrations failed.
    #[error("migration failed: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    /// A database error.
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
    /// An event or snapshot could not be (de)serialised.
    #[error("serialization error: {0}")]
    Serialization(#[from] serde_json::Error),
    /// An error reported by the cqrs-es persistence layer.
    #[error("persistence error: {0}")]
    Persistence(String),
    /// A read model's tables could not be created.
    #[error("setting up read model {projection}: {reason}")]
    ReadModelSetup {
        /// The projection.
        projection: String,
        /// What failed.
        reason: String,
    },
    /// A projection with this name is not registered with the runner.
    #[error("unknown projection `{0}`")]
    UnknownProjection(String),
}

impl From<PersistenceError> for StoreError {
    fn from(err: PersistenceError) -> Self {
        Self::Persistence(err.to_string())
    }
}

/// Errors from executing a command.
#[derive(Debug, thiserror::Error)]
pub enum CommandError<E: std::error::Error> {
    /// The aggregate rejected the command (a business rule).
    #[error("command rejected: {0}")]
    Domain(E),
    /// The command carried an expected version and the aggregate is at another version.
    #[error("expected version {expected} but aggregate is at version {actual}")]
    VersionMismatch {
        /// The version the client expected.
        expected: usize,
        /// The version found.
        actual: usize,
    },
    /// Another writer committed to the same aggregate concurrently, and the retries allowed
    /// for commands without an expected version were used up (or the command carried an
    /// expected version, which a concurrent commit invalidated).
    #[error("concurrent modification of the aggregate (after {attempts} attempt(s))")]
    Conflict {
        /// How many times the command was tried.
        attempts: usize,
    },
    /// The command id was already used for a command on a different aggregate.
    #[error("command id `{command_id}` was already used on {aggregate_type}/{aggregate_id}")]
    CommandIdReused {
        /// The command id.
        command_id: String,
        /// Aggregate type of the first use.
        aggregate_type: String,
        /// Aggregate id of the first use.
        aggregate_id: String,
    },
    /// A storage failure.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Converts a cqrs-es error that is not a conflict or user error into a [`StoreError`].
pub(crate) fn aggregate_error_to_store<E: std::error::Error>(err: AggregateError<E>) -> StoreError {
    match err {
        AggregateError::DatabaseConnectionError(e)
        | AggregateError::DeserializationError(e)
        | AggregateError::UnexpectedError(e) => StoreError::Persistence(e.to_string()),
        other => StoreError::Persistence(other.to_string()),
    }
}

/// True if a sqlx error is a unique-constraint violation (PostgreSQL 23505, SQLite
/// `SQLITE_CONSTRAINT_UNIQUE` 2067 or `SQLITE_CONSTRAINT_PRIMARYKEY` 1555).
pub(crate) fn is_unique_violation(err: &sqlx::Error) -> bool {
    match err {
        sqlx::Error::Database(db) => {
            matches!(db.code().as_deref(), Some("23505" | "2067" | "1555"))
        }
        _ => false,
    }
}
