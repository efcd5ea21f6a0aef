//! Every refusal the domain can make. Each variant carries a message a case manager can
//! act on, a stable UPPER_SNAKE `reason()` (google.rpc ErrorInfo reason) and a `kind()` so
//! the gRPC layer maps errors to status codes without knowing the rules.

use thiserror::Error;

use crate::actor::Role;

/// How the API layer should classify a refusal (maps onto gRPC status codes).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    /// The command itself is malformed (bad value, too long, unknown category...).
    InvalidArgument,
    /// The command is well formed but the case is not in a state that allows it.
    FailedPrecondition,
    /// The actor's role or team may not do this.
    PermissionDenied,
    /// The case (or an item within it) does not exist.
    NotFound,
    /// The case (or an item id) already exists.
    AlreadyExists,
}

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum DomainError {
    // ---- who may act (SPEC 1) ----
    #[error("the {role} role may not {action}")]
    RoleNotPermitted { role: Role, action: &'static str },
    #[error("this case belongs to team {case_team}; you may only work your own team's cases")]
    NotYourTeam { case_team: String },

    // ---- argument validation ----
    #[error("{field} is in the future; record times that have already happened")]
    OccurredInFuture { field: &'static str },
    #[error("{field} is earlier than the complaint was received; check the date")]
    BeforeReceipt { field: &'static str },
    #[error("{field} is required")]
    FieldRequired { field: &'static str },
    #[error("{field} is too long ({len} characters, at most {max})")]
    FieldTooLong {
        field: &'static str,
        len: usize,
        max: usize,
    },
    #[error("{field} has too many entries ({len}, at most {max})")]
    TooManyItems {
        field: &'static str,
        len: usize,
        max: usize,
    },
    #[error("{field} must be a positive whole number of pence")]
    AmountNotPositive { field: &'static str },
    #[error("category `{category}` is not in the policy taxonomy")]
    UnknownCategory { category: String },
    #[error("category `{category}` is listed twice")]
    DuplicateCategory { category: String },
    #[error("at least one category is required")]
    NoCategories,
    #[error("id `{id}` is already used on this case")]
    DuplicateId { field: &'static str, id: String },
    #[error("{field} `{id}` was not found on this case")]
    UnknownId { field: &'static str, id: String },
    #[error("{field} must be a date after today")]
    DateNotInFuture { field: &'static str },

    // ---- existence ----
    #[error("no such case: it has not been received")]
    CaseNotFound,
    #[error("this case has already been received")]
    CaseAlreadyExists,
    #[error("policy version `{version}` is not loaded; ask an operator to restore it")]
    UnknownPolicyVersion { version: String },

    // ---- lifecycle ----
    #[error("the complaint is closed; only an escalation to tier 2 is possible")]
    ComplaintClosed,
    #[error("the complaint was withdrawn; no further changes are possible")]
    ComplaintWithdrawn,
    #[error("{what} has already been recorded")]
    AlreadyRecorded { what: &'static str },
    #[error("record {requires} first")]
    StepOutOfOrder {
        step: &'static str,
        requires: &'static str,
    },

    #[error("record the initial contact confirming the issues first (SPEC C2)")]
    InitialContactRequired,
    #[error("record the root cause before the outcome: what happened, what should have happened, the mistakes and their cause (SPEC C6)")]
    RootCauseRequired,
    #[error("record a finding on each issue before the outcome (SPEC C7)")]
    FindingsRequired,
    #[error("decide the outcome first")]
    OutcomeRequired,

    // ---- C2 contact rules ----
    #[error("contact by {method} is not allowed: {why}")]
    ContactMethodNotAllowed {
        method: &'static str,
        why: &'static str,
    },
    #[error("the complainant is vulnerable: confirm that phone contact was checked as suitable")]
    PhoneSuitabilityNotChecked,

    // ---- C3 evidence ----
    #[error(
        "finding for issue `{issue_id}` cites evidence `{evidence_id}` which is not validated"
    )]
    EvidenceNotValidated {
        issue_id: String,
        evidence_id: String,
    },
    #[error("finding for issue `{issue_id}` cites no evidence; a finding must rest on validated evidence")]
    FindingWithoutEvidence { issue_id: String },
    #[error("findings must cover every confirmed issue exactly once; issue `{issue_id}` is missing or repeated")]
    FindingsIncomplete { issue_id: String },

    // ---- C4/C6/C7 outcome ----
    #[error("staff-complaint assurance was not obtained, so the complaint must be upheld")]
    StaffAssuranceNotObtainedMustUphold,
    #[error("the outcome {outcome} does not agree with the findings: {why}")]
    OutcomeInconsistentWithFindings {
        outcome: &'static str,
        why: &'static str,
    },
    #[error("`justified` is a tier-2 outcome only")]
    JustifiedOnlyAtTier2,

    // ---- C8/C9 redress and payments ----
    #[error("redress applies only to upheld or part-upheld complaints")]
    RedressNotApplicable,
    #[error("record redress (formal apology and assurance of remedial action) before communicating an upheld outcome")]
    RedressRequired,
    #[error("special payments are only possible when the complaint is upheld or part upheld")]
    PaymentNotApplicable,
    #[error("this {kind} payment would bring the total to {total} pence, above your delegated authority of {limit} pence; refer it to the Special Payment Team")]
    AboveDelegatedAuthority {
        kind: &'static str,
        total: u64,
        limit: u64,
    },
    #[error("payment `{payment_id}` is not awaiting a Special Payment Team decision")]
    PaymentNotAwaitingSpt { payment_id: String },
    #[error("a special payment is still awaiting the Special Payment Team")]
    PaymentAwaitingSpt,
    #[error("an invitation to supply more evidence is already open")]
    EvidenceInvitationOpen,
    #[error("no invitation to supply more evidence is open")]
    NoEvidenceInvitation,

    // ---- C10/C11/C12/C17 ----
    #[error("the outcome has not been communicated yet")]
    OutcomeNotCommunicated,
    #[error("record signposting before closing (SPEC C11)")]
    SignpostingRequired,
    #[error("no escalation route: {why}")]
    NoEscalationRoute { why: &'static str },
    #[error(
        "proactive escalation needs a not-upheld outcome and a customer who remains dissatisfied"
    )]
    ProactiveEscalationNotApplicable,
    #[error("at tier 2, feedback goes to the CRT that handled tier 1 ({tier1_team})")]
    FeedbackMustGoToTier1Team { tier1_team: String },
    #[error("an immediate risk must record an escalation to emergency services")]
    ImmediateRiskNeedsEmergencyServices,
    #[error("a representative needs the complainant's explicit consent")]
    ConsentNotExplicit,
    #[error("{what} requires ICE signposting first")]
    IceNotSignposted { what: &'static str },

    // ---- correspondence (SPEC O2) ----
    #[error("a POS case always needs a written response")]
    PosNeedsWrittenResponse,
    #[error("only a POS case goes to the Director for signature")]
    NotAPosCase,
    #[error("the systemic issue is resolved; no further changes are possible")]
    SystemicIssueResolved,
}

impl DomainError {
    /// Stable machine-readable reason (UPPER_SNAKE_CASE), for google.rpc.ErrorInfo.
    pub fn reason(&self) -> &'static str {
        use DomainError::*;
        match self {
            RoleNotPermitted { .. } => "ROLE_NOT_PERMITTED",
            NotYourTeam { .. } => "NOT_YOUR_TEAM",
            OccurredInFuture { .. } => "OCCURRED_IN_FUTURE",
            BeforeReceipt { .. } => "BEFORE_RECEIPT",
            FieldRequired { .. } => "FIELD_REQUIRED",
            FieldTooLong { .. } => "FIELD_TOO_LONG",
            TooManyItems { .. } => "TOO_MANY_ITEMS",
            AmountNotPositive { .. } => "AMOUNT_NOT_POSITIVE",
            UnknownCategory { .. } => "UNKNOWN_CATEGORY",
            DuplicateCategory { .. } => "DUPLICATE_CATEGORY",
            NoCategories => "NO_CATEGORIES",
            DuplicateId { .. } => "DUPLICATE_ID",
            UnknownId { .. } => "UNKNOWN_ID",
            DateNotInFuture { .. } => "DATE_NOT_IN_FUTURE",
            CaseNotFound => "CASE_NOT_FOUND",
            CaseAlreadyExists => "CASE_ALREADY_EXISTS",
            UnknownPolicyVersion { .. } => "UNKNOWN_POLICY_VERSION",
            ComplaintClosed => "COMPLAINT_CLOSED",
            ComplaintWithdrawn => "COMPLAINT_WITHDRAWN",
            AlreadyRecorded { .. } => "ALREADY_RECORDED",
            StepOutOfOrder { .. } => "STEP_OUT_OF_ORDER",
            InitialContactRequired => "INITIAL_CONTACT_REQUIRED",
            RootCauseRequired => "ROOT_CAUSE_REQUIRED",
            FindingsRequired => "FINDINGS_REQUIRED",
            OutcomeRequired => "OUTCOME_REQUIRED",
            ContactMethodNotAllowed { .. } => "CONTACT_METHOD_NOT_ALLOWED",
            PhoneSuitabilityNotChecked => "PHONE_SUITABILITY_NOT_CHECKED",
            EvidenceNotValidated { .. } => "EVIDENCE_NOT_VALIDATED",
            FindingWithoutEvidence { .. } => "FINDING_WITHOUT_EVIDENCE",
            FindingsIncomplete { .. } => "FINDINGS_INCOMPLETE",
            StaffAssuranceNotObtainedMustUphold => "STAFF_ASSURANCE_NOT_OBTAINED_MUST_UPHOLD",
            OutcomeInconsistentWithFindings { .. } => "OUTCOME_INCONSISTENT_WITH_FINDINGS",
            JustifiedOnlyAtTier2 => "JUSTIFIED_ONLY_AT_TIER_2",
            RedressNotApplicable => "REDRESS_NOT_APPLICABLE",
            RedressRequired => "REDRESS_REQUIRED",
            PaymentNotApplicable => "PAYMENT_NOT_APPLICABLE",
            AboveDelegatedAuthority { .. } => "ABOVE_DELEGATED_AUTHORITY",
            PaymentNotAwaitingSpt { .. } => "PAYMENT_NOT_AWAITING_SPT",
            PaymentAwaitingSpt => "PAYMENT_AWAITING_SPT",
            EvidenceInvitationOpen => "EVIDENCE_INVITATION_OPEN",
            NoEvidenceInvitation => "NO_EVIDENCE_INVITATION",
            OutcomeNotCommunicated => "OUTCOME_NOT_COMMUNICATED",
            SignpostingRequired => "SIGNPOSTING_REQUIRED",
            NoEscalationRoute { .. } => "NO_ESCALATION_ROUTE",
            ProactiveEscalationNotApplicable => "PROACTIVE_ESCALATION_NOT_APPLICABLE",
            FeedbackMustGoToTier1Team { .. } => "FEEDBACK_MUST_GO_TO_TIER1_TEAM",
            ImmediateRiskNeedsEmergencyServices => "IMMEDIATE_RISK_NEEDS_EMERGENCY_SERVICES",
            ConsentNotExplicit => "CONSENT_NOT_EXPLICIT",
            IceNotSignposted { .. } => "ICE_NOT_SIGNPOSTED",
            PosNeedsWrittenResponse => "POS_NEEDS_WRITTEN_RESPONSE",
            NotAPosCase => "NOT_A_POS_CASE",
            SystemicIssueResolved => "SYSTEMIC_ISSUE_RESOLVED",
        }
    }

    /// How the API should classify this refusal.
    pub fn kind(&self) -> ErrorKind {
        use DomainError::*;
        match self {
            RoleNotPermitted { .. } | NotYourTeam { .. } => ErrorKind::PermissionDenied,
            OccurredInFuture { .. }
            | BeforeReceipt { .. }
            | FieldRequired { .. }
            | FieldTooLong { .. }
            | TooManyItems { .. }
            | AmountNotPositive { .. }
            | UnknownCategory { .. }
            | DuplicateCategory { .. }
            | NoCategories
            | DateNotInFuture { .. } => ErrorKind::InvalidArgument,
            CaseNotFound | UnknownId { .. } => ErrorKind::NotFound,
            CaseAlreadyExists | DuplicateId { .. } => ErrorKind::AlreadyExists,
            _ => ErrorKind::FailedPrecondition,
        }
    }

    /// The command field the refusal concerns, when there is one.
    pub fn field(&self) -> Option<&'static str> {
        use DomainError::*;
        match self {
            OccurredInFuture { field }
            | BeforeReceipt { field }
            | FieldRequired { field }
            | FieldTooLong { field, .. }
            | TooManyItems { field, .. }
            | AmountNotPositive { field }
            | DuplicateId { field, .. }
            | UnknownId { field, .. }
            | DateNotInFuture { field } => Some(field),
            UnknownCategory { .. } | DuplicateCategory { .. } | NoCategories => Some("categories"),
            ContactMethodNotAllowed { .. } | PosNeedsWrittenResponse => Some("method"),
            PhoneSuitabilityNotChecked => Some("suitability_checked"),
            EvidenceNotValidated { .. }
            | FindingWithoutEvidence { .. }
            | FindingsIncomplete { .. } => Some("findings"),
            StaffAssuranceNotObtainedMustUphold
            | OutcomeInconsistentWithFindings { .. }
            | JustifiedOnlyAtTier2 => Some("outcome"),
            AboveDelegatedAuthority { .. } => Some("amount_pence"),
            FeedbackMustGoToTier1Team { .. } => Some("to_team"),
            ImmediateRiskNeedsEmergencyServices => Some("escalated_to"),
            ConsentNotExplicit => Some("explicit_consent"),
            _ => None,
        }
    }
}
