//! `ComplaintService`: every complaint command of the domain as an RPC, plus get, list and
//! the case history. Each mutation is validated into a `ComplaintAction` ([`requests`]),
//! executed through the store with the caller as actor, the request id as idempotency key
//! and the etag as expected version, and answered with the complaint as it now stands
//! ([`resource`]).

mod requests;
mod resource;

use chrono::Utc;
use redress_domain::{Actor, CommandMeta, Complaint, ComplaintAction, ComplaintCommand, Role};
use redress_store::Store;
use tonic::{Request, Response, Status};

use crate::convert::{resource_id, text, timestamp, valid_id};
use crate::execute::{execute, load, Invocation};
use crate::gate::principal;
use crate::mutation::{prepare, Mutation};
use crate::pb::complaint_service_server::ComplaintService;
use crate::pb::{self};
use crate::pb_enum_in;
use crate::services_in_force::ServicesInForce;
use crate::status::{self, invalid_argument};

pub use resource::{complainant_to_pb, complaint_to_pb};

/// Roles that handle cases and so may see the complainant's personal data (SPEC P1, P3).
pub fn may_see_personal(role: Role) -> bool {
    matches!(
        role,
        Role::Crm | Role::CrtManager | Role::CcrtReviewer | Role::SpecialPaymentTeam
    )
}

/// Tier-1 case workers see only their own team's cases.
pub fn check_read(actor: &Actor, complaint: &Complaint) -> Result<(), Status> {
    if matches!(actor.role, Role::Crm | Role::CrtManager) && complaint.team != actor.team {
        return Err(status::permission_denied(
            "NOT_YOUR_TEAM",
            format!(
                "this case belongs to team {}; you may only see your own team's cases",
                complaint.team
            ),
        ));
    }
    Ok(())
}

#[derive(Debug, Clone)]
pub struct ComplaintApi {
    store: Store,
    /// Where the caseload read model behind ListComplaints is queried.
    reads: Store,
    services: ServicesInForce,
}

impl ComplaintApi {
    pub fn new(store: Store, reads: Store, services: ServicesInForce) -> Self {
        ComplaintApi {
            store,
            reads,
            services,
        }
    }

    /// Loads a complaint the caller may read, with its version.
    async fn load_visible(&self, actor: &Actor, id: &str) -> Result<(Complaint, usize), Status> {
        let (complaint, version) = load::<Complaint>(&self.store, id).await?;
        if version == 0 {
            return Err(status::not_found(
                "COMPLAINT_NOT_FOUND",
                format!("there is no complaint complaints/{id}"),
            ));
        }
        check_read(actor, &complaint)?;
        Ok((complaint, version))
    }

    /// Runs one command and answers with the complaint afterwards.
    async fn run(
        &self,
        call: Invocation<'_>,
        occurred_at: chrono::DateTime<Utc>,
        action: ComplaintAction,
    ) -> Result<Response<pb::Complaint>, Status> {
        let command = ComplaintCommand::new(
            CommandMeta::new(call.actor.clone(), occurred_at, call.now),
            action,
        );
        let role = call.actor.role;
        let (complaint, version) =
            execute::<Complaint>(&self.store, &self.services, call, command).await?;
        Ok(Response::new(complaint_to_pb(
            &complaint,
            version,
            may_see_personal(role),
        )))
    }

    /// Any mutation request: common fields, then its action.
    async fn mutate<M: Mutation<Action = ComplaintAction>>(
        &self,
        request: Request<M>,
    ) -> Result<Response<pb::Complaint>, Status> {
        let (p, action) = prepare(request, "complaints")?;
        self.run(p.invocation("complaints"), p.occurred_at, action)
            .await
    }

    async fn receive(
        &self,
        request: Request<pb::ReceiveComplaintRequest>,
    ) -> Result<Response<pb::Complaint>, Status> {
        let actor = principal(&request)?.actor.clone();
        let r = request.into_inner();
        let now = Utc::now();
        let id = valid_id(&r.complaint_id, "complaint_id")?.to_owned();
        let person = r
            .complainant
            .ok_or_else(|| invalid_argument("complainant", "complainant is required"))?;
        let flags = r.flags.unwrap_or_default();
        let action = ComplaintAction::Receive {
            complaint_id: id.clone(),
            received_at: timestamp(r.receive_time, "receive_time")?,
            channel: pb_enum_in!(pb::Channel, "CHANNEL_", r.channel, "channel")?,
            categories: r.categories,
            team: text(r.team, "team")?,
            region: crate::convert::region(r.region, "region")?,
            flags: redress_domain::ComplaintFlags {
                about_staff: flags.about_staff,
                vulnerable: flags.vulnerable,
                upcc: flags.upcc,
                pos_case: flags.pos_case,
            },
            personal: redress_domain::PersonalDetails {
                name: person.display_name,
                address: crate::convert::optional_text(person.address),
                email: crate::convert::optional_text(person.email),
                phone: crate::convert::optional_text(person.phone),
                preferred_contact: pb_enum_in!(
                    pb::ContactMethod,
                    "CONTACT_METHOD_",
                    person.preferred_contact,
                    "complainant.preferred_contact"
                )?,
            },
        };
        let call = Invocation {
            actor: &actor,
            collection: "complaints",
            id: &id,
            request_id: &r.request_id,
            expected: None,
            now,
        };
        self.run(call, now, action).await
    }

    async fn get(
        &self,
        request: Request<pb::GetComplaintRequest>,
    ) -> Result<Response<pb::Complaint>, Status> {
        let actor = principal(&request)?.actor.clone();
        let id = resource_id(&request.get_ref().name, "complaints", "name")?.to_owned();
        let (complaint, version) = self.load_visible(&actor, &id).await?;
        Ok(Response::new(complaint_to_pb(
            &complaint,
            version,
            may_see_personal(actor.role),
        )))
    }

    async fn history(
        &self,
        request: Request<pb::ListComplaintHistoryRequest>,
    ) -> Result<Response<pb::ListComplaintHistoryResponse>, Status> {
        let actor = principal(&request)?.actor.clone();
        let r = request.into_inner();
        let id = resource_id(&r.name, "complaints", "name")?.to_owned();
        self.load_visible(&actor, &id).await?;
        let page_size = page_size(r.page_size, 100, 1000);
        let after: i64 = if r.page_token.is_empty() {
            0
        } else {
            r.page_token.parse().map_err(|_| {
                invalid_argument("page_token", "page_token is not one this server issued")
            })?
        };
        let events = self
            .store
            .load_events::<Complaint>(&id)
            .await
            .map_err(|e| status::from_store(&e))?;
        let with_personal = may_see_personal(actor.role);
        let mut entries = Vec::new();
        for envelope in events
            .iter()
            .filter(|e| e.sequence as i64 > after)
            .take(page_size)
        {
            entries.push(history_entry(envelope, with_personal)?);
        }
        let next_page_token = match entries.last() {
            Some(last) if events.iter().any(|e| e.sequence as i64 > last.sequence) => {
                last.sequence.to_string()
            }
            _ => String::new(),
        };
        Ok(Response::new(pb::ListComplaintHistoryResponse {
            entries,
            next_page_token,
        }))
    }
}

/// A page size within `1..=max`, `default` when unset.
pub fn page_size(requested: i32, default: usize, max: usize) -> usize {
    match usize::try_from(requested) {
        Ok(0) | Err(_) => default,
        Ok(n) => n.min(max),
    }
}

/// Removes every `personal` member (SPEC P1) from an event's JSON.
pub fn strip_personal(value: &mut serde_json::Value) {
    match value {
        serde_json::Value::Object(map) => {
            map.remove("personal");
            map.values_mut().for_each(strip_personal);
        }
        serde_json::Value::Array(items) => items.iter_mut().for_each(strip_personal),
        _ => {}
    }
}

fn history_entry(
    envelope: &cqrs_es::EventEnvelope<Complaint>,
    with_personal: bool,
) -> Result<pb::ComplaintHistoryEntry, Status> {
    use cqrs_es::DomainEvent;
    let mut data = serde_json::to_value(&envelope.payload)
        .map_err(|_| status::internal("an event could not be read"))?;
    if !with_personal {
        strip_personal(&mut data);
    }
    let meta = |k: &str| envelope.metadata.get(k).cloned().unwrap_or_default();
    let occurred = data
        .pointer("/data/occurred_at")
        .and_then(|v| v.as_str())
        .and_then(|s| s.parse::<chrono::DateTime<Utc>>().ok());
    let recorded = meta("recorded_at").parse::<chrono::DateTime<Utc>>().ok();
    Ok(pb::ComplaintHistoryEntry {
        sequence: envelope.sequence as i64,
        event_type: envelope.payload.event_type(),
        actor_user_id: meta("actor_user_id"),
        actor_role: meta("actor_role"),
        actor_team: meta("actor_team"),
        occur_time: occurred.map(crate::convert::timestamp_to_pb),
        record_time: recorded.map(crate::convert::timestamp_to_pb),
        data_json: data.to_string(),
    })
}

/// Generates the `ComplaintService` impl: the fixed methods, then one delegation to
/// [`ComplaintApi::mutate`] per mutation RPC.
macro_rules! complaint_service {
    ($($method:ident: $req:ty),* $(,)?) => {
        #[tonic::async_trait]
        impl ComplaintService for ComplaintApi {
            #[tracing::instrument(skip_all, fields(rpc = "ReceiveComplaint"))]
            async fn receive_complaint(&self, request: Request<pb::ReceiveComplaintRequest>) -> Result<Response<pb::Complaint>, Status> {
                self.receive(request).await
            }
            #[tracing::instrument(skip_all, fields(rpc = "GetComplaint"))]
            async fn get_complaint(&self, request: Request<pb::GetComplaintRequest>) -> Result<Response<pb::Complaint>, Status> {
                self.get(request).await
            }
            #[tracing::instrument(skip_all, fields(rpc = "ListComplaints"))]
            async fn list_complaints(&self, request: Request<pb::ListComplaintsRequest>) -> Result<Response<pb::ListComplaintsResponse>, Status> {
                self.list(request).await
            }
            #[tracing::instrument(skip_all, fields(rpc = "ListComplaintHistory"))]
            async fn list_complaint_history(&self, request: Request<pb::ListComplaintHistoryRequest>) -> Result<Response<pb::ListComplaintHistoryResponse>, Status> {
                self.history(request).await
            }
            $(
                #[tracing::instrument(skip_all, fields(rpc = stringify!($method)))]
                async fn $method(&self, request: Request<$req>) -> Result<Response<pb::Complaint>, Status> {
                    self.mutate(request).await
                }
            )*
        }
    };
}

complaint_service! {
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

impl ComplaintApi {
    /// Open complaints from the caseload read model (no personal data).
    async fn list(
        &self,
        request: Request<pb::ListComplaintsRequest>,
    ) -> Result<Response<pb::ListComplaintsResponse>, Status> {
        let actor = principal(&request)?.actor.clone();
        let r = request.into_inner();
        let team = crate::reporting_service::team_scope(&actor, &r.team)?;
        let manager = crate::convert::optional_text(r.case_manager);
        let services = self.services.current();
        let models = redress_projections::ReadModels::new(
            self.reads.clone(),
            services.policies.clone(),
            services.calendars.clone(),
        );
        let page = models
            .caseload(
                team.as_deref(),
                manager.as_deref(),
                u32::try_from(r.page_size).unwrap_or(0),
                &r.page_token,
            )
            .await
            .map_err(crate::reporting_service::read_error)?;
        Ok(Response::new(pb::ListComplaintsResponse {
            complaints: page
                .items
                .into_iter()
                .map(|e| pb::ComplaintSummary {
                    name: format!("complaints/{}", e.complaint_id),
                    team: e.team,
                    tier: crate::pb_enum_out!(pb::Tier, "TIER_", e.tier),
                    status: pb::CaseStatus::Open as i32,
                    case_manager: e.case_manager,
                    receive_time: Some(crate::convert::timestamp_to_pb(e.received_at)),
                    next_due_time: e.next_due.map(crate::convert::timestamp_to_pb),
                })
                .collect(),
            next_page_token: page.next_page_token,
        }))
    }
}
