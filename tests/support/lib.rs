//! Support for the end-to-end tests: [`TestApp`] starts the real application (the same
//! [`redress::app::Application`] `redress serve` runs) on an ephemeral port over a fresh
//! PostgreSQL database or SQLite file, mints tokens for any role, and hands out clients.

use std::net::SocketAddr;
use std::path::PathBuf;

use redress::app::{Application, Settings};
use redress_api::{unix_now, LocalSigningKey};
use redress_domain::{Actor, Role};
use redress_store::testing::TestDatabase;
use redress_store::Backend;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;
use tonic::metadata::MetadataValue;
use tonic::service::interceptor::InterceptedService;
use tonic::transport::Channel;

pub use redress_api::pb;

/// Adds a bearer token to every call.
#[derive(Debug, Clone)]
pub struct Bearer(pub Option<MetadataValue<tonic::metadata::Ascii>>);

impl tonic::service::Interceptor for Bearer {
    fn call(
        &mut self,
        mut request: tonic::Request<()>,
    ) -> Result<tonic::Request<()>, tonic::Status> {
        if let Some(v) = &self.0 {
            request.metadata_mut().insert("authorization", v.clone());
        }
        Ok(request)
    }
}

pub type Authed = InterceptedService<Channel, Bearer>;

/// A running server for one test.
#[derive(Debug)]
pub struct TestApp {
    pub addr: SocketAddr,
    pub backend: Backend,
    data_dir: PathBuf,
    key: LocalSigningKey,
    channel: Channel,
    shutdown: Option<oneshot::Sender<()>>,
    server: Option<JoinHandle<()>>,
    db: Option<TestDatabase>,
}

impl TestApp {
    /// Starts the application on `backend` with a fresh database.
    pub async fn spawn(backend: Backend) -> TestApp {
        // Server logs go to the test's captured output (RUST_LOG, default warn).
        let _ = tracing_subscriber::fmt()
            .with_env_filter(
                tracing_subscriber::EnvFilter::try_from_default_env()
                    .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn")),
            )
            .with_test_writer()
            .try_init();
        let db = TestDatabase::new(backend).await;
        let data_dir =
            std::env::temp_dir().join(format!("redress-e2e-{}", uuid::Uuid::now_v7().simple()));
        let mut settings = Settings::embedded(&data_dir, SocketAddr::from(([127, 0, 0, 1], 0)));
        settings.database_url = Some(db.url().to_owned());
        let app = Application::build(settings)
            .await
            .expect("application builds");
        let addr = app.local_addr().expect("bound address");
        let (tx, rx) = oneshot::channel::<()>();
        let server = tokio::spawn(async move {
            let _ = app
                .run(async move {
                    let _ = rx.await;
                })
                .await;
        });
        let key = LocalSigningKey::load_or_create(&data_dir).expect("signing key");
        let channel = Channel::from_shared(format!("http://{addr}"))
            .expect("endpoint")
            .connect()
            .await
            .expect("connect to test server");
        TestApp {
            addr,
            backend,
            data_dir,
            key,
            channel,
            shutdown: Some(tx),
            server: Some(server),
            db: Some(db),
        }
    }

    /// A valid token for a user of `role` in `team`.
    pub fn token(&self, user: &str, role: Role, team: &str) -> String {
        self.key
            .mint(&Actor::new(user, role, team), unix_now(), 3600)
            .expect("mint token")
    }

    /// A channel that sends `token` (or none).
    pub fn authed(&self, token: Option<&str>) -> Authed {
        let value = token.map(|t| format!("Bearer {t}").parse().expect("ascii token"));
        InterceptedService::new(self.channel.clone(), Bearer(value))
    }

    /// A channel acting as `role` in `team`.
    pub fn as_role(&self, role: Role, team: &str) -> Authed {
        let token = self.token(&format!("{}-user", role.as_str()), role, team);
        self.authed(Some(&token))
    }

    pub fn complaints(
        &self,
        role: Role,
        team: &str,
    ) -> pb::complaint_service_client::ComplaintServiceClient<Authed> {
        pb::complaint_service_client::ComplaintServiceClient::new(self.as_role(role, team))
    }

    /// The name of the PostgreSQL test database, when the backend is PostgreSQL.
    pub fn database_name(&self) -> Option<String> {
        let db = self.db.as_ref()?;
        if self.backend != Backend::Postgres {
            return None;
        }
        db.url().rsplit('/').next().map(str::to_owned)
    }

    pub fn raw_channel(&self) -> Channel {
        self.channel.clone()
    }

    /// Stops the server (graceful) and drops the database.
    pub async fn stop(mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(server) = self.server.take() {
            let _ = server.await;
        }
        if let Some(db) = self.db.take() {
            db.cleanup().await;
        }
        let _ = std::fs::remove_dir_all(&self.data_dir);
    }
}

/// A timestamp `hours` before now.
pub fn hours_ago(hours: i64) -> prost_types::Timestamp {
    let t = chrono::Utc::now() - chrono::Duration::hours(hours);
    prost_types::Timestamp {
        seconds: t.timestamp(),
        nanos: 0,
    }
}

/// A fresh request id.
pub fn request_id() -> String {
    uuid::Uuid::now_v7().simple().to_string()
}
