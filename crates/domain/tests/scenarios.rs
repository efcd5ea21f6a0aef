//! Whole-life scenarios: a complaint from receipt to closure along each path the issue
//! names, plus two Scottish receipts whose deadlines are worked out by hand.

mod common;

use common::*;
use cqrs_es::DomainEvent;
use redress_calendar::Region;
use redress_domain::*;

fn types(case: &Case) -> Vec<String> {
    case.events.iter().map(|e| e.event_type()).collect()
}

fn close(case: &mut Case, actor: Actor, at: &str) {
    case.ok(actor.clone(), at, ComplaintAction::Signpost);
    case.ok(actor, at, ComplaintAction::Close);
    assert_eq!(case.state.status, CaseStatus::Closed);
}

#[test]
fn scenario_resolved_at_first_contact() {
    // SPEC C14: the outcome and signposting still apply.
    let mut case = Case::received(ComplaintFlags::default());
    case.ok(crm(), "2026-03-02T10:00:00Z", evidence("e1", true));
    case.ok(
        crm(),
        "2026-03-02T10:30:00Z",
        ComplaintAction::RecordInitialContact {
            method: ContactMethod::Phone,
            suitability_checked: false,
            offered_direct_contact: true,
            issues: issues(1),
            resolution_sought: "explanation of the deduction".into(),
            resolved_at_first_contact: true,
        },
    );
    case.ok(crm(), "2026-03-02T10:35:00Z", findings(&[false]));
    case.ok(crm(), "2026-03-02T10:40:00Z", decide(Outcome::NotUpheld));
    case.ok(
        crm(),
        "2026-03-02T10:45:00Z",
        communicate(ContactMethod::Phone),
    );
    close(&mut case, crm(), "2026-03-02T10:50:00Z");
    assert_eq!(
        types(&case),
        [
            "ComplaintReceived",
            "InvestigationStepRecorded",
            "InitialContactRecorded",
            "FindingsRecorded",
            "OutcomeDecided",
            "OutcomeCommunicated",
            "SignpostedToCcrt",
            "ComplaintClosed"
        ]
    );
}

#[test]
fn scenario_upheld_with_special_payment_within_dfa() {
    let mut case = Case::decided(&[true, true], Outcome::Upheld);
    case.ok(crm(), "2026-03-06T11:00:00Z", redress());
    case.ok(
        crm(),
        "2026-03-06T11:05:00Z",
        award("p1", PaymentKind::ActualFinancialLoss, 4250),
    );
    case.ok(
        crm(),
        "2026-03-06T11:06:00Z",
        award("p2", PaymentKind::Consolatory, 5000),
    );
    let ev = only(case.ok(
        crm(),
        "2026-03-09T10:00:00Z",
        ComplaintAction::CommunicateOutcome {
            method: ContactMethod::Phone,
            suitability_checked: false,
            payment_explanation: Some("£92.50 by bank transfer within 5 working days".into()),
        },
    ));
    assert!(matches!(
        ev,
        ComplaintEvent::OutcomeCommunicated {
            within_target: true,
            ..
        }
    ));
    close(&mut case, crm(), "2026-03-09T10:10:00Z");
    assert_eq!(
        case.state.delegated_total(PaymentKind::ActualFinancialLoss),
        4250
    );
    assert_eq!(case.state.delegated_total(PaymentKind::Consolatory), 5000);
}

#[test]
fn scenario_above_dfa_referral_approved_for_a_different_amount() {
    let mut case = Case::decided(&[true, false], Outcome::PartUpheld);
    case.ok(crm(), "2026-03-06T11:00:00Z", redress());
    assert!(case
        .run(cmd(
            crm(),
            "2026-03-06T11:05:00Z",
            award("p1", PaymentKind::ActualFinancialLoss, 60000)
        ))
        .is_err());
    case.ok(
        crm(),
        "2026-03-06T11:05:00Z",
        refer("p1", PaymentKind::ActualFinancialLoss, 60000),
    );
    // Evidence insufficient: the customer is first invited to supply more.
    case.ok(
        crm(),
        "2026-03-06T12:00:00Z",
        ComplaintAction::InviteFurtherEvidence {
            note: "rent arrears statement".into(),
        },
    );
    case.ok(
        crm(),
        "2026-03-11T12:00:00Z",
        ComplaintAction::RecordFurtherEvidence {
            note: "statement received".into(),
        },
    );
    let ev = only(case.ok(
        spt(),
        "2026-03-12T15:00:00Z",
        ComplaintAction::DecideSpecialPayment {
            payment_id: "p1".into(),
            decision: SptDecision::Approve {
                amount_pence: 45000,
            },
        },
    ));
    assert!(matches!(
        ev,
        ComplaintEvent::SpecialPaymentApproved {
            requested_pence: 60000,
            approved_pence: 45000,
            ..
        }
    ));
    case.ok(
        crm(),
        "2026-03-13T10:00:00Z",
        ComplaintAction::CommunicateOutcome {
            method: ContactMethod::Phone,
            suitability_checked: false,
            payment_explanation: Some("£450 approved by the Special Payment Team".into()),
        },
    );
    close(&mut case, crm(), "2026-03-13T10:10:00Z");
}

fn staff_case_with_plan(agreed_at: &str) -> Case {
    let staff = ComplaintFlags {
        about_staff: true,
        ..ComplaintFlags::default()
    };
    let mut case = Case::received(staff);
    case.ok(
        crm(),
        "2026-03-03T10:00:00Z",
        initial_contact(ContactMethod::Letter, 1),
    );
    case.ok(
        crm(),
        agreed_at,
        ComplaintAction::AgreeResolutionPlan {
            target_date: redress_domain_date("2026-04-17"),
            actions: "obtain HR assurance, then reply in writing".into(),
        },
    );
    case.ok(crm(), "2026-04-01T10:00:00Z", evidence("e1", true));
    case.ok(
        crm(),
        "2026-04-02T10:00:00Z",
        ComplaintAction::RecordStaffAssurance {
            obtained: true,
            note: "HR guidance followed".into(),
        },
    );
    case.ok(crm(), "2026-04-02T11:00:00Z", root_cause());
    case.ok(crm(), "2026-04-02T12:00:00Z", findings(&[false]));
    case.ok(crm(), "2026-04-07T10:00:00Z", decide(Outcome::NotUpheld));
    case
}

fn redress_domain_date(s: &str) -> chrono::NaiveDate {
    d(s)
}

#[test]
fn scenario_staff_complaint_plan_agreed_before_due_date_meets_the_target() {
    let mut case = staff_case_with_plan("2026-03-20T10:00:00Z");
    assert!(matches!(
        case.events[2],
        ComplaintEvent::ResolutionPlanAgreed {
            counts_as_met: true,
            ..
        }
    ));
    // Response on 8 April: after the original due (24 March) but within the plan date.
    let ev = only(case.ok(
        crm(),
        "2026-04-08T10:00:00Z",
        communicate(ContactMethod::Letter),
    ));
    assert!(
        matches!(ev, ComplaintEvent::OutcomeCommunicated { within_target: true, response_due, .. } if response_due == t("2026-04-17T23:00:00Z"))
    );
    close(&mut case, crm(), "2026-04-08T10:10:00Z");
}

#[test]
fn scenario_staff_complaint_plan_agreed_after_due_date_breach_stands() {
    let mut case = staff_case_with_plan("2026-03-26T10:00:00Z");
    assert!(matches!(
        case.events[2],
        ComplaintEvent::ResolutionPlanAgreed {
            counts_as_met: false,
            ..
        }
    ));
    let ev = only(case.ok(
        crm(),
        "2026-04-08T10:00:00Z",
        communicate(ContactMethod::Letter),
    ));
    assert!(matches!(
        ev,
        ComplaintEvent::OutcomeCommunicated {
            within_target: false,
            ..
        }
    ));
    close(&mut case, crm(), "2026-04-08T10:10:00Z");
}

#[test]
fn scenario_not_upheld_then_proactively_escalated() {
    let mut case = Case::tier1_not_upheld_communicated();
    case.ok(crm(), "2026-03-09T10:05:00Z", ComplaintAction::Signpost);
    case.ok(
        crm(),
        "2026-03-09T10:30:00Z",
        ComplaintAction::HoldCaseConference {
            attendees: vec!["u-crm".into(), "u-mgr".into()],
            decision: "customer still dissatisfied; escalate proactively".into(),
        },
    );
    case.ok(
        crm(),
        "2026-03-09T11:00:00Z",
        escalate("2026-03-09T11:00:00Z", EscalationReason::Proactive, true),
    );
    assert_eq!(case.state.tier(), Tier::Tier2);
    assert_eq!(case.state.status, CaseStatus::Open);
    assert_eq!(case.state.tiers.len(), 2);
}

#[test]
fn scenario_tier2_justified_with_ice_signposting_and_window() {
    let mut case = Case::tier1_not_upheld_communicated();
    close(&mut case, crm(), "2026-03-09T10:05:00Z");
    case.ok(
        ccrt(),
        "2026-03-16T09:00:00Z",
        escalate(
            "2026-03-16T09:00:00Z",
            EscalationReason::CustomerRequest,
            true,
        ),
    );
    case.ok(
        ccrt(),
        "2026-03-17T10:00:00Z",
        initial_contact(ContactMethod::Phone, 1),
    );
    case.ok(ccrt(), "2026-03-18T10:00:00Z", evidence("e2", true));
    case.ok(ccrt(), "2026-03-19T10:00:00Z", root_cause());
    case.ok(ccrt(), "2026-03-19T11:00:00Z", findings(&[true]));
    case.ok(ccrt(), "2026-03-20T10:00:00Z", decide(Outcome::Justified));
    // Justified: positive feedback to the tier-1 CRT on its handling.
    case.ok(
        ccrt(),
        "2026-03-20T11:00:00Z",
        ComplaintAction::AgreeFeedbackAction {
            action_id: "f1".into(),
            to_team: TEAM.into(),
            recommendation: "handling was right; share the approach".into(),
            deadline: FeedbackDeadline::Simple,
        },
    );
    case.ok(
        ccrt(),
        "2026-03-23T10:00:00Z",
        communicate(ContactMethod::Phone),
    );
    let ev = only(case.ok(ccrt(), "2026-03-23T10:05:00Z", ComplaintAction::Signpost));
    // Final response Mon 23 March + 6 months = 23 September, due at its end (BST).
    assert!(
        matches!(ev, ComplaintEvent::SignpostedToIce { ice_window_ends, tier: Tier::Tier2, .. } if ice_window_ends == t("2026-09-23T23:00:00Z"))
    );
    case.ok(ccrt(), "2026-03-23T10:10:00Z", ComplaintAction::Close);
    assert_eq!(case.state.ice_window_ends, Some(t("2026-09-23T23:00:00Z")));
    // The tier-1 CRT confirms after closure.
    case.ok(
        ccrt(),
        "2026-03-25T10:00:00Z",
        ComplaintAction::ConfirmFeedbackAction {
            action_id: "f1".into(),
            note: "shared at team meeting".into(),
        },
    );
}

#[test]
fn scenario_single_tier_policy() {
    let mut case = Case::new(services_with(|p| {
        p.ladder = Ladder::SingleTier;
        p.version = "2026.1-single".into();
    }));
    let ev = case.ok(crm(), RECEIVED, receive(ComplaintFlags::default()));
    assert!(
        matches!(&ev[0], ComplaintEvent::Received { policy_version, .. } if policy_version == "2026.1-single")
    );
    case.ok(
        crm(),
        "2026-03-03T10:00:00Z",
        initial_contact(ContactMethod::Phone, 1),
    );
    case.ok(crm(), "2026-03-04T10:00:00Z", evidence("e1", true));
    case.ok(crm(), "2026-03-05T10:00:00Z", root_cause());
    case.ok(crm(), "2026-03-05T11:00:00Z", findings(&[true]));
    case.ok(crm(), "2026-03-06T10:00:00Z", decide(Outcome::Upheld));
    case.ok(crm(), "2026-03-06T10:30:00Z", redress());
    case.ok(
        crm(),
        "2026-03-09T10:00:00Z",
        communicate(ContactMethod::Phone),
    );
    let ev = only(case.ok(crm(), "2026-03-09T10:05:00Z", ComplaintAction::Signpost));
    assert_eq!(ev.event_type(), "SignpostedToIce");
    case.ok(crm(), "2026-03-09T10:10:00Z", ComplaintAction::Close);
    case.ok(
        crm(),
        "2026-04-09T10:10:00Z",
        ComplaintAction::RecordReferral {
            body: ReferralBody::Ice,
            reference: "ICE-9".into(),
        },
    );
}

#[test]
fn scenario_withdrawal() {
    let mut case = Case::received(ComplaintFlags::default());
    case.ok(
        crm(),
        "2026-03-03T10:00:00Z",
        initial_contact(ContactMethod::Phone, 1),
    );
    let ev = only(case.ok(
        crm(),
        "2026-03-04T10:00:00Z",
        ComplaintAction::Withdraw {
            reason: "payment arrived".into(),
        },
    ));
    assert!(matches!(
        ev,
        ComplaintEvent::Withdrawn {
            tier: Tier::Tier1,
            ..
        }
    ));
    assert_eq!(case.state.status, CaseStatus::Withdrawn);
    assert!(case
        .run(cmd(crm(), "2026-03-05T10:00:00Z", ComplaintAction::Close))
        .is_err());
}

fn scottish_receipt(
    received_at: &str,
) -> (chrono::DateTime<chrono::Utc>, chrono::DateTime<chrono::Utc>) {
    let mut case = Case::new(services());
    let ev = case.ok(
        Actor::new("u-crm", Role::Crm, TEAM),
        received_at,
        receive_at(
            received_at,
            Region::Scotland,
            ComplaintFlags::default(),
            &["payment_delay"],
        ),
    );
    match &ev[0] {
        ComplaintEvent::Received {
            initial_contact_due,
            response_due,
            ..
        } => (*initial_contact_due, *response_due),
        other => panic!("unexpected {other:?}"),
    }
}

/// Received Friday 24 December 2027, 15:00 GMT, Scotland.
///
/// Scottish bank holidays around it: Sat 25 Dec -> Christmas substitute Mon 27 Dec; Boxing
/// Day Sun 26 Dec -> substitute Tue 28 Dec; Sat 1 Jan 2028 -> substitute Mon 3 Jan; Sun 2 Jan
/// -> substitute Tue 4 Jan.
///
/// 48 working hours (D1): Fri 24 Dec 15:00-24:00 = 9 h; Sat 25 - Tue 28 consume nothing;
/// Wed 29 Dec 24 h (33 h); the remaining 15 h end Thu 30 Dec 15:00 GMT.
///
/// 15 working days (D2, receipt day is day 0): Wed 29 (1), Thu 30 (2), Fri 31 Dec (3);
/// Sat 1 - Tue 4 Jan skipped; Wed 5 (4), Thu 6 (5), Fri 7 (6), Mon 10 (7), Tue 11 (8),
/// Wed 12 (9), Thu 13 (10), Fri 14 (11), Mon 17 (12), Tue 18 (13), Wed 19 (14),
/// Thu 20 Jan 2028 (15): due at the end of Thursday 20 January 2028 = 2028-01-21T00:00Z.
#[test]
fn scenario_scotland_received_friday_24_december_2027() {
    let (initial, response) = scottish_receipt("2027-12-24T15:00:00Z");
    assert_eq!(initial, t("2027-12-30T15:00:00Z"));
    assert_eq!(response, t("2028-01-21T00:00:00Z"));
}

/// Received Saturday 13 June 2026, 10:00 BST (09:00 UTC), Scotland.
///
/// Scotland has a one-off bank holiday on Monday 15 June 2026.
///
/// 48 working hours (D1): Sat 13, Sun 14 and Mon 15 June consume nothing; Tue 16 June
/// 24 h, Wed 17 June 24 h: due at the end of Wednesday 17 June = 2026-06-17T23:00Z (BST).
///
/// 15 working days (D2): a non-working receipt day counts from the next working day,
/// Tue 16 June (day 0). Wed 17 (1), Thu 18 (2), Fri 19 (3), Mon 22 (4), Tue 23 (5),
/// Wed 24 (6), Thu 25 (7), Fri 26 (8), Mon 29 (9), Tue 30 June (10), Wed 1 July (11),
/// Thu 2 (12), Fri 3 (13), Mon 6 (14), Tue 7 July (15): due at the end of Tuesday 7 July
/// 2026 = 2026-07-07T23:00Z (BST).
#[test]
fn scenario_scotland_received_saturday_13_june_2026() {
    let (initial, response) = scottish_receipt("2026-06-13T09:00:00Z");
    assert_eq!(initial, t("2026-06-17T23:00:00Z"));
    assert_eq!(response, t("2026-07-07T23:00:00Z"));
}

#[test]
fn d8_a_complaint_keeps_the_policy_version_it_was_received_under() {
    // Received under 2026.1 (tier-1 target 15 days); a later policy (v2, 10 days, no such
    // categories change) becomes current: the old complaint still decides under 2026.1.
    let old = Policy::default_policy();
    let mut newer = Policy::default_policy();
    newer.version = "2027.1".into();
    newer.dfa.consolatory_pence = 5000;
    let services_old = DomainServices::new(
        PolicyBook::single(old.clone()),
        redress_calendar::Calendars::standard(),
    );
    let mut case = Case::new(services_old);
    case.ok(
        crm(),
        "2026-03-02T09:00:00Z",
        receive(ComplaintFlags::default()),
    );
    case.services = DomainServices::new(
        PolicyBook::new(vec![old, newer], "2027.1").expect("book"),
        redress_calendar::Calendars::standard(),
    );
    case.ok(
        crm(),
        "2026-03-03T10:00:00Z",
        initial_contact(ContactMethod::Phone, 1),
    );
    case.ok(crm(), "2026-03-04T10:00:00Z", evidence("e1", true));
    case.ok(crm(), "2026-03-05T10:00:00Z", root_cause());
    case.ok(crm(), "2026-03-05T11:00:00Z", findings(&[true]));
    case.ok(crm(), "2026-03-06T10:00:00Z", decide(Outcome::Upheld));
    // 80 pounds is within the 2026.1 consolatory DFA (100) though above 2027.1's (50).
    case.ok(
        crm(),
        "2026-03-06T11:00:00Z",
        award("p1", PaymentKind::Consolatory, 8000),
    );
    // A book missing the version refuses with a clear error.
    case.services = DomainServices::new(
        PolicyBook::single({
            let mut p = Policy::default_policy();
            p.version = "2099.1".into();
            p
        }),
        redress_calendar::Calendars::standard(),
    );
    let err = case
        .run(cmd(crm(), "2026-03-06T12:00:00Z", redress()))
        .expect_err("unknown version");
    assert_eq!(
        err,
        DomainError::UnknownPolicyVersion {
            version: "2026.1".into()
        }
    );
}
