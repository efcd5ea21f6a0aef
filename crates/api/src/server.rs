//! Assembles the gRPC server: the services, health and reflection, a trace span per RPC,
//! the auth gate, request timeouts, per-connection concurrency limits, load shedding and
//! message size limits, and graceful shutdown (in-flight requests finish).

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use tokio::net::TcpListener;
use tonic::transport::server::TcpIncoming;
use tonic::transport::Server;
use tonic_health::server::HealthReporter;

use redress_store::Store;

use crate::auth::{AuthLayer, TokenVerifier};
use crate::layers::{MetricsLayer, TraceLayer};
use crate::pb::admin_service_server::AdminServiceServer;
use crate::pb::calendar_service_server::CalendarServiceServer;
use crate::pb::complaint_service_server::ComplaintServiceServer;
use crate::pb::correspondence_service_server::CorrespondenceServiceServer;
use crate::pb::reporting_service_server::ReportingServiceServer;
use crate::pb::systemic_log_service_server::SystemicLogServiceServer;
use crate::proto::FILE_DESCRIPTOR_SET;
use crate::services::{
    AdminApi, CalendarApi, ComplaintApi, CorrespondenceApi, ReportingApi, SystemicLogApi,
};
use crate::services_in_force::ServicesInForce;

/// Limits that protect the server from slow or oversized clients.
#[derive(Debug, Clone)]
pub struct Limits {
    pub request_timeout: Duration,
    pub max_message_bytes: usize,
    pub concurrency_per_connection: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            request_timeout: Duration::from_secs(30),
            max_message_bytes: 1024 * 1024,
            concurrency_per_connection: 64,
        }
    }
}

/// What the services need.
#[derive(Debug, Clone)]
pub struct AppState {
    /// The primary: events, commands, checkpoints.
    pub store: Store,
    /// Where read models are queried: a PostgreSQL read replica (`--read-database-url`) or
    /// the primary itself.
    pub reads: Store,
    /// A reporting replica: every RPC that would record something is refused.
    pub read_only: bool,
    pub services: ServicesInForce,
}

impl AppState {
    /// Reads and writes on one database.
    pub fn new(store: Store, services: ServicesInForce) -> Self {
        AppState {
            reads: store.clone(),
            store,
            read_only: false,
            services,
        }
    }

    /// Queries read models on `reads` (a read replica) instead of the primary.
    pub fn with_reads(self, reads: Store) -> Self {
        AppState { reads, ..self }
    }

    /// The read replica, if reads do not go to the primary.
    fn read_replica(&self) -> Option<Store> {
        (!self.reads.same_database(&self.store)).then(|| self.reads.clone())
    }
}

/// Applies the message size limits to a generated service.
macro_rules! limited {
    ($service:expr, $limits:expr) => {
        $service
            .max_decoding_message_size($limits.max_message_bytes)
            .max_encoding_message_size($limits.max_message_bytes)
    };
}

/// Serves until `shutdown` resolves, then lets in-flight requests finish.
pub async fn serve(
    listener: TcpListener,
    verifier: Arc<TokenVerifier>,
    state: AppState,
    limits: Limits,
    health: (
        HealthReporter,
        tonic_health::pb::health_server::HealthServer<impl tonic_health::pb::health_server::Health>,
    ),
    shutdown: impl Future<Output = ()> + Send,
) -> Result<(), tonic::transport::Error> {
    let (reporter, health_service) = health;
    reporter
        .set_serving::<CalendarServiceServer<CalendarApi>>()
        .await;
    reporter
        .set_serving::<ComplaintServiceServer<ComplaintApi>>()
        .await;
    reporter
        .set_serving::<CorrespondenceServiceServer<CorrespondenceApi>>()
        .await;
    reporter
        .set_serving::<SystemicLogServiceServer<SystemicLogApi>>()
        .await;
    reporter
        .set_serving::<ReportingServiceServer<ReportingApi>>()
        .await;
    reporter.set_serving::<AdminServiceServer<AdminApi>>().await;
    let reflection = tonic_reflection::server::Builder::configure()
        .register_encoded_file_descriptor_set(FILE_DESCRIPTOR_SET)
        .build_v1()
        .map_err(|e| {
            tracing::error!(error = %e, "reflection descriptor set is invalid");
            e
        });
    let calendar = limited!(
        CalendarServiceServer::new(CalendarApi::new(
            state.store.clone(),
            state.services.clone()
        )),
        limits
    );
    let complaints = limited!(
        ComplaintServiceServer::new(ComplaintApi::new(
            state.store.clone(),
            state.reads.clone(),
            state.services.clone()
        )),
        limits
    );
    let correspondence = limited!(
        CorrespondenceServiceServer::new(CorrespondenceApi::new(
            state.store.clone(),
            state.services.clone()
        )),
        limits
    );
    let systemic = limited!(
        SystemicLogServiceServer::new(SystemicLogApi::new(
            state.store.clone(),
            state.services.clone()
        )),
        limits
    );
    let reporting = limited!(
        ReportingServiceServer::new(ReportingApi::new(
            state.reads.clone(),
            state.services.clone()
        )),
        limits
    );
    let admin = limited!(
        AdminServiceServer::new(AdminApi::new(state.store.clone(), state.read_replica())),
        limits
    );
    let mut builder = Server::builder()
        .timeout(limits.request_timeout)
        .concurrency_limit_per_connection(limits.concurrency_per_connection)
        .load_shed(true)
        .layer(TraceLayer::default())
        .layer(MetricsLayer::default())
        .layer(AuthLayer::new(verifier).read_only(state.read_only));
    let router = builder
        .add_service(health_service)
        .add_service(calendar)
        .add_service(complaints)
        .add_service(correspondence)
        .add_service(systemic)
        .add_service(reporting)
        .add_service(admin);
    let router = match reflection {
        Ok(reflection) => router.add_service(reflection),
        Err(_) => router,
    };
    router
        // TCP_NODELAY: without it small responses wait on delayed ACKs (~40 ms each).
        .serve_with_incoming_shutdown(
            TcpIncoming::from(listener).with_nodelay(Some(true)),
            shutdown,
        )
        .await
}
