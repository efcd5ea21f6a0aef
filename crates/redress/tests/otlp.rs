//! OpenTelemetry export, end to end: the real `redress serve` binary (a process of its own,
//! since the tracing subscriber is process-wide) exports to an in-process OTLP/gRPC
//! collector. Two commands go through it; after SIGTERM (which must flush the exporter)
//! the collector must hold a server span per RPC, joined to the caller's `traceparent`, a
//! `command` span below it carrying the client's request id, projection batch spans, and
//! none of the personal data the commands carried.

#![cfg(unix)]

use std::sync::{Arc, Mutex};
use std::time::Duration;

use anyhow::{bail, ensure, Context, Result};
use opentelemetry_proto::tonic::collector::trace::v1::trace_service_server::{
    TraceService, TraceServiceServer,
};
use opentelemetry_proto::tonic::collector::trace::v1::{
    ExportTraceServiceRequest, ExportTraceServiceResponse,
};
use opentelemetry_proto::tonic::common::v1::{any_value, AnyValue, KeyValue};
use opentelemetry_proto::tonic::trace::v1::span::SpanKind;
use opentelemetry_proto::tonic::trace::v1::Span;
use redress_api::pb;
use redress_api::{unix_now, LocalSigningKey};
use redress_domain::{Actor, Role};
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::net::TcpListener;
use tonic::metadata::MetadataValue;
use tonic::transport::server::TcpIncoming;

/// What the complainant told us: none of it may leave the process in a span.
const PERSONAL: [&str; 6] = [
    "Zelda Quimby-Tracewell",
    "zelda.tracewell@example.org",
    "07700900456",
    "42 Spanless Lane",
    "pension paid to the wrong account",
    "a written apology",
];

/// The caller's trace: Redress's RPC span must become a child of this span.
const CALLER_TRACE_ID: &str = "4bf92f3577b34da6a3ce929d0e0e4736";
const CALLER_SPAN_ID: &str = "00f067aa0ba902b7";

/// Records every export it is sent.
#[derive(Debug, Clone, Default)]
struct Collector(Arc<Mutex<Vec<ExportTraceServiceRequest>>>);

#[tonic::async_trait]
impl TraceService for Collector {
    async fn export(
        &self,
        request: tonic::Request<ExportTraceServiceRequest>,
    ) -> Result<tonic::Response<ExportTraceServiceResponse>, tonic::Status> {
        self.0
            .lock()
            .map_err(|_| tonic::Status::internal("poisoned"))?
            .push(request.into_inner());
        Ok(tonic::Response::new(ExportTraceServiceResponse::default()))
    }
}

/// A scratch directory removed on drop.
struct Scratch(std::path::PathBuf);

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn text(value: &Option<AnyValue>) -> Option<String> {
    match value.as_ref()?.value.as_ref()? {
        any_value::Value::StringValue(s) => Some(s.clone()),
        any_value::Value::IntValue(i) => Some(i.to_string()),
        other => Some(format!("{other:?}")),
    }
}

fn attribute(attributes: &[KeyValue], key: &str) -> Option<String> {
    attributes
        .iter()
        .find(|kv| kv.key == key)
        .and_then(|kv| text(&kv.value))
}

/// Whether `span` is `ancestor` or below it, following parent ids through `spans`.
fn descends_from(span: &Span, ancestor: &Span, spans: &[Span]) -> bool {
    let mut current = span;
    for _ in 0..spans.len() + 1 {
        if current.span_id == ancestor.span_id {
            return true;
        }
        match spans.iter().find(|s| s.span_id == current.parent_span_id) {
            Some(parent) => current = parent,
            None => return false,
        }
    }
    false
}

fn receive_request(request_id: &str) -> pb::ReceiveComplaintRequest {
    let received = chrono::Utc::now() - chrono::Duration::hours(2);
    pb::ReceiveComplaintRequest {
        complaint_id: "otlp-1".into(),
        request_id: request_id.into(),
        receive_time: Some(prost_types::Timestamp {
            seconds: received.timestamp(),
            nanos: 0,
        }),
        channel: pb::Channel::Email as i32,
        categories: vec!["payment_delay".into()],
        team: "crt-leeds".into(),
        region: pb::Region::EnglandAndWales as i32,
        flags: Some(pb::ComplaintFlags::default()),
        complainant: Some(pb::ComplainantDetails {
            display_name: PERSONAL[0].into(),
            email: PERSONAL[1].into(),
            phone: PERSONAL[2].into(),
            address: PERSONAL[3].into(),
            preferred_contact: pb::ContactMethod::Email as i32,
        }),
    }
}

fn contact_request(request_id: &str) -> pb::RecordInitialContactRequest {
    pb::RecordInitialContactRequest {
        name: "complaints/otlp-1".into(),
        request_id: request_id.into(),
        method: pb::ContactMethod::Phone as i32,
        issues: vec![pb::ComplaintIssue {
            issue_id: "i1".into(),
            summary: PERSONAL[4].into(),
        }],
        resolution_sought: PERSONAL[5].into(),
        ..Default::default()
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn traces_reach_the_collector_without_personal_data() -> Result<()> {
    // The collector.
    let collector = Collector::default();
    let listener = TcpListener::bind("127.0.0.1:0").await?;
    let collector_addr = listener.local_addr()?;
    let collecting = tokio::spawn(
        tonic::transport::Server::builder()
            .add_service(TraceServiceServer::new(collector.clone()))
            .serve_with_incoming(TcpIncoming::from(listener)),
    );

    // Redress, exporting to it.
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)?
        .as_nanos();
    let scratch = Scratch(
        std::env::temp_dir().join(format!("redress-otlp-test-{}-{nanos}", std::process::id())),
    );
    // The switch as an operator sets it in the config file (the flag and REDRESS_OTLP_ENDPOINT
    // land in the same setting).
    std::fs::create_dir_all(&scratch.0)?;
    let config = scratch.0.join("redress.toml");
    std::fs::write(
        &config,
        format!("otlp_endpoint = \"http://{collector_addr}\"\notlp_sample_ratio = 1.0\n"),
    )?;
    let mut server = tokio::process::Command::new(env!("CARGO_BIN_EXE_redress"))
        .args(["--log-format", "json", "serve", "--listen", "127.0.0.1:0"])
        .arg("--data-dir")
        .arg(&scratch.0)
        .arg("--config")
        .arg(&config)
        .env("RUST_LOG", "info")
        .env_remove("REDRESS_OTLP_ENDPOINT")
        .env_remove("REDRESS_DATABASE_URL")
        .env_remove("REDRESS_OTLP_SAMPLE_RATIO")
        .env_remove("OTEL_SERVICE_NAME")
        .env_remove("OTEL_RESOURCE_ATTRIBUTES")
        .env_remove("OTEL_TRACES_SAMPLER")
        .stderr(std::process::Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .context("cannot start redress serve")?;
    let pid = server.id().context("redress exited at once")?;

    // Its log: the first "serving" line gives the address; every line is kept for failures.
    let mut lines = BufReader::new(server.stderr.take().context("no stderr")?).lines();
    let log = Arc::new(Mutex::new(Vec::<String>::new()));
    let addr = tokio::time::timeout(Duration::from_secs(60), async {
        while let Some(line) = lines.next_line().await? {
            log.lock()
                .map_err(|_| anyhow::anyhow!("poisoned"))?
                .push(line.clone());
            let Ok(entry) = serde_json::from_str::<serde_json::Value>(&line) else {
                continue;
            };
            if entry["fields"]["message"] == "redress serving gRPC" {
                return entry["fields"]["addr"]
                    .as_str()
                    .map(str::to_owned)
                    .context("no addr in the serving line");
            }
        }
        bail!("redress exited before serving")
    })
    .await
    .with_context(|| format!("redress did not start: {:?}", log.lock().map(|l| l.clone())))??;
    let draining = {
        let log = log.clone();
        tokio::spawn(async move {
            while let Ok(Some(line)) = lines.next_line().await {
                if let Ok(mut log) = log.lock() {
                    log.push(line);
                }
            }
        })
    };

    // A client in a trace of its own, sending two commands.
    let token = LocalSigningKey::load_or_create(&scratch.0)?.mint(
        &Actor::new("alice", Role::Crm, "crt-leeds"),
        unix_now(),
        3600,
    )?;
    let bearer: MetadataValue<_> = format!("Bearer {token}").parse()?;
    let traceparent: MetadataValue<_> =
        format!("00-{CALLER_TRACE_ID}-{CALLER_SPAN_ID}-01").parse()?;
    let channel = tonic::transport::Endpoint::from_shared(format!("http://{addr}"))?
        .connect()
        .await?;
    let mut client = pb::complaint_service_client::ComplaintServiceClient::with_interceptor(
        channel,
        move |mut request: tonic::Request<()>| {
            request
                .metadata_mut()
                .insert("authorization", bearer.clone());
            request
                .metadata_mut()
                .insert("traceparent", traceparent.clone());
            Ok(request)
        },
    );
    let receive_id = format!("otlp-receive-{nanos}");
    let contact_id = format!("otlp-contact-{nanos}");
    client
        .receive_complaint(receive_request(&receive_id))
        .await?;
    client
        .record_initial_contact(contact_request(&contact_id))
        .await?;
    // Wait until a projection (the caseload) has applied the events, so a batch span exists.
    tokio::time::timeout(Duration::from_secs(30), async {
        loop {
            let listed = client
                .list_complaints(pb::ListComplaintsRequest::default())
                .await?
                .into_inner();
            if listed
                .complaints
                .iter()
                .any(|c| c.name == "complaints/otlp-1")
            {
                return anyhow::Ok(());
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    })
    .await
    .context("the caseload projection never listed the complaint")??;

    // SIGTERM: graceful shutdown, which must flush the spans still queued.
    let killed = std::process::Command::new("kill")
        .args(["-TERM", &pid.to_string()])
        .status()?;
    ensure!(killed.success(), "kill -TERM {pid} failed");
    let status = tokio::time::timeout(Duration::from_secs(30), server.wait())
        .await
        .context("redress did not exit within 30 s of SIGTERM")??;
    let _ = tokio::time::timeout(Duration::from_secs(5), draining).await;
    let log = log.lock().map(|l| l.join("\n")).unwrap_or_default();
    ensure!(status.success(), "redress exited with {status}:\n{log}");
    collecting.abort();

    let exports = collector.0.lock().map(|e| e.clone()).unwrap_or_default();
    let spans: Vec<Span> = exports
        .iter()
        .flat_map(|e| &e.resource_spans)
        .flat_map(|r| &r.scope_spans)
        .flat_map(|s| s.spans.clone())
        .collect();
    let names: Vec<&str> = spans.iter().map(|s| s.name.as_str()).collect();
    ensure!(!spans.is_empty(), "the collector received no spans:\n{log}");

    let service_names: Vec<String> = exports
        .iter()
        .flat_map(|e| &e.resource_spans)
        .filter_map(|r| attribute(&r.resource.as_ref()?.attributes, "service.name"))
        .collect();
    ensure!(
        service_names.iter().all(|n| n == "redress"),
        "service.name {service_names:?}"
    );

    // A server span per RPC, joined to the caller's trace.
    let rpc = |method: &str| {
        spans
            .iter()
            .find(|s| s.name == format!("redress.v1.ComplaintService/{method}"))
            .with_context(|| format!("no span for {method} among {names:?}"))
    };
    for method in ["ReceiveComplaint", "RecordInitialContact"] {
        let span = rpc(method)?;
        ensure!(
            span.kind == SpanKind::Server as i32,
            "{method}: kind {}",
            span.kind
        );
        ensure!(
            hex(&span.trace_id) == CALLER_TRACE_ID && hex(&span.parent_span_id) == CALLER_SPAN_ID,
            "{method} did not join the caller's trace: trace {} parent {}",
            hex(&span.trace_id),
            hex(&span.parent_span_id)
        );
        ensure!(
            attribute(&span.attributes, "rpc.method").as_deref() == Some(method)
                && attribute(&span.attributes, "rpc.grpc.status_code").as_deref() == Some("0"),
            "{method} attributes {:?}",
            span.attributes
        );
    }

    // A command span per command, below its RPC span, with the client's request id.
    for (method, request_id) in [
        ("ReceiveComplaint", &receive_id),
        ("RecordInitialContact", &contact_id),
    ] {
        let command = spans
            .iter()
            .find(|s| {
                s.name == "command"
                    && attribute(&s.attributes, "request_id").as_deref() == Some(request_id)
            })
            .with_context(|| format!("no command span with request_id {request_id}"))?;
        ensure!(
            attribute(&command.attributes, "aggregate").as_deref() == Some("complaint")
                && attribute(&command.attributes, "outcome").as_deref() == Some("applied"),
            "command attributes {:?}",
            command.attributes
        );
        ensure!(
            descends_from(command, rpc(method)?, &spans),
            "the {method} command span is not below its RPC span"
        );
    }

    // Projection batches.
    ensure!(
        spans
            .iter()
            .any(|s| s.name == "projection_batch"
                && attribute(&s.attributes, "projection").is_some()),
        "no projection_batch span among {names:?}"
    );

    // No personal data anywhere in what was exported: names, attributes, events, links.
    let exported = format!("{exports:?}");
    for personal in PERSONAL {
        ensure!(
            !exported.contains(personal),
            "personal data {personal:?} was exported in a span"
        );
    }
    Ok(())
}
