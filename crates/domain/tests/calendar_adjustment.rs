//! SPEC D7: operators' calendar adjustments, recorded as events.

mod common;

use common::*;
use cqrs_es::test::TestFramework;
use redress_calendar::Region;
use redress_domain::{CalendarAdjustmentAction as A, *};

const AT: &str = "2026-08-01T09:00:00Z";

fn c(actor: Actor, action: A) -> CalendarAdjustmentCommand {
    CalendarAdjustmentCommand {
        meta: CommandMeta::new(actor, t(AT), t(AT)),
        action,
    }
}

fn add(date: &str) -> A {
    A::AddHoliday {
        region: Region::Scotland,
        date: d(date),
        name: "One-off bank holiday".into(),
        reason: "royal proclamation".into(),
    }
}

fn remove(date: &str) -> A {
    A::RemoveHoliday {
        region: Region::Scotland,
        date: d(date),
        reason: "withdrawn".into(),
    }
}

fn added(date: &str) -> CalendarAdjustmentEvent {
    CalendarAdjustmentEvent::HolidayAdded {
        meta: EventMeta {
            actor: admin(),
            occurred_at: t(AT),
            recorded_at: t(AT),
        },
        region: Region::Scotland,
        date: d(date),
        name: "One-off bank holiday".into(),
        reason: "royal proclamation".into(),
    }
}

fn removed(date: &str) -> CalendarAdjustmentEvent {
    CalendarAdjustmentEvent::HolidayRemoved {
        meta: EventMeta {
            actor: admin(),
            occurred_at: t(AT),
            recorded_at: t(AT),
        },
        region: Region::Scotland,
        date: d(date),
        reason: "withdrawn".into(),
    }
}

fn framework() -> TestFramework<CalendarAdjustment> {
    TestFramework::<CalendarAdjustment>::with(services())
}

#[test]
fn d7_an_admin_adds_a_holiday() {
    framework()
        .given_no_previous_events()
        .when(c(admin(), add("2026-09-14")))
        .then_expect_events(vec![added("2026-09-14")]);
}

#[test]
fn d7_an_admin_removes_a_holiday_added_earlier() {
    framework()
        .given(vec![added("2026-09-14")])
        .when(c(admin(), remove("2026-09-14")))
        .then_expect_events(vec![removed("2026-09-14")]);
}

#[test]
fn d7_an_admin_may_remove_a_standard_bank_holiday() {
    // 2026-08-03 is Scotland's summer bank holiday: removing it makes it a working day.
    framework()
        .given_no_previous_events()
        .when(c(admin(), remove("2026-08-03")))
        .then_expect_events(vec![removed("2026-08-03")]);
}

#[test]
fn d7_only_admins_change_calendars() {
    for actor in [crm(), manager(), ccrt(), spt(), reporting()] {
        let role = actor.role;
        framework()
            .given_no_previous_events()
            .when(c(actor, add("2026-09-14")))
            .then_expect_error(DomainError::RoleNotPermitted {
                role,
                action: "change calendars",
            });
    }
}

#[test]
fn d7_the_same_change_twice_is_refused() {
    framework()
        .given(vec![added("2026-09-14")])
        .when(c(admin(), add("2026-09-14")))
        .then_expect_error(DomainError::DuplicateId {
            field: "date",
            id: "2026-09-14".into(),
        });
    framework()
        .given(vec![added("2026-09-14"), removed("2026-09-14")])
        .when(c(admin(), remove("2026-09-14")))
        .then_expect_error(DomainError::DuplicateId {
            field: "date",
            id: "2026-09-14".into(),
        });
}

#[test]
fn d7_a_reason_and_a_name_are_required() {
    framework()
        .given_no_previous_events()
        .when(c(
            admin(),
            A::AddHoliday {
                region: Region::Scotland,
                date: d("2026-09-14"),
                name: "Closure".into(),
                reason: " ".into(),
            },
        ))
        .then_expect_error(DomainError::FieldRequired { field: "reason" });
    framework()
        .given_no_previous_events()
        .when(c(
            admin(),
            A::AddHoliday {
                region: Region::Scotland,
                date: d("2026-09-14"),
                name: String::new(),
                reason: "closure".into(),
            },
        ))
        .then_expect_error(DomainError::FieldRequired { field: "name" });
}

#[test]
fn d7_one_aggregate_per_region() {
    framework()
        .given(vec![added("2026-09-14")])
        .when(c(
            admin(),
            A::AddHoliday {
                region: Region::NorthernIreland,
                date: d("2026-09-15"),
                name: "Closure".into(),
                reason: "flood".into(),
            },
        ))
        .then_expect_error(DomainError::UnknownId {
            field: "region",
            id: "northern-ireland".into(),
        });
}

#[test]
fn d7_the_event_names_the_calendar_adjustment() {
    let adj = added("2026-09-14").adjustment();
    assert_eq!(adj.region, Region::Scotland);
    assert_eq!(adj.date, d("2026-09-14"));
    let cal = redress_calendar::Calendars::with_adjustments(&[adj]);
    assert!(!cal.get(Region::Scotland).is_working_day(d("2026-09-14")));
    assert!(cal
        .get(Region::EnglandAndWales)
        .is_working_day(d("2026-09-14")));
}

#[test]
fn d7_a_future_occurred_at_is_refused() {
    let mut command = c(admin(), add("2026-09-14"));
    command.meta.occurred_at = t("2026-08-02T09:00:00Z");
    framework()
        .given_no_previous_events()
        .when(command)
        .then_expect_error(DomainError::OccurredInFuture {
            field: "occurred_at",
        });
}
