//! Parsed steps sent to the ComplaintService: [`step`] is the table from subcommand to
//! RPC, one line each; below it one request builder per step. Every mutation request
//! starts from [`stamped`], which fills the four fields all of them carry.

use anyhow::Result;
use redress_api::pb;
use redress_api::pb::complaint_service_client::ComplaintServiceClient;

use super::args::{
    CommunicateArgs, ComplaintCommand, ContactArgs, DecideArgs, EscalateArgs, FindingsArgs,
    HistoryArgs, InvestigateArgs, OutcomeCommand, PayArgs, PlanArgs, ReceiveArgs, RedressArgs,
    RootCauseArgs, StaffAssuranceArgs, Target, ValidateEvidenceArgs,
};
use crate::cli::client::{self, AuthedChannel};
use crate::cli::input::{pb_date, pb_time, request_id, resource_name};

pub type Client = ComplaintServiceClient<AuthedChannel>;

/// Sends one step (or a read) and returns the complaint as it stands afterwards.
pub async fn step(client: &mut Client, command: ComplaintCommand) -> Result<pb::Complaint> {
    use ComplaintCommand as C;
    use OutcomeCommand as O;
    let response = match command {
        C::Receive(a) => client.receive_complaint(receive(a)).await,
        C::Show(a) => client.get_complaint(show(&a.id)).await,
        C::Contact(a) => client.record_initial_contact(contact(a)).await,
        C::Investigate(a) => client.record_investigation_step(investigate(a)).await,
        C::ValidateEvidence(a) => client.validate_evidence(validate(a)).await,
        C::StaffAssurance(a) => client.record_staff_assurance(assurance(a)).await,
        C::Plan(a) => match a.reason.clone() {
            Some(reason) if a.revise => client.revise_resolution_plan(revise(a, reason)).await,
            _ => client.agree_resolution_plan(agree(a)).await,
        },
        C::Outcome(O::RootCause(a)) => client.record_root_cause(root_cause(a)).await,
        C::Outcome(O::Findings(a)) => client.record_findings(findings(a)).await,
        C::Outcome(O::Decide(a)) => client.decide_outcome(decide(a)).await,
        C::Outcome(O::Redress(a)) => client.record_redress(redress(a)).await,
        C::Pay(a) if a.decide => client.decide_special_payment(decide_payment(a)?).await,
        C::Pay(a) if a.refer => client.refer_special_payment(refer_payment(a)).await,
        C::Pay(a) => client.award_special_payment(award_payment(a)).await,
        C::Communicate(a) => client.communicate_outcome(communicate(a)).await,
        C::Signpost(a) => {
            client
                .signpost_complaint(stamped::<pb::SignpostComplaintRequest>(&a))
                .await
        }
        C::Escalate(a) => client.escalate_complaint(escalate(a)).await,
        C::Close(a) => {
            client
                .close_complaint(stamped::<pb::CloseComplaintRequest>(&a))
                .await
        }
        C::History(_) => anyhow::bail!("history is not a single-complaint step"),
    };
    Ok(response.map_err(client::refused)?.into_inner())
}

/// Every page of a complaint's history, oldest first.
pub async fn history(
    client: &mut Client,
    args: &HistoryArgs,
) -> Result<Vec<pb::ComplaintHistoryEntry>> {
    let name = resource_name(&args.id);
    let mut entries = Vec::new();
    let mut page_token = String::new();
    loop {
        let page = client
            .list_complaint_history(pb::ListComplaintHistoryRequest {
                name: name.clone(),
                page_size: args.page_size,
                page_token: page_token.clone(),
            })
            .await
            .map_err(client::refused)?
            .into_inner();
        entries.extend(page.entries);
        if page.next_page_token.is_empty() || page.next_page_token == page_token {
            break;
        }
        page_token = page.next_page_token;
    }
    Ok(entries)
}

/// A mutation request carrying the fields every one has: the complaint's name, the
/// request id (a fresh one unless given), the etag and when it happened.
trait Stamp: Default {
    fn stamp(self, target: &Target) -> Self;
}

macro_rules! stamp {
    ($($request:ident),* $(,)?) => {$(
        impl Stamp for pb::$request {
            fn stamp(mut self, target: &Target) -> Self {
                let m = &target.mutation;
                self.name = resource_name(&target.id);
                self.request_id = request_id(&m.request_id);
                self.etag = m.etag.clone().unwrap_or_default();
                self.occur_time = m.occurred_at.map(pb_time);
                self
            }
        }
    )*};
}

stamp! {
    RecordInitialContactRequest,
    RecordInvestigationStepRequest,
    ValidateEvidenceRequest,
    RecordStaffAssuranceRequest,
    AgreeResolutionPlanRequest,
    ReviseResolutionPlanRequest,
    RecordRootCauseRequest,
    RecordFindingsRequest,
    DecideOutcomeRequest,
    RecordRedressRequest,
    AwardSpecialPaymentRequest,
    ReferSpecialPaymentRequest,
    DecideSpecialPaymentRequest,
    CommunicateOutcomeRequest,
    SignpostComplaintRequest,
    EscalateComplaintRequest,
    CloseComplaintRequest,
}

/// The request for `target` with only the common fields set: the base of every builder.
fn stamped<R: Stamp>(target: &Target) -> R {
    R::default().stamp(target)
}

fn receive(a: ReceiveArgs) -> pb::ReceiveComplaintRequest {
    pb::ReceiveComplaintRequest {
        complaint_id: a.id.trim().to_owned(),
        request_id: request_id(&a.request_id),
        receive_time: Some(pb_time(a.received_at)),
        channel: a.channel.into(),
        categories: a.categories,
        team: a.team,
        region: a.region.into(),
        flags: Some(pb::ComplaintFlags {
            about_staff: a.about_staff,
            vulnerable: a.vulnerable,
            upcc: a.upcc,
            pos_case: a.pos_case,
        }),
        complainant: Some(pb::ComplainantDetails {
            display_name: a.name,
            address: a.address,
            email: a.email,
            phone: a.phone,
            preferred_contact: a.preferred_contact.into(),
        }),
    }
}

fn show(id: &str) -> pb::GetComplaintRequest {
    pb::GetComplaintRequest {
        name: resource_name(id),
    }
}

fn contact(a: ContactArgs) -> pb::RecordInitialContactRequest {
    pb::RecordInitialContactRequest {
        method: a.method.into(),
        suitability_checked: a.suitability_checked,
        offered_direct_contact: a.offered_direct_contact,
        issues: a
            .issues
            .into_iter()
            .map(|(issue_id, summary)| pb::ComplaintIssue { issue_id, summary })
            .collect(),
        resolution_sought: a.resolution_sought,
        resolved_at_first_contact: a.resolved_at_first_contact,
        ..stamped(&a.target)
    }
}

fn investigate(a: InvestigateArgs) -> pb::RecordInvestigationStepRequest {
    pb::RecordInvestigationStepRequest {
        step: a.step.into(),
        evidence_id: a.evidence_id,
        description: a.description,
        validated: a.validated,
        ..stamped(&a.target)
    }
}

fn validate(a: ValidateEvidenceArgs) -> pb::ValidateEvidenceRequest {
    pb::ValidateEvidenceRequest {
        evidence_id: a.evidence_id,
        ..stamped(&a.target)
    }
}

fn assurance(a: StaffAssuranceArgs) -> pb::RecordStaffAssuranceRequest {
    pb::RecordStaffAssuranceRequest {
        obtained: a.obtained,
        note: a.note,
        ..stamped(&a.target)
    }
}

fn agree(a: PlanArgs) -> pb::AgreeResolutionPlanRequest {
    pb::AgreeResolutionPlanRequest {
        target_date: Some(pb_date(a.target_date)),
        actions: a.actions,
        ..stamped(&a.target)
    }
}

fn revise(a: PlanArgs, reason: String) -> pb::ReviseResolutionPlanRequest {
    pb::ReviseResolutionPlanRequest {
        target_date: Some(pb_date(a.target_date)),
        actions: a.actions,
        reason,
        ..stamped(&a.target)
    }
}

fn root_cause(a: RootCauseArgs) -> pb::RecordRootCauseRequest {
    pb::RecordRootCauseRequest {
        root_cause: Some(pb::RootCause {
            what_happened: a.what_happened,
            what_should_have_happened: a.should_have_happened,
            mistakes: a.mistakes,
            root_cause: a.cause,
        }),
        ..stamped(&a.target)
    }
}

fn findings(a: FindingsArgs) -> pb::RecordFindingsRequest {
    pb::RecordFindingsRequest {
        findings: a
            .findings
            .into_iter()
            .map(|f| pb::Finding {
                issue_id: f.issue_id,
                upheld: f.upheld,
                evidence_ids: f.evidence_ids,
                reasoning: f.reasoning,
            })
            .collect(),
        ..stamped(&a.target)
    }
}

fn decide(a: DecideArgs) -> pb::DecideOutcomeRequest {
    pb::DecideOutcomeRequest {
        outcome: a.outcome.into(),
        summary: a.summary,
        ..stamped(&a.target)
    }
}

fn redress(a: RedressArgs) -> pb::RecordRedressRequest {
    pb::RecordRedressRequest {
        apology: a.apology,
        remedial_assurance: a.remedial_assurance,
        ..stamped(&a.target)
    }
}

/// The Special Payment Team's decision on a referred payment (`--decide`).
fn decide_payment(a: PayArgs) -> Result<pb::DecideSpecialPaymentRequest> {
    use pb::decide_special_payment_request::Decision;
    let decision = match (a.approve_pence, a.decline_reason) {
        (Some(pence), _) => Decision::ApproveAmountPence(pence),
        (None, Some(reason)) => Decision::DeclineReason(reason),
        // clap requires one of the two with --decide.
        (None, None) => anyhow::bail!("--decide needs --approve-pence or --decline-reason"),
    };
    Ok(pb::DecideSpecialPaymentRequest {
        payment_id: a.payment_id,
        decision: Some(decision),
        ..stamped(&a.target)
    })
}

/// A payment above delegated authority, referred to the Special Payment Team (`--refer`).
fn refer_payment(a: PayArgs) -> pb::ReferSpecialPaymentRequest {
    pb::ReferSpecialPaymentRequest {
        kind: a.kind.map(i32::from).unwrap_or(0),
        amount_pence: a.amount_pence.unwrap_or(0),
        reason: a.reason.unwrap_or_default(),
        payment_id: a.payment_id,
        ..stamped(&a.target)
    }
}

/// A payment awarded within delegated authority.
fn award_payment(a: PayArgs) -> pb::AwardSpecialPaymentRequest {
    pb::AwardSpecialPaymentRequest {
        payment_id: a.payment_id,
        kind: a.kind.map(i32::from).unwrap_or(0),
        amount_pence: a.amount_pence.unwrap_or(0),
        reason: a.reason.unwrap_or_default(),
        ..stamped(&a.target)
    }
}

fn communicate(a: CommunicateArgs) -> pb::CommunicateOutcomeRequest {
    pb::CommunicateOutcomeRequest {
        method: a.method.into(),
        suitability_checked: a.suitability_checked,
        payment_explanation: a.payment_explanation,
        ..stamped(&a.target)
    }
}

fn escalate(a: EscalateArgs) -> pb::EscalateComplaintRequest {
    pb::EscalateComplaintRequest {
        escalation_receive_time: Some(pb_time(a.received_at)),
        reason: a.reason.into(),
        customer_remains_dissatisfied: a.customer_remains_dissatisfied,
        ..stamped(&a.target)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cli::complaint::args::Mutation;

    fn target(request_id: Option<&str>) -> Target {
        Target {
            id: " C-1 ".into(),
            mutation: Mutation {
                request_id: request_id.map(str::to_owned),
                etag: Some("3".into()),
                occurred_at: None,
            },
        }
    }

    #[test]
    fn every_mutation_carries_name_request_id_and_etag() {
        let r: pb::CloseComplaintRequest = stamped(&target(Some("r1")));
        assert_eq!(
            (r.name.as_str(), r.request_id.as_str(), r.etag.as_str()),
            ("complaints/C-1", "r1", "3")
        );
        assert_eq!(r.occur_time, None);
        let fresh: pb::SignpostComplaintRequest = stamped(&target(None));
        assert_eq!(fresh.request_id.len(), 36);
    }
}
