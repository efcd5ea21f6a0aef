//! Shared test fixtures: a small counter aggregate and a logging projection.
#![allow(dead_code)]

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use async_trait::async_trait;
use cqrs_es::event_sink::EventSink;
use cqrs_es::{Aggregate, DomainEvent};
use redress_domain::{Actor, Role};
use redress_store::{
    Backend, CommandContext, Projection, ProjectionError, ProjectionTx, StoredEvent,
};
use serde::{Deserialize, Serialize};
use tokio::sync::Notify;

/// Runs an async test body on both databases.
#[macro_export]
macro_rules! both {
    ($name:ident) => {
        mod $name {
            #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
            async fn postgres() {
                super::$name(redress_store::Backend::Postgres).await
            }
            #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
            async fn sqlite() {
                super::$name(redress_store::Backend::Sqlite).await
            }
        }
    };
}

/// A counter: the smallest aggregate with multi-event commands, a failing command and a
/// no-op command.
#[derive(Debug, Default, Serialize, Deserialize)]
pub struct Counter {
    pub value: i64,
    pub events: u64,
}

#[derive(Debug, Clone, Deserialize)]
pub enum CounterCommand {
    Add { by: i64 },
    AddTwice { by: i64 },
    Fail,
    Noop,
}

/// Version 2.0: `note` was added; version 1.0 events lack it (see the upcaster test).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum CounterEvent {
    Added { by: i64, note: String },
}

impl DomainEvent for CounterEvent {
    fn event_type(&self) -> String {
        "Added".to_string()
    }
    fn event_version(&self) -> String {
        "2.0".to_string()
    }
}

#[derive(Debug, thiserror::Error)]
#[error("counter refused: {0}")]
pub struct CounterError(pub String);

impl Aggregate for Counter {
    const TYPE: &'static str = "counter";
    type Command = CounterCommand;
    type Event = CounterEvent;
    type Error = CounterError;
    type Services = ();

    async fn handle(
        &mut self,
        command: Self::Command,
        _service: &Self::Services,
        sink: &EventSink<Self>,
    ) -> Result<(), Self::Error> {
        match command {
            CounterCommand::Add { by } => {
                sink.write(
                    CounterEvent::Added {
                        by,
                        note: String::new(),
                    },
                    self,
                )
                .await;
            }
            CounterCommand::AddTwice { by } => {
                for _ in 0..2 {
                    sink.write(
                        CounterEvent::Added {
                            by,
                            note: "twice".into(),
                        },
                        self,
                    )
                    .await;
                }
            }
            CounterCommand::Fail => return Err(CounterError("always".into())),
            CounterCommand::Noop => {}
        }
        Ok(())
    }

    fn apply(&mut self, event: Self::Event) {
        match event {
            CounterEvent::Added { by, .. } => {
                self.value += by;
                self.events += 1;
            }
        }
    }
}

pub fn actor() -> Actor {
    Actor::new("u-1", Role::Crm, "crt-leeds")
}

pub fn ctx(command_id: impl Into<String>) -> CommandContext {
    CommandContext::new(command_id, actor())
}

pub fn new_id() -> String {
    uuid::Uuid::now_v7().to_string()
}

/// Records every event it sees, with the order it saw them and which runner applied it.
/// A re-delivered event increments `dup` instead of failing.
pub struct LogProjection {
    pub name: String,
    pub table: String,
    pub runner: String,
    /// When set, `apply` writes its rows, signals `entered`, then never returns (so a
    /// test can kill the runner mid-batch).
    pub stall: Arc<AtomicBool>,
    pub entered: Arc<Notify>,
}

impl LogProjection {
    pub fn new(name: &str, runner: &str) -> Self {
        Self {
            name: name.to_string(),
            table: format!("log_{name}"),
            runner: runner.to_string(),
            stall: Arc::new(AtomicBool::new(false)),
            entered: Arc::new(Notify::new()),
        }
    }
}

#[async_trait]
impl Projection for LogProjection {
    fn name(&self) -> &str {
        &self.name
    }

    async fn setup(&self, tx: &mut ProjectionTx<'_>) -> Result<(), ProjectionError> {
        let t = &self.table;
        tx.execute_script(&format!(
            "CREATE TABLE IF NOT EXISTS {t} (aggregate_id text NOT NULL, sequence bigint NOT NULL, \
             ord bigint NOT NULL, runner text NOT NULL, amount bigint NOT NULL, \
             actor text NOT NULL, dup bigint NOT NULL DEFAULT 0, \
             PRIMARY KEY (aggregate_id, sequence)); \
             CREATE TABLE IF NOT EXISTS {t}_meta (k integer PRIMARY KEY, n bigint NOT NULL);"
        ))
        .await?;
        Ok(())
    }

    async fn apply(
        &self,
        tx: &mut ProjectionTx<'_>,
        events: &[StoredEvent],
    ) -> Result<(), ProjectionError> {
        let t = &self.table;
        let mut n = tx
            .fetch_optional_i64(&format!("SELECT n FROM {t}_meta WHERE k = 1"), &[])
            .await?
            .unwrap_or(0);
        for e in events {
            n += 1;
            let CounterEvent::Added { by, .. } = e.decode::<CounterEvent>()?;
            let actor = e.meta().map(|m| m.actor_user_id).unwrap_or_default();
            tx.execute(
                &format!(
                    "INSERT INTO {t} (aggregate_id, sequence, ord, runner, amount, actor) \
                     VALUES ($1, $2, $3, $4, $5, $6) \
                     ON CONFLICT (aggregate_id, sequence) DO UPDATE SET dup = {t}.dup + 1"
                ),
                &[
                    e.aggregate_id.as_str().into(),
                    (e.sequence as i64).into(),
                    n.into(),
                    self.runner.as_str().into(),
                    by.into(),
                    actor.into(),
                ],
            )
            .await?;
        }
        tx.execute(
            &format!(
                "INSERT INTO {t}_meta (k, n) VALUES (1, $1) \
                 ON CONFLICT (k) DO UPDATE SET n = excluded.n"
            ),
            &[n.into()],
        )
        .await?;
        if self.stall.load(Ordering::SeqCst) {
            self.entered.notify_one();
            std::future::pending::<()>().await;
        }
        Ok(())
    }

    async fn reset(&self, tx: &mut ProjectionTx<'_>) -> Result<(), ProjectionError> {
        tx.truncate(&[&self.table, &format!("{}_meta", self.table)])
            .await?;
        Ok(())
    }
}

/// One row of a log projection's table.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct LogRow {
    pub aggregate_id: String,
    pub sequence: i64,
    pub ord: i64,
    pub runner: String,
    pub amount: i64,
    pub dup: i64,
}

/// Reads a log projection's rows, ordered by (aggregate_id, sequence).
pub async fn log_rows(store: &redress_store::Store, table: &str) -> Vec<LogRow> {
    let sql = format!(
        "SELECT aggregate_id, sequence, ord, runner, amount, dup FROM {table} \
         ORDER BY aggregate_id, sequence"
    );
    macro_rules! rows {
        ($pool:expr) => {{
            let rows: Vec<(String, i64, i64, String, i64, i64)> = sqlx::query_as(&sql)
                .fetch_all($pool)
                .await
                .unwrap_or_default();
            rows.into_iter()
                .map(
                    |(aggregate_id, sequence, ord, runner, amount, dup)| LogRow {
                        aggregate_id,
                        sequence,
                        ord,
                        runner,
                        amount,
                        dup,
                    },
                )
                .collect()
        }};
    }
    match store.backend() {
        Backend::Postgres => rows!(store.pg_pool().expect("pg")),
        Backend::Sqlite => rows!(store.sqlite_pool().expect("sqlite")),
    }
}

/// All (aggregate_id, sequence) pairs in the events table.
pub async fn all_event_keys(store: &redress_store::Store) -> Vec<(String, i64)> {
    let sql = "SELECT aggregate_id, sequence FROM events ORDER BY aggregate_id, sequence";
    match store.backend() {
        Backend::Postgres => sqlx::query_as(sql)
            .fetch_all(store.pg_pool().expect("pg"))
            .await
            .expect("events"),
        Backend::Sqlite => sqlx::query_as(sql)
            .fetch_all(store.sqlite_pool().expect("sqlite"))
            .await
            .expect("events"),
    }
}

/// Checks a log projection saw every committed event exactly once, and in an order
/// consistent with each aggregate's sequence.
pub async fn assert_exactly_once_in_order(store: &redress_store::Store, table: &str) {
    let rows = log_rows(store, table).await;
    let keys: Vec<(String, i64)> = rows
        .iter()
        .map(|r| (r.aggregate_id.clone(), r.sequence))
        .collect();
    let events = all_event_keys(store).await;
    if keys != events {
        let seen: std::collections::BTreeSet<_> = keys.iter().cloned().collect();
        let stored: std::collections::BTreeSet<_> = events.iter().cloned().collect();
        let missing: Vec<_> = stored.difference(&seen).take(10).collect();
        let extra: Vec<_> = seen.difference(&stored).take(10).collect();
        panic!(
            "projection saw {} events, store has {}; missing (first 10): {missing:?}; \
             not in store: {extra:?}",
            keys.len(),
            events.len()
        );
    }
    assert!(rows.iter().all(|r| r.dup == 0), "no event applied twice");
    let mut ords: Vec<i64> = rows.iter().map(|r| r.ord).collect();
    for w in rows.windows(2) {
        if w[0].aggregate_id == w[1].aggregate_id {
            assert_eq!(
                w[0].sequence + 1,
                w[1].sequence,
                "no gap in {}",
                w[0].aggregate_id
            );
            assert!(w[0].ord < w[1].ord, "order consistent with sequence: {w:?}");
        } else {
            assert_eq!(w[1].sequence, 1, "aggregate starts at 1");
        }
    }
    ords.sort_unstable();
    ords.dedup();
    assert_eq!(
        ords.len(),
        rows.len(),
        "each event delivered at a distinct point"
    );
}
