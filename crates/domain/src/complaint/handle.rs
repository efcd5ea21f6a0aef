//! The complaint's rules: `decide` turns a command into events or a refusal. It is pure and
//! takes `&self`, so a refused command can neither emit an event nor change the state.
//! Rules are cited by their SPEC numbers.

use redress_calendar::{end_of_day, local_date};

use super::commands::{ComplaintAction, ComplaintCommand};
use super::events::ComplaintEvent as E;
use super::state::Complaint;
use super::types::*;
use crate::actor::{Actor, Role};
use crate::check;
use crate::deadline;
use crate::error::DomainError;
use crate::meta::CommandMeta;
use crate::personal::ContactMethod;
use crate::policy::{Ladder, Policy};
use crate::services::DomainServices;
use crate::CaseStatus;

type Decision = Result<Vec<E>, DomainError>;

impl Complaint {
    /// Decides a command against the current state. Never mutates; never reads the clock.
    pub fn decide(&self, command: ComplaintCommand, services: &DomainServices) -> Decision {
        let ComplaintCommand { meta, action } = command;
        meta.check_not_future()?;
        if let ComplaintAction::Receive { .. } = action {
            return self.receive(meta, action, services);
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
        let policy: &Policy = services.policy(&self.policy_version)?;
        let calendar = services.calendars.get(region);
        let ctx = Ctx { meta: &meta };
        let tier = tier_state.tier;
        let lim = &policy.limits;
        let ev = meta.event();
        let action_name = action.name();

        match action {
            ComplaintAction::Receive { .. } => Err(DomainError::CaseAlreadyExists),

            // SPEC C2 (C14 when resolved at first contact).
            ComplaintAction::RecordInitialContact {
                method,
                suitability_checked,
                offered_direct_contact,
                issues,
                resolution_sought,
                resolved_at_first_contact,
            } => {
                self.authorise_case_work(&meta.actor, action_name)?;
                if tier_state.initial_contact_at.is_some() {
                    return Err(DomainError::AlreadyRecorded {
                        what: "the initial contact for this tier",
                    });
                }
                self.check_contact(tier, method, suitability_checked)?;
                check::non_empty("issues", &issues)?;
                check::items("issues", &issues, lim.list_items)?;
                let mut seen = std::collections::BTreeSet::new();
                for i in &issues {
                    check::required("issues.issue_id", &i.issue_id, lim.id)?;
                    check::required("issues.summary", &i.summary, lim.long_text)?;
                    if !seen.insert(i.issue_id.as_str()) {
                        return Err(DomainError::DuplicateId {
                            field: "issues.issue_id",
                            id: i.issue_id.clone(),
                        });
                    }
                }
                check::required("resolution_sought", &resolution_sought, lim.long_text)?;
                let due = tier_state.initial_contact_due;
                Ok(vec![E::InitialContactRecorded {
                    meta: ev,
                    tier,
                    method,
                    suitability_checked,
                    offered_direct_contact,
                    issues,
                    resolution_sought,
                    resolved_at_first_contact,
                    due,
                    within_target: meta.occurred_at <= due,
                }])
            }

            // SPEC C3.
            ComplaintAction::RecordInvestigationStep {
                step,
                evidence_id,
                description,
                validated,
            } => {
                self.authorise_case_work(&meta.actor, action_name)?;
                check::required("evidence_id", &evidence_id, lim.id)?;
                check::required("description", &description, lim.long_text)?;
                if self.evidence.contains_key(&evidence_id) {
                    return Err(DomainError::DuplicateId {
                        field: "evidence_id",
                        id: evidence_id,
                    });
                }
                Ok(vec![E::InvestigationStepRecorded {
                    meta: ev,
                    tier,
                    step,
                    evidence_id,
                    description,
                    validated,
                }])
            }
            ComplaintAction::ValidateEvidence { evidence_id } => {
                self.authorise_case_work(&meta.actor, action_name)?;
                match self.evidence.get(&evidence_id) {
                    None => Err(DomainError::UnknownId {
                        field: "evidence_id",
                        id: evidence_id,
                    }),
                    Some(true) => Err(DomainError::AlreadyRecorded {
                        what: "validation of this evidence",
                    }),
                    Some(false) => Ok(vec![E::EvidenceValidated {
                        meta: ev,
                        evidence_id,
                    }]),
                }
            }

            // SPEC C4.
            ComplaintAction::RecordStaffAssurance { obtained, note } => {
                self.authorise_case_work(&meta.actor, action_name)?;
                check::optional("note", &note, lim.long_text)?;
                self.before_outcome(tier_state)?;
                Ok(vec![E::StaffAssuranceRecorded {
                    meta: ev,
                    obtained,
                    note,
                }])
            }

            // SPEC C5 / D3.
            ComplaintAction::AgreeResolutionPlan {
                target_date,
                actions,
            } => {
                self.authorise_case_work(&meta.actor, action_name)?;
                if tier_state.plan.is_some() {
                    return Err(DomainError::AlreadyRecorded {
                        what: "a resolution plan for this tier (revise it instead)",
                    });
                }
                self.before_communication(tier_state)?;
                check::required("actions", &actions, lim.long_text)?;
                ctx.future_date("target_date", target_date)?;
                let previous_due = tier_state.response_due;
                Ok(vec![E::ResolutionPlanAgreed {
                    meta: ev,
                    tier,
                    target_date,
                    actions,
                    previous_due,
                    new_due: end_of_day(target_date),
                    // Agreed on or before the due instant: the target counts as met.
                    counts_as_met: meta.occurred_at <= previous_due,
                }])
            }
            ComplaintAction::ReviseResolutionPlan {
                target_date,
                actions,
                reason,
            } => {
                self.authorise_case_work(&meta.actor, action_name)?;
                if tier_state.plan.is_none() {
                    return Err(DomainError::StepOutOfOrder {
                        step: "revise a resolution plan",
                        requires: "an agreed resolution plan",
                    });
                }
                self.before_communication(tier_state)?;
                check::required("actions", &actions, lim.long_text)?;
                check::required("reason", &reason, lim.long_text)?;
                ctx.future_date("target_date", target_date)?;
                Ok(vec![E::ResolutionPlanRevised {
                    meta: ev,
                    tier,
                    target_date,
                    actions,
                    reason,
                    previous_due: tier_state.response_due,
                    new_due: end_of_day(target_date),
                }])
            }

            // SPEC C6.
            ComplaintAction::RecordRootCause { root_cause } => {
                self.authorise_case_work(&meta.actor, action_name)?;
                self.before_outcome(tier_state)?;
                check::required("what_happened", &root_cause.what_happened, lim.long_text)?;
                check::required(
                    "what_should_have_happened",
                    &root_cause.what_should_have_happened,
                    lim.long_text,
                )?;
                check::required("mistakes", &root_cause.mistakes, lim.long_text)?;
                check::required("root_cause", &root_cause.root_cause, lim.long_text)?;
                Ok(vec![E::RootCauseRecorded {
                    meta: ev,
                    tier,
                    root_cause,
                }])
            }

            // SPEC C3 / C7.
            ComplaintAction::RecordFindings { findings } => {
                self.authorise_case_work(&meta.actor, action_name)?;
                if tier_state.initial_contact_at.is_none() {
                    return Err(DomainError::InitialContactRequired);
                }
                self.before_outcome(tier_state)?;
                check::items("findings", &findings, lim.list_items)?;
                for issue in &tier_state.issues {
                    let n = findings
                        .iter()
                        .filter(|f| f.issue_id == issue.issue_id)
                        .count();
                    if n != 1 {
                        return Err(DomainError::FindingsIncomplete {
                            issue_id: issue.issue_id.clone(),
                        });
                    }
                }
                for f in &findings {
                    if !tier_state.issues.iter().any(|i| i.issue_id == f.issue_id) {
                        return Err(DomainError::UnknownId {
                            field: "findings.issue_id",
                            id: f.issue_id.clone(),
                        });
                    }
                    check::required("findings.reasoning", &f.reasoning, lim.long_text)?;
                    if f.evidence_ids.is_empty() {
                        return Err(DomainError::FindingWithoutEvidence {
                            issue_id: f.issue_id.clone(),
                        });
                    }
                    for e in &f.evidence_ids {
                        match self.evidence.get(e) {
                            None => {
                                return Err(DomainError::UnknownId {
                                    field: "findings.evidence_ids",
                                    id: e.clone(),
                                })
                            }
                            Some(false) => {
                                return Err(DomainError::EvidenceNotValidated {
                                    issue_id: f.issue_id.clone(),
                                    evidence_id: e.clone(),
                                })
                            }
                            Some(true) => {}
                        }
                    }
                }
                Ok(vec![E::FindingsRecorded {
                    meta: ev,
                    tier,
                    findings,
                }])
            }

            // SPEC C4, C6, C7 (and C14: a first-contact resolution needs no root-cause analysis).
            ComplaintAction::DecideOutcome { outcome, summary } => {
                self.authorise_case_work(&meta.actor, action_name)?;
                self.before_outcome(tier_state)?;
                let Some(findings) = tier_state.findings.as_ref() else {
                    return Err(DomainError::FindingsRequired);
                };
                if !tier_state.root_cause && !tier_state.resolved_at_first_contact {
                    return Err(DomainError::RootCauseRequired);
                }
                if outcome == Outcome::Justified && tier == Tier::Tier1 {
                    return Err(DomainError::JustifiedOnlyAtTier2);
                }
                if self.flags.about_staff
                    && self.staff_assurance != Some(true)
                    && outcome != Outcome::Upheld
                {
                    return Err(DomainError::StaffAssuranceNotObtainedMustUphold);
                }
                check_outcome_against_findings(outcome, findings)?;
                check::required("summary", &summary, lim.long_text)?;
                Ok(vec![E::OutcomeDecided {
                    meta: ev,
                    tier,
                    outcome,
                    summary,
                }])
            }

            // SPEC C8.
            ComplaintAction::RecordRedress {
                apology,
                remedial_assurance,
            } => {
                self.authorise_case_work(&meta.actor, action_name)?;
                let outcome = tier_state.outcome.ok_or(DomainError::OutcomeRequired)?;
                if !outcome.warrants_redress() {
                    return Err(DomainError::RedressNotApplicable);
                }
                if tier_state.redress {
                    return Err(DomainError::AlreadyRecorded {
                        what: "redress for this tier",
                    });
                }
                check::required("apology", &apology, lim.long_text)?;
                check::required("remedial_assurance", &remedial_assurance, lim.long_text)?;
                Ok(vec![E::RedressRecorded {
                    meta: ev,
                    tier,
                    apology,
                    remedial_assurance,
                }])
            }

            // SPEC C9: within DFA the case manager awards it.
            ComplaintAction::AwardSpecialPayment {
                payment_id,
                kind,
                amount_pence,
                reason,
            } => {
                self.authorise_case_work(&meta.actor, action_name)?;
                self.check_new_payment(tier_state, &payment_id, amount_pence, &reason, policy)?;
                let limit = match kind {
                    PaymentKind::ActualFinancialLoss => policy.dfa.actual_financial_loss_pence,
                    PaymentKind::Consolatory => policy.dfa.consolatory_pence,
                };
                let total = self.delegated_total(kind).saturating_add(amount_pence);
                if total > limit {
                    return Err(DomainError::AboveDelegatedAuthority {
                        kind: kind.as_str(),
                        total,
                        limit,
                    });
                }
                Ok(vec![E::SpecialPaymentAwarded {
                    meta: ev,
                    tier,
                    payment_id,
                    kind,
                    amount_pence,
                    reason,
                    delegated_total_pence: total,
                }])
            }
            // SPEC C9: above DFA, or when a review is required, the SPT decides.
            ComplaintAction::ReferSpecialPayment {
                payment_id,
                kind,
                amount_pence,
                reason,
            } => {
                self.authorise_case_work(&meta.actor, action_name)?;
                self.check_new_payment(tier_state, &payment_id, amount_pence, &reason, policy)?;
                Ok(vec![E::SpecialPaymentReferred {
                    meta: ev,
                    tier,
                    payment_id,
                    kind,
                    amount_pence,
                    reason,
                }])
            }
            // SPEC C9 / section 1: only the SPT decides a referral.
            ComplaintAction::DecideSpecialPayment {
                payment_id,
                decision,
            } => {
                if meta.actor.role != Role::SpecialPaymentTeam {
                    return Err(DomainError::RoleNotPermitted {
                        role: meta.actor.role,
                        action: action_name,
                    });
                }
                let payment = match self.payments.get(&payment_id) {
                    None => {
                        return Err(DomainError::UnknownId {
                            field: "payment_id",
                            id: payment_id,
                        })
                    }
                    Some(p) if p.status != super::state::PaymentStatus::AwaitingSpt => {
                        return Err(DomainError::PaymentNotAwaitingSpt { payment_id })
                    }
                    Some(p) => p,
                };
                match decision {
                    SptDecision::Approve { amount_pence } => {
                        check::positive("amount_pence", amount_pence)?;
                        Ok(vec![E::SpecialPaymentApproved {
                            meta: ev,
                            payment_id,
                            kind: payment.kind,
                            requested_pence: payment.requested_pence,
                            approved_pence: amount_pence,
                        }])
                    }
                    SptDecision::Decline { reason } => {
                        check::required("reason", &reason, lim.long_text)?;
                        Ok(vec![E::SpecialPaymentDeclined {
                            meta: ev,
                            payment_id,
                            kind: payment.kind,
                            requested_pence: payment.requested_pence,
                            reason,
                        }])
                    }
                }
            }

            // SPEC C9 / D6.
            ComplaintAction::InviteFurtherEvidence { note } => {
                self.authorise_case_work(&meta.actor, action_name)?;
                if self.evidence_invitation.is_some() {
                    return Err(DomainError::EvidenceInvitationOpen);
                }
                self.before_communication(tier_state)?;
                check::required("note", &note, lim.long_text)?;
                Ok(vec![E::FurtherEvidenceInvited {
                    meta: ev,
                    tier,
                    note,
                    clock_paused: policy.clock_pause.enabled,
                }])
            }
            ComplaintAction::RecordFurtherEvidence { note } => {
                self.authorise_case_work(&meta.actor, action_name)?;
                let Some(inv) = self.evidence_invitation.as_ref() else {
                    return Err(DomainError::NoEvidenceInvitation);
                };
                check::required("note", &note, lim.long_text)?;
                let (response_due, paused_working_days) = if inv.clock_paused {
                    deadline::extend_for_pause(
                        calendar,
                        tier_state.response_due,
                        inv.invited_at,
                        meta.occurred_at,
                    )
                } else {
                    (tier_state.response_due, 0)
                };
                Ok(vec![E::FurtherEvidenceReceived {
                    meta: ev,
                    tier,
                    note,
                    clock_resumed: inv.clock_paused,
                    paused_working_days,
                    response_due,
                }])
            }

            // SPEC C10 (method obeys C2; C8 redress first).
            ComplaintAction::CommunicateOutcome {
                method,
                suitability_checked,
                payment_explanation,
            } => {
                self.authorise_case_work(&meta.actor, action_name)?;
                let outcome = tier_state.outcome.ok_or(DomainError::OutcomeRequired)?;
                self.before_communication(tier_state)?;
                if outcome.warrants_redress() && !tier_state.redress {
                    return Err(DomainError::RedressRequired);
                }
                self.check_contact(tier, method, suitability_checked)?;
                // Payments redressing this tier's outcome must be explained on the call.
                let paid = self
                    .payments
                    .values()
                    .any(|p| p.tier == tier && p.amount_pence > 0);
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
                    lim.long_text,
                )?;
                let late_plan = tier_state.plan.as_ref().is_some_and(|p| !p.counts_as_met);
                Ok(vec![E::OutcomeCommunicated {
                    meta: ev,
                    tier,
                    method,
                    suitability_checked,
                    payment_explanation,
                    response_due: tier_state.response_due,
                    within_target: !late_plan && meta.occurred_at <= tier_state.response_due,
                }])
            }

            // SPEC C11 / T3 / T4.
            ComplaintAction::Signpost => {
                self.authorise_case_work(&meta.actor, action_name)?;
                let Some(final_response_at) = tier_state.outcome_communicated_at else {
                    return Err(DomainError::OutcomeNotCommunicated);
                };
                if tier_state.signposted.is_some() {
                    return Err(DomainError::AlreadyRecorded {
                        what: "signposting for this tier",
                    });
                }
                if tier == Tier::Tier2 || policy.ladder == Ladder::SingleTier {
                    Ok(vec![E::SignpostedToIce {
                        meta: ev,
                        tier,
                        final_response_at,
                        ice_window_ends: deadline::ice_window_end(
                            final_response_at,
                            policy.ice.window_months,
                        ),
                    }])
                } else {
                    Ok(vec![E::SignpostedToCcrt { meta: ev, tier }])
                }
            }

            // SPEC T1 / C12 / C17 (the one change a closed complaint accepts).
            ComplaintAction::EscalateToTier2 {
                escalation_received_at,
                reason,
                customer_remains_dissatisfied,
            } => {
                if policy.ladder == Ladder::SingleTier {
                    return Err(DomainError::NoEscalationRoute {
                        why: "the policy's ladder is single-tier; the next step is the Independent Case Examiner",
                    });
                }
                if tier == Tier::Tier2 {
                    return Err(DomainError::NoEscalationRoute {
                        why: "the complaint is already at tier 2; the next step is the Independent Case Examiner",
                    });
                }
                match (meta.actor.role, reason) {
                    (Role::Crm | Role::CrtManager, _) => self.own_team(&meta.actor)?,
                    (Role::CcrtReviewer, EscalationReason::CustomerRequest) => {}
                    (role, _) => {
                        return Err(DomainError::RoleNotPermitted {
                            role,
                            action: action_name,
                        })
                    }
                }
                if escalation_received_at > meta.now {
                    return Err(DomainError::OccurredInFuture {
                        field: "escalation_received_at",
                    });
                }
                if escalation_received_at < received_at {
                    return Err(DomainError::BeforeReceipt {
                        field: "escalation_received_at",
                    });
                }
                if tier_state.outcome_communicated_at.is_none() {
                    return Err(DomainError::OutcomeNotCommunicated);
                }
                if reason == EscalationReason::Proactive
                    && (tier_state.outcome != Some(Outcome::NotUpheld)
                        || !customer_remains_dissatisfied)
                {
                    return Err(DomainError::ProactiveEscalationNotApplicable);
                }
                let days = if self.flags.pos_case {
                    policy.response.tier2_pos_working_days
                } else {
                    policy.response.tier2_working_days
                };
                Ok(vec![E::EscalatedToTier2 {
                    meta: ev,
                    reason,
                    escalation_received_at,
                    tier1_team: self.team.clone(),
                    tier2_initial_contact_due: deadline::initial_contact_due(
                        policy,
                        calendar,
                        escalation_received_at,
                    ),
                    tier2_response_due: deadline::working_days_due(
                        calendar,
                        escalation_received_at,
                        days,
                    ),
                }])
            }

            // SPEC C13.
            ComplaintAction::HoldCaseConference {
                attendees,
                decision,
            } => {
                self.authorise_case_work(&meta.actor, action_name)?;
                check::non_empty("attendees", &attendees)?;
                check::items("attendees", &attendees, lim.list_items)?;
                for a in &attendees {
                    check::required("attendees", a, lim.short_text)?;
                }
                check::required("decision", &decision, lim.long_text)?;
                Ok(vec![E::CaseConferenceHeld {
                    meta: ev,
                    tier,
                    attendees,
                    decision,
                }])
            }

            // SPEC C15 / D4 / T2.
            ComplaintAction::AgreeFeedbackAction {
                action_id,
                to_team,
                recommendation,
                deadline,
            } => {
                self.authorise_case_work(&meta.actor, action_name)?;
                check::required("action_id", &action_id, lim.id)?;
                check::required("to_team", &to_team, lim.short_text)?;
                check::required("recommendation", &recommendation, lim.long_text)?;
                if self.feedback.contains_key(&action_id) {
                    return Err(DomainError::DuplicateId {
                        field: "action_id",
                        id: action_id,
                    });
                }
                if tier == Tier::Tier2 && to_team != self.team {
                    return Err(DomainError::FeedbackMustGoToTier1Team {
                        tier1_team: self.team.clone(),
                    });
                }
                let due = match deadline {
                    FeedbackDeadline::Simple => calendar.end_of_working_day_after(
                        meta.occurred_at,
                        policy.feedback.simple_working_days,
                    ),
                    FeedbackDeadline::Complex => calendar.end_of_working_day_after(
                        meta.occurred_at,
                        policy.feedback.complex_working_days,
                    ),
                    FeedbackDeadline::ByDate { date } => {
                        ctx.future_date("deadline.date", date)?;
                        end_of_day(date)
                    }
                };
                Ok(vec![E::FeedbackActionAgreed {
                    meta: ev,
                    tier,
                    action_id,
                    to_team,
                    recommendation,
                    deadline,
                    due,
                }])
            }
            ComplaintAction::ConfirmFeedbackAction { action_id, note } => {
                self.authorise_case_work(&meta.actor, action_name)?;
                check::optional("note", &note, lim.long_text)?;
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
                    meta: ev,
                    due: action.due,
                    within_deadline: meta.occurred_at <= action.due,
                    action_id,
                    note,
                }])
            }

            // SPEC C16 (closed complaints are refused above).
            ComplaintAction::Recategorise { categories, reason } => {
                self.authorise_case_work(&meta.actor, action_name)?;
                validate_categories(policy, &categories)?;
                check::required("reason", &reason, lim.long_text)?;
                Ok(vec![E::Recategorised {
                    meta: ev,
                    from: self.categories.clone(),
                    to: categories,
                    reason,
                }])
            }

            // SPEC V1.
            ComplaintAction::RecordSafeguardingConcern {
                concern_id,
                kinds,
                immediate,
                escalated_to,
                note,
            } => {
                self.authorise_case_work(&meta.actor, action_name)?;
                check::required("concern_id", &concern_id, lim.id)?;
                check::non_empty("kinds", &kinds)?;
                check::items("kinds", &kinds, lim.list_items)?;
                check::items("escalated_to", &escalated_to, lim.list_items)?;
                check::optional("note", &note, lim.long_text)?;
                if self.concerns.contains_key(&concern_id) {
                    return Err(DomainError::DuplicateId {
                        field: "concern_id",
                        id: concern_id,
                    });
                }
                if immediate && !escalated_to.contains(&EscalatedTo::EmergencyServices) {
                    return Err(DomainError::ImmediateRiskNeedsEmergencyServices);
                }
                Ok(vec![E::SafeguardingConcernRecorded {
                    meta: ev,
                    concern_id,
                    kinds,
                    immediate,
                    escalated_to,
                    note,
                }])
            }
            ComplaintAction::ResolveSafeguardingConcern {
                concern_id,
                resolution,
            } => {
                // Managers work the safeguarding queue, whichever tier the case is at.
                if !(meta.actor.role == Role::CrtManager && meta.actor.team == self.team) {
                    self.authorise_case_work(&meta.actor, action_name)?;
                }
                check::required("resolution", &resolution, lim.long_text)?;
                match self.concerns.get(&concern_id) {
                    None => Err(DomainError::UnknownId {
                        field: "concern_id",
                        id: concern_id,
                    }),
                    Some(c) if !c.open => Err(DomainError::AlreadyRecorded {
                        what: "resolution of this concern",
                    }),
                    Some(_) => Ok(vec![E::SafeguardingConcernResolved {
                        meta: ev,
                        concern_id,
                        resolution,
                    }]),
                }
            }

            // SPEC V2.
            ComplaintAction::RecordComplexNeeds { needs, note } => {
                self.authorise_case_work(&meta.actor, action_name)?;
                check::non_empty("needs", &needs)?;
                check::items("needs", &needs, lim.list_items)?;
                check::optional("note", &note, lim.long_text)?;
                Ok(vec![E::ComplexNeedsRecorded {
                    meta: ev,
                    needs,
                    note,
                }])
            }

            // SPEC P2.
            ComplaintAction::AddRepresentative {
                representative_id,
                organisation,
                consent_scope,
                explicit_consent,
                personal,
            } => {
                self.authorise_case_work(&meta.actor, action_name)?;
                check::required("representative_id", &representative_id, lim.id)?;
                check::required("organisation", &organisation, lim.short_text)?;
                check::required("consent_scope", &consent_scope, lim.long_text)?;
                check::required("personal.name", &personal.name, lim.short_text)?;
                check::optional_opt(
                    "personal.contact",
                    personal.contact.as_ref(),
                    lim.short_text,
                )?;
                if !explicit_consent {
                    return Err(DomainError::ConsentNotExplicit);
                }
                if self.representatives.contains_key(&representative_id) {
                    return Err(DomainError::DuplicateId {
                        field: "representative_id",
                        id: representative_id,
                    });
                }
                Ok(vec![E::RepresentativeAdded {
                    meta: ev,
                    representative_id,
                    organisation,
                    consent_scope,
                    personal,
                }])
            }
            ComplaintAction::WithdrawConsent {
                representative_id,
                reason,
            } => {
                self.authorise_case_work(&meta.actor, action_name)?;
                check::required("reason", &reason, lim.long_text)?;
                match self.representatives.get(&representative_id) {
                    None => Err(DomainError::UnknownId {
                        field: "representative_id",
                        id: representative_id,
                    }),
                    Some(r) if !r.consent_active => Err(DomainError::AlreadyRecorded {
                        what: "the withdrawal of this consent",
                    }),
                    Some(_) => Ok(vec![E::ConsentWithdrawn {
                        meta: ev,
                        representative_id,
                        reason,
                    }]),
                }
            }

            // SPEC 1: reassignment is a manager's power.
            ComplaintAction::ReassignCaseManager { case_manager } => {
                match (meta.actor.role, tier) {
                    (Role::CrtManager, _) => self.own_team(&meta.actor)?,
                    (Role::CcrtReviewer, Tier::Tier2) => {}
                    (role, _) => {
                        return Err(DomainError::RoleNotPermitted {
                            role,
                            action: action_name,
                        })
                    }
                }
                check::required("case_manager", &case_manager, lim.id)?;
                Ok(vec![E::CaseManagerReassigned {
                    meta: ev,
                    from: self.case_manager.clone(),
                    to: case_manager,
                }])
            }

            // SPEC T3.
            ComplaintAction::RecordReferral { body, reference } => {
                self.authorise_case_work(&meta.actor, action_name)?;
                if self.ice_window_ends.is_none() {
                    return Err(DomainError::IceNotSignposted {
                        what: "an ICE or PHSO referral",
                    });
                }
                if body == ReferralBody::Phso
                    && !self.referrals.iter().any(|r| r.body == ReferralBody::Ice)
                {
                    return Err(DomainError::StepOutOfOrder {
                        step: "record a PHSO referral",
                        requires: "the ICE referral",
                    });
                }
                check::required("reference", &reference, lim.short_text)?;
                Ok(vec![E::ReferralRecorded {
                    meta: ev,
                    body,
                    reference,
                }])
            }
            ComplaintAction::RecordReferralResult { body, result } => {
                self.authorise_case_work(&meta.actor, action_name)?;
                if !self
                    .referrals
                    .iter()
                    .any(|r| r.body == body && r.result.is_none())
                {
                    return Err(DomainError::StepOutOfOrder {
                        step: "record a referral result",
                        requires: "an open referral to that body",
                    });
                }
                check::required("result", &result, lim.long_text)?;
                Ok(vec![E::ReferralResultRecorded {
                    meta: ev,
                    body,
                    result,
                }])
            }

            // SPEC D7 (and D6: paused time is kept). Operators' work, not case work.
            ComplaintAction::RecalculateDeadlines => {
                if meta.actor.role != Role::Admin {
                    return Err(DomainError::RoleNotPermitted {
                        role: meta.actor.role,
                        action: action_name,
                    });
                }
                let t = tier_state;
                // Only open deadlines move: not yet met, not yet breached at `now`.
                let initial_contact_due = (t.initial_contact_at.is_none()
                    && meta.now <= t.initial_contact_due)
                    .then(|| deadline::initial_contact_due(policy, calendar, t.received_at))
                    .filter(|new| *new != t.initial_contact_due)
                    .map(|new| DueChange {
                        previous: t.initial_contact_due,
                        new,
                    });
                // A resolution plan's date was agreed with the customer: it does not move.
                let days = match (tier, self.flags.pos_case) {
                    (Tier::Tier1, _) => policy.response.tier1_working_days,
                    (Tier::Tier2, false) => policy.response.tier2_working_days,
                    (Tier::Tier2, true) => policy.response.tier2_pos_working_days,
                };
                let response_due = (t.outcome_communicated_at.is_none()
                    && t.plan.is_none()
                    && meta.now <= t.response_due)
                    .then(|| {
                        deadline::extend_by_working_days(
                            calendar,
                            deadline::working_days_due(calendar, t.received_at, days),
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
                    meta: ev,
                    tier,
                    initial_contact_due,
                    response_due,
                }])
            }

            // SPEC C18.
            ComplaintAction::Withdraw { reason } => {
                self.authorise_case_work(&meta.actor, action_name)?;
                check::required("reason", &reason, lim.long_text)?;
                Ok(vec![E::Withdrawn {
                    meta: ev,
                    tier,
                    reason,
                }])
            }

            // SPEC C17.
            ComplaintAction::Close => {
                self.authorise_case_work(&meta.actor, action_name)?;
                if tier_state.outcome_communicated_at.is_none() {
                    return Err(DomainError::OutcomeNotCommunicated);
                }
                if tier_state.signposted.is_none() {
                    return Err(DomainError::SignpostingRequired);
                }
                if self.payment_awaiting_spt() {
                    return Err(DomainError::PaymentAwaitingSpt);
                }
                Ok(vec![E::Closed {
                    meta: ev,
                    tier,
                    categories: self.categories.clone(),
                }])
            }
        }
    }

    /// SPEC C1.
    fn receive(
        &self,
        meta: CommandMeta,
        action: ComplaintAction,
        services: &DomainServices,
    ) -> Decision {
        let ComplaintAction::Receive {
            complaint_id,
            received_at,
            channel,
            categories,
            team,
            region,
            flags,
            personal,
        } = action
        else {
            return Err(DomainError::CaseNotFound);
        };
        if !meta.actor.role.is_tier1_case_worker() {
            return Err(DomainError::RoleNotPermitted {
                role: meta.actor.role,
                action: "receive complaints",
            });
        }
        if self.status != CaseStatus::New {
            return Err(DomainError::CaseAlreadyExists);
        }
        if meta.actor.team != team {
            return Err(DomainError::NotYourTeam { case_team: team });
        }
        let policy = services.policies.current();
        let lim = &policy.limits;
        check::required("complaint_id", &complaint_id, lim.id)?;
        check::required("team", &team, lim.short_text)?;
        if received_at > meta.now {
            return Err(DomainError::OccurredInFuture {
                field: "received_at",
            });
        }
        validate_categories(policy, &categories)?;
        check::required("personal.name", &personal.name, lim.short_text)?;
        check::optional_opt("personal.address", personal.address.as_ref(), lim.long_text)?;
        check::optional_opt("personal.email", personal.email.as_ref(), lim.short_text)?;
        check::optional_opt("personal.phone", personal.phone.as_ref(), lim.short_text)?;
        let calendar = services.calendars.get(region);
        Ok(vec![E::Received {
            case_manager: meta.actor.user_id.clone(),
            meta: meta.event(),
            complaint_id,
            received_at,
            channel,
            categories,
            team,
            region,
            flags,
            policy_version: policy.version.clone(),
            initial_contact_due: deadline::initial_contact_due(policy, calendar, received_at),
            response_due: deadline::working_days_due(
                calendar,
                received_at,
                policy.response.tier1_working_days,
            ),
            personal,
        }])
    }

    /// SPEC 1: tier 1 is worked by the owning team's crm/crt_manager; tier 2 by the CCRT.
    fn authorise_case_work(&self, actor: &Actor, action: &'static str) -> Result<(), DomainError> {
        match (self.tier(), actor.role) {
            (Tier::Tier1, Role::Crm | Role::CrtManager) => self.own_team(actor),
            (Tier::Tier2, Role::CcrtReviewer) => Ok(()),
            (_, role) => Err(DomainError::RoleNotPermitted { role, action }),
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

    fn before_outcome(&self, t: &super::state::TierState) -> Result<(), DomainError> {
        if t.outcome.is_some() {
            return Err(DomainError::AlreadyRecorded {
                what: "the outcome for this tier",
            });
        }
        Ok(())
    }

    fn before_communication(&self, t: &super::state::TierState) -> Result<(), DomainError> {
        if t.outcome_communicated_at.is_some() {
            return Err(DomainError::AlreadyRecorded {
                what: "the outcome communication for this tier",
            });
        }
        Ok(())
    }

    /// SPEC C9: common checks for a new award or referral.
    fn check_new_payment(
        &self,
        t: &super::state::TierState,
        payment_id: &str,
        amount_pence: u64,
        reason: &str,
        policy: &Policy,
    ) -> Result<(), DomainError> {
        let lim = &policy.limits;
        check::required("payment_id", payment_id, lim.id)?;
        check::positive("amount_pence", amount_pence)?;
        check::required("reason", reason, lim.long_text)?;
        if !t.outcome.is_some_and(Outcome::warrants_redress) {
            return Err(DomainError::PaymentNotApplicable);
        }
        if self.payments.contains_key(payment_id) {
            return Err(DomainError::DuplicateId {
                field: "payment_id",
                id: payment_id.to_string(),
            });
        }
        Ok(())
    }
}

/// Per-command context that some checks need.
struct Ctx<'a> {
    meta: &'a CommandMeta,
}

impl Ctx<'_> {
    /// A target date must fall after the day the command happened.
    fn future_date(&self, field: &'static str, date: chrono::NaiveDate) -> Result<(), DomainError> {
        if date <= local_date(self.meta.occurred_at) {
            return Err(DomainError::DateNotInFuture { field });
        }
        Ok(())
    }
}

/// SPEC C1 / C16: one or more categories, all in the policy taxonomy, none repeated.
pub(crate) fn validate_categories(
    policy: &Policy,
    categories: &[String],
) -> Result<(), DomainError> {
    if categories.is_empty() {
        return Err(DomainError::NoCategories);
    }
    check::items("categories", categories, policy.limits.list_items)?;
    for (i, c) in categories.iter().enumerate() {
        if !policy.has_category(c) {
            return Err(DomainError::UnknownCategory {
                category: c.clone(),
            });
        }
        if categories[..i].contains(c) {
            return Err(DomainError::DuplicateCategory {
                category: c.clone(),
            });
        }
    }
    Ok(())
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
