//! OpenTelemetry traces over OTLP/gRPC, off unless `serve` is given an endpoint: without
//! one no exporter exists and spans cost what `tracing` alone costs. With one, every
//! `tracing` span that passes the log filter (one per RPC, per command, per projection
//! batch) is exported by a batch processor on its own thread, so a slow or unreachable
//! collector only ever drops spans (and logs why); it never holds up a request.

use anyhow::{Context, Result};
use opentelemetry::trace::TracerProvider as _;
use opentelemetry::KeyValue;
use opentelemetry_otlp::WithExportConfig;
use opentelemetry_sdk::trace::{Sampler, SdkTracer, SdkTracerProvider};
use opentelemetry_sdk::Resource;

/// The service name when `OTEL_SERVICE_NAME` (or `service.name` in
/// `OTEL_RESOURCE_ATTRIBUTES`) does not give one.
const DEFAULT_SERVICE_NAME: &str = "redress";

/// Where and how much to export.
#[derive(Debug, Clone, PartialEq)]
pub struct OtlpSettings {
    /// The collector's OTLP/gRPC endpoint, e.g. `http://otel-collector:4317` (plain text).
    pub endpoint: String,
    /// Fraction of new traces kept, 0.0–1.0; a caller's sampling decision (W3C
    /// `traceparent`) is always followed, so a trace is never half exported.
    pub sample_ratio: f64,
}

/// Builds the exporter and tracer provider. Must run inside the Tokio runtime: the gRPC
/// channel's connection task lives there, which is also why shutdown needs it.
pub fn install(settings: &OtlpSettings) -> Result<Tracing> {
    anyhow::ensure!(
        (0.0..=1.0).contains(&settings.sample_ratio),
        "the OTLP sample ratio must be between 0 and 1, not {}",
        settings.sample_ratio
    );
    // The build has no TLS for the exporter: collectors run beside Redress (a sidecar, or
    // a node or cluster agent), reached in plain text. Refuse https:// rather than fail
    // every export.
    anyhow::ensure!(
        settings.endpoint.starts_with("http://"),
        "the OTLP endpoint must be a plain-text http://host:port address (e.g. \
         http://otel-collector:4317), not {:?}",
        settings.endpoint
    );
    let exporter = opentelemetry_otlp::SpanExporter::builder()
        .with_tonic()
        .with_endpoint(settings.endpoint.clone())
        .build()
        .with_context(|| format!("cannot set up the OTLP exporter for {}", settings.endpoint))?;
    let provider = SdkTracerProvider::builder()
        .with_batch_exporter(exporter)
        .with_sampler(Sampler::ParentBased(Box::new(Sampler::TraceIdRatioBased(
            settings.sample_ratio,
        ))))
        .with_resource(resource())
        .build();
    let tracer = provider.tracer("redress");
    Ok(Tracing { provider, tracer })
}

/// The standard resource detectors (so `OTEL_SERVICE_NAME` and `OTEL_RESOURCE_ATTRIBUTES`
/// work as operators expect), with `redress` instead of the SDK's `unknown_service:…`.
fn resource() -> Resource {
    let detected = Resource::builder().build();
    let named = detected
        .get(&opentelemetry::Key::new("service.name"))
        .is_some_and(|name| !name.as_str().starts_with("unknown_service"));
    if named {
        detected
    } else {
        Resource::builder()
            .with_attribute(KeyValue::new("service.name", DEFAULT_SERVICE_NAME))
            .build()
    }
}

/// An installed tracer provider; [`Tracing::shutdown`] exports what is still queued.
#[derive(Debug)]
pub struct Tracing {
    provider: SdkTracerProvider,
    tracer: SdkTracer,
}

impl Tracing {
    /// The tracer for `tracing_opentelemetry::layer().with_tracer(…)`.
    pub fn tracer(&self) -> SdkTracer {
        self.tracer.clone()
    }

    /// Flushes the queued spans and stops the exporter. Blocking (bounded by the SDK's
    /// shutdown timeout), so it runs off the async workers that the export itself needs.
    pub async fn shutdown(self) {
        let provider = self.provider;
        match tokio::task::spawn_blocking(move || provider.shutdown()).await {
            Ok(Ok(())) => {}
            Ok(Err(e)) => tracing::warn!(error = %e, "could not flush traces to the collector"),
            Err(e) => tracing::warn!(error = %e, "trace exporter shutdown failed"),
        }
    }
}

/// Whether a span or event belongs in the export: the exporter's own gRPC client (tonic,
/// hyper, h2, tower) and the SDK's diagnostics are left out, or with a verbose `RUST_LOG`
/// every export would produce spans for the next one.
pub fn exported(metadata: &tracing::Metadata<'_>) -> bool {
    !exporter_internal(metadata.target())
}

fn exporter_internal(target: &str) -> bool {
    const INTERNAL: [&str; 6] = ["h2", "hyper", "tonic", "tower", "opentelemetry", "rustls"];
    INTERNAL.iter().any(|prefix| {
        target
            .strip_prefix(prefix)
            .is_some_and(|rest| rest.is_empty() || rest.starts_with([':', '_', '-']))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_exporters_own_client_is_not_exported() {
        for target in [
            "h2::codec",
            "hyper_util::client",
            "tonic::transport",
            "tower::buffer",
        ] {
            assert!(exporter_internal(target), "{target}");
        }
        for target in ["opentelemetry_sdk", "opentelemetry-otlp"] {
            assert!(exporter_internal(target), "{target}");
        }
        for target in [
            "redress_api::command",
            "redress_store::runner",
            "towering",
            "h2o",
        ] {
            assert!(!exporter_internal(target), "{target}");
        }
    }

    #[test]
    fn settings_that_could_never_export_are_refused() {
        let settings = |endpoint: &str, sample_ratio: f64| OtlpSettings {
            endpoint: endpoint.to_owned(),
            sample_ratio,
        };
        assert!(install(&settings("https://collector:4317", 1.0)).is_err());
        assert!(install(&settings("collector:4317", 1.0)).is_err());
        assert!(install(&settings("http://collector:4317", 1.5)).is_err());
        assert!(install(&settings("http://collector:4317", f64::NAN)).is_err());
    }
}
