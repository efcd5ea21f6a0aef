//! What a running Redress tells its operators: [`logs`] on stderr, OpenTelemetry
//! [`traces`] over OTLP (off unless a collector is named) and Prometheus [`metrics`] on a
//! port of their own. Only `redress serve` starts them; the client commands log nothing.

mod logs;
mod metrics;
mod traces;

use anyhow::Result;

pub use logs::LogFormat;
pub use metrics::{sample_gauges, serve_metrics};
pub use traces::{OtlpSettings, Tracing};

/// Starts logging, and trace export when `otlp` names a collector. Must run inside the
/// Tokio runtime (the exporter's channel lives there); flush what is returned with
/// [`Tracing::shutdown`] once the server has stopped.
pub fn start(format: LogFormat, otlp: Option<&OtlpSettings>) -> Result<Option<Tracing>> {
    let traces = otlp.map(traces::install).transpose()?;
    logs::init(format, traces.as_ref().map(Tracing::tracer));
    if let Some(otlp) = otlp {
        tracing::info!(endpoint = %otlp.endpoint, sample_ratio = otlp.sample_ratio, "exporting traces over OTLP");
    }
    Ok(traces)
}
