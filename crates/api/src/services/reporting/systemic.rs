//! Systemic issues (SPEC R5, S1-S2): trend alerts with their complaints, and the Systemic
//! Log with its actions and progress. Neither is scoped to a team: the access table limits
//! both to managers and reporting.

use chrono::Utc;
use tonic::{Request, Response, Status};

use super::{answer, complaint_name, ReportingApi};
use crate::auth::caller;
use crate::convert::{optional_text, timestamp_to_pb};
use crate::pb;

impl ReportingApi {
    pub(super) async fn trend_alerts(
        &self,
        request: Request<pb::ListTrendAlertsRequest>,
    ) -> Result<Response<pb::ListTrendAlertsResponse>, Status> {
        let (_, r) = caller(request)?;
        let category = optional_text(r.category);
        let alerts = self
            .models()
            .trend_alerts(Utc::now(), r.open_only, category.as_deref())
            .await;
        answer(alerts, |alerts| pb::ListTrendAlertsResponse {
            alerts: alerts
                .into_iter()
                .map(|a| pb::TrendAlert {
                    alert_id: a.alert_id,
                    category: a.category,
                    scope: a.scope,
                    team: a.team,
                    raise_time: Some(timestamp_to_pb(a.raised_at)),
                    expire_time: Some(timestamp_to_pb(a.expires)),
                    open: a.open,
                    systemic_issue: a
                        .issue_id
                        .map(|i| format!("systemicIssues/{i}"))
                        .unwrap_or_default(),
                    complaints: a.complaints.iter().map(|c| complaint_name(c)).collect(),
                })
                .collect(),
        })
    }

    pub(super) async fn systemic_issues(
        &self,
        request: Request<pb::ListSystemicIssuesRequest>,
    ) -> Result<Response<pb::ListSystemicIssuesResponse>, Status> {
        let (_, r) = caller(request)?;
        let team = optional_text(r.team);
        let issues = self
            .models()
            .systemic_issues(team.as_deref(), r.open_only)
            .await;
        answer(issues, |issues| pb::ListSystemicIssuesResponse {
            issues: issues
                .into_iter()
                .map(|i| pb::SystemicIssueView {
                    name: format!("systemicIssues/{}", i.issue_id),
                    team: i.team,
                    scope: i.scope,
                    scope_team: i.scope_team,
                    category: i.category,
                    description: i.description,
                    trend_alert_id: i.from_alert.unwrap_or_default(),
                    status: i.status,
                    raise_time: Some(timestamp_to_pb(i.raised_at)),
                    resolve_time: i.resolved_at.map(timestamp_to_pb),
                    resolution: i.resolution.unwrap_or_default(),
                    complaints: i.complaints.iter().map(|c| complaint_name(c)).collect(),
                    actions: i
                        .actions
                        .into_iter()
                        .map(|a| pb::SystemicActionView {
                            action_id: a.action_id,
                            problem: a.problem,
                            action: a.action,
                            lead: a.lead,
                            date_added: a.date_added,
                            target_date: a.target_date,
                            progress: a
                                .progress
                                .into_iter()
                                .map(|p| pb::SystemicProgress {
                                    record_time: Some(timestamp_to_pb(p.at)),
                                    update: p.update,
                                })
                                .collect(),
                        })
                        .collect(),
                })
                .collect(),
        })
    }
}
