//! The complaint-handling domain of Redress: pure business rules as event-sourced
//! aggregates (cqrs-es). Three aggregates: [`Complaint`] (SPEC sections 3-6 and 9, both
//! tiers), [`Correspondence`] (official correspondence, SPEC 8) and [`SystemicIssue`] (the
//! Systemic Log, SPEC S2). Each takes a command (an action plus a [`CommandMeta`] saying who
//! acts, when it happened and when it is recorded), checks it against the rules and the
//! [`Policy`] the case was received under, and emits events that carry every deadline they
//! set, so projections never recompute history. Refusals are [`DomainError`] variants with a
//! stable `reason()` and `kind()` for the API layer.
//!
//! Layout: `actor` (who), `meta` (command/event envelopes), `policy` (SPEC D8, shipped as
//! `policy/default.toml`), `services` (policy book and calendars handed in by the caller),
//! `deadline` (SPEC D1-D3, D6 arithmetic on `redress-calendar`), `personal` (complainant
//! personal data, kept in separate fields), `error`, `check` (argument limits), then one
//! module per aggregate. The crate does no I/O, reads no clock and draws no random numbers:
//! time, ids and policy come in through commands and services.

pub mod actor;
mod aggregate;
pub mod calendar_adjustment;
mod check;
pub mod complaint;
pub mod correspondence;
pub mod deadline;
pub mod error;
pub mod meta;
mod names;
pub mod personal;
pub mod policy;
pub mod services;
pub mod systemic;

pub use actor::{Actor, Role};
pub use calendar_adjustment::{
    CalendarAdjustment, CalendarAdjustmentAction, CalendarAdjustmentCommand,
    CalendarAdjustmentEvent,
};
pub use complaint::{
    CaseStatus, Complaint, ComplaintAction, ComplaintCommand, ComplaintEvent, Outcome, Tier,
};
pub use correspondence::{
    Correspondence, CorrespondenceAction, CorrespondenceCommand, CorrespondenceEvent,
};
pub use deadline::DeadlineStatus;
pub use error::{DomainError, ErrorKind};
pub use meta::{CommandMeta, EventMeta};
pub use names::{parse_name, NamedEnum, UnknownName};
pub use personal::{ContactMethod, PersonalDetails, RepresentativePersonal};
pub use policy::{Ladder, Policy, PolicyBook, PolicyError};
pub use services::DomainServices;
pub use systemic::{SystemicAction, SystemicCommand, SystemicEvent, SystemicIssue};
