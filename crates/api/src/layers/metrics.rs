//! Per-RPC Prometheus metrics: every request counted by RPC and gRPC status code and timed
//! (`redress_rpc_requests_total`, `redress_rpc_duration_seconds`).

use std::fmt::Display;
use std::time::Instant;

use super::{grpc_code, Observer};

/// Counts and times each RPC.
#[derive(Debug, Clone, Default)]
pub struct RpcMetrics;

/// The gRPC status name of a response, as a metric label.
fn code_of<B>(response: &http::Response<B>) -> &'static str {
    match grpc_code(response) {
        tonic::Code::Ok => "OK",
        tonic::Code::Cancelled => "CANCELLED",
        tonic::Code::Unknown => "UNKNOWN",
        tonic::Code::InvalidArgument => "INVALID_ARGUMENT",
        tonic::Code::DeadlineExceeded => "DEADLINE_EXCEEDED",
        tonic::Code::NotFound => "NOT_FOUND",
        tonic::Code::AlreadyExists => "ALREADY_EXISTS",
        tonic::Code::PermissionDenied => "PERMISSION_DENIED",
        tonic::Code::ResourceExhausted => "RESOURCE_EXHAUSTED",
        tonic::Code::FailedPrecondition => "FAILED_PRECONDITION",
        tonic::Code::Aborted => "ABORTED",
        tonic::Code::OutOfRange => "OUT_OF_RANGE",
        tonic::Code::Unimplemented => "UNIMPLEMENTED",
        tonic::Code::Internal => "INTERNAL",
        tonic::Code::Unavailable => "UNAVAILABLE",
        tonic::Code::DataLoss => "DATA_LOSS",
        tonic::Code::Unauthenticated => "UNAUTHENTICATED",
    }
}

impl Observer for RpcMetrics {
    /// The RPC's path and when it started.
    type Scope = (String, Instant);

    fn begin<B>(&self, request: &http::Request<B>) -> (Self::Scope, tracing::Span) {
        let rpc = request.uri().path().to_owned();
        ((rpc, Instant::now()), tracing::Span::none())
    }

    fn end<R, E: Display>(
        (rpc, started): Self::Scope,
        _span: &tracing::Span,
        result: &Result<http::Response<R>, E>,
    ) {
        let code = match result {
            Ok(response) => code_of(response),
            Err(_) => "UNAVAILABLE",
        };
        metrics::counter!("redress_rpc_requests_total", "rpc" => rpc.clone(), "code" => code)
            .increment(1);
        metrics::histogram!("redress_rpc_duration_seconds", "rpc" => rpc)
            .record(started.elapsed().as_secs_f64());
    }
}
