//! SPEC S1: systemic-trend detection, as a projection.
//!
//! ## The rule
//! When a complaint is received, or recategorised into a category, then for that category
//! and each scope (its team, "local"; and "national"):
//! 1. if the category/scope has an **open alert** at the complaint's `received_at`, the
//!    complaint joins it;
//! 2. otherwise the complaints of that category and scope received within
//!    `[received − window, received]` (window = policy `trend.window_months`, default one
//!    calendar month) are counted, and when the count reaches the policy threshold
//!    (default 3) an alert is raised naming them all.
//!
//! ## When an alert stops being open
//! An alert is open at instant `t` while `t <= expires`, where
//! `expires = latest member's received_at + window`: i.e. as long as the trailing window of
//! some member still covers `t`. Every complaint that joins pushes `expires` out; once a
//! whole window passes with no new complaint in that category/scope the alert lapses, and
//! the next complaint starts a fresh count (and possibly a new alert). Deciding by event
//! time (`received_at`), not by the projection's clock, keeps the fold deterministic, so a
//! rebuild gives the same alerts. Raising a Systemic Log issue from an alert (S2,
//! `from_alert`) records the issue on the alert but does not close it: later complaints
//! still join, so the manager sees them and can link them to the issue.
//!
//! ## Recategorisation
//! Counts follow recategorisation (C16): a complaint leaving a category leaves its count
//! and any alert of that category (the alert's `expires` is recomputed from the remaining
//! members; an alert left with no member lapses); a complaint entering a category is
//! treated as a receipt in that category.
//!
//! ## Cost
//! Each step is an index range scan: `(category, received_us)` nationally and
//! `(category, team, received_us)` locally for the count, `(category, scope, team,
//! expires_us)` for the open alert: O(log n) plus the size of one window.

use std::collections::BTreeSet;
use std::sync::Arc;

use async_trait::async_trait;
use chrono::{DateTime, Months, Utc};
use redress_domain::{Complaint, ComplaintEvent, PolicyBook, SystemicEvent, SystemicIssue};
use redress_store::{Projection, ProjectionError, ProjectionTx, SqlValue, StoredEvent};
use tracing::Instrument;

use crate::db::{tx_fetch, us};

pub const TRENDS: &str = "rm_trends";

/// The two scopes of S1.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum TrendScope {
    National,
    Local(String),
}

impl TrendScope {
    /// `(scope, team)` columns; national alerts have an empty team.
    pub fn columns(&self) -> (&'static str, &str) {
        match self {
            TrendScope::National => ("national", ""),
            TrendScope::Local(t) => ("local", t.as_str()),
        }
    }
}

/// The stable id of an alert raised by `complaint_id`'s arrival in a category/scope.
pub fn alert_id(category: &str, scope: &TrendScope, complaint_id: &str) -> String {
    match scope {
        TrendScope::National => format!("trend:national:{category}:{complaint_id}"),
        TrendScope::Local(team) => format!("trend:local:{team}:{category}:{complaint_id}"),
    }
}

/// `received − months` (calendar months, clamped to the month's end).
pub fn window_start(received: DateTime<Utc>, months: u32) -> DateTime<Utc> {
    received
        .checked_sub_months(Months::new(months))
        .unwrap_or(received)
}

/// `received + months`.
pub fn window_end(received: DateTime<Utc>, months: u32) -> DateTime<Utc> {
    received
        .checked_add_months(Months::new(months))
        .unwrap_or(received)
}

/// The trend-detection projection (S1); see the module docs.
#[derive(Debug, Clone)]
pub struct TrendProjection {
    policies: Arc<PolicyBook>,
}

impl TrendProjection {
    pub fn new(policies: Arc<PolicyBook>) -> Self {
        Self { policies }
    }

    fn params(&self, policy_version: &str) -> (u32, u32) {
        let p = self
            .policies
            .get(policy_version)
            .unwrap_or_else(|| self.policies.current());
        (p.trend.window_months, p.trend.threshold)
    }

    async fn on_category_added(
        &self,
        tx: &mut ProjectionTx<'_>,
        complaint_id: &str,
        team: &str,
        category: &str,
        received: DateTime<Utc>,
        policy_version: &str,
    ) -> Result<(), ProjectionError> {
        tx.execute(
            "INSERT INTO rm_trend_members (complaint_id, category, team, received_us) \
             VALUES ($1, $2, $3, $4) ON CONFLICT (complaint_id, category) DO NOTHING",
            &[
                complaint_id.into(),
                category.into(),
                team.into(),
                us(received).into(),
            ],
        )
        .await?;
        let (months, threshold) = self.params(policy_version);
        for scope in [TrendScope::Local(team.to_string()), TrendScope::National] {
            let (scope_col, team_col) = scope.columns();
            let open = tx_fetch(
                tx,
                "SELECT alert_id, last_received_us FROM rm_trend_alerts \
                 WHERE category = $1 AND scope = $2 AND team = $3 AND expires_us >= $4 \
                 ORDER BY last_received_us DESC, alert_id DESC LIMIT 1",
                &[
                    category.into(),
                    scope_col.into(),
                    team_col.into(),
                    us(received).into(),
                ],
            )
            .await?;
            if let Some(row) = open.first() {
                let id = row[0].text0();
                let last = row[1].int0().max(us(received));
                let last_t = crate::db::from_us(last).unwrap_or(received);
                tx.execute(
                    "INSERT INTO rm_trend_alert_members (alert_id, complaint_id, received_us) \
                     VALUES ($1, $2, $3) ON CONFLICT (alert_id, complaint_id) DO NOTHING",
                    &[id.as_str().into(), complaint_id.into(), us(received).into()],
                )
                .await?;
                tx.execute(
                    "UPDATE rm_trend_alerts SET last_received_us = $2, expires_us = $3 \
                     WHERE alert_id = $1",
                    &[
                        id.as_str().into(),
                        last.into(),
                        us(window_end(last_t, months)).into(),
                    ],
                )
                .await?;
                continue;
            }
            let lo = us(window_start(received, months));
            let sql = match scope {
                TrendScope::National => {
                    "SELECT complaint_id, received_us FROM rm_trend_members \
                     WHERE category = $1 AND received_us >= $2 AND received_us <= $3"
                }
                TrendScope::Local(_) => {
                    "SELECT complaint_id, received_us FROM rm_trend_members \
                     WHERE category = $1 AND received_us >= $2 AND received_us <= $3 AND team = $4"
                }
            };
            let mut params: Vec<SqlValue> = vec![category.into(), lo.into(), us(received).into()];
            if let TrendScope::Local(t) = &scope {
                params.push(t.as_str().into());
            }
            let members = tx_fetch(tx, sql, &params).await?;
            if (members.len() as u64) < u64::from(threshold) {
                continue;
            }
            let id = alert_id(category, &scope, complaint_id);
            let last = members
                .iter()
                .map(|r| r[1].int0())
                .max()
                .unwrap_or(us(received));
            let last_t = crate::db::from_us(last).unwrap_or(received);
            let first = members
                .iter()
                .map(|r| r[1].int0())
                .min()
                .unwrap_or(us(received));
            tx.execute(
                "INSERT INTO rm_trend_alerts (alert_id, category, scope, team, raised_by, \
                 raised_at_us, first_received_us, last_received_us, expires_us, threshold, issue_id) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, NULL) \
                 ON CONFLICT (alert_id) DO NOTHING",
                &[
                    id.as_str().into(),
                    category.into(),
                    scope_col.into(),
                    team_col.into(),
                    complaint_id.into(),
                    us(received).into(),
                    first.into(),
                    last.into(),
                    us(window_end(last_t, months)).into(),
                    i64::from(threshold).into(),
                ],
            )
            .await?;
            for m in &members {
                tx.execute(
                    "INSERT INTO rm_trend_alert_members (alert_id, complaint_id, received_us) \
                     VALUES ($1, $2, $3) ON CONFLICT (alert_id, complaint_id) DO NOTHING",
                    &[id.as_str().into(), m[0].text0().into(), m[1].int0().into()],
                )
                .await?;
            }
            tracing::info!(alert_id = %id, category, scope = scope_col, members = members.len(), "trend alert raised");
        }
        Ok(())
    }

    async fn on_category_removed(
        &self,
        tx: &mut ProjectionTx<'_>,
        complaint_id: &str,
        category: &str,
        policy_version: &str,
    ) -> Result<(), ProjectionError> {
        let (months, _) = self.params(policy_version);
        tx.execute(
            "DELETE FROM rm_trend_members WHERE complaint_id = $1 AND category = $2",
            &[complaint_id.into(), category.into()],
        )
        .await?;
        let alerts = tx_fetch(
            tx,
            "SELECT m.alert_id FROM rm_trend_alert_members m \
             JOIN rm_trend_alerts a ON a.alert_id = m.alert_id \
             WHERE m.complaint_id = $1 AND a.category = $2",
            &[complaint_id.into(), category.into()],
        )
        .await?;
        for a in alerts {
            let id = a[0].text0();
            tx.execute(
                "DELETE FROM rm_trend_alert_members WHERE alert_id = $1 AND complaint_id = $2",
                &[id.as_str().into(), complaint_id.into()],
            )
            .await?;
            let last = tx_fetch(
                tx,
                "SELECT MAX(received_us) FROM rm_trend_alert_members WHERE alert_id = $1",
                &[id.as_str().into()],
            )
            .await?;
            let last = last.first().and_then(|r| r[0].int());
            // No member left: the alert lapses (expires before any instant).
            let (last_us, expires) = match last.and_then(crate::db::from_us) {
                Some(t) => (us(t), us(window_end(t, months))),
                None => (i64::MIN / 2, i64::MIN / 2),
            };
            tx.execute(
                "UPDATE rm_trend_alerts SET last_received_us = $2, expires_us = $3 WHERE alert_id = $1",
                &[id.as_str().into(), last_us.into(), expires.into()],
            )
            .await?;
        }
        Ok(())
    }
}

#[async_trait]
impl Projection for TrendProjection {
    fn name(&self) -> &str {
        TRENDS
    }

    async fn setup(&self, tx: &mut ProjectionTx<'_>) -> Result<(), ProjectionError> {
        for stmt in [
            "CREATE TABLE IF NOT EXISTS rm_trend_complaints (
                complaint_id TEXT PRIMARY KEY,
                team TEXT NOT NULL,
                received_us BIGINT NOT NULL,
                policy_version TEXT NOT NULL,
                categories TEXT NOT NULL
            )",
            "CREATE TABLE IF NOT EXISTS rm_trend_members (
                complaint_id TEXT NOT NULL,
                category TEXT NOT NULL,
                team TEXT NOT NULL,
                received_us BIGINT NOT NULL,
                PRIMARY KEY (complaint_id, category)
            )",
            "CREATE INDEX IF NOT EXISTS rm_trend_members_national ON rm_trend_members (category, received_us)",
            "CREATE INDEX IF NOT EXISTS rm_trend_members_local ON rm_trend_members (category, team, received_us)",
            "CREATE TABLE IF NOT EXISTS rm_trend_alerts (
                alert_id TEXT PRIMARY KEY,
                category TEXT NOT NULL,
                scope TEXT NOT NULL,
                team TEXT NOT NULL,
                raised_by TEXT NOT NULL,
                raised_at_us BIGINT NOT NULL,
                first_received_us BIGINT NOT NULL,
                last_received_us BIGINT NOT NULL,
                expires_us BIGINT NOT NULL,
                threshold BIGINT NOT NULL,
                issue_id TEXT
            )",
            "CREATE INDEX IF NOT EXISTS rm_trend_alerts_open ON rm_trend_alerts (category, scope, team, expires_us)",
            "CREATE INDEX IF NOT EXISTS rm_trend_alerts_expires ON rm_trend_alerts (expires_us)",
            "CREATE TABLE IF NOT EXISTS rm_trend_alert_members (
                alert_id TEXT NOT NULL,
                complaint_id TEXT NOT NULL,
                received_us BIGINT NOT NULL,
                PRIMARY KEY (alert_id, complaint_id)
            )",
            "CREATE INDEX IF NOT EXISTS rm_trend_alert_members_complaint ON rm_trend_alert_members (complaint_id)",
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
        let span = tracing::debug_span!("trend_batch", projection = TRENDS, events = events.len());
        async {
            for e in events {
                if e.aggregate_type == <Complaint as cqrs_es::Aggregate>::TYPE {
                    match e.event_type.as_str() {
                        "ComplaintReceived" | "ComplaintRecategorised" => {}
                        _ => continue,
                    }
                    match e.decode::<ComplaintEvent>()? {
                        ComplaintEvent::Received {
                            complaint_id,
                            received_at,
                            categories,
                            team,
                            policy_version,
                            ..
                        } => {
                            tx.execute(
                                "INSERT INTO rm_trend_complaints (complaint_id, team, received_us, \
                                 policy_version, categories) VALUES ($1, $2, $3, $4, $5) \
                                 ON CONFLICT (complaint_id) DO NOTHING",
                                &[
                                    complaint_id.as_str().into(),
                                    team.as_str().into(),
                                    us(received_at).into(),
                                    policy_version.as_str().into(),
                                    serde_json::to_string(&categories)?.into(),
                                ],
                            )
                            .await?;
                            let mut seen = BTreeSet::new();
                            for c in &categories {
                                if seen.insert(c.clone()) {
                                    self.on_category_added(
                                        tx,
                                        &complaint_id,
                                        &team,
                                        c,
                                        received_at,
                                        &policy_version,
                                    )
                                    .await?;
                                }
                            }
                        }
                        ComplaintEvent::Recategorised { to, .. } => {
                            let id = e.aggregate_id.as_str();
                            let rows = tx_fetch(
                                tx,
                                "SELECT team, received_us, policy_version, categories \
                                 FROM rm_trend_complaints WHERE complaint_id = $1",
                                &[id.into()],
                            )
                            .await?;
                            let Some(row) = rows.first() else { continue };
                            let team = row[0].text0();
                            let received = crate::db::from_us(row[1].int0()).unwrap_or_default();
                            let policy_version = row[2].text0();
                            let current: BTreeSet<String> =
                                serde_json::from_str(&row[3].text0())?;
                            let target: BTreeSet<String> = to.iter().cloned().collect();
                            for c in current.difference(&target) {
                                self.on_category_removed(tx, id, c, &policy_version).await?;
                            }
                            for c in target.difference(&current) {
                                self.on_category_added(tx, id, &team, c, received, &policy_version)
                                    .await?;
                            }
                            tx.execute(
                                "UPDATE rm_trend_complaints SET categories = $2 WHERE complaint_id = $1",
                                &[id.into(), serde_json::to_string(&to)?.into()],
                            )
                            .await?;
                        }
                        _ => {}
                    }
                } else if e.aggregate_type == <SystemicIssue as cqrs_es::Aggregate>::TYPE
                    && e.event_type == "SystemicIssueRaised"
                {
                    if let SystemicEvent::Raised {
                        issue_id,
                        from_alert: Some(alert),
                        ..
                    } = e.decode::<SystemicEvent>()?
                    {
                        tx.execute(
                            "UPDATE rm_trend_alerts SET issue_id = $2 WHERE alert_id = $1",
                            &[alert.into(), issue_id.into()],
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
            "rm_trend_complaints",
            "rm_trend_members",
            "rm_trend_alerts",
            "rm_trend_alert_members",
        ])
        .await?;
        Ok(())
    }
}
