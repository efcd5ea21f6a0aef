//! Assembles the gRPC server: the services, health and reflection, the auth gate, request
//! timeouts, per-connection concurrency limits, load shedding and message size limits, and
//! graceful shutdown (in-flight requests finish).

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use tokio::net::TcpListener;
use tokio_stream::wrappers::TcpListenerStream;
use tonic::transport::Server;
use tonic_health::server::HealthReporter;

use crate::auth::TokenVerifier;
use crate::calendar_service::{CalendarApi, CalendarsInForce};
use crate::gate::AuthLayer;
use crate::pb::calendar_service_server::CalendarServiceServer;
use crate::proto::FILE_DESCRIPTOR_SET;

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
    pub calendars: CalendarsInForce,
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
    let reflection = tonic_reflection::server::Builder::configure()
        .register_encoded_file_descriptor_set(FILE_DESCRIPTOR_SET)
        .build_v1()
        .map_err(|e| {
            tracing::error!(error = %e, "reflection descriptor set is invalid");
            e
        });
    let calendar = CalendarServiceServer::new(CalendarApi::new(state.calendars))
        .max_decoding_message_size(limits.max_message_bytes)
        .max_encoding_message_size(limits.max_message_bytes);
    let mut builder = Server::builder()
        .timeout(limits.request_timeout)
        .concurrency_limit_per_connection(limits.concurrency_per_connection)
        .load_shed(true)
        .layer(AuthLayer::new(verifier));
    let router = builder.add_service(health_service).add_service(calendar);
    let router = match reflection {
        Ok(reflection) => router.add_service(reflection),
        Err(_) => router,
    };
    router
        .serve_with_incoming_shutdown(TcpListenerStream::new(listener), shutdown)
        .await
}
