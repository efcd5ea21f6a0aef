//! Value types shared by complaint commands, events and state.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

crate::named_enum! {
    /// How the complaint reached DWP (SPEC C1).
    pub enum Channel as "channel" {
        Phone = "phone",
        Letter = "letter",
        Email = "email",
        OnlineForm = "online_form",
        InPerson = "in_person",
        ViaMp = "via_mp",
        ViaThirdParty = "via_third_party",
    }
}

/// Flags set at receipt (SPEC C1); they drive the contact rules of C2.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ComplaintFlags {
    pub about_staff: bool,
    pub vulnerable: bool,
    /// Unreasonable Persistent Customer Contact, or otherwise known vexatious.
    pub upcc: bool,
    pub pos_case: bool,
}

crate::named_enum! {
    /// Which review a complaint is at (SPEC sections 3 and 4).
    #[derive(PartialOrd, Ord)]
    pub enum Tier as "tier" {
        /// CRT.
        Tier1 = "tier1",
        /// CCRT review (SPEC section 4).
        Tier2 = "tier2",
    }
}

crate::named_enum! {
    /// Overall outcome (SPEC C7).
    pub enum Outcome as "outcome" {
        Upheld = "upheld",
        PartUpheld = "part_upheld",
        NotUpheld = "not_upheld",
        /// Tier 2 only: right to complain, but the action already taken suffices.
        Justified = "justified",
    }
}

impl Outcome {
    /// Upheld or part upheld: redress (C8) and special payments (C9) apply.
    pub fn warrants_redress(self) -> bool {
        matches!(self, Outcome::Upheld | Outcome::PartUpheld)
    }
}

/// An issue the customer wants investigated, confirmed at initial contact (SPEC C2).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Issue {
    pub issue_id: String,
    pub summary: String,
}

crate::named_enum! {
    /// Recorded investigation steps (SPEC C3).
    pub enum InvestigationStepKind as "investigation step" {
        SystemsEvidenceGathered = "systems_evidence_gathered",
        ContributionRequested = "contribution_requested",
        ContributionReturned = "contribution_returned",
        CustomerEvidenceRequested = "customer_evidence_requested",
        CustomerEvidenceSupplied = "customer_evidence_supplied",
        UpdateCall = "update_call",
        /// A substantive holding reply: a full progress update, not just "it is taking longer".
        HoldingReply = "holding_reply",
    }
}

/// The finding on one issue (SPEC C3, C7).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Finding {
    pub issue_id: String,
    /// Was the service below standard on this issue?
    pub upheld: bool,
    /// Validated evidence the finding rests on (SPEC C3).
    pub evidence_ids: Vec<String>,
    pub reasoning: String,
}

/// SPEC C6.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RootCause {
    pub what_happened: String,
    pub what_should_have_happened: String,
    pub mistakes: String,
    pub root_cause: String,
}

crate::named_enum! {
    /// SPEC C9.
    #[derive(PartialOrd, Ord)]
    pub enum PaymentKind as "payment kind" {
        ActualFinancialLoss = "actual_financial_loss",
        Consolatory = "consolatory",
    }
}

/// The Special Payment Team's decision (SPEC C9).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "decision")]
pub enum SptDecision {
    /// Approved, possibly for a different amount than referred.
    Approve {
        amount_pence: u64,
    },
    Decline {
        reason: String,
    },
}

crate::named_enum! {
    /// Where the customer is signposted after a response (SPEC C11, T4).
    pub enum SignpostTarget as "signpost target" {
        /// Tier 1 in a two-tier ladder.
        Ccrt = "ccrt",
        /// Independent Case Examiner: tier 2, or tier 1 under a single-tier ladder (SPEC T4).
        Ice = "ice",
    }
}

crate::named_enum! {
    /// Why a complaint went to tier 2 (SPEC T1, C12).
    pub enum EscalationReason as "escalation reason" {
        CustomerRequest = "customer_request",
        /// SPEC C12: not upheld and the customer clearly remains dissatisfied.
        Proactive = "proactive",
    }
}

/// How a feedback action's deadline is set (SPEC C15).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum FeedbackDeadline {
    /// Simple remedy: policy working days (default 5).
    Simple,
    /// Complex remedy: policy working days (default 10).
    Complex,
    /// An explicit agreed date (end of that day).
    ByDate { date: NaiveDate },
}

crate::named_enum! {
    /// SPEC V1 concern kinds.
    pub enum ConcernKind as "concern kind" {
        RiskOfInjury = "risk_of_injury",
        IllTreatment = "ill_treatment",
        Neglect = "neglect",
        DomesticAbuse = "domestic_abuse",
        PhysicalOrSexualAbuse = "physical_or_sexual_abuse",
        ExploitationOfChildrenOrVulnerableAdults = "exploitation_of_children_or_vulnerable_adults",
        ModernSlavery = "modern_slavery",
        SuicideOrSelfHarm = "suicide_or_self_harm",
    }
}

crate::named_enum! {
    /// SPEC V1: to whom a concern was escalated.
    pub enum EscalatedTo as "escalated to" {
        LineManager = "line_manager",
        AdvancedCustomerSupportSeniorLeader = "advanced_customer_support_senior_leader",
        EmergencyServices = "emergency_services",
        Police = "police",
        SocialServices = "social_services",
        LocalCrisisTeam = "local_crisis_team",
    }
}

crate::named_enum! {
    /// SPEC V2 complex needs.
    pub enum ComplexNeed as "complex need" {
        ExOffender = "ex_offender",
        HomelessOrAtRisk = "homeless_or_at_risk",
        DrugOrAlcoholDependency = "drug_or_alcohol_dependency",
        DomesticAbuseVictim = "domestic_abuse_victim",
        CareLeaver = "care_leaver",
        MentalHealth = "mental_health",
        PhysicalDisability = "physical_disability",
        Bereavement = "bereavement",
        AssistedDigital = "assisted_digital",
        NonEnglishSpeaker = "non_english_speaker",
        SensoryLoss = "sensory_loss",
        SuicideOrSelfHarmRisk = "suicide_or_self_harm_risk",
        Other = "other",
    }
}

crate::named_enum! {
    /// External bodies beyond the internal ladder (SPEC T3).
    pub enum ReferralBody as "referral body" {
        /// Independent Case Examiner.
        Ice = "ice",
        /// Parliamentary and Health Service Ombudsman (via an MP).
        Phso = "phso",
    }
}

crate::named_enum! {
    /// Where a complaint stands (SPEC C17, C18).
    #[derive(Default)]
    pub enum CaseStatus as "case status" {
        /// Not yet received (the aggregate's default).
        #[default]
        New = "new",
        Open = "open",
        Closed = "closed",
        Withdrawn = "withdrawn",
    }
}

/// A deadline moved by a calendar change (SPEC D7): both instants are kept for the audit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct DueChange {
    pub previous: DateTime<Utc>,
    pub new: DateTime<Utc>,
}
