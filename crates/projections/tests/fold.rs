//! Pure folds on event sequences (no database): the case summary behind the deadlines,
//! timeliness, payments, signposting and caseload read models, and the D5 time boundaries.

mod common;

use chrono::{DateTime, Duration, Utc};
use common::*;
use cqrs_es::Aggregate;
use proptest::prelude::*;
use redress_calendar::{end_of_day, Calendar, Region};
use redress_domain::*;
use redress_projections::case::{CaseState, CaseSummary, DeadlineKind, PaymentState};
use redress_projections::models::timeliness_contribution;
use redress_projections::queries::at_risk_limit;

/// Runs commands through the aggregate's pure `decide` + `apply`.
struct Case {
    services: DomainServices,
    state: Complaint,
    events: Vec<ComplaintEvent>,
}

impl Case {
    fn new() -> Self {
        Case {
            services: DomainServices::standard(),
            state: Complaint::default(),
            events: Vec::new(),
        }
    }
    fn ok(&mut self, actor: Actor, at: &str, action: ComplaintAction) -> &mut Self {
        let name = action.name();
        let command = ComplaintCommand::new(CommandMeta::new(actor, t(at), t(at)), action);
        let events = self
            .state
            .decide(command, &self.services)
            .unwrap_or_else(|e| panic!("{name} refused: {e}"));
        for e in &events {
            self.state.apply(e.clone());
        }
        self.events.extend(events);
        self
    }
    fn summary(&self) -> CaseSummary {
        CaseSummary::fold(&self.events).expect("received")
    }
}

const TEAM: &str = "team-a";

/// Received Mon 2 March 2026 09:00 (E&W): contact due Wed 4 March 09:00, response due end of
/// Mon 23 March.
fn received() -> Case {
    let mut c = Case::new();
    c.ok(
        crm(TEAM),
        "2026-03-02T09:00:00Z",
        receive(
            "c-1",
            t("2026-03-02T09:00:00Z"),
            TEAM,
            Region::EnglandAndWales,
            &["payment_delay"],
        ),
    );
    c
}

fn decided(upheld: &[bool]) -> Case {
    let mut c = received();
    c.ok(
        crm(TEAM),
        "2026-03-03T10:00:00Z",
        initial_contact(upheld.len()),
    )
    .ok(crm(TEAM), "2026-03-04T10:00:00Z", evidence())
    .ok(crm(TEAM), "2026-03-05T10:00:00Z", root_cause())
    .ok(crm(TEAM), "2026-03-05T11:00:00Z", findings(upheld))
    .ok(
        crm(TEAM),
        "2026-03-06T10:00:00Z",
        decide(outcome_for(upheld)),
    );
    c
}

#[test]
fn d1_d2_receipt_opens_initial_contact_and_response_deadlines() {
    let s = received().summary();
    assert_eq!(s.state, CaseState::Open);
    assert_eq!(s.deadlines.len(), 2);
    let ic = &s.deadlines[0];
    assert_eq!(ic.kind, DeadlineKind::InitialContact);
    assert_eq!(ic.due, t("2026-03-04T09:00:00Z"));
    let resp = &s.deadlines[1];
    assert_eq!(resp.kind, DeadlineKind::Response);
    assert_eq!(resp.due, end_of_day(d("2026-03-23")));
    assert_eq!(
        s.next_deadline().map(|d| d.kind),
        Some(DeadlineKind::InitialContact)
    );
}

#[test]
fn c2_initial_contact_marks_the_deadline_done_and_counts_within_48h() {
    let mut c = received();
    c.ok(crm(TEAM), "2026-03-03T10:00:00Z", initial_contact(1));
    let s = c.summary();
    assert_eq!(s.deadlines[0].done, Some(t("2026-03-03T10:00:00Z")));
    assert_eq!(s.tiers[0].initial_contact_within, Some(true));
    let m = timeliness_contribution(&s);
    assert_eq!(
        m.get(&("2026-03-03".into(), TEAM.into(), "tier1", "ic_total".into())),
        Some(&1)
    );
    assert_eq!(
        m.get(&(
            "2026-03-03".into(),
            TEAM.into(),
            "tier1",
            "ic_within".into()
        )),
        Some(&1)
    );
}

#[test]
fn c5_d3_a_timely_plan_meets_the_response_target_and_becomes_the_tracked_deadline() {
    let mut c = received();
    c.ok(crm(TEAM), "2026-03-03T10:00:00Z", initial_contact(1))
        .ok(
            crm(TEAM),
            "2026-03-20T10:00:00Z",
            ComplaintAction::AgreeResolutionPlan {
                target_date: d("2026-04-10"),
                actions: "review the payment".into(),
            },
        );
    let s = c.summary();
    let resp = s
        .deadlines
        .iter()
        .find(|d| d.kind == DeadlineKind::Response)
        .expect("response");
    assert_eq!(resp.done, Some(t("2026-03-20T10:00:00Z")));
    let plan = s
        .deadlines
        .iter()
        .find(|d| d.kind == DeadlineKind::ResolutionPlan)
        .expect("plan");
    assert_eq!(plan.due, end_of_day(d("2026-04-10")));
    assert!(plan.is_open());
    assert_eq!(s.tiers[0].plan_counts_as_met, Some(true));
    assert_eq!(
        s.next_deadline().map(|d| d.kind),
        Some(DeadlineKind::ResolutionPlan)
    );
    let cal = Calendar::for_region(Region::EnglandAndWales);
    assert_eq!(
        status_as_of(
            &cal,
            resp.due,
            resp.done,
            resp.stopped,
            3,
            t("2026-05-01T00:00:00Z")
        ),
        DeadlineStatus::Met
    );
}

#[test]
fn c10_communicating_the_outcome_completes_the_response_and_counts_timeliness() {
    let mut c = decided(&[false]);
    c.ok(crm(TEAM), "2026-03-09T10:00:00Z", communicate());
    let s = c.summary();
    let resp = s
        .deadlines
        .iter()
        .find(|d| d.kind == DeadlineKind::Response)
        .expect("response");
    assert_eq!(resp.done, Some(t("2026-03-09T10:00:00Z")));
    assert_eq!(s.tiers[0].outcome, Some(Outcome::NotUpheld));
    assert_eq!(s.tiers[0].response_within, Some(true));
    let m = timeliness_contribution(&s);
    let k = |metric: &str| {
        (
            "2026-03-09".to_string(),
            TEAM.to_string(),
            "tier1",
            metric.to_string(),
        )
    };
    assert_eq!(m.get(&k("resp_total")), Some(&1));
    assert_eq!(m.get(&k("resp_within")), Some(&1));
    assert_eq!(m.get(&k("t1_responses")), Some(&1));
    assert_eq!(m.get(&k("t1_escalated")), None);
    assert_eq!(
        m.get(&(
            "2026-03-06".into(),
            TEAM.into(),
            "tier1",
            "outcome:not_upheld".into()
        )),
        Some(&1)
    );
}

#[test]
fn t1_escalation_opens_tier2_deadlines_and_counts_toward_the_escalation_rate() {
    let mut c = decided(&[false]);
    c.ok(crm(TEAM), "2026-03-09T10:00:00Z", communicate())
        .ok(crm(TEAM), "2026-03-09T11:00:00Z", ComplaintAction::Signpost)
        .ok(crm(TEAM), "2026-03-10T10:00:00Z", ComplaintAction::Close)
        .ok(
            ccrt(),
            "2026-03-16T10:00:00Z",
            ComplaintAction::EscalateToTier2 {
                escalation_received_at: t("2026-03-16T09:00:00Z"),
                reason: EscalationReason::CustomerRequest,
                customer_remains_dissatisfied: true,
            },
        );
    let s = c.summary();
    assert_eq!(s.state, CaseState::Open);
    assert_eq!(s.tier(), Tier::Tier2);
    let t2: Vec<_> = s
        .deadlines
        .iter()
        .filter(|d| d.tier == Tier::Tier2)
        .collect();
    assert_eq!(t2.len(), 2);
    assert!(t2.iter().all(|d| d.is_open()));
    let m = timeliness_contribution(&s);
    assert_eq!(
        m.get(&(
            "2026-03-09".into(),
            TEAM.into(),
            "tier1",
            "t1_escalated".into()
        )),
        Some(&1)
    );
    assert_eq!(s.tiers[0].signpost_target, Some(SignpostTarget::Ccrt));
}

#[test]
fn c18_withdrawal_stops_the_case_clocks() {
    let mut c = received();
    c.ok(
        crm(TEAM),
        "2026-03-02T12:00:00Z",
        ComplaintAction::Withdraw {
            reason: "resolved elsewhere".into(),
        },
    );
    let s = c.summary();
    assert_eq!(s.state, CaseState::Withdrawn);
    assert!(s
        .deadlines
        .iter()
        .all(|d| d.stopped == Some(t("2026-03-02T12:00:00Z"))));
    assert!(s.next_deadline().is_none());
}

#[test]
fn c9_r4_payments_follow_award_referral_and_spt_decision() {
    let mut c = decided(&[true]);
    c.ok(crm(TEAM), "2026-03-06T11:00:00Z", redress())
        .ok(
            crm(TEAM),
            "2026-03-06T12:00:00Z",
            ComplaintAction::AwardSpecialPayment {
                payment_id: "p1".into(),
                kind: PaymentKind::Consolatory,
                amount_pence: 5000,
                reason: "distress".into(),
            },
        )
        .ok(
            crm(TEAM),
            "2026-03-06T13:00:00Z",
            ComplaintAction::ReferSpecialPayment {
                payment_id: "p2".into(),
                kind: PaymentKind::ActualFinancialLoss,
                amount_pence: 40000,
                reason: "bank charges".into(),
            },
        );
    let s = c.summary();
    assert_eq!(s.payments.len(), 2);
    assert_eq!(s.payments[0].state, PaymentState::AwardedDfa);
    assert_eq!(s.payments[1].state, PaymentState::PendingSpt);
    c.ok(
        spt(),
        "2026-03-07T10:00:00Z",
        ComplaintAction::DecideSpecialPayment {
            payment_id: "p2".into(),
            decision: SptDecision::Approve {
                amount_pence: 30000,
            },
        },
    );
    let s = c.summary();
    assert_eq!(s.payments[1].state, PaymentState::ApprovedSpt);
    assert_eq!(s.payments[1].amount_pence, 30000);
    assert_eq!(s.payments[1].requested_pence, 40000);
}

#[test]
fn c16_recategorisation_and_closure_set_the_reported_categories() {
    let mut c = received();
    c.ok(
        crm(TEAM),
        "2026-03-02T10:00:00Z",
        ComplaintAction::Recategorise {
            categories: vec!["decision".into(), "communication".into()],
            reason: "clarified".into(),
        },
    );
    assert_eq!(c.summary().categories, vec!["decision", "communication"]);
}

#[test]
fn p1_the_summary_holds_no_personal_data() {
    let c = decided(&[true, false]);
    let json = serde_json::to_string(&c.summary()).expect("json");
    for s in SECRETS {
        assert!(!json.contains(s), "summary leaks {s}");
    }
}

#[test]
fn d7_recalculation_moves_only_open_deadlines() {
    let mut c = received();
    c.ok(crm(TEAM), "2026-03-03T10:00:00Z", initial_contact(1));
    let before = c.summary();
    let ev = ComplaintEvent::DeadlinesRecalculated {
        meta: EventMeta {
            actor: admin(),
            occurred_at: t("2026-03-05T10:00:00Z"),
            recorded_at: t("2026-03-05T10:00:00Z"),
        },
        tier: Tier::Tier1,
        initial_contact_due: Some(DueChange {
            previous: t("2026-03-04T09:00:00Z"),
            new: t("2026-03-05T09:00:00Z"),
        }),
        response_due: Some(DueChange {
            previous: end_of_day(d("2026-03-23")),
            new: end_of_day(d("2026-03-24")),
        }),
    };
    let mut s = before.clone();
    s.apply(&ev);
    // The initial contact was already made: its history is not rewritten.
    assert_eq!(s.deadlines[0].due, before.deadlines[0].due);
    assert_eq!(s.deadlines[1].due, end_of_day(d("2026-03-24")));
}

// ------------------------------------------------------------------ D5 time boundaries

fn london(local: &str) -> DateTime<Utc> {
    redress_calendar::london_to_utc(local.parse().expect("local date-time"))
}

#[test]
fn d5_end_of_working_day_deadline_breaches_only_after_london_midnight() {
    let cal = Calendar::for_region(Region::EnglandAndWales);
    // Due at the end of Monday 23 March 2026 (GMT).
    let due = end_of_day(d("2026-03-23"));
    let st = |as_of| status_as_of(&cal, due, None, None, 3, as_of);
    assert_eq!(st(london("2026-03-23T23:59:59")), DeadlineStatus::AtRisk);
    assert_eq!(st(london("2026-03-24T00:00:01")), DeadlineStatus::Breached);
}

#[test]
fn d5_dst_march_deadline_end_is_midnight_bst() {
    let cal = Calendar::for_region(Region::EnglandAndWales);
    // Clocks go forward on Sunday 29 March 2026; Monday 30 March ends at 23:00 UTC.
    let due = end_of_day(d("2026-03-30"));
    assert_eq!(due, t("2026-03-30T23:00:00Z"));
    let st = |as_of| status_as_of(&cal, due, None, None, 3, as_of);
    assert_eq!(st(t("2026-03-30T22:59:59Z")), DeadlineStatus::AtRisk);
    assert_eq!(st(t("2026-03-30T23:00:01Z")), DeadlineStatus::Breached);
    // A limit computed for the query agrees at both instants.
    for as_of in [t("2026-03-30T22:59:59Z"), t("2026-03-30T23:00:01Z")] {
        assert!(due < at_risk_limit(&cal, as_of, 3));
    }
}

#[test]
fn d5_dst_october_deadline_end_is_midnight_gmt() {
    let cal = Calendar::for_region(Region::EnglandAndWales);
    // Clocks go back on Sunday 25 October 2026; Monday 26 October ends at 00:00 UTC on 27th.
    let due = end_of_day(d("2026-10-26"));
    assert_eq!(due, t("2026-10-27T00:00:00Z"));
    let st = |as_of| status_as_of(&cal, due, None, None, 3, as_of);
    assert_eq!(st(t("2026-10-26T23:59:59Z")), DeadlineStatus::AtRisk);
    assert_eq!(st(t("2026-10-27T00:00:01Z")), DeadlineStatus::Breached);
    // Friday 23 October (BST) ends at 23:00 UTC.
    let fri = end_of_day(d("2026-10-23"));
    assert_eq!(fri, t("2026-10-23T23:00:00Z"));
    assert_eq!(
        status_as_of(&cal, fri, None, None, 3, t("2026-10-23T22:59:59Z")),
        DeadlineStatus::AtRisk
    );
    assert_eq!(
        status_as_of(&cal, fri, None, None, 3, t("2026-10-23T23:00:01Z")),
        DeadlineStatus::Breached
    );
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    /// SPEC D5: the SQL range `due < at_risk_limit(as_of)` selects exactly the open
    /// deadlines whose status is at_risk or breached, in every region, across DST and
    /// bank holidays.
    #[test]
    fn d5_at_risk_limit_agrees_with_status_as_of(
        region in 0usize..3,
        as_of_min in 0i64..(2 * 366 * 24 * 60),
        due_offset_min in -(20i64 * 24 * 60)..(30 * 24 * 60),
        end_of_day_due in any::<bool>(),
        n in 0u32..6,
    ) {
        let region = Region::ALL[region];
        let cal = Calendar::for_region(region);
        let as_of = t("2026-01-01T00:00:00Z") + Duration::minutes(as_of_min);
        let mut due = as_of + Duration::minutes(due_offset_min);
        if end_of_day_due {
            due = end_of_day(redress_calendar::local_date(due));
        }
        let status = status_as_of(&cal, due, None, None, n, as_of);
        let flagged = matches!(status, DeadlineStatus::AtRisk | DeadlineStatus::Breached);
        prop_assert_eq!(due < at_risk_limit(&cal, as_of, n), flagged, "due {} as_of {} n {}", due, as_of, n);
    }
}

#[test]
fn summary_ignores_events_before_receipt() {
    let ev = ComplaintEvent::Withdrawn {
        meta: EventMeta {
            actor: crm(TEAM),
            occurred_at: t("2026-03-02T09:00:00Z"),
            recorded_at: t("2026-03-02T09:00:00Z"),
        },
        tier: Tier::Tier1,
        reason: "x".into(),
    };
    assert!(CaseSummary::fold([&ev]).is_none());
    let _ = Complaint::TYPE;
}
