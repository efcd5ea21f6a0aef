//! Batched writes for the per-complaint read models: a batch of events touches each
//! complaint once, so its rows can be replaced with one `DELETE … IN (…)` per table and
//! multi-row `INSERT`s, and counter deltas summed in memory and applied with multi-row
//! upserts. Far fewer round trips than a statement per row (rebuild speed), same result.

use std::collections::{BTreeMap, BTreeSet};

use redress_store::{placeholders, values_list, ProjectionError, ProjectionTx, SqlValue};

/// At most this many parameters per statement (SQLite allows 32766, PostgreSQL 65535).
const MAX_PARAMS: usize = 20_000;

/// (table, key columns, counter column).
type CounterTable = (&'static str, &'static [&'static str], &'static str);

/// Row changes collected for one batch; see the module docs.
#[derive(Debug, Default)]
pub struct RowBatch {
    /// table → complaint ids whose rows are replaced.
    deletes: BTreeMap<&'static str, BTreeSet<String>>,
    /// (table, columns) → rows.
    inserts: BTreeMap<(&'static str, &'static [&'static str]), Vec<Vec<SqlValue>>>,
    /// (table, key columns, counter column) → key values → delta.
    counters: BTreeMap<CounterTable, BTreeMap<Vec<String>, i64>>,
}

impl RowBatch {
    /// Removes every row of `table` whose `complaint_id` is `id` (before this batch's
    /// inserts).
    pub fn delete(&mut self, table: &'static str, id: &str) {
        self.deletes
            .entry(table)
            .or_default()
            .insert(id.to_string());
    }

    /// Inserts one row.
    pub fn insert(
        &mut self,
        table: &'static str,
        columns: &'static [&'static str],
        row: Vec<SqlValue>,
    ) {
        debug_assert_eq!(columns.len(), row.len());
        self.inserts.entry((table, columns)).or_default().push(row);
    }

    /// Adds `delta` to the counter column of the row with these key values (creating it).
    pub fn add(
        &mut self,
        table: &'static str,
        key_columns: &'static [&'static str],
        counter: &'static str,
        key: Vec<String>,
        delta: i64,
    ) {
        *self
            .counters
            .entry((table, key_columns, counter))
            .or_default()
            .entry(key)
            .or_insert(0) += delta;
    }

    /// Writes everything: deletes, then inserts, then counters.
    pub async fn flush(self, tx: &mut ProjectionTx<'_>) -> Result<(), ProjectionError> {
        for (table, ids) in self.deletes {
            let ids: Vec<String> = ids.into_iter().collect();
            for chunk in ids.chunks(MAX_PARAMS) {
                let sql = format!(
                    "DELETE FROM {table} WHERE complaint_id IN ({})",
                    placeholders(1, chunk.len())
                );
                let params: Vec<SqlValue> = chunk.iter().map(|s| s.as_str().into()).collect();
                tx.execute(&sql, &params).await?;
            }
        }
        for ((table, columns), rows) in self.inserts {
            let per = (MAX_PARAMS / columns.len()).max(1);
            for chunk in rows.chunks(per) {
                let sql = format!(
                    "INSERT INTO {table} ({}) VALUES {}",
                    columns.join(", "),
                    values_list(columns.len(), chunk.len())
                );
                let params: Vec<SqlValue> = chunk.iter().flatten().cloned().collect();
                tx.execute(&sql, &params).await?;
            }
        }
        for ((table, keys, counter), deltas) in self.counters {
            let rows: Vec<(Vec<String>, i64)> =
                deltas.into_iter().filter(|(_, d)| *d != 0).collect();
            let width = keys.len() + 1;
            let per = (MAX_PARAMS / width).max(1);
            for chunk in rows.chunks(per) {
                let sql = format!(
                    "INSERT INTO {table} ({}, {counter}) VALUES {} ON CONFLICT ({}) \
                     DO UPDATE SET {counter} = {table}.{counter} + excluded.{counter}",
                    keys.join(", "),
                    values_list(width, chunk.len()),
                    keys.join(", ")
                );
                let mut params: Vec<SqlValue> = Vec::with_capacity(chunk.len() * width);
                for (k, d) in chunk {
                    params.extend(k.iter().map(|v| SqlValue::from(v.as_str())));
                    params.push((*d).into());
                }
                tx.execute(&sql, &params).await?;
            }
        }
        Ok(())
    }
}
