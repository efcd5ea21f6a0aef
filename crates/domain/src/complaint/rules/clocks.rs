//! What moves the tracked response deadline once it is set: a resolution plan agreed or
//! revised (SPEC C5, D3), the clock paused while the customer is invited to supply evidence
//! (C9, D6) and an operator's calendar change (D7).

use chrono::{DateTime, NaiveDate, Utc};
use redress_calendar::end_of_day;

use super::{Ctx, Decision};
use crate::check;
use crate::complaint::events::ComplaintEvent as E;
use crate::complaint::state::{Complaint, EvidenceInvitation, PlanState};
use crate::complaint::types::DueChange;
use crate::deadline;
use crate::error::DomainError;
use crate::Role;

impl Complaint {
    /// SPEC C5 / D3: the plan's date becomes the tracked deadline.
    pub(super) fn agree_resolution_plan(
        &self,
        cx: &Ctx,
        target_date: NaiveDate,
        actions: String,
    ) -> Decision {
        self.authorise_case_work(cx)?;
        if cx.tier_state.plan.is_some() {
            return Err(DomainError::AlreadyRecorded {
                what: "a resolution plan for this tier (revise it instead)",
            });
        }
        cx.before_communication()?;
        check::required("actions", &actions, cx.lim().long_text)?;
        cx.future_date("target_date", target_date)?;
        let previous_due = cx.tier_state.response_due;
        Ok(vec![E::ResolutionPlanAgreed {
            meta: cx.ev(),
            tier: cx.tier,
            target_date,
            actions,
            previous_due,
            new_due: end_of_day(target_date),
            // Agreed on or before the due instant: the target counts as met.
            counts_as_met: cx.meta.occurred_at <= previous_due,
        }])
    }

    /// SPEC C5: a revision keeps the history.
    pub(super) fn revise_resolution_plan(
        &self,
        cx: &Ctx,
        target_date: NaiveDate,
        actions: String,
        reason: String,
    ) -> Decision {
        self.authorise_case_work(cx)?;
        if cx.tier_state.plan.is_none() {
            return Err(DomainError::StepOutOfOrder {
                step: "revise a resolution plan",
                requires: "an agreed resolution plan",
            });
        }
        cx.before_communication()?;
        check::required("actions", &actions, cx.lim().long_text)?;
        check::required("reason", &reason, cx.lim().long_text)?;
        cx.future_date("target_date", target_date)?;
        Ok(vec![E::ResolutionPlanRevised {
            meta: cx.ev(),
            tier: cx.tier,
            target_date,
            actions,
            reason,
            previous_due: cx.tier_state.response_due,
            new_due: end_of_day(target_date),
        }])
    }

    /// SPEC C9 / D6: the policy says whether the response clock pauses meanwhile.
    pub(super) fn invite_further_evidence(&self, cx: &Ctx, note: String) -> Decision {
        self.authorise_case_work(cx)?;
        if self.evidence_invitation.is_some() {
            return Err(DomainError::EvidenceInvitationOpen);
        }
        cx.before_communication()?;
        check::required("note", &note, cx.lim().long_text)?;
        Ok(vec![E::FurtherEvidenceInvited {
            meta: cx.ev(),
            tier: cx.tier,
            note,
            clock_paused: cx.policy.clock_pause.enabled,
        }])
    }

    /// SPEC D6: the invited evidence arrived (or the wait ended); a paused clock resumes and
    /// the deadline moves by the working days it stood still.
    pub(super) fn record_further_evidence(&self, cx: &Ctx, note: String) -> Decision {
        self.authorise_case_work(cx)?;
        let Some(inv) = self.evidence_invitation.as_ref() else {
            return Err(DomainError::NoEvidenceInvitation);
        };
        check::required("note", &note, cx.lim().long_text)?;
        let due = cx.tier_state.response_due;
        let (response_due, paused_working_days) = if inv.clock_paused {
            deadline::extend_for_pause(cx.calendar, due, inv.invited_at, cx.meta.occurred_at)
        } else {
            (due, 0)
        };
        Ok(vec![E::FurtherEvidenceReceived {
            meta: cx.ev(),
            tier: cx.tier,
            note,
            clock_resumed: inv.clock_paused,
            paused_working_days,
            response_due,
        }])
    }

    /// SPEC D7 (and D6: paused time is kept). Operators' work, not case work. Only open
    /// deadlines move; met and breached ones are left alone.
    pub(super) fn recalculate_deadlines(&self, cx: &Ctx) -> Decision {
        cx.only(Role::Admin)?;
        let (t, now) = (cx.tier_state, cx.meta.now);
        // Open: not yet met, not yet breached at `now`.
        let initial_contact_due = (t.initial_contact_at.is_none() && now <= t.initial_contact_due)
            .then(|| deadline::initial_contact_due(cx.policy, cx.calendar, t.received_at))
            .filter(|new| *new != t.initial_contact_due)
            .map(|new| DueChange {
                previous: t.initial_contact_due,
                new,
            });
        // A resolution plan's date was agreed with the customer: it does not move.
        let days = self.response_working_days(cx.policy, cx.tier);
        let response_due =
            (t.outcome_communicated_at.is_none() && t.plan.is_none() && now <= t.response_due)
                .then(|| {
                    deadline::extend_by_working_days(
                        cx.calendar,
                        deadline::working_days_due(cx.calendar, t.received_at, days),
                        t.paused_working_days,
                    )
                })
                .filter(|new| *new != t.response_due)
                .map(|new| DueChange {
                    previous: t.response_due,
                    new,
                });
        if initial_contact_due.is_none() && response_due.is_none() {
            // Nothing open moved: nothing happened.
            return Ok(vec![]);
        }
        Ok(vec![E::DeadlinesRecalculated {
            meta: cx.ev(),
            tier: cx.tier,
            initial_contact_due,
            response_due,
        }])
    }

    pub(in crate::complaint) fn apply_plan_agreed(
        &mut self,
        target_date: NaiveDate,
        new_due: DateTime<Utc>,
        counts_as_met: bool,
    ) {
        self.with_current(|t| {
            t.response_due = new_due;
            t.plan = Some(PlanState {
                target_date,
                counts_as_met,
                revisions: 0,
            });
        });
    }

    pub(in crate::complaint) fn apply_plan_revised(
        &mut self,
        target_date: NaiveDate,
        new_due: DateTime<Utc>,
    ) {
        self.with_current(|t| {
            t.response_due = new_due;
            if let Some(p) = t.plan.as_mut() {
                p.target_date = target_date;
                p.revisions += 1;
            }
        });
    }

    pub(in crate::complaint) fn apply_further_evidence_invited(
        &mut self,
        invited_at: DateTime<Utc>,
        clock_paused: bool,
    ) {
        self.evidence_invitation = Some(EvidenceInvitation {
            invited_at,
            clock_paused,
        });
    }

    pub(in crate::complaint) fn apply_further_evidence_received(
        &mut self,
        response_due: DateTime<Utc>,
        paused_working_days: u32,
    ) {
        self.evidence_invitation = None;
        self.with_current(|t| {
            t.response_due = response_due;
            t.paused_working_days += paused_working_days;
        });
    }

    pub(in crate::complaint) fn apply_deadlines_recalculated(
        &mut self,
        initial_contact_due: Option<DueChange>,
        response_due: Option<DueChange>,
    ) {
        self.with_current(|t| {
            if let Some(c) = initial_contact_due {
                t.initial_contact_due = c.new;
            }
            if let Some(c) = response_due {
                t.response_due = c.new;
            }
        });
    }
}
