//! `ReportingService`: the read models of `redress-projections` over gRPC, plus the
//! `WatchDeadlines` stream. Nothing here carries personal data (SPEC P1); a `crm` or
//! `crt_manager` is held to their own team.

use std::collections::HashMap;
use std::pin::Pin;
use std::time::Duration;

use chrono::{DateTime, Timelike, Utc};
use redress_calendar::Region;
use redress_domain::{Actor, Role, Tier};
use redress_projections::queries::{
    AtRiskRequest, DeadlineFilter, DeadlineView, DueBetweenRequest, PaymentsRequest,
    TimelinessRequest,
};
use redress_projections::{ReadError, ReadModels};
use redress_store::Store;
use tokio_stream::Stream;
use tonic::{Request, Response, Status};

use crate::convert::{date, optional_text, timestamp, timestamp_or, timestamp_to_pb};
use crate::gate::principal;
use crate::pb::reporting_service_server::ReportingService;
use crate::pb::{self};
use crate::services_in_force::ServicesInForce;
use crate::status::{self, invalid_argument};
use crate::{pb_enum_in, pb_enum_out};

#[derive(Debug, Clone)]
pub struct ReportingApi {
    store: Store,
    services: ServicesInForce,
}

/// The protobuf number of a snake_case name (`prefix` + NAME), 0 when unknown.
fn named(prefix: &str, name: &str, from_name: fn(&str) -> Option<i32>) -> i32 {
    from_name(&format!("{prefix}{}", name.to_ascii_uppercase())).unwrap_or(0)
}

pub fn read_error(err: ReadError) -> Status {
    match err {
        ReadError::InvalidPageToken => {
            invalid_argument("page_token", "page_token is not one this server issued")
        }
        ReadError::InvalidArgument(m) => invalid_argument("request", m),
        other => {
            tracing::error!(error = %other, "read model query failed");
            status::internal("the reporting store is unavailable")
        }
    }
}

/// The team a caller may query: tier-1 roles only their own.
pub fn team_scope(actor: &Actor, requested: &str) -> Result<Option<String>, Status> {
    let requested = optional_text(requested.to_owned());
    if matches!(actor.role, Role::Crm | Role::CrtManager) {
        if let Some(t) = &requested {
            if *t != actor.team {
                return Err(status::permission_denied(
                    "NOT_YOUR_TEAM",
                    format!("you may only report on your own team ({})", actor.team),
                ));
            }
        }
        return Ok(Some(actor.team.clone()));
    }
    Ok(requested)
}

fn tier_filter(value: i32) -> Result<Option<Tier>, Status> {
    if value == 0 {
        return Ok(None);
    }
    pb_enum_in!(pb::Tier, "TIER_", value, "tier").map(Some)
}

fn deadline_filter(team: Option<String>, case_manager: &str, tier: Option<Tier>) -> DeadlineFilter {
    match (team, optional_text(case_manager.to_owned()), tier) {
        (_, Some(m), _) => DeadlineFilter::CaseManager(m),
        (Some(t), None, _) => DeadlineFilter::Team(t),
        (None, None, Some(t)) => DeadlineFilter::Tier(t),
        (None, None, None) => DeadlineFilter::All,
    }
}

fn complaint_name(id: &str) -> String {
    format!("complaints/{id}")
}

pub fn deadline_to_pb(d: &DeadlineView) -> pb::Deadline {
    pb::Deadline {
        complaint: complaint_name(&d.complaint_id),
        kind: pb_enum_out!(pb::DeadlineKind, "DEADLINE_KIND_", d.kind),
        tier: pb_enum_out!(pb::Tier, "TIER_", d.tier),
        reference: d.reference.clone(),
        due_time: Some(timestamp_to_pb(d.due)),
        done_time: d.done.map(timestamp_to_pb),
        region: d
            .region
            .parse::<Region>()
            .map(|r| crate::convert::region_to_pb(r) as i32)
            .unwrap_or(0),
        team: d.team.clone(),
        to_team: d.to_team.clone().unwrap_or_default(),
        case_manager: d.case_manager.clone(),
        categories: d.categories.clone(),
        status: pb_enum_out!(pb::DeadlineStatus, "DEADLINE_STATUS_", d.status),
    }
}

impl ReportingApi {
    pub fn new(store: Store, services: ServicesInForce) -> Self {
        ReportingApi { store, services }
    }

    fn models(&self) -> ReadModels {
        let services = self.services.current();
        ReadModels::new(
            self.store.clone(),
            services.policies.clone(),
            services.calendars.clone(),
        )
    }
}

type WatchStream =
    Pin<Box<dyn Stream<Item = Result<pb::WatchDeadlinesResponse, Status>> + Send + 'static>>;

#[tonic::async_trait]
impl ReportingService for ReportingApi {
    #[tracing::instrument(skip_all, fields(rpc = "ListAtRiskDeadlines"))]
    async fn list_at_risk_deadlines(
        &self,
        request: Request<pb::ListAtRiskDeadlinesRequest>,
    ) -> Result<Response<pb::ListAtRiskDeadlinesResponse>, Status> {
        let actor = principal(&request)?.actor.clone();
        let r = request.into_inner();
        let team = team_scope(&actor, &r.team)?;
        let req = AtRiskRequest {
            as_of: timestamp_or(r.as_of_time, Utc::now(), "as_of_time")?,
            filter: deadline_filter(team, &r.case_manager, tier_filter(r.tier)?),
            page_size: u32::try_from(r.page_size).unwrap_or(0),
            page_token: r.page_token,
        };
        let page = self
            .models()
            .deadlines_at_risk(&req)
            .await
            .map_err(read_error)?;
        Ok(Response::new(pb::ListAtRiskDeadlinesResponse {
            deadlines: page.items.iter().map(deadline_to_pb).collect(),
            next_page_token: page.next_page_token,
        }))
    }

    #[tracing::instrument(skip_all, fields(rpc = "ListDeadlinesDue"))]
    async fn list_deadlines_due(
        &self,
        request: Request<pb::ListDeadlinesDueRequest>,
    ) -> Result<Response<pb::ListDeadlinesDueResponse>, Status> {
        let actor = principal(&request)?.actor.clone();
        let r = request.into_inner();
        let team = team_scope(&actor, &r.team)?;
        let req = DueBetweenRequest {
            from: timestamp(r.start_time, "start_time")?,
            to: timestamp(r.end_time, "end_time")?,
            as_of: timestamp_or(r.as_of_time, Utc::now(), "as_of_time")?,
            filter: deadline_filter(team, &r.case_manager, tier_filter(r.tier)?),
            page_size: u32::try_from(r.page_size).unwrap_or(0),
            page_token: r.page_token,
        };
        let page = self
            .models()
            .deadlines_due_between(&req)
            .await
            .map_err(read_error)?;
        Ok(Response::new(pb::ListDeadlinesDueResponse {
            deadlines: page.items.iter().map(deadline_to_pb).collect(),
            next_page_token: page.next_page_token,
        }))
    }

    #[tracing::instrument(skip_all, fields(rpc = "GetTimelinessReport"))]
    async fn get_timeliness_report(
        &self,
        request: Request<pb::GetTimelinessReportRequest>,
    ) -> Result<Response<pb::TimelinessReport>, Status> {
        let actor = principal(&request)?.actor.clone();
        let r = request.into_inner();
        let req = TimelinessRequest {
            from: date(r.start_date, "start_date")?,
            to: date(r.end_date, "end_date")?,
            team: team_scope(&actor, &r.team)?,
            tier: tier_filter(r.tier)?,
        };
        let t = self.models().timeliness(&req).await.map_err(read_error)?;
        Ok(Response::new(pb::TimelinessReport {
            initial_contacts: t.initial_contacts,
            initial_contacts_within_target: t.initial_contacts_within_48h,
            initial_contact_share: t.initial_contact_share,
            responses: t.responses,
            responses_within_target: t.responses_within_target,
            response_share: t.response_share,
            outcomes: t
                .outcomes
                .iter()
                .map(|(o, n)| pb::OutcomeTally {
                    outcome: named("OUTCOME_", o, |n| {
                        pb::Outcome::from_str_name(n).map(|e| e as i32)
                    }),
                    count: *n,
                })
                .collect(),
            tier1_responses: t.tier1_responses,
            tier1_escalated: t.tier1_escalated,
            escalation_rate: t.escalation_rate,
        }))
    }

    #[tracing::instrument(skip_all, fields(rpc = "ListOutcomeCounts"))]
    async fn list_outcome_counts(
        &self,
        request: Request<pb::ListOutcomeCountsRequest>,
    ) -> Result<Response<pb::ListOutcomeCountsResponse>, Status> {
        let actor = principal(&request)?.actor.clone();
        let r = request.into_inner();
        let team = team_scope(&actor, &r.team)?;
        let counts = self
            .models()
            .outcomes_by_category(
                date(r.start_date, "start_date")?,
                date(r.end_date, "end_date")?,
                team.as_deref(),
            )
            .await
            .map_err(read_error)?;
        Ok(Response::new(pb::ListOutcomeCountsResponse {
            counts: counts
                .into_iter()
                .map(|c| pb::OutcomeCount {
                    category: c.category,
                    tier: pb_enum_out!(pb::Tier, "TIER_", c.tier),
                    outcome: named("OUTCOME_", &c.outcome, |n| {
                        pb::Outcome::from_str_name(n).map(|e| e as i32)
                    }),
                    count: c.count,
                })
                .collect(),
        }))
    }

    #[tracing::instrument(skip_all, fields(rpc = "GetSpecialPaymentsReport"))]
    async fn get_special_payments_report(
        &self,
        request: Request<pb::GetSpecialPaymentsReportRequest>,
    ) -> Result<Response<pb::SpecialPaymentsReport>, Status> {
        let actor = principal(&request)?.actor.clone();
        let r = request.into_inner();
        let req = PaymentsRequest {
            from: r
                .start_time
                .map(|t| timestamp(Some(t), "start_time"))
                .transpose()?,
            to: r
                .end_time
                .map(|t| timestamp(Some(t), "end_time"))
                .transpose()?,
            team: team_scope(&actor, &r.team)?,
        };
        let p = self
            .models()
            .special_payments(&req)
            .await
            .map_err(read_error)?;
        Ok(Response::new(pb::SpecialPaymentsReport {
            totals: p
                .totals
                .into_iter()
                .map(|t| pb::SpecialPaymentTotal {
                    kind: named("PAYMENT_KIND_", &t.kind, |n| {
                        pb::PaymentKind::from_str_name(n).map(|e| e as i32)
                    }),
                    decided_by: t.decided_by,
                    state: t.state,
                    count: t.count,
                    requested_pence: t.requested_pence,
                    amount_pence: t.amount_pence,
                })
                .collect(),
            pending_spt_count: p.pending_spt_count,
            pending_spt_requested_pence: p.pending_spt_requested_pence,
        }))
    }

    #[tracing::instrument(skip_all, fields(rpc = "ListSignpostingGaps"))]
    async fn list_signposting_gaps(
        &self,
        request: Request<pb::ListSignpostingGapsRequest>,
    ) -> Result<Response<pb::ListSignpostingGapsResponse>, Status> {
        let actor = principal(&request)?.actor.clone();
        let r = request.into_inner();
        let team = team_scope(&actor, &r.team)?;
        let page = self
            .models()
            .signposting_gaps(
                team.as_deref(),
                u32::try_from(r.page_size).unwrap_or(0),
                &r.page_token,
            )
            .await
            .map_err(read_error)?;
        Ok(Response::new(pb::ListSignpostingGapsResponse {
            gaps: page
                .items
                .into_iter()
                .map(|g| pb::SignpostingGap {
                    complaint: complaint_name(&g.complaint_id),
                    tier: pb_enum_out!(pb::Tier, "TIER_", g.tier),
                    team: g.team,
                    case_manager: g.case_manager,
                    outcome_communicated_time: Some(timestamp_to_pb(g.outcome_communicated_at)),
                })
                .collect(),
            next_page_token: page.next_page_token,
        }))
    }

    #[tracing::instrument(skip_all, fields(rpc = "ListIceWindows"))]
    async fn list_ice_windows(
        &self,
        request: Request<pb::ListIceWindowsRequest>,
    ) -> Result<Response<pb::ListIceWindowsResponse>, Status> {
        let actor = principal(&request)?.actor.clone();
        let r = request.into_inner();
        let team = team_scope(&actor, &r.team)?;
        let windows = self
            .models()
            .ice_windows(Utc::now(), r.open_only, team.as_deref())
            .await
            .map_err(read_error)?;
        Ok(Response::new(pb::ListIceWindowsResponse {
            windows: windows
                .into_iter()
                .map(|w| pb::IceWindow {
                    complaint: complaint_name(&w.complaint_id),
                    tier: pb_enum_out!(pb::Tier, "TIER_", w.tier),
                    team: w.team,
                    signpost_time: Some(timestamp_to_pb(w.signposted_at)),
                    window_end_time: Some(timestamp_to_pb(w.window_ends)),
                    ice_referral_time: w.referred_to_ice_at.map(timestamp_to_pb),
                    open: w.open,
                })
                .collect(),
        }))
    }

    #[tracing::instrument(skip_all, fields(rpc = "ListCaseload"))]
    async fn list_caseload(
        &self,
        request: Request<pb::ListCaseloadRequest>,
    ) -> Result<Response<pb::ListCaseloadResponse>, Status> {
        let actor = principal(&request)?.actor.clone();
        let r = request.into_inner();
        let team = team_scope(&actor, &r.team)?;
        let manager = optional_text(r.case_manager);
        let page = self
            .models()
            .caseload(
                team.as_deref(),
                manager.as_deref(),
                u32::try_from(r.page_size).unwrap_or(0),
                &r.page_token,
            )
            .await
            .map_err(read_error)?;
        Ok(Response::new(pb::ListCaseloadResponse {
            entries: page
                .items
                .into_iter()
                .map(|e| pb::CaseloadEntry {
                    complaint: complaint_name(&e.complaint_id),
                    team: e.team,
                    tier: pb_enum_out!(pb::Tier, "TIER_", e.tier),
                    case_manager: e.case_manager,
                    receive_time: Some(timestamp_to_pb(e.received_at)),
                    next_due_time: e.next_due.map(timestamp_to_pb),
                    next_due_kind: e
                        .next_due_kind
                        .map(|k| pb_enum_out!(pb::DeadlineKind, "DEADLINE_KIND_", k))
                        .unwrap_or(0),
                })
                .collect(),
            next_page_token: page.next_page_token,
        }))
    }

    #[tracing::instrument(skip_all, fields(rpc = "ListCaseManagerLoads"))]
    async fn list_case_manager_loads(
        &self,
        request: Request<pb::ListCaseManagerLoadsRequest>,
    ) -> Result<Response<pb::ListCaseManagerLoadsResponse>, Status> {
        let actor = principal(&request)?.actor.clone();
        let team = team_scope(&actor, &request.get_ref().team)?;
        let loads = self
            .models()
            .caseload_by_case_manager(team.as_deref())
            .await
            .map_err(read_error)?;
        Ok(Response::new(pb::ListCaseManagerLoadsResponse {
            loads: loads
                .into_iter()
                .map(|l| pb::CaseManagerLoad {
                    case_manager: l.case_manager,
                    open_cases: l.open_cases,
                    next_due_time: l.next_due.map(timestamp_to_pb),
                })
                .collect(),
        }))
    }

    #[tracing::instrument(skip_all, fields(rpc = "ListOverdueFeedbackActions"))]
    async fn list_overdue_feedback_actions(
        &self,
        request: Request<pb::ListOverdueFeedbackActionsRequest>,
    ) -> Result<Response<pb::ListOverdueFeedbackActionsResponse>, Status> {
        let actor = principal(&request)?.actor.clone();
        let r = request.into_inner();
        let team = team_scope(&actor, &r.to_team)?;
        let as_of = timestamp_or(r.as_of_time, Utc::now(), "as_of_time")?;
        let actions = self
            .models()
            .overdue_feedback_actions(as_of, team.as_deref())
            .await
            .map_err(read_error)?;
        Ok(Response::new(pb::ListOverdueFeedbackActionsResponse {
            actions: actions
                .into_iter()
                .map(|a| pb::OverdueFeedbackAction {
                    complaint: complaint_name(&a.complaint_id),
                    action_id: a.action_id,
                    to_team: a.to_team,
                    tier: pb_enum_out!(pb::Tier, "TIER_", a.tier),
                    due_time: Some(timestamp_to_pb(a.due)),
                })
                .collect(),
        }))
    }

    #[tracing::instrument(skip_all, fields(rpc = "ListSafeguardingQueue"))]
    async fn list_safeguarding_queue(
        &self,
        request: Request<pb::ListSafeguardingQueueRequest>,
    ) -> Result<Response<pb::ListSafeguardingQueueResponse>, Status> {
        let actor = principal(&request)?.actor.clone();
        let team = team_scope(&actor, &request.get_ref().team)?;
        let entries = self
            .models()
            .safeguarding_queue(team.as_deref())
            .await
            .map_err(read_error)?;
        Ok(Response::new(pb::ListSafeguardingQueueResponse {
            entries: entries
                .into_iter()
                .map(|e| pb::SafeguardingQueueEntry {
                    complaint: complaint_name(&e.complaint_id),
                    concern_id: e.concern_id,
                    team: e.team,
                    case_manager: e.case_manager,
                    kinds: e
                        .kinds
                        .iter()
                        .map(|k| {
                            named("CONCERN_KIND_", k, |n| {
                                pb::ConcernKind::from_str_name(n).map(|e| e as i32)
                            })
                        })
                        .collect(),
                    immediate: e.immediate,
                    escalated_to: e
                        .escalated_to
                        .iter()
                        .map(|k| {
                            named("ESCALATED_TO_", k, |n| {
                                pb::EscalatedTo::from_str_name(n).map(|e| e as i32)
                            })
                        })
                        .collect(),
                    record_time: Some(timestamp_to_pb(e.recorded_at)),
                })
                .collect(),
        }))
    }

    #[tracing::instrument(skip_all, fields(rpc = "ListTrendAlerts"))]
    async fn list_trend_alerts(
        &self,
        request: Request<pb::ListTrendAlertsRequest>,
    ) -> Result<Response<pb::ListTrendAlertsResponse>, Status> {
        principal(&request)?;
        let r = request.into_inner();
        let category = optional_text(r.category);
        let alerts = self
            .models()
            .trend_alerts(Utc::now(), r.open_only, category.as_deref())
            .await
            .map_err(read_error)?;
        Ok(Response::new(pb::ListTrendAlertsResponse {
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
        }))
    }

    #[tracing::instrument(skip_all, fields(rpc = "ListSystemicIssues"))]
    async fn list_systemic_issues(
        &self,
        request: Request<pb::ListSystemicIssuesRequest>,
    ) -> Result<Response<pb::ListSystemicIssuesResponse>, Status> {
        principal(&request)?;
        let r = request.into_inner();
        let team = optional_text(r.team);
        let issues = self
            .models()
            .systemic_issues(team.as_deref(), r.open_only)
            .await
            .map_err(read_error)?;
        Ok(Response::new(pb::ListSystemicIssuesResponse {
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
        }))
    }

    type WatchDeadlinesStream = WatchStream;

    #[tracing::instrument(skip_all, fields(rpc = "WatchDeadlines"))]
    async fn watch_deadlines(
        &self,
        request: Request<pb::WatchDeadlinesRequest>,
    ) -> Result<Response<Self::WatchDeadlinesStream>, Status> {
        let actor = principal(&request)?.actor.clone();
        let r = request.into_inner();
        let team = team_scope(&actor, &r.team)?
            .ok_or_else(|| invalid_argument("team", "team is required"))?;
        let interval = Duration::from_secs(u64::try_from(r.interval_seconds).unwrap_or(0).max(1));
        let interval = if r.interval_seconds == 0 {
            Duration::from_secs(60)
        } else {
            interval
        };
        let (tx, rx) = tokio::sync::mpsc::channel(64);
        let api = self.clone();
        tokio::spawn(async move {
            watch(api, team, interval, r.any_time, tx).await;
        });
        Ok(Response::new(Box::pin(
            tokio_stream::wrappers::ReceiverStream::new(rx),
        )))
    }
}

/// Working hours for notifications: 09:00-17:00 Europe/London on a working day of the region.
pub fn within_working_hours(
    services: &ServicesInForce,
    region: Region,
    now: DateTime<Utc>,
) -> bool {
    let local = now.with_timezone(&chrono_tz::Europe::London);
    let day = local.date_naive();
    services.calendars().get(region).is_working_day(day) && (9..17).contains(&local.hour())
}

type DeadlineKey = (String, String, String, String);

fn key(d: &DeadlineView) -> DeadlineKey {
    (
        d.complaint_id.clone(),
        format!("{:?}", d.kind),
        format!("{:?}", d.tier),
        d.reference.clone(),
    )
}

/// Re-evaluates the team's at-risk and breached deadlines every `interval` (so changes
/// that happen with time alone are seen) and sends each status change once, holding it
/// until working hours unless `any_time`. Ends when the client goes away.
async fn watch(
    api: ReportingApi,
    team: String,
    interval: Duration,
    any_time: bool,
    tx: tokio::sync::mpsc::Sender<Result<pb::WatchDeadlinesResponse, Status>>,
) {
    let mut seen: HashMap<DeadlineKey, i32> = HashMap::new();
    loop {
        let now = Utc::now();
        let mut token = String::new();
        let mut current: Vec<DeadlineView> = Vec::new();
        loop {
            let req = AtRiskRequest {
                as_of: now,
                filter: DeadlineFilter::Team(team.clone()),
                page_size: 1000,
                page_token: token.clone(),
            };
            match api.models().deadlines_at_risk(&req).await {
                Ok(page) => {
                    current.extend(page.items);
                    if page.next_page_token.is_empty() {
                        break;
                    }
                    token = page.next_page_token;
                }
                Err(e) => {
                    tracing::warn!(error = %e, "watch query failed; retrying next interval");
                    break;
                }
            }
        }
        for d in &current {
            let status = pb_enum_out!(pb::DeadlineStatus, "DEADLINE_STATUS_", d.status);
            let k = key(d);
            let previous = seen.get(&k).copied().unwrap_or(0);
            if previous == status {
                continue;
            }
            let region = d.region.parse().unwrap_or(Region::EnglandAndWales);
            if !any_time && !within_working_hours(&api.services, region, now) {
                continue;
            }
            seen.insert(k, status);
            let change = pb::WatchDeadlinesResponse {
                deadline: Some(deadline_to_pb(d)),
                previous_status: previous,
                observe_time: Some(timestamp_to_pb(now)),
            };
            if tx.send(Ok(change)).await.is_err() {
                return;
            }
        }
        tokio::select! {
            () = tokio::time::sleep(interval) => {}
            () = tx.closed() => return,
        }
    }
}
