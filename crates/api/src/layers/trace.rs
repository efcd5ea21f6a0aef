//! One `tracing` span per RPC, the root of everything the request does (the handler, its
//! command, the store calls), exported as an OpenTelemetry server span when `serve` has an
//! OTLP endpoint. A caller's W3C `traceparent` makes the span a child of the caller's, so
//! client and server land in one trace. Only the method is recorded, never a message body:
//! bodies carry complainants' personal data.
//!
//! The OpenTelemetry-only attributes are set through [`OpenTelemetrySpanExt`] rather than as
//! span fields so that they do not repeat on every log line; without the OpenTelemetry
//! layer those calls do nothing.

use std::fmt::Display;

use opentelemetry::propagation::{Extractor, TextMapPropagator};
use opentelemetry::trace::{Status, TraceContextExt};
use opentelemetry_sdk::propagation::TraceContextPropagator;
use tracing_opentelemetry::OpenTelemetrySpanExt;

use super::{grpc_code, Observer};

/// Opens the RPC's span and records its gRPC status.
#[derive(Debug, Clone, Default)]
pub struct RpcTrace;

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
    let code = grpc_code(response);
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

impl Observer for RpcTrace {
    type Scope = ();

    fn begin<B>(&self, request: &http::Request<B>) -> ((), tracing::Span) {
        ((), rpc_span(request.uri().path(), request.headers()))
    }

    fn end<R, E: Display>((): (), span: &tracing::Span, result: &Result<http::Response<R>, E>) {
        match result {
            Ok(response) => record_status(span, response),
            Err(e) => span.set_status(Status::error(e.to_string())),
        }
    }
}
