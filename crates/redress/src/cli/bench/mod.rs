//! `redress bench`: a gRPC load generator. N concurrent clients, each with its own
//! connection and its own complaints (so no etag fights), drive a realistic mix of traffic
//! against a running server for a fixed time (and at most a fixed number of operations), at
//! each concurrency level in turn, and report per-RPC throughput, latency percentiles and
//! errors.
//!
//! ```text
//! redress bench --server http://127.0.0.1:50051 --token "$TOKEN" --team crt-leeds \
//!     --clients 1,8,32,128 --duration 10 [--mix receive=1,contact=1,outcome=1,read=2] [--json]
//! ```
//!
//! The operations of the mix, each picked at random by weight for every step of a client:
//!
//! - `receive`: ReceiveComplaint (a new complaint, received ten minutes ago);
//! - `contact`: RecordInvestigationStep (validated evidence `e1`) then RecordInitialContact
//!   on the client's oldest received complaint;
//! - `outcome`: RecordRootCause, RecordFindings, DecideOutcome (not upheld),
//!   CommunicateOutcome, SignpostComplaint and CloseComplaint on its oldest contacted one;
//! - `read`: GetComplaint of one of its complaints, picked at random, then the team's
//!   at-risk deadlines from the reporting read model.
//!
//! An operation whose complaint does not exist yet falls back to the step before it
//! (outcome → contact → receive; read → receive). Latency is per RPC, successful calls
//! only; refusals and transport errors are counted per RPC and a few are printed on stderr.
//! Loopback servers only: this is a benchmark, not a way to load a shared environment.
//!
//! [`mix`] draws the operations, [`worker`] is one client, [`stats`] what it measures and
//! [`report`] what a level adds up to.

mod mix;
mod report;
mod stats;
mod worker;

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

use anyhow::{bail, Context, Result};
use clap::Args;

use super::client::ClientArgs;
use mix::{parse_mix, Mix};
use report::LevelReport;
use stats::Stats;
use worker::Worker;

/// `redress bench`: where, who, how hard and for how long.
#[derive(Debug, Args)]
pub struct BenchArgs {
    #[command(flatten)]
    pub client: ClientArgs,
    /// Concurrency levels, run one after the other (e.g. 1,8,32,128).
    #[arg(long, value_delimiter = ',', default_value = "1,8,32,128",
          value_parser = clap::value_parser!(u32).range(1..=4096))]
    pub clients: Vec<u32>,
    /// Seconds per concurrency level.
    #[arg(long, default_value_t = 10.0)]
    pub duration: f64,
    /// At most this many operations per level (an operation is one step of the mix).
    #[arg(long, default_value_t = 1_000_000)]
    pub max_ops: u64,
    /// The team the token's crm belongs to; every complaint is received for it.
    #[arg(long)]
    pub team: String,
    /// Relative weights of the operations, e.g. receive=1,contact=1,outcome=1,read=2
    /// (names not given keep these defaults).
    #[arg(long, default_value = "receive=1,contact=1,outcome=1,read=2", value_parser = parse_mix)]
    pub mix: Mix,
}

/// Refuses anything but a loopback server address.
fn check_loopback(server: &str) -> Result<()> {
    let uri: tonic::codegen::http::Uri = server
        .parse()
        .with_context(|| format!("{server:?} is not a server address like http://host:port"))?;
    let host = uri.host().unwrap_or("");
    let host = host.trim_start_matches('[').trim_end_matches(']');
    let loopback = host == "localhost"
        || host
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback());
    if !loopback {
        bail!("redress bench only drives a server on this machine (127.0.0.1, ::1 or localhost), not {host:?}");
    }
    Ok(())
}

pub async fn run(args: BenchArgs) -> Result<()> {
    check_loopback(&args.client.server)?;
    if args.team.trim().is_empty() {
        bail!("--team must not be empty");
    }
    if !(args.duration > 0.0 && args.duration <= 3600.0) {
        bail!("--duration must be between 0 and 3600 seconds");
    }
    let run_id = format!(
        "{:x}",
        SystemTime::now()
            .duration_since(SystemTime::UNIX_EPOCH)
            .map(|d| d.as_millis())
            .unwrap_or(0)
    );
    let mut reports = Vec::new();
    for &clients in &args.clients {
        let report = run_level(&args, clients, &run_id).await?;
        for e in &report.error_samples {
            eprintln!("bench: {clients} clients: {e}");
        }
        if !args.client.json {
            println!("{}", report.text());
        }
        reports.push(report);
    }
    if args.client.json {
        println!(
            "{}",
            serde_json::to_string_pretty(&serde_json::json!({
                "mix": args.mix,
                "duration_s": args.duration,
                "levels": reports,
            }))?
        );
    }
    Ok(())
}

/// One concurrency level: connects its clients, then runs them until the time or the
/// operation budget is spent.
async fn run_level(args: &BenchArgs, clients: u32, run_id: &str) -> Result<LevelReport> {
    // Connections are opened before the clock starts.
    let mut workers = Vec::new();
    for c in 0..clients {
        workers.push(Worker::connect(args, clients, c, run_id).await?);
    }
    let duration = Duration::from_secs_f64(args.duration.max(0.1));
    let budget = Arc::new(AtomicU64::new(0));
    let max_ops = args.max_ops;
    let start = Instant::now();
    let deadline = start + duration;
    let mut tasks = Vec::new();
    for mut w in workers {
        let budget = budget.clone();
        tasks.push(tokio::spawn(async move {
            while Instant::now() < deadline && budget.fetch_add(1, Ordering::Relaxed) < max_ops {
                w.step().await;
            }
            w.stats
        }));
    }
    let mut stats = Stats::default();
    for t in tasks {
        stats.merge(t.await.context("a bench client panicked")?);
    }
    let secs = start.elapsed().as_secs_f64();
    let operations = budget.load(Ordering::Relaxed).min(max_ops);
    Ok(LevelReport::new(clients, stats, secs, operations))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_loopback_servers() {
        assert!(check_loopback("http://127.0.0.1:50051").is_ok());
        assert!(check_loopback("http://localhost:1").is_ok());
        assert!(check_loopback("http://[::1]:50051").is_ok());
        assert!(check_loopback("http://10.0.0.5:50051").is_err());
        assert!(check_loopback("https://redress.example.org").is_err());
    }
}
