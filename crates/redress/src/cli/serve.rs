//! `redress serve`: the gRPC server. Zero configuration runs the embedded default (a data
//! directory `./redress-data`, a local token signing key, 127.0.0.1:50051); every setting
//! can come from a flag, a `REDRESS_*` environment variable or a config file, in that order
//! of precedence.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

use anyhow::{Context, Result};
use clap::Args;
use redress_api::auth::{LocalSigningKey, TokenVerifier};
use redress_api::calendar_service::CalendarsInForce;
use redress_api::server::{self, AppState, Limits};
use redress_calendar::{parse_overrides, Calendars};
use serde::Deserialize;
use tokio::net::TcpListener;

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
    /// Public keys (JWKS file) that verify tokens; without it the local signing key is used.
    #[arg(long, env = "REDRESS_JWKS_FILE")]
    jwks_file: Option<PathBuf>,
    /// Operator calendar overrides (TOML).
    #[arg(long, env = "REDRESS_CALENDAR_OVERRIDES")]
    calendar_overrides: Option<PathBuf>,
    /// Request timeout in seconds.
    #[arg(long, env = "REDRESS_REQUEST_TIMEOUT_SECS")]
    request_timeout_secs: Option<u64>,
}

/// The config file's shape: the same settings as the flags.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileConfig {
    listen: Option<SocketAddr>,
    data_dir: Option<PathBuf>,
    jwks_file: Option<PathBuf>,
    calendar_overrides: Option<PathBuf>,
    request_timeout_secs: Option<u64>,
}

/// Settings after layering defaults, file, environment and flags.
#[derive(Debug)]
pub struct Settings {
    pub listen: SocketAddr,
    pub data_dir: PathBuf,
    pub jwks_file: Option<PathBuf>,
    pub calendar_overrides: Option<PathBuf>,
    pub limits: Limits,
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
            jwks_file: self.jwks_file.or(file.jwks_file),
            calendar_overrides: self.calendar_overrides.or(file.calendar_overrides),
            limits,
        })
    }
}

fn verifier(settings: &Settings) -> Result<TokenVerifier> {
    Ok(match &settings.jwks_file {
        Some(path) => TokenVerifier::from_jwks_file(path)?,
        None => {
            let key = LocalSigningKey::load_or_create(&settings.data_dir)?;
            tracing::info!(data_dir = %settings.data_dir.display(), "tokens verified with the local signing key; mint one with `redress token`");
            key.verifier()?
        }
    })
}

fn calendars(settings: &Settings) -> Result<Calendars> {
    let adjustments = match &settings.calendar_overrides {
        Some(path) => {
            let text = std::fs::read_to_string(path)
                .with_context(|| format!("cannot read calendar overrides {}", path.display()))?;
            parse_overrides(&text).with_context(|| format!("in {}", path.display()))?
        }
        None => Vec::new(),
    };
    Ok(Calendars::with_adjustments(&adjustments))
}

pub async fn run(args: ServeArgs) -> Result<()> {
    let settings = args.settings()?;
    std::fs::create_dir_all(&settings.data_dir).with_context(|| {
        format!(
            "cannot create data directory {}",
            settings.data_dir.display()
        )
    })?;
    let verifier = Arc::new(verifier(&settings)?);
    let state = AppState {
        calendars: CalendarsInForce::new(calendars(&settings)?),
    };
    let listener = TcpListener::bind(settings.listen)
        .await
        .with_context(|| format!("cannot listen on {}", settings.listen))?;
    tracing::info!(addr = %listener.local_addr()?, "redress serving gRPC");
    let health = tonic_health::server::health_reporter();
    server::serve(
        listener,
        verifier,
        state,
        settings.limits,
        health,
        shutdown_signal(),
    )
    .await?;
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
