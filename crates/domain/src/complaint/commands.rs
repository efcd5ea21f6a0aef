//! Complaint commands: one variant per thing a case worker (or the SPT) does. Every command
//! travels with a [`CommandMeta`] (who, when it happened, when recorded).

use chrono::{DateTime, NaiveDate, Utc};
use redress_calendar::Region;
use serde::{Deserialize, Serialize};

use super::types::*;
use crate::meta::CommandMeta;
use crate::personal::{ContactMethod, PersonalDetails, RepresentativePersonal};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ComplaintCommand {
    pub meta: CommandMeta,
    pub action: ComplaintAction,
}

impl ComplaintCommand {
    pub fn new(meta: CommandMeta, action: ComplaintAction) -> Self {
        ComplaintCommand { meta, action }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "command")]
pub enum ComplaintAction {
    /// SPEC C1. The case manager is the receiving actor.
    Receive {
        complaint_id: String,
        received_at: DateTime<Utc>,
        channel: Channel,
        categories: Vec<String>,
        /// The site/team the complaint concerns (and whose CRT handles it).
        team: String,
        region: Region,
        flags: ComplaintFlags,
        personal: PersonalDetails,
    },
    /// SPEC C2 (and C14 when `resolved_at_first_contact`).
    RecordInitialContact {
        method: ContactMethod,
        suitability_checked: bool,
        offered_direct_contact: bool,
        issues: Vec<Issue>,
        resolution_sought: String,
        resolved_at_first_contact: bool,
    },
    /// SPEC C3.
    RecordInvestigationStep {
        step: InvestigationStepKind,
        evidence_id: String,
        description: String,
        validated: bool,
    },
    /// SPEC C3: information later confirmed as validated.
    ValidateEvidence { evidence_id: String },
    /// SPEC C4.
    RecordStaffAssurance { obtained: bool, note: String },
    /// SPEC C5 / D3.
    AgreeResolutionPlan {
        target_date: NaiveDate,
        actions: String,
    },
    /// SPEC C5: a revision keeps the history.
    ReviseResolutionPlan {
        target_date: NaiveDate,
        actions: String,
        reason: String,
    },
    /// SPEC C6.
    RecordRootCause { root_cause: RootCause },
    /// SPEC C3 / C7: one finding per confirmed issue.
    RecordFindings { findings: Vec<Finding> },
    /// SPEC C7.
    DecideOutcome { outcome: Outcome, summary: String },
    /// SPEC C8.
    RecordRedress {
        apology: String,
        remedial_assurance: String,
    },
    /// SPEC C9: within delegated authority, awarded by the case manager.
    AwardSpecialPayment {
        payment_id: String,
        kind: PaymentKind,
        amount_pence: u64,
        reason: String,
    },
    /// SPEC C9: above delegated authority, or a review is required.
    ReferSpecialPayment {
        payment_id: String,
        kind: PaymentKind,
        amount_pence: u64,
        reason: String,
    },
    /// SPEC C9: the Special Payment Team decides a referral.
    DecideSpecialPayment {
        payment_id: String,
        decision: SptDecision,
    },
    /// SPEC C9 / D6: the customer is invited to supply more evidence.
    InviteFurtherEvidence { note: String },
    /// SPEC D6: the invited evidence arrived (or the wait ended); the clock resumes.
    RecordFurtherEvidence { note: String },
    /// SPEC C10.
    CommunicateOutcome {
        method: ContactMethod,
        suitability_checked: bool,
        /// Amount, how and when a special payment will be paid, when one was awarded.
        payment_explanation: Option<String>,
    },
    /// SPEC C11 / T4: the target (CCRT or ICE) follows from tier and ladder.
    Signpost,
    /// SPEC T1 / C12.
    EscalateToTier2 {
        /// When the escalation reached DWP: tier 2's own receipt time.
        escalation_received_at: DateTime<Utc>,
        reason: EscalationReason,
        customer_remains_dissatisfied: bool,
    },
    /// SPEC C13.
    HoldCaseConference {
        attendees: Vec<String>,
        decision: String,
    },
    /// SPEC C15 / T2.
    AgreeFeedbackAction {
        action_id: String,
        to_team: String,
        recommendation: String,
        deadline: FeedbackDeadline,
    },
    /// SPEC C15.
    ConfirmFeedbackAction { action_id: String, note: String },
    /// SPEC C16.
    Recategorise {
        categories: Vec<String>,
        reason: String,
    },
    /// SPEC V1.
    RecordSafeguardingConcern {
        concern_id: String,
        kinds: Vec<ConcernKind>,
        immediate: bool,
        escalated_to: Vec<EscalatedTo>,
        note: String,
    },
    /// SPEC V1.
    ResolveSafeguardingConcern {
        concern_id: String,
        resolution: String,
    },
    /// SPEC V2.
    RecordComplexNeeds {
        needs: Vec<ComplexNeed>,
        note: String,
    },
    /// SPEC P2.
    AddRepresentative {
        representative_id: String,
        organisation: String,
        consent_scope: String,
        explicit_consent: bool,
        personal: RepresentativePersonal,
    },
    /// SPEC P2.
    WithdrawConsent {
        representative_id: String,
        reason: String,
    },
    /// SPEC 1: a CRT manager (or a CCRT reviewer at tier 2) reassigns the case manager.
    ReassignCaseManager { case_manager: String },
    /// SPEC T3.
    RecordReferral {
        body: ReferralBody,
        reference: String,
    },
    /// SPEC T3.
    RecordReferralResult { body: ReferralBody, result: String },
    /// SPEC D7: an operator changed the region's calendar; recompute the open deadlines
    /// with the calendar now in the services. Met and breached deadlines are left alone.
    RecalculateDeadlines,
    /// SPEC C18.
    Withdraw { reason: String },
    /// SPEC C17.
    Close,
}

impl ComplaintAction {
    /// A short name for messages ("the crm role may not <name>").
    pub fn name(&self) -> &'static str {
        use ComplaintAction::*;
        match self {
            Receive { .. } => "receive complaints",
            RecordInitialContact { .. } => "record initial contact",
            RecordInvestigationStep { .. } => "record investigation steps",
            ValidateEvidence { .. } => "validate evidence",
            RecordStaffAssurance { .. } => "record staff-complaint assurance",
            AgreeResolutionPlan { .. } => "agree resolution plans",
            ReviseResolutionPlan { .. } => "revise resolution plans",
            RecordRootCause { .. } => "record root cause",
            RecordFindings { .. } => "record findings",
            DecideOutcome { .. } => "decide outcomes",
            RecordRedress { .. } => "record redress",
            AwardSpecialPayment { .. } => "award special payments",
            ReferSpecialPayment { .. } => "refer special payments",
            DecideSpecialPayment { .. } => "decide referred special payments",
            InviteFurtherEvidence { .. } => "invite further evidence",
            RecordFurtherEvidence { .. } => "record further evidence",
            CommunicateOutcome { .. } => "communicate outcomes",
            Signpost => "record signposting",
            EscalateToTier2 { .. } => "escalate to tier 2",
            HoldCaseConference { .. } => "record case conferences",
            AgreeFeedbackAction { .. } => "agree feedback actions",
            ConfirmFeedbackAction { .. } => "confirm feedback actions",
            Recategorise { .. } => "recategorise complaints",
            RecordSafeguardingConcern { .. } => "record safeguarding concerns",
            ResolveSafeguardingConcern { .. } => "resolve safeguarding concerns",
            RecordComplexNeeds { .. } => "record complex needs",
            AddRepresentative { .. } => "add representatives",
            WithdrawConsent { .. } => "withdraw consent",
            ReassignCaseManager { .. } => "reassign case managers",
            RecordReferral { .. } => "record ICE/PHSO referrals",
            RecordReferralResult { .. } => "record ICE/PHSO results",
            RecalculateDeadlines => "recalculate deadlines",
            Withdraw { .. } => "withdraw complaints",
            Close => "close complaints",
        }
    }
}
