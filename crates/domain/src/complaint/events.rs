//! Complaint events: the long-term record. Serialised adjacently tagged
//! (`{"type": "ComplaintReceived", "data": {...}}`) with explicit, stable names; the audit
//! envelope (`actor`, `occurred_at`, `recorded_at`) is flattened into `data`. Deadlines are
//! stored on the events that set them. Golden files in `tests/golden/` pin the JSON.

use chrono::{DateTime, NaiveDate, Utc};
use redress_calendar::Region;
use serde::{Deserialize, Serialize};

use super::types::*;
use crate::meta::EventMeta;
use crate::personal::{ContactMethod, PersonalDetails, RepresentativePersonal};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", content = "data")]
pub enum ComplaintEvent {
    #[serde(rename = "ComplaintReceived")]
    Received {
        #[serde(flatten)]
        meta: EventMeta,
        complaint_id: String,
        received_at: DateTime<Utc>,
        channel: Channel,
        categories: Vec<String>,
        team: String,
        region: Region,
        flags: ComplaintFlags,
        policy_version: String,
        case_manager: String,
        initial_contact_due: DateTime<Utc>,
        response_due: DateTime<Utc>,
        personal: PersonalDetails,
    },
    #[serde(rename = "InitialContactRecorded")]
    InitialContactRecorded {
        #[serde(flatten)]
        meta: EventMeta,
        tier: Tier,
        method: ContactMethod,
        suitability_checked: bool,
        offered_direct_contact: bool,
        issues: Vec<Issue>,
        resolution_sought: String,
        resolved_at_first_contact: bool,
        due: DateTime<Utc>,
        within_target: bool,
    },
    #[serde(rename = "InvestigationStepRecorded")]
    InvestigationStepRecorded {
        #[serde(flatten)]
        meta: EventMeta,
        tier: Tier,
        step: InvestigationStepKind,
        evidence_id: String,
        description: String,
        validated: bool,
    },
    #[serde(rename = "EvidenceValidated")]
    EvidenceValidated {
        #[serde(flatten)]
        meta: EventMeta,
        evidence_id: String,
    },
    #[serde(rename = "StaffAssuranceRecorded")]
    StaffAssuranceRecorded {
        #[serde(flatten)]
        meta: EventMeta,
        obtained: bool,
        note: String,
    },
    #[serde(rename = "ResolutionPlanAgreed")]
    ResolutionPlanAgreed {
        #[serde(flatten)]
        meta: EventMeta,
        tier: Tier,
        target_date: NaiveDate,
        actions: String,
        previous_due: DateTime<Utc>,
        new_due: DateTime<Utc>,
        /// SPEC C5: agreed on or before the due date, so it counts as meeting the target.
        counts_as_met: bool,
    },
    #[serde(rename = "ResolutionPlanRevised")]
    ResolutionPlanRevised {
        #[serde(flatten)]
        meta: EventMeta,
        tier: Tier,
        target_date: NaiveDate,
        actions: String,
        reason: String,
        previous_due: DateTime<Utc>,
        new_due: DateTime<Utc>,
    },
    #[serde(rename = "RootCauseRecorded")]
    RootCauseRecorded {
        #[serde(flatten)]
        meta: EventMeta,
        tier: Tier,
        root_cause: RootCause,
    },
    #[serde(rename = "FindingsRecorded")]
    FindingsRecorded {
        #[serde(flatten)]
        meta: EventMeta,
        tier: Tier,
        findings: Vec<Finding>,
    },
    #[serde(rename = "OutcomeDecided")]
    OutcomeDecided {
        #[serde(flatten)]
        meta: EventMeta,
        tier: Tier,
        outcome: Outcome,
        summary: String,
    },
    #[serde(rename = "RedressRecorded")]
    RedressRecorded {
        #[serde(flatten)]
        meta: EventMeta,
        tier: Tier,
        apology: String,
        remedial_assurance: String,
    },
    #[serde(rename = "SpecialPaymentAwarded")]
    SpecialPaymentAwarded {
        #[serde(flatten)]
        meta: EventMeta,
        tier: Tier,
        payment_id: String,
        kind: PaymentKind,
        amount_pence: u64,
        reason: String,
        /// Case-manager awards of this kind on this complaint, including this one.
        delegated_total_pence: u64,
    },
    #[serde(rename = "SpecialPaymentReferred")]
    SpecialPaymentReferred {
        #[serde(flatten)]
        meta: EventMeta,
        tier: Tier,
        payment_id: String,
        kind: PaymentKind,
        amount_pence: u64,
        reason: String,
    },
    #[serde(rename = "SpecialPaymentApproved")]
    SpecialPaymentApproved {
        #[serde(flatten)]
        meta: EventMeta,
        payment_id: String,
        kind: PaymentKind,
        requested_pence: u64,
        approved_pence: u64,
    },
    #[serde(rename = "SpecialPaymentDeclined")]
    SpecialPaymentDeclined {
        #[serde(flatten)]
        meta: EventMeta,
        payment_id: String,
        kind: PaymentKind,
        requested_pence: u64,
        reason: String,
    },
    #[serde(rename = "FurtherEvidenceInvited")]
    FurtherEvidenceInvited {
        #[serde(flatten)]
        meta: EventMeta,
        tier: Tier,
        note: String,
        /// SPEC D6: the policy paused the response clock.
        clock_paused: bool,
    },
    #[serde(rename = "FurtherEvidenceReceived")]
    FurtherEvidenceReceived {
        #[serde(flatten)]
        meta: EventMeta,
        tier: Tier,
        note: String,
        clock_resumed: bool,
        paused_working_days: u32,
        /// The response deadline after the pause (unchanged when the clock did not pause).
        response_due: DateTime<Utc>,
    },
    #[serde(rename = "OutcomeCommunicated")]
    OutcomeCommunicated {
        #[serde(flatten)]
        meta: EventMeta,
        tier: Tier,
        method: ContactMethod,
        suitability_checked: bool,
        payment_explanation: Option<String>,
        /// The tracked response deadline at the time (plan-adjusted, D3).
        response_due: DateTime<Utc>,
        /// `occurred_at` (the response time, C10) is within `response_due`, and no
        /// late resolution plan left the target breached (C5).
        within_target: bool,
    },
    #[serde(rename = "SignpostedToCcrt")]
    SignpostedToCcrt {
        #[serde(flatten)]
        meta: EventMeta,
        tier: Tier,
    },
    #[serde(rename = "SignpostedToIce")]
    SignpostedToIce {
        #[serde(flatten)]
        meta: EventMeta,
        tier: Tier,
        final_response_at: DateTime<Utc>,
        /// SPEC T3: policy months after the final response.
        ice_window_ends: DateTime<Utc>,
    },
    #[serde(rename = "EscalatedToTier2")]
    EscalatedToTier2 {
        #[serde(flatten)]
        meta: EventMeta,
        reason: EscalationReason,
        escalation_received_at: DateTime<Utc>,
        tier1_team: String,
        tier2_initial_contact_due: DateTime<Utc>,
        tier2_response_due: DateTime<Utc>,
    },
    #[serde(rename = "CaseConferenceHeld")]
    CaseConferenceHeld {
        #[serde(flatten)]
        meta: EventMeta,
        tier: Tier,
        attendees: Vec<String>,
        decision: String,
    },
    #[serde(rename = "FeedbackActionAgreed")]
    FeedbackActionAgreed {
        #[serde(flatten)]
        meta: EventMeta,
        tier: Tier,
        action_id: String,
        to_team: String,
        recommendation: String,
        deadline: FeedbackDeadline,
        due: DateTime<Utc>,
    },
    #[serde(rename = "FeedbackActionConfirmed")]
    FeedbackActionConfirmed {
        #[serde(flatten)]
        meta: EventMeta,
        action_id: String,
        note: String,
        due: DateTime<Utc>,
        within_deadline: bool,
    },
    #[serde(rename = "ComplaintRecategorised")]
    Recategorised {
        #[serde(flatten)]
        meta: EventMeta,
        from: Vec<String>,
        to: Vec<String>,
        reason: String,
    },
    #[serde(rename = "SafeguardingConcernRecorded")]
    SafeguardingConcernRecorded {
        #[serde(flatten)]
        meta: EventMeta,
        concern_id: String,
        kinds: Vec<ConcernKind>,
        immediate: bool,
        escalated_to: Vec<EscalatedTo>,
        note: String,
    },
    #[serde(rename = "SafeguardingConcernResolved")]
    SafeguardingConcernResolved {
        #[serde(flatten)]
        meta: EventMeta,
        concern_id: String,
        resolution: String,
    },
    #[serde(rename = "ComplexNeedsRecorded")]
    ComplexNeedsRecorded {
        #[serde(flatten)]
        meta: EventMeta,
        needs: Vec<ComplexNeed>,
        note: String,
    },
    #[serde(rename = "RepresentativeAdded")]
    RepresentativeAdded {
        #[serde(flatten)]
        meta: EventMeta,
        representative_id: String,
        organisation: String,
        consent_scope: String,
        personal: RepresentativePersonal,
    },
    #[serde(rename = "RepresentativeConsentWithdrawn")]
    ConsentWithdrawn {
        #[serde(flatten)]
        meta: EventMeta,
        representative_id: String,
        reason: String,
    },
    #[serde(rename = "CaseManagerReassigned")]
    CaseManagerReassigned {
        #[serde(flatten)]
        meta: EventMeta,
        from: String,
        to: String,
    },
    #[serde(rename = "ExternalReferralRecorded")]
    ReferralRecorded {
        #[serde(flatten)]
        meta: EventMeta,
        body: ReferralBody,
        reference: String,
    },
    #[serde(rename = "ExternalReferralResultRecorded")]
    ReferralResultRecorded {
        #[serde(flatten)]
        meta: EventMeta,
        body: ReferralBody,
        result: String,
    },
    #[serde(rename = "DeadlinesRecalculated")]
    DeadlinesRecalculated {
        #[serde(flatten)]
        meta: EventMeta,
        tier: Tier,
        initial_contact_due: Option<DueChange>,
        response_due: Option<DueChange>,
    },
    #[serde(rename = "ComplaintWithdrawn")]
    Withdrawn {
        #[serde(flatten)]
        meta: EventMeta,
        tier: Tier,
        reason: String,
    },
    #[serde(rename = "ComplaintClosed")]
    Closed {
        #[serde(flatten)]
        meta: EventMeta,
        tier: Tier,
        /// SPEC C16: the categories at closure are the ones reported.
        categories: Vec<String>,
    },
}

impl ComplaintEvent {
    /// Every stable event name, for golden tests and store registries.
    pub const TYPES: [&'static str; 36] = [
        "ComplaintReceived",
        "InitialContactRecorded",
        "InvestigationStepRecorded",
        "EvidenceValidated",
        "StaffAssuranceRecorded",
        "ResolutionPlanAgreed",
        "ResolutionPlanRevised",
        "RootCauseRecorded",
        "FindingsRecorded",
        "OutcomeDecided",
        "RedressRecorded",
        "SpecialPaymentAwarded",
        "SpecialPaymentReferred",
        "SpecialPaymentApproved",
        "SpecialPaymentDeclined",
        "FurtherEvidenceInvited",
        "FurtherEvidenceReceived",
        "OutcomeCommunicated",
        "SignpostedToCcrt",
        "SignpostedToIce",
        "EscalatedToTier2",
        "CaseConferenceHeld",
        "FeedbackActionAgreed",
        "FeedbackActionConfirmed",
        "ComplaintRecategorised",
        "SafeguardingConcernRecorded",
        "SafeguardingConcernResolved",
        "ComplexNeedsRecorded",
        "RepresentativeAdded",
        "RepresentativeConsentWithdrawn",
        "CaseManagerReassigned",
        "ExternalReferralRecorded",
        "ExternalReferralResultRecorded",
        "DeadlinesRecalculated",
        "ComplaintWithdrawn",
        "ComplaintClosed",
    ];

    /// The stable name, equal to the serde tag (a golden test checks they agree).
    pub fn name(&self) -> &'static str {
        use ComplaintEvent::*;
        match self {
            Received { .. } => "ComplaintReceived",
            InitialContactRecorded { .. } => "InitialContactRecorded",
            InvestigationStepRecorded { .. } => "InvestigationStepRecorded",
            EvidenceValidated { .. } => "EvidenceValidated",
            StaffAssuranceRecorded { .. } => "StaffAssuranceRecorded",
            ResolutionPlanAgreed { .. } => "ResolutionPlanAgreed",
            ResolutionPlanRevised { .. } => "ResolutionPlanRevised",
            RootCauseRecorded { .. } => "RootCauseRecorded",
            FindingsRecorded { .. } => "FindingsRecorded",
            OutcomeDecided { .. } => "OutcomeDecided",
            RedressRecorded { .. } => "RedressRecorded",
            SpecialPaymentAwarded { .. } => "SpecialPaymentAwarded",
            SpecialPaymentReferred { .. } => "SpecialPaymentReferred",
            SpecialPaymentApproved { .. } => "SpecialPaymentApproved",
            SpecialPaymentDeclined { .. } => "SpecialPaymentDeclined",
            FurtherEvidenceInvited { .. } => "FurtherEvidenceInvited",
            FurtherEvidenceReceived { .. } => "FurtherEvidenceReceived",
            OutcomeCommunicated { .. } => "OutcomeCommunicated",
            SignpostedToCcrt { .. } => "SignpostedToCcrt",
            SignpostedToIce { .. } => "SignpostedToIce",
            EscalatedToTier2 { .. } => "EscalatedToTier2",
            CaseConferenceHeld { .. } => "CaseConferenceHeld",
            FeedbackActionAgreed { .. } => "FeedbackActionAgreed",
            FeedbackActionConfirmed { .. } => "FeedbackActionConfirmed",
            Recategorised { .. } => "ComplaintRecategorised",
            SafeguardingConcernRecorded { .. } => "SafeguardingConcernRecorded",
            SafeguardingConcernResolved { .. } => "SafeguardingConcernResolved",
            ComplexNeedsRecorded { .. } => "ComplexNeedsRecorded",
            RepresentativeAdded { .. } => "RepresentativeAdded",
            ConsentWithdrawn { .. } => "RepresentativeConsentWithdrawn",
            CaseManagerReassigned { .. } => "CaseManagerReassigned",
            ReferralRecorded { .. } => "ExternalReferralRecorded",
            ReferralResultRecorded { .. } => "ExternalReferralResultRecorded",
            DeadlinesRecalculated { .. } => "DeadlinesRecalculated",
            Withdrawn { .. } => "ComplaintWithdrawn",
            Closed { .. } => "ComplaintClosed",
        }
    }

    /// The audit envelope.
    pub fn meta(&self) -> &EventMeta {
        use ComplaintEvent::*;
        match self {
            Received { meta, .. }
            | InitialContactRecorded { meta, .. }
            | InvestigationStepRecorded { meta, .. }
            | EvidenceValidated { meta, .. }
            | StaffAssuranceRecorded { meta, .. }
            | ResolutionPlanAgreed { meta, .. }
            | ResolutionPlanRevised { meta, .. }
            | RootCauseRecorded { meta, .. }
            | FindingsRecorded { meta, .. }
            | OutcomeDecided { meta, .. }
            | RedressRecorded { meta, .. }
            | SpecialPaymentAwarded { meta, .. }
            | SpecialPaymentReferred { meta, .. }
            | SpecialPaymentApproved { meta, .. }
            | SpecialPaymentDeclined { meta, .. }
            | FurtherEvidenceInvited { meta, .. }
            | FurtherEvidenceReceived { meta, .. }
            | OutcomeCommunicated { meta, .. }
            | SignpostedToCcrt { meta, .. }
            | SignpostedToIce { meta, .. }
            | EscalatedToTier2 { meta, .. }
            | CaseConferenceHeld { meta, .. }
            | FeedbackActionAgreed { meta, .. }
            | FeedbackActionConfirmed { meta, .. }
            | Recategorised { meta, .. }
            | SafeguardingConcernRecorded { meta, .. }
            | SafeguardingConcernResolved { meta, .. }
            | ComplexNeedsRecorded { meta, .. }
            | RepresentativeAdded { meta, .. }
            | ConsentWithdrawn { meta, .. }
            | CaseManagerReassigned { meta, .. }
            | ReferralRecorded { meta, .. }
            | ReferralResultRecorded { meta, .. }
            | DeadlinesRecalculated { meta, .. }
            | Withdrawn { meta, .. }
            | Closed { meta, .. } => meta,
        }
    }
}
