//! Prometheus metrics on their own port (`--metrics-listen`): the exporter, and a sampler
//! that turns state into gauges every few seconds: projection lag (events and seconds, and
//! on a separate read replica how far its read models trail the primary), open deadlines at risk
//! and breached per team (as of now, so they move with time), and database pool usage.
//! Request, command and projection-batch metrics are recorded where they happen.

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::time::Duration;

use anyhow::{Context, Result};
use chrono::Utc;
use metrics_exporter_prometheus::PrometheusBuilder;
use redress_api::AppState;
use redress_api::ServicesInForce;
use redress_domain::DeadlineStatus;
use redress_projections::queries::{AtRiskRequest, DeadlineFilter};
use redress_projections::ReadModels;
use redress_store::Store;

/// Latency buckets in seconds, from 1 ms to 10 s.
const BUCKETS: &[f64] = &[
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
];

/// Serves `/metrics` on `addr` for the rest of the process.
pub fn serve_metrics(addr: SocketAddr) -> Result<()> {
    PrometheusBuilder::new()
        .with_http_listener(addr)
        .set_buckets(BUCKETS)
        .context("invalid histogram buckets")?
        .install()
        .with_context(|| format!("cannot serve metrics on {addr}"))?;
    tracing::info!(%addr, "Prometheus metrics at /metrics");
    Ok(())
}

/// Samples gauges every `every` until aborted.
pub async fn sample_gauges(state: AppState, every: Duration) {
    loop {
        sample_once(&state).await;
        tokio::time::sleep(every).await;
    }
}

async fn sample_once(state: &AppState) {
    let store = &state.store;
    if let Ok(statuses) = store.projection_status().await {
        for s in statuses {
            let name = s.name.clone();
            metrics::gauge!("redress_projection_lag_events", "projection" => name.clone())
                .set(s.lag as f64);
            metrics::gauge!("redress_projection_lag_seconds", "projection" => name)
                .set(s.lag_seconds);
        }
    }
    let separate_reads = !state.reads.same_database(store);
    if separate_reads {
        if let Ok(lags) = store.replica_lag(&state.reads).await {
            for (name, (events, seconds)) in lags {
                metrics::gauge!("redress_read_replica_lag_events", "projection" => name.clone())
                    .set(events as f64);
                metrics::gauge!("redress_read_replica_lag_seconds", "projection" => name)
                    .set(seconds);
            }
        }
    }
    pool_gauges("primary", store);
    if separate_reads {
        pool_gauges("read_replica", &state.reads);
    }
    deadline_gauges(&state.reads, &state.services).await;
}

/// Open deadlines at risk and breached per team, as of now.
async fn deadline_gauges(reads: &Store, services: &ServicesInForce) {
    let current = services.current();
    let models = ReadModels::new(
        reads.clone(),
        current.policies.clone(),
        current.calendars.clone(),
    );
    let mut per_team: BTreeMap<(String, &'static str), u64> = BTreeMap::new();
    let mut token = String::new();
    loop {
        let request = AtRiskRequest {
            as_of: Utc::now(),
            filter: DeadlineFilter::All,
            page_size: 1000,
            page_token: token,
        };
        let Ok(page) = models.deadlines_at_risk(&request).await else {
            return;
        };
        for d in &page.items {
            let status = match d.status {
                DeadlineStatus::AtRisk => "at_risk",
                DeadlineStatus::Breached => "breached",
                _ => continue,
            };
            *per_team.entry((d.team.clone(), status)).or_default() += 1;
        }
        if page.next_page_token.is_empty() {
            break;
        }
        token = page.next_page_token;
    }
    for ((team, status), n) in per_team {
        let name = if status == "at_risk" {
            "redress_deadlines_at_risk"
        } else {
            "redress_deadlines_breached"
        };
        metrics::gauge!(name, "team" => team).set(n as f64);
    }
}

fn pool_gauges(database: &'static str, store: &Store) {
    let (size, idle) = match (store.pg_pool(), store.sqlite_pool()) {
        (Some(pool), _) => (pool.size(), pool.num_idle()),
        (None, Some(pool)) => (pool.size(), pool.num_idle()),
        (None, None) => return,
    };
    let idle = idle as f64;
    metrics::gauge!("redress_db_pool_connections", "database" => database, "state" => "idle")
        .set(idle);
    metrics::gauge!("redress_db_pool_connections", "database" => database, "state" => "active")
        .set(f64::from(size) - idle);
}
