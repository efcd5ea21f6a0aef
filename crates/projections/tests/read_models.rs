//! Each read model through the real store and runner, on PostgreSQL and SQLite.

mod common;

use std::time::Duration;

use chrono::{DateTime, Utc};
use common::*;
use redress_calendar::{end_of_day, Region};
use redress_domain::*;
use redress_projections::calendar::{adjustments, recalculate_open_deadlines};
use redress_projections::queries::*;
use redress_projections::{load_calendars, DeadlineKind, REPORTING_TABLES};
use redress_store::Backend;

/// Tier 1 up to the decided outcome.
async fn decided(h: &Harness, id: &str, team: &str, region: Region, at: &str, upheld: &[bool]) {
    let r = t(at);
    h.exec(
        id,
        crm(team),
        r,
        receive(id, r, team, region, &["payment_delay"]),
    )
    .await;
    h.exec(
        id,
        crm(team),
        r + chrono::Duration::hours(20),
        initial_contact(upheld.len()),
    )
    .await;
    h.exec(id, crm(team), r + chrono::Duration::days(2), evidence())
        .await;
    h.exec(id, crm(team), r + chrono::Duration::days(2), root_cause())
        .await;
    h.exec(
        id,
        crm(team),
        r + chrono::Duration::days(2),
        findings(upheld),
    )
    .await;
    h.exec(
        id,
        crm(team),
        r + chrono::Duration::days(3),
        decide(outcome_for(upheld)),
    )
    .await;
    if outcome_for(upheld).warrants_redress() {
        h.exec(id, crm(team), r + chrono::Duration::days(3), redress())
            .await;
    }
}

/// SPEC D5, R1: at risk / breached by team, case manager and tier; due between; pages.
async fn deadlines_queries(backend: Backend) {
    let h = Harness::start(backend).await;
    // c-1, c-2: received Mon 2 March 2026 09:00 (team-a): contact due Wed 4 March 09:00,
    // response due end of Mon 23 March. c-2 contacted on time. c-3 (team-b) a week later.
    for id in ["c-1", "c-2"] {
        let r = t("2026-03-02T09:00:00Z");
        h.exec(
            id,
            crm("team-a"),
            r,
            receive(id, r, "team-a", Region::EnglandAndWales, &["decision"]),
        )
        .await;
    }
    h.exec(
        "c-2",
        crm("team-a"),
        t("2026-03-03T10:00:00Z"),
        initial_contact(1),
    )
    .await;
    let r3 = t("2026-03-09T09:00:00Z");
    h.exec(
        "c-3",
        crm("team-b"),
        r3,
        receive("c-3", r3, "team-b", Region::Scotland, &["decision"]),
    )
    .await;
    h.sync().await;

    let at_risk = |as_of: &str, filter: DeadlineFilter, size: u32, token: String| AtRiskRequest {
        as_of: t(as_of),
        filter,
        page_size: size,
        page_token: token,
    };
    // Tue 3 March 10:00: c-1's contact (due Wed 09:00) is at risk; responses pending.
    let p = h
        .read
        .deadlines_at_risk(&at_risk(
            "2026-03-03T10:00:00Z",
            DeadlineFilter::Team("team-a".into()),
            50,
            String::new(),
        ))
        .await
        .expect("query");
    let got: Vec<_> = p
        .items
        .iter()
        .map(|d| (d.complaint_id.as_str(), d.kind, d.status))
        .collect();
    assert_eq!(
        got,
        vec![("c-1", DeadlineKind::InitialContact, DeadlineStatus::AtRisk)]
    );

    // Fri 20 March 12:00: c-1 contact breached; both responses (due end of Mon 23) at risk.
    let as_of = "2026-03-20T12:00:00Z";
    let p = h
        .read
        .deadlines_at_risk(&at_risk(
            as_of,
            DeadlineFilter::Team("team-a".into()),
            50,
            String::new(),
        ))
        .await
        .expect("query");
    let got: Vec<_> = p
        .items
        .iter()
        .map(|d| (d.complaint_id.as_str(), d.kind, d.status))
        .collect();
    assert_eq!(
        got,
        vec![
            (
                "c-1",
                DeadlineKind::InitialContact,
                DeadlineStatus::Breached
            ),
            ("c-1", DeadlineKind::Response, DeadlineStatus::AtRisk),
            ("c-2", DeadlineKind::Response, DeadlineStatus::AtRisk),
        ]
    );
    assert!(p
        .items
        .iter()
        .all(|d| d.team == "team-a" && d.case_manager == "u-crm-team-a"));
    // Paginated one at a time: the same rows, then an empty token.
    let mut token = String::new();
    let mut paged = Vec::new();
    loop {
        let p = h
            .read
            .deadlines_at_risk(&at_risk(
                as_of,
                DeadlineFilter::Team("team-a".into()),
                1,
                token,
            ))
            .await
            .expect("page");
        paged.extend(p.items.into_iter().map(|d| (d.complaint_id, d.kind)));
        if p.next_page_token.is_empty() {
            break;
        }
        token = p.next_page_token;
    }
    assert_eq!(paged.len(), 3);
    assert!(h
        .read
        .deadlines_at_risk(&at_risk(as_of, DeadlineFilter::All, 1, "zz".into()))
        .await
        .is_err());
    // By case manager and tier: team-b's c-3 contact (due Wed 11 March) is breached too.
    let p = h
        .read
        .deadlines_at_risk(&at_risk(
            as_of,
            DeadlineFilter::CaseManager("u-crm-team-b".into()),
            50,
            String::new(),
        ))
        .await
        .expect("query");
    assert_eq!(p.items.len(), 1);
    assert_eq!(p.items[0].complaint_id, "c-3");
    let p = h
        .read
        .deadlines_at_risk(&at_risk(
            as_of,
            DeadlineFilter::Tier(Tier::Tier1),
            50,
            String::new(),
        ))
        .await
        .expect("query");
    assert_eq!(p.items.len(), 4);
    for (category, n) in [("decision", 4), ("payment_delay", 0)] {
        let p = h
            .read
            .deadlines_at_risk(&at_risk(
                as_of,
                DeadlineFilter::Category(category.into()),
                50,
                String::new(),
            ))
            .await
            .expect("query");
        assert_eq!(p.items.len(), n, "{category}");
    }
    // As of a past instant, c-2's contact (done Tue 10:00) was still open at 09:30.
    let p = h
        .read
        .deadlines_at_risk(&at_risk(
            "2026-03-03T09:30:00Z",
            DeadlineFilter::Team("team-a".into()),
            50,
            String::new(),
        ))
        .await
        .expect("query");
    assert_eq!(p.items.len(), 2);
    // Everything due in March, with status as of 25 March.
    let p = h
        .read
        .deadlines_due_between(&DueBetweenRequest {
            from: t("2026-03-01T00:00:00Z"),
            to: t("2026-04-01T00:00:00Z"),
            as_of: t("2026-03-25T00:00:00Z"),
            filter: DeadlineFilter::All,
            page_size: 2,
            page_token: String::new(),
        })
        .await
        .expect("query");
    assert_eq!(p.items.len(), 2);
    // Both contacts are due Wed 4 March 09:00; ties are ordered by id.
    assert_eq!(p.items[0].complaint_id, "c-1");
    assert_eq!(p.items[0].status, DeadlineStatus::Breached);
    assert_eq!(p.items[1].complaint_id, "c-2");
    assert_eq!(p.items[1].status, DeadlineStatus::Met);
    assert!(!p.next_page_token.is_empty());
    h.stop().await;
}
both!(deadlines_queries);

/// SPEC R2, R3: timeliness shares, outcomes and the escalation rate.
async fn timeliness_and_outcomes(backend: Backend) {
    let h = Harness::start(backend).await;
    decided(
        &h,
        "c-1",
        "team-a",
        Region::EnglandAndWales,
        "2026-03-02T09:00:00Z",
        &[false],
    )
    .await;
    h.exec(
        "c-1",
        crm("team-a"),
        t("2026-03-09T10:00:00Z"),
        communicate(),
    )
    .await;
    h.exec(
        "c-1",
        crm("team-a"),
        t("2026-03-09T10:05:00Z"),
        ComplaintAction::Signpost,
    )
    .await;
    h.exec(
        "c-1",
        ccrt(),
        t("2026-03-12T10:00:00Z"),
        ComplaintAction::EscalateToTier2 {
            escalation_received_at: t("2026-03-12T09:00:00Z"),
            reason: EscalationReason::CustomerRequest,
            customer_remains_dissatisfied: true,
        },
    )
    .await;
    decided(
        &h,
        "c-2",
        "team-a",
        Region::EnglandAndWales,
        "2026-03-02T09:00:00Z",
        &[true],
    )
    .await;
    // Late: the response was due at the end of Mon 23 March.
    h.exec(
        "c-2",
        crm("team-a"),
        t("2026-03-25T10:00:00Z"),
        communicate(),
    )
    .await;
    decided(
        &h,
        "c-3",
        "team-b",
        Region::Scotland,
        "2026-03-02T09:00:00Z",
        &[true, false],
    )
    .await;
    h.sync().await;

    let q = |team: Option<&str>, tier| TimelinessRequest {
        from: d("2026-01-01"),
        to: d("2026-03-31"),
        team: team.map(str::to_string),
        tier,
    };
    let r = h
        .read
        .timeliness(&q(Some("team-a"), Some(Tier::Tier1)))
        .await
        .expect("report");
    assert_eq!(r.initial_contacts, 2);
    assert_eq!(r.initial_contacts_within_48h, 2);
    assert_eq!(r.initial_contact_share, Some(1.0));
    assert_eq!(r.responses, 2);
    assert_eq!(r.responses_within_target, 1);
    assert_eq!(r.response_share, Some(0.5));
    assert_eq!(r.tier1_responses, 2);
    assert_eq!(r.tier1_escalated, 1);
    assert_eq!(r.escalation_rate, Some(0.5));
    assert_eq!(r.outcomes.get("upheld"), Some(&1));
    assert_eq!(r.outcomes.get("not_upheld"), Some(&1));
    let all = h.read.timeliness(&q(None, None)).await.expect("report");
    assert_eq!(all.initial_contacts, 3);
    assert_eq!(all.outcomes.get("part_upheld"), Some(&1));
    assert_eq!(all.responses, 2);
    let april = h
        .read
        .timeliness(&TimelinessRequest {
            from: d("2026-04-01"),
            to: d("2026-06-30"),
            team: None,
            tier: None,
        })
        .await
        .expect("report");
    assert_eq!(april, TimelinessReport::default());
    let by_cat = h
        .read
        .outcomes_by_category(d("2026-03-01"), d("2026-03-31"), None)
        .await
        .expect("cats");
    assert_eq!(by_cat.iter().map(|c| c.count).sum::<i64>(), 3);
    h.stop().await;
}
both!(timeliness_and_outcomes);

/// SPEC R4.
async fn special_payments(backend: Backend) {
    let h = Harness::start(backend).await;
    decided(
        &h,
        "c-1",
        "team-a",
        Region::EnglandAndWales,
        "2026-03-02T09:00:00Z",
        &[true],
    )
    .await;
    let at = t("2026-03-06T12:00:00Z");
    h.exec(
        "c-1",
        crm("team-a"),
        at,
        ComplaintAction::AwardSpecialPayment {
            payment_id: "p1".into(),
            kind: PaymentKind::Consolatory,
            amount_pence: 5000,
            reason: "distress".into(),
        },
    )
    .await;
    for (id, pence) in [("p2", 40000), ("p3", 60000)] {
        h.exec(
            "c-1",
            crm("team-a"),
            at,
            ComplaintAction::ReferSpecialPayment {
                payment_id: id.into(),
                kind: PaymentKind::ActualFinancialLoss,
                amount_pence: pence,
                reason: "bank charges".into(),
            },
        )
        .await;
    }
    h.exec(
        "c-1",
        spt(),
        t("2026-03-07T10:00:00Z"),
        ComplaintAction::DecideSpecialPayment {
            payment_id: "p2".into(),
            decision: SptDecision::Approve {
                amount_pence: 30000,
            },
        },
    )
    .await;
    h.sync().await;
    let r = h
        .read
        .special_payments(&PaymentsRequest {
            from: None,
            to: None,
            team: None,
        })
        .await
        .expect("report");
    assert_eq!(r.pending_spt_count, 1);
    assert_eq!(r.pending_spt_requested_pence, 60000);
    let find = |state: &str| {
        r.totals
            .iter()
            .find(|x| x.state == state)
            .expect(state)
            .clone()
    };
    assert_eq!(find("awarded_dfa").decided_by, "dfa");
    assert_eq!(find("awarded_dfa").amount_pence, 5000);
    assert_eq!(find("approved_spt").decided_by, "spt");
    assert_eq!(find("approved_spt").amount_pence, 30000);
    assert_eq!(find("approved_spt").requested_pence, 40000);
    assert_eq!(find("pending_spt").decided_by, "pending");
    let none = h
        .read
        .special_payments(&PaymentsRequest {
            from: None,
            to: None,
            team: Some("team-z".into()),
        })
        .await
        .expect("report");
    assert!(none.totals.is_empty());
    h.stop().await;
}
both!(special_payments);

/// SPEC C11, T3, R6: signposting gaps; tier-2 ICE windows.
async fn signposting_and_ice(backend: Backend) {
    let h = Harness::start(backend).await;
    decided(
        &h,
        "c-1",
        "team-a",
        Region::EnglandAndWales,
        "2026-03-02T09:00:00Z",
        &[false],
    )
    .await;
    h.exec(
        "c-1",
        crm("team-a"),
        t("2026-03-09T10:00:00Z"),
        communicate(),
    )
    .await;
    decided(
        &h,
        "c-2",
        "team-a",
        Region::EnglandAndWales,
        "2026-03-02T09:00:00Z",
        &[false],
    )
    .await;
    h.exec(
        "c-2",
        crm("team-a"),
        t("2026-03-09T11:00:00Z"),
        communicate(),
    )
    .await;
    h.sync().await;
    let gaps = h
        .read
        .signposting_gaps(Some("team-a"), 1, "")
        .await
        .expect("gaps");
    assert_eq!(gaps.items.len(), 1);
    assert_eq!(gaps.items[0].complaint_id, "c-1");
    let gaps2 = h
        .read
        .signposting_gaps(Some("team-a"), 1, &gaps.next_page_token)
        .await
        .expect("gaps");
    assert_eq!(gaps2.items[0].complaint_id, "c-2");
    assert!(gaps2.next_page_token.is_empty());

    // c-1 is signposted, closed, escalated and reviewed at tier 2, then signposted to ICE.
    h.exec(
        "c-1",
        crm("team-a"),
        t("2026-03-09T12:00:00Z"),
        ComplaintAction::Signpost,
    )
    .await;
    h.exec(
        "c-1",
        crm("team-a"),
        t("2026-03-09T13:00:00Z"),
        ComplaintAction::Close,
    )
    .await;
    h.exec(
        "c-1",
        ccrt(),
        t("2026-03-16T10:00:00Z"),
        ComplaintAction::EscalateToTier2 {
            escalation_received_at: t("2026-03-16T09:00:00Z"),
            reason: EscalationReason::CustomerRequest,
            customer_remains_dissatisfied: true,
        },
    )
    .await;
    h.exec("c-1", ccrt(), t("2026-03-17T10:00:00Z"), initial_contact(1))
        .await;
    h.exec("c-1", ccrt(), t("2026-03-18T10:00:00Z"), root_cause())
        .await;
    h.exec("c-1", ccrt(), t("2026-03-18T11:00:00Z"), findings(&[false]))
        .await;
    h.exec(
        "c-1",
        ccrt(),
        t("2026-03-19T10:00:00Z"),
        decide(Outcome::NotUpheld),
    )
    .await;
    h.exec("c-1", ccrt(), t("2026-03-20T10:00:00Z"), communicate())
        .await;
    h.exec(
        "c-1",
        ccrt(),
        t("2026-03-20T11:00:00Z"),
        ComplaintAction::Signpost,
    )
    .await;
    h.sync().await;
    let gaps = h.read.signposting_gaps(None, 50, "").await.expect("gaps");
    assert_eq!(
        gaps.items
            .iter()
            .map(|g| g.complaint_id.as_str())
            .collect::<Vec<_>>(),
        vec!["c-2"]
    );
    let ice = h
        .read
        .ice_windows(t("2026-04-01T00:00:00Z"), true, None)
        .await
        .expect("ice");
    assert_eq!(ice.len(), 1);
    assert_eq!(ice[0].complaint_id, "c-1");
    assert_eq!(ice[0].tier, Tier::Tier2);
    // SPEC T3: six months after the final response, end of that day.
    assert_eq!(ice[0].window_ends, end_of_day(d("2026-09-20")));
    assert!(h
        .read
        .ice_windows(t("2026-10-01T00:00:00Z"), true, None)
        .await
        .expect("ice")
        .is_empty());
    h.stop().await;
}
both!(signposting_and_ice);

/// SPEC R7, C15, V1.
async fn caseload_feedback_and_safeguarding(backend: Backend) {
    let h = Harness::start(backend).await;
    let r = t("2026-03-02T09:00:00Z");
    for (id, team) in [("c-1", "team-a"), ("c-2", "team-a"), ("c-3", "team-b")] {
        h.exec(
            id,
            crm(team),
            r,
            receive(id, r, team, Region::EnglandAndWales, &["decision"]),
        )
        .await;
    }
    h.exec(
        "c-2",
        crm("team-a"),
        t("2026-03-03T10:00:00Z"),
        initial_contact(1),
    )
    .await;
    h.exec(
        "c-2",
        crm("team-a"),
        t("2026-03-03T11:00:00Z"),
        ComplaintAction::AgreeFeedbackAction {
            action_id: "fb-1".into(),
            to_team: "site-leeds".into(),
            recommendation: "check the queue daily".into(),
            deadline: FeedbackDeadline::Simple,
        },
    )
    .await;
    h.exec(
        "c-3",
        crm("team-b"),
        t("2026-03-02T10:00:00Z"),
        ComplaintAction::RecordSafeguardingConcern {
            concern_id: "s-1".into(),
            kinds: vec![ConcernKind::SuicideOrSelfHarm],
            immediate: true,
            escalated_to: vec![EscalatedTo::EmergencyServices],
            note: "spoke of self-harm".into(),
        },
    )
    .await;
    h.exec(
        "c-1",
        crm("team-a"),
        t("2026-03-02T12:00:00Z"),
        ComplaintAction::Withdraw {
            reason: "no longer needed".into(),
        },
    )
    .await;
    h.sync().await;
    let loads = h
        .read
        .caseload_by_case_manager(Some("team-a"))
        .await
        .expect("loads");
    assert_eq!(loads.len(), 1);
    assert_eq!(loads[0].open_cases, 1);
    // c-2's next deadline is its response (contact done).
    assert_eq!(loads[0].next_due, Some(end_of_day(d("2026-03-23"))));
    let page = h.read.caseload(None, None, 1, "").await.expect("caseload");
    assert_eq!(page.items.len(), 1);
    let page2 = h
        .read
        .caseload(None, None, 1, &page.next_page_token)
        .await
        .expect("caseload");
    assert_eq!(page2.items.len(), 1);
    assert!(page2.next_page_token.is_empty());
    assert_ne!(page.items[0].complaint_id, page2.items[0].complaint_id);
    // Feedback due 5 working days after Tue 3 March: end of Tue 10 March.
    let overdue = h
        .read
        .overdue_feedback_actions(t("2026-03-11T00:00:01Z"), Some("site-leeds"))
        .await
        .expect("fb");
    assert_eq!(overdue.len(), 1);
    assert_eq!(overdue[0].due, end_of_day(d("2026-03-10")));
    assert!(h
        .read
        .overdue_feedback_actions(t("2026-03-10T23:00:00Z"), None)
        .await
        .expect("fb")
        .is_empty());
    let queue = h.read.safeguarding_queue(None).await.expect("queue");
    assert_eq!(queue.len(), 1);
    assert!(queue[0].immediate);
    assert_eq!(queue[0].kinds, vec!["suicide_or_self_harm"]);
    h.exec(
        "c-3",
        crm("team-b"),
        t("2026-03-03T10:00:00Z"),
        ComplaintAction::ResolveSafeguardingConcern {
            concern_id: "s-1".into(),
            resolution: "support arranged".into(),
        },
    )
    .await;
    h.sync().await;
    assert!(h
        .read
        .safeguarding_queue(None)
        .await
        .expect("queue")
        .is_empty());
    h.stop().await;
}
both!(caseload_feedback_and_safeguarding);

/// SPEC S1, S2, R5.
async fn trend_alerts_and_systemic_log(backend: Backend) {
    let h = Harness::start(backend).await;
    let recv = |id: &'static str, team: &'static str, at: &'static str, cat: &'static str| {
        let h = &h;
        async move {
            h.exec(
                id,
                crm(team),
                t(at),
                receive(id, t(at), team, Region::EnglandAndWales, &[cat]),
            )
            .await;
        }
    };
    recv("c-1", "team-a", "2026-03-01T09:00:00Z", "payment_delay").await;
    recv("c-2", "team-a", "2026-03-10T09:00:00Z", "payment_delay").await;
    recv("c-3", "team-b", "2026-03-20T09:00:00Z", "payment_delay").await;
    h.sync().await;
    let alerts = h
        .read
        .trend_alerts(t("2026-03-20T10:00:00Z"), true, None)
        .await
        .expect("alerts");
    // Three nationally within a month: a national alert; no team has three.
    assert_eq!(alerts.len(), 1);
    assert_eq!(alerts[0].scope, "national");
    assert_eq!(alerts[0].complaints, vec!["c-1", "c-2", "c-3"]);
    let national = alerts[0].alert_id.clone();
    // A fourth joins the open alert; a third in team-a raises a local one.
    recv("c-4", "team-a", "2026-03-25T09:00:00Z", "payment_delay").await;
    h.sync().await;
    let alerts = h
        .read
        .trend_alerts(t("2026-03-25T10:00:00Z"), true, None)
        .await
        .expect("alerts");
    assert_eq!(alerts.len(), 2);
    let nat = alerts
        .iter()
        .find(|a| a.scope == "national")
        .expect("national");
    assert_eq!(nat.alert_id, national);
    assert_eq!(nat.complaints.len(), 4);
    let local = alerts.iter().find(|a| a.scope == "local").expect("local");
    assert_eq!(local.team, "team-a");
    assert_eq!(local.complaints, vec!["c-1", "c-2", "c-4"]);
    // S1: counts follow recategorisation: c-4 leaves the category and both alerts.
    h.exec(
        "c-4",
        crm("team-a"),
        t("2026-03-26T09:00:00Z"),
        ComplaintAction::Recategorise {
            categories: vec!["decision".into()],
            reason: "misfiled".into(),
        },
    )
    .await;
    h.sync().await;
    let alerts = h
        .read
        .trend_alerts(t("2026-03-26T10:00:00Z"), false, Some("payment_delay"))
        .await
        .expect("alerts");
    for a in &alerts {
        assert!(!a.complaints.contains(&"c-4".to_string()), "{a:?}");
    }
    // The national alert lapses a month after its last member (c-3, 20 March).
    assert!(h
        .read
        .trend_alerts(t("2026-04-20T09:00:01Z"), true, Some("payment_delay"))
        .await
        .expect("a")
        .iter()
        .all(|a| a.scope != "national"));
    // S2: a CRT manager raises an issue from the alert and keeps its action log.
    h.systemic(
        "sys-1",
        manager("team-a"),
        t("2026-03-27T09:00:00Z"),
        SystemicAction::Raise {
            issue_id: "sys-1".into(),
            scope: Scope::National,
            category: "payment_delay".into(),
            linked_complaints: vec!["c-1".into(), "c-2".into(), "c-3".into()],
            description: "payment delays across sites".into(),
            from_alert: Some(national.clone()),
        },
    )
    .await;
    h.systemic(
        "sys-1",
        manager("team-a"),
        t("2026-03-27T10:00:00Z"),
        SystemicAction::AddAction {
            action_id: "a1".into(),
            problem: "queue missed".into(),
            action: "daily check".into(),
            lead: "ops lead".into(),
            target_date: d("2026-04-30"),
        },
    )
    .await;
    h.systemic(
        "sys-1",
        manager("team-a"),
        t("2026-04-02T10:00:00Z"),
        SystemicAction::RecordProgress {
            action_id: "a1".into(),
            update: "checks started".into(),
        },
    )
    .await;
    h.sync().await;
    let issues = h
        .read
        .systemic_issues(Some("team-a"), true)
        .await
        .expect("log");
    assert_eq!(issues.len(), 1);
    assert_eq!(issues[0].complaints, vec!["c-1", "c-2", "c-3"]);
    assert_eq!(issues[0].from_alert.as_deref(), Some(national.as_str()));
    assert_eq!(issues[0].actions[0].progress.len(), 1);
    let alerts = h
        .read
        .trend_alerts(t("2026-03-27T10:00:00Z"), true, None)
        .await
        .expect("alerts");
    assert_eq!(
        alerts
            .iter()
            .find(|a| a.alert_id == national)
            .and_then(|a| a.issue_id.clone()),
        Some("sys-1".into())
    );
    h.systemic(
        "sys-1",
        manager("team-a"),
        t("2026-04-10T10:00:00Z"),
        SystemicAction::Resolve {
            summary: "fixed".into(),
        },
    )
    .await;
    h.sync().await;
    assert!(h
        .read
        .systemic_issues(None, true)
        .await
        .expect("log")
        .is_empty());
    assert_eq!(
        h.read.systemic_issues(None, false).await.expect("log")[0].status,
        "resolved"
    );
    h.stop().await;
}
both!(trend_alerts_and_systemic_log);

/// Case history: who did what when; personal data only when asked, and kept apart.
async fn case_history(backend: Backend) {
    let h = Harness::start(backend).await;
    decided(
        &h,
        "c-1",
        "team-a",
        Region::EnglandAndWales,
        "2026-03-02T09:00:00Z",
        &[false],
    )
    .await;
    h.sync().await;
    let history = h.read.case_history("c-1", false).await.expect("history");
    assert_eq!(history.len(), 6);
    assert_eq!(history[0].event_type, "ComplaintReceived");
    assert_eq!(history[0].actor_user_id.as_deref(), Some("u-crm-team-a"));
    assert_eq!(history[0].actor_role.as_deref(), Some("crm"));
    assert_eq!(history[0].occurred_at, Some(t("2026-03-02T09:00:00Z")));
    assert!(history[0].command_id.is_some());
    let text = serde_json::to_string(&history).expect("json");
    for s in SECRETS {
        assert!(!text.contains(s), "history without personal data leaks {s}");
    }
    let with = h.read.case_history("c-1", true).await.expect("history");
    let personal = with[0]
        .personal
        .as_ref()
        .expect("personal for authorised roles");
    assert_eq!(personal["name"], SECRET_NAME);
    assert!(with[1].personal.is_none());
    h.stop().await;
}
both!(case_history);

/// SPEC P1: a distinctive complainant reaches no reporting table.
async fn reporting_tables_hold_no_personal_data(backend: Backend) {
    let h = Harness::start(backend).await;
    decided(
        &h,
        "c-1",
        "team-a",
        Region::EnglandAndWales,
        "2026-03-02T09:00:00Z",
        &[true],
    )
    .await;
    h.exec(
        "c-1",
        crm("team-a"),
        t("2026-03-06T10:00:00Z"),
        communicate(),
    )
    .await;
    h.exec(
        "c-1",
        crm("team-a"),
        t("2026-03-06T11:00:00Z"),
        ComplaintAction::Signpost,
    )
    .await;
    h.exec(
        "c-1",
        crm("team-a"),
        t("2026-03-06T12:00:00Z"),
        ComplaintAction::AddRepresentative {
            representative_id: "r1".into(),
            organisation: "Citizens Advice".into(),
            consent_scope: "all matters".into(),
            explicit_consent: true,
            personal: RepresentativePersonal {
                name: SECRET_NAME.into(),
                contact: Some(SECRET_PHONE.into()),
            },
        },
    )
    .await;
    for (id, at) in [
        ("c-2", "2026-03-03T09:00:00Z"),
        ("c-3", "2026-03-04T09:00:00Z"),
    ] {
        h.exec(
            id,
            crm("team-a"),
            t(at),
            receive(
                id,
                t(at),
                "team-a",
                Region::EnglandAndWales,
                &["payment_delay"],
            ),
        )
        .await;
    }
    h.sync().await;
    let mut rows_seen = 0;
    for table in REPORTING_TABLES {
        for row in h.read.reader().dump_table(table).await.expect(table) {
            rows_seen += 1;
            for cell in row {
                for s in SECRETS {
                    assert!(
                        !cell.contains(s),
                        "{table} holds personal data `{s}`: {cell}"
                    );
                }
            }
        }
    }
    assert!(
        rows_seen > 10,
        "the scan saw the tables filled ({rows_seen} rows)"
    );
    h.stop().await;
}
both!(reporting_tables_hold_no_personal_data);

/// SPEC D7: an operator's holiday moves every open deadline of the region, not history.
/// The domain only moves deadlines still open at the command's `now` (the reactor runs at
/// the wall clock), so this scenario is set in the present.
async fn d7_calendar_adjustment_recalculates_open_deadlines(backend: Backend) {
    let h = Harness::start(backend).await;
    let scot = redress_calendar::Calendar::for_region(Region::Scotland);
    let r = Utc::now() - chrono::Duration::minutes(30);
    let today = redress_calendar::local_date(r);
    for (id, region) in [
        ("c-1", Region::Scotland),
        ("c-2", Region::Scotland),
        ("c-3", Region::EnglandAndWales),
    ] {
        h.exec(
            id,
            crm("team-a"),
            r,
            receive(id, r, "team-a", region, &["decision"]),
        )
        .await;
    }
    let step = |m: i64| r + chrono::Duration::seconds(m);
    h.exec("c-1", crm("team-a"), step(1), initial_contact(1))
        .await;
    // c-2 communicated its outcome already: its response deadline is history.
    h.exec("c-2", crm("team-a"), step(1), initial_contact(1))
        .await;
    h.exec("c-2", crm("team-a"), step(2), evidence()).await;
    h.exec("c-2", crm("team-a"), step(3), root_cause()).await;
    h.exec("c-2", crm("team-a"), step(4), findings(&[false]))
        .await;
    h.exec("c-2", crm("team-a"), step(5), decide(Outcome::NotUpheld))
        .await;
    h.exec("c-2", crm("team-a"), step(6), communicate()).await;
    h.sync().await;
    let response_due = |id: &'static str| {
        let h = &h;
        async move {
            h.read
                .deadlines_due_between(&DueBetweenRequest {
                    from: t("2020-01-01T00:00:00Z"),
                    to: t("2035-01-01T00:00:00Z"),
                    as_of: Utc::now(),
                    filter: DeadlineFilter::All,
                    page_size: 100,
                    page_token: String::new(),
                })
                .await
                .expect("due")
                .items
                .into_iter()
                .filter(|x| x.complaint_id == id && x.kind == DeadlineKind::Response)
                .map(|x| x.due)
                .collect::<Vec<DateTime<Utc>>>()
        }
    };
    let before: Vec<_> = [
        response_due("c-1").await,
        response_due("c-2").await,
        response_due("c-3").await,
    ]
    .concat();
    // The operator closes the 5th working day from today in Scotland.
    let closure = scot.add_working_days(scot.next_working_day_on_or_after(today), 5);
    h.calendar(
        admin(),
        Utc::now(),
        CalendarAdjustmentAction::AddHoliday {
            region: Region::Scotland,
            date: closure,
            name: "One-off holiday".into(),
            reason: "proclamation".into(),
        },
    )
    .await;
    h.sync().await;
    let stored = adjustments(h.read.reader()).await.expect("adjustments");
    assert_eq!(stored.len(), 1);
    assert!(!stored[0].recalculated);
    let cals = load_calendars(h.read.reader()).await.expect("calendars");
    assert!(!cals.get(Region::Scotland).is_working_day(closure));

    let report = recalculate_open_deadlines(
        &h.store,
        h.services.policies.clone(),
        Duration::from_secs(30),
    )
    .await
    .expect("reactor");
    assert_eq!(report.adjustments, 1);
    // c-1 (open, Scotland) moved; c-2 (Scotland) has no open deadline left to move.
    assert_eq!(report.recalculated, 1, "{report:?}");
    let again = recalculate_open_deadlines(
        &h.store,
        h.services.policies.clone(),
        Duration::from_secs(30),
    )
    .await
    .expect("reactor");
    assert_eq!(again.adjustments, 0, "each adjustment is recalculated once");
    h.sync().await;
    // c-1's response moves one working day later.
    let moved = response_due("c-1").await;
    let last_day = redress_calendar::local_date(before[0] - chrono::Duration::seconds(1));
    assert_eq!(
        moved,
        vec![end_of_day(
            cals.get(Region::Scotland).add_working_days(last_day, 1)
        )]
    );
    // c-2's met response is not rewritten; c-3 (England and Wales) is untouched.
    assert_eq!(response_due("c-2").await, vec![before[1]]);
    assert_eq!(response_due("c-3").await, vec![before[2]]);
    // Rebuilding the adjustments read model re-runs the reactor as replays: no new events.
    h.store
        .request_rebuild(redress_projections::calendar::CALENDAR_ADJUSTMENTS)
        .await
        .expect("rebuild");
    tokio::time::sleep(Duration::from_millis(300)).await;
    h.sync().await;
    let replay = recalculate_open_deadlines(
        &h.store,
        h.services.policies.clone(),
        Duration::from_secs(30),
    )
    .await
    .expect("reactor");
    assert_eq!(replay.adjustments, 1);
    assert_eq!(replay.recalculated, 0, "{replay:?}");
    assert_eq!(response_due("c-1").await, moved);
    h.stop().await;
}
both!(d7_calendar_adjustment_recalculates_open_deadlines);
