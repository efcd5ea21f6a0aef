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
    fn new(
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

    fn current_mut(&mut self) -> Option<&mut TierState> {
        self.tiers.last_mut()
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

    pub(crate) fn apply_event(&mut self, event: ComplaintEvent) {
        use ComplaintEvent::*;
        match event {
            Received {
                complaint_id,
                received_at,
                categories,
                team,
                region,
                flags,
                policy_version,
                case_manager,
                initial_contact_due,
                response_due,
                personal,
                ..
            } => {
                self.id = complaint_id;
                self.status = CaseStatus::Open;
                self.team = team;
                self.region = Some(region);
                self.flags = flags;
                self.categories = categories;
                self.policy_version = policy_version;
                self.case_manager = case_manager;
                self.received_at = Some(received_at);
                self.personal = Some(personal);
                self.tiers = vec![TierState::new(
                    Tier::Tier1,
                    received_at,
                    initial_contact_due,
                    response_due,
                )];
            }
            InitialContactRecorded {
                meta,
                issues,
                resolved_at_first_contact,
                ..
            } => {
                if let Some(t) = self.current_mut() {
                    t.initial_contact_at = Some(meta.occurred_at);
                    t.issues = issues;
                    t.resolved_at_first_contact = resolved_at_first_contact;
                }
            }
            InvestigationStepRecorded {
                evidence_id,
                validated,
                ..
            } => {
                let entry = self.evidence.entry(evidence_id).or_insert(false);
                *entry = *entry || validated;
            }
            EvidenceValidated { evidence_id, .. } => {
                self.evidence.insert(evidence_id, true);
            }
            StaffAssuranceRecorded { obtained, .. } => self.staff_assurance = Some(obtained),
            ResolutionPlanAgreed {
                target_date,
                new_due,
                counts_as_met,
                ..
            } => {
                if let Some(t) = self.current_mut() {
                    t.response_due = new_due;
                    t.plan = Some(PlanState {
                        target_date,
                        counts_as_met,
                        revisions: 0,
                    });
                }
            }
            ResolutionPlanRevised {
                target_date,
                new_due,
                ..
            } => {
                if let Some(t) = self.current_mut() {
                    t.response_due = new_due;
                    if let Some(p) = t.plan.as_mut() {
                        p.target_date = target_date;
                        p.revisions += 1;
                    }
                }
            }
            RootCauseRecorded { .. } => {
                if let Some(t) = self.current_mut() {
                    t.root_cause = true;
                }
            }
            FindingsRecorded { findings, .. } => {
                if let Some(t) = self.current_mut() {
                    t.findings = Some(findings);
                }
            }
            OutcomeDecided { outcome, .. } => {
                if let Some(t) = self.current_mut() {
                    t.outcome = Some(outcome);
                }
            }
            RedressRecorded { .. } => {
                if let Some(t) = self.current_mut() {
                    t.redress = true;
                }
            }
            SpecialPaymentAwarded {
                tier,
                payment_id,
                kind,
                amount_pence,
                ..
            } => {
                self.payments.insert(
                    payment_id,
                    Payment {
                        tier,
                        kind,
                        requested_pence: amount_pence,
                        amount_pence,
                        status: PaymentStatus::AwardedWithinDfa,
                    },
                );
            }
            SpecialPaymentReferred {
                tier,
                payment_id,
                kind,
                amount_pence,
                ..
            } => {
                self.payments.insert(
                    payment_id,
                    Payment {
                        tier,
                        kind,
                        requested_pence: amount_pence,
                        amount_pence: 0,
                        status: PaymentStatus::AwaitingSpt,
                    },
                );
            }
            SpecialPaymentApproved {
                payment_id,
                approved_pence,
                ..
            } => {
                if let Some(p) = self.payments.get_mut(&payment_id) {
                    p.amount_pence = approved_pence;
                    p.status = PaymentStatus::ApprovedBySpt;
                }
            }
            SpecialPaymentDeclined { payment_id, .. } => {
                if let Some(p) = self.payments.get_mut(&payment_id) {
                    p.amount_pence = 0;
                    p.status = PaymentStatus::DeclinedBySpt;
                }
            }
            FurtherEvidenceInvited {
                meta, clock_paused, ..
            } => {
                self.evidence_invitation = Some(EvidenceInvitation {
                    invited_at: meta.occurred_at,
                    clock_paused,
                });
            }
            FurtherEvidenceReceived {
                response_due,
                paused_working_days,
                ..
            } => {
                self.evidence_invitation = None;
                if let Some(t) = self.current_mut() {
                    t.response_due = response_due;
                    t.paused_working_days += paused_working_days;
                }
            }
            DeadlinesRecalculated {
                initial_contact_due,
                response_due,
                ..
            } => {
                if let Some(t) = self.current_mut() {
                    if let Some(c) = initial_contact_due {
                        t.initial_contact_due = c.new;
                    }
                    if let Some(c) = response_due {
                        t.response_due = c.new;
                    }
                }
            }
            OutcomeCommunicated { meta, .. } => {
                if let Some(t) = self.current_mut() {
                    t.outcome_communicated_at = Some(meta.occurred_at);
                }
            }
            SignpostedToCcrt { .. } => {
                if let Some(t) = self.current_mut() {
                    t.signposted = Some(SignpostTarget::Ccrt);
                }
            }
            SignpostedToIce {
                ice_window_ends, ..
            } => {
                self.ice_window_ends = Some(ice_window_ends);
                if let Some(t) = self.current_mut() {
                    t.signposted = Some(SignpostTarget::Ice);
                }
            }
            EscalatedToTier2 {
                escalation_received_at,
                tier2_initial_contact_due,
                tier2_response_due,
                ..
            } => {
                self.status = CaseStatus::Open;
                self.evidence_invitation = None;
                self.tiers.push(TierState::new(
                    Tier::Tier2,
                    escalation_received_at,
                    tier2_initial_contact_due,
                    tier2_response_due,
                ));
            }
            CaseConferenceHeld { .. } => {}
            FeedbackActionAgreed {
                action_id,
                to_team,
                due,
                ..
            } => {
                self.feedback.insert(
                    action_id,
                    FeedbackAction {
                        to_team,
                        due,
                        confirmed_at: None,
                    },
                );
            }
            FeedbackActionConfirmed {
                meta, action_id, ..
            } => {
                if let Some(a) = self.feedback.get_mut(&action_id) {
                    a.confirmed_at = Some(meta.occurred_at);
                }
            }
            Recategorised { to, .. } => self.categories = to,
            SafeguardingConcernRecorded {
                concern_id,
                immediate,
                ..
            } => {
                self.concerns.insert(
                    concern_id,
                    Concern {
                        immediate,
                        open: true,
                    },
                );
            }
            SafeguardingConcernResolved { concern_id, .. } => {
                if let Some(c) = self.concerns.get_mut(&concern_id) {
                    c.open = false;
                }
            }
            ComplexNeedsRecorded { needs, .. } => {
                for n in needs {
                    if !self.complex_needs.contains(&n) {
                        self.complex_needs.push(n);
                    }
                }
            }
            RepresentativeAdded {
                representative_id,
                organisation,
                consent_scope,
                ..
            } => {
                self.representatives.insert(
                    representative_id,
                    Representative {
                        organisation,
                        consent_scope,
                        consent_active: true,
                    },
                );
            }
            ConsentWithdrawn {
                representative_id, ..
            } => {
                if let Some(r) = self.representatives.get_mut(&representative_id) {
                    r.consent_active = false;
                }
            }
            CaseManagerReassigned { to, .. } => self.case_manager = to,
            ReferralRecorded {
                body, reference, ..
            } => self.referrals.push(Referral {
                body,
                reference,
                result: None,
            }),
            ReferralResultRecorded { body, result, .. } => {
                if let Some(r) = self
                    .referrals
                    .iter_mut()
                    .rev()
                    .find(|r| r.body == body && r.result.is_none())
                {
                    r.result = Some(result);
                }
            }
            Withdrawn { .. } => {
                self.status = CaseStatus::Withdrawn;
                self.evidence_invitation = None;
            }
            Closed { .. } => self.status = CaseStatus::Closed,
        }
    }
}
