//! `redress serve`: the gRPC server. Zero configuration runs the embedded default (a data
//! directory `./redress-data`, a local token signing key, 127.0.0.1:50051); every setting
//! can come from a flag, a `REDRESS_*` environment variable or a config file, in that order
//! of precedence.

use std::net::SocketAddr;
use std::path::PathBuf;

use anyhow::{Context, Result};
use clap::Args;
use redress_api::Limits;
use serde::Deserialize;

use crate::app::{default_instance, Application, ServerRole, Settings};
use crate::observability::{self, LogFormat, OtlpSettings};

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Config file (TOML) with any of the settings below; flags and env win over it.
    #[arg(long, env = "REDRESS_CONFIG")]
    config: Option<PathBuf>,
    /// Address to listen on.
    #[arg(long, env = "REDRESS_LISTEN")]
    listen: Option<SocketAddr>,
    /// Directory for the embedded database and the local signing key.
    #[arg(long, env = "REDRESS_DATA_DIR")]
    data_dir: Option<PathBuf>,
    /// Database: `postgres://…` (production) or `sqlite:…`; default a SQLite file in the
    /// data directory.
    #[arg(long, env = "REDRESS_DATABASE_URL", hide_env_values = true)]
    database_url: Option<String>,
    /// Public keys (JWKS file) that verify tokens; without it the local signing key is used.
    #[arg(long, env = "REDRESS_JWKS_FILE")]
    jwks_file: Option<PathBuf>,
    /// Operator calendar overrides (TOML).
    #[arg(long, env = "REDRESS_CALENDAR_OVERRIDES")]
    calendar_overrides: Option<PathBuf>,
    /// SLA policy file (SPEC D8), repeatable: every version complaints were received under
    /// must stay loaded; the last one given is current for new complaints.
    #[arg(
        long = "policy-file",
        env = "REDRESS_POLICY_FILE",
        value_delimiter = ','
    )]
    policy_files: Vec<PathBuf>,
    /// Serve Prometheus metrics at /metrics on this address (e.g. 0.0.0.0:9464).
    #[arg(long, env = "REDRESS_METRICS_LISTEN")]
    metrics_listen: Option<SocketAddr>,
    /// Request timeout in seconds.
    #[arg(long, env = "REDRESS_REQUEST_TIMEOUT_SECS")]
    request_timeout_secs: Option<u64>,
    /// A PostgreSQL read replica of the database: reports and ListComplaints query their
    /// read models there (projection status then shows how far it trails the primary).
    #[arg(long, env = "REDRESS_READ_DATABASE_URL", hide_env_values = true)]
    read_database_url: Option<String>,
    /// `read-write` (default) or `reporting`: a reporting replica answers reads only,
    /// refuses commands, runs no projections and never migrates.
    #[arg(long, env = "REDRESS_ROLE", value_enum)]
    role: Option<ServerRole>,
    /// This replica's name in logs and PostgreSQL's application_name (default: $HOSTNAME).
    #[arg(long, env = "REDRESS_INSTANCE")]
    instance: Option<String>,
    /// Export OpenTelemetry traces over OTLP/gRPC to this collector (e.g.
    /// http://otel-collector:4317); without it none are exported.
    #[arg(long, env = "REDRESS_OTLP_ENDPOINT")]
    otlp_endpoint: Option<String>,
    /// Fraction of new traces exported (0.0–1.0, default 1); callers' decisions are kept.
    #[arg(long, env = "REDRESS_OTLP_SAMPLE_RATIO")]
    otlp_sample_ratio: Option<f64>,
}

/// The config file's shape: the same settings as the flags.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileConfig {
    listen: Option<SocketAddr>,
    data_dir: Option<PathBuf>,
    database_url: Option<String>,
    jwks_file: Option<PathBuf>,
    calendar_overrides: Option<PathBuf>,
    #[serde(default)]
    policy_files: Vec<PathBuf>,
    metrics_listen: Option<SocketAddr>,
    request_timeout_secs: Option<u64>,
    read_database_url: Option<String>,
    role: Option<ServerRole>,
    instance: Option<String>,
    otlp_endpoint: Option<String>,
    otlp_sample_ratio: Option<f64>,
}

impl ServeArgs {
    fn settings(self) -> Result<Settings> {
        let file: FileConfig = match &self.config {
            Some(path) => {
                let text = std::fs::read_to_string(path)
                    .with_context(|| format!("cannot read config file {}", path.display()))?;
                toml::from_str(&text)
                    .with_context(|| format!("in config file {}", path.display()))?
            }
            None => FileConfig::default(),
        };
        let mut limits = Limits::default();
        if let Some(secs) = self.request_timeout_secs.or(file.request_timeout_secs) {
            limits.request_timeout = std::time::Duration::from_secs(secs.max(1));
        }
        Ok(Settings {
            listen: self
                .listen
                .or(file.listen)
                .unwrap_or_else(|| SocketAddr::from(([127, 0, 0, 1], 50051))),
            data_dir: self
                .data_dir
                .or(file.data_dir)
                .unwrap_or_else(|| PathBuf::from("redress-data")),
            database_url: self.database_url.or(file.database_url),
            jwks_file: self.jwks_file.or(file.jwks_file),
            calendar_overrides: self.calendar_overrides.or(file.calendar_overrides),
            metrics_listen: self.metrics_listen.or(file.metrics_listen),
            policy_files: if self.policy_files.is_empty() {
                file.policy_files
            } else {
                self.policy_files
            },
            limits,
            read_database_url: self.read_database_url.or(file.read_database_url),
            role: self.role.or(file.role).unwrap_or_default(),
            instance: self
                .instance
                .or(file.instance)
                .unwrap_or_else(default_instance),
            // Empty means off, so deploy files can pass the variable through unset.
            otlp: self
                .otlp_endpoint
                .or(file.otlp_endpoint)
                .filter(|endpoint| !endpoint.trim().is_empty())
                .map(|endpoint| OtlpSettings {
                    endpoint,
                    sample_ratio: self
                        .otlp_sample_ratio
                        .or(file.otlp_sample_ratio)
                        .unwrap_or(1.0),
                }),
        })
    }
}

/// Runs the server until ctrl-c or SIGTERM. The settings decide whether traces are
/// exported, so logging starts after they are read; the exporter is flushed after the
/// server has stopped.
pub async fn run(args: ServeArgs, log_format: LogFormat) -> Result<()> {
    let settings = args.settings()?;
    let traces = observability::start(log_format, settings.otlp.as_ref())?;
    let result = serve(settings).await;
    if let Some(traces) = traces {
        traces.shutdown().await;
    }
    result
}

async fn serve(settings: Settings) -> Result<()> {
    let app = Application::build(settings).await?;
    app.run(shutdown_signal()).await?;
    tracing::info!("shut down cleanly");
    Ok(())
}

/// Resolves on ctrl-c or SIGTERM.
async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = term => {},
    }
    tracing::info!("shutdown signal received; finishing in-flight requests");
}
