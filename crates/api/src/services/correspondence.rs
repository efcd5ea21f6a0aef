//! `CorrespondenceService`: official correspondence (SPEC section 8) over gRPC, worked by the
//! CCRT. Same shape as the complaint service: validate, run through the one command path,
//! answer with the case as it now stands, as the caller may see it.

use chrono::Utc;
use redress_domain::{
    CommandMeta, Correspondence, CorrespondenceAction, CorrespondenceCommand, CorrespondenceKind,
};
use redress_store::Store;
use tonic::{Request, Response, Status};

use super::case_service;
use super::complaint::{complainant_to_pb, personal_from_pb};
use crate::auth::{caller, principal};
use crate::command::{mutation, Commands, Invocation, Resource};
use crate::convert::{enum_in, enum_out, region, text, timestamp, timestamp_to_pb, valid_id};
use crate::pb::correspondence_service_server::CorrespondenceService;
use crate::pb::{self};
use crate::services_in_force::ServicesInForce;
use crate::status::invalid_argument;

#[derive(Debug, Clone)]
pub struct CorrespondenceApi {
    commands: Commands,
}

impl CorrespondenceApi {
    pub fn new(store: Store, services: ServicesInForce) -> Self {
        CorrespondenceApi {
            commands: Commands::new(store, services),
        }
    }
}

mutation!(pb::DraftCorrespondenceReplyRequest => Correspondence, |r| Ok(
    CorrespondenceAction::RecordDraft {
        method: enum_in(r.method, "method")?,
        summary: r.summary,
        refer_to: r.refer_to,
    }
));
mutation!(pb::PassToTeamLeaderRequest => Correspondence, |_r| Ok(
    CorrespondenceAction::PassToTeamLeader
));
mutation!(pb::AgreeCorrespondenceReplyRequest => Correspondence, |_r| Ok(
    CorrespondenceAction::Agree
));
mutation!(pb::SendToDirectorRequest => Correspondence, |_r| Ok(
    CorrespondenceAction::SendToDirector
));
mutation!(pb::RecordDirectorSignatureRequest => Correspondence, |_r| Ok(
    CorrespondenceAction::RecordSigned
));
mutation!(pb::SendCorrespondenceReplyRequest => Correspondence, |r| Ok(
    CorrespondenceAction::Send {
        method: enum_in(r.method, "method")?
    }
));

impl Resource for Correspondence {
    const COLLECTION: &'static str = "correspondence";
    const WHAT: &'static str = "case";
    const NOT_FOUND: &'static str = "CORRESPONDENCE_NOT_FOUND";
    type Action = CorrespondenceAction;
    type Pb = pb::Correspondence;

    fn command(meta: CommandMeta, action: CorrespondenceAction) -> CorrespondenceCommand {
        CorrespondenceCommand { meta, action }
    }

    /// `with_personal` adds the correspondent's details.
    fn to_pb(&self, version: usize, with_personal: bool) -> pb::Correspondence {
        pb::Correspondence {
            name: format!("{}/{}", Self::COLLECTION, self.id),
            etag: version.to_string(),
            kind: self.kind.map(enum_out).unwrap_or(0),
            stage: enum_out(self.stage),
            policy_version: self.policy_version.clone(),
            target_due_time: self.target_due.map(timestamp_to_pb),
            draft_method: self.draft_method.map(enum_out).unwrap_or(0),
            correspondent: if with_personal {
                self.personal.as_ref().map(complainant_to_pb)
            } else {
                None
            },
        }
    }
}

case_service! {
    impl CorrespondenceService for CorrespondenceApi => pb::Correspondence {
        #[tracing::instrument(skip_all, fields(rpc = "ReceiveCorrespondence"))]
        async fn receive_correspondence(
            &self,
            request: Request<pb::ReceiveCorrespondenceRequest>,
        ) -> Result<Response<pb::Correspondence>, Status> {
            let (actor, r) = caller(request)?;
            let now = Utc::now();
            let id = valid_id(&r.correspondence_id, "correspondence_id")?.to_owned();
            let person = r
                .correspondent
                .ok_or_else(|| invalid_argument("correspondent", "correspondent is required"))?;
            let kind: CorrespondenceKind = enum_in(r.kind, "kind")?;
            let action = CorrespondenceAction::Receive {
                correspondence_id: id.clone(),
                kind,
                received_at: timestamp(r.receive_time, "receive_time")?,
                region: region(r.region, "region")?,
                subject: text(r.subject, "subject")?,
                personal: personal_from_pb(person, "correspondent.preferred_contact")?,
            };
            let call = Invocation::new(actor, id, r.request_id, now, now);
            self.commands.create::<Correspondence>(call, action).await
        }

        #[tracing::instrument(skip_all, fields(rpc = "GetCorrespondence"))]
        async fn get_correspondence(
            &self,
            request: Request<pb::GetCorrespondenceRequest>,
        ) -> Result<Response<pb::Correspondence>, Status> {
            let actor = &principal(&request)?.actor;
            self.commands
                .get::<Correspondence>(actor, &request.get_ref().name)
                .await
        }
    }
    mutations {
        draft_correspondence_reply: pb::DraftCorrespondenceReplyRequest = "DraftCorrespondenceReply",
        pass_to_team_leader: pb::PassToTeamLeaderRequest = "PassToTeamLeader",
        agree_correspondence_reply: pb::AgreeCorrespondenceReplyRequest = "AgreeCorrespondenceReply",
        send_to_director: pb::SendToDirectorRequest = "SendToDirector",
        record_director_signature: pb::RecordDirectorSignatureRequest = "RecordDirectorSignature",
        send_correspondence_reply: pb::SendCorrespondenceReplyRequest = "SendCorrespondenceReply",
    }
}
