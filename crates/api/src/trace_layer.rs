//! One `tracing` span per RPC, the root of everything the request does (the handler, its
//! command, the store calls), exported as an OpenTelemetry server span when `serve` has an
//! OTLP endpoint. A caller's W3C `traceparent` makes the span a child of the caller's, so
//! client and server land in one trace. Only the method is recorded, never a message body:
//! bodies carry complainants' personal data.
//!
//! The OpenTelemetry-only attributes are set through [`OpenTelemetrySpanExt`] rather than as
//! span fields so that they do not repeat on every log line; without the OpenTelemetry
//! layer those calls do nothing.

use std::task::{Context, Poll};

use futures_util::future::BoxFuture;
use opentelemetry::propagation::{Extractor, TextMapPropagator};
use opentelemetry::trace::{Status, TraceContextExt};
use opentelemetry_sdk::propagation::TraceContextPropagator;
use tower::{Layer, Service};
use tracing::Instrument;
use tracing_opentelemetry::OpenTelemetrySpanExt;

#[derive(Debug, Clone, Default)]
pub struct TraceLayer;

impl<S> Layer<S> for TraceLayer {
    type Service = RpcTrace<S>;

    fn layer(&self, inner: S) -> Self::Service {
        RpcTrace { inner }
    }
}

#[derive(Debug, Clone)]
pub struct RpcTrace<S> {
    inner: S,
}

/// Reads propagation headers (`traceparent`, `tracestate`) from an HTTP/2 request.
struct Headers<'a>(&'a http::HeaderMap);

impl Extractor for Headers<'_> {
    fn get(&self, key: &str) -> Option<&str> {
        self.0.get(key).and_then(|v| v.to_str().ok())
    }

    fn keys(&self) -> Vec<&str> {
        self.0.keys().map(http::HeaderName::as_str).collect()
    }
}

/// Health checks get no span: orchestrators probe every few seconds, which would bury the
/// traces worth reading (they are still counted in the metrics).
const UNTRACED: &str = "/grpc.health.v1.Health/";

/// The span for a request to `path` (`/package.Service/Method`).
fn rpc_span(path: &str, headers: &http::HeaderMap) -> tracing::Span {
    if path.starts_with(UNTRACED) {
        return tracing::Span::none();
    }
    let name = path.trim_start_matches('/');
    let (service, method) = name.split_once('/').unwrap_or((name, ""));
    let span = tracing::info_span!("rpc", otel.name = %name, otel.kind = "server");
    span.set_attribute("rpc.system", "grpc");
    span.set_attribute("rpc.service", service.to_owned());
    span.set_attribute("rpc.method", method.to_owned());
    let parent = TraceContextPropagator::new().extract(&Headers(headers));
    if parent.span().span_context().is_valid() {
        // Only fails when the span is disabled (filtered out), when there is nothing to join.
        let _ = span.set_parent(parent);
    }
    span
}

/// Records the gRPC status; server-side faults (not refusals like NOT_FOUND) mark the span
/// as an error, following the OpenTelemetry conventions for gRPC servers.
fn record_status<B>(span: &tracing::Span, response: &http::Response<B>) {
    use tonic::Code;
    let code = crate::metrics_layer::grpc_code(response);
    span.set_attribute("rpc.grpc.status_code", i64::from(code as i32));
    if matches!(
        code,
        Code::Unknown
            | Code::DeadlineExceeded
            | Code::Unimplemented
            | Code::Internal
            | Code::Unavailable
            | Code::DataLoss
    ) {
        span.set_status(Status::error(format!("{code:?}")));
    }
}

impl<S, B, R> Service<http::Request<B>> for RpcTrace<S>
where
    S: Service<http::Request<B>, Response = http::Response<R>> + Clone + Send + 'static,
    S::Future: Send + 'static,
    S::Error: std::fmt::Display,
    B: Send + 'static,
    R: Send + 'static,
{
    type Response = S::Response;
    type Error = S::Error;
    type Future = BoxFuture<'static, Result<Self::Response, Self::Error>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: http::Request<B>) -> Self::Future {
        let span = rpc_span(request.uri().path(), request.headers());
        let future = span.in_scope(|| self.inner.call(request));
        Box::pin(
            async move {
                let result = future.await;
                let span = tracing::Span::current();
                match &result {
                    Ok(response) => record_status(&span, response),
                    Err(e) => span.set_status(Status::error(e.to_string())),
                }
                result
            }
            .instrument(span),
        )
    }
}
