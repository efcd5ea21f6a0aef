//! Signposting (SPEC R6): complaints whose outcome was communicated without signposting (a
//! gap), and the customers' windows to go to the Independent Case Examiner.

use chrono::Utc;
use tonic::{Request, Response, Status};

use super::{answer, complaint_name, scoped, ReportingApi};
use crate::convert::{enum_out, timestamp_to_pb};
use crate::pb;

impl ReportingApi {
    pub(super) async fn signposting_gaps(
        &self,
        request: Request<pb::ListSignpostingGapsRequest>,
    ) -> Result<Response<pb::ListSignpostingGapsResponse>, Status> {
        let (r, team) = scoped(request, |r| &r.team)?;
        let page = self
            .models()
            .signposting_gaps(
                team.as_deref(),
                u32::try_from(r.page_size).unwrap_or(0),
                &r.page_token,
            )
            .await;
        answer(page, |page| pb::ListSignpostingGapsResponse {
            gaps: page
                .items
                .into_iter()
                .map(|g| pb::SignpostingGap {
                    complaint: complaint_name(&g.complaint_id),
                    tier: enum_out(g.tier),
                    team: g.team,
                    case_manager: g.case_manager,
                    outcome_communicated_time: Some(timestamp_to_pb(g.outcome_communicated_at)),
                })
                .collect(),
            next_page_token: page.next_page_token,
        })
    }

    pub(super) async fn ice_windows(
        &self,
        request: Request<pb::ListIceWindowsRequest>,
    ) -> Result<Response<pb::ListIceWindowsResponse>, Status> {
        let (r, team) = scoped(request, |r| &r.team)?;
        let windows = self
            .models()
            .ice_windows(Utc::now(), r.open_only, team.as_deref())
            .await;
        answer(windows, |windows| pb::ListIceWindowsResponse {
            windows: windows
                .into_iter()
                .map(|w| pb::IceWindow {
                    complaint: complaint_name(&w.complaint_id),
                    tier: enum_out(w.tier),
                    team: w.team,
                    signpost_time: Some(timestamp_to_pb(w.signposted_at)),
                    window_end_time: Some(timestamp_to_pb(w.window_ends)),
                    ice_referral_time: w.referred_to_ice_at.map(timestamp_to_pb),
                    open: w.open,
                })
                .collect(),
        })
    }
}
