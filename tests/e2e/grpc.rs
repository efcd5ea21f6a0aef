//! End-to-end over real gRPC: the server on an ephemeral port, on SQLite and PostgreSQL.
//! A complaint's whole life through both tiers, retries with the same request id, stale
//! etags, every error code path, malformed input, and the authorisation table walked for
//! every RPC and every role.

use prost_types::Timestamp;
use redress_api::{allowed_roles, ACCESS_TABLE, EVERYONE};
use redress_domain::Role;
use redress_e2e::{hours_ago, pb, request_id, TestApp};
use redress_store::Backend;
use tonic::{Code, Status};
use tonic_types::StatusExt;

const TEAM: &str = "crt-leeds";

fn reason(status: &Status) -> String {
    status
        .get_error_details()
        .error_info()
        .map(|i| i.reason.clone())
        .unwrap_or_default()
}

fn at(hours_ago_: i64) -> Option<Timestamp> {
    Some(hours_ago(hours_ago_))
}

fn receive_request(id: &str, about_staff: bool) -> pb::ReceiveComplaintRequest {
    pb::ReceiveComplaintRequest {
        complaint_id: id.into(),
        request_id: request_id(),
        receive_time: at(400),
        channel: pb::Channel::Email as i32,
        categories: vec!["payment_delay".into()],
        team: TEAM.into(),
        region: pb::Region::EnglandAndWales as i32,
        flags: Some(pb::ComplaintFlags {
            about_staff,
            ..Default::default()
        }),
        complainant: Some(pb::ComplainantDetails {
            display_name: "Ada Testcase".into(),
            email: "ada@example.org".into(),
            phone: "07700900123".into(),
            address: "1 Test Street".into(),
            preferred_contact: pb::ContactMethod::Email as i32,
        }),
    }
}

/// A complaint's whole life: tier 1 not upheld, proactive escalation, tier 2 justified,
/// ICE signposting with its window, closure.
async fn whole_life(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let mut crm = app.complaints(Role::Crm, TEAM);
    let mut ccrt = app.complaints(Role::CcrtReviewer, "ccrt");
    let name = "complaints/life-1".to_string();
    let c = crm
        .receive_complaint(receive_request("life-1", false))
        .await
        .expect("received")
        .into_inner();
    assert_eq!(c.name, name);
    assert_eq!(c.tiers.len(), 1);
    macro_rules! step {
        ($client:expr, $method:ident, $req:expr) => {
            $client
                .$method($req)
                .await
                .expect(stringify!($method))
                .into_inner()
        };
    }
    step!(
        crm,
        record_investigation_step,
        pb::RecordInvestigationStepRequest {
            name: name.clone(),
            request_id: request_id(),
            occur_time: at(390),
            step: pb::InvestigationStepKind::SystemsEvidenceGathered as i32,
            evidence_id: "e1".into(),
            description: "payment history".into(),
            validated: true,
            ..Default::default()
        }
    );
    step!(
        crm,
        record_initial_contact,
        pb::RecordInitialContactRequest {
            name: name.clone(),
            request_id: request_id(),
            occur_time: at(385),
            method: pb::ContactMethod::Phone as i32,
            issues: vec![pb::ComplaintIssue {
                issue_id: "i1".into(),
                summary: "late payment".into()
            }],
            resolution_sought: "an explanation".into(),
            ..Default::default()
        }
    );
    step!(
        crm,
        record_root_cause,
        pb::RecordRootCauseRequest {
            name: name.clone(),
            request_id: request_id(),
            occur_time: at(380),
            root_cause: Some(pb::RootCause {
                what_happened: "paid on the due date".into(),
                what_should_have_happened: "paid on the due date".into(),
                mistakes: "none".into(),
                root_cause: "none".into(),
            }),
            ..Default::default()
        }
    );
    step!(
        crm,
        record_findings,
        pb::RecordFindingsRequest {
            name: name.clone(),
            request_id: request_id(),
            occur_time: at(379),
            findings: vec![pb::Finding {
                issue_id: "i1".into(),
                upheld: false,
                evidence_ids: vec!["e1".into()],
                reasoning: "on time".into()
            }],
            ..Default::default()
        }
    );
    step!(
        crm,
        decide_outcome,
        pb::DecideOutcomeRequest {
            name: name.clone(),
            request_id: request_id(),
            occur_time: at(378),
            outcome: pb::Outcome::NotUpheld as i32,
            summary: "paid on time".into(),
            ..Default::default()
        }
    );
    step!(
        crm,
        communicate_outcome,
        pb::CommunicateOutcomeRequest {
            name: name.clone(),
            request_id: request_id(),
            occur_time: at(377),
            method: pb::ContactMethod::Phone as i32,
            ..Default::default()
        }
    );
    let signposted = step!(
        crm,
        signpost_complaint,
        pb::SignpostComplaintRequest {
            name: name.clone(),
            request_id: request_id(),
            occur_time: at(376),
            ..Default::default()
        }
    );
    assert_eq!(
        signposted.tiers[0].signposted_to,
        pb::SignpostTarget::Ccrt as i32
    );
    // SPEC C12: not upheld and the customer remains dissatisfied: proactive escalation.
    let escalated = step!(
        crm,
        escalate_complaint,
        pb::EscalateComplaintRequest {
            name: name.clone(),
            request_id: request_id(),
            occur_time: at(300),
            escalation_receive_time: at(300),
            reason: pb::EscalationReason::Proactive as i32,
            customer_remains_dissatisfied: true,
            ..Default::default()
        }
    );
    assert_eq!(escalated.tiers.len(), 2);
    assert_eq!(escalated.tiers[1].tier, pb::Tier::Tier2 as i32);
    step!(
        ccrt,
        record_initial_contact,
        pb::RecordInitialContactRequest {
            name: name.clone(),
            request_id: request_id(),
            occur_time: at(290),
            method: pb::ContactMethod::Phone as i32,
            issues: vec![pb::ComplaintIssue {
                issue_id: "i2".into(),
                summary: "still unhappy".into()
            }],
            resolution_sought: "apology".into(),
            ..Default::default()
        }
    );
    step!(
        ccrt,
        record_investigation_step,
        pb::RecordInvestigationStepRequest {
            name: name.clone(),
            request_id: request_id(),
            occur_time: at(280),
            step: pb::InvestigationStepKind::ContributionReturned as i32,
            evidence_id: "e2".into(),
            description: "contribution".into(),
            validated: true,
            ..Default::default()
        }
    );
    step!(
        ccrt,
        record_root_cause,
        pb::RecordRootCauseRequest {
            name: name.clone(),
            request_id: request_id(),
            occur_time: at(270),
            root_cause: Some(pb::RootCause {
                what_happened: "a".into(),
                what_should_have_happened: "b".into(),
                mistakes: "c".into(),
                root_cause: "d".into(),
            }),
            ..Default::default()
        }
    );
    step!(
        ccrt,
        record_findings,
        pb::RecordFindingsRequest {
            name: name.clone(),
            request_id: request_id(),
            occur_time: at(269),
            findings: vec![pb::Finding {
                issue_id: "i2".into(),
                upheld: true,
                evidence_ids: vec!["e2".into()],
                reasoning: "right to complain".into()
            }],
            ..Default::default()
        }
    );
    step!(
        ccrt,
        decide_outcome,
        pb::DecideOutcomeRequest {
            name: name.clone(),
            request_id: request_id(),
            occur_time: at(268),
            outcome: pb::Outcome::Justified as i32,
            summary: "already put right".into(),
            ..Default::default()
        }
    );
    step!(
        ccrt,
        communicate_outcome,
        pb::CommunicateOutcomeRequest {
            name: name.clone(),
            request_id: request_id(),
            occur_time: at(260),
            method: pb::ContactMethod::Phone as i32,
            ..Default::default()
        }
    );
    let ice = step!(
        ccrt,
        signpost_complaint,
        pb::SignpostComplaintRequest {
            name: name.clone(),
            request_id: request_id(),
            occur_time: at(259),
            ..Default::default()
        }
    );
    assert_eq!(ice.tiers[1].signposted_to, pb::SignpostTarget::Ice as i32);
    let window = ice
        .ice_window_end_time
        .expect("ICE window recorded (SPEC T3)");
    assert!(
        window.seconds > hours_ago(259).seconds + 170 * 86_400,
        "about six months"
    );
    let closed = step!(
        ccrt,
        close_complaint,
        pb::CloseComplaintRequest {
            name: name.clone(),
            request_id: request_id(),
            occur_time: at(258),
            ..Default::default()
        }
    );
    assert_eq!(closed.status, pb::CaseStatus::Closed as i32);
    // The audit trail: every event, who and when; personal data only for case workers.
    let history = crm
        .list_complaint_history(pb::ListComplaintHistoryRequest {
            name: name.clone(),
            page_size: 5,
            ..Default::default()
        })
        .await
        .expect("history")
        .into_inner();
    assert_eq!(history.entries.len(), 5);
    assert_eq!(history.entries[0].event_type, "ComplaintReceived");
    assert_eq!(history.entries[0].actor_role, "crm");
    assert!(history.entries[0].data_json.contains("Ada Testcase"));
    assert!(!history.next_page_token.is_empty());
    let mut admin = app.complaints(Role::Admin, "ops");
    let stripped = admin
        .list_complaint_history(pb::ListComplaintHistoryRequest {
            name: name.clone(),
            page_size: 1000,
            ..Default::default()
        })
        .await
        .expect("history for admin")
        .into_inner();
    assert!(stripped.entries.len() > 15);
    assert!(
        stripped
            .entries
            .iter()
            .all(|e| !e.data_json.contains("Ada Testcase")
                && !e.data_json.contains("ada@example.org"))
    );
    // Page by page, the token of each page leads to the next and the last has none: the
    // same entries as the one large page.
    let mut paged = Vec::new();
    let mut page_token = String::new();
    loop {
        let page = admin
            .list_complaint_history(pb::ListComplaintHistoryRequest {
                name: name.clone(),
                page_size: 4,
                page_token: page_token.clone(),
            })
            .await
            .expect("a page of history")
            .into_inner();
        assert!(page.entries.len() <= 4);
        paged.extend(page.entries);
        if page.next_page_token.is_empty() {
            break;
        }
        assert_eq!(
            page.next_page_token,
            paged
                .last()
                .map(|e| e.sequence.to_string())
                .unwrap_or_default()
        );
        page_token = page.next_page_token;
    }
    assert_eq!(paged, stripped.entries);
    let err = admin
        .list_complaint_history(pb::ListComplaintHistoryRequest {
            name: name.clone(),
            page_token: "not-a-token".into(),
            ..Default::default()
        })
        .await
        .expect_err("a token this server did not issue");
    assert_eq!(err.code(), Code::InvalidArgument);
    app.stop().await;
}

#[tokio::test]
async fn whole_life_through_both_tiers_on_sqlite() {
    whole_life(Backend::Sqlite).await;
}

#[tokio::test]
async fn whole_life_through_both_tiers_on_postgres() {
    whole_life(Backend::Postgres).await;
}

async fn error_paths(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let mut crm = app.complaints(Role::Crm, TEAM);
    let first = receive_request("err-1", true);
    let created = crm
        .receive_complaint(first.clone())
        .await
        .expect("received")
        .into_inner();
    // Retried with the same request id: the first result, nothing written twice.
    let again = crm
        .receive_complaint(first.clone())
        .await
        .expect("retry")
        .into_inner();
    assert_eq!(again.etag, created.etag);
    // The same id with a new request id: the complaint exists already.
    let mut dup = first.clone();
    dup.request_id = request_id();
    let err = crm.receive_complaint(dup).await.expect_err("duplicate");
    assert!(
        matches!(err.code(), Code::AlreadyExists | Code::FailedPrecondition),
        "{err:?}"
    );
    // SPEC C2: a staff complaint is acknowledged by letter, never by phone.
    let phone = pb::RecordInitialContactRequest {
        name: "complaints/err-1".into(),
        request_id: request_id(),
        method: pb::ContactMethod::Phone as i32,
        issues: vec![pb::ComplaintIssue {
            issue_id: "i1".into(),
            summary: "rude".into(),
        }],
        resolution_sought: "apology".into(),
        ..Default::default()
    };
    let err = crm
        .record_initial_contact(phone)
        .await
        .expect_err("phone refused");
    assert_eq!(reason(&err), "CONTACT_METHOD_NOT_ALLOWED", "{err:?}");
    // Stale etag: ABORTED.
    let stale = pb::HoldCaseConferenceRequest {
        name: "complaints/err-1".into(),
        request_id: request_id(),
        etag: "0".into(),
        decision: "x".into(),
        ..Default::default()
    };
    let err = crm
        .hold_case_conference(stale)
        .await
        .expect_err("stale etag");
    assert_eq!(err.code(), Code::Aborted);
    // Unknown complaint: NOT_FOUND.
    let err = crm
        .get_complaint(pb::GetComplaintRequest {
            name: "complaints/nope".into(),
        })
        .await
        .expect_err("not found");
    assert_eq!(err.code(), Code::NotFound);
    // Another team's crm: PERMISSION_DENIED.
    let mut other = app.complaints(Role::Crm, "crt-bristol");
    let err = other
        .get_complaint(pb::GetComplaintRequest {
            name: "complaints/err-1".into(),
        })
        .await
        .expect_err("other team");
    assert_eq!(err.code(), Code::PermissionDenied);
    // Reporting sees the case without personal data.
    let mut reporting = app.complaints(Role::Reporting, "mi");
    let seen = reporting
        .get_complaint(pb::GetComplaintRequest {
            name: "complaints/err-1".into(),
        })
        .await
        .expect("reporting reads")
        .into_inner();
    assert!(seen.complainant.is_none());
    // No token, a bad token: UNAUTHENTICATED.
    let mut anonymous = pb::complaint_service_client::ComplaintServiceClient::new(app.authed(None));
    let err = anonymous
        .get_complaint(pb::GetComplaintRequest {
            name: "complaints/err-1".into(),
        })
        .await
        .expect_err("no token");
    assert_eq!(err.code(), Code::Unauthenticated);
    let mut forged = pb::complaint_service_client::ComplaintServiceClient::new(
        app.authed(Some("eyJhbGciOiJFZERTQSJ9.e30.AAAA")),
    );
    let err = forged
        .get_complaint(pb::GetComplaintRequest {
            name: "complaints/err-1".into(),
        })
        .await
        .expect_err("bad token");
    assert_eq!(err.code(), Code::Unauthenticated);
    app.stop().await;
}

#[tokio::test]
async fn error_paths_on_sqlite() {
    error_paths(Backend::Sqlite).await;
}

#[tokio::test]
async fn error_paths_on_postgres() {
    error_paths(Backend::Postgres).await;
}

/// Malformed input from the network is refused with INVALID_ARGUMENT and writes nothing.
#[tokio::test]
async fn malformed_input_is_invalid_argument_and_writes_nothing() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let mut crm = app.complaints(Role::Crm, TEAM);
    let mut bad_requests = Vec::new();
    let mut future = receive_request("bad-1", false);
    future.receive_time = Some(Timestamp {
        seconds: hours_ago(-48).seconds,
        nanos: 0,
    });
    bad_requests.push(("future receive_time", future));
    let mut unknown_enum = receive_request("bad-2", false);
    unknown_enum.channel = 999;
    bad_requests.push(("unknown channel", unknown_enum));
    let mut missing = receive_request("bad-3", false);
    missing.complainant = None;
    bad_requests.push(("missing complainant", missing));
    let mut long = receive_request("bad-4", false);
    if let Some(c) = long.complainant.as_mut() {
        c.display_name = "x".repeat(100_000);
    }
    bad_requests.push(("oversize name", long));
    let mut bad_id = receive_request("../etc", false);
    bad_id.complaint_id = "../etc".into();
    bad_requests.push(("bad id", bad_id));
    let mut bad_nanos = receive_request("bad-5", false);
    bad_nanos.receive_time = Some(Timestamp {
        seconds: 0,
        nanos: -1,
    });
    bad_requests.push(("bad timestamp", bad_nanos));
    let mut no_category = receive_request("bad-6", false);
    no_category.categories.clear();
    bad_requests.push(("no category", no_category));
    for (what, req) in bad_requests {
        let err = crm.receive_complaint(req).await.expect_err(what);
        assert_eq!(err.code(), Code::InvalidArgument, "{what}: {err:?}");
    }
    crm.receive_complaint(receive_request("ok-1", false))
        .await
        .expect("valid receipt");
    for (what, amount) in [("negative", -5), ("zero", 0)] {
        let err = crm
            .award_special_payment(pb::AwardSpecialPaymentRequest {
                name: "complaints/ok-1".into(),
                request_id: request_id(),
                payment_id: "p1".into(),
                kind: pb::PaymentKind::Consolatory as i32,
                amount_pence: amount,
                reason: "x".into(),
                ..Default::default()
            })
            .await
            .expect_err(what);
        assert_eq!(err.code(), Code::InvalidArgument, "{what}");
    }
    let history = crm
        .list_complaint_history(pb::ListComplaintHistoryRequest {
            name: "complaints/ok-1".into(),
            ..Default::default()
        })
        .await
        .expect("history")
        .into_inner();
    assert_eq!(
        history.entries.len(),
        1,
        "only the valid receipt was written"
    );
    for id in ["bad-1", "bad-2", "bad-3", "bad-4", "bad-5", "bad-6"] {
        let err = crm
            .get_complaint(pb::GetComplaintRequest {
                name: format!("complaints/{id}"),
            })
            .await
            .expect_err("nothing written");
        assert_eq!(err.code(), Code::NotFound);
    }
    app.stop().await;
}

/// Concurrent updates with the same (soon stale) etag: exactly one wins.
#[tokio::test]
async fn concurrent_updates_with_one_etag_exactly_one_wins() {
    let app = TestApp::spawn(Backend::Postgres).await;
    let mut crm = app.complaints(Role::Crm, TEAM);
    let c = crm
        .receive_complaint(receive_request("race-1", false))
        .await
        .expect("received")
        .into_inner();
    let mut tasks = Vec::new();
    for i in 0..8 {
        let mut client = app.complaints(Role::Crm, TEAM);
        let etag = c.etag.clone();
        tasks.push(tokio::spawn(async move {
            client
                .hold_case_conference(pb::HoldCaseConferenceRequest {
                    name: "complaints/race-1".into(),
                    request_id: request_id(),
                    etag,
                    attendees: vec!["team leader".into()],
                    decision: format!("decision {i}"),
                    ..Default::default()
                })
                .await
        }));
    }
    let mut won = 0;
    for t in tasks {
        match t.await.expect("task") {
            Ok(_) => won += 1,
            Err(e) => assert_eq!(e.code(), Code::Aborted, "{e:?}"),
        }
    }
    assert_eq!(won, 1);
    app.stop().await;
}

/// Every RPC × every role: allowed roles pass the gate, others get PERMISSION_DENIED with
/// ROLE_NOT_PERMITTED, and without a token every RPC is UNAUTHENTICATED. Requests are
/// empty messages, so nothing passes validation and nothing is written.
#[tokio::test]
async fn authorisation_table_every_rpc_every_role() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    for (path, _) in ACCESS_TABLE {
        let allowed = allowed_roles(path).unwrap_or_default();
        for role in EVERYONE {
            let status = call_empty(&app, path, Some(*role)).await;
            let gated =
                status.code() == Code::PermissionDenied && reason(&status) == "ROLE_NOT_PERMITTED";
            if allowed.contains(role) {
                assert!(!gated, "{path} should admit {role}: {status:?}");
                assert_ne!(status.code(), Code::Unauthenticated, "{path} as {role}");
            } else {
                assert!(gated, "{path} should refuse {role}: {status:?}");
            }
        }
        let status = call_empty(&app, path, None).await;
        assert_eq!(
            status.code(),
            Code::Unauthenticated,
            "{path} without a token"
        );
    }
    app.stop().await;
}

/// Calls `path` with an empty protobuf message and returns the status (OK as a Status).
async fn call_empty(app: &TestApp, path: &str, role: Option<Role>) -> Status {
    let channel = match role {
        Some(r) => app.as_role(r, TEAM),
        None => app.authed(None),
    };
    let mut grpc = tonic::client::Grpc::new(channel);
    if let Err(e) = grpc.ready().await {
        return Status::unavailable(e.to_string());
    }
    let codec: tonic_prost::ProstCodec<(), ()> = Default::default();
    let path = http_path(path);
    // A streaming RPC that was admitted keeps its stream open: time out as "admitted".
    let call = grpc.unary(tonic::Request::new(()), path, codec);
    match tokio::time::timeout(std::time::Duration::from_secs(3), call).await {
        Ok(Ok(_)) | Err(_) => Status::ok(""),
        Ok(Err(status)) => status,
    }
}

fn http_path(path: &str) -> tonic::codegen::http::uri::PathAndQuery {
    tonic::codegen::http::uri::PathAndQuery::try_from(path).expect("valid path")
}

/// The health service follows the database: NOT_SERVING while PostgreSQL refuses the
/// server's connections, SERVING again on its own when it accepts them.
#[tokio::test]
async fn health_follows_the_database_on_postgres() {
    use sqlx::Connection;
    use tonic_health::pb::health_check_response::ServingStatus;
    use tonic_health::pb::health_client::HealthClient;
    use tonic_health::pb::HealthCheckRequest;

    let app = TestApp::spawn(Backend::Postgres).await;
    let database = app.database_name().expect("a PostgreSQL test database");
    let health = HealthClient::new(app.raw_channel());
    let status = |h: &mut HealthClient<tonic::transport::Channel>| {
        let mut h = h.clone();
        async move {
            h.check(HealthCheckRequest::default())
                .await
                .map(|r| r.into_inner().status())
                .unwrap_or(ServingStatus::Unknown)
        }
    };
    let wait_for = |want: ServingStatus| {
        let health = health.clone();
        async move {
            let mut health = health;
            for _ in 0..150 {
                if status(&mut health).await == want {
                    return true;
                }
                tokio::time::sleep(std::time::Duration::from_millis(200)).await;
            }
            false
        }
    };
    assert!(wait_for(ServingStatus::Serving).await, "serving at start");
    let mut admin = sqlx::PgConnection::connect(&redress_store::testing::admin_pg_url())
        .await
        .expect("admin connection");
    sqlx::query(&format!(
        "ALTER DATABASE {database} ALLOW_CONNECTIONS false"
    ))
    .execute(&mut admin)
    .await
    .expect("refuse connections");
    sqlx::query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1")
        .bind(&database)
        .execute(&mut admin)
        .await
        .expect("terminate the server's connections");
    assert!(
        wait_for(ServingStatus::NotServing).await,
        "NOT_SERVING while the database is unreachable"
    );
    sqlx::query(&format!("ALTER DATABASE {database} ALLOW_CONNECTIONS true"))
        .execute(&mut admin)
        .await
        .expect("accept connections again");
    assert!(
        wait_for(ServingStatus::Serving).await,
        "SERVING again on its own"
    );
    app.stop().await;
}
