//! The results of one concurrency level: per RPC, and for every command and every read
//! together; printed as a table per level, or (for `scripts/bench-grpc`) as JSON of every
//! level at the end.

use serde::Serialize;

use super::stats::{RpcStats, Stats, READ_RPCS};
use crate::cli::rows::{Cell, Column, Rows};

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

impl RpcRow {
    fn new(rpc: &str, s: &mut RpcStats, secs: f64) -> RpcRow {
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

impl LevelReport {
    /// What `clients` clients measured in `secs` seconds and `operations` operations.
    pub fn new(clients: u32, mut stats: Stats, secs: f64, operations: u64) -> LevelReport {
        let mut commands = RpcStats::default();
        let mut reads = RpcStats::default();
        let mut rpcs = Vec::new();
        for (rpc, s) in &mut stats.rpcs {
            if READ_RPCS.contains(rpc) {
                reads.add(s);
            } else {
                commands.add(s);
            }
            rpcs.push(RpcRow::new(rpc, s, secs));
        }
        LevelReport {
            clients,
            seconds: secs,
            operations,
            rpcs,
            commands: RpcRow::new("all commands", &mut commands, secs),
            reads: RpcRow::new("all reads", &mut reads, secs),
            error_samples: stats.error_samples,
        }
    }

    /// A heading line, then a table of every RPC and the two totals.
    pub fn text(&self) -> String {
        let mut rows = Rows::new([
            Column::new("rpc", "RPC"),
            Column::new("count", "count"),
            Column::new("per_sec", "per s"),
            Column::new("p50_ms", "p50 ms"),
            Column::new("p99_ms", "p99 ms"),
            Column::new("p999_ms", "p99.9 ms"),
            Column::new("errors", "errors"),
        ]);
        for r in self.rpcs.iter().chain([&self.commands, &self.reads]) {
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
            self.clients,
            self.seconds,
            self.operations,
            rows.text()
        )
    }
}
