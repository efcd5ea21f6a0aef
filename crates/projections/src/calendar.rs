//! SPEC D7: operators' calendar changes.
//!
//! 1. An admin's `AddHoliday`/`RemoveHoliday` command on the `CalendarAdjustment` aggregate
//!    (id = region) records `HolidayAdded`/`HolidayRemoved` durably.
//! 2. [`CalendarAdjustmentsProjection`] keeps `rm_calendar_adjustments`: the latest change
//!    per region and date, with a `recalculated` flag. The server builds its calendars with
//!    [`load_calendars`] (`Calendars::with_adjustments`).
//! 3. [`recalculate_open_deadlines`] (the reactor; run after each adjustment command and
//!    periodically, e.g. with [`spawn_calendar_reactor`]) takes every change not yet
//!    recalculated, finds the open complaints of that region in the caseload read model and
//!    issues the domain's admin `RecalculateDeadlines` command for each through
//!    `Store::execute`, with services whose calendars include every adjustment. Command ids
//!    are derived from the adjustment event (`recalc:<region>:<date>:<sequence>:<complaint>`),
//!    so a retry, a crash half-way or a rebuild (which clears the flags) replays instead of
//!    writing twice. The domain moves only open deadlines (met and breached history stays);
//!    the deadlines projection then applies `DeadlinesRecalculated`.
//!
//! The reactor runs outside the projection transaction on purpose: on SQLite the runner's
//! batch holds the write lock, so a command issued from inside `apply` would wait on itself.

use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use chrono::{NaiveDate, Utc};
use redress_calendar::{Adjustment, Calendars, Change, Region};
use redress_domain::{
    Actor, CalendarAdjustment, CalendarAdjustmentEvent, CommandMeta, Complaint, ComplaintAction,
    ComplaintCommand, DomainServices, PolicyBook, Role,
};
use redress_store::{
    CommandContext, CommandError, Projection, ProjectionError, ProjectionTx, Store, StoredEvent,
};
use tracing::Instrument;

use crate::db::{us, ReadError, Reader};
use crate::models::CASELOAD;

pub const CALENDAR_ADJUSTMENTS: &str = "rm_calendar_adjustments";

/// The user id the reactor's commands are recorded under.
pub const REACTOR_USER: &str = "system:calendar-reactor";

#[derive(Debug, Default, Clone, Copy)]
pub struct CalendarAdjustmentsProjection;

#[async_trait]
impl Projection for CalendarAdjustmentsProjection {
    fn name(&self) -> &str {
        CALENDAR_ADJUSTMENTS
    }

    async fn setup(&self, tx: &mut ProjectionTx<'_>) -> Result<(), ProjectionError> {
        tx.execute_script(
            "CREATE TABLE IF NOT EXISTS rm_calendar_adjustments (
                region TEXT NOT NULL,
                date TEXT NOT NULL,
                change TEXT NOT NULL,
                name TEXT,
                reason TEXT NOT NULL,
                actor_user_id TEXT NOT NULL,
                occurred_us BIGINT NOT NULL,
                event_sequence BIGINT NOT NULL,
                recalculated BOOLEAN NOT NULL,
                PRIMARY KEY (region, date)
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
            "calendar_adjustments_batch",
            projection = CALENDAR_ADJUSTMENTS,
            events = events.len()
        );
        async {
            for e in events {
                if e.aggregate_type != <CalendarAdjustment as cqrs_es::Aggregate>::TYPE {
                    continue;
                }
                let ev: CalendarAdjustmentEvent = e.decode()?;
                let (meta, region, date, name, reason, change) = match ev {
                    CalendarAdjustmentEvent::HolidayAdded {
                        meta,
                        region,
                        date,
                        name,
                        reason,
                    } => (meta, region, date, Some(name), reason, "add"),
                    CalendarAdjustmentEvent::HolidayRemoved {
                        meta,
                        region,
                        date,
                        reason,
                    } => (meta, region, date, None, reason, "remove"),
                };
                tx.execute(
                    "INSERT INTO rm_calendar_adjustments (region, date, change, name, reason, \
                     actor_user_id, occurred_us, event_sequence, recalculated) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) \
                     ON CONFLICT (region, date) DO UPDATE SET change = excluded.change, \
                     name = excluded.name, reason = excluded.reason, \
                     actor_user_id = excluded.actor_user_id, occurred_us = excluded.occurred_us, \
                     event_sequence = excluded.event_sequence, recalculated = excluded.recalculated",
                    &[
                        region.as_str().into(),
                        date.to_string().into(),
                        change.into(),
                        name.into(),
                        reason.into(),
                        meta.actor.user_id.into(),
                        us(meta.occurred_at).into(),
                        (e.sequence as i64).into(),
                        false.into(),
                    ],
                )
                .await?;
            }
            Ok(())
        }
        .instrument(span)
        .await
    }

    async fn reset(&self, tx: &mut ProjectionTx<'_>) -> Result<(), ProjectionError> {
        tx.truncate(&["rm_calendar_adjustments"]).await?;
        Ok(())
    }
}

/// One recorded calendar change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredAdjustment {
    pub adjustment: Adjustment,
    pub reason: String,
    pub actor_user_id: String,
    /// The sequence of the event in its `CalendarAdjustment` aggregate.
    pub event_sequence: i64,
    pub recalculated: bool,
}

/// Every recorded change (the latest per region and date), in region/date order.
pub async fn adjustments(reader: &Reader) -> Result<Vec<StoredAdjustment>, ReadError> {
    let rows = reader
        .fetch(
            "SELECT region, date, change, name, reason, actor_user_id, event_sequence, recalculated \
             FROM rm_calendar_adjustments ORDER BY region, date",
            &[],
        )
        .await?;
    let mut out = Vec::with_capacity(rows.len());
    for r in rows {
        let region: Region = r[0]
            .text0()
            .parse()
            .map_err(|_| ReadError::Decode(format!("region {}", r[0].text0())))?;
        let date: NaiveDate = r[1]
            .text0()
            .parse()
            .map_err(|_| ReadError::Decode(format!("date {}", r[1].text0())))?;
        let change = match r[2].text0().as_str() {
            "add" => Change::Add { name: r[3].text0() },
            _ => Change::Remove,
        };
        out.push(StoredAdjustment {
            adjustment: Adjustment {
                region,
                date,
                change,
            },
            reason: r[4].text0(),
            actor_user_id: r[5].text0(),
            event_sequence: r[6].int0(),
            recalculated: r[7].bool().unwrap_or(false),
        });
    }
    Ok(out)
}

/// The standard calendars with every recorded adjustment applied.
pub async fn load_calendars(reader: &Reader) -> Result<Calendars, ReadError> {
    let adj: Vec<Adjustment> = adjustments(reader)
        .await?
        .into_iter()
        .map(|a| a.adjustment)
        .collect();
    Ok(Calendars::with_adjustments(&adj))
}

/// What one reactor pass did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RecalculationReport {
    /// Adjustments processed.
    pub adjustments: usize,
    /// Commands that moved at least one deadline.
    pub recalculated: usize,
    /// Commands that moved nothing (no open deadline changed) or were replays.
    pub unchanged: usize,
    /// Complaints the domain refused (e.g. closed meanwhile); logged, not retried.
    pub refused: usize,
}

/// The D7 reactor; see the module docs. Waits (up to `catch_up`) for the adjustments and
/// caseload projections to catch up first, so it sees the latest changes and open cases.
pub async fn recalculate_open_deadlines(
    store: &Store,
    policies: Arc<PolicyBook>,
    catch_up: Duration,
) -> Result<RecalculationReport, ReadError> {
    let span = tracing::info_span!("calendar_reactor");
    async {
        for p in [CALENDAR_ADJUSTMENTS, CASELOAD] {
            if !store
                .wait_for_projection(p, catch_up)
                .await
                .map_err(|e| ReadError::InvalidArgument(format!("waiting for {p}: {e}")))?
            {
                tracing::warn!(projection = p, "projection not caught up; recalculating anyway");
            }
        }
        let reader = Reader::new(store.clone());
        let all = adjustments(&reader).await?;
        let calendars =
            Calendars::with_adjustments(&all.iter().map(|a| a.adjustment.clone()).collect::<Vec<_>>());
        let services = DomainServices {
            policies,
            calendars: Arc::new(calendars),
        };
        let mut report = RecalculationReport::default();
        for a in all.iter().filter(|a| !a.recalculated) {
            let region = a.adjustment.region.as_str();
            let date = a.adjustment.date.to_string();
            let open = reader
                .fetch(
                    "SELECT complaint_id FROM rm_caseload WHERE region = $1 ORDER BY complaint_id",
                    &[region.into()],
                )
                .await?;
            for row in open {
                let complaint_id = row[0].text0();
                let now = Utc::now();
                let actor = Actor::new(REACTOR_USER, Role::Admin, "ops");
                let command = ComplaintCommand::new(
                    CommandMeta::new(actor.clone(), now, now),
                    ComplaintAction::RecalculateDeadlines,
                );
                let ctx = CommandContext::new(
                    format!("recalc:{region}:{date}:{}:{complaint_id}", a.event_sequence),
                    actor,
                )
                .correlated(format!("calendar:{region}:{date}:{}", a.event_sequence));
                match store
                    .execute::<Complaint>(&complaint_id, command, &ctx, &services)
                    .await
                {
                    Ok(out) if !out.events.is_empty() && !out.replayed => report.recalculated += 1,
                    Ok(_) => report.unchanged += 1,
                    Err(CommandError::Domain(e)) => {
                        tracing::info!(complaint_id = %complaint_id, reason = e.reason(), "recalculation refused");
                        report.refused += 1;
                    }
                    Err(e) => return Err(ReadError::InvalidArgument(format!("command failed: {e}"))),
                }
            }
            reader
                .execute(
                    "UPDATE rm_calendar_adjustments SET recalculated = $4 \
                     WHERE region = $1 AND date = $2 AND event_sequence = $3",
                    &[region.into(), date.into(), a.event_sequence.into(), true.into()],
                )
                .await?;
            report.adjustments += 1;
        }
        tracing::info!(
            adjustments = report.adjustments,
            recalculated = report.recalculated,
            unchanged = report.unchanged,
            refused = report.refused,
            "calendar reactor pass"
        );
        Ok(report)
    }
    .instrument(span)
    .await
}

/// Runs [`recalculate_open_deadlines`] every `every` until the handle is aborted, on one
/// replica of the deployment at a time: each pass needs the store's exclusive
/// `calendar_reactor` lock, and a replica that cannot take it leaves the work to its holder
/// (and takes over when the holder dies). Passes are idempotent, so the brief overlap a lost
/// connection can cause repeats work without changing its result.
pub fn spawn_calendar_reactor(
    store: Store,
    policies: Arc<PolicyBook>,
    every: Duration,
) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut held: Option<redress_store::Exclusive> = None;
        loop {
            if let Some(lock) = &mut held {
                if !lock.still_held().await {
                    tracing::warn!("calendar reactor lost its lock");
                    held = None;
                }
            }
            if held.is_none() {
                match store.try_exclusive("calendar_reactor").await {
                    Ok(Some(lock)) => {
                        tracing::info!("this replica runs the calendar reactor");
                        held = Some(lock);
                    }
                    Ok(None) => {}
                    Err(e) => tracing::warn!(error = %e, "calendar reactor lock attempt failed"),
                }
            }
            if held.is_some() {
                if let Err(e) = recalculate_open_deadlines(&store, policies.clone(), every).await {
                    tracing::warn!(error = %e, "calendar reactor pass failed");
                }
            }
            tokio::time::sleep(every).await;
        }
    })
}
