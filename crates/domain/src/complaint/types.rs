//! Value types shared by complaint commands, events and state.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

/// How the complaint reached DWP (SPEC C1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    Phone,
    Letter,
    Email,
    OnlineForm,
    InPerson,
    ViaMp,
    ViaThirdParty,
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

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Tier {
    /// CRT.
    Tier1,
    /// CCRT review (SPEC section 4).
    Tier2,
}

/// Overall outcome (SPEC C7).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    Upheld,
    PartUpheld,
    NotUpheld,
    /// Tier 2 only: right to complain, but the action already taken suffices.
    Justified,
}

impl Outcome {
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Upheld => "upheld",
            Outcome::PartUpheld => "part_upheld",
            Outcome::NotUpheld => "not_upheld",
            Outcome::Justified => "justified",
        }
    }

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

/// Recorded investigation steps (SPEC C3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum InvestigationStepKind {
    SystemsEvidenceGathered,
    ContributionRequested,
    ContributionReturned,
    CustomerEvidenceRequested,
    CustomerEvidenceSupplied,
    UpdateCall,
    /// A substantive holding reply: a full progress update, not just "it is taking longer".
    HoldingReply,
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

/// SPEC C9.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PaymentKind {
    ActualFinancialLoss,
    Consolatory,
}

impl PaymentKind {
    pub fn as_str(self) -> &'static str {
        match self {
            PaymentKind::ActualFinancialLoss => "actual_financial_loss",
            PaymentKind::Consolatory => "consolatory",
        }
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

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SignpostTarget {
    /// Tier 1 in a two-tier ladder.
    Ccrt,
    /// Independent Case Examiner: tier 2, or tier 1 under a single-tier ladder (SPEC T4).
    Ice,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EscalationReason {
    CustomerRequest,
    /// SPEC C12: not upheld and the customer clearly remains dissatisfied.
    Proactive,
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

/// SPEC V1 concern kinds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ConcernKind {
    RiskOfInjury,
    IllTreatment,
    Neglect,
    DomesticAbuse,
    PhysicalOrSexualAbuse,
    ExploitationOfChildrenOrVulnerableAdults,
    ModernSlavery,
    SuicideOrSelfHarm,
}

/// SPEC V1: to whom a concern was escalated.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EscalatedTo {
    LineManager,
    AdvancedCustomerSupportSeniorLeader,
    EmergencyServices,
    Police,
    SocialServices,
    LocalCrisisTeam,
}

/// SPEC V2 complex needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ComplexNeed {
    ExOffender,
    HomelessOrAtRisk,
    DrugOrAlcoholDependency,
    DomesticAbuseVictim,
    CareLeaver,
    MentalHealth,
    PhysicalDisability,
    Bereavement,
    AssistedDigital,
    NonEnglishSpeaker,
    SensoryLoss,
    SuicideOrSelfHarmRisk,
    Other,
}

/// External bodies beyond the internal ladder (SPEC T3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReferralBody {
    /// Independent Case Examiner.
    Ice,
    /// Parliamentary and Health Service Ombudsman (via an MP).
    Phso,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CaseStatus {
    /// Not yet received (the aggregate's default).
    #[default]
    New,
    Open,
    Closed,
    Withdrawn,
}

/// A deadline moved by a calendar change (SPEC D7): both instants are kept for the audit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct DueChange {
    pub previous: DateTime<Utc>,
    pub new: DateTime<Utc>,
}
