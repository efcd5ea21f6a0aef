//! Caseload and queues (SPEC R7, V1): open cases by team and case manager (also behind
//! `ListComplaints`), open cases per case manager, overdue feedback actions, and the
//! safeguarding queue.

use chrono::Utc;
use redress_domain::{ConcernKind, EscalatedTo};
use redress_projections::queries::{CaseloadEntry, Page};
use redress_projections::ReadModels;
use tonic::{Request, Response, Status};

use super::{answer, complaint_name, scoped, ReportingApi};
use crate::convert::{enum_out, name_out, optional_text, timestamp_or, timestamp_to_pb};
use crate::pb;
use crate::status;

/// One page of the open caseload of `team` (already scoped by the access policy), of one
/// case manager when `case_manager` is not empty.
pub async fn caseload_page(
    models: &ReadModels,
    team: Option<String>,
    case_manager: String,
    page_size: i32,
    page_token: &str,
) -> Result<Page<CaseloadEntry>, Status> {
    let manager = optional_text(case_manager);
    models
        .caseload(
            team.as_deref(),
            manager.as_deref(),
            u32::try_from(page_size).unwrap_or(0),
            page_token,
        )
        .await
        .map_err(status::from_read)
}

impl ReportingApi {
    pub(super) async fn caseload(
        &self,
        request: Request<pb::ListCaseloadRequest>,
    ) -> Result<Response<pb::ListCaseloadResponse>, Status> {
        let (r, team) = scoped(request, |r| &r.team)?;
        let page = caseload_page(
            &self.models(),
            team,
            r.case_manager,
            r.page_size,
            &r.page_token,
        )
        .await?;
        Ok(Response::new(pb::ListCaseloadResponse {
            entries: page
                .items
                .into_iter()
                .map(|e| pb::CaseloadEntry {
                    complaint: complaint_name(&e.complaint_id),
                    team: e.team,
                    tier: enum_out(e.tier),
                    case_manager: e.case_manager,
                    receive_time: Some(timestamp_to_pb(e.received_at)),
                    next_due_time: e.next_due.map(timestamp_to_pb),
                    next_due_kind: e.next_due_kind.map(enum_out).unwrap_or(0),
                })
                .collect(),
            next_page_token: page.next_page_token,
        }))
    }

    pub(super) async fn case_manager_loads(
        &self,
        request: Request<pb::ListCaseManagerLoadsRequest>,
    ) -> Result<Response<pb::ListCaseManagerLoadsResponse>, Status> {
        let (_, team) = scoped(request, |r| &r.team)?;
        let loads = self
            .models()
            .caseload_by_case_manager(team.as_deref())
            .await;
        answer(loads, |loads| pb::ListCaseManagerLoadsResponse {
            loads: loads
                .into_iter()
                .map(|l| pb::CaseManagerLoad {
                    case_manager: l.case_manager,
                    open_cases: l.open_cases,
                    next_due_time: l.next_due.map(timestamp_to_pb),
                })
                .collect(),
        })
    }

    pub(super) async fn overdue_feedback_actions(
        &self,
        request: Request<pb::ListOverdueFeedbackActionsRequest>,
    ) -> Result<Response<pb::ListOverdueFeedbackActionsResponse>, Status> {
        let (r, team) = scoped(request, |r| &r.to_team)?;
        let as_of = timestamp_or(r.as_of_time, Utc::now(), "as_of_time")?;
        let actions = self
            .models()
            .overdue_feedback_actions(as_of, team.as_deref())
            .await;
        answer(actions, |actions| pb::ListOverdueFeedbackActionsResponse {
            actions: actions
                .into_iter()
                .map(|a| pb::OverdueFeedbackAction {
                    complaint: complaint_name(&a.complaint_id),
                    action_id: a.action_id,
                    to_team: a.to_team,
                    tier: enum_out(a.tier),
                    due_time: Some(timestamp_to_pb(a.due)),
                })
                .collect(),
        })
    }

    pub(super) async fn safeguarding_queue(
        &self,
        request: Request<pb::ListSafeguardingQueueRequest>,
    ) -> Result<Response<pb::ListSafeguardingQueueResponse>, Status> {
        let (_, team) = scoped(request, |r| &r.team)?;
        let entries = self.models().safeguarding_queue(team.as_deref()).await;
        answer(entries, |entries| pb::ListSafeguardingQueueResponse {
            entries: entries
                .into_iter()
                .map(|e| pb::SafeguardingQueueEntry {
                    complaint: complaint_name(&e.complaint_id),
                    concern_id: e.concern_id,
                    team: e.team,
                    case_manager: e.case_manager,
                    kinds: e.kinds.iter().map(|k| name_out::<ConcernKind>(k)).collect(),
                    immediate: e.immediate,
                    escalated_to: e
                        .escalated_to
                        .iter()
                        .map(|k| name_out::<EscalatedTo>(k))
                        .collect(),
                    record_time: Some(timestamp_to_pb(e.recorded_at)),
                })
                .collect(),
        })
    }
}
