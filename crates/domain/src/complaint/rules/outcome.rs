//! The outcome and how the case ends: outcome (SPEC C7), redress (C8), the outcome call
//! (C10), signposting (C11, T3, T4), feedback actions to a team (C15, T2), withdrawal (C18)
//! and closure (C17).

use chrono::{DateTime, Utc};
use redress_calendar::end_of_day;

use super::{Ctx, Decision};
use crate::check;
use crate::complaint::events::ComplaintEvent as E;
use crate::complaint::state::{Complaint, FeedbackAction};
use crate::complaint::types::{FeedbackDeadline, Finding, Outcome, SignpostTarget, Tier};
use crate::deadline;
use crate::error::DomainError;
use crate::personal::ContactMethod;
use crate::policy::Ladder;
use crate::CaseStatus;

impl Complaint {
    /// SPEC C4, C6, C7 (and C14: a first-contact resolution needs no root-cause analysis).
    pub(super) fn decide_outcome(&self, cx: &Ctx, outcome: Outcome, summary: String) -> Decision {
        self.authorise_case_work(cx)?;
        cx.before_outcome()?;
        let t = cx.tier_state;
        let Some(findings) = t.findings.as_ref() else {
            return Err(DomainError::FindingsRequired);
        };
        if !t.root_cause && !t.resolved_at_first_contact {
            return Err(DomainError::RootCauseRequired);
        }
        if outcome == Outcome::Justified && cx.tier == Tier::Tier1 {
            return Err(DomainError::JustifiedOnlyAtTier2);
        }
        if self.flags.about_staff
            && self.staff_assurance != Some(true)
            && outcome != Outcome::Upheld
        {
            return Err(DomainError::StaffAssuranceNotObtainedMustUphold);
        }
        check_outcome_against_findings(outcome, findings)?;
        check::required("summary", &summary, cx.lim().long_text)?;
        Ok(vec![E::OutcomeDecided {
            meta: cx.ev(),
            tier: cx.tier,
            outcome,
            summary,
        }])
    }

    /// SPEC C8: for an upheld or part-upheld outcome.
    pub(super) fn record_redress(
        &self,
        cx: &Ctx,
        apology: String,
        remedial_assurance: String,
    ) -> Decision {
        self.authorise_case_work(cx)?;
        let outcome = cx.tier_state.outcome.ok_or(DomainError::OutcomeRequired)?;
        if !outcome.warrants_redress() {
            return Err(DomainError::RedressNotApplicable);
        }
        if cx.tier_state.redress {
            return Err(DomainError::AlreadyRecorded {
                what: "redress for this tier",
            });
        }
        check::required("apology", &apology, cx.lim().long_text)?;
        check::required(
            "remedial_assurance",
            &remedial_assurance,
            cx.lim().long_text,
        )?;
        Ok(vec![E::RedressRecorded {
            meta: cx.ev(),
            tier: cx.tier,
            apology,
            remedial_assurance,
        }])
    }

    /// SPEC C10: the method obeys C2; redress (C8) comes first; a payment redressing this
    /// tier's outcome is explained on the call.
    pub(super) fn communicate_outcome(
        &self,
        cx: &Ctx,
        method: ContactMethod,
        suitability_checked: bool,
        payment_explanation: Option<String>,
    ) -> Decision {
        self.authorise_case_work(cx)?;
        let t = cx.tier_state;
        let outcome = t.outcome.ok_or(DomainError::OutcomeRequired)?;
        cx.before_communication()?;
        if outcome.warrants_redress() && !t.redress {
            return Err(DomainError::RedressRequired);
        }
        self.check_contact(cx.tier, method, suitability_checked)?;
        let paid = self
            .payments
            .values()
            .any(|p| p.tier == cx.tier && p.amount_pence > 0);
        if paid
            && payment_explanation
                .as_deref()
                .is_none_or(|s| s.trim().is_empty())
        {
            return Err(DomainError::FieldRequired {
                field: "payment_explanation",
            });
        }
        check::optional_opt(
            "payment_explanation",
            payment_explanation.as_ref(),
            cx.lim().long_text,
        )?;
        let late_plan = t.plan.as_ref().is_some_and(|p| !p.counts_as_met);
        Ok(vec![E::OutcomeCommunicated {
            meta: cx.ev(),
            tier: cx.tier,
            method,
            suitability_checked,
            payment_explanation,
            response_due: t.response_due,
            within_target: !late_plan && cx.meta.occurred_at <= t.response_due,
        }])
    }

    /// SPEC C11 / T3 / T4: to the CCRT from tier 1 of a two-tier ladder, else to ICE (with
    /// the customer's window).
    pub(super) fn signpost(&self, cx: &Ctx) -> Decision {
        self.authorise_case_work(cx)?;
        let Some(final_response_at) = cx.tier_state.outcome_communicated_at else {
            return Err(DomainError::OutcomeNotCommunicated);
        };
        if cx.tier_state.signposted.is_some() {
            return Err(DomainError::AlreadyRecorded {
                what: "signposting for this tier",
            });
        }
        if cx.tier == Tier::Tier2 || cx.policy.ladder == Ladder::SingleTier {
            Ok(vec![E::SignpostedToIce {
                meta: cx.ev(),
                tier: cx.tier,
                final_response_at,
                ice_window_ends: deadline::ice_window_end(
                    final_response_at,
                    cx.policy.ice.window_months,
                ),
            }])
        } else {
            Ok(vec![E::SignpostedToCcrt {
                meta: cx.ev(),
                tier: cx.tier,
            }])
        }
    }

    /// SPEC C15 / D4 / T2: at tier 2, feedback goes to the CRT that handled tier 1.
    pub(super) fn agree_feedback_action(
        &self,
        cx: &Ctx,
        action_id: String,
        to_team: String,
        recommendation: String,
        deadline: FeedbackDeadline,
    ) -> Decision {
        self.authorise_case_work(cx)?;
        let lim = cx.lim();
        check::required("action_id", &action_id, lim.id)?;
        check::required("to_team", &to_team, lim.short_text)?;
        check::required("recommendation", &recommendation, lim.long_text)?;
        if self.feedback.contains_key(&action_id) {
            return Err(DomainError::DuplicateId {
                field: "action_id",
                id: action_id,
            });
        }
        if cx.tier == Tier::Tier2 && to_team != self.team {
            return Err(DomainError::FeedbackMustGoToTier1Team {
                tier1_team: self.team.clone(),
            });
        }
        let working_days = |days| {
            cx.calendar
                .end_of_working_day_after(cx.meta.occurred_at, days)
        };
        let due = match deadline {
            FeedbackDeadline::Simple => working_days(cx.policy.feedback.simple_working_days),
            FeedbackDeadline::Complex => working_days(cx.policy.feedback.complex_working_days),
            FeedbackDeadline::ByDate { date } => {
                cx.future_date("deadline.date", date)?;
                end_of_day(date)
            }
        };
        Ok(vec![E::FeedbackActionAgreed {
            meta: cx.ev(),
            tier: cx.tier,
            action_id,
            to_team,
            recommendation,
            deadline,
            due,
        }])
    }

    /// SPEC C15 (accepted after closure: the receiving team's work goes on, L2).
    pub(super) fn confirm_feedback_action(
        &self,
        cx: &Ctx,
        action_id: String,
        note: String,
    ) -> Decision {
        self.authorise_case_work(cx)?;
        check::optional("note", &note, cx.lim().long_text)?;
        let Some(action) = self.feedback.get(&action_id) else {
            return Err(DomainError::UnknownId {
                field: "action_id",
                id: action_id,
            });
        };
        if action.confirmed_at.is_some() {
            return Err(DomainError::AlreadyRecorded {
                what: "confirmation of this feedback action",
            });
        }
        Ok(vec![E::FeedbackActionConfirmed {
            meta: cx.ev(),
            due: action.due,
            within_deadline: cx.meta.occurred_at <= action.due,
            action_id,
            note,
        }])
    }

    /// SPEC C18.
    pub(super) fn withdraw(&self, cx: &Ctx, reason: String) -> Decision {
        self.authorise_case_work(cx)?;
        check::required("reason", &reason, cx.lim().long_text)?;
        Ok(vec![E::Withdrawn {
            meta: cx.ev(),
            tier: cx.tier,
            reason,
        }])
    }

    /// SPEC C17: outcome communicated, signposting recorded, nothing awaiting the SPT.
    pub(super) fn close(&self, cx: &Ctx) -> Decision {
        self.authorise_case_work(cx)?;
        if cx.tier_state.outcome_communicated_at.is_none() {
            return Err(DomainError::OutcomeNotCommunicated);
        }
        if cx.tier_state.signposted.is_none() {
            return Err(DomainError::SignpostingRequired);
        }
        if self.payment_awaiting_spt() {
            return Err(DomainError::PaymentAwaitingSpt);
        }
        Ok(vec![E::Closed {
            meta: cx.ev(),
            tier: cx.tier,
            categories: self.categories.clone(),
        }])
    }

    pub(in crate::complaint) fn apply_outcome_decided(&mut self, outcome: Outcome) {
        self.with_current(|t| t.outcome = Some(outcome));
    }

    pub(in crate::complaint) fn apply_redress(&mut self) {
        self.with_current(|t| t.redress = true);
    }

    pub(in crate::complaint) fn apply_outcome_communicated(&mut self, at: DateTime<Utc>) {
        self.with_current(|t| t.outcome_communicated_at = Some(at));
    }

    /// `ice_window_ends` comes with signposting to ICE (SPEC T3).
    pub(in crate::complaint) fn apply_signposted(
        &mut self,
        target: SignpostTarget,
        ice_window_ends: Option<DateTime<Utc>>,
    ) {
        if ice_window_ends.is_some() {
            self.ice_window_ends = ice_window_ends;
        }
        self.with_current(|t| t.signposted = Some(target));
    }

    pub(in crate::complaint) fn apply_feedback_agreed(
        &mut self,
        action_id: String,
        to_team: String,
        due: DateTime<Utc>,
    ) {
        let action = FeedbackAction {
            to_team,
            due,
            confirmed_at: None,
        };
        self.feedback.insert(action_id, action);
    }

    pub(in crate::complaint) fn apply_feedback_confirmed(
        &mut self,
        action_id: &str,
        at: DateTime<Utc>,
    ) {
        if let Some(a) = self.feedback.get_mut(action_id) {
            a.confirmed_at = Some(at);
        }
    }

    /// SPEC C18 / L2: the case's own clocks stop, and so does any wait for evidence.
    pub(in crate::complaint) fn apply_withdrawn(&mut self) {
        self.status = CaseStatus::Withdrawn;
        self.evidence_invitation = None;
    }

    pub(in crate::complaint) fn apply_closed(&mut self) {
        self.status = CaseStatus::Closed;
    }
}

/// SPEC C7: the overall outcome must agree with the per-issue findings.
fn check_outcome_against_findings(
    outcome: Outcome,
    findings: &[Finding],
) -> Result<(), DomainError> {
    let n = findings.len();
    let up = findings.iter().filter(|f| f.upheld).count();
    let why = match outcome {
        Outcome::Upheld if up != n => Some("upheld needs every issue upheld"),
        Outcome::PartUpheld if n < 2 => Some("part upheld needs more than one issue"),
        Outcome::PartUpheld if up == 0 || up == n => {
            Some("part upheld needs some, but not all, issues upheld")
        }
        Outcome::NotUpheld if up != 0 => Some("not upheld needs no issue upheld"),
        Outcome::Justified if up == 0 => {
            Some("justified needs at least one issue on which the customer was right to complain")
        }
        _ => None,
    };
    match why {
        Some(why) => Err(DomainError::OutcomeInconsistentWithFindings {
            outcome: outcome.as_str(),
            why,
        }),
        None => Ok(()),
    }
}
