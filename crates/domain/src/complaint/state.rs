//! The complaint aggregate's state: only what the rules need to decide the next command,
//! rebuilt by `apply` from events (never from commands), so replay gives the same state.

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, Utc};
use redress_calendar::Region;
use serde::{Deserialize, Serialize};

use super::events::ComplaintEvent;
use super::types::*;
use crate::personal::PersonalDetails;

/// A complaint (SPEC sections 3-6, 9).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Complaint {
    pub id: String,
    pub status: CaseStatus,
    pub team: String,
    pub region: Option<Region>,
    pub flags: ComplaintFlags,
    pub categories: Vec<String>,
    pub policy_version: String,
    pub case_manager: String,
    pub received_at: Option<DateTime<Utc>>,
    /// Kept only to handle the case (SPEC P1).
    pub personal: Option<PersonalDetails>,
    /// Tier 1 first; tier 2 appended on escalation. The last one is current.
    pub tiers: Vec<TierState>,
    /// Evidence id → validated (SPEC C3). Shared by both tiers.
    pub evidence: BTreeMap<String, bool>,
    /// SPEC C4: `Some(true)` once assurance is obtained.
    pub staff_assurance: Option<bool>,
    pub payments: BTreeMap<String, Payment>,
    pub evidence_invitation: Option<EvidenceInvitation>,
    pub feedback: BTreeMap<String, FeedbackAction>,
    pub concerns: BTreeMap<String, Concern>,
    pub complex_needs: Vec<ComplexNeed>,
    pub representatives: BTreeMap<String, Representative>,
    pub ice_window_ends: Option<DateTime<Utc>>,
    pub referrals: Vec<Referral>,
}

/// One tier's review (SPEC section 4: tier 2 has its own receipt time and clocks).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TierState {
    pub tier: Tier,
    pub received_at: DateTime<Utc>,
    pub initial_contact_due: DateTime<Utc>,
    /// The tracked response deadline (plan-adjusted per D3, pause-adjusted per D6).
    pub response_due: DateTime<Utc>,
    /// SPEC D6: working days the response clock has stood still, kept across recalculation.
    pub paused_working_days: u32,
    pub initial_contact_at: Option<DateTime<Utc>>,
    pub resolved_at_first_contact: bool,
    pub issues: Vec<Issue>,
    pub plan: Option<PlanState>,
    pub root_cause: bool,
    pub findings: Option<Vec<Finding>>,
    pub outcome: Option<Outcome>,
    pub redress: bool,
    pub outcome_communicated_at: Option<DateTime<Utc>>,
    pub signposted: Option<SignpostTarget>,
}

impl TierState {
    pub(super) fn new(
        tier: Tier,
        received_at: DateTime<Utc>,
        initial_contact_due: DateTime<Utc>,
        response_due: DateTime<Utc>,
    ) -> Self {
        TierState {
            tier,
            received_at,
            initial_contact_due,
            response_due,
            paused_working_days: 0,
            initial_contact_at: None,
            resolved_at_first_contact: false,
            issues: Vec::new(),
            plan: None,
            root_cause: false,
            findings: None,
            outcome: None,
            redress: false,
            outcome_communicated_at: None,
            signposted: None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PlanState {
    pub target_date: NaiveDate,
    pub counts_as_met: bool,
    pub revisions: u32,
}

crate::named_enum! {
    /// Where a special payment stands (SPEC C9).
    pub enum PaymentStatus as "payment status" {
        /// Awarded by the case manager within delegated authority.
        AwardedWithinDfa = "awarded_within_dfa",
        AwaitingSpt = "awaiting_spt",
        ApprovedBySpt = "approved_by_spt",
        DeclinedBySpt = "declined_by_spt",
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Payment {
    /// The tier whose outcome the payment redresses.
    pub tier: Tier,
    pub kind: PaymentKind,
    pub requested_pence: u64,
    pub amount_pence: u64,
    pub status: PaymentStatus,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EvidenceInvitation {
    pub invited_at: DateTime<Utc>,
    pub clock_paused: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FeedbackAction {
    pub to_team: String,
    pub due: DateTime<Utc>,
    pub confirmed_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Concern {
    pub immediate: bool,
    pub open: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Representative {
    pub organisation: String,
    pub consent_scope: String,
    pub consent_active: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Referral {
    pub body: ReferralBody,
    pub reference: String,
    pub result: Option<String>,
}

impl Complaint {
    /// The current tier's review, once received.
    pub fn current(&self) -> Option<&TierState> {
        self.tiers.last()
    }

    pub fn tier(&self) -> Tier {
        self.current().map_or(Tier::Tier1, |t| t.tier)
    }

    /// SPEC V2: any complex need marks the complainant vulnerable for C2.
    pub fn is_vulnerable(&self) -> bool {
        self.flags.vulnerable || !self.complex_needs.is_empty()
    }

    /// The team that handled tier 1 (feedback target at tier 2, SPEC T2).
    pub fn tier1_team(&self) -> &str {
        &self.team
    }

    /// Case-manager awards of a kind so far (SPEC C9: DFA is cumulative per kind).
    pub fn delegated_total(&self, kind: PaymentKind) -> u64 {
        self.payments
            .values()
            .filter(|p| p.kind == kind && p.status == PaymentStatus::AwardedWithinDfa)
            .map(|p| p.amount_pence)
            .sum()
    }

    pub fn payment_awaiting_spt(&self) -> bool {
        self.payments
            .values()
            .any(|p| p.status == PaymentStatus::AwaitingSpt)
    }

    /// Applies `f` to the current tier's review, once received.
    pub(super) fn with_current(&mut self, f: impl FnOnce(&mut TierState)) {
        if let Some(t) = self.tiers.last_mut() {
            f(t);
        }
    }

    /// The fold: one arm per event, in the order of the stage files under `rules/`, each
    /// beside the rule that emits its event.
    pub(crate) fn apply_event(&mut self, event: ComplaintEvent) {
        use ComplaintEvent::*;
        use PaymentStatus as Status;
        match event {
            // rules/intake.rs
            e @ Received { .. } => self.apply_received(e),
            InitialContactRecorded {
                meta,
                issues,
                resolved_at_first_contact,
                ..
            } => self.apply_initial_contact(meta.occurred_at, issues, resolved_at_first_contact),
            Recategorised { to, .. } => self.apply_recategorised(to),
            CaseManagerReassigned { to, .. } => self.apply_case_manager_reassigned(to),
            // rules/investigation.rs
            InvestigationStepRecorded {
                evidence_id,
                validated,
                ..
            } => self.apply_investigation_step(evidence_id, validated),
            EvidenceValidated { evidence_id, .. } => self.apply_evidence_validated(evidence_id),
            StaffAssuranceRecorded { obtained, .. } => self.apply_staff_assurance(obtained),
            RootCauseRecorded { .. } => self.apply_root_cause(),
            FindingsRecorded { findings, .. } => self.apply_findings(findings),
            // A record only: no rule depends on it.
            CaseConferenceHeld { .. } => {}
            // rules/clocks.rs
            ResolutionPlanAgreed {
                target_date,
                new_due,
                counts_as_met,
                ..
            } => self.apply_plan_agreed(target_date, new_due, counts_as_met),
            ResolutionPlanRevised {
                target_date,
                new_due,
                ..
            } => self.apply_plan_revised(target_date, new_due),
            FurtherEvidenceInvited {
                meta, clock_paused, ..
            } => self.apply_further_evidence_invited(meta.occurred_at, clock_paused),
            FurtherEvidenceReceived {
                response_due,
                paused_working_days,
                ..
            } => self.apply_further_evidence_received(response_due, paused_working_days),
            DeadlinesRecalculated {
                initial_contact_due,
                response_due,
                ..
            } => self.apply_deadlines_recalculated(initial_contact_due, response_due),
            // rules/outcome.rs
            OutcomeDecided { outcome, .. } => self.apply_outcome_decided(outcome),
            RedressRecorded { .. } => self.apply_redress(),
            OutcomeCommunicated { meta, .. } => self.apply_outcome_communicated(meta.occurred_at),
            SignpostedToCcrt { .. } => self.apply_signposted(SignpostTarget::Ccrt, None),
            SignpostedToIce {
                ice_window_ends, ..
            } => self.apply_signposted(SignpostTarget::Ice, Some(ice_window_ends)),
            FeedbackActionAgreed {
                action_id,
                to_team,
                due,
                ..
            } => self.apply_feedback_agreed(action_id, to_team, due),
            FeedbackActionConfirmed {
                meta, action_id, ..
            } => self.apply_feedback_confirmed(&action_id, meta.occurred_at),
            Withdrawn { .. } => self.apply_withdrawn(),
            Closed { .. } => self.apply_closed(),
            // rules/payments.rs
            SpecialPaymentAwarded {
                tier,
                payment_id,
                kind,
                amount_pence,
                ..
            } => self.apply_new_payment(
                payment_id,
                tier,
                kind,
                amount_pence,
                Status::AwardedWithinDfa,
            ),
            SpecialPaymentReferred {
                tier,
                payment_id,
                kind,
                amount_pence,
                ..
            } => self.apply_new_payment(payment_id, tier, kind, amount_pence, Status::AwaitingSpt),
            SpecialPaymentApproved {
                payment_id,
                approved_pence,
                ..
            } => self.apply_spt_decision(&payment_id, approved_pence, Status::ApprovedBySpt),
            SpecialPaymentDeclined { payment_id, .. } => {
                self.apply_spt_decision(&payment_id, 0, Status::DeclinedBySpt)
            }
            // rules/escalation.rs
            EscalatedToTier2 {
                escalation_received_at,
                tier2_initial_contact_due,
                tier2_response_due,
                ..
            } => self.apply_escalated(
                escalation_received_at,
                tier2_initial_contact_due,
                tier2_response_due,
            ),
            ReferralRecorded {
                body, reference, ..
            } => self.apply_referral(body, reference),
            ReferralResultRecorded { body, result, .. } => self.apply_referral_result(body, result),
            // rules/care.rs
            SafeguardingConcernRecorded {
                concern_id,
                immediate,
                ..
            } => self.apply_concern_recorded(concern_id, immediate),
            SafeguardingConcernResolved { concern_id, .. } => {
                self.apply_concern_resolved(&concern_id)
            }
            ComplexNeedsRecorded { needs, .. } => self.apply_complex_needs(needs),
            RepresentativeAdded {
                representative_id,
                organisation,
                consent_scope,
                ..
            } => self.apply_representative_added(representative_id, organisation, consent_scope),
            ConsentWithdrawn {
                representative_id, ..
            } => self.apply_consent_withdrawn(&representative_id),
        }
    }
}
