//! Store benchmarks on PostgreSQL (each run in a fresh database):
//!
//! 1. command throughput and p50/p99 latency at 1, 8 and 32 concurrent clients through
//!    `Store::execute`, against raw sqlx transactions inserting the same rows (one event row
//!    plus one idempotency row) in the same run;
//! 2. projection catch-up rate over a pre-filled store, and full rebuild time;
//! 3. aggregate load time with 10 and 2,000 events, snapshots on.
//!
//! Runs only under `cargo bench` (which passes `--bench`); under `cargo test --all-targets`
//! it exits at once.

use std::sync::Arc;
use std::time::{Duration, Instant};

use async_trait::async_trait;
use cqrs_es::event_sink::EventSink;
use cqrs_es::{Aggregate, DomainEvent};
use redress_domain::{Actor, Role};
use redress_store::testing::TestDatabase;
use redress_store::{
    CommandContext, Projection, ProjectionError, ProjectionRunner, ProjectionTx, RunnerConfig,
    Store, StoredEvent,
};
use serde::{Deserialize, Serialize};

#[derive(Debug, Default, Serialize, Deserialize)]
struct Counter {
    value: i64,
}

#[derive(Debug, Clone, Deserialize)]
enum Cmd {
    Add { by: i64 },
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
enum Ev {
    Added { by: i64 },
}

impl DomainEvent for Ev {
    fn event_type(&self) -> String {
        "Added".into()
    }
    fn event_version(&self) -> String {
        "1.0".into()
    }
}

#[derive(Debug, thiserror::Error)]
#[error("never")]
struct Never;

impl Aggregate for Counter {
    const TYPE: &'static str = "counter";
    type Command = Cmd;
    type Event = Ev;
    type Error = Never;
    type Services = ();

    async fn handle(&mut self, c: Cmd, _: &(), sink: &EventSink<Self>) -> Result<(), Never> {
        let Cmd::Add { by } = c;
        sink.write(Ev::Added { by }, self).await;
        Ok(())
    }

    fn apply(&mut self, e: Ev) {
        let Ev::Added { by } = e;
        self.value += by;
    }
}

fn ctx() -> CommandContext {
    CommandContext::new(
        uuid::Uuid::now_v7().to_string(),
        Actor::new("bench", Role::Crm, "crt"),
    )
}

struct Stats {
    ops: usize,
    secs: f64,
    p50_ms: f64,
    p99_ms: f64,
}

impl Stats {
    fn from(mut lat: Vec<Duration>, secs: f64) -> Self {
        lat.sort_unstable();
        let pct = |p: f64| {
            let i = ((lat.len() as f64 * p) as usize).min(lat.len().saturating_sub(1));
            lat.get(i).map_or(0.0, |d| d.as_secs_f64() * 1000.0)
        };
        Self {
            ops: lat.len(),
            secs,
            p50_ms: pct(0.50),
            p99_ms: pct(0.99),
        }
    }
    fn rate(&self) -> f64 {
        self.ops as f64 / self.secs
    }
}

const RUN: Duration = Duration::from_secs(5);

/// Each client runs commands on its own aggregates (round robin over 20) for `RUN`.
async fn store_clients(store: &Store, clients: usize) -> Stats {
    let start = Instant::now();
    let mut tasks = Vec::new();
    for c in 0..clients {
        let store = store.clone();
        tasks.push(tokio::spawn(async move {
            let mut lat = Vec::new();
            let mut i = 0usize;
            while start.elapsed() < RUN {
                let id = format!("c{clients}-{c}-{}", i % 20);
                let t = Instant::now();
                store
                    .execute::<Counter>(&id, Cmd::Add { by: 1 }, &ctx(), &())
                    .await
                    .expect("execute");
                lat.push(t.elapsed());
                i += 1;
            }
            lat
        }));
    }
    let mut all = Vec::new();
    for t in tasks {
        all.extend(t.await.expect("join"));
    }
    Stats::from(all, start.elapsed().as_secs_f64())
}

/// The same rows (event + idempotency record, one transaction) through raw sqlx; the
/// client tracks its own sequence numbers, so there is no read.
async fn raw_clients(pool: &sqlx::PgPool, clients: usize, serialize: bool) -> Stats {
    let start = Instant::now();
    let run = uuid::Uuid::now_v7().simple().to_string();
    let mut tasks = Vec::new();
    for c in 0..clients {
        let pool = pool.clone();
        let run = run.clone();
        tasks.push(tokio::spawn(async move {
            let mut lat = Vec::new();
            let mut seqs = [0i64; 20];
            let mut i = 0usize;
            let meta = serde_json::to_value(ctx().metadata()).expect("json");
            let payload = serde_json::json!({"Added": {"by": 1}});
            while start.elapsed() < RUN {
                let id = format!("raw-{run}-{c}-{}", i % 20);
                seqs[i % 20] += 1;
                let seq = seqs[i % 20];
                let t = Instant::now();
                let mut tx = pool.begin().await.expect("begin");
                if serialize {
                    // The alternative design: one appender at a time, so positions commit
                    // in order and a plain "position > checkpoint" reader is safe.
                    sqlx::query("SELECT pg_advisory_xact_lock(42)")
                        .execute(&mut *tx)
                        .await
                        .expect("lock");
                }
                sqlx::query(
                    "INSERT INTO events (aggregate_type, aggregate_id, sequence, event_type, \
                     event_version, payload, metadata) VALUES ($1, $2, $3, $4, $5, $6, $7)",
                )
                .bind("counter")
                .bind(&id)
                .bind(seq)
                .bind("Added")
                .bind("1.0")
                .bind(&payload)
                .bind(&meta)
                .execute(&mut *tx)
                .await
                .expect("insert");
                sqlx::query(
                    "INSERT INTO commands (command_id, aggregate_type, aggregate_id, \
                     first_sequence, last_sequence) VALUES ($1, $2, $3, $4, $4)",
                )
                .bind(uuid::Uuid::now_v7().to_string())
                .bind("counter")
                .bind(&id)
                .bind(seq)
                .execute(&mut *tx)
                .await
                .expect("insert");
                tx.commit().await.expect("commit");
                lat.push(t.elapsed());
                i += 1;
            }
            lat
        }));
    }
    let mut all = Vec::new();
    for t in tasks {
        all.extend(t.await.expect("join"));
    }
    Stats::from(all, start.elapsed().as_secs_f64())
}

/// Applies nothing: measures the runner itself (feed reads and checkpoint writes).
struct Null;

#[async_trait]
impl Projection for Null {
    fn name(&self) -> &str {
        "null"
    }
    async fn apply(
        &self,
        _tx: &mut ProjectionTx<'_>,
        _events: &[StoredEvent],
    ) -> Result<(), ProjectionError> {
        Ok(())
    }
    async fn reset(&self, _tx: &mut ProjectionTx<'_>) -> Result<(), ProjectionError> {
        Ok(())
    }
}

/// One upsert per event: a typical read model.
struct Totals;

#[async_trait]
impl Projection for Totals {
    fn name(&self) -> &str {
        "totals"
    }
    async fn setup(&self, tx: &mut ProjectionTx<'_>) -> Result<(), ProjectionError> {
        tx.execute_script(
            "CREATE TABLE IF NOT EXISTS totals (aggregate_id text PRIMARY KEY, \
             total bigint NOT NULL, events bigint NOT NULL)",
        )
        .await?;
        Ok(())
    }
    async fn apply(
        &self,
        tx: &mut ProjectionTx<'_>,
        events: &[StoredEvent],
    ) -> Result<(), ProjectionError> {
        for e in events {
            let Ev::Added { by } = e.decode::<Ev>()?;
            tx.execute(
                "INSERT INTO totals (aggregate_id, total, events) VALUES ($1, $2, 1) \
                 ON CONFLICT (aggregate_id) DO UPDATE SET total = totals.total + excluded.total, \
                 events = totals.events + 1",
                &[e.aggregate_id.as_str().into(), by.into()],
            )
            .await?;
        }
        Ok(())
    }
    async fn reset(&self, tx: &mut ProjectionTx<'_>) -> Result<(), ProjectionError> {
        tx.truncate(&["totals"]).await?;
        Ok(())
    }
}

async fn wait_caught_up(store: &Store, name: &str) -> Duration {
    let t = Instant::now();
    while !store
        .wait_for_projection(name, Duration::from_secs(3600))
        .await
        .expect("status")
    {}
    t.elapsed()
}

#[tokio::main]
async fn main() {
    if !std::env::args().any(|a| a == "--bench") {
        return;
    }
    let clients_list = [1usize, 8, 32];

    // 1. Command throughput vs raw inserts.
    let db = TestDatabase::postgres().await;
    let mut cfg = db.config();
    cfg.max_connections = 40;
    let store = db.store_with(cfg).await;
    let pool = store.pg_pool().expect("pg").clone();
    println!(
        "## Command throughput (PostgreSQL, {}s per cell)",
        RUN.as_secs()
    );
    println!(
        "| clients | store cmd/s | p50 ms | p99 ms | raw tx/s | p50 ms | p99 ms | store/raw \
         | raw serialised tx/s |"
    );
    println!("|---|---|---|---|---|---|---|---|---|");
    for clients in clients_list {
        // Raw before and after the store run, averaged, to cancel drift on a shared machine.
        let raw1 = raw_clients(&pool, clients, false).await;
        let st = store_clients(&store, clients).await;
        let raw2 = raw_clients(&pool, clients, false).await;
        let serial = raw_clients(&pool, clients, true).await;
        let raw_rate = (raw1.rate() + raw2.rate()) / 2.0;
        println!(
            "| {clients} | {:.0} | {:.2} | {:.2} | {:.0} | {:.2} | {:.2} | {:.0}% | {:.0} |",
            st.rate(),
            st.p50_ms,
            st.p99_ms,
            raw_rate,
            (raw1.p50_ms + raw2.p50_ms) / 2.0,
            (raw1.p99_ms + raw2.p99_ms) / 2.0,
            100.0 * st.rate() / raw_rate,
            serial.rate()
        );
    }
    store.close().await;
    db.cleanup().await;

    // 2. Projection catch-up and rebuild.
    let n: i64 = std::env::var("REDRESS_BENCH_EVENTS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(100_000);
    let db = TestDatabase::postgres().await;
    let store = db.store().await;
    let pool = store.pg_pool().expect("pg").clone();
    let t = Instant::now();
    sqlx::query(
        "INSERT INTO events (aggregate_type, aggregate_id, sequence, event_type, event_version, \
         payload, metadata) \
         SELECT 'counter', 'agg-' || (i % 1000), i / 1000 + 1, 'Added', '1.0', \
                '{\"Added\":{\"by\":1}}', '{\"command_id\":\"bulk\"}' \
         FROM generate_series(0, $1 - 1) AS i",
    )
    .bind(n)
    .execute(&pool)
    .await
    .expect("fill");
    println!("\n## Projection catch-up (PostgreSQL, {n} events over 1000 aggregates)");
    println!("fill: {:.1}s", t.elapsed().as_secs_f64());
    let runner = ProjectionRunner::new(store.clone(), RunnerConfig::default())
        .with(Arc::new(Null))
        .start();
    let catch_up = wait_caught_up(&store, "null").await;
    println!(
        "catch-up, no-op projection (batch 500; runner + feed only): {:.1}s = {:.0} events/s",
        catch_up.as_secs_f64(),
        n as f64 / catch_up.as_secs_f64()
    );
    runner.stop().await;
    let runner = ProjectionRunner::new(store.clone(), RunnerConfig::default())
        .with(Arc::new(Totals))
        .start();
    let catch_up = wait_caught_up(&store, "totals").await;
    println!(
        "catch-up (batch 500, one upsert per event): {:.1}s = {:.0} events/s",
        catch_up.as_secs_f64(),
        n as f64 / catch_up.as_secs_f64()
    );
    let t = Instant::now();
    store.request_rebuild("totals").await.expect("rebuild");
    tokio::time::sleep(Duration::from_millis(50)).await;
    wait_caught_up(&store, "totals").await;
    println!(
        "full rebuild (reset + replay): {:.1}s",
        t.elapsed().as_secs_f64()
    );
    runner.stop().await;
    store.close().await;
    db.cleanup().await;

    // 3. Load time by history length.
    println!("\n## Aggregate load time (PostgreSQL)");
    println!("| events | snapshots (every 100) | mean load ms |");
    println!("|---|---|---|");
    for snapshot_size in [100usize, 0] {
        let db = TestDatabase::postgres().await;
        let mut cfg = db.config();
        cfg.snapshot_size = snapshot_size;
        let store = db.store_with(cfg).await;
        for len in [10usize, 2000] {
            let id = format!("len-{len}");
            for _ in 0..len {
                store
                    .execute::<Counter>(&id, Cmd::Add { by: 1 }, &ctx(), &())
                    .await
                    .expect("execute");
            }
            let iters = 200;
            let t = Instant::now();
            for _ in 0..iters {
                let (c, _) = store.load::<Counter>(&id).await.expect("load");
                assert_eq!(c.value, len as i64);
            }
            println!(
                "| {len} | {} | {:.3} |",
                if snapshot_size > 0 { "on" } else { "off" },
                t.elapsed().as_secs_f64() * 1000.0 / iters as f64
            );
        }
        store.close().await;
        db.cleanup().await;
    }
}
