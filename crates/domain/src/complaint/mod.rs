//! The `Complaint` aggregate (SPEC sections 3-6 and 9): tier 1 at a CRT, tier 2 at the CCRT.
//!
//! - `commands`: what case workers and the SPT ask for;
//! - `events`: what happened (the long-term record);
//! - `state`: the aggregate's state and the fold (`apply_event`, a table of arms);
//! - `rules`: `decide`, the guards, and one file per stage with each action's rule and
//!   the fold of its events;
//! - `types`: value types shared by all of them.

mod commands;
mod events;
mod rules;
mod state;
mod types;

pub use commands::{ComplaintAction, ComplaintCommand};
pub use events::ComplaintEvent;
pub use state::{
    Complaint, Concern, EvidenceInvitation, FeedbackAction, Payment, PaymentStatus, PlanState,
    Referral, Representative, TierState,
};
pub use types::{
    CaseStatus, Channel, ComplaintFlags, ComplexNeed, ConcernKind, DueChange, EscalatedTo,
    EscalationReason, FeedbackDeadline, Finding, InvestigationStepKind, Issue, Outcome,
    PaymentKind, ReferralBody, RootCause, SignpostTarget, SptDecision, Tier,
};

crate::aggregate::impl_aggregate! {
    aggregate: Complaint = "complaint",
    command: ComplaintCommand,
    event: ComplaintEvent,
}
