//! From each mutation request to the domain's `ComplaintAction`: every field validated and
//! named when refused. The domain then checks the rules.

use redress_domain::{
    Complaint, ComplaintAction, EscalationReason, FeedbackDeadline, Finding, Issue, Outcome,
    RepresentativePersonal, RootCause, SptDecision,
};

use crate::command::mutation;
use crate::convert::{date, enum_in, enums_in, optional_text, pence, text, timestamp};
use crate::pb;
use crate::status::invalid_argument;

mutation!(pb::RecordInitialContactRequest => Complaint, |r| Ok(
    ComplaintAction::RecordInitialContact {
        method: enum_in(r.method, "method")?,
        suitability_checked: r.suitability_checked,
        offered_direct_contact: r.offered_direct_contact,
        issues: r
            .issues
            .into_iter()
            .map(|i| Issue {
                issue_id: i.issue_id,
                summary: i.summary,
            })
            .collect(),
        resolution_sought: r.resolution_sought,
        resolved_at_first_contact: r.resolved_at_first_contact,
    }
));

mutation!(pb::RecordInvestigationStepRequest => Complaint, |r| Ok(
    ComplaintAction::RecordInvestigationStep {
        step: enum_in(r.step, "step")?,
        evidence_id: r.evidence_id,
        description: r.description,
        validated: r.validated,
    }
));

mutation!(pb::ValidateEvidenceRequest => Complaint, |r| Ok(
    ComplaintAction::ValidateEvidence {
        evidence_id: r.evidence_id
    }
));

mutation!(pb::RecordStaffAssuranceRequest => Complaint, |r| Ok(
    ComplaintAction::RecordStaffAssurance {
        obtained: r.obtained,
        note: r.note,
    }
));

mutation!(pb::AgreeResolutionPlanRequest => Complaint, |r| Ok(
    ComplaintAction::AgreeResolutionPlan {
        target_date: date(r.target_date, "target_date")?,
        actions: r.actions,
    }
));

mutation!(pb::ReviseResolutionPlanRequest => Complaint, |r| Ok(
    ComplaintAction::ReviseResolutionPlan {
        target_date: date(r.target_date, "target_date")?,
        actions: r.actions,
        reason: r.reason,
    }
));

mutation!(pb::RecordRootCauseRequest => Complaint, |r| {
    let rc = r
        .root_cause
        .ok_or_else(|| invalid_argument("root_cause", "root_cause is required"))?;
    Ok(ComplaintAction::RecordRootCause {
        root_cause: RootCause {
            what_happened: rc.what_happened,
            what_should_have_happened: rc.what_should_have_happened,
            mistakes: rc.mistakes,
            root_cause: rc.root_cause,
        },
    })
});

mutation!(pb::RecordFindingsRequest => Complaint, |r| Ok(
    ComplaintAction::RecordFindings {
        findings: r
            .findings
            .into_iter()
            .map(|f| Finding {
                issue_id: f.issue_id,
                upheld: f.upheld,
                evidence_ids: f.evidence_ids,
                reasoning: f.reasoning,
            })
            .collect(),
    }
));

mutation!(pb::DecideOutcomeRequest => Complaint, |r| {
    let outcome: Outcome = enum_in(r.outcome, "outcome")?;
    Ok(ComplaintAction::DecideOutcome {
        outcome,
        summary: r.summary,
    })
});

mutation!(pb::RecordRedressRequest => Complaint, |r| Ok(
    ComplaintAction::RecordRedress {
        apology: r.apology,
        remedial_assurance: r.remedial_assurance,
    }
));

mutation!(pb::AwardSpecialPaymentRequest => Complaint, |r| Ok(
    ComplaintAction::AwardSpecialPayment {
        payment_id: r.payment_id,
        kind: enum_in(r.kind, "kind")?,
        amount_pence: pence(r.amount_pence, "amount_pence")?,
        reason: r.reason,
    }
));

mutation!(pb::ReferSpecialPaymentRequest => Complaint, |r| Ok(
    ComplaintAction::ReferSpecialPayment {
        payment_id: r.payment_id,
        kind: enum_in(r.kind, "kind")?,
        amount_pence: pence(r.amount_pence, "amount_pence")?,
        reason: r.reason,
    }
));

mutation!(pb::DecideSpecialPaymentRequest => Complaint, |r| {
    use pb::decide_special_payment_request::Decision;
    let decision = match r.decision {
        Some(Decision::ApproveAmountPence(p)) => SptDecision::Approve {
            amount_pence: pence(p, "approve_amount_pence")?,
        },
        Some(Decision::DeclineReason(reason)) => SptDecision::Decline {
            reason: text(reason, "decline_reason")?,
        },
        None => {
            return Err(invalid_argument(
                "decision",
                "give approve_amount_pence or decline_reason",
            ))
        }
    };
    Ok(ComplaintAction::DecideSpecialPayment {
        payment_id: r.payment_id,
        decision,
    })
});

mutation!(pb::InviteFurtherEvidenceRequest => Complaint, |r| Ok(
    ComplaintAction::InviteFurtherEvidence { note: r.note }
));

mutation!(pb::RecordFurtherEvidenceRequest => Complaint, |r| Ok(
    ComplaintAction::RecordFurtherEvidence { note: r.note }
));

mutation!(pb::CommunicateOutcomeRequest => Complaint, |r| Ok(
    ComplaintAction::CommunicateOutcome {
        method: enum_in(r.method, "method")?,
        suitability_checked: r.suitability_checked,
        payment_explanation: optional_text(r.payment_explanation),
    }
));

mutation!(pb::SignpostComplaintRequest => Complaint, |_r| Ok(ComplaintAction::Signpost));

mutation!(pb::EscalateComplaintRequest => Complaint, |r| {
    let reason: EscalationReason =
        enum_in(r.reason, "reason")?;
    Ok(ComplaintAction::EscalateToTier2 {
        escalation_received_at: timestamp(r.escalation_receive_time, "escalation_receive_time")?,
        reason,
        customer_remains_dissatisfied: r.customer_remains_dissatisfied,
    })
});

mutation!(pb::HoldCaseConferenceRequest => Complaint, |r| Ok(
    ComplaintAction::HoldCaseConference {
        attendees: r.attendees,
        decision: r.decision,
    }
));

mutation!(pb::AgreeFeedbackActionRequest => Complaint, |r| {
    use pb::agree_feedback_action_request::Deadline;
    let deadline = match r.deadline {
        Some(Deadline::Simple(true)) => FeedbackDeadline::Simple,
        Some(Deadline::Complex(true)) => FeedbackDeadline::Complex,
        Some(Deadline::ByDate(d)) => FeedbackDeadline::ByDate {
            date: date(Some(d), "by_date")?,
        },
        _ => {
            return Err(invalid_argument(
                "deadline",
                "give simple, complex or by_date for the feedback deadline",
            ))
        }
    };
    Ok(ComplaintAction::AgreeFeedbackAction {
        action_id: r.action_id,
        to_team: r.to_team,
        recommendation: r.recommendation,
        deadline,
    })
});

mutation!(pb::ConfirmFeedbackActionRequest => Complaint, |r| Ok(
    ComplaintAction::ConfirmFeedbackAction {
        action_id: r.action_id,
        note: r.note,
    }
));

mutation!(pb::RecategoriseComplaintRequest => Complaint, |r| Ok(
    ComplaintAction::Recategorise {
        categories: r.categories,
        reason: r.reason,
    }
));

mutation!(pb::RecordSafeguardingConcernRequest => Complaint, |r| Ok(
    ComplaintAction::RecordSafeguardingConcern {
        concern_id: r.concern_id,
        kinds: enums_in(&r.kinds, "kinds")?,
        immediate: r.immediate,
        escalated_to: enums_in(&r.escalated_to, "escalated_to")?,
        note: r.note,
    }
));

mutation!(pb::ResolveSafeguardingConcernRequest => Complaint, |r| Ok(
    ComplaintAction::ResolveSafeguardingConcern {
        concern_id: r.concern_id,
        resolution: r.resolution,
    }
));

mutation!(pb::RecordComplexNeedsRequest => Complaint, |r| Ok(
    ComplaintAction::RecordComplexNeeds {
        needs: enums_in(&r.needs, "needs")?,
        note: r.note,
    }
));

mutation!(pb::AddRepresentativeRequest => Complaint, |r| Ok(
    ComplaintAction::AddRepresentative {
        representative_id: r.representative_id,
        organisation: r.organisation,
        consent_scope: r.consent_scope,
        explicit_consent: r.explicit_consent,
        personal: RepresentativePersonal {
            name: r.representative_display_name,
            contact: optional_text(r.representative_contact),
        },
    }
));

mutation!(pb::WithdrawConsentRequest => Complaint, |r| Ok(
    ComplaintAction::WithdrawConsent {
        representative_id: r.representative_id,
        reason: r.reason,
    }
));

mutation!(pb::ReassignCaseManagerRequest => Complaint, |r| Ok(
    ComplaintAction::ReassignCaseManager {
        case_manager: r.case_manager
    }
));

mutation!(pb::RecordReferralRequest => Complaint, |r| Ok(
    ComplaintAction::RecordReferral {
        body: enum_in(r.body, "body")?,
        reference: r.reference,
    }
));

mutation!(pb::RecordReferralResultRequest => Complaint, |r| Ok(
    ComplaintAction::RecordReferralResult {
        body: enum_in(r.body, "body")?,
        result: r.result,
    }
));

mutation!(pb::RecalculateDeadlinesRequest => Complaint, |_r| Ok(
    ComplaintAction::RecalculateDeadlines
));

mutation!(pb::WithdrawComplaintRequest => Complaint, |r| Ok(ComplaintAction::Withdraw {
    reason: r.reason
}));

mutation!(pb::CloseComplaintRequest => Complaint, |_r| Ok(ComplaintAction::Close));
