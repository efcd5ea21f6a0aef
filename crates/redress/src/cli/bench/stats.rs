//! What a bench client measures: per RPC, the latency of each successful call (a
//! histogram read by nearest rank) and the refusals, with the first few kept to show.

use std::collections::BTreeMap;
use std::future::Future;
use std::time::{Duration, Instant};

use tonic::Status;

use crate::cli::client;

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

/// One RPC's successful latencies and refusals.
#[derive(Debug, Default, Clone)]
pub struct RpcStats {
    pub latency: Histogram,
    pub errors: u64,
}

impl RpcStats {
    /// Adds `other`'s calls to these.
    pub fn add(&mut self, other: &RpcStats) {
        self.latency.merge(&other.latency);
        self.errors += other.errors;
    }
}

/// Refusals kept to show, per client and per level.
const ERROR_SAMPLES: usize = 5;

/// Everything one client (or, merged, one level) measured.
#[derive(Debug, Default)]
pub struct Stats {
    pub rpcs: BTreeMap<&'static str, RpcStats>,
    /// The first few refusals, to show what went wrong.
    pub error_samples: Vec<String>,
}

impl Stats {
    pub fn merge(&mut self, other: Stats) {
        for (rpc, s) in other.rpcs {
            self.rpcs.entry(rpc).or_default().add(&s);
        }
        for e in other.error_samples {
            if self.error_samples.len() < ERROR_SAMPLES {
                self.error_samples.push(e);
            }
        }
    }
}

/// Times one call and records it under `rpc`; the response on success.
pub async fn timed<T>(
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
            if stats.error_samples.len() < ERROR_SAMPLES {
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
pub const READ_RPCS: [&str; 2] = ["GetComplaint", "ListAtRiskDeadlines"];

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
}
