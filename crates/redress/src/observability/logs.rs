//! Logs on stderr, as text for a person or JSON for a log collector. The filter comes from
//! `RUST_LOG` (default `info`); fields are structured and never carry personal data.

use opentelemetry_sdk::trace::SdkTracer;

/// Log format on stderr.
#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum LogFormat {
    Text,
    Json,
}

/// Installs the global subscriber. With a tracer, the spans that pass the same filter are
/// also exported as OpenTelemetry traces (less the exporter's own, see
/// [`super::traces::exported`]).
pub(super) fn init(format: LogFormat, tracer: Option<SdkTracer>) {
    use tracing_subscriber::prelude::*;

    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let fmt = tracing_subscriber::fmt::layer()
        .with_writer(std::io::stderr)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()));
    let fmt = match format {
        LogFormat::Text => fmt.boxed(),
        LogFormat::Json => fmt.json().boxed(),
    };
    let otel = tracer.map(|tracer| {
        tracing_opentelemetry::layer()
            .with_tracer(tracer)
            .with_filter(tracing_subscriber::filter::filter_fn(
                super::traces::exported,
            ))
    });
    tracing_subscriber::registry()
        .with(filter)
        .with(fmt)
        .with(otel)
        .init();
}
