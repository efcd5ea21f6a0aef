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
use redress_api::ServicesInForce;
use redress_api::{AppState, Limits};
use redress_api::{LocalSigningKey, TokenVerifier};
use redress_calendar::{parse_overrides, Adjustment, Calendars};
use redress_domain::{DomainServices, Policy, PolicyBook};
use redress_projections::calendar::adjustments;
use redress_projections::{all_projections, spawn_calendar_reactor, Reader};
use redress_store::{ProjectionRunner, RunnerConfig, Store, StoreConfig};
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
    /// Where Prometheus scrapes `/metrics`; none serves no metrics.
    pub metrics_listen: Option<SocketAddr>,
    /// Policy files (SPEC D8) loaded beside the shipped default; the last is current.
    pub policy_files: Vec<PathBuf>,
    pub limits: Limits,
    /// A PostgreSQL read replica of the database that read-model queries (reports,
    /// ListComplaints) go to; `None` reads from the primary.
    pub read_database_url: Option<String>,
    /// Read-write (commands, projections, calendar reactor) or reporting (reads only).
    pub role: ServerRole,
    /// This replica's name in logs, projection leases and PostgreSQL's `application_name`.
    pub instance: String,
    /// Where OpenTelemetry traces go; none exports none. Installed by `main` with the
    /// logging, not by [`Application`].
    pub otlp: Option<crate::observability::OtlpSettings>,
}

/// What a replica does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ServerRole {
    /// Takes commands, runs its share of the projections and the calendar reactor.
    #[default]
    ReadWrite,
    /// Answers reads only (typically from `read_database_url`); refuses commands with
    /// FAILED_PRECONDITION, runs no projections and never migrates the database.
    Reporting,
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
            policy_files: Vec::new(),
            metrics_listen: None,
            limits: Limits::default(),
            read_database_url: None,
            role: ServerRole::ReadWrite,
            instance: default_instance(),
            otlp: None,
        }
    }

    pub fn database_url(&self) -> String {
        self.database_url
            .clone()
            .unwrap_or_else(|| format!("sqlite://{}", self.data_dir.join("redress.db").display()))
    }
}

/// The host name (a pod's name on Kubernetes), else `redress`.
pub fn default_instance() -> String {
    std::env::var("HOSTNAME")
        .ok()
        .filter(|h| !h.trim().is_empty())
        .unwrap_or_else(|| "redress".to_owned())
}

/// The store settings every connection of this replica shares.
fn store_config(url: String, instance: &str) -> StoreConfig {
    let mut config = StoreConfig::new(url);
    config.application_name = Some(format!("redress:{instance}"));
    config
}

/// A built application, bound to its port but not yet serving.
#[derive(Debug)]
pub struct Application {
    listener: TcpListener,
    verifier: Arc<TokenVerifier>,
    state: AppState,
    limits: Limits,
    /// Adjustments from the operator's overrides file; recorded adjustments come on top.
    file_adjustments: Vec<Adjustment>,
    metrics: bool,
    role: ServerRole,
    instance: String,
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
        let config = store_config(settings.database_url(), &settings.instance);
        // Reporting replicas never migrate: the read-write replicas own the schema.
        let store = match settings.role {
            ServerRole::ReadWrite => Store::connect_and_migrate(config).await?,
            ServerRole::Reporting => Store::connect(config).await?,
        };
        let reads = match &settings.read_database_url {
            Some(url) => Store::connect(store_config(url.clone(), &settings.instance))
                .await
                .context("cannot open the read replica (--read-database-url)")?,
            None => store.clone(),
        };
        let file_adjustments = file_adjustments(&settings)?;
        let recorded = recorded_adjustments(&store).await.unwrap_or_default();
        let services = ServicesInForce::new(DomainServices::new(
            policy_book(&settings.policy_files)?,
            Calendars::with_adjustments(&[file_adjustments.clone(), recorded].concat()),
        ));
        if let Some(addr) = settings.metrics_listen {
            crate::observability::serve_metrics(addr)?;
        }
        let listener = TcpListener::bind(settings.listen)
            .await
            .with_context(|| format!("cannot listen on {}", settings.listen))?;
        Ok(Application {
            listener,
            verifier,
            state: AppState {
                read_only: settings.role == ServerRole::Reporting,
                ..AppState::new(store, services).with_reads(reads)
            },
            limits: settings.limits,
            file_adjustments,
            metrics: settings.metrics_listen.is_some(),
            role: settings.role,
            instance: settings.instance,
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
        let store = self.state.store.clone();
        let monitor = tokio::spawn(monitor_database(
            vec![store.clone(), self.state.reads.clone()],
            reporter.clone(),
        ));
        let work = match self.role {
            ServerRole::ReadWrite => Some(self.start_background_work().await?),
            ServerRole::Reporting => None,
        };
        let sampler = self.metrics.then(|| {
            tokio::spawn(crate::observability::sample_gauges(
                self.state.clone(),
                Duration::from_secs(15),
            ))
        });
        let refresher = tokio::spawn(refresh_calendars(
            store.clone(),
            self.state.services.clone(),
            self.file_adjustments.clone(),
        ));
        tracing::info!(
            addr = %self.listener.local_addr()?,
            backend = ?self.state.store.backend(),
            role = ?self.role,
            instance = %self.instance,
            separate_read_replica = !self.state.reads.same_database(&self.state.store),
            "redress serving gRPC"
        );
        let result = redress_api::serve(
            self.listener,
            self.verifier,
            self.state.clone(),
            self.limits,
            (reporter, health_service),
            shutdown,
        )
        .await;
        monitor.abort();
        if let Some(sampler) = sampler {
            sampler.abort();
        }
        refresher.abort();
        if let Some((projections, reactor)) = work {
            reactor.abort();
            // Projections finish their batch and store their checkpoint before the pool closes.
            projections.stop().await;
        }
        self.state.store.close().await;
        self.state.reads.close().await;
        result.context("gRPC server failed")
    }

    /// A read-write replica's share of the deployment's background work: the projections
    /// it wins the lock for, and the calendar reactor if it wins that lock.
    async fn start_background_work(
        &self,
    ) -> Result<(redress_store::RunnerHandle, tokio::task::JoinHandle<()>)> {
        let store = self.state.store.clone();
        let policies = self.state.services.current().policies.clone();
        let projections = all_projections(policies.clone(), self.state.services.calendars());
        ensure_read_models(&store, &projections).await?;
        let config = RunnerConfig {
            runner_id: format!("{}/{}", self.instance, RunnerConfig::default().runner_id),
            ..RunnerConfig::default()
        };
        let mut runner = ProjectionRunner::new(store.clone(), config);
        for projection in projections {
            runner = runner.with(projection);
        }
        let reactor = spawn_calendar_reactor(store, policies, Duration::from_secs(5));
        Ok((runner.start(), reactor))
    }
}

/// Creates every read model's tables before serving, so a query during start-up finds
/// empty tables rather than none (each runner would otherwise create them on takeover).
async fn ensure_read_models(
    store: &Store,
    projections: &[Arc<dyn redress_store::Projection>],
) -> Result<()> {
    for projection in projections {
        store.setup_read_model(projection.as_ref()).await?;
    }
    Ok(())
}

/// Reports NOT_SERVING while a database this replica uses (the primary, and the read
/// replica if separate) does not answer, SERVING again when all do.
async fn monitor_database(stores: Vec<Store>, reporter: HealthReporter) {
    let mut serving = true;
    loop {
        tokio::time::sleep(Duration::from_secs(2)).await;
        let mut ok = true;
        for store in &stores {
            ok &= tokio::time::timeout(Duration::from_secs(2), store.database_schema_version())
                .await
                .is_ok_and(|r| r.is_ok());
        }
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

fn file_adjustments(settings: &Settings) -> Result<Vec<Adjustment>> {
    Ok(match &settings.calendar_overrides {
        Some(path) => {
            let text = std::fs::read_to_string(path)
                .with_context(|| format!("cannot read calendar overrides {}", path.display()))?;
            parse_overrides(&text).with_context(|| format!("in {}", path.display()))?
        }
        None => Vec::new(),
    })
}

/// Adjustments operators recorded through the API (SPEC D7), from their read model.
async fn recorded_adjustments(store: &Store) -> Result<Vec<Adjustment>> {
    Ok(adjustments(&Reader::new(store.clone()))
        .await?
        .into_iter()
        .map(|a| a.adjustment)
        .collect())
}

/// Puts newly recorded calendar adjustments in force on this replica (every 5 seconds), so
/// every replica computes new deadlines with the same calendar.
async fn refresh_calendars(store: Store, services: ServicesInForce, from_file: Vec<Adjustment>) {
    let mut last: Option<Vec<Adjustment>> = None;
    loop {
        match recorded_adjustments(&store).await {
            Ok(recorded) if last.as_ref() != Some(&recorded) => {
                if last.is_some() {
                    tracing::info!(
                        adjustments = recorded.len(),
                        "calendar adjustments changed; new calendars in force"
                    );
                }
                services.replace_calendars(Calendars::with_adjustments(
                    &[from_file.clone(), recorded.clone()].concat(),
                ));
                last = Some(recorded);
            }
            Ok(_) => {}
            Err(e) => tracing::warn!(error = %e, "could not read calendar adjustments"),
        }
        tokio::time::sleep(Duration::from_secs(5)).await;
    }
}

/// The shipped default policy plus each file given; the last file given is current. A file
/// reusing a version number must be identical to it: a complaint keeps the policy version
/// it was received under (SPEC D8), so a version can never change meaning.
pub fn policy_book(files: &[PathBuf]) -> Result<PolicyBook> {
    let mut policies = vec![Policy::default_policy()];
    let mut current = Policy::default_policy().version;
    for path in files {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("cannot read policy file {}", path.display()))?;
        let policy = Policy::from_toml_str(&text)
            .with_context(|| format!("policy file {} is invalid", path.display()))?;
        current = policy.version.clone();
        match policies.iter().find(|p| p.version == policy.version) {
            Some(existing) if *existing == policy => {}
            Some(_) => anyhow::bail!(
                "policy file {} reuses version {} with different content: give it a new version",
                path.display(),
                policy.version
            ),
            None => policies.push(policy),
        }
    }
    Ok(PolicyBook::new(policies, &current)?)
}
