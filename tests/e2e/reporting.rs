//! End-to-end over real gRPC: the read side. Complaints received through the API reach the
//! deadlines, caseload and timeliness read models through the server's own projection
//! runner; WatchDeadlines pushes status changes; an operator's calendar adjustment is
//! recorded and listed; projections report status and rebuild on request.

use std::time::Duration;

use redress_domain::Role;
use redress_e2e::{hours_ago, pb, request_id, TestApp};
use redress_store::Backend;
use tokio_stream::StreamExt;

const TEAM: &str = "crt-leeds";

fn receive(id: &str, hours: i64) -> pb::ReceiveComplaintRequest {
    pb::ReceiveComplaintRequest {
        complaint_id: id.into(),
        request_id: request_id(),
        receive_time: Some(hours_ago(hours)),
        channel: pb::Channel::Letter as i32,
        categories: vec!["payment_delay".into()],
        team: TEAM.into(),
        region: pb::Region::Scotland as i32,
        flags: None,
        complainant: Some(pb::ComplainantDetails {
            display_name: "Rita Reportless".into(),
            email: "rita@example.org".into(),
            preferred_contact: pb::ContactMethod::Email as i32,
            ..Default::default()
        }),
    }
}

/// Polls until `f` returns Some, up to 20 seconds (projections are asynchronous).
async fn eventually<T, F, Fut>(mut f: F) -> T
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Option<T>>,
{
    for _ in 0..200 {
        if let Some(v) = f().await {
            return v;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("read model did not catch up within 20 s");
}

async fn read_side(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let mut crm = app.complaints(Role::Crm, TEAM);
    // Received 30 days ago and never contacted: the 48-hour contact is breached.
    crm.receive_complaint(receive("old-1", 24 * 30))
        .await
        .expect("receive old");
    crm.receive_complaint(receive("new-1", 1))
        .await
        .expect("receive new");
    let mut reporting = pb::reporting_service_client::ReportingServiceClient::new(
        app.as_role(Role::Reporting, "mi"),
    );
    let at_risk = eventually(|| {
        let mut client = reporting.clone();
        async move {
            let resp = client
                .list_at_risk_deadlines(pb::ListAtRiskDeadlinesRequest {
                    team: TEAM.into(),
                    ..Default::default()
                })
                .await
                .ok()?
                .into_inner();
            (resp.deadlines.len() >= 2).then_some(resp)
        }
    })
    .await;
    let breached: Vec<_> = at_risk
        .deadlines
        .iter()
        .filter(|d| d.status == pb::DeadlineStatus::Breached as i32)
        .collect();
    assert!(breached
        .iter()
        .any(|d| d.complaint == "complaints/old-1"
            && d.kind == pb::DeadlineKind::InitialContact as i32));
    assert!(at_risk.deadlines.iter().all(|d| d.team == TEAM));
    // The caseload lists both open cases; ListComplaints reads the same model.
    let caseload = eventually(|| {
        let mut client = reporting.clone();
        async move {
            let resp = client
                .list_caseload(pb::ListCaseloadRequest {
                    team: TEAM.into(),
                    ..Default::default()
                })
                .await
                .ok()?
                .into_inner();
            (resp.entries.len() == 2).then_some(resp)
        }
    })
    .await;
    assert_eq!(caseload.entries.len(), 2);
    let listed = crm
        .list_complaints(pb::ListComplaintsRequest::default())
        .await
        .expect("list")
        .into_inner();
    assert_eq!(listed.complaints.len(), 2);
    // A crm may not report on another team.
    let mut other =
        pb::reporting_service_client::ReportingServiceClient::new(app.as_role(Role::Crm, TEAM));
    let err = other
        .list_caseload(pb::ListCaseloadRequest {
            team: "crt-bristol".into(),
            ..Default::default()
        })
        .await
        .expect_err("other team");
    assert_eq!(err.code(), tonic::Code::PermissionDenied);
    // WatchDeadlines: the breached deadline arrives at once when asked to deliver any time.
    let mut stream = reporting
        .watch_deadlines(pb::WatchDeadlinesRequest {
            team: TEAM.into(),
            any_time: true,
            interval_seconds: 1,
        })
        .await
        .expect("watch")
        .into_inner();
    let first = tokio::time::timeout(Duration::from_secs(10), stream.next())
        .await
        .expect("a change within 10 s")
        .expect("stream item")
        .expect("ok item");
    assert!(first.deadline.is_some());
    drop(stream);
    // An operator adds a Scottish closure day: recorded, listed, open deadlines recalculated.
    let mut calendar =
        pb::calendar_service_client::CalendarServiceClient::new(app.as_role(Role::Admin, "ops"));
    let tomorrow = chrono::Utc::now().date_naive() + chrono::Duration::days(1);
    use chrono::Datelike;
    calendar
        .adjust_calendar(pb::AdjustCalendarRequest {
            request_id: request_id(),
            region: pb::Region::Scotland as i32,
            date: Some(redress_api::proto::google::r#type::Date {
                year: tomorrow.year(),
                month: tomorrow.month() as i32,
                day: tomorrow.day() as i32,
            }),
            reason: "office closure: flood".into(),
            change: Some(pb::adjust_calendar_request::Change::AddHolidayName(
                "Closure".into(),
            )),
        })
        .await
        .expect("adjust calendar");
    let listed = eventually(|| {
        let mut client = calendar.clone();
        async move {
            let resp = client
                .list_calendar_adjustments(pb::ListCalendarAdjustmentsRequest {})
                .await
                .ok()?
                .into_inner();
            resp.adjustments
                .iter()
                .any(|a| a.deadlines_recalculated)
                .then_some(resp)
        }
    })
    .await;
    assert_eq!(listed.adjustments.len(), 1);
    assert_eq!(listed.adjustments[0].holiday_name, "Closure");
    // A crm may not adjust calendars.
    let mut crm_calendar =
        pb::calendar_service_client::CalendarServiceClient::new(app.as_role(Role::Crm, TEAM));
    assert!(crm_calendar
        .list_calendar_adjustments(pb::ListCalendarAdjustmentsRequest {})
        .await
        .is_ok());
    // Projections: status, and a rebuild that ends equal.
    let mut admin =
        pb::admin_service_client::AdminServiceClient::new(app.as_role(Role::Admin, "ops"));
    let status = admin
        .list_projections(pb::ListProjectionsRequest {})
        .await
        .expect("status")
        .into_inner();
    assert!(status
        .projections
        .iter()
        .any(|p| p.name == "deadlines" || p.name.contains("deadline")));
    let name = status.projections[0].name.clone();
    admin
        .rebuild_projection(pb::RebuildProjectionRequest { name: name.clone() })
        .await
        .expect("rebuild");
    let err = admin
        .rebuild_projection(pb::RebuildProjectionRequest {
            name: "nope".into(),
        })
        .await
        .expect_err("unknown projection");
    assert_eq!(err.code(), tonic::Code::InvalidArgument);
    let again = eventually(|| {
        let mut client = reporting.clone();
        async move {
            let resp = client
                .list_caseload(pb::ListCaseloadRequest {
                    team: TEAM.into(),
                    ..Default::default()
                })
                .await
                .ok()?
                .into_inner();
            (resp.entries.len() == 2).then_some(resp)
        }
    })
    .await;
    assert_eq!(again.entries.len(), 2);
    app.stop().await;
}

#[tokio::test]
async fn read_side_on_sqlite() {
    read_side(Backend::Sqlite).await;
}

#[tokio::test]
async fn read_side_on_postgres() {
    read_side(Backend::Postgres).await;
}
