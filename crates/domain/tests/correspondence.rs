//! SPEC section 8 (O1-O3): official correspondence.

mod common;

use common::*;
use cqrs_es::test::TestFramework;
use cqrs_es::DomainEvent;
use redress_calendar::Region;
use redress_domain::{CorrespondenceAction as A, *};

fn c(actor: Actor, at: &str, action: A) -> CorrespondenceCommand {
    CorrespondenceCommand {
        meta: CommandMeta::new(actor, t(at), t(at)),
        action,
    }
}

fn receive(kind: CorrespondenceKind) -> A {
    A::Receive {
        correspondence_id: "oc-1".into(),
        kind,
        received_at: t(RECEIVED),
        region: Region::EnglandAndWales,
        subject: "payment delay".into(),
        personal: personal(),
    }
}

fn draft(method: ContactMethod) -> A {
    A::RecordDraft {
        method,
        summary: "reply".into(),
        refer_to: vec!["Citizens Advice".into()],
    }
}

/// Runs accepted commands and returns the history.
fn history(kind: CorrespondenceKind, steps: Vec<(&str, A)>) -> Vec<CorrespondenceEvent> {
    let services = services();
    let mut state = Correspondence::default();
    let mut events = Vec::new();
    for (at, action) in std::iter::once((RECEIVED, receive(kind))).chain(steps) {
        let new = state
            .decide(c(ccrt(), at, action), &services)
            .unwrap_or_else(|e| panic!("{e}"));
        for e in &new {
            cqrs_es::Aggregate::apply(&mut state, e.clone());
        }
        events.extend(new);
    }
    events
}

fn given(events: Vec<CorrespondenceEvent>) -> cqrs_es::test::AggregateTestExecutor<Correspondence> {
    TestFramework::<Correspondence>::with(services()).given(events)
}

#[test]
fn o3_target_is_20_working_days_from_receipt() {
    let ev = history(CorrespondenceKind::TreatOfficial, vec![]);
    // 20 working days after Mon 2 March 2026: Mon 30 March (BST), due at its end.
    assert!(
        matches!(&ev[0], CorrespondenceEvent::Received { target_due, .. } if *target_due == t("2026-03-30T23:00:00Z"))
    );
}

#[test]
fn o1_only_the_ccrt_works_official_correspondence() {
    TestFramework::<Correspondence>::with(services())
        .given_no_previous_events()
        .when(c(crm(), RECEIVED, receive(CorrespondenceKind::Pos)))
        .then_expect_error(DomainError::RoleNotPermitted {
            role: Role::Crm,
            action: "work official correspondence",
        });
}

#[test]
fn o2_pos_always_needs_a_written_response() {
    let ev = history(CorrespondenceKind::Pos, vec![]);
    given(ev)
        .when(c(
            ccrt(),
            "2026-03-03T10:00:00Z",
            draft(ContactMethod::Phone),
        ))
        .then_expect_error(DomainError::PosNeedsWrittenResponse);
}

#[test]
fn o2_phone_answer_allowed_otherwise() {
    let ev = history(
        CorrespondenceKind::TreatOfficial,
        vec![
            ("2026-03-03T10:00:00Z", draft(ContactMethod::Phone)),
            ("2026-03-03T11:00:00Z", A::PassToTeamLeader),
            ("2026-03-04T11:00:00Z", A::Agree),
            (
                "2026-03-04T12:00:00Z",
                A::Send {
                    method: ContactMethod::Phone,
                },
            ),
        ],
    );
    assert!(matches!(
        ev.last(),
        Some(CorrespondenceEvent::Sent {
            within_target: true,
            ..
        })
    ));
}

#[test]
fn o3_pos_flow_needs_the_directors_signature_before_sending() {
    let agreed = history(
        CorrespondenceKind::Pos,
        vec![
            ("2026-03-03T10:00:00Z", draft(ContactMethod::Letter)),
            ("2026-03-03T11:00:00Z", A::PassToTeamLeader),
            ("2026-03-04T11:00:00Z", A::Agree),
        ],
    );
    given(agreed.clone())
        .when(c(
            ccrt(),
            "2026-03-04T12:00:00Z",
            A::Send {
                method: ContactMethod::Letter,
            },
        ))
        .then_expect_error(DomainError::StepOutOfOrder {
            step: "send the reply",
            requires: "the Director's signature",
        });
    let ev = history(
        CorrespondenceKind::Pos,
        vec![
            ("2026-03-03T10:00:00Z", draft(ContactMethod::Letter)),
            ("2026-03-03T11:00:00Z", A::PassToTeamLeader),
            ("2026-03-04T11:00:00Z", A::Agree),
            ("2026-03-04T12:00:00Z", A::SendToDirector),
            ("2026-03-10T12:00:00Z", A::RecordSigned),
            (
                "2026-03-11T12:00:00Z",
                A::Send {
                    method: ContactMethod::Letter,
                },
            ),
        ],
    );
    let names: Vec<String> = ev.iter().map(|e| e.event_type()).collect();
    assert_eq!(names.len(), 7);
    given(ev)
        .when(c(
            ccrt(),
            "2026-03-12T12:00:00Z",
            A::Send {
                method: ContactMethod::Letter,
            },
        ))
        .then_expect_error(DomainError::AlreadyRecorded {
            what: "the reply to this correspondence",
        });
}

#[test]
fn o3_steps_in_order_and_director_only_for_pos() {
    let received = history(CorrespondenceKind::MpToDg, vec![]);
    given(received.clone())
        .when(c(ccrt(), "2026-03-03T10:00:00Z", A::Agree))
        .then_expect_error(DomainError::StepOutOfOrder {
            step: "record agreement",
            requires: "passing the draft to the team leader",
        });
    given(received.clone())
        .when(c(ccrt(), "2026-03-03T10:00:00Z", A::PassToTeamLeader))
        .then_expect_error(DomainError::StepOutOfOrder {
            step: "pass to the team leader",
            requires: "a draft",
        });
    given(received)
        .when(c(ccrt(), "2026-03-03T10:00:00Z", A::SendToDirector))
        .then_expect_error(DomainError::NotAPosCase);
    TestFramework::<Correspondence>::with(services())
        .given_no_previous_events()
        .when(c(ccrt(), RECEIVED, A::Agree))
        .then_expect_error(DomainError::CaseNotFound);
}
