//! The complaint's rules. [`Complaint::decide`] makes the checks every action shares (not in
//! the future, the status gate, not before receipt, the policy the case was received under),
//! then a table sends each action to one method. It takes `&self` and is pure, so a refused
//! command can neither emit an event nor change the state. Rules cite their SPEC numbers.
//!
//! One file per stage of a complaint, read in this order: `intake` (C1, C2, C16, case
//! manager), `investigation` (C3, C4, C6, C13), `clocks` (C5/D3 plans, D6 pause, D7
//! recalculation: every rule that moves the response deadline), `outcome` (C7, C8, C10,
//! C11, C15, C17, C18), `payments` (C9), `escalation` (T1, C12, T3) and `care` (V1, V2, P2).
//! Each holds, for its actions, the decision (a short guard list, then the event) and the
//! fold of the events it emits (`apply_*`, called from `state.rs`), so an action's rule and
//! its effect on the state are read together. This file keeps the guards of more than one
//! stage.

mod care;
mod clocks;
mod escalation;
mod intake;
mod investigation;
mod outcome;
mod payments;

use chrono::{DateTime, NaiveDate, Utc};
use redress_calendar::{local_date, Calendar};

use super::commands::{ComplaintAction, ComplaintCommand};
use super::events::ComplaintEvent;
use super::state::{Complaint, TierState};
use super::types::Tier;
use crate::actor::{Actor, Role};
use crate::error::DomainError;
use crate::meta::{CommandMeta, EventMeta};
use crate::personal::ContactMethod;
use crate::policy::{Limits, Policy};
use crate::services::DomainServices;
use crate::CaseStatus;

/// The events a command produces, or why it is refused.
pub(super) type Decision = Result<Vec<ComplaintEvent>, DomainError>;

/// What every rule of one command needs besides the action's own fields.
pub(super) struct Ctx<'a> {
    /// Who acts, when it happened, when it is recorded.
    meta: &'a CommandMeta,
    /// The action's name, for refusals (`the crm role may not <action>`).
    action: &'static str,
    /// The policy the complaint was received under (SPEC D8).
    policy: &'a Policy,
    /// The bank-holiday calendar of the complaint's region.
    calendar: &'a Calendar,
    /// The current tier's review.
    tier_state: &'a TierState,
    tier: Tier,
    /// When the complaint (tier 1) was received.
    received_at: DateTime<Utc>,
}

impl Ctx<'_> {
    /// The audit envelope of the event(s) this command emits.
    fn ev(&self) -> EventMeta {
        self.meta.event()
    }

    fn lim(&self) -> &Limits {
        &self.policy.limits
    }

    /// A target date must fall after the day the command happened.
    fn future_date(&self, field: &'static str, date: NaiveDate) -> Result<(), DomainError> {
        if date <= local_date(self.meta.occurred_at) {
            return Err(DomainError::DateNotInFuture { field });
        }
        Ok(())
    }

    /// Work that the tier's outcome settles is refused once it is decided.
    fn before_outcome(&self) -> Result<(), DomainError> {
        if self.tier_state.outcome.is_some() {
            return Err(DomainError::AlreadyRecorded {
                what: "the outcome for this tier",
            });
        }
        Ok(())
    }

    /// Work that the outcome call settles is refused once it is made.
    fn before_communication(&self) -> Result<(), DomainError> {
        if self.tier_state.outcome_communicated_at.is_some() {
            return Err(DomainError::AlreadyRecorded {
                what: "the outcome communication for this tier",
            });
        }
        Ok(())
    }

    /// Refuses a role other than `role`.
    fn only(&self, role: Role) -> Result<(), DomainError> {
        if self.meta.actor.role != role {
            return Err(DomainError::RoleNotPermitted {
                role: self.meta.actor.role,
                action: self.action,
            });
        }
        Ok(())
    }
}

impl Complaint {
    /// Decides a command against the current state. Never mutates; never reads the clock.
    pub fn decide(&self, command: ComplaintCommand, services: &DomainServices) -> Decision {
        let ComplaintCommand { meta, action } = command;
        meta.check_not_future()?;
        if let ComplaintAction::Receive { .. } = action {
            return self.receive(&meta, action, services);
        }
        let (Some(tier_state), Some(region), Some(received_at)) =
            (self.current(), self.region, self.received_at)
        else {
            return Err(DomainError::CaseNotFound);
        };
        match self.status {
            CaseStatus::Withdrawn => return Err(DomainError::ComplaintWithdrawn),
            // SPEC C17: a closed complaint accepts only escalation to tier 2. Records of what
            // happens elsewhere afterwards (ICE/PHSO, another team's feedback confirmation,
            // a safeguarding concern being resolved) are still accepted.
            CaseStatus::Closed
                if !matches!(
                    action,
                    ComplaintAction::EscalateToTier2 { .. }
                        | ComplaintAction::RecordReferral { .. }
                        | ComplaintAction::RecordReferralResult { .. }
                        | ComplaintAction::ConfirmFeedbackAction { .. }
                        | ComplaintAction::ResolveSafeguardingConcern { .. }
                ) =>
            {
                return Err(DomainError::ComplaintClosed)
            }
            _ => {}
        }
        if meta.occurred_at < received_at {
            return Err(DomainError::BeforeReceipt {
                field: "occurred_at",
            });
        }
        let cx = Ctx {
            meta: &meta,
            action: action.name(),
            policy: services.policy(&self.policy_version)?,
            calendar: services.calendars.get(region),
            tier_state,
            tier: tier_state.tier,
            received_at,
        };
        self.dispatch(&cx, action)
    }

    /// One arm per action, in the order of the stage files.
    fn dispatch(&self, cx: &Ctx, action: ComplaintAction) -> Decision {
        use ComplaintAction as A;
        match action {
            A::Receive { .. } => Err(DomainError::CaseAlreadyExists),
            // intake.rs
            // Six fields: passed whole, unpacked by the method.
            a @ A::RecordInitialContact { .. } => self.record_initial_contact(cx, a),
            A::Recategorise { categories, reason } => self.recategorise(cx, categories, reason),
            A::ReassignCaseManager { case_manager } => self.reassign_case_manager(cx, case_manager),
            // investigation.rs
            A::RecordInvestigationStep {
                step,
                evidence_id,
                description,
                validated,
            } => self.record_investigation_step(cx, step, evidence_id, description, validated),
            A::ValidateEvidence { evidence_id } => self.validate_evidence(cx, evidence_id),
            A::RecordStaffAssurance { obtained, note } => {
                self.record_staff_assurance(cx, obtained, note)
            }
            A::RecordRootCause { root_cause } => self.record_root_cause(cx, root_cause),
            A::RecordFindings { findings } => self.record_findings(cx, findings),
            A::HoldCaseConference {
                attendees,
                decision,
            } => self.hold_case_conference(cx, attendees, decision),
            // clocks.rs
            A::AgreeResolutionPlan {
                target_date,
                actions,
            } => self.agree_resolution_plan(cx, target_date, actions),
            A::ReviseResolutionPlan {
                target_date,
                actions,
                reason,
            } => self.revise_resolution_plan(cx, target_date, actions, reason),
            A::InviteFurtherEvidence { note } => self.invite_further_evidence(cx, note),
            A::RecordFurtherEvidence { note } => self.record_further_evidence(cx, note),
            A::RecalculateDeadlines => self.recalculate_deadlines(cx),
            // outcome.rs
            A::DecideOutcome { outcome, summary } => self.decide_outcome(cx, outcome, summary),
            A::RecordRedress {
                apology,
                remedial_assurance,
            } => self.record_redress(cx, apology, remedial_assurance),
            A::CommunicateOutcome {
                method,
                suitability_checked,
                payment_explanation,
            } => self.communicate_outcome(cx, method, suitability_checked, payment_explanation),
            A::Signpost => self.signpost(cx),
            A::AgreeFeedbackAction {
                action_id,
                to_team,
                recommendation,
                deadline,
            } => self.agree_feedback_action(cx, action_id, to_team, recommendation, deadline),
            A::ConfirmFeedbackAction { action_id, note } => {
                self.confirm_feedback_action(cx, action_id, note)
            }
            A::Withdraw { reason } => self.withdraw(cx, reason),
            A::Close => self.close(cx),
            // payments.rs
            A::AwardSpecialPayment {
                payment_id,
                kind,
                amount_pence,
                reason,
            } => self.award_special_payment(cx, payment_id, kind, amount_pence, reason),
            A::ReferSpecialPayment {
                payment_id,
                kind,
                amount_pence,
                reason,
            } => self.refer_special_payment(cx, payment_id, kind, amount_pence, reason),
            A::DecideSpecialPayment {
                payment_id,
                decision,
            } => self.decide_special_payment(cx, payment_id, decision),
            // escalation.rs
            A::EscalateToTier2 {
                escalation_received_at,
                reason,
                customer_remains_dissatisfied,
            } => self.escalate_to_tier2(
                cx,
                escalation_received_at,
                reason,
                customer_remains_dissatisfied,
            ),
            A::RecordReferral { body, reference } => self.record_referral(cx, body, reference),
            A::RecordReferralResult { body, result } => {
                self.record_referral_result(cx, body, result)
            }
            // care.rs
            A::RecordSafeguardingConcern {
                concern_id,
                kinds,
                immediate,
                escalated_to,
                note,
            } => self.record_safeguarding_concern(
                cx,
                concern_id,
                kinds,
                immediate,
                escalated_to,
                note,
            ),
            A::ResolveSafeguardingConcern {
                concern_id,
                resolution,
            } => self.resolve_safeguarding_concern(cx, concern_id, resolution),
            A::RecordComplexNeeds { needs, note } => self.record_complex_needs(cx, needs, note),
            A::AddRepresentative {
                representative_id,
                organisation,
                consent_scope,
                explicit_consent,
                personal,
            } => self.add_representative(
                cx,
                representative_id,
                organisation,
                consent_scope,
                explicit_consent,
                personal,
            ),
            A::WithdrawConsent {
                representative_id,
                reason,
            } => self.withdraw_consent(cx, representative_id, reason),
        }
    }

    /// SPEC 1: tier 1 is worked by the owning team's crm/crt_manager; tier 2 by the CCRT.
    fn authorise_case_work(&self, cx: &Ctx) -> Result<(), DomainError> {
        match (self.tier(), cx.meta.actor.role) {
            (Tier::Tier1, Role::Crm | Role::CrtManager) => self.own_team(&cx.meta.actor),
            (Tier::Tier2, Role::CcrtReviewer) => Ok(()),
            (_, role) => Err(DomainError::RoleNotPermitted {
                role,
                action: cx.action,
            }),
        }
    }

    fn own_team(&self, actor: &Actor) -> Result<(), DomainError> {
        if actor.team != self.team {
            return Err(DomainError::NotYourTeam {
                case_team: self.team.clone(),
            });
        }
        Ok(())
    }

    /// SPEC C2 contact rules, also applied to the outcome call (C10).
    fn check_contact(
        &self,
        tier: Tier,
        method: ContactMethod,
        suitability_checked: bool,
    ) -> Result<(), DomainError> {
        if self.flags.about_staff && method != ContactMethod::Letter {
            return Err(DomainError::ContactMethodNotAllowed {
                method: method.as_str(),
                why: "a complaint about staff is answered by letter, not a call",
            });
        }
        if self.flags.upcc {
            let written = matches!(method, ContactMethod::Letter | ContactMethod::Email)
                || (method == ContactMethod::Sms && tier == Tier::Tier2);
            if !written {
                return Err(DomainError::ContactMethodNotAllowed {
                    method: method.as_str(),
                    why: "unreasonable persistent contact is answered in writing (letter or email; also SMS at tier 2)",
                });
            }
        }
        if method == ContactMethod::Phone && self.is_vulnerable() && !suitability_checked {
            return Err(DomainError::PhoneSuitabilityNotChecked);
        }
        Ok(())
    }

    /// SPEC D2: the response target in working days for a tier (tier 2 of a POS case has
    /// its own).
    fn response_working_days(&self, policy: &Policy, tier: Tier) -> u32 {
        match (tier, self.flags.pos_case) {
            (Tier::Tier1, _) => policy.response.tier1_working_days,
            (Tier::Tier2, false) => policy.response.tier2_working_days,
            (Tier::Tier2, true) => policy.response.tier2_pos_working_days,
        }
    }
}
