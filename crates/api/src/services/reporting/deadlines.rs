//! Deadlines (SPEC R1): the at-risk and breached deadlines as of an instant, and the
//! deadlines due in a period, for a team, a case manager or a tier.

use chrono::Utc;
use redress_calendar::Region;
use redress_domain::Tier;
use redress_projections::queries::{
    AtRiskRequest, DeadlineFilter, DeadlineView, DueBetweenRequest,
};
use tonic::{Request, Response, Status};

use super::{answer, complaint_name, scoped, ReportingApi};
use crate::convert::{
    enum_out, optional_enum_in, optional_text, region_to_pb, timestamp, timestamp_or,
    timestamp_to_pb,
};
use crate::pb;

/// The narrowest filter asked for: a case manager, else a team, else a tier, else all.
fn deadline_filter(team: Option<String>, case_manager: &str, tier: Option<Tier>) -> DeadlineFilter {
    match (team, optional_text(case_manager.to_owned()), tier) {
        (_, Some(m), _) => DeadlineFilter::CaseManager(m),
        (Some(t), None, _) => DeadlineFilter::Team(t),
        (None, None, Some(t)) => DeadlineFilter::Tier(t),
        (None, None, None) => DeadlineFilter::All,
    }
}

pub(super) fn deadline_to_pb(d: &DeadlineView) -> pb::Deadline {
    pb::Deadline {
        complaint: complaint_name(&d.complaint_id),
        kind: enum_out(d.kind),
        tier: enum_out(d.tier),
        reference: d.reference.clone(),
        due_time: Some(timestamp_to_pb(d.due)),
        done_time: d.done.map(timestamp_to_pb),
        region: d
            .region
            .parse::<Region>()
            .map(|r| region_to_pb(r) as i32)
            .unwrap_or(0),
        team: d.team.clone(),
        to_team: d.to_team.clone().unwrap_or_default(),
        case_manager: d.case_manager.clone(),
        categories: d.categories.clone(),
        status: enum_out(d.status),
    }
}

impl ReportingApi {
    pub(super) async fn at_risk(
        &self,
        request: Request<pb::ListAtRiskDeadlinesRequest>,
    ) -> Result<Response<pb::ListAtRiskDeadlinesResponse>, Status> {
        let (r, team) = scoped(request, |r| &r.team)?;
        let req = AtRiskRequest {
            as_of: timestamp_or(r.as_of_time, Utc::now(), "as_of_time")?,
            filter: deadline_filter(team, &r.case_manager, optional_enum_in(r.tier, "tier")?),
            page_size: u32::try_from(r.page_size).unwrap_or(0),
            page_token: r.page_token,
        };
        answer(self.models().deadlines_at_risk(&req).await, |page| {
            pb::ListAtRiskDeadlinesResponse {
                deadlines: page.items.iter().map(deadline_to_pb).collect(),
                next_page_token: page.next_page_token,
            }
        })
    }

    pub(super) async fn due(
        &self,
        request: Request<pb::ListDeadlinesDueRequest>,
    ) -> Result<Response<pb::ListDeadlinesDueResponse>, Status> {
        let (r, team) = scoped(request, |r| &r.team)?;
        let req = DueBetweenRequest {
            from: timestamp(r.start_time, "start_time")?,
            to: timestamp(r.end_time, "end_time")?,
            as_of: timestamp_or(r.as_of_time, Utc::now(), "as_of_time")?,
            filter: deadline_filter(team, &r.case_manager, optional_enum_in(r.tier, "tier")?),
            page_size: u32::try_from(r.page_size).unwrap_or(0),
            page_token: r.page_token,
        };
        answer(self.models().deadlines_due_between(&req).await, |page| {
            pb::ListDeadlinesDueResponse {
                deadlines: page.items.iter().map(deadline_to_pb).collect(),
                next_page_token: page.next_page_token,
            }
        })
    }
}
