//! Golden files pin the JSON of every event type: the events are the long-term record, so
//! an accidental rename of a variant or field must fail a test. The committed files under
//! `tests/golden/` are the truth; `UPDATE_GOLDEN=1 cargo test -p redress-domain --test golden`
//! regenerates them from the catalogue scenarios below (review the diff before committing).

mod common;

use std::collections::BTreeMap;
use std::path::PathBuf;

use chrono::NaiveDate;
use common::*;
use cqrs_es::DomainEvent;
use redress_calendar::Region;
use redress_domain::*;
use serde::de::DeserializeOwned;
use serde::Serialize;

fn golden_path(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/golden")
        .join(name)
}

/// First event of each type, keyed by its stable name.
fn catalogue<E: DomainEvent + Serialize>(events: &[E]) -> BTreeMap<String, serde_json::Value> {
    let mut map = BTreeMap::new();
    for e in events {
        map.entry(e.event_type())
            .or_insert_with(|| serde_json::to_value(e).expect("serialises"));
    }
    map
}

fn check<E>(file: &str, types: &[&str], generated: &[E])
where
    E: DomainEvent + Serialize + DeserializeOwned,
{
    let generated = catalogue(generated);
    let names: Vec<&str> = generated.keys().map(String::as_str).collect();
    let mut expected: Vec<&str> = types.to_vec();
    expected.sort_unstable();
    assert_eq!(
        names, expected,
        "the catalogue scenario must produce every event type once"
    );

    let path = golden_path(file);
    if std::env::var("UPDATE_GOLDEN").as_deref() == Ok("1") {
        let text = serde_json::to_string_pretty(&generated).expect("json") + "\n";
        std::fs::write(&path, text).expect("write golden file");
    }
    let text =
        std::fs::read_to_string(&path).expect("golden file exists (UPDATE_GOLDEN=1 creates it)");
    let committed: BTreeMap<String, serde_json::Value> =
        serde_json::from_str(&text).expect("golden JSON");
    let keys: Vec<&str> = committed.keys().map(String::as_str).collect();
    assert_eq!(keys, expected, "{file} must pin every event type");
    for (name, json) in &committed {
        // The committed JSON must still deserialise and serialise back byte-for-byte equal.
        let event: E = serde_json::from_value(json.clone())
            .unwrap_or_else(|e| panic!("{file}: {name} no longer deserialises: {e}"));
        assert_eq!(&event.event_type(), name, "{file}: stable name of {name}");
        assert_eq!(event.event_version(), "1");
        let again = serde_json::to_value(&event).expect("json");
        assert_eq!(&again, json, "{file}: serialisation of {name} changed");
    }
}

fn complaint_catalogue() -> Vec<ComplaintEvent> {
    let mut case = Case::new(services());
    let flags = ComplaintFlags {
        vulnerable: true,
        ..ComplaintFlags::default()
    };
    case.ok(crm(), RECEIVED, receive(flags));
    case.ok(
        crm(),
        "2026-03-02T10:00:00Z",
        ComplaintAction::RecordComplexNeeds {
            needs: vec![ComplexNeed::MentalHealth],
            note: "prefers written contact".into(),
        },
    );
    case.ok(
        crm(),
        "2026-03-02T10:05:00Z",
        ComplaintAction::RecordSafeguardingConcern {
            concern_id: "s1".into(),
            kinds: vec![ConcernKind::SuicideOrSelfHarm],
            immediate: true,
            escalated_to: vec![EscalatedTo::EmergencyServices],
            note: "999 called".into(),
        },
    );
    case.ok(
        manager(),
        "2026-03-02T11:00:00Z",
        ComplaintAction::ResolveSafeguardingConcern {
            concern_id: "s1".into(),
            resolution: "crisis team engaged".into(),
        },
    );
    case.ok(
        crm(),
        "2026-03-02T11:30:00Z",
        ComplaintAction::AddRepresentative {
            representative_id: "r1".into(),
            organisation: "Citizens Advice Leeds".into(),
            consent_scope: "this complaint".into(),
            explicit_consent: true,
            personal: RepresentativePersonal {
                name: "Sam Adviser".into(),
                contact: Some("0113 000 0000".into()),
            },
        },
    );
    case.ok(
        crm(),
        "2026-03-02T11:40:00Z",
        ComplaintAction::WithdrawConsent {
            representative_id: "r1".into(),
            reason: "customer asked".into(),
        },
    );
    case.ok(
        manager(),
        "2026-03-02T12:00:00Z",
        ComplaintAction::ReassignCaseManager {
            case_manager: "u-crm-2".into(),
        },
    );
    case.ok(
        crm(),
        "2026-03-03T10:00:00Z",
        ComplaintAction::RecordInitialContact {
            method: ContactMethod::Phone,
            suitability_checked: true,
            offered_direct_contact: true,
            issues: issues(2),
            resolution_sought: "payment and apology".into(),
            resolved_at_first_contact: false,
        },
    );
    case.ok(crm(), "2026-03-04T10:00:00Z", evidence("e1", false));
    case.ok(
        crm(),
        "2026-03-04T11:00:00Z",
        ComplaintAction::ValidateEvidence {
            evidence_id: "e1".into(),
        },
    );
    case.ok(
        crm(),
        "2026-03-04T12:00:00Z",
        ComplaintAction::RecordStaffAssurance {
            obtained: true,
            note: "not a staff complaint; recorded for completeness".into(),
        },
    );
    case.ok(
        crm(),
        "2026-03-05T10:00:00Z",
        ComplaintAction::AgreeResolutionPlan {
            target_date: NaiveDate::from_ymd_opt(2026, 3, 27).expect("date"),
            actions: "contributions from the service centre".into(),
        },
    );
    case.ok(
        crm(),
        "2026-03-06T10:00:00Z",
        ComplaintAction::ReviseResolutionPlan {
            target_date: NaiveDate::from_ymd_opt(2026, 4, 2).expect("date"),
            actions: "await contributions".into(),
            reason: "contribution delayed".into(),
        },
    );
    case.ok(
        crm(),
        "2026-03-09T10:00:00Z",
        ComplaintAction::Recategorise {
            categories: vec!["payment_delay".into(), "communication".into()],
            reason: "letters were also unclear".into(),
        },
    );
    case.ok(crm(), "2026-03-10T10:00:00Z", root_cause());
    case.ok(crm(), "2026-03-10T11:00:00Z", findings(&[true, false]));
    case.ok(crm(), "2026-03-11T10:00:00Z", decide(Outcome::PartUpheld));
    case.ok(crm(), "2026-03-11T11:00:00Z", redress());
    case.ok(
        crm(),
        "2026-03-11T12:00:00Z",
        award("p1", PaymentKind::ActualFinancialLoss, 1500),
    );
    case.ok(
        crm(),
        "2026-03-11T12:05:00Z",
        refer("p2", PaymentKind::Consolatory, 15000),
    );
    case.ok(
        crm(),
        "2026-03-11T12:10:00Z",
        refer("p3", PaymentKind::ActualFinancialLoss, 90000),
    );
    case.ok(
        crm(),
        "2026-03-12T10:00:00Z",
        ComplaintAction::InviteFurtherEvidence {
            note: "receipts for travel".into(),
        },
    );
    case.ok(
        crm(),
        "2026-03-16T10:00:00Z",
        ComplaintAction::RecordFurtherEvidence {
            note: "receipts received".into(),
        },
    );
    case.ok(
        spt(),
        "2026-03-17T10:00:00Z",
        ComplaintAction::DecideSpecialPayment {
            payment_id: "p2".into(),
            decision: SptDecision::Approve {
                amount_pence: 12000,
            },
        },
    );
    case.ok(
        spt(),
        "2026-03-17T10:05:00Z",
        ComplaintAction::DecideSpecialPayment {
            payment_id: "p3".into(),
            decision: SptDecision::Decline {
                reason: "loss not caused by DWP".into(),
            },
        },
    );
    case.ok(
        crm(),
        "2026-03-18T10:00:00Z",
        ComplaintAction::CommunicateOutcome {
            method: ContactMethod::Phone,
            suitability_checked: true,
            payment_explanation: Some("£15 and £120 by bank transfer".into()),
        },
    );
    case.ok(crm(), "2026-03-18T10:05:00Z", ComplaintAction::Signpost);
    case.ok(
        crm(),
        "2026-03-18T10:10:00Z",
        ComplaintAction::AgreeFeedbackAction {
            action_id: "f1".into(),
            to_team: "site-leeds".into(),
            recommendation: "action changes of circumstances daily".into(),
            deadline: FeedbackDeadline::Simple,
        },
    );
    case.ok(
        crm(),
        "2026-03-19T10:10:00Z",
        ComplaintAction::ConfirmFeedbackAction {
            action_id: "f1".into(),
            note: "done".into(),
        },
    );
    case.ok(crm(), "2026-03-18T10:15:00Z", ComplaintAction::Close);
    case.ok(
        ccrt(),
        "2026-03-23T09:00:00Z",
        escalate(
            "2026-03-23T09:00:00Z",
            EscalationReason::CustomerRequest,
            true,
        ),
    );
    // SPEC D7: an operator closes the office on Tue 24 March; open tier-2 deadlines move.
    case.services = DomainServices::new(
        PolicyBook::default(),
        redress_calendar::Calendars::with_adjustments(&[redress_calendar::Adjustment {
            region: Region::EnglandAndWales,
            date: NaiveDate::from_ymd_opt(2026, 3, 24).expect("date"),
            change: redress_calendar::Change::Add {
                name: "Office closure".into(),
            },
        }]),
    );
    case.ok(
        admin(),
        "2026-03-23T10:00:00Z",
        ComplaintAction::RecalculateDeadlines,
    );
    case.ok(
        ccrt(),
        "2026-03-24T10:00:00Z",
        ComplaintAction::HoldCaseConference {
            attendees: vec!["u-ccrt".into(), "u-ccrt-lead".into()],
            decision: "review the consolatory decision".into(),
        },
    );
    case.ok(
        ccrt(),
        "2026-03-24T10:30:00Z",
        ComplaintAction::RecordInitialContact {
            method: ContactMethod::Phone,
            suitability_checked: true,
            offered_direct_contact: false,
            issues: issues(1),
            resolution_sought: "a higher payment".into(),
            resolved_at_first_contact: false,
        },
    );
    case.ok(ccrt(), "2026-03-25T10:00:00Z", root_cause());
    case.ok(ccrt(), "2026-03-25T11:00:00Z", findings(&[true]));
    case.ok(ccrt(), "2026-03-26T10:00:00Z", decide(Outcome::Justified));
    case.ok(
        ccrt(),
        "2026-03-27T10:00:00Z",
        communicate(ContactMethod::Phone).with_suitability(),
    );
    case.ok(ccrt(), "2026-03-27T10:05:00Z", ComplaintAction::Signpost);
    case.ok(ccrt(), "2026-03-27T10:10:00Z", ComplaintAction::Close);
    case.ok(
        ccrt(),
        "2026-04-20T10:00:00Z",
        ComplaintAction::RecordReferral {
            body: ReferralBody::Ice,
            reference: "ICE-2026-0042".into(),
        },
    );
    case.ok(
        ccrt(),
        "2026-07-20T10:00:00Z",
        ComplaintAction::RecordReferralResult {
            body: ReferralBody::Ice,
            result: "ICE found the handling reasonable".into(),
        },
    );
    let mut events = case.events;
    let mut withdrawn = Case::received(ComplaintFlags::default());
    withdrawn.ok(
        crm(),
        "2026-03-03T10:00:00Z",
        ComplaintAction::Withdraw {
            reason: "customer no longer wishes to complain".into(),
        },
    );
    events.extend(withdrawn.events);
    events
}

trait WithSuitability {
    fn with_suitability(self) -> Self;
}

impl WithSuitability for ComplaintAction {
    fn with_suitability(mut self) -> Self {
        if let ComplaintAction::CommunicateOutcome {
            suitability_checked,
            ..
        } = &mut self
        {
            *suitability_checked = true;
        }
        self
    }
}

#[test]
fn golden_complaint_events() {
    check(
        "complaint_events.json",
        &ComplaintEvent::TYPES,
        &complaint_catalogue(),
    );
}

fn correspondence_catalogue() -> Vec<CorrespondenceEvent> {
    use redress_domain::CorrespondenceAction as A;
    let services = services();
    let mut state = Correspondence::default();
    let mut events = Vec::new();
    let steps = [
        (
            "2026-03-02T09:00:00Z",
            A::Receive {
                correspondence_id: "oc-1".into(),
                kind: CorrespondenceKind::Pos,
                received_at: t("2026-03-02T09:00:00Z"),
                region: Region::EnglandAndWales,
                subject: "delay in a Universal Credit payment".into(),
                personal: personal(),
            },
        ),
        (
            "2026-03-05T10:00:00Z",
            A::RecordDraft {
                method: ContactMethod::Letter,
                summary: "explains the delay and the payment date".into(),
                refer_to: vec!["Leeds service centre, team leader J. Smith".into()],
            },
        ),
        ("2026-03-06T10:00:00Z", A::PassToTeamLeader),
        ("2026-03-09T10:00:00Z", A::Agree),
        ("2026-03-09T11:00:00Z", A::SendToDirector),
        ("2026-03-12T11:00:00Z", A::RecordSigned),
        (
            "2026-03-13T11:00:00Z",
            A::Send {
                method: ContactMethod::Letter,
            },
        ),
    ];
    for (at, action) in steps {
        let command = CorrespondenceCommand {
            meta: CommandMeta::new(ccrt(), t(at), t(at)),
            action,
        };
        let new = state.decide(command, &services).expect("accepted");
        for e in &new {
            cqrs_es::Aggregate::apply(&mut state, e.clone());
        }
        events.extend(new);
    }
    events
}

#[test]
fn golden_correspondence_events() {
    check(
        "correspondence_events.json",
        &CorrespondenceEvent::TYPES,
        &correspondence_catalogue(),
    );
}

fn systemic_catalogue() -> Vec<SystemicEvent> {
    let services = services();
    let mut state = SystemicIssue::default();
    let mut events = Vec::new();
    let steps = [
        (
            "2026-03-10T09:00:00Z",
            SystemicAction::Raise {
                issue_id: "sys-1".into(),
                scope: Scope::Local { team: TEAM.into() },
                category: "payment_delay".into(),
                linked_complaints: vec!["c-1".into(), "c-2".into(), "c-3".into()],
                description: "three payment delays from one work queue".into(),
                from_alert: Some("alert-7".into()),
            },
        ),
        (
            "2026-03-10T09:30:00Z",
            SystemicAction::LinkComplaint {
                complaint_id: "c-4".into(),
            },
        ),
        (
            "2026-03-10T10:00:00Z",
            SystemicAction::AddAction {
                action_id: "a1".into(),
                problem: "change of circumstances left in queue".into(),
                action: "daily queue check".into(),
                lead: "team leader, Leeds".into(),
                target_date: NaiveDate::from_ymd_opt(2026, 3, 31).expect("date"),
            },
        ),
        (
            "2026-03-17T10:00:00Z",
            SystemicAction::RecordProgress {
                action_id: "a1".into(),
                update: "checks in place since 12 March".into(),
            },
        ),
        (
            "2026-03-31T10:00:00Z",
            SystemicAction::Resolve {
                summary: "no further delays in three weeks".into(),
            },
        ),
    ];
    for (at, action) in steps {
        let command = SystemicCommand {
            meta: CommandMeta::new(manager(), t(at), t(at)),
            action,
        };
        let new = state.decide(command, &services).expect("accepted");
        for e in &new {
            cqrs_es::Aggregate::apply(&mut state, e.clone());
        }
        events.extend(new);
    }
    events
}

#[test]
fn golden_systemic_events() {
    check(
        "systemic_events.json",
        &SystemicEvent::TYPES,
        &systemic_catalogue(),
    );
}

#[test]
fn personal_data_sits_only_in_personal_fields() {
    // SPEC P1: a projection drops `personal` and must then hold no complainant data.
    for (name, mut json) in catalogue(&complaint_catalogue()) {
        if let Some(data) = json.get_mut("data").and_then(|d| d.as_object_mut()) {
            data.remove("personal");
        }
        let text = json.to_string();
        for secret in [
            "Alex Example",
            "High Street",
            "alex@example.org",
            "07700",
            "Sam Adviser",
            "0113 000",
        ] {
            assert!(
                !text.contains(secret),
                "{name} leaks `{secret}` outside `personal`"
            );
        }
    }
}

fn calendar_adjustment_catalogue() -> Vec<CalendarAdjustmentEvent> {
    use redress_domain::CalendarAdjustmentAction as A;
    let services = services();
    let mut state = CalendarAdjustment::default();
    let mut events = Vec::new();
    let steps = [
        A::AddHoliday {
            region: Region::Scotland,
            date: d("2026-09-14"),
            name: "One-off bank holiday".into(),
            reason: "proclaimed by royal proclamation".into(),
        },
        A::RemoveHoliday {
            region: Region::Scotland,
            date: d("2026-09-14"),
            reason: "proclamation withdrawn".into(),
        },
    ];
    for action in steps {
        let command = CalendarAdjustmentCommand {
            meta: CommandMeta::new(
                admin(),
                t("2026-08-01T09:00:00Z"),
                t("2026-08-01T09:00:00Z"),
            ),
            action,
        };
        let new = state.decide(command, &services).expect("accepted");
        for e in &new {
            cqrs_es::Aggregate::apply(&mut state, e.clone());
        }
        events.extend(new);
    }
    events
}

#[test]
fn golden_calendar_adjustment_events() {
    // SPEC D7: the operator's calendar changes are part of the long-term record.
    check(
        "calendar_adjustment_events.json",
        &CalendarAdjustmentEvent::TYPES,
        &calendar_adjustment_catalogue(),
    );
}
