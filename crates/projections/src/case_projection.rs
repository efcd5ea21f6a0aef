//! One generic projection shape for the per-complaint read models: a state table holding
//! each complaint's [`CaseSummary`] (JSON, no personal data) and a [`CaseModel`] that turns
//! the old and new summary into row changes. Per batch the projection loads the summaries
//! of the complaints it touches (one query), folds their events purely, and lets the model
//! write; the runner commits the rows and the checkpoint together.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use async_trait::async_trait;
use redress_domain::{Complaint, ComplaintEvent};
use redress_store::{
    placeholders, Projection, ProjectionError, ProjectionTx, SqlValue, StoredEvent,
};
use tracing::Instrument;

use crate::batch::RowBatch;
use crate::case::CaseSummary;
use crate::db::tx_fetch;

/// A per-complaint read model.
pub trait CaseModel: Send + Sync + 'static {
    /// Projection name (checkpoint key).
    fn name(&self) -> &'static str;
    /// `CREATE TABLE/INDEX IF NOT EXISTS …` statements, portable across both databases.
    fn ddl(&self) -> Vec<String>;
    /// The model's tables (emptied on reset), not counting the state table.
    fn tables(&self) -> Vec<&'static str>;
    /// Records the row changes from `old` to `new` for one complaint (flushed once per
    /// batch: deletes, then inserts, then counter deltas).
    fn write(&self, batch: &mut RowBatch, old: Option<&CaseSummary>, new: &CaseSummary);
}

/// Runs a [`CaseModel`] as a [`Projection`].
#[derive(Debug)]
pub struct CaseProjection<M> {
    model: M,
    state_table: String,
}

impl<M: CaseModel> CaseProjection<M> {
    pub fn new(model: M) -> Self {
        let state_table = format!("{}_state", model.name());
        Self { model, state_table }
    }

    pub fn shared(model: M) -> Arc<dyn Projection> {
        Arc::new(Self::new(model))
    }

    pub fn model(&self) -> &M {
        &self.model
    }
}

/// Complaint events of a batch, decoded and grouped by complaint in feed order.
pub(crate) fn complaint_events(
    events: &[StoredEvent],
) -> Result<Vec<(String, Vec<ComplaintEvent>)>, ProjectionError> {
    let mut order: Vec<String> = Vec::new();
    let mut groups: HashMap<String, Vec<ComplaintEvent>> = HashMap::new();
    for e in events {
        if e.aggregate_type != <Complaint as cqrs_es::Aggregate>::TYPE {
            continue;
        }
        let ev: ComplaintEvent = e.decode()?;
        let entry = groups.entry(e.aggregate_id.clone()).or_insert_with(|| {
            order.push(e.aggregate_id.clone());
            Vec::new()
        });
        entry.push(ev);
    }
    Ok(order
        .into_iter()
        .map(|id| {
            let evs = groups.remove(&id).unwrap_or_default();
            (id, evs)
        })
        .collect())
}

/// Loads the stored summaries of `ids` from `table` (columns `complaint_id`, `state`).
pub(crate) async fn load_states(
    tx: &mut ProjectionTx<'_>,
    table: &str,
    ids: &[String],
) -> Result<BTreeMap<String, CaseSummary>, ProjectionError> {
    let mut out = BTreeMap::new();
    for chunk in ids.chunks(200) {
        let sql = format!(
            "SELECT complaint_id, state FROM {table} WHERE complaint_id IN ({})",
            placeholders(1, chunk.len())
        );
        let params: Vec<SqlValue> = chunk.iter().map(|s| s.as_str().into()).collect();
        for row in tx_fetch(tx, &sql, &params).await? {
            let s: CaseSummary = serde_json::from_str(&row[1].text0())?;
            out.insert(row[0].text0(), s);
        }
    }
    Ok(out)
}

/// Upserts the summaries (multi-row, a few hundred per statement).
pub(crate) async fn save_states(
    tx: &mut ProjectionTx<'_>,
    table: &str,
    states: &[CaseSummary],
) -> Result<(), ProjectionError> {
    for chunk in states.chunks(500) {
        let values = (0..chunk.len())
            .map(|i| format!("(${}, ${})", 2 * i + 1, 2 * i + 2))
            .collect::<Vec<_>>()
            .join(", ");
        let mut params = Vec::with_capacity(chunk.len() * 2);
        for s in chunk {
            params.push(SqlValue::from(s.complaint_id.as_str()));
            params.push(serde_json::to_string(s)?.into());
        }
        tx.execute(
            &format!(
                "INSERT INTO {table} (complaint_id, state) VALUES {values} \
                 ON CONFLICT (complaint_id) DO UPDATE SET state = excluded.state"
            ),
            &params,
        )
        .await?;
    }
    Ok(())
}

#[async_trait]
impl<M: CaseModel> Projection for CaseProjection<M> {
    fn name(&self) -> &str {
        self.model.name()
    }

    async fn setup(&self, tx: &mut ProjectionTx<'_>) -> Result<(), ProjectionError> {
        tx.execute_script(&format!(
            "CREATE TABLE IF NOT EXISTS {} (complaint_id TEXT PRIMARY KEY, state TEXT NOT NULL)",
            self.state_table
        ))
        .await?;
        for stmt in self.model.ddl() {
            tx.execute_script(&stmt).await?;
        }
        Ok(())
    }

    async fn apply(
        &self,
        tx: &mut ProjectionTx<'_>,
        events: &[StoredEvent],
    ) -> Result<(), ProjectionError> {
        let span = tracing::debug_span!(
            "case_projection_batch",
            projection = self.model.name(),
            events = events.len(),
            complaints = tracing::field::Empty,
        );
        async {
            let groups = complaint_events(events)?;
            tracing::Span::current().record("complaints", groups.len());
            if groups.is_empty() {
                return Ok(());
            }
            let ids: Vec<String> = groups.iter().map(|(id, _)| id.clone()).collect();
            let mut states = load_states(tx, &self.state_table, &ids).await?;
            let mut batch = RowBatch::default();
            let mut changed = Vec::new();
            for (id, evs) in groups {
                let old = states.remove(&id);
                let mut new = old.clone();
                for e in &evs {
                    match &mut new {
                        Some(s) => s.apply(e),
                        None => new = CaseSummary::start(e),
                    }
                }
                let Some(new) = new else {
                    tracing::warn!(complaint_id = %id, "events before ComplaintReceived skipped");
                    continue;
                };
                if old.as_ref() == Some(&new) {
                    continue;
                }
                self.model.write(&mut batch, old.as_ref(), &new);
                changed.push(new);
            }
            batch.flush(tx).await?;
            save_states(tx, &self.state_table, &changed).await?;
            Ok(())
        }
        .instrument(span)
        .await
    }

    async fn reset(&self, tx: &mut ProjectionTx<'_>) -> Result<(), ProjectionError> {
        let mut tables = self.model.tables();
        tables.push(&self.state_table);
        tx.truncate(&tables).await?;
        Ok(())
    }
}
