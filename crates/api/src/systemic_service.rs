//! `SystemicLogService`: the Systemic Log (SPEC S2) over gRPC, kept by CRT managers.

use chrono::Utc;
use redress_domain::{CommandMeta, Scope, SystemicAction, SystemicCommand, SystemicIssue};
use tonic::{Request, Response, Status};

use crate::convert::{date, date_to_pb, resource_id, text, timestamp_or, valid_id};
use crate::execute::{execute, load, Invocation};
use crate::gate::principal;
use crate::mutation;
use crate::mutation::{prepare, Mutation};
use crate::pb::systemic_log_service_server::SystemicLogService;
use crate::pb::{self};
use crate::services_in_force::ServicesInForce;
use crate::status::{self, invalid_argument};

const COLLECTION: &str = "systemicIssues";

#[derive(Debug, Clone)]
pub struct SystemicLogApi {
    store: redress_store::Store,
    services: ServicesInForce,
}

mutation!(pb::LinkComplaintToIssueRequest => SystemicAction, |r| Ok(
    SystemicAction::LinkComplaint {
        complaint_id: r.complaint_id
    }
));
mutation!(pb::AddSystemicActionRequest => SystemicAction, |r| Ok(
    SystemicAction::AddAction {
        action_id: r.action_id,
        problem: r.problem,
        action: r.action,
        lead: r.lead,
        target_date: date(r.target_date, "target_date")?,
    }
));
mutation!(pb::RecordSystemicProgressRequest => SystemicAction, |r| Ok(
    SystemicAction::RecordProgress {
        action_id: r.action_id,
        update: r.update,
    }
));
mutation!(pb::ResolveSystemicIssueRequest => SystemicAction, |r| Ok(
    SystemicAction::Resolve { summary: r.summary }
));

pub fn issue_to_pb(issue: &SystemicIssue, version: usize) -> pb::SystemicIssue {
    pb::SystemicIssue {
        name: format!("{COLLECTION}/{}", issue.id),
        etag: version.to_string(),
        team: issue.team.clone(),
        resolved: issue.resolved,
        linked_complaints: issue
            .linked_complaints
            .iter()
            .map(|c| format!("complaints/{c}"))
            .collect(),
        actions: issue
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

impl SystemicLogApi {
    pub fn new(store: redress_store::Store, services: ServicesInForce) -> Self {
        SystemicLogApi { store, services }
    }

    async fn run(
        &self,
        call: Invocation<'_>,
        occurred_at: chrono::DateTime<Utc>,
        action: SystemicAction,
    ) -> Result<Response<pb::SystemicIssue>, Status> {
        let command = SystemicCommand {
            meta: CommandMeta::new(call.actor.clone(), occurred_at, call.now),
            action,
        };
        let (issue, version) =
            execute::<SystemicIssue>(&self.store, &self.services, call, command).await?;
        Ok(Response::new(issue_to_pb(&issue, version)))
    }

    async fn mutate<M: Mutation<Action = SystemicAction>>(
        &self,
        request: Request<M>,
    ) -> Result<Response<pb::SystemicIssue>, Status> {
        let (p, action) = prepare(request, COLLECTION)?;
        self.run(p.invocation(COLLECTION), p.occurred_at, action)
            .await
    }
}

#[tonic::async_trait]
impl SystemicLogService for SystemicLogApi {
    #[tracing::instrument(skip_all, fields(rpc = "RaiseSystemicIssue"))]
    async fn raise_systemic_issue(
        &self,
        request: Request<pb::RaiseSystemicIssueRequest>,
    ) -> Result<Response<pb::SystemicIssue>, Status> {
        let actor = principal(&request)?.actor.clone();
        let r = request.into_inner();
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
        let call = Invocation {
            actor: &actor,
            collection: COLLECTION,
            id: &id,
            request_id: &r.request_id,
            expected: None,
            now,
        };
        self.run(call, occurred_at, action).await
    }

    #[tracing::instrument(skip_all, fields(rpc = "GetSystemicIssue"))]
    async fn get_systemic_issue(
        &self,
        request: Request<pb::GetSystemicIssueRequest>,
    ) -> Result<Response<pb::SystemicIssue>, Status> {
        principal(&request)?;
        let id = resource_id(&request.get_ref().name, COLLECTION, "name")?.to_owned();
        let (issue, version) = load::<SystemicIssue>(&self.store, &id).await?;
        if version == 0 {
            return Err(status::not_found(
                "SYSTEMIC_ISSUE_NOT_FOUND",
                format!("there is no systemic issue {COLLECTION}/{id}"),
            ));
        }
        Ok(Response::new(issue_to_pb(&issue, version)))
    }

    #[tracing::instrument(skip_all, fields(rpc = "LinkComplaintToIssue"))]
    async fn link_complaint_to_issue(
        &self,
        request: Request<pb::LinkComplaintToIssueRequest>,
    ) -> Result<Response<pb::SystemicIssue>, Status> {
        valid_id(&request.get_ref().complaint_id, "complaint_id")
            .map_err(|_| invalid_argument("complaint_id", "complaint_id must be a complaint id"))?;
        self.mutate(request).await
    }

    #[tracing::instrument(skip_all, fields(rpc = "AddSystemicAction"))]
    async fn add_systemic_action(
        &self,
        request: Request<pb::AddSystemicActionRequest>,
    ) -> Result<Response<pb::SystemicIssue>, Status> {
        self.mutate(request).await
    }

    #[tracing::instrument(skip_all, fields(rpc = "RecordSystemicProgress"))]
    async fn record_systemic_progress(
        &self,
        request: Request<pb::RecordSystemicProgressRequest>,
    ) -> Result<Response<pb::SystemicIssue>, Status> {
        self.mutate(request).await
    }

    #[tracing::instrument(skip_all, fields(rpc = "ResolveSystemicIssue"))]
    async fn resolve_systemic_issue(
        &self,
        request: Request<pb::ResolveSystemicIssueRequest>,
    ) -> Result<Response<pb::SystemicIssue>, Status> {
        self.mutate(request).await
    }
}
