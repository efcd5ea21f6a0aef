//! SPEC S2: the Systemic Log and its action log.

mod common;

use common::*;
use cqrs_es::test::TestFramework;
use redress_domain::*;

fn c(actor: Actor, at: &str, action: SystemicAction) -> SystemicCommand {
    SystemicCommand {
        meta: CommandMeta::new(actor, t(at), t(at)),
        action,
    }
}

fn raise(category: &str) -> SystemicAction {
    SystemicAction::Raise {
        issue_id: "sys-1".into(),
        scope: Scope::National,
        category: category.into(),
        linked_complaints: vec!["c-1".into(), "c-2".into(), "c-3".into()],
        description: "three payment delays".into(),
        from_alert: None,
    }
}

fn raised() -> Vec<SystemicEvent> {
    SystemicIssue::default()
        .decide(
            c(manager(), "2026-03-10T09:00:00Z", raise("payment_delay")),
            &services(),
        )
        .expect("raised")
}

fn given(events: Vec<SystemicEvent>) -> cqrs_es::test::AggregateTestExecutor<SystemicIssue> {
    TestFramework::<SystemicIssue>::with(services()).given(events)
}

#[test]
fn s2_only_a_crt_manager_keeps_the_systemic_log() {
    TestFramework::<SystemicIssue>::with(services())
        .given_no_previous_events()
        .when(c(crm(), "2026-03-10T09:00:00Z", raise("payment_delay")))
        .then_expect_error(DomainError::RoleNotPermitted {
            role: Role::Crm,
            action: "keep the Systemic Log",
        });
    let other_manager = Actor::new("u-mgr-b", Role::CrtManager, "team-b");
    given(raised())
        .when(c(
            other_manager,
            "2026-03-10T10:00:00Z",
            SystemicAction::LinkComplaint {
                complaint_id: "c-9".into(),
            },
        ))
        .then_expect_error(DomainError::NotYourTeam {
            case_team: TEAM.into(),
        });
}

#[test]
fn s2_category_must_be_in_the_taxonomy_and_links_distinct() {
    TestFramework::<SystemicIssue>::with(services())
        .given_no_previous_events()
        .when(c(manager(), "2026-03-10T09:00:00Z", raise("weather")))
        .then_expect_error(DomainError::UnknownCategory {
            category: "weather".into(),
        });
    given(raised())
        .when(c(
            manager(),
            "2026-03-10T10:00:00Z",
            SystemicAction::LinkComplaint {
                complaint_id: "c-1".into(),
            },
        ))
        .then_expect_error(DomainError::DuplicateId {
            field: "complaint_id",
            id: "c-1".into(),
        });
}

#[test]
fn s2_action_log_progress_and_resolution_with_summary() {
    let add = SystemicAction::AddAction {
        action_id: "a1".into(),
        problem: "queue backlog".into(),
        action: "daily check".into(),
        lead: "team leader".into(),
        target_date: d("2026-03-31"),
    };
    let mut events = raised();
    let mut state = SystemicIssue::default();
    for e in &events {
        cqrs_es::Aggregate::apply(&mut state, e.clone());
    }
    let added = state
        .decide(
            c(manager(), "2026-03-10T10:00:00Z", add.clone()),
            &services(),
        )
        .expect("added");
    assert!(
        matches!(&added[0], SystemicEvent::ActionAdded { date_added, .. } if *date_added == d("2026-03-10"))
    );
    events.extend(added);
    given(events.clone())
        .when(c(manager(), "2026-03-11T10:00:00Z", add))
        .then_expect_error(DomainError::DuplicateId {
            field: "action_id",
            id: "a1".into(),
        });
    given(events.clone())
        .when(c(
            manager(),
            "2026-03-11T10:00:00Z",
            SystemicAction::RecordProgress {
                action_id: "zz".into(),
                update: "u".into(),
            },
        ))
        .then_expect_error(DomainError::UnknownId {
            field: "action_id",
            id: "zz".into(),
        });
    given(events.clone())
        .when(c(
            manager(),
            "2026-03-11T10:00:00Z",
            SystemicAction::Resolve {
                summary: String::new(),
            },
        ))
        .then_expect_error(DomainError::FieldRequired { field: "summary" });
    let resolved = {
        let mut s = SystemicIssue::default();
        for e in &events {
            cqrs_es::Aggregate::apply(&mut s, e.clone());
        }
        let r = s
            .decide(
                c(
                    manager(),
                    "2026-03-31T10:00:00Z",
                    SystemicAction::Resolve {
                        summary: "fixed".into(),
                    },
                ),
                &services(),
            )
            .expect("resolved");
        events.extend(r);
        events
    };
    given(resolved)
        .when(c(
            manager(),
            "2026-04-01T10:00:00Z",
            SystemicAction::LinkComplaint {
                complaint_id: "c-9".into(),
            },
        ))
        .then_expect_error(DomainError::SystemicIssueResolved);
}
