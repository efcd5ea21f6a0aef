//! # redress-projections
//!
//! The read side of Redress (SPEC sections 5, 7 and 10): projections run by the store's
//! durable [`redress_store::ProjectionRunner`] on PostgreSQL or SQLite, the tables they keep,
//! and the typed queries the gRPC layer calls. Every read model is a deterministic fold over
//! the global event feed; the runner stores its checkpoint in the same transaction as its
//! writes, and `reset` empties it for a rebuild.
//!
//! Layout:
//! * [`case`]: [`case::CaseSummary`], the pure per-complaint fold (no personal data, P1);
//! * [`case_projection`]: the generic projection for per-complaint models (state table +
//!   [`case_projection::CaseModel`] writing row changes from the old and new summary);
//! * [`models`]: deadlines (D1-D7, R1), timeliness and outcomes (R2, R3), special payments
//!   (R4), signposting and ICE windows (C11, T3, R6), caseload with feedback actions and the
//!   safeguarding queue (R7, V1);
//! * [`trends`]: systemic-trend detection (S1); [`systemic_log`]: the Systemic Log (S2, R5);
//! * [`history`]: the audit trail of one complaint (personal data kept apart);
//! * [`calendar`]: operators' calendar adjustments (D7) and the reactor that recalculates
//!   open deadlines;
//! * [`queries`]: [`queries::ReadModels`], the query API; [`db`]: portable SQL helpers.
//!
//! Register everything with [`all_projections`].

pub mod batch;
pub mod calendar;
pub mod case;
pub mod case_projection;
pub mod db;
pub mod history;
pub mod models;
pub mod queries;
pub mod systemic_log;
pub mod trends;

use std::sync::Arc;

use redress_calendar::Calendars;
use redress_domain::PolicyBook;
use redress_store::Projection;

pub use calendar::{
    load_calendars, recalculate_open_deadlines, spawn_calendar_reactor,
    CalendarAdjustmentsProjection, RecalculationReport,
};
pub use case::{CaseSummary, Deadline, DeadlineKind};
pub use case_projection::{CaseModel, CaseProjection};
pub use db::{ReadError, Reader};
pub use history::CaseHistoryProjection;
pub use models::{CaseloadModel, DeadlinesModel, PaymentsModel, SignpostingModel, TimelinessModel};
pub use queries::ReadModels;
pub use systemic_log::SystemicLogProjection;
pub use trends::TrendProjection;

/// Every projection, ready for `ProjectionRunner::with`. `policies` drive trend detection
/// (S1 threshold and window, per the complaint's policy version). `calendars` are not
/// needed by any fold (due instants are carried on the events, and statuses are evaluated
/// at query time by [`ReadModels`]); the parameter keeps the wiring stable should a fold
/// ever need them.
pub fn all_projections(
    policies: Arc<PolicyBook>,
    _calendars: Arc<Calendars>,
) -> Vec<Arc<dyn Projection>> {
    vec![
        CaseProjection::shared(DeadlinesModel),
        CaseProjection::shared(TimelinessModel),
        CaseProjection::shared(PaymentsModel),
        CaseProjection::shared(SignpostingModel),
        CaseProjection::shared(CaseloadModel),
        Arc::new(TrendProjection::new(policies)),
        Arc::new(SystemicLogProjection),
        Arc::new(CaseHistoryProjection),
        Arc::new(CalendarAdjustmentsProjection),
    ]
}

/// The names of [`all_projections`], in the same order.
pub const PROJECTION_NAMES: [&str; 9] = [
    models::DEADLINES,
    models::TIMELINESS,
    models::PAYMENTS,
    models::SIGNPOSTING,
    models::CASELOAD,
    trends::TRENDS,
    systemic_log::SYSTEMIC_LOG,
    history::CASE_HISTORY,
    calendar::CALENDAR_ADJUSTMENTS,
];

/// Reporting tables (SPEC P1: no personal data may reach them). The case history and the
/// per-complaint state tables are not reporting tables; the states hold no personal data
/// either.
pub const REPORTING_TABLES: [&str; 21] = [
    "rm_deadlines",
    "rm_timeliness_daily",
    "rm_outcomes_by_category",
    "rm_special_payments",
    "rm_signposting",
    "rm_caseload",
    "rm_feedback_actions",
    "rm_safeguarding",
    "rm_trend_complaints",
    "rm_trend_members",
    "rm_trend_alerts",
    "rm_trend_alert_members",
    "rm_systemic_issues",
    "rm_systemic_issue_complaints",
    "rm_systemic_actions",
    "rm_calendar_adjustments",
    "rm_deadlines_state",
    "rm_timeliness_state",
    "rm_special_payments_state",
    "rm_signposting_state",
    "rm_caseload_state",
];
