//! The tower layers around every RPC besides the auth gate: a trace span (`trace`) and
//! Prometheus metrics (`metrics`). Both are an [`Observer`] of each request and its result;
//! the tower `Layer` and `Service` plumbing they share is written once here ([`Observe`]).

mod metrics;
mod trace;

use std::fmt::Display;
use std::task::{Context, Poll};

use futures_util::future::BoxFuture;
use tower::{Layer, Service};
use tracing::Instrument;

pub use self::metrics::RpcMetrics;
pub use self::trace::RpcTrace;

/// Per-RPC Prometheus metrics (`redress_rpc_requests_total`, `redress_rpc_duration_seconds`).
pub type MetricsLayer = Observe<RpcMetrics>;
/// One trace span per RPC, joined to the caller's trace.
pub type TraceLayer = Observe<RpcTrace>;

/// What a layer does around each RPC: it looks at the request before the inner service
/// sees it, and at the result when it comes back.
pub trait Observer: Clone + Send + 'static {
    /// What is carried from a request to its result.
    type Scope: Send + 'static;

    /// Called before the inner service is. The span returned is entered while the inner
    /// service is called and while its future runs (`Span::none()` for none).
    fn begin<B>(&self, request: &http::Request<B>) -> (Self::Scope, tracing::Span);

    /// Called with the result of the request that `begin` saw.
    fn end<R, E: Display>(
        scope: Self::Scope,
        span: &tracing::Span,
        result: &Result<http::Response<R>, E>,
    );
}

/// The tower layer of an [`Observer`].
#[derive(Debug, Clone, Default)]
pub struct Observe<O>(O);

impl<S, O: Observer> Layer<S> for Observe<O> {
    type Service = Observed<S, O>;

    fn layer(&self, inner: S) -> Self::Service {
        Observed {
            inner,
            observer: self.0.clone(),
        }
    }
}

/// A service with an [`Observer`] around each call.
#[derive(Debug, Clone)]
pub struct Observed<S, O> {
    inner: S,
    observer: O,
}

impl<S, O, B, R> Service<http::Request<B>> for Observed<S, O>
where
    S: Service<http::Request<B>, Response = http::Response<R>> + Clone + Send + 'static,
    S::Future: Send + 'static,
    S::Error: Display,
    O: Observer,
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
        let (scope, span) = self.observer.begin(&request);
        let future = span.in_scope(|| self.inner.call(request));
        let observed = span.clone();
        Box::pin(
            async move {
                let result = future.await;
                O::end(scope, &observed, &result);
                result
            }
            .instrument(span),
        )
    }
}

/// The gRPC status code of a response. tonic answers errors "trailers-only", so the status
/// is in the response headers; a response without one finished normally (OK).
fn grpc_code<B>(response: &http::Response<B>) -> tonic::Code {
    let code = response
        .headers()
        .get("grpc-status")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<i32>().ok())
        .unwrap_or(0);
    tonic::Code::from_i32(code)
}
