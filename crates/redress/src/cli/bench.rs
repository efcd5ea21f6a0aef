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
//! - `read`: [`reporting_query`]: GetComplaint of one of its complaints, picked at random,
//!   then the team's at-risk deadlines from the reporting read model.
//!
//! An operation whose complaint does not exist yet falls back to the step before it
//! (outcome → contact → receive; read → receive). Latency is per RPC, successful calls
//! only; refusals and transport errors are counted per RPC and a few are printed on stderr.
//! Loopback servers only: this is a benchmark, not a way to load a shared environment.

use std::collections::{BTreeMap, VecDeque};
use std::future::Future;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

use anyhow::{bail, Context, Result};
use clap::Args;
use redress_api::pb;
use redress_api::pb::complaint_service_client::ComplaintServiceClient;
use redress_api::pb::reporting_service_client::ReportingServiceClient;
use serde::Serialize;
use tonic::Status;

use super::client::{self, AuthedChannel, ClientArgs};
use super::input::fresh_request_id;
use super::rows::{Cell, Column, Rows};

// ---------------------------------------------------------------------------------------
// Arguments
// ---------------------------------------------------------------------------------------

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

/// Relative weights of the four operations.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Mix {
    pub receive: u32,
    pub contact: u32,
    pub outcome: u32,
    pub read: u32,
}

impl Default for Mix {
    fn default() -> Self {
        Mix {
            receive: 1,
            contact: 1,
            outcome: 1,
            read: 2,
        }
    }
}

/// `receive=1,contact=2,…`; names not given keep their defaults, at least one weight > 0.
pub fn parse_mix(s: &str) -> Result<Mix, String> {
    let mut mix = Mix::default();
    for part in s.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        let (name, weight) = part
            .split_once('=')
            .ok_or_else(|| format!("{part:?} is not like receive=1"))?;
        let weight: u32 = weight
            .trim()
            .parse()
            .map_err(|_| format!("{part:?}: the weight must be a whole number"))?;
        match name.trim() {
            "receive" => mix.receive = weight,
            "contact" => mix.contact = weight,
            "outcome" => mix.outcome = weight,
            "read" => mix.read = weight,
            other => {
                return Err(format!(
                    "unknown operation {other:?}: use receive, contact, outcome or read"
                ))
            }
        }
    }
    if mix.receive + mix.contact + mix.outcome + mix.read == 0 {
        return Err("at least one weight must be above 0".into());
    }
    Ok(mix)
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

// ---------------------------------------------------------------------------------------
// Latency histogram
// ---------------------------------------------------------------------------------------

/// Latencies in microseconds; percentiles by nearest rank over the sorted samples.
#[derive(Debug, Clone, Default)]
pub struct Histogram {
    micros: Vec<u64>,
    sorted: bool,
}

impl Histogram {
    pub fn record(&mut self, d: Duration) {
        self.micros
            .push(u64::try_from(d.as_micros()).unwrap_or(u64::MAX));
        self.sorted = false;
    }

    pub fn merge(&mut self, other: &Histogram) {
        self.micros.extend_from_slice(&other.micros);
        self.sorted = false;
    }

    pub fn len(&self) -> usize {
        self.micros.len()
    }

    /// The smallest sample with at least `p` (0..=1) of all samples at or below it (nearest
    /// rank); `None` when empty.
    pub fn percentile(&mut self, p: f64) -> Option<u64> {
        if self.micros.is_empty() {
            return None;
        }
        if !self.sorted {
            self.micros.sort_unstable();
            self.sorted = true;
        }
        let n = self.micros.len();
        let rank = (p.clamp(0.0, 1.0) * n as f64).ceil() as usize;
        self.micros.get(rank.clamp(1, n) - 1).copied()
    }

    /// A percentile in milliseconds, 0 when empty.
    pub fn percentile_ms(&mut self, p: f64) -> f64 {
        self.percentile(p).map_or(0.0, |us| us as f64 / 1000.0)
    }
}

// ---------------------------------------------------------------------------------------
// Per-client statistics
// ---------------------------------------------------------------------------------------

#[derive(Debug, Default, Clone)]
struct RpcStats {
    latency: Histogram,
    errors: u64,
}

#[derive(Debug, Default)]
struct Stats {
    rpcs: BTreeMap<&'static str, RpcStats>,
    /// The first few refusals, to show what went wrong.
    error_samples: Vec<String>,
}

impl Stats {
    fn merge(&mut self, other: Stats) {
        for (rpc, s) in other.rpcs {
            let mine = self.rpcs.entry(rpc).or_default();
            mine.latency.merge(&s.latency);
            mine.errors += s.errors;
        }
        for e in other.error_samples {
            if self.error_samples.len() < 5 {
                self.error_samples.push(e);
            }
        }
    }
}

/// Times one call and records it under `rpc`; the response on success.
async fn timed<T>(
    stats: &mut Stats,
    rpc: &'static str,
    call: impl Future<Output = Result<tonic::Response<T>, Status>>,
) -> Option<T> {
    let start = Instant::now();
    let result = call.await;
    let elapsed = start.elapsed();
    let entry = stats.rpcs.entry(rpc).or_default();
    match result {
        Ok(response) => {
            entry.latency.record(elapsed);
            Some(response.into_inner())
        }
        Err(status) => {
            entry.errors += 1;
            if stats.error_samples.len() < 5 {
                stats
                    .error_samples
                    .push(format!("{rpc}: {}", client::describe(&status)));
            }
            None
        }
    }
}

/// The read RPCs; every other RPC changes state (a "command", compared with the store's
/// command throughput).
const READ_RPCS: [&str; 2] = ["GetComplaint", "ListAtRiskDeadlines"];

// ---------------------------------------------------------------------------------------
// One client
// ---------------------------------------------------------------------------------------

type Client = ComplaintServiceClient<AuthedChannel>;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Op {
    Receive,
    Contact,
    Outcome,
    Read,
}

/// A small xorshift generator: the mix only needs to be varied, not unpredictable.
#[derive(Debug, Clone)]
struct Rng(u64);

impl Rng {
    fn new(seed: u64) -> Self {
        Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }
    fn next_u64(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.0 = x;
        x
    }
    fn below(&mut self, n: u64) -> u64 {
        if n == 0 {
            0
        } else {
            self.next_u64() % n
        }
    }
}

fn pick(mix: &Mix, rng: &mut Rng) -> Op {
    let total = u64::from(mix.receive + mix.contact + mix.outcome + mix.read);
    let mut r = rng.below(total);
    for (w, op) in [
        (mix.receive, Op::Receive),
        (mix.contact, Op::Contact),
        (mix.outcome, Op::Outcome),
        (mix.read, Op::Read),
    ] {
        let w = u64::from(w);
        if r < w {
            return op;
        }
        r -= w;
    }
    Op::Read
}

fn ts<T: From<SystemTime>>(t: SystemTime) -> T {
    T::from(t)
}

#[derive(Debug)]
struct Worker {
    client: Client,
    reporting: ReportingServiceClient<AuthedChannel>,
    team: String,
    mix: Mix,
    rng: Rng,
    /// Prefix of this client's complaint ids, unique per run, level and client.
    prefix: String,
    next_id: u64,
    received: VecDeque<String>,
    contacted: VecDeque<String>,
    all: Vec<String>,
    stats: Stats,
}

impl Worker {
    /// One operation of the mix, falling back to the step before when it has nothing to
    /// work on.
    async fn step(&mut self) {
        let mut op = pick(&self.mix, &mut self.rng);
        if op == Op::Outcome && self.contacted.is_empty() {
            op = Op::Contact;
        }
        if op == Op::Contact && self.received.is_empty() {
            op = Op::Receive;
        }
        if op == Op::Read && self.all.is_empty() {
            op = Op::Receive;
        }
        match op {
            Op::Receive => self.receive().await,
            Op::Contact => {
                if let Some(name) = self.received.pop_front() {
                    self.contact(name).await;
                }
            }
            Op::Outcome => {
                if let Some(name) = self.contacted.pop_front() {
                    self.outcome(name).await;
                }
            }
            Op::Read => {
                let i = self.rng.below(self.all.len() as u64) as usize;
                if let Some(name) = self.all.get(i).cloned() {
                    reporting_query(
                        &mut self.client,
                        &mut self.reporting,
                        &self.team,
                        &mut self.stats,
                        &name,
                    )
                    .await;
                }
            }
        }
    }

    async fn receive(&mut self) {
        self.next_id += 1;
        let id = format!("{}-{}", self.prefix, self.next_id);
        let received = SystemTime::now() - Duration::from_secs(600);
        let request = pb::ReceiveComplaintRequest {
            complaint_id: id.clone(),
            request_id: fresh_request_id(),
            receive_time: Some(ts(received)),
            channel: pb::Channel::Phone.into(),
            categories: vec!["payment_delay".into()],
            team: self.team.clone(),
            region: pb::Region::EnglandAndWales.into(),
            flags: None,
            complainant: Some(pb::ComplainantDetails {
                display_name: "Bench Complainant".into(),
                phone: "01130000000".into(),
                preferred_contact: pb::ContactMethod::Phone.into(),
                ..Default::default()
            }),
        };
        let call = self.client.receive_complaint(request);
        if timed(&mut self.stats, "ReceiveComplaint", call)
            .await
            .is_some()
        {
            let name = format!("complaints/{id}");
            self.received.push_back(name.clone());
            self.all.push(name);
        }
    }

    async fn contact(&mut self, name: String) {
        let call = self
            .client
            .record_investigation_step(pb::RecordInvestigationStepRequest {
                name: name.clone(),
                request_id: fresh_request_id(),
                step: pb::InvestigationStepKind::SystemsEvidenceGathered.into(),
                evidence_id: "e1".into(),
                description: "payment history".into(),
                validated: true,
                ..Default::default()
            });
        if timed(&mut self.stats, "RecordInvestigationStep", call)
            .await
            .is_none()
        {
            return;
        }
        let call = self
            .client
            .record_initial_contact(pb::RecordInitialContactRequest {
                name: name.clone(),
                request_id: fresh_request_id(),
                method: pb::ContactMethod::Phone.into(),
                issues: vec![pb::ComplaintIssue {
                    issue_id: "i1".into(),
                    summary: "payment was late".into(),
                }],
                resolution_sought: "pay what is owed".into(),
                ..Default::default()
            });
        if timed(&mut self.stats, "RecordInitialContact", call)
            .await
            .is_some()
        {
            self.contacted.push_back(name);
        }
    }

    /// Root cause to closure; stops at the first refusal.
    async fn outcome(&mut self, name: String) {
        let s = &mut self.stats;
        let c = &mut self.client;
        let call = c.record_root_cause(pb::RecordRootCauseRequest {
            name: name.clone(),
            request_id: fresh_request_id(),
            root_cause: Some(pb::RootCause {
                what_happened: "payment issued late".into(),
                what_should_have_happened: "payment on time".into(),
                mistakes: "none found".into(),
                root_cause: "bank holiday processing".into(),
            }),
            ..Default::default()
        });
        if timed(s, "RecordRootCause", call).await.is_none() {
            return;
        }
        let call = c.record_findings(pb::RecordFindingsRequest {
            name: name.clone(),
            request_id: fresh_request_id(),
            findings: vec![pb::Finding {
                issue_id: "i1".into(),
                upheld: false,
                evidence_ids: vec!["e1".into()],
                reasoning: "paid on the due date".into(),
            }],
            ..Default::default()
        });
        if timed(s, "RecordFindings", call).await.is_none() {
            return;
        }
        let call = c.decide_outcome(pb::DecideOutcomeRequest {
            name: name.clone(),
            request_id: fresh_request_id(),
            outcome: pb::Outcome::NotUpheld.into(),
            summary: "payment was made on time".into(),
            ..Default::default()
        });
        if timed(s, "DecideOutcome", call).await.is_none() {
            return;
        }
        let call = c.communicate_outcome(pb::CommunicateOutcomeRequest {
            name: name.clone(),
            request_id: fresh_request_id(),
            method: pb::ContactMethod::Phone.into(),
            ..Default::default()
        });
        if timed(s, "CommunicateOutcome", call).await.is_none() {
            return;
        }
        let call = c.signpost_complaint(pb::SignpostComplaintRequest {
            name: name.clone(),
            request_id: fresh_request_id(),
            ..Default::default()
        });
        if timed(s, "SignpostComplaint", call).await.is_none() {
            return;
        }
        let call = c.close_complaint(pb::CloseComplaintRequest {
            name,
            request_id: fresh_request_id(),
            ..Default::default()
        });
        timed(s, "CloseComplaint", call).await;
    }
}

/// The "reporting query" of the mix. For now the reads the ComplaintService offers: the
/// complaint itself and the first page of its history. When the ReportingService lands,
/// switch this one function to its queries (and name the RPCs after them).
/// A read: the case itself, then the team's at-risk deadlines (first page) from the
/// reporting read model, as a case manager's screen would.
async fn reporting_query(
    client: &mut Client,
    reporting: &mut ReportingServiceClient<AuthedChannel>,
    team: &str,
    stats: &mut Stats,
    name: &str,
) {
    let call = client.get_complaint(pb::GetComplaintRequest {
        name: name.to_owned(),
    });
    timed(stats, "GetComplaint", call).await;
    let call = reporting.list_at_risk_deadlines(pb::ListAtRiskDeadlinesRequest {
        team: team.to_owned(),
        page_size: 50,
        ..Default::default()
    });
    timed(stats, "ListAtRiskDeadlines", call).await;
}

// ---------------------------------------------------------------------------------------
// Levels and reports
// ---------------------------------------------------------------------------------------

/// One row of the report.
#[derive(Debug, Clone, Serialize)]
pub struct RpcRow {
    pub rpc: String,
    pub count: usize,
    pub per_sec: f64,
    pub p50_ms: f64,
    pub p99_ms: f64,
    pub p999_ms: f64,
    pub errors: u64,
}

fn row(rpc: &str, s: &mut RpcStats, secs: f64) -> RpcRow {
    RpcRow {
        rpc: rpc.to_owned(),
        count: s.latency.len(),
        per_sec: if secs > 0.0 {
            s.latency.len() as f64 / secs
        } else {
            0.0
        },
        p50_ms: s.latency.percentile_ms(0.50),
        p99_ms: s.latency.percentile_ms(0.99),
        p999_ms: s.latency.percentile_ms(0.999),
        errors: s.errors,
    }
}

/// The results at one concurrency level.
#[derive(Debug, Clone, Serialize)]
pub struct LevelReport {
    pub clients: u32,
    pub seconds: f64,
    pub operations: u64,
    /// Per RPC, by name.
    pub rpcs: Vec<RpcRow>,
    /// Every state-changing RPC together.
    pub commands: RpcRow,
    /// Every read together.
    pub reads: RpcRow,
    pub error_samples: Vec<String>,
}

async fn run_level(args: &BenchArgs, clients: u32, run_id: &str) -> Result<LevelReport> {
    // Connections are opened before the clock starts.
    let mut workers = Vec::new();
    for c in 0..clients {
        let channel = client::connect(&args.client).await?;
        let client = ComplaintServiceClient::new(channel.clone())
            .max_decoding_message_size(64 * 1024 * 1024);
        let reporting = ReportingServiceClient::new(channel);
        workers.push(Worker {
            client,
            reporting,
            team: args.team.clone(),
            mix: args.mix,
            rng: Rng::new(u64::from(c) + 1 + u64::from(clients) * 7919),
            prefix: format!("bench-{run_id}-{clients}-{c}"),
            next_id: 0,
            received: VecDeque::new(),
            contacted: VecDeque::new(),
            all: Vec::new(),
            stats: Stats::default(),
        });
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
    let mut commands = RpcStats::default();
    let mut reads = RpcStats::default();
    let mut rpcs = Vec::new();
    for (rpc, s) in &mut stats.rpcs {
        let total = if READ_RPCS.contains(rpc) {
            &mut reads
        } else {
            &mut commands
        };
        total.latency.merge(&s.latency);
        total.errors += s.errors;
        rpcs.push(row(rpc, s, secs));
    }
    Ok(LevelReport {
        clients,
        seconds: secs,
        operations,
        rpcs,
        commands: row("all commands", &mut commands, secs),
        reads: row("all reads", &mut reads, secs),
        error_samples: stats.error_samples,
    })
}

fn render(report: &LevelReport) -> String {
    let mut rows = Rows::new([
        Column::new("rpc", "RPC"),
        Column::new("count", "count"),
        Column::new("per_sec", "per s"),
        Column::new("p50_ms", "p50 ms"),
        Column::new("p99_ms", "p99 ms"),
        Column::new("p999_ms", "p99.9 ms"),
        Column::new("errors", "errors"),
    ]);
    for r in report.rpcs.iter().chain([&report.commands, &report.reads]) {
        rows.push([
            Cell::text(&r.rpc),
            Cell::number(r.count),
            Cell::decimal(r.per_sec, 1),
            Cell::decimal(r.p50_ms, 2),
            Cell::decimal(r.p99_ms, 2),
            Cell::decimal(r.p999_ms, 2),
            Cell::number(r.errors),
        ]);
    }
    format!(
        "{} clients, {:.1} s, {} operations\n{}",
        report.clients,
        report.seconds,
        report.operations,
        rows.text()
    )
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
            println!("{}", render(&report));
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

#[cfg(test)]
mod tests {
    use super::*;

    fn hist(micros: impl IntoIterator<Item = u64>) -> Histogram {
        let mut h = Histogram::default();
        for us in micros {
            h.record(Duration::from_micros(us));
        }
        h
    }

    #[test]
    fn percentiles_are_nearest_rank() {
        // 1..=1000 µs shuffled: the p-th percentile is the ceil(p·n)-th smallest.
        let mut h = hist((1..=1000).map(|i| (i * 7919) % 1000 + 1));
        assert_eq!(h.len(), 1000);
        assert_eq!(h.percentile(0.50), Some(500));
        assert_eq!(h.percentile(0.99), Some(990));
        assert_eq!(h.percentile(0.999), Some(999));
        assert_eq!(h.percentile(1.0), Some(1000));
        assert_eq!(h.percentile(0.0), Some(1));
        assert!((h.percentile_ms(0.5) - 0.5).abs() < 1e-9);
    }

    #[test]
    fn small_and_empty_histograms() {
        let mut empty = Histogram::default();
        assert_eq!(empty.percentile(0.5), None);
        assert_eq!(empty.percentile_ms(0.99), 0.0);
        let mut one = hist([42]);
        assert_eq!(one.percentile(0.5), Some(42));
        assert_eq!(one.percentile(0.999), Some(42));
        // Two samples: p50 is the lower, anything above is the higher.
        let mut two = hist([10, 20]);
        assert_eq!(two.percentile(0.5), Some(10));
        assert_eq!(two.percentile(0.51), Some(20));
        // p99.9 of 100 samples is the largest: the tail is not averaged away.
        let mut tail = hist((0..99).map(|_| 1).chain([5000]));
        assert_eq!(tail.percentile(0.99), Some(1));
        assert_eq!(tail.percentile(0.999), Some(5000));
    }

    #[test]
    fn merging_and_recording_after_a_read_keeps_order() {
        let mut a = hist([5, 1]);
        assert_eq!(a.percentile(1.0), Some(5));
        a.record(Duration::from_micros(3));
        a.merge(&hist([0, 9]));
        assert_eq!(a.len(), 5);
        assert_eq!(a.percentile(0.5), Some(3));
        assert_eq!(a.percentile(1.0), Some(9));
    }

    #[test]
    fn mix_parses_with_defaults() {
        assert_eq!(parse_mix(""), Ok(Mix::default()));
        let m = parse_mix("read=0, receive=3").expect("parses");
        assert_eq!((m.receive, m.contact, m.outcome, m.read), (3, 1, 1, 0));
        assert!(parse_mix("write=1").is_err());
        assert!(parse_mix("read").is_err());
        assert!(parse_mix("read=-1").is_err());
        assert!(parse_mix("receive=0,contact=0,outcome=0,read=0").is_err());
    }

    #[test]
    fn picks_follow_the_weights() {
        let mix = parse_mix("receive=1,contact=0,outcome=0,read=3").expect("parses");
        let mut rng = Rng::new(1);
        let picks: Vec<Op> = (0..4000).map(|_| pick(&mix, &mut rng)).collect();
        let reads = picks.iter().filter(|&&o| o == Op::Read).count();
        assert!(!picks.contains(&Op::Contact) && !picks.contains(&Op::Outcome));
        assert!((2800..3200).contains(&reads), "{reads}");
    }

    #[test]
    fn only_loopback_servers() {
        assert!(check_loopback("http://127.0.0.1:50051").is_ok());
        assert!(check_loopback("http://localhost:1").is_ok());
        assert!(check_loopback("http://[::1]:50051").is_ok());
        assert!(check_loopback("http://10.0.0.5:50051").is_err());
        assert!(check_loopback("https://redress.example.org").is_err());
    }
}
