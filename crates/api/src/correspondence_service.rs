//! `CorrespondenceService`: official correspondence (SPEC section 8) over gRPC, worked by the
//! CCRT. Same shape as the complaint service: validate, execute through the store, answer
//! with the case as it now stands.

use chrono::Utc;
use redress_domain::{
    CommandMeta, ContactMethod, Correspondence, CorrespondenceAction, CorrespondenceCommand,
    CorrespondenceKind, PersonalDetails, Role,
};
use tonic::{Request, Response, Status};

use crate::complaint_service::complainant_to_pb;
use crate::convert::{
    optional_text, region, resource_id, text, timestamp, timestamp_to_pb, valid_id,
};
use crate::execute::{execute, load, Invocation};
use crate::gate::principal;
use crate::mutation::{prepare, Mutation, Prepared};
use crate::pb::correspondence_service_server::CorrespondenceService;
use crate::pb::{self};
use crate::services_in_force::ServicesInForce;
use crate::status::{self, invalid_argument};
use crate::{mutation, pb_enum_in, pb_enum_out};

const COLLECTION: &str = "correspondence";

#[derive(Debug, Clone)]
pub struct CorrespondenceApi {
    store: redress_store::Store,
    services: ServicesInForce,
}

fn method(value: i32) -> Result<ContactMethod, Status> {
    pb_enum_in!(pb::ContactMethod, "CONTACT_METHOD_", value, "method")
}

mutation!(pb::DraftCorrespondenceReplyRequest => CorrespondenceAction, |r| Ok(
    CorrespondenceAction::RecordDraft {
        method: method(r.method)?,
        summary: r.summary,
        refer_to: r.refer_to,
    }
));
mutation!(pb::PassToTeamLeaderRequest => CorrespondenceAction, |_r| Ok(
    CorrespondenceAction::PassToTeamLeader
));
mutation!(pb::AgreeCorrespondenceReplyRequest => CorrespondenceAction, |_r| Ok(
    CorrespondenceAction::Agree
));
mutation!(pb::SendToDirectorRequest => CorrespondenceAction, |_r| Ok(
    CorrespondenceAction::SendToDirector
));
mutation!(pb::RecordDirectorSignatureRequest => CorrespondenceAction, |_r| Ok(
    CorrespondenceAction::RecordSigned
));
mutation!(pb::SendCorrespondenceReplyRequest => CorrespondenceAction, |r| Ok(
    CorrespondenceAction::Send {
        method: method(r.method)?
    }
));

/// Only the CCRT, who works the case, sees the correspondent's personal data.
fn may_see_personal(role: Role) -> bool {
    role == Role::CcrtReviewer
}

pub fn correspondence_to_pb(
    c: &Correspondence,
    version: usize,
    with_personal: bool,
) -> pb::Correspondence {
    pb::Correspondence {
        name: format!("{COLLECTION}/{}", c.id),
        etag: version.to_string(),
        kind: c
            .kind
            .map(|k| pb_enum_out!(pb::CorrespondenceKind, "CORRESPONDENCE_KIND_", k))
            .unwrap_or(0),
        stage: pb_enum_out!(pb::CorrespondenceStage, "CORRESPONDENCE_STAGE_", c.stage),
        policy_version: c.policy_version.clone(),
        target_due_time: c.target_due.map(timestamp_to_pb),
        draft_method: c
            .draft_method
            .map(|m| pb_enum_out!(pb::ContactMethod, "CONTACT_METHOD_", m))
            .unwrap_or(0),
        correspondent: if with_personal {
            c.personal.as_ref().map(complainant_to_pb)
        } else {
            None
        },
    }
}

impl CorrespondenceApi {
    pub fn new(store: redress_store::Store, services: ServicesInForce) -> Self {
        CorrespondenceApi { store, services }
    }

    async fn run(
        &self,
        call: Invocation<'_>,
        occurred_at: chrono::DateTime<Utc>,
        action: CorrespondenceAction,
    ) -> Result<Response<pb::Correspondence>, Status> {
        let role = call.actor.role;
        let command = CorrespondenceCommand {
            meta: CommandMeta::new(call.actor.clone(), occurred_at, call.now),
            action,
        };
        let (case, version) =
            execute::<Correspondence>(&self.store, &self.services, call, command).await?;
        Ok(Response::new(correspondence_to_pb(
            &case,
            version,
            may_see_personal(role),
        )))
    }

    async fn mutate<M: Mutation<Action = CorrespondenceAction>>(
        &self,
        request: Request<M>,
    ) -> Result<Response<pb::Correspondence>, Status> {
        let (p, action): (Prepared, _) = prepare(request, COLLECTION)?;
        self.run(p.invocation(COLLECTION), p.occurred_at, action)
            .await
    }
}

#[tonic::async_trait]
impl CorrespondenceService for CorrespondenceApi {
    #[tracing::instrument(skip_all, fields(rpc = "ReceiveCorrespondence"))]
    async fn receive_correspondence(
        &self,
        request: Request<pb::ReceiveCorrespondenceRequest>,
    ) -> Result<Response<pb::Correspondence>, Status> {
        let actor = principal(&request)?.actor.clone();
        let r = request.into_inner();
        let now = Utc::now();
        let id = valid_id(&r.correspondence_id, "correspondence_id")?.to_owned();
        let person = r
            .correspondent
            .ok_or_else(|| invalid_argument("correspondent", "correspondent is required"))?;
        let kind: CorrespondenceKind = pb_enum_in!(
            pb::CorrespondenceKind,
            "CORRESPONDENCE_KIND_",
            r.kind,
            "kind"
        )?;
        let action = CorrespondenceAction::Receive {
            correspondence_id: id.clone(),
            kind,
            received_at: timestamp(r.receive_time, "receive_time")?,
            region: region(r.region, "region")?,
            subject: text(r.subject, "subject")?,
            personal: PersonalDetails {
                name: person.display_name,
                address: optional_text(person.address),
                email: optional_text(person.email),
                phone: optional_text(person.phone),
                preferred_contact: pb_enum_in!(
                    pb::ContactMethod,
                    "CONTACT_METHOD_",
                    person.preferred_contact,
                    "correspondent.preferred_contact"
                )?,
            },
        };
        let call = Invocation {
            actor: &actor,
            collection: COLLECTION,
            id: &id,
            request_id: &r.request_id,
            expected: None,
            now,
        };
        self.run(call, now, action).await
    }

    #[tracing::instrument(skip_all, fields(rpc = "GetCorrespondence"))]
    async fn get_correspondence(
        &self,
        request: Request<pb::GetCorrespondenceRequest>,
    ) -> Result<Response<pb::Correspondence>, Status> {
        let role = principal(&request)?.actor.role;
        let id = resource_id(&request.get_ref().name, COLLECTION, "name")?.to_owned();
        let (case, version) = load::<Correspondence>(&self.store, &id).await?;
        if version == 0 {
            return Err(status::not_found(
                "CORRESPONDENCE_NOT_FOUND",
                format!("there is no case {COLLECTION}/{id}"),
            ));
        }
        Ok(Response::new(correspondence_to_pb(
            &case,
            version,
            may_see_personal(role),
        )))
    }

    #[tracing::instrument(skip_all, fields(rpc = "DraftCorrespondenceReply"))]
    async fn draft_correspondence_reply(
        &self,
        request: Request<pb::DraftCorrespondenceReplyRequest>,
    ) -> Result<Response<pb::Correspondence>, Status> {
        self.mutate(request).await
    }

    #[tracing::instrument(skip_all, fields(rpc = "PassToTeamLeader"))]
    async fn pass_to_team_leader(
        &self,
        request: Request<pb::PassToTeamLeaderRequest>,
    ) -> Result<Response<pb::Correspondence>, Status> {
        self.mutate(request).await
    }

    #[tracing::instrument(skip_all, fields(rpc = "AgreeCorrespondenceReply"))]
    async fn agree_correspondence_reply(
        &self,
        request: Request<pb::AgreeCorrespondenceReplyRequest>,
    ) -> Result<Response<pb::Correspondence>, Status> {
        self.mutate(request).await
    }

    #[tracing::instrument(skip_all, fields(rpc = "SendToDirector"))]
    async fn send_to_director(
        &self,
        request: Request<pb::SendToDirectorRequest>,
    ) -> Result<Response<pb::Correspondence>, Status> {
        self.mutate(request).await
    }

    #[tracing::instrument(skip_all, fields(rpc = "RecordDirectorSignature"))]
    async fn record_director_signature(
        &self,
        request: Request<pb::RecordDirectorSignatureRequest>,
    ) -> Result<Response<pb::Correspondence>, Status> {
        self.mutate(request).await
    }

    #[tracing::instrument(skip_all, fields(rpc = "SendCorrespondenceReply"))]
    async fn send_correspondence_reply(
        &self,
        request: Request<pb::SendCorrespondenceReplyRequest>,
    ) -> Result<Response<pb::Correspondence>, Status> {
        self.mutate(request).await
    }
}
