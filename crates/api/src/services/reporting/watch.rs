//! `WatchDeadlines`: a stream of a team's deadline status changes, re-evaluated on a timer
//! so that changes which happen with time alone (at risk, breached) are seen, and held until
//! working hours unless the caller asks for them at any time.

use std::collections::HashMap;
use std::pin::Pin;
use std::time::Duration;

use chrono::{DateTime, Timelike, Utc};
use redress_calendar::Region;
use redress_projections::queries::{AtRiskRequest, DeadlineFilter, DeadlineView};
use tokio::sync::mpsc::Sender;
use tokio_stream::Stream;
use tonic::{Request, Response, Status};

use super::deadlines::deadline_to_pb;
use super::{scoped, ReportingApi};
use crate::convert::{enum_out, timestamp_to_pb};
use crate::pb;
use crate::services_in_force::ServicesInForce;
use crate::status::invalid_argument;

pub type WatchStream =
    Pin<Box<dyn Stream<Item = Result<pb::WatchDeadlinesResponse, Status>> + Send + 'static>>;

impl ReportingApi {
    pub(super) async fn watch(
        &self,
        request: Request<pb::WatchDeadlinesRequest>,
    ) -> Result<Response<WatchStream>, Status> {
        let (r, team) = scoped(request, |r| &r.team)?;
        let team = team.ok_or_else(|| invalid_argument("team", "team is required"))?;
        let interval = if r.interval_seconds == 0 {
            Duration::from_secs(60)
        } else {
            Duration::from_secs(u64::try_from(r.interval_seconds).unwrap_or(0).max(1))
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
fn within_working_hours(services: &ServicesInForce, region: Region, now: DateTime<Utc>) -> bool {
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

/// Every at-risk or breached deadline of `team` as of `now`, all pages; when a query
/// fails (logged), the pages read before it (the watch tries again next interval).
async fn at_risk_now(api: &ReportingApi, team: &str, now: DateTime<Utc>) -> Vec<DeadlineView> {
    let mut token = String::new();
    let mut current: Vec<DeadlineView> = Vec::new();
    loop {
        let req = AtRiskRequest {
            as_of: now,
            filter: DeadlineFilter::Team(team.to_owned()),
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
    current
}

/// Re-evaluates the team's at-risk and breached deadlines every `interval` (so changes
/// that happen with time alone are seen) and sends each status change once, holding it
/// until working hours unless `any_time`. Ends when the client goes away.
async fn watch(
    api: ReportingApi,
    team: String,
    interval: Duration,
    any_time: bool,
    tx: Sender<Result<pb::WatchDeadlinesResponse, Status>>,
) {
    let mut seen: HashMap<DeadlineKey, i32> = HashMap::new();
    loop {
        let now = Utc::now();
        for d in &at_risk_now(&api, &team, now).await {
            let status = enum_out(d.status);
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
