//! Case history: the audit trail of one complaint (every event: what, who, when). This is
//! the one read model that may hold personal data, and it keeps it apart: `data` is the
//! event without its `personal` field, `personal` holds that field alone (or NULL), so the
//! query API ([`crate::queries::ReadModels::case_history`]) returns personal data only when
//! the caller says the role may see it. Not a reporting table (SPEC P1).

use async_trait::async_trait;
use redress_domain::Complaint;
use redress_store::{Projection, ProjectionError, ProjectionTx, SqlValue, StoredEvent};

use serde_json::Value;
use tracing::Instrument;

use crate::db::us;

pub const CASE_HISTORY: &str = "rm_case_history";

#[derive(Debug, Default, Clone, Copy)]
pub struct CaseHistoryProjection;

/// Splits an event payload (`{"type", "data"}`) into the data without `personal` and the
/// `personal` value.
pub fn split_personal(payload: &Value) -> (Value, Option<Value>) {
    let mut data = payload.get("data").cloned().unwrap_or(Value::Null);
    let personal = data.as_object_mut().and_then(|o| o.remove("personal"));
    (data, personal)
}

#[async_trait]
impl Projection for CaseHistoryProjection {
    fn name(&self) -> &str {
        CASE_HISTORY
    }

    async fn setup(&self, tx: &mut ProjectionTx<'_>) -> Result<(), ProjectionError> {
        tx.execute_script(
            "CREATE TABLE IF NOT EXISTS rm_case_history (
                complaint_id TEXT NOT NULL,
                sequence BIGINT NOT NULL,
                event_type TEXT NOT NULL,
                occurred_us BIGINT,
                recorded_us BIGINT,
                actor_user_id TEXT,
                actor_role TEXT,
                actor_team TEXT,
                command_id TEXT,
                data TEXT NOT NULL,
                personal TEXT,
                PRIMARY KEY (complaint_id, sequence)
            )",
        )
        .await?;
        Ok(())
    }

    async fn apply(
        &self,
        tx: &mut ProjectionTx<'_>,
        events: &[StoredEvent],
    ) -> Result<(), ProjectionError> {
        let span = tracing::debug_span!(
            "case_history_batch",
            projection = CASE_HISTORY,
            events = events.len()
        );
        async {
            let mut batch = crate::batch::RowBatch::default();
            for e in events {
                if e.aggregate_type != <Complaint as cqrs_es::Aggregate>::TYPE {
                    continue;
                }
                let (mut data, personal) = split_personal(&e.payload);
                let time = |k: &str| -> Option<i64> {
                    data.get(k)
                        .and_then(Value::as_str)
                        .and_then(|s| s.parse::<chrono::DateTime<chrono::Utc>>().ok())
                        .map(us)
                };
                let occurred = time("occurred_at");
                let recorded = time("recorded_at");
                let actor = data.get("actor").cloned().unwrap_or(Value::Null);
                let s = |k: &str| actor.get(k).and_then(Value::as_str).map(str::to_string);
                let (user, role, team) = (s("user_id"), s("role"), s("team"));
                if let Some(o) = data.as_object_mut() {
                    for k in ["actor", "occurred_at", "recorded_at"] {
                        o.remove(k);
                    }
                }
                let command_id = e.meta().map(|m| m.command_id);
                batch.insert(
                    "rm_case_history",
                    &[
                        "complaint_id",
                        "sequence",
                        "event_type",
                        "occurred_us",
                        "recorded_us",
                        "actor_user_id",
                        "actor_role",
                        "actor_team",
                        "command_id",
                        "data",
                        "personal",
                    ],
                    vec![
                        e.aggregate_id.as_str().into(),
                        (e.sequence as i64).into(),
                        e.event_type.as_str().into(),
                        SqlValue::Int(occurred),
                        SqlValue::Int(recorded),
                        user.into(),
                        role.into(),
                        team.into(),
                        command_id.into(),
                        data.to_string().into(),
                        personal.map(|p| p.to_string()).into(),
                    ],
                );
            }
            // One multi-row insert per batch (the batch commits or rolls back whole, with
            // the checkpoint, so no row is ever inserted twice).
            batch.flush(tx).await?;
            Ok(())
        }
        .instrument(span)
        .await
    }

    async fn reset(&self, tx: &mut ProjectionTx<'_>) -> Result<(), ProjectionError> {
        tx.truncate(&["rm_case_history"]).await?;
        Ok(())
    }
}
