//! `ComplaintService`: every complaint command of the domain as an RPC, plus get, list and
//! the case history. Each mutation is validated into a `ComplaintAction` (`requests`), run
//! through the one command path and answered with the complaint as it now stands, as the
//! caller may see it (`resource`); the audit trail is read from the event store (`history`).

mod history;
mod requests;
mod resource;

use chrono::Utc;
use redress_domain::{Complaint, ComplaintAction, ComplaintFlags};
use redress_store::Store;
use tonic::{Request, Response, Status};

use super::case_service;
use super::reporting::caseload_page;
use crate::auth::{caller, principal, team_scope};
use crate::command::{Commands, Invocation};
use crate::convert::{enum_in, enum_out, region, text, timestamp, timestamp_to_pb, valid_id};
use crate::pb::complaint_service_server::ComplaintService;
use crate::pb::{self};
use crate::services_in_force::ServicesInForce;
use crate::status::invalid_argument;

pub use resource::{complainant_to_pb, personal_from_pb};

#[derive(Debug, Clone)]
pub struct ComplaintApi {
    commands: Commands,
    /// The primary, whose event store holds each complaint's audit trail.
    store: Store,
    /// Where the caseload read model behind ListComplaints is queried.
    reads: Store,
    services: ServicesInForce,
}

impl ComplaintApi {
    pub fn new(store: Store, reads: Store, services: ServicesInForce) -> Self {
        ComplaintApi {
            commands: Commands::new(store.clone(), services.clone()),
            store,
            reads,
            services,
        }
    }

    async fn receive(
        &self,
        request: Request<pb::ReceiveComplaintRequest>,
    ) -> Result<Response<pb::Complaint>, Status> {
        let (actor, r) = caller(request)?;
        let now = Utc::now();
        let id = valid_id(&r.complaint_id, "complaint_id")?.to_owned();
        let person = r
            .complainant
            .ok_or_else(|| invalid_argument("complainant", "complainant is required"))?;
        let flags = r.flags.unwrap_or_default();
        let action = ComplaintAction::Receive {
            complaint_id: id.clone(),
            received_at: timestamp(r.receive_time, "receive_time")?,
            channel: enum_in(r.channel, "channel")?,
            categories: r.categories,
            team: text(r.team, "team")?,
            region: region(r.region, "region")?,
            flags: ComplaintFlags {
                about_staff: flags.about_staff,
                vulnerable: flags.vulnerable,
                upcc: flags.upcc,
                pos_case: flags.pos_case,
            },
            personal: personal_from_pb(person, "complainant.preferred_contact")?,
        };
        let call = Invocation::new(actor, id, r.request_id, now, now);
        self.commands.create::<Complaint>(call, action).await
    }

    /// Open complaints from the caseload read model (no personal data).
    async fn list(
        &self,
        request: Request<pb::ListComplaintsRequest>,
    ) -> Result<Response<pb::ListComplaintsResponse>, Status> {
        let (actor, r) = caller(request)?;
        let team = team_scope(&actor, &r.team)?;
        let page = caseload_page(
            &self.services.read_models(&self.reads),
            team,
            r.case_manager,
            r.page_size,
            &r.page_token,
        )
        .await?;
        Ok(Response::new(pb::ListComplaintsResponse {
            complaints: page
                .items
                .into_iter()
                .map(|e| pb::ComplaintSummary {
                    name: format!("complaints/{}", e.complaint_id),
                    team: e.team,
                    tier: enum_out(e.tier),
                    status: pb::CaseStatus::Open as i32,
                    case_manager: e.case_manager,
                    receive_time: Some(timestamp_to_pb(e.received_at)),
                    next_due_time: e.next_due.map(timestamp_to_pb),
                })
                .collect(),
            next_page_token: page.next_page_token,
        }))
    }
}

case_service! {
    impl ComplaintService for ComplaintApi => pb::Complaint {
        #[tracing::instrument(skip_all, fields(rpc = "ReceiveComplaint"))]
        async fn receive_complaint(
            &self,
            request: Request<pb::ReceiveComplaintRequest>,
        ) -> Result<Response<pb::Complaint>, Status> {
            self.receive(request).await
        }

        #[tracing::instrument(skip_all, fields(rpc = "GetComplaint"))]
        async fn get_complaint(
            &self,
            request: Request<pb::GetComplaintRequest>,
        ) -> Result<Response<pb::Complaint>, Status> {
            let actor = &principal(&request)?.actor;
            self.commands
                .get::<Complaint>(actor, &request.get_ref().name)
                .await
        }

        #[tracing::instrument(skip_all, fields(rpc = "ListComplaints"))]
        async fn list_complaints(
            &self,
            request: Request<pb::ListComplaintsRequest>,
        ) -> Result<Response<pb::ListComplaintsResponse>, Status> {
            self.list(request).await
        }

        #[tracing::instrument(skip_all, fields(rpc = "ListComplaintHistory"))]
        async fn list_complaint_history(
            &self,
            request: Request<pb::ListComplaintHistoryRequest>,
        ) -> Result<Response<pb::ListComplaintHistoryResponse>, Status> {
            self.history(request).await
        }
    }
    mutations {
        record_initial_contact: pb::RecordInitialContactRequest,
        record_investigation_step: pb::RecordInvestigationStepRequest,
        validate_evidence: pb::ValidateEvidenceRequest,
        record_staff_assurance: pb::RecordStaffAssuranceRequest,
        agree_resolution_plan: pb::AgreeResolutionPlanRequest,
        revise_resolution_plan: pb::ReviseResolutionPlanRequest,
        record_root_cause: pb::RecordRootCauseRequest,
        record_findings: pb::RecordFindingsRequest,
        decide_outcome: pb::DecideOutcomeRequest,
        record_redress: pb::RecordRedressRequest,
        award_special_payment: pb::AwardSpecialPaymentRequest,
        refer_special_payment: pb::ReferSpecialPaymentRequest,
        decide_special_payment: pb::DecideSpecialPaymentRequest,
        invite_further_evidence: pb::InviteFurtherEvidenceRequest,
        record_further_evidence: pb::RecordFurtherEvidenceRequest,
        communicate_outcome: pb::CommunicateOutcomeRequest,
        signpost_complaint: pb::SignpostComplaintRequest,
        escalate_complaint: pb::EscalateComplaintRequest,
        hold_case_conference: pb::HoldCaseConferenceRequest,
        agree_feedback_action: pb::AgreeFeedbackActionRequest,
        confirm_feedback_action: pb::ConfirmFeedbackActionRequest,
        recategorise_complaint: pb::RecategoriseComplaintRequest,
        record_safeguarding_concern: pb::RecordSafeguardingConcernRequest,
        resolve_safeguarding_concern: pb::ResolveSafeguardingConcernRequest,
        record_complex_needs: pb::RecordComplexNeedsRequest,
        add_representative: pb::AddRepresentativeRequest,
        withdraw_consent: pb::WithdrawConsentRequest,
        reassign_case_manager: pb::ReassignCaseManagerRequest,
        record_referral: pb::RecordReferralRequest,
        record_referral_result: pb::RecordReferralResultRequest,
        recalculate_deadlines: pb::RecalculateDeadlinesRequest,
        withdraw_complaint: pb::WithdrawComplaintRequest,
        close_complaint: pb::CloseComplaintRequest,
    }
}
