//! The running application: settings in, a listening gRPC server with its store, health
//! monitoring and token verification out. `redress serve` and the end-to-end tests both
//! start Redress through [`Application::build`], so tests exercise the real wiring (bind
//! port 0 to let the OS pick a free port).

use std::future::Future;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use anyhow::{Context, Result};
use redress_api::auth::{LocalSigningKey, TokenVerifier};
use redress_api::server::{self, AppState, Limits};
use redress_api::services_in_force::ServicesInForce;
use redress_calendar::{parse_overrides, Calendars};
use redress_domain::{DomainServices, PolicyBook};
use redress_store::{Store, StoreConfig};
use tokio::net::TcpListener;
use tonic_health::server::HealthReporter;
use tonic_health::ServingStatus;

/// Everything `redress serve` can be told.
#[derive(Debug, Clone)]
pub struct Settings {
    pub listen: SocketAddr,
    pub data_dir: PathBuf,
    /// `postgres://…` or `sqlite:…`; `None` is the embedded default in the data directory.
    pub database_url: Option<String>,
    pub jwks_file: Option<PathBuf>,
    pub calendar_overrides: Option<PathBuf>,
    pub limits: Limits,
}

impl Settings {
    /// The embedded default: SQLite in `data_dir`, local signing key, loopback.
    pub fn embedded(data_dir: impl Into<PathBuf>, listen: SocketAddr) -> Settings {
        Settings {
            listen,
            data_dir: data_dir.into(),
            database_url: None,
            jwks_file: None,
            calendar_overrides: None,
            limits: Limits::default(),
        }
    }

    pub fn database_url(&self) -> String {
        self.database_url
            .clone()
            .unwrap_or_else(|| format!("sqlite://{}", self.data_dir.join("redress.db").display()))
    }
}

/// A built application, bound to its port but not yet serving.
#[derive(Debug)]
pub struct Application {
    listener: TcpListener,
    verifier: Arc<TokenVerifier>,
    state: AppState,
    limits: Limits,
}

impl Application {
    /// Creates the data directory, connects to the database and applies migrations, loads
    /// keys and calendars, and binds the listener.
    pub async fn build(settings: Settings) -> Result<Application> {
        std::fs::create_dir_all(&settings.data_dir).with_context(|| {
            format!(
                "cannot create data directory {}",
                settings.data_dir.display()
            )
        })?;
        let verifier = Arc::new(verifier(&settings)?);
        let store = Store::connect_and_migrate(StoreConfig::new(settings.database_url())).await?;
        let services = ServicesInForce::new(DomainServices::new(
            PolicyBook::default(),
            calendars(&settings)?,
        ));
        let listener = TcpListener::bind(settings.listen)
            .await
            .with_context(|| format!("cannot listen on {}", settings.listen))?;
        Ok(Application {
            listener,
            verifier,
            state: AppState { store, services },
            limits: settings.limits,
        })
    }

    pub fn local_addr(&self) -> Result<SocketAddr> {
        Ok(self.listener.local_addr()?)
    }

    pub fn store(&self) -> &Store {
        &self.state.store
    }

    /// Serves until `shutdown` resolves; in-flight requests finish first.
    pub async fn run(self, shutdown: impl Future<Output = ()> + Send) -> Result<()> {
        let (reporter, health_service) = tonic_health::server::health_reporter();
        let monitor = tokio::spawn(monitor_database(self.state.store.clone(), reporter.clone()));
        tracing::info!(addr = %self.listener.local_addr()?, backend = ?self.state.store.backend(), "redress serving gRPC");
        let result = server::serve(
            self.listener,
            self.verifier,
            self.state.clone(),
            self.limits,
            (reporter, health_service),
            shutdown,
        )
        .await;
        monitor.abort();
        self.state.store.close().await;
        result.context("gRPC server failed")
    }
}

/// Reports NOT_SERVING while the database does not answer, SERVING again when it does.
async fn monitor_database(store: Store, reporter: HealthReporter) {
    let mut serving = true;
    loop {
        tokio::time::sleep(Duration::from_secs(2)).await;
        let ok = tokio::time::timeout(Duration::from_secs(2), store.database_schema_version())
            .await
            .is_ok_and(|r| r.is_ok());
        if ok != serving {
            serving = ok;
            let status = if ok {
                ServingStatus::Serving
            } else {
                ServingStatus::NotServing
            };
            tracing::warn!(database_reachable = ok, "database health changed");
            reporter.set_service_status("", status).await;
        }
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
