//! The complaint-handling domain of Redress: pure business rules as event-sourced
//! aggregates (cqrs-es). The crate does no I/O, reads no clock and draws no random numbers:
//! time, ids and policy come in through commands and services. Every public name is
//! re-exported here, once; the modules are private.
//!
//! Four aggregates. Each takes a command (an action plus a [`CommandMeta`] saying who acts,
//! when it happened and when it is recorded), checks it against the rules and the [`Policy`]
//! the case was received under, and emits events that carry every deadline they set, so
//! projections never recompute history. Refusals are [`DomainError`] variants with a stable
//! `reason()` and `kind()` for the API layer.
//!
//! Read in this order:
//! 1. `actor` ([`Actor`], [`Role`]: who acts, SPEC 1) and `meta` (the command and event
//!    envelopes: who, when it happened, when recorded).
//! 2. `policy` (SPEC D8: every target, limit and window, shipped as `policy/default.toml`)
//!    and `services` (the policy book and calendars handed in by the caller).
//! 3. `deadline` (SPEC D1-D6 arithmetic on `redress-calendar`, and [`status_as_of`]).
//! 4. `complaint`: the [`Complaint`] aggregate (SPEC sections 3-6 and 9, both tiers). Its
//!    `commands`, `events`, `types` and `state`, then `rules/`: `decide`, the shared guards,
//!    and one file per stage (intake, investigation, clocks, outcome, payments, escalation,
//!    care) holding each action's rule and the fold of its events.
//! 5. `correspondence` ([`Correspondence`], SPEC 8), `systemic` ([`SystemicIssue`], the
//!    Systemic Log, SPEC S2) and `calendar_adjustment` ([`CalendarAdjustment`], SPEC D7):
//!    the small aggregates, one file each.
//! 6. The plumbing: `aggregate` (the cqrs-es `Aggregate` impl, written once), `names`
//!    ([`named_enum!`]: one name per value of every enum that crosses a boundary), `personal`
//!    (complainant personal data, kept in separate fields, SPEC P1), `error` and `check`
//!    (argument limits).

mod actor;
mod aggregate;
mod calendar_adjustment;
mod check;
mod complaint;
mod correspondence;
mod deadline;
mod error;
mod meta;
mod names;
mod personal;
mod policy;
mod services;
mod systemic;

pub use actor::{Actor, Role};
pub use calendar_adjustment::{
    CalendarAdjustment, CalendarAdjustmentAction, CalendarAdjustmentCommand,
    CalendarAdjustmentEvent,
};
pub use complaint::{
    CaseStatus, Channel, Complaint, ComplaintAction, ComplaintCommand, ComplaintEvent,
    ComplaintFlags, ComplexNeed, Concern, ConcernKind, DueChange, EscalatedTo, EscalationReason,
    EvidenceInvitation, FeedbackAction, FeedbackDeadline, Finding, InvestigationStepKind, Issue,
    Outcome, Payment, PaymentKind, PaymentStatus, PlanState, Referral, ReferralBody,
    Representative, RootCause, SignpostTarget, SptDecision, Tier, TierState,
};
pub use correspondence::{
    Correspondence, CorrespondenceAction, CorrespondenceCommand, CorrespondenceEvent,
    CorrespondenceKind, CorrespondenceStage,
};
pub use deadline::{
    extend_by_working_days, extend_for_pause, ice_window_end, initial_contact_due, status_as_of,
    working_days_due, DeadlineStatus,
};
pub use error::{DomainError, ErrorKind};
pub use meta::{CommandMeta, EventMeta};
pub use names::{parse_name, NamedEnum, UnknownName};
pub use personal::{ContactMethod, PersonalDetails, RepresentativePersonal};
pub use policy::{
    ClockPausePolicy, ContactHoursMode, CorrespondencePolicy, DfaPolicy, FeedbackPolicy, IcePolicy,
    InitialContactPolicy, Ladder, Limits, Policy, PolicyBook, PolicyError, ResponsePolicy,
    TrendPolicy, DEFAULT_POLICY_TOML,
};
pub use services::DomainServices;
pub use systemic::{
    Scope, SystemicAction, SystemicActionState, SystemicCommand, SystemicEvent, SystemicIssue,
};
