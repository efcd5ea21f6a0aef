//! `SystemicLogService`: the Systemic Log (SPEC S2) over gRPC, kept by CRT managers.

use chrono::Utc;
use redress_domain::{CommandMeta, Scope, SystemicAction, SystemicCommand, SystemicIssue};
use redress_store::Store;
use tonic::{Request, Response, Status};

use super::case_service;
use crate::auth::{caller, principal};
use crate::command::{mutation, Commands, Invocation, Resource};
use crate::convert::{date, date_to_pb, text, timestamp_or, valid_id};
use crate::pb::systemic_log_service_server::SystemicLogService;
use crate::pb::{self};
use crate::services_in_force::ServicesInForce;
use crate::status::invalid_argument;

#[derive(Debug, Clone)]
pub struct SystemicLogApi {
    commands: Commands,
}

impl SystemicLogApi {
    pub fn new(store: Store, services: ServicesInForce) -> Self {
        SystemicLogApi {
            commands: Commands::new(store, services),
        }
    }
}

mutation!(pb::LinkComplaintToIssueRequest => SystemicIssue, |r| Ok(
    SystemicAction::LinkComplaint {
        complaint_id: r.complaint_id
    }
));
mutation!(pb::AddSystemicActionRequest => SystemicIssue, |r| Ok(
    SystemicAction::AddAction {
        action_id: r.action_id,
        problem: r.problem,
        action: r.action,
        lead: r.lead,
        target_date: date(r.target_date, "target_date")?,
    }
));
mutation!(pb::RecordSystemicProgressRequest => SystemicIssue, |r| Ok(
    SystemicAction::RecordProgress {
        action_id: r.action_id,
        update: r.update,
    }
));
mutation!(pb::ResolveSystemicIssueRequest => SystemicIssue, |r| Ok(
    SystemicAction::Resolve { summary: r.summary }
));

impl Resource for SystemicIssue {
    const COLLECTION: &'static str = "systemicIssues";
    const WHAT: &'static str = "systemic issue";
    const NOT_FOUND: &'static str = "SYSTEMIC_ISSUE_NOT_FOUND";
    type Action = SystemicAction;
    type Pb = pb::SystemicIssue;

    fn command(meta: CommandMeta, action: SystemicAction) -> SystemicCommand {
        SystemicCommand { meta, action }
    }

    /// The Systemic Log holds no personal data: `with_personal` changes nothing.
    fn to_pb(&self, version: usize, _with_personal: bool) -> pb::SystemicIssue {
        pb::SystemicIssue {
            name: format!("{}/{}", Self::COLLECTION, self.id),
            etag: version.to_string(),
            team: self.team.clone(),
            resolved: self.resolved,
            linked_complaints: self
                .linked_complaints
                .iter()
                .map(|c| format!("complaints/{c}"))
                .collect(),
            actions: self
                .actions
                .iter()
                .map(|(id, a)| pb::SystemicAction {
                    action_id: id.clone(),
                    target_date: Some(date_to_pb(a.target_date)),
                    progress_updates: i32::try_from(a.updates).unwrap_or(i32::MAX),
                })
                .collect(),
        }
    }
}

case_service! {
    impl SystemicLogService for SystemicLogApi => pb::SystemicIssue {
        #[tracing::instrument(skip_all, fields(rpc = "RaiseSystemicIssue"))]
        async fn raise_systemic_issue(
            &self,
            request: Request<pb::RaiseSystemicIssueRequest>,
        ) -> Result<Response<pb::SystemicIssue>, Status> {
            let (actor, r) = caller(request)?;
            let now = Utc::now();
            let id = valid_id(&r.issue_id, "issue_id")?.to_owned();
            let scope = if r.national {
                Scope::National
            } else {
                Scope::Local {
                    team: text(r.team, "team")?,
                }
            };
            for linked in &r.linked_complaint_ids {
                valid_id(linked, "linked_complaint_ids")?;
            }
            let from_alert = if r.trend_alert_id.is_empty() {
                None
            } else {
                Some(valid_id(&r.trend_alert_id, "trend_alert_id")?.to_owned())
            };
            let action = SystemicAction::Raise {
                issue_id: id.clone(),
                scope,
                category: text(r.category, "category")?,
                linked_complaints: r.linked_complaint_ids,
                description: text(r.description, "description")?,
                from_alert,
            };
            let occurred_at = timestamp_or(r.occur_time, now, "occur_time")?;
            let call = Invocation::new(actor, id, r.request_id, occurred_at, now);
            self.commands.create::<SystemicIssue>(call, action).await
        }

        #[tracing::instrument(skip_all, fields(rpc = "GetSystemicIssue"))]
        async fn get_systemic_issue(
            &self,
            request: Request<pb::GetSystemicIssueRequest>,
        ) -> Result<Response<pb::SystemicIssue>, Status> {
            let actor = &principal(&request)?.actor;
            self.commands
                .get::<SystemicIssue>(actor, &request.get_ref().name)
                .await
        }

        #[tracing::instrument(skip_all, fields(rpc = "LinkComplaintToIssue"))]
        async fn link_complaint_to_issue(
            &self,
            request: Request<pb::LinkComplaintToIssueRequest>,
        ) -> Result<Response<pb::SystemicIssue>, Status> {
            valid_id(&request.get_ref().complaint_id, "complaint_id").map_err(|_| {
                invalid_argument("complaint_id", "complaint_id must be a complaint id")
            })?;
            self.commands.mutate(request).await
        }
    }
    mutations {
        add_systemic_action: pb::AddSystemicActionRequest = "AddSystemicAction",
        record_systemic_progress: pb::RecordSystemicProgressRequest = "RecordSystemicProgress",
        resolve_systemic_issue: pb::ResolveSystemicIssueRequest = "ResolveSystemicIssue",
    }
}
