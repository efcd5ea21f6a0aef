//! SPEC S2, R5: the Systemic Log read model: every SystemicIssue with its linked
//! complaints and its action log (problem, action, lead, date added, progress, target).

use async_trait::async_trait;
use redress_domain::{Scope, SystemicEvent, SystemicIssue};
use redress_store::{Projection, ProjectionError, ProjectionTx, StoredEvent};
use tracing::Instrument;

use crate::db::{tx_fetch, us};

pub const SYSTEMIC_LOG: &str = "rm_systemic_log";

#[derive(Debug, Default, Clone, Copy)]
pub struct SystemicLogProjection;

#[async_trait]
impl Projection for SystemicLogProjection {
    fn name(&self) -> &str {
        SYSTEMIC_LOG
    }

    async fn setup(&self, tx: &mut ProjectionTx<'_>) -> Result<(), ProjectionError> {
        for stmt in [
            "CREATE TABLE IF NOT EXISTS rm_systemic_issues (
                issue_id TEXT PRIMARY KEY,
                team TEXT NOT NULL,
                scope TEXT NOT NULL,
                scope_team TEXT NOT NULL,
                category TEXT NOT NULL,
                description TEXT NOT NULL,
                from_alert TEXT,
                status TEXT NOT NULL,
                raised_by TEXT NOT NULL,
                raised_us BIGINT NOT NULL,
                resolved_us BIGINT,
                resolution TEXT
            )",
            "CREATE INDEX IF NOT EXISTS rm_systemic_issues_team ON rm_systemic_issues (team, status)",
            "CREATE TABLE IF NOT EXISTS rm_systemic_issue_complaints (
                issue_id TEXT NOT NULL,
                complaint_id TEXT NOT NULL,
                linked_us BIGINT NOT NULL,
                PRIMARY KEY (issue_id, complaint_id)
            )",
            "CREATE TABLE IF NOT EXISTS rm_systemic_actions (
                issue_id TEXT NOT NULL,
                action_id TEXT NOT NULL,
                problem TEXT NOT NULL,
                action TEXT NOT NULL,
                lead TEXT NOT NULL,
                date_added TEXT NOT NULL,
                target_date TEXT NOT NULL,
                progress TEXT NOT NULL,
                PRIMARY KEY (issue_id, action_id)
            )",
        ] {
            tx.execute_script(stmt).await?;
        }
        Ok(())
    }

    async fn apply(
        &self,
        tx: &mut ProjectionTx<'_>,
        events: &[StoredEvent],
    ) -> Result<(), ProjectionError> {
        let span = tracing::debug_span!(
            "systemic_log_batch",
            projection = SYSTEMIC_LOG,
            events = events.len()
        );
        async {
            for e in events {
                if e.aggregate_type != <SystemicIssue as cqrs_es::Aggregate>::TYPE {
                    continue;
                }
                let id = e.aggregate_id.as_str();
                match e.decode::<SystemicEvent>()? {
                    SystemicEvent::Raised {
                        meta,
                        issue_id,
                        team,
                        scope,
                        category,
                        linked_complaints,
                        description,
                        from_alert,
                        ..
                    } => {
                        let (scope, scope_team) = match scope {
                            Scope::National => ("national", String::new()),
                            Scope::Local { team } => ("local", team),
                        };
                        tx.execute(
                            "INSERT INTO rm_systemic_issues (issue_id, team, scope, scope_team, category, \
                             description, from_alert, status, raised_by, raised_us, resolved_us, resolution) \
                             VALUES ($1, $2, $3, $4, $5, $6, $7, 'open', $8, $9, NULL, NULL) \
                             ON CONFLICT (issue_id) DO NOTHING",
                            &[
                                id.into(),
                                team.into(),
                                scope.into(),
                                scope_team.into(),
                                category.into(),
                                description.into(),
                                from_alert.into(),
                                meta.actor.user_id.into(),
                                us(meta.occurred_at).into(),
                            ],
                        )
                        .await?;
                        let _ = issue_id;
                        for c in linked_complaints {
                            link(tx, id, &c, us(meta.occurred_at)).await?;
                        }
                    }
                    SystemicEvent::ComplaintLinked { meta, complaint_id } => {
                        link(tx, id, &complaint_id, us(meta.occurred_at)).await?;
                    }
                    SystemicEvent::ActionAdded {
                        action_id,
                        problem,
                        action,
                        lead,
                        date_added,
                        target_date,
                        ..
                    } => {
                        tx.execute(
                            "INSERT INTO rm_systemic_actions (issue_id, action_id, problem, action, lead, \
                             date_added, target_date, progress) VALUES ($1, $2, $3, $4, $5, $6, $7, '[]') \
                             ON CONFLICT (issue_id, action_id) DO NOTHING",
                            &[
                                id.into(),
                                action_id.into(),
                                problem.into(),
                                action.into(),
                                lead.into(),
                                date_added.to_string().into(),
                                target_date.to_string().into(),
                            ],
                        )
                        .await?;
                    }
                    SystemicEvent::ActionProgressed {
                        meta,
                        action_id,
                        update,
                    } => {
                        let rows = tx_fetch(
                            tx,
                            "SELECT progress FROM rm_systemic_actions WHERE issue_id = $1 AND action_id = $2",
                            &[id.into(), action_id.as_str().into()],
                        )
                        .await?;
                        let Some(row) = rows.first() else { continue };
                        let mut progress: Vec<ProgressEntry> =
                            serde_json::from_str(&row[0].text0())?;
                        progress.push(ProgressEntry {
                            at: meta.occurred_at,
                            by: meta.actor.user_id,
                            update,
                        });
                        tx.execute(
                            "UPDATE rm_systemic_actions SET progress = $3 WHERE issue_id = $1 AND action_id = $2",
                            &[
                                id.into(),
                                action_id.into(),
                                serde_json::to_string(&progress)?.into(),
                            ],
                        )
                        .await?;
                    }
                    SystemicEvent::Resolved { meta, summary } => {
                        tx.execute(
                            "UPDATE rm_systemic_issues SET status = 'resolved', resolved_us = $2, \
                             resolution = $3 WHERE issue_id = $1",
                            &[id.into(), us(meta.occurred_at).into(), summary.into()],
                        )
                        .await?;
                    }
                }
            }
            Ok(())
        }
        .instrument(span)
        .await
    }

    async fn reset(&self, tx: &mut ProjectionTx<'_>) -> Result<(), ProjectionError> {
        tx.truncate(&[
            "rm_systemic_issues",
            "rm_systemic_issue_complaints",
            "rm_systemic_actions",
        ])
        .await?;
        Ok(())
    }
}

/// One progress update on a Systemic Log action.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ProgressEntry {
    pub at: chrono::DateTime<chrono::Utc>,
    pub by: String,
    pub update: String,
}

async fn link(
    tx: &mut ProjectionTx<'_>,
    issue: &str,
    complaint: &str,
    at: i64,
) -> Result<(), ProjectionError> {
    tx.execute(
        "INSERT INTO rm_systemic_issue_complaints (issue_id, complaint_id, linked_us) \
         VALUES ($1, $2, $3) ON CONFLICT (issue_id, complaint_id) DO NOTHING",
        &[issue.into(), complaint.into(), at.into()],
    )
    .await?;
    Ok(())
}
