//! `redress migrate` and `redress projections status|rebuild`: operator commands that talk to
//! the database directly (no server needed), for deploy jobs and incident response.

use anyhow::{Context, Result};
use clap::{Args, Subcommand};
use redress_store::{Store, StoreConfig};

/// Which database to act on.
#[derive(Debug, Clone, Args)]
pub struct DatabaseArgs {
    /// `postgres://…` or `sqlite:…`; default the embedded SQLite file in the data directory.
    #[arg(long, env = "REDRESS_DATABASE_URL", hide_env_values = true)]
    database_url: Option<String>,
    /// Data directory of the embedded default.
    #[arg(long, env = "REDRESS_DATA_DIR", default_value = "redress-data")]
    data_dir: std::path::PathBuf,
}

impl DatabaseArgs {
    fn url(&self) -> String {
        self.database_url
            .clone()
            .unwrap_or_else(|| format!("sqlite://{}", self.data_dir.join("redress.db").display()))
    }
}

#[derive(Debug, Subcommand)]
pub enum ProjectionsCommand {
    /// Each projection's events applied and lag (events, and age of the oldest unapplied).
    Status {
        #[command(flatten)]
        db: DatabaseArgs,
        /// Also show how far this read replica's read models trail the primary.
        #[arg(long, env = "REDRESS_READ_DATABASE_URL", hide_env_values = true)]
        read_database_url: Option<String>,
    },
    /// Rebuilds a projection from zero; a running server picks the request up and replays
    /// every event into it while it keeps serving.
    Rebuild {
        /// The projection's name (see `status`).
        name: String,
        #[command(flatten)]
        db: DatabaseArgs,
    },
}

/// `redress migrate`: applies pending migrations and reports the schema version.
pub async fn migrate(args: DatabaseArgs) -> Result<()> {
    if let Some(dir) = args.database_url.is_none().then_some(&args.data_dir) {
        std::fs::create_dir_all(dir)
            .with_context(|| format!("cannot create data directory {}", dir.display()))?;
    }
    let store = Store::connect_and_migrate(StoreConfig::new(args.url())).await?;
    let version = store.database_schema_version().await?;
    println!(
        "database schema at migration {} ({:?})",
        version.unwrap_or(0),
        store.backend()
    );
    store.close().await;
    Ok(())
}

pub async fn projections(cmd: ProjectionsCommand) -> Result<()> {
    match cmd {
        ProjectionsCommand::Status {
            db,
            read_database_url,
        } => {
            let store = Store::connect(StoreConfig::new(db.url())).await?;
            let replica = match &read_database_url {
                Some(url) => {
                    let replica = Store::connect(StoreConfig::new(url.clone())).await?;
                    let lags = store.replica_lag(&replica).await?;
                    replica.close().await;
                    Some(lags)
                }
                None => None,
            };
            println!(
                "{:<28} {:>12} {:>10} {:>10} {:>8} {:>14}",
                "PROJECTION", "APPLIED", "LAG", "LAG_SECS", "REBUILD", "REPLICA_LAG"
            );
            for s in store.projection_status().await? {
                let on_replica = replica
                    .iter()
                    .flatten()
                    .find(|(name, _)| *name == s.name)
                    .map_or_else(
                        || "-".to_owned(),
                        |(_, (events, secs))| format!("{events} ({secs:.1}s)"),
                    );
                println!(
                    "{:<28} {:>12} {:>10} {:>10.1} {:>8} {:>14}",
                    s.name,
                    s.events_applied,
                    s.lag,
                    s.lag_seconds,
                    if s.rebuild_requested { "pending" } else { "-" },
                    on_replica
                );
            }
            store.close().await;
        }
        ProjectionsCommand::Rebuild { name, db } => {
            let store = Store::connect(StoreConfig::new(db.url())).await?;
            store.request_rebuild(&name).await?;
            println!("rebuild of {name} requested; the running server replays it from zero");
            store.close().await;
        }
    }
    Ok(())
}
