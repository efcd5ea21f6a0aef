//! What must hold after a fault, checked straight on the database: every acknowledged
//! command is stored, no command was applied twice, projections catch up, and their read
//! models equal a rebuild from the events.

use std::collections::{BTreeMap, HashSet};
use std::time::{Duration, Instant};

use anyhow::{bail, ensure, Result};
use sqlx::PgPool;

use crate::load::Ack;

/// The advisory-lock namespaces of the projection runner and of exclusive work (the
/// calendar reactor), as `pg_locks.classid` shows them ("RDRS" and "RDRX").
const PROJECTION_LOCKS: i64 = 0x5244_5253;
const EXCLUSIVE_LOCKS: i64 = 0x5244_5258;

/// Every acknowledged command has its idempotency row, written in the events' transaction.
pub async fn acknowledged_are_stored(pool: &PgPool, acks: &[Ack]) -> Result<()> {
    let stored: HashSet<String> = sqlx::query_scalar("SELECT command_id FROM commands")
        .fetch_all(pool)
        .await?
        .into_iter()
        .collect();
    let missing: Vec<String> = acks
        .iter()
        .map(Ack::command_id)
        .filter(|c| !stored.contains(c))
        .collect();
    ensure!(
        missing.is_empty(),
        "{} of {} acknowledged commands are not in the store, e.g. {:?}",
        missing.len(),
        acks.len(),
        missing.first()
    );
    Ok(())
}

/// No command was applied twice: each command's events are exactly the range its
/// idempotency row names, no event lacks a row, and no complaint was received twice.
pub async fn nothing_duplicated(pool: &PgPool) -> Result<()> {
    let bad: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM (SELECT metadata->>'command_id' AS c, count(*) AS n \
         FROM events GROUP BY 1) e LEFT JOIN commands k ON k.command_id = e.c \
         WHERE k.command_id IS NULL OR e.n <> k.last_sequence - k.first_sequence + 1",
    )
    .fetch_one(pool)
    .await?;
    ensure!(bad == 0, "{bad} commands have missing or duplicated events");
    let twice: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM (SELECT aggregate_id FROM events \
         WHERE event_type = 'ComplaintReceived' GROUP BY 1 HAVING count(*) > 1) d",
    )
    .fetch_one(pool)
    .await?;
    ensure!(twice == 0, "{twice} complaints were received twice");
    Ok(())
}

/// Projections that have not applied every committed event (or have a rebuild pending).
async fn behind(pool: &PgPool) -> Result<i64> {
    Ok(sqlx::query_scalar(
        "SELECT count(*) FROM projection_checkpoints p WHERE p.rebuild_requested \
         OR EXISTS (SELECT 1 FROM events e \
                    WHERE (e.txid, e.position) > (p.txid::text::xid8, p.position))",
    )
    .fetch_one(pool)
    .await?)
}

/// Waits until all `projections` exist and have applied every event; returns how long.
pub async fn wait_caught_up(pool: &PgPool, projections: i64, within: Duration) -> Result<Duration> {
    let started = Instant::now();
    while started.elapsed() < within {
        let known: i64 = sqlx::query_scalar("SELECT count(*) FROM projection_checkpoints")
            .fetch_one(pool)
            .await?;
        if known >= projections && behind(pool).await? == 0 {
            return Ok(started.elapsed());
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    bail!("projections did not catch up within {within:?}")
}

/// Every read-model table's rows, as sorted text.
pub async fn read_models(pool: &PgPool) -> Result<BTreeMap<String, String>> {
    let tables: Vec<String> = sqlx::query_scalar(
        "SELECT tablename::text FROM pg_tables WHERE schemaname = current_schema() \
         AND tablename LIKE 'rm\\_%' ORDER BY 1",
    )
    .fetch_all(pool)
    .await?;
    ensure!(!tables.is_empty(), "no read-model tables");
    let mut out = BTreeMap::new();
    for table in tables {
        let rows: String = sqlx::query_scalar(&format!(
            "SELECT coalesce(string_agg(t::text, E'\\n' ORDER BY t::text), '') FROM {table} t"
        ))
        .fetch_one(pool)
        .await?;
        out.insert(table, rows);
    }
    Ok(out)
}

/// Rebuilds every projection from the first event and requires the read models to come
/// out exactly as they were.
pub async fn read_models_equal_a_rebuild(pool: &PgPool, projections: i64) -> Result<Duration> {
    let before = read_models(pool).await?;
    sqlx::query("UPDATE projection_checkpoints SET rebuild_requested = true")
        .execute(pool)
        .await?;
    sqlx::query("SELECT pg_notify('redress_events', '')")
        .execute(pool)
        .await?;
    let took = wait_caught_up(pool, projections, Duration::from_secs(300)).await?;
    let after = read_models(pool).await?;
    for (table, rows) in &before {
        let rebuilt = after.get(table).map(String::as_str).unwrap_or_default();
        if rows != rebuilt {
            let first = rows
                .lines()
                .zip(rebuilt.lines())
                .find(|(a, b)| a != b)
                .map(|(a, b)| format!("\n  live:    {a}\n  rebuilt: {b}"))
                .unwrap_or_default();
            bail!(
                "read model {table} differs from its rebuild ({} vs {} rows){first}",
                rows.lines().count(),
                rebuilt.lines().count()
            );
        }
    }
    Ok(took)
}

/// Projection locks held, per replica (`redress:<instance>` application name).
pub async fn projection_holders(pool: &PgPool) -> Result<BTreeMap<String, i64>> {
    locks_held(pool, PROJECTION_LOCKS).await
}

/// Who holds exclusive locks (the calendar reactor's).
pub async fn exclusive_holders(pool: &PgPool) -> Result<BTreeMap<String, i64>> {
    locks_held(pool, EXCLUSIVE_LOCKS).await
}

async fn locks_held(pool: &PgPool, namespace: i64) -> Result<BTreeMap<String, i64>> {
    let rows: Vec<(String, i64)> = sqlx::query_as(
        "SELECT a.application_name::text, count(*) FROM pg_locks l \
         JOIN pg_stat_activity a ON a.pid = l.pid \
         WHERE l.locktype = 'advisory' AND l.granted AND l.classid::bigint = $1 GROUP BY 1",
    )
    .bind(namespace)
    .fetch_all(pool)
    .await?;
    Ok(rows.into_iter().collect())
}

/// Connections each replica holds open on the database, by application name.
pub async fn connections(pool: &PgPool) -> Result<BTreeMap<String, i64>> {
    let rows: Vec<(String, i64)> = sqlx::query_as(
        "SELECT application_name::text, count(*) FROM pg_stat_activity \
         WHERE application_name LIKE 'redress:%' GROUP BY 1",
    )
    .fetch_all(pool)
    .await?;
    Ok(rows.into_iter().collect())
}
