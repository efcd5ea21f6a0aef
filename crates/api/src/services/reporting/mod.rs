//! `ReportingService`: the read models of `redress-projections` over gRPC, one file per
//! concern: `deadlines` (at-risk and due deadlines, R1), `watch` (the `WatchDeadlines`
//! stream), `outcomes` (timeliness, outcomes and special payments, R2-R4), `signposting`
//! (signposting gaps and ICE windows, R6), `caseload` (caseload, case-manager loads, overdue
//! feedback actions and the safeguarding queue, R7) and `systemic` (trend alerts and the
//! Systemic Log, R5). Nothing here carries personal data (SPEC P1); which team a caller may
//! report on is the access policy's ([`crate::auth::team_scope`]).

mod caseload;
mod deadlines;
mod outcomes;
mod signposting;
mod systemic;
mod watch;

use redress_projections::{ReadError, ReadModels};
use redress_store::Store;
use tonic::{Request, Response, Status};

use crate::auth::{caller, team_scope};
use crate::pb::reporting_service_server::ReportingService;
use crate::pb::{self};
use crate::services_in_force::ServicesInForce;
use crate::status;

pub use caseload::caseload_page;

#[derive(Debug, Clone)]
pub struct ReportingApi {
    /// Where the read models are queried (the primary or a read replica).
    store: Store,
    services: ServicesInForce,
}

impl ReportingApi {
    pub fn new(store: Store, services: ServicesInForce) -> Self {
        ReportingApi { store, services }
    }

    fn models(&self) -> ReadModels {
        self.services.read_models(&self.store)
    }
}

/// The message of a request and the team its report may cover (`team` names the field
/// holding the team asked for).
fn scoped<T>(
    request: Request<T>,
    team: impl FnOnce(&T) -> &str,
) -> Result<(T, Option<String>), Status> {
    let (actor, r) = caller(request)?;
    let scope = team_scope(&actor, team(&r))?;
    Ok((r, scope))
}

/// The answer to a read-model query.
fn answer<T, P>(
    result: Result<T, ReadError>,
    to_pb: impl FnOnce(T) -> P,
) -> Result<Response<P>, Status> {
    result
        .map(|v| Response::new(to_pb(v)))
        .map_err(status::from_read)
}

fn complaint_name(id: &str) -> String {
    format!("complaints/{id}")
}

/// Writes the `ReportingService` impl: each RPC, in a span naming it, handled by the
/// method of this module's concern files given after `=>`.
macro_rules! reporting_service {
    ($($rpc:literal: $method:ident($req:ty) -> $resp:ty => $by:ident;)*) => {
        #[tonic::async_trait]
        impl ReportingService for ReportingApi {
            type WatchDeadlinesStream = watch::WatchStream;
            $(
                #[tracing::instrument(skip_all, fields(rpc = $rpc))]
                async fn $method(&self, request: Request<$req>) -> Result<Response<$resp>, Status> {
                    self.$by(request).await
                }
            )*
        }
    };
}

reporting_service! {
    "ListAtRiskDeadlines": list_at_risk_deadlines(pb::ListAtRiskDeadlinesRequest)
        -> pb::ListAtRiskDeadlinesResponse => at_risk;
    "ListDeadlinesDue": list_deadlines_due(pb::ListDeadlinesDueRequest)
        -> pb::ListDeadlinesDueResponse => due;
    "GetTimelinessReport": get_timeliness_report(pb::GetTimelinessReportRequest)
        -> pb::TimelinessReport => timeliness;
    "ListOutcomeCounts": list_outcome_counts(pb::ListOutcomeCountsRequest)
        -> pb::ListOutcomeCountsResponse => outcome_counts;
    "GetSpecialPaymentsReport": get_special_payments_report(pb::GetSpecialPaymentsReportRequest)
        -> pb::SpecialPaymentsReport => special_payments;
    "ListSignpostingGaps": list_signposting_gaps(pb::ListSignpostingGapsRequest)
        -> pb::ListSignpostingGapsResponse => signposting_gaps;
    "ListIceWindows": list_ice_windows(pb::ListIceWindowsRequest)
        -> pb::ListIceWindowsResponse => ice_windows;
    "ListCaseload": list_caseload(pb::ListCaseloadRequest)
        -> pb::ListCaseloadResponse => caseload;
    "ListCaseManagerLoads": list_case_manager_loads(pb::ListCaseManagerLoadsRequest)
        -> pb::ListCaseManagerLoadsResponse => case_manager_loads;
    "ListOverdueFeedbackActions": list_overdue_feedback_actions(pb::ListOverdueFeedbackActionsRequest)
        -> pb::ListOverdueFeedbackActionsResponse => overdue_feedback_actions;
    "ListSafeguardingQueue": list_safeguarding_queue(pb::ListSafeguardingQueueRequest)
        -> pb::ListSafeguardingQueueResponse => safeguarding_queue;
    "ListTrendAlerts": list_trend_alerts(pb::ListTrendAlertsRequest)
        -> pb::ListTrendAlertsResponse => trend_alerts;
    "ListSystemicIssues": list_systemic_issues(pb::ListSystemicIssuesRequest)
        -> pb::ListSystemicIssuesResponse => systemic_issues;
    "WatchDeadlines": watch_deadlines(pb::WatchDeadlinesRequest)
        -> Self::WatchDeadlinesStream => watch;
}
