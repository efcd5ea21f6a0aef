//! From each mutation request to the domain's `ComplaintAction`: every field validated and
//! named when refused. The domain then checks the rules.

use redress_domain::{
    ComplaintAction, ComplexNeed, ConcernKind, ContactMethod, EscalatedTo, EscalationReason,
    FeedbackDeadline, Finding, Issue, Outcome, PaymentKind, ReferralBody, RepresentativePersonal,
    RootCause, SptDecision,
};
use tonic::Status;

use crate::convert::{date, optional_text, pence, text, timestamp};
use crate::pb;
use crate::status::invalid_argument;
use crate::{mutation, pb_enum_in};

fn contact_method(value: i32, field: &'static str) -> Result<ContactMethod, Status> {
    match field {
        "method" => pb_enum_in!(pb::ContactMethod, "CONTACT_METHOD_", value, "method"),
        _ => pb_enum_in!(
            pb::ContactMethod,
            "CONTACT_METHOD_",
            value,
            "preferred_contact"
        ),
    }
}

fn payment_kind(value: i32) -> Result<PaymentKind, Status> {
    pb_enum_in!(pb::PaymentKind, "PAYMENT_KIND_", value, "kind")
}

fn referral_body(value: i32) -> Result<ReferralBody, Status> {
    pb_enum_in!(pb::ReferralBody, "REFERRAL_BODY_", value, "body")
}

/// Converts every element of a repeated enum field.
fn each<T>(values: &[i32], one: impl Fn(i32) -> Result<T, Status>) -> Result<Vec<T>, Status> {
    values.iter().map(|v| one(*v)).collect()
}

mutation!(pb::RecordInitialContactRequest => ComplaintAction, |r| Ok(
    ComplaintAction::RecordInitialContact {
        method: contact_method(r.method, "method")?,
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

mutation!(pb::RecordInvestigationStepRequest => ComplaintAction, |r| Ok(
    ComplaintAction::RecordInvestigationStep {
        step: pb_enum_in!(
            pb::InvestigationStepKind,
            "INVESTIGATION_STEP_KIND_",
            r.step,
            "step"
        )?,
        evidence_id: r.evidence_id,
        description: r.description,
        validated: r.validated,
    }
));

mutation!(pb::ValidateEvidenceRequest => ComplaintAction, |r| Ok(
    ComplaintAction::ValidateEvidence {
        evidence_id: r.evidence_id
    }
));

mutation!(pb::RecordStaffAssuranceRequest => ComplaintAction, |r| Ok(
    ComplaintAction::RecordStaffAssurance {
        obtained: r.obtained,
        note: r.note,
    }
));

mutation!(pb::AgreeResolutionPlanRequest => ComplaintAction, |r| Ok(
    ComplaintAction::AgreeResolutionPlan {
        target_date: date(r.target_date, "target_date")?,
        actions: r.actions,
    }
));

mutation!(pb::ReviseResolutionPlanRequest => ComplaintAction, |r| Ok(
    ComplaintAction::ReviseResolutionPlan {
        target_date: date(r.target_date, "target_date")?,
        actions: r.actions,
        reason: r.reason,
    }
));

mutation!(pb::RecordRootCauseRequest => ComplaintAction, |r| {
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

mutation!(pb::RecordFindingsRequest => ComplaintAction, |r| Ok(
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

mutation!(pb::DecideOutcomeRequest => ComplaintAction, |r| {
    let outcome: Outcome = pb_enum_in!(pb::Outcome, "OUTCOME_", r.outcome, "outcome")?;
    Ok(ComplaintAction::DecideOutcome {
        outcome,
        summary: r.summary,
    })
});

mutation!(pb::RecordRedressRequest => ComplaintAction, |r| Ok(
    ComplaintAction::RecordRedress {
        apology: r.apology,
        remedial_assurance: r.remedial_assurance,
    }
));

mutation!(pb::AwardSpecialPaymentRequest => ComplaintAction, |r| Ok(
    ComplaintAction::AwardSpecialPayment {
        payment_id: r.payment_id,
        kind: payment_kind(r.kind)?,
        amount_pence: pence(r.amount_pence, "amount_pence")?,
        reason: r.reason,
    }
));

mutation!(pb::ReferSpecialPaymentRequest => ComplaintAction, |r| Ok(
    ComplaintAction::ReferSpecialPayment {
        payment_id: r.payment_id,
        kind: payment_kind(r.kind)?,
        amount_pence: pence(r.amount_pence, "amount_pence")?,
        reason: r.reason,
    }
));

mutation!(pb::DecideSpecialPaymentRequest => ComplaintAction, |r| {
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

mutation!(pb::InviteFurtherEvidenceRequest => ComplaintAction, |r| Ok(
    ComplaintAction::InviteFurtherEvidence { note: r.note }
));

mutation!(pb::RecordFurtherEvidenceRequest => ComplaintAction, |r| Ok(
    ComplaintAction::RecordFurtherEvidence { note: r.note }
));

mutation!(pb::CommunicateOutcomeRequest => ComplaintAction, |r| Ok(
    ComplaintAction::CommunicateOutcome {
        method: contact_method(r.method, "method")?,
        suitability_checked: r.suitability_checked,
        payment_explanation: optional_text(r.payment_explanation),
    }
));

mutation!(pb::SignpostComplaintRequest => ComplaintAction, |_r| Ok(ComplaintAction::Signpost));

mutation!(pb::EscalateComplaintRequest => ComplaintAction, |r| {
    let reason: EscalationReason =
        pb_enum_in!(pb::EscalationReason, "ESCALATION_REASON_", r.reason, "reason")?;
    Ok(ComplaintAction::EscalateToTier2 {
        escalation_received_at: timestamp(r.escalation_receive_time, "escalation_receive_time")?,
        reason,
        customer_remains_dissatisfied: r.customer_remains_dissatisfied,
    })
});

mutation!(pb::HoldCaseConferenceRequest => ComplaintAction, |r| Ok(
    ComplaintAction::HoldCaseConference {
        attendees: r.attendees,
        decision: r.decision,
    }
));

mutation!(pb::AgreeFeedbackActionRequest => ComplaintAction, |r| {
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

mutation!(pb::ConfirmFeedbackActionRequest => ComplaintAction, |r| Ok(
    ComplaintAction::ConfirmFeedbackAction {
        action_id: r.action_id,
        note: r.note,
    }
));

mutation!(pb::RecategoriseComplaintRequest => ComplaintAction, |r| Ok(
    ComplaintAction::Recategorise {
        categories: r.categories,
        reason: r.reason,
    }
));

mutation!(pb::RecordSafeguardingConcernRequest => ComplaintAction, |r| Ok(
    ComplaintAction::RecordSafeguardingConcern {
        concern_id: r.concern_id,
        kinds: each(&r.kinds, |v| -> Result<ConcernKind, Status> {
            pb_enum_in!(pb::ConcernKind, "CONCERN_KIND_", v, "kinds")
        })?,
        immediate: r.immediate,
        escalated_to: each(&r.escalated_to, |v| -> Result<EscalatedTo, Status> {
            pb_enum_in!(pb::EscalatedTo, "ESCALATED_TO_", v, "escalated_to")
        })?,
        note: r.note,
    }
));

mutation!(pb::ResolveSafeguardingConcernRequest => ComplaintAction, |r| Ok(
    ComplaintAction::ResolveSafeguardingConcern {
        concern_id: r.concern_id,
        resolution: r.resolution,
    }
));

mutation!(pb::RecordComplexNeedsRequest => ComplaintAction, |r| Ok(
    ComplaintAction::RecordComplexNeeds {
        needs: each(&r.needs, |v| -> Result<ComplexNeed, Status> {
            pb_enum_in!(pb::ComplexNeed, "COMPLEX_NEED_", v, "needs")
        })?,
        note: r.note,
    }
));

mutation!(pb::AddRepresentativeRequest => ComplaintAction, |r| Ok(
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

mutation!(pb::WithdrawConsentRequest => ComplaintAction, |r| Ok(
    ComplaintAction::WithdrawConsent {
        representative_id: r.representative_id,
        reason: r.reason,
    }
));

mutation!(pb::ReassignCaseManagerRequest => ComplaintAction, |r| Ok(
    ComplaintAction::ReassignCaseManager {
        case_manager: r.case_manager
    }
));

mutation!(pb::RecordReferralRequest => ComplaintAction, |r| Ok(
    ComplaintAction::RecordReferral {
        body: referral_body(r.body)?,
        reference: r.reference,
    }
));

mutation!(pb::RecordReferralResultRequest => ComplaintAction, |r| Ok(
    ComplaintAction::RecordReferralResult {
        body: referral_body(r.body)?,
        result: r.result,
    }
));

mutation!(pb::RecalculateDeadlinesRequest => ComplaintAction, |_r| Ok(
    ComplaintAction::RecalculateDeadlines
));

mutation!(pb::WithdrawComplaintRequest => ComplaintAction, |r| Ok(ComplaintAction::Withdraw {
    reason: r.reason
}));

mutation!(pb::CloseComplaintRequest => ComplaintAction, |_r| Ok(ComplaintAction::Close));
