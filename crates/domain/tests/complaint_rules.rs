//! Given/when/then tests, one or more per numbered SPEC rule the complaint aggregate
//! enforces (allowed path and each refusal). Times are UTC; March 2026 is GMT.

mod common;

use common::*;
use cqrs_es::DomainEvent;
use redress_calendar::Region;
use redress_domain::*;

fn flags(f: impl FnOnce(&mut ComplaintFlags)) -> ComplaintFlags {
    let mut x = ComplaintFlags::default();
    f(&mut x);
    x
}

fn accepted(case: &Case, actor: Actor, at: &str, action: ComplaintAction) -> Vec<ComplaintEvent> {
    case.given()
        .when(cmd(actor, at, action))
        .inspect_result()
        .unwrap_or_else(|e| panic!("refused: {e}"))
}

// ---------------------------------------------------------------- SPEC 1: roles

#[test]
fn s1_crm_works_only_own_team_cases() {
    let case = Case::received(ComplaintFlags::default());
    expect_error(
        &case,
        crm_other_team(),
        "2026-03-03T10:00:00Z",
        initial_contact(ContactMethod::Phone, 1),
        DomainError::NotYourTeam {
            case_team: TEAM.into(),
        },
    );
    accepted(
        &case,
        manager(),
        "2026-03-03T10:00:00Z",
        initial_contact(ContactMethod::Phone, 1),
    );
}

#[test]
fn s1_reporting_and_admin_issue_no_case_commands() {
    let case = Case::received(ComplaintFlags::default());
    for actor in [reporting(), admin()] {
        let role = actor.role;
        expect_error(
            &case,
            actor,
            "2026-03-03T10:00:00Z",
            initial_contact(ContactMethod::Phone, 1),
            DomainError::RoleNotPermitted {
                role,
                action: "record initial contact",
            },
        );
    }
    receive_refused_for(reporting());
}

fn receive_refused_for(actor: Actor) {
    let err = Case::new(services())
        .given()
        .when(cmd(actor, RECEIVED, receive(ComplaintFlags::default())))
        .inspect_result()
        .expect_err("reporting may not receive");
    assert_eq!(err.reason(), "ROLE_NOT_PERMITTED");
    assert_eq!(err.kind(), ErrorKind::PermissionDenied);
}

#[test]
fn s1_ccrt_reviewer_does_not_work_tier1_and_crm_does_not_work_tier2() {
    let case = Case::received(ComplaintFlags::default());
    expect_error(
        &case,
        ccrt(),
        "2026-03-03T10:00:00Z",
        initial_contact(ContactMethod::Phone, 1),
        DomainError::RoleNotPermitted {
            role: Role::CcrtReviewer,
            action: "record initial contact",
        },
    );
    let mut case = Case::tier1_not_upheld_communicated();
    case.ok(
        crm(),
        "2026-03-10T09:00:00Z",
        escalate(
            "2026-03-10T09:00:00Z",
            EscalationReason::CustomerRequest,
            true,
        ),
    );
    expect_error(
        &case,
        crm(),
        "2026-03-11T10:00:00Z",
        initial_contact(ContactMethod::Phone, 1),
        DomainError::RoleNotPermitted {
            role: Role::Crm,
            action: "record initial contact",
        },
    );
    accepted(
        &case,
        ccrt(),
        "2026-03-11T10:00:00Z",
        initial_contact(ContactMethod::Phone, 1),
    );
}

#[test]
fn s1_only_a_crt_manager_reassigns_the_case_manager() {
    let case = Case::received(ComplaintFlags::default());
    let action = ComplaintAction::ReassignCaseManager {
        case_manager: "u-crm-2".into(),
    };
    expect_error(
        &case,
        crm(),
        "2026-03-03T10:00:00Z",
        action.clone(),
        DomainError::RoleNotPermitted {
            role: Role::Crm,
            action: "reassign case managers",
        },
    );
    let ev = only(accepted(&case, manager(), "2026-03-03T10:00:00Z", action));
    assert!(
        matches!(ev, ComplaintEvent::CaseManagerReassigned { ref from, ref to, .. } if from == "u-crm" && to == "u-crm-2")
    );
}

#[test]
fn s1_times_in_the_future_are_refused_and_events_record_who_and_when() {
    let case = Case::received(ComplaintFlags::default());
    let meta = CommandMeta::new(crm(), t("2026-03-04T10:00:00Z"), t("2026-03-03T10:00:00Z"));
    case.given()
        .when(ComplaintCommand::new(
            meta,
            initial_contact(ContactMethod::Phone, 1),
        ))
        .then_expect_error(DomainError::OccurredInFuture {
            field: "occurred_at",
        });
    let meta = CommandMeta::new(crm(), t("2026-03-03T10:00:00Z"), t("2026-03-03T12:00:00Z"));
    let ev = case
        .given()
        .when(ComplaintCommand::new(
            meta,
            initial_contact(ContactMethod::Phone, 1),
        ))
        .inspect_result()
        .expect("accepted");
    let m = ev[0].meta();
    assert_eq!(m.actor, crm());
    assert_eq!(m.occurred_at, t("2026-03-03T10:00:00Z"));
    assert_eq!(m.recorded_at, t("2026-03-03T12:00:00Z"));
}

#[test]
fn s1_occurred_before_receipt_is_refused() {
    let case = Case::received(ComplaintFlags::default());
    expect_error(
        &case,
        crm(),
        "2026-03-01T10:00:00Z",
        initial_contact(ContactMethod::Phone, 1),
        DomainError::BeforeReceipt {
            field: "occurred_at",
        },
    );
}

// ---------------------------------------------------------------- C1 receipt

#[test]
fn c1_receipt_records_policy_version_and_deadlines() {
    let case = Case::new(services());
    let ev = case
        .given()
        .when(cmd(
            crm(),
            "2026-03-02T11:00:00Z",
            receive(ComplaintFlags::default()),
        ))
        .inspect_result()
        .expect("accepted");
    match &ev[0] {
        ComplaintEvent::Received {
            policy_version,
            initial_contact_due,
            response_due,
            case_manager,
            ..
        } => {
            assert_eq!(policy_version, "2026.1");
            assert_eq!(case_manager, "u-crm");
            // Mon 09:00 + 48 working hours = Wed 09:00.
            assert_eq!(*initial_contact_due, t("2026-03-04T09:00:00Z"));
            // 15th working day after Mon 2 Mar is Mon 23 Mar; due at its end.
            assert_eq!(*response_due, t("2026-03-24T00:00:00Z"));
        }
        other => panic!("unexpected {other:?}"),
    }
    assert_eq!(ev[0].event_type(), "ComplaintReceived");
}

#[test]
fn c1_received_at_may_not_be_in_the_future() {
    let case = Case::new(services());
    expect_error(
        &case,
        crm(),
        "2026-03-01T09:00:00Z",
        receive(ComplaintFlags::default()),
        DomainError::OccurredInFuture {
            field: "received_at",
        },
    );
}

#[test]
fn c1_categories_must_be_non_empty_known_and_distinct() {
    let case = Case::new(services());
    let with = |cats: &[&str]| {
        receive_at(
            RECEIVED,
            Region::EnglandAndWales,
            ComplaintFlags::default(),
            cats,
        )
    };
    expect_error(&case, crm(), RECEIVED, with(&[]), DomainError::NoCategories);
    expect_error(
        &case,
        crm(),
        RECEIVED,
        with(&["weather"]),
        DomainError::UnknownCategory {
            category: "weather".into(),
        },
    );
    expect_error(
        &case,
        crm(),
        RECEIVED,
        with(&["decision", "decision"]),
        DomainError::DuplicateCategory {
            category: "decision".into(),
        },
    );
}

#[test]
fn c1_required_and_length_limited_fields() {
    let case = Case::new(services());
    let mut action = receive(ComplaintFlags::default());
    if let ComplaintAction::Receive { personal, .. } = &mut action {
        personal.name = "  ".into();
    }
    expect_error(
        &case,
        crm(),
        RECEIVED,
        action,
        DomainError::FieldRequired {
            field: "personal.name",
        },
    );
    let mut action = receive(ComplaintFlags::default());
    if let ComplaintAction::Receive { complaint_id, .. } = &mut action {
        *complaint_id = "x".repeat(65);
    }
    let err = case
        .given()
        .when(cmd(crm(), RECEIVED, action))
        .inspect_result()
        .expect_err("too long");
    assert_eq!(
        err,
        DomainError::FieldTooLong {
            field: "complaint_id",
            len: 65,
            max: 64
        }
    );
    assert_eq!(err.field(), Some("complaint_id"));
    assert_eq!(err.kind(), ErrorKind::InvalidArgument);
}

#[test]
fn c1_a_complaint_is_received_once_and_must_exist_before_other_commands() {
    let case = Case::received(ComplaintFlags::default());
    expect_error(
        &case,
        crm(),
        RECEIVED,
        receive(ComplaintFlags::default()),
        DomainError::CaseAlreadyExists,
    );
    let empty = Case::new(services());
    expect_error(
        &empty,
        crm(),
        RECEIVED,
        initial_contact(ContactMethod::Phone, 1),
        DomainError::CaseNotFound,
    );
    assert_eq!(DomainError::CaseNotFound.kind(), ErrorKind::NotFound);
}

// ---------------------------------------------------------------- C2 contact

#[test]
fn c2_staff_complaint_contact_must_be_by_letter() {
    let case = Case::received(flags(|f| f.about_staff = true));
    for method in [ContactMethod::Phone, ContactMethod::Email] {
        let err = case
            .given()
            .when(cmd(
                crm(),
                "2026-03-03T10:00:00Z",
                initial_contact(method, 1),
            ))
            .inspect_result()
            .expect_err("refused");
        assert_eq!(err.reason(), "CONTACT_METHOD_NOT_ALLOWED");
        assert_eq!(err.field(), Some("method"));
    }
    accepted(
        &case,
        crm(),
        "2026-03-03T10:00:00Z",
        initial_contact(ContactMethod::Letter, 1),
    );
}

#[test]
fn c2_upcc_contact_must_be_written_and_sms_only_at_tier2() {
    let case = Case::received(flags(|f| f.upcc = true));
    for method in [ContactMethod::Phone, ContactMethod::Sms] {
        let err = case
            .given()
            .when(cmd(
                crm(),
                "2026-03-03T10:00:00Z",
                initial_contact(method, 1),
            ))
            .inspect_result()
            .expect_err("refused");
        assert_eq!(err.reason(), "CONTACT_METHOD_NOT_ALLOWED");
    }
    accepted(
        &case,
        crm(),
        "2026-03-03T10:00:00Z",
        initial_contact(ContactMethod::Email, 1),
    );
    accepted(
        &case,
        crm(),
        "2026-03-03T10:00:00Z",
        initial_contact(ContactMethod::Letter, 1),
    );
}

#[test]
fn c2_upcc_sms_allowed_at_tier2() {
    let mut case = Case::received(flags(|f| f.upcc = true));
    case.ok(
        crm(),
        "2026-03-03T10:00:00Z",
        initial_contact(ContactMethod::Letter, 1),
    );
    case.ok(crm(), "2026-03-04T10:00:00Z", evidence("e1", true));
    case.ok(crm(), "2026-03-05T10:00:00Z", root_cause());
    case.ok(crm(), "2026-03-05T11:00:00Z", findings(&[false]));
    case.ok(crm(), "2026-03-06T10:00:00Z", decide(Outcome::NotUpheld));
    case.ok(
        crm(),
        "2026-03-09T10:00:00Z",
        communicate(ContactMethod::Letter),
    );
    case.ok(
        crm(),
        "2026-03-10T09:00:00Z",
        escalate(
            "2026-03-10T09:00:00Z",
            EscalationReason::CustomerRequest,
            true,
        ),
    );
    accepted(
        &case,
        ccrt(),
        "2026-03-11T10:00:00Z",
        initial_contact(ContactMethod::Sms, 1),
    );
}

#[test]
fn c2_vulnerable_phone_contact_requires_suitability_check() {
    let case = Case::received(flags(|f| f.vulnerable = true));
    expect_error(
        &case,
        crm(),
        "2026-03-03T10:00:00Z",
        initial_contact(ContactMethod::Phone, 1),
        DomainError::PhoneSuitabilityNotChecked,
    );
    let mut ok = initial_contact(ContactMethod::Phone, 1);
    if let ComplaintAction::RecordInitialContact {
        suitability_checked,
        ..
    } = &mut ok
    {
        *suitability_checked = true;
    }
    let ev = only(accepted(&case, crm(), "2026-03-03T10:00:00Z", ok));
    assert!(matches!(
        ev,
        ComplaintEvent::InitialContactRecorded {
            suitability_checked: true,
            offered_direct_contact: true,
            ..
        }
    ));
}

#[test]
fn v2_complex_need_makes_the_complainant_vulnerable_for_c2() {
    let mut case = Case::received(ComplaintFlags::default());
    case.ok(
        crm(),
        "2026-03-02T10:00:00Z",
        ComplaintAction::RecordComplexNeeds {
            needs: vec![ComplexNeed::MentalHealth, ComplexNeed::AssistedDigital],
            note: String::new(),
        },
    );
    expect_error(
        &case,
        crm(),
        "2026-03-03T10:00:00Z",
        initial_contact(ContactMethod::Phone, 1),
        DomainError::PhoneSuitabilityNotChecked,
    );
    expect_error(
        &case,
        crm(),
        "2026-03-03T10:00:00Z",
        ComplaintAction::RecordComplexNeeds {
            needs: vec![],
            note: String::new(),
        },
        DomainError::FieldRequired { field: "needs" },
    );
}

#[test]
fn c2_initial_contact_records_due_and_timeliness_once_per_tier() {
    let mut case = Case::received(ComplaintFlags::default());
    let ev = only(case.ok(
        crm(),
        "2026-03-04T09:30:00Z",
        initial_contact(ContactMethod::Phone, 2),
    ));
    match ev {
        ComplaintEvent::InitialContactRecorded {
            due, within_target, ..
        } => {
            assert_eq!(due, t("2026-03-04T09:00:00Z"));
            assert!(!within_target, "09:30 is after the 48-hour target");
        }
        other => panic!("unexpected {other:?}"),
    }
    expect_error(
        &case,
        crm(),
        "2026-03-04T10:00:00Z",
        initial_contact(ContactMethod::Phone, 1),
        DomainError::AlreadyRecorded {
            what: "the initial contact for this tier",
        },
    );
}

#[test]
fn d1_friday_afternoon_receipt_is_due_tuesday_and_clock_mode_is_a_policy_switch() {
    let mut case = Case::new(services());
    let ev = case.ok(
        crm(),
        "2026-03-06T15:00:00Z",
        receive_at(
            "2026-03-06T15:00:00Z",
            Region::EnglandAndWales,
            ComplaintFlags::default(),
            &["decision"],
        ),
    );
    assert!(
        matches!(ev[0], ComplaintEvent::Received { initial_contact_due, .. } if initial_contact_due == t("2026-03-10T15:00:00Z"))
    );
    let mut clock = Case::new(services_with(|p| {
        p.initial_contact.mode = redress_domain::ContactHoursMode::Clock
    }));
    let ev = clock.ok(
        crm(),
        "2026-03-06T15:00:00Z",
        receive_at(
            "2026-03-06T15:00:00Z",
            Region::EnglandAndWales,
            ComplaintFlags::default(),
            &["decision"],
        ),
    );
    assert!(
        matches!(ev[0], ComplaintEvent::Received { initial_contact_due, .. } if initial_contact_due == t("2026-03-08T15:00:00Z"))
    );
}

// ---------------------------------------------------------------- C3 investigation

#[test]
fn c3_investigation_steps_are_recorded_with_validation() {
    let mut case = Case::received(ComplaintFlags::default());
    for (i, step) in [
        InvestigationStepKind::ContributionRequested,
        InvestigationStepKind::ContributionReturned,
        InvestigationStepKind::CustomerEvidenceRequested,
        InvestigationStepKind::CustomerEvidenceSupplied,
        InvestigationStepKind::UpdateCall,
        InvestigationStepKind::HoldingReply,
    ]
    .into_iter()
    .enumerate()
    {
        case.ok(
            crm(),
            "2026-03-03T10:00:00Z",
            ComplaintAction::RecordInvestigationStep {
                step,
                evidence_id: format!("s{i}"),
                description: "a full progress update".into(),
                validated: false,
            },
        );
    }
    expect_error(
        &case,
        crm(),
        "2026-03-03T10:00:00Z",
        evidence("s0", true),
        DomainError::DuplicateId {
            field: "evidence_id",
            id: "s0".into(),
        },
    );
    accepted(
        &case,
        crm(),
        "2026-03-03T10:00:00Z",
        ComplaintAction::ValidateEvidence {
            evidence_id: "s1".into(),
        },
    );
    expect_error(
        &case,
        crm(),
        "2026-03-03T10:00:00Z",
        ComplaintAction::ValidateEvidence {
            evidence_id: "nope".into(),
        },
        DomainError::UnknownId {
            field: "evidence_id",
            id: "nope".into(),
        },
    );
}

#[test]
fn c3_finding_may_rest_only_on_validated_evidence() {
    let mut case = Case::received(ComplaintFlags::default());
    case.ok(
        crm(),
        "2026-03-03T10:00:00Z",
        initial_contact(ContactMethod::Phone, 1),
    );
    case.ok(crm(), "2026-03-04T10:00:00Z", evidence("e1", false));
    expect_error(
        &case,
        crm(),
        "2026-03-05T10:00:00Z",
        findings(&[true]),
        DomainError::EvidenceNotValidated {
            issue_id: "i1".into(),
            evidence_id: "e1".into(),
        },
    );
    case.ok(
        crm(),
        "2026-03-04T11:00:00Z",
        ComplaintAction::ValidateEvidence {
            evidence_id: "e1".into(),
        },
    );
    accepted(&case, crm(), "2026-03-05T10:00:00Z", findings(&[true]));
}

#[test]
fn c3_findings_need_evidence_and_must_cover_every_issue_once() {
    let mut case = Case::received(ComplaintFlags::default());
    expect_error(
        &case,
        crm(),
        "2026-03-05T10:00:00Z",
        findings(&[true]),
        DomainError::InitialContactRequired,
    );
    case.ok(
        crm(),
        "2026-03-03T10:00:00Z",
        initial_contact(ContactMethod::Phone, 2),
    );
    case.ok(crm(), "2026-03-04T10:00:00Z", evidence("e1", true));
    expect_error(
        &case,
        crm(),
        "2026-03-05T10:00:00Z",
        findings(&[true]),
        DomainError::FindingsIncomplete {
            issue_id: "i2".into(),
        },
    );
    let no_evidence = ComplaintAction::RecordFindings {
        findings: issues(2)
            .into_iter()
            .map(|i| Finding {
                issue_id: i.issue_id,
                upheld: true,
                evidence_ids: vec![],
                reasoning: "r".into(),
            })
            .collect(),
    };
    expect_error(
        &case,
        crm(),
        "2026-03-05T10:00:00Z",
        no_evidence,
        DomainError::FindingWithoutEvidence {
            issue_id: "i1".into(),
        },
    );
}

// ---------------------------------------------------------------- C4 staff complaints

#[test]
fn c4_staff_complaint_without_assurance_must_be_upheld() {
    let mut case = Case::investigated(
        flags(|f| f.about_staff = true),
        ContactMethod::Letter,
        &[false],
    );
    expect_error(
        &case,
        crm(),
        "2026-03-06T10:00:00Z",
        decide(Outcome::NotUpheld),
        DomainError::StaffAssuranceNotObtainedMustUphold,
    );
    case.ok(
        crm(),
        "2026-03-05T12:00:00Z",
        ComplaintAction::RecordStaffAssurance {
            obtained: false,
            note: "HR could not confirm".into(),
        },
    );
    expect_error(
        &case,
        crm(),
        "2026-03-06T10:00:00Z",
        decide(Outcome::NotUpheld),
        DomainError::StaffAssuranceNotObtainedMustUphold,
    );
}

#[test]
fn c4_staff_complaint_with_assurance_may_be_not_upheld() {
    let mut case = Case::investigated(
        flags(|f| f.about_staff = true),
        ContactMethod::Letter,
        &[false],
    );
    case.ok(
        crm(),
        "2026-03-05T12:00:00Z",
        ComplaintAction::RecordStaffAssurance {
            obtained: true,
            note: "HR guidance followed".into(),
        },
    );
    accepted(
        &case,
        crm(),
        "2026-03-06T10:00:00Z",
        decide(Outcome::NotUpheld),
    );
}

// ---------------------------------------------------------------- C5 / D3 resolution plans

#[test]
fn c5_plan_agreed_before_due_counts_as_met_and_replaces_the_deadline() {
    let mut case = Case::received(ComplaintFlags::default());
    let ev = only(case.ok(
        crm(),
        "2026-03-20T10:00:00Z",
        ComplaintAction::AgreeResolutionPlan {
            target_date: d("2026-04-10"),
            actions: "HR review, then reply".into(),
        },
    ));
    match ev {
        ComplaintEvent::ResolutionPlanAgreed {
            previous_due,
            new_due,
            counts_as_met,
            ..
        } => {
            assert_eq!(previous_due, t("2026-03-24T00:00:00Z"));
            assert_eq!(new_due, t("2026-04-10T23:00:00Z"), "end of 10 April, BST");
            assert!(counts_as_met);
        }
        other => panic!("unexpected {other:?}"),
    }
    assert_eq!(
        case.state.current().map(|t| t.response_due),
        Some(t("2026-04-10T23:00:00Z"))
    );
}

#[test]
fn c5_plan_agreed_after_due_does_not_undo_the_breach() {
    let mut case = Case::received(ComplaintFlags::default());
    let ev = only(case.ok(
        crm(),
        "2026-03-25T10:00:00Z",
        ComplaintAction::AgreeResolutionPlan {
            target_date: d("2026-04-10"),
            actions: "reply after HR".into(),
        },
    ));
    assert!(matches!(
        ev,
        ComplaintEvent::ResolutionPlanAgreed {
            counts_as_met: false,
            ..
        }
    ));
}

#[test]
fn c5_plan_revisions_need_a_reason_and_keep_history() {
    let mut case = Case::received(ComplaintFlags::default());
    let revise = |date: &str, reason: &str| ComplaintAction::ReviseResolutionPlan {
        target_date: d(date),
        actions: "revised actions".into(),
        reason: reason.into(),
    };
    expect_error(
        &case,
        crm(),
        "2026-03-20T10:00:00Z",
        revise("2026-04-20", "HR delayed"),
        DomainError::StepOutOfOrder {
            step: "revise a resolution plan",
            requires: "an agreed resolution plan",
        },
    );
    case.ok(
        crm(),
        "2026-03-20T10:00:00Z",
        ComplaintAction::AgreeResolutionPlan {
            target_date: d("2026-04-10"),
            actions: "a".into(),
        },
    );
    expect_error(
        &case,
        crm(),
        "2026-03-21T10:00:00Z",
        revise("2026-04-20", ""),
        DomainError::FieldRequired { field: "reason" },
    );
    expect_error(
        &case,
        crm(),
        "2026-03-20T10:00:00Z",
        ComplaintAction::AgreeResolutionPlan {
            target_date: d("2026-04-11"),
            actions: "a".into(),
        },
        DomainError::AlreadyRecorded {
            what: "a resolution plan for this tier (revise it instead)",
        },
    );
    case.ok(
        crm(),
        "2026-03-23T10:00:00Z",
        revise("2026-04-20", "HR delayed"),
    );
    case.ok(
        crm(),
        "2026-03-24T10:00:00Z",
        revise("2026-04-27", "HR delayed again"),
    );
    let revisions: Vec<_> = case
        .events
        .iter()
        .filter(|e| e.event_type() == "ResolutionPlanRevised")
        .collect();
    assert_eq!(revisions.len(), 2);
    assert_eq!(
        case.state
            .current()
            .and_then(|t| t.plan.as_ref())
            .map(|p| p.revisions),
        Some(2)
    );
}

#[test]
fn c5_plan_target_date_must_be_in_the_future() {
    let case = Case::received(ComplaintFlags::default());
    expect_error(
        &case,
        crm(),
        "2026-03-20T10:00:00Z",
        ComplaintAction::AgreeResolutionPlan {
            target_date: d("2026-03-20"),
            actions: "a".into(),
        },
        DomainError::DateNotInFuture {
            field: "target_date",
        },
    );
}

// ---------------------------------------------------------------- C6 / C7 outcome

#[test]
fn c6_root_cause_is_required_before_the_outcome() {
    let mut case = Case::received(ComplaintFlags::default());
    case.ok(
        crm(),
        "2026-03-03T10:00:00Z",
        initial_contact(ContactMethod::Phone, 1),
    );
    case.ok(crm(), "2026-03-04T10:00:00Z", evidence("e1", true));
    expect_error(
        &case,
        crm(),
        "2026-03-06T10:00:00Z",
        decide(Outcome::Upheld),
        DomainError::FindingsRequired,
    );
    case.ok(crm(), "2026-03-05T11:00:00Z", findings(&[true]));
    expect_error(
        &case,
        crm(),
        "2026-03-06T10:00:00Z",
        decide(Outcome::Upheld),
        DomainError::RootCauseRequired,
    );
    case.ok(crm(), "2026-03-05T12:00:00Z", root_cause());
    accepted(
        &case,
        crm(),
        "2026-03-06T10:00:00Z",
        decide(Outcome::Upheld),
    );
}

fn inconsistent(outcome: Outcome, why: &'static str) -> DomainError {
    DomainError::OutcomeInconsistentWithFindings {
        outcome: outcome.as_str(),
        why,
    }
}

#[test]
fn c7_upheld_needs_every_issue_upheld() {
    let case = Case::investigated(
        ComplaintFlags::default(),
        ContactMethod::Phone,
        &[true, false],
    );
    expect_error(
        &case,
        crm(),
        "2026-03-06T10:00:00Z",
        decide(Outcome::Upheld),
        inconsistent(Outcome::Upheld, "upheld needs every issue upheld"),
    );
    let case = Case::investigated(
        ComplaintFlags::default(),
        ContactMethod::Phone,
        &[true, true],
    );
    accepted(
        &case,
        crm(),
        "2026-03-06T10:00:00Z",
        decide(Outcome::Upheld),
    );
}

#[test]
fn c7_part_upheld_needs_more_than_one_issue_and_some_not_all_upheld() {
    let one = Case::investigated(ComplaintFlags::default(), ContactMethod::Phone, &[true]);
    expect_error(
        &one,
        crm(),
        "2026-03-06T10:00:00Z",
        decide(Outcome::PartUpheld),
        inconsistent(Outcome::PartUpheld, "part upheld needs more than one issue"),
    );
    let all = Case::investigated(
        ComplaintFlags::default(),
        ContactMethod::Phone,
        &[true, true],
    );
    expect_error(
        &all,
        crm(),
        "2026-03-06T10:00:00Z",
        decide(Outcome::PartUpheld),
        inconsistent(
            Outcome::PartUpheld,
            "part upheld needs some, but not all, issues upheld",
        ),
    );
    let some = Case::investigated(
        ComplaintFlags::default(),
        ContactMethod::Phone,
        &[true, false, true],
    );
    accepted(
        &some,
        crm(),
        "2026-03-06T10:00:00Z",
        decide(Outcome::PartUpheld),
    );
}

#[test]
fn c7_not_upheld_needs_no_issue_upheld() {
    let case = Case::investigated(
        ComplaintFlags::default(),
        ContactMethod::Phone,
        &[false, true],
    );
    expect_error(
        &case,
        crm(),
        "2026-03-06T10:00:00Z",
        decide(Outcome::NotUpheld),
        inconsistent(Outcome::NotUpheld, "not upheld needs no issue upheld"),
    );
}

#[test]
fn c7_justified_is_a_tier2_outcome_only() {
    let case = Case::investigated(ComplaintFlags::default(), ContactMethod::Phone, &[true]);
    expect_error(
        &case,
        crm(),
        "2026-03-06T10:00:00Z",
        decide(Outcome::Justified),
        DomainError::JustifiedOnlyAtTier2,
    );
}

#[test]
fn c7_the_outcome_is_decided_once_per_tier() {
    let case = Case::decided(&[true], Outcome::Upheld);
    expect_error(
        &case,
        crm(),
        "2026-03-06T11:00:00Z",
        decide(Outcome::Upheld),
        DomainError::AlreadyRecorded {
            what: "the outcome for this tier",
        },
    );
    expect_error(
        &case,
        crm(),
        "2026-03-06T11:00:00Z",
        findings(&[true]),
        DomainError::AlreadyRecorded {
            what: "the outcome for this tier",
        },
    );
}

// ---------------------------------------------------------------- C8 redress

#[test]
fn c8_redress_is_required_before_communicating_an_upheld_outcome() {
    let mut case = Case::decided(&[true], Outcome::Upheld);
    expect_error(
        &case,
        crm(),
        "2026-03-09T10:00:00Z",
        communicate(ContactMethod::Phone),
        DomainError::RedressRequired,
    );
    case.ok(crm(), "2026-03-06T11:00:00Z", redress());
    accepted(
        &case,
        crm(),
        "2026-03-09T10:00:00Z",
        communicate(ContactMethod::Phone),
    );
}

#[test]
fn c8_redress_applies_only_to_upheld_or_part_upheld() {
    let case = Case::decided(&[false], Outcome::NotUpheld);
    expect_error(
        &case,
        crm(),
        "2026-03-06T11:00:00Z",
        redress(),
        DomainError::RedressNotApplicable,
    );
    let undecided = Case::investigated(ComplaintFlags::default(), ContactMethod::Phone, &[true]);
    expect_error(
        &undecided,
        crm(),
        "2026-03-06T11:00:00Z",
        redress(),
        DomainError::OutcomeRequired,
    );
}

// ---------------------------------------------------------------- C9 special payments

#[test]
fn c9_special_payments_only_when_upheld_or_part_upheld() {
    let case = Case::decided(&[false], Outcome::NotUpheld);
    expect_error(
        &case,
        crm(),
        "2026-03-06T11:00:00Z",
        award("p1", PaymentKind::Consolatory, 5000),
        DomainError::PaymentNotApplicable,
    );
    expect_error(
        &case,
        crm(),
        "2026-03-06T11:00:00Z",
        refer("p1", PaymentKind::Consolatory, 50000),
        DomainError::PaymentNotApplicable,
    );
}

#[test]
fn c9_within_dfa_the_case_manager_awards() {
    let case = Case::decided(&[true], Outcome::Upheld);
    let ev = only(accepted(
        &case,
        crm(),
        "2026-03-06T11:00:00Z",
        award("p1", PaymentKind::ActualFinancialLoss, 25000),
    ));
    assert!(matches!(
        ev,
        ComplaintEvent::SpecialPaymentAwarded {
            delegated_total_pence: 25000,
            ..
        }
    ));
}

#[test]
fn c9_above_dfa_must_be_referred_to_spt() {
    let case = Case::decided(&[true], Outcome::Upheld);
    let err = case
        .given()
        .when(cmd(
            crm(),
            "2026-03-06T11:00:00Z",
            award("p1", PaymentKind::Consolatory, 10001),
        ))
        .inspect_result()
        .expect_err("above DFA");
    assert_eq!(
        err,
        DomainError::AboveDelegatedAuthority {
            kind: "consolatory",
            total: 10001,
            limit: 10000
        }
    );
    assert_eq!(err.reason(), "ABOVE_DELEGATED_AUTHORITY");
    let ev = only(accepted(
        &case,
        crm(),
        "2026-03-06T11:00:00Z",
        refer("p1", PaymentKind::Consolatory, 10001),
    ));
    assert_eq!(ev.event_type(), "SpecialPaymentReferred");
}

#[test]
fn c9_dfa_is_cumulative_per_complaint_per_kind() {
    let mut case = Case::decided(&[true], Outcome::Upheld);
    case.ok(
        crm(),
        "2026-03-06T11:00:00Z",
        award("p1", PaymentKind::Consolatory, 6000),
    );
    expect_error(
        &case,
        crm(),
        "2026-03-06T12:00:00Z",
        award("p2", PaymentKind::Consolatory, 5000),
        DomainError::AboveDelegatedAuthority {
            kind: "consolatory",
            total: 11000,
            limit: 10000,
        },
    );
    accepted(
        &case,
        crm(),
        "2026-03-06T12:00:00Z",
        award("p2", PaymentKind::ActualFinancialLoss, 5000),
    );
    expect_error(
        &case,
        crm(),
        "2026-03-06T12:00:00Z",
        award("p1", PaymentKind::ActualFinancialLoss, 5000),
        DomainError::DuplicateId {
            field: "payment_id",
            id: "p1".into(),
        },
    );
}

#[test]
fn c9_amounts_must_be_positive_pence() {
    let case = Case::decided(&[true], Outcome::Upheld);
    expect_error(
        &case,
        crm(),
        "2026-03-06T11:00:00Z",
        award("p1", PaymentKind::Consolatory, 0),
        DomainError::AmountNotPositive {
            field: "amount_pence",
        },
    );
}

#[test]
fn c9_only_the_spt_decides_a_referral_and_may_approve_a_different_amount() {
    let mut case = Case::decided(&[true], Outcome::Upheld);
    case.ok(
        crm(),
        "2026-03-06T11:00:00Z",
        refer("p1", PaymentKind::ActualFinancialLoss, 40000),
    );
    let approve = |pence| ComplaintAction::DecideSpecialPayment {
        payment_id: "p1".into(),
        decision: SptDecision::Approve {
            amount_pence: pence,
        },
    };
    expect_error(
        &case,
        crm(),
        "2026-03-07T10:00:00Z",
        approve(40000),
        DomainError::RoleNotPermitted {
            role: Role::Crm,
            action: "decide referred special payments",
        },
    );
    expect_error(
        &case,
        manager(),
        "2026-03-07T10:00:00Z",
        approve(40000),
        DomainError::RoleNotPermitted {
            role: Role::CrtManager,
            action: "decide referred special payments",
        },
    );
    expect_error(
        &case,
        spt(),
        "2026-03-07T10:00:00Z",
        approve(0),
        DomainError::AmountNotPositive {
            field: "amount_pence",
        },
    );
    let ev = only(accepted(
        &case,
        spt(),
        "2026-03-07T10:00:00Z",
        approve(32000),
    ));
    assert!(matches!(
        ev,
        ComplaintEvent::SpecialPaymentApproved {
            requested_pence: 40000,
            approved_pence: 32000,
            ..
        }
    ));
    case.ok(spt(), "2026-03-07T10:00:00Z", approve(32000));
    expect_error(
        &case,
        spt(),
        "2026-03-07T11:00:00Z",
        approve(1),
        DomainError::PaymentNotAwaitingSpt {
            payment_id: "p1".into(),
        },
    );
}

#[test]
fn c9_spt_may_decline_and_issues_no_other_case_commands() {
    let mut case = Case::decided(&[true], Outcome::Upheld);
    case.ok(
        crm(),
        "2026-03-06T11:00:00Z",
        refer("p1", PaymentKind::Consolatory, 20000),
    );
    let ev = only(accepted(
        &case,
        spt(),
        "2026-03-07T10:00:00Z",
        ComplaintAction::DecideSpecialPayment {
            payment_id: "p1".into(),
            decision: SptDecision::Decline {
                reason: "no evidence of distress".into(),
            },
        },
    ));
    assert_eq!(ev.event_type(), "SpecialPaymentDeclined");
    expect_error(
        &case,
        spt(),
        "2026-03-07T10:00:00Z",
        award("p2", PaymentKind::Consolatory, 100),
        DomainError::RoleNotPermitted {
            role: Role::SpecialPaymentTeam,
            action: "award special payments",
        },
    );
    expect_error(
        &case,
        spt(),
        "2026-03-07T10:00:00Z",
        ComplaintAction::DecideSpecialPayment {
            payment_id: "zz".into(),
            decision: SptDecision::Approve { amount_pence: 1 },
        },
        DomainError::UnknownId {
            field: "payment_id",
            id: "zz".into(),
        },
    );
}

#[test]
fn c9_customer_invited_to_supply_more_evidence_without_clock_pause_by_default() {
    let mut case = Case::decided(&[true], Outcome::Upheld);
    let ev = only(case.ok(
        crm(),
        "2026-03-09T10:00:00Z",
        ComplaintAction::InviteFurtherEvidence {
            note: "bank statements".into(),
        },
    ));
    assert!(matches!(
        ev,
        ComplaintEvent::FurtherEvidenceInvited {
            clock_paused: false,
            ..
        }
    ));
    expect_error(
        &case,
        crm(),
        "2026-03-09T11:00:00Z",
        ComplaintAction::InviteFurtherEvidence {
            note: "again".into(),
        },
        DomainError::EvidenceInvitationOpen,
    );
    let ev = only(case.ok(
        crm(),
        "2026-03-13T10:00:00Z",
        ComplaintAction::RecordFurtherEvidence {
            note: "statements arrived".into(),
        },
    ));
    assert!(
        matches!(ev, ComplaintEvent::FurtherEvidenceReceived { clock_resumed: false, paused_working_days: 0, response_due, .. } if response_due == t("2026-03-24T00:00:00Z"))
    );
    expect_error(
        &case,
        crm(),
        "2026-03-13T11:00:00Z",
        ComplaintAction::RecordFurtherEvidence { note: "x".into() },
        DomainError::NoEvidenceInvitation,
    );
}

#[test]
fn d6_clock_pause_extends_the_response_deadline_when_policy_enables_it() {
    let mut case = Case::new(services_with(|p| p.clock_pause.enabled = true));
    case.ok(crm(), RECEIVED, receive(ComplaintFlags::default()));
    let ev = only(case.ok(
        crm(),
        "2026-03-09T10:00:00Z",
        ComplaintAction::InviteFurtherEvidence {
            note: "bank statements".into(),
        },
    ));
    assert!(matches!(
        ev,
        ComplaintEvent::FurtherEvidenceInvited {
            clock_paused: true,
            ..
        }
    ));
    // Paused Mon 9 -> Fri 13 March: 4 working days; due moves from end of Mon 23 to end of Fri 27 March.
    let ev = only(case.ok(
        crm(),
        "2026-03-13T10:00:00Z",
        ComplaintAction::RecordFurtherEvidence {
            note: "arrived".into(),
        },
    ));
    match ev {
        ComplaintEvent::FurtherEvidenceReceived {
            clock_resumed,
            paused_working_days,
            response_due,
            ..
        } => {
            assert!(clock_resumed);
            assert_eq!(paused_working_days, 4);
            assert_eq!(response_due, t("2026-03-28T00:00:00Z"));
        }
        other => panic!("unexpected {other:?}"),
    }
}

// ---------------------------------------------------------------- C10 outcome communication

#[test]
fn c10_outcome_communication_records_the_response_time_against_the_target() {
    let mut case = Case::decided(&[false], Outcome::NotUpheld);
    expect_error(
        &Case::investigated(ComplaintFlags::default(), ContactMethod::Phone, &[false]),
        crm(),
        "2026-03-09T10:00:00Z",
        communicate(ContactMethod::Phone),
        DomainError::OutcomeRequired,
    );
    let ev = only(case.ok(
        crm(),
        "2026-03-09T10:00:00Z",
        communicate(ContactMethod::Phone),
    ));
    assert!(
        matches!(ev, ComplaintEvent::OutcomeCommunicated { within_target: true, response_due, .. } if response_due == t("2026-03-24T00:00:00Z"))
    );
    expect_error(
        &case,
        crm(),
        "2026-03-09T11:00:00Z",
        communicate(ContactMethod::Phone),
        DomainError::AlreadyRecorded {
            what: "the outcome communication for this tier",
        },
    );
}

#[test]
fn c10_late_response_is_recorded_as_outside_the_target() {
    let case = Case::decided(&[false], Outcome::NotUpheld);
    let ev = only(accepted(
        &case,
        crm(),
        "2026-03-24T00:00:01Z",
        communicate(ContactMethod::Phone),
    ));
    assert!(matches!(
        ev,
        ComplaintEvent::OutcomeCommunicated {
            within_target: false,
            ..
        }
    ));
}

#[test]
fn c10_communication_method_obeys_the_c2_rules() {
    let mut case = Case::investigated(
        flags(|f| f.about_staff = true),
        ContactMethod::Letter,
        &[true],
    );
    case.ok(crm(), "2026-03-06T10:00:00Z", decide(Outcome::Upheld));
    case.ok(crm(), "2026-03-06T11:00:00Z", redress());
    let err = case
        .given()
        .when(cmd(
            crm(),
            "2026-03-09T10:00:00Z",
            communicate(ContactMethod::Phone),
        ))
        .inspect_result()
        .expect_err("letter only");
    assert_eq!(err.reason(), "CONTACT_METHOD_NOT_ALLOWED");
    accepted(
        &case,
        crm(),
        "2026-03-09T10:00:00Z",
        communicate(ContactMethod::Letter),
    );
}

#[test]
fn c10_an_awarded_payment_must_be_explained() {
    let mut case = Case::decided(&[true], Outcome::Upheld);
    case.ok(crm(), "2026-03-06T11:00:00Z", redress());
    case.ok(
        crm(),
        "2026-03-06T11:00:00Z",
        award("p1", PaymentKind::Consolatory, 5000),
    );
    expect_error(
        &case,
        crm(),
        "2026-03-09T10:00:00Z",
        communicate(ContactMethod::Phone),
        DomainError::FieldRequired {
            field: "payment_explanation",
        },
    );
    accepted(
        &case,
        crm(),
        "2026-03-09T10:00:00Z",
        ComplaintAction::CommunicateOutcome {
            method: ContactMethod::Phone,
            suitability_checked: false,
            payment_explanation: Some("£50 by bank transfer within 10 days".into()),
        },
    );
}

// ---------------------------------------------------------------- C11 signposting

#[test]
fn c11_tier1_signposts_to_the_ccrt_after_the_outcome_is_communicated() {
    let case = Case::decided(&[false], Outcome::NotUpheld);
    expect_error(
        &case,
        crm(),
        "2026-03-09T10:00:00Z",
        ComplaintAction::Signpost,
        DomainError::OutcomeNotCommunicated,
    );
    let mut case = Case::tier1_not_upheld_communicated();
    let ev = only(case.ok(crm(), "2026-03-09T10:05:00Z", ComplaintAction::Signpost));
    assert_eq!(ev.event_type(), "SignpostedToCcrt");
    expect_error(
        &case,
        crm(),
        "2026-03-09T10:10:00Z",
        ComplaintAction::Signpost,
        DomainError::AlreadyRecorded {
            what: "signposting for this tier",
        },
    );
}

// ---------------------------------------------------------------- C12 proactive escalation

#[test]
fn c12_proactive_escalation_when_not_upheld_and_customer_remains_dissatisfied() {
    let case = Case::tier1_not_upheld_communicated();
    expect_error(
        &case,
        crm(),
        "2026-03-10T09:00:00Z",
        escalate("2026-03-10T09:00:00Z", EscalationReason::Proactive, false),
        DomainError::ProactiveEscalationNotApplicable,
    );
    let ev = only(accepted(
        &case,
        crm(),
        "2026-03-10T09:00:00Z",
        escalate("2026-03-10T09:00:00Z", EscalationReason::Proactive, true),
    ));
    assert!(matches!(
        ev,
        ComplaintEvent::EscalatedToTier2 {
            reason: EscalationReason::Proactive,
            ..
        }
    ));
}

#[test]
fn c12_proactive_escalation_refused_when_upheld() {
    let mut case = Case::decided(&[true], Outcome::Upheld);
    case.ok(crm(), "2026-03-06T11:00:00Z", redress());
    case.ok(
        crm(),
        "2026-03-09T10:00:00Z",
        communicate(ContactMethod::Phone),
    );
    expect_error(
        &case,
        crm(),
        "2026-03-10T09:00:00Z",
        escalate("2026-03-10T09:00:00Z", EscalationReason::Proactive, true),
        DomainError::ProactiveEscalationNotApplicable,
    );
    expect_error(
        &case,
        ccrt(),
        "2026-03-10T09:00:00Z",
        escalate("2026-03-10T09:00:00Z", EscalationReason::Proactive, true),
        DomainError::RoleNotPermitted {
            role: Role::CcrtReviewer,
            action: "escalate to tier 2",
        },
    );
}

// ---------------------------------------------------------------- C13 / C14

#[test]
fn c13_case_conference_decision_is_recorded() {
    let case = Case::tier1_not_upheld_communicated();
    let ev = only(accepted(
        &case,
        manager(),
        "2026-03-10T10:00:00Z",
        ComplaintAction::HoldCaseConference {
            attendees: vec!["u-crm".into(), "u-mgr".into()],
            decision: "offer a further call".into(),
        },
    ));
    assert_eq!(ev.event_type(), "CaseConferenceHeld");
    expect_error(
        &case,
        crm(),
        "2026-03-10T10:00:00Z",
        ComplaintAction::HoldCaseConference {
            attendees: vec![],
            decision: "x".into(),
        },
        DomainError::FieldRequired { field: "attendees" },
    );
}

#[test]
fn c14_resolved_at_first_contact_needs_no_root_cause_but_findings_still_apply() {
    let mut case = Case::received(ComplaintFlags::default());
    case.ok(crm(), "2026-03-02T11:00:00Z", evidence("e1", true));
    let mut contact = initial_contact(ContactMethod::Phone, 1);
    if let ComplaintAction::RecordInitialContact {
        resolved_at_first_contact,
        ..
    } = &mut contact
    {
        *resolved_at_first_contact = true;
    }
    case.ok(crm(), "2026-03-02T12:00:00Z", contact);
    expect_error(
        &case,
        crm(),
        "2026-03-02T12:10:00Z",
        decide(Outcome::NotUpheld),
        DomainError::FindingsRequired,
    );
    case.ok(crm(), "2026-03-02T12:05:00Z", findings(&[false]));
    accepted(
        &case,
        crm(),
        "2026-03-02T12:10:00Z",
        decide(Outcome::NotUpheld),
    );
}

// ---------------------------------------------------------------- C15 feedback

#[test]
fn c15_simple_and_complex_feedback_deadlines_come_from_policy_working_days() {
    let case = Case::tier1_not_upheld_communicated();
    let agree = |id: &str, deadline| ComplaintAction::AgreeFeedbackAction {
        action_id: id.into(),
        to_team: "site-leeds".into(),
        recommendation: "retrain on change of circumstances".into(),
        deadline,
    };
    let ev = only(accepted(
        &case,
        crm(),
        "2026-03-09T10:00:00Z",
        agree("f1", FeedbackDeadline::Simple),
    ));
    // 5 working days after Mon 9 March = Mon 16 March; due at its end.
    assert!(
        matches!(ev, ComplaintEvent::FeedbackActionAgreed { due, .. } if due == t("2026-03-17T00:00:00Z"))
    );
    let ev = only(accepted(
        &case,
        crm(),
        "2026-03-09T10:00:00Z",
        agree("f1", FeedbackDeadline::Complex),
    ));
    assert!(
        matches!(ev, ComplaintEvent::FeedbackActionAgreed { due, .. } if due == t("2026-03-24T00:00:00Z"))
    );
    let ev = only(accepted(
        &case,
        crm(),
        "2026-03-09T10:00:00Z",
        agree(
            "f1",
            FeedbackDeadline::ByDate {
                date: d("2026-04-30"),
            },
        ),
    ));
    assert!(
        matches!(ev, ComplaintEvent::FeedbackActionAgreed { due, .. } if due == t("2026-04-30T23:00:00Z"))
    );
    expect_error(
        &case,
        crm(),
        "2026-03-09T10:00:00Z",
        agree(
            "f1",
            FeedbackDeadline::ByDate {
                date: d("2026-03-09"),
            },
        ),
        DomainError::DateNotInFuture {
            field: "deadline.date",
        },
    );
}

#[test]
fn c15_confirmation_is_recorded_once_with_its_timeliness() {
    let mut case = Case::tier1_not_upheld_communicated();
    case.ok(
        crm(),
        "2026-03-09T10:00:00Z",
        ComplaintAction::AgreeFeedbackAction {
            action_id: "f1".into(),
            to_team: "site-leeds".into(),
            recommendation: "r".into(),
            deadline: FeedbackDeadline::Simple,
        },
    );
    expect_error(
        &case,
        crm(),
        "2026-03-18T10:00:00Z",
        ComplaintAction::ConfirmFeedbackAction {
            action_id: "f9".into(),
            note: String::new(),
        },
        DomainError::UnknownId {
            field: "action_id",
            id: "f9".into(),
        },
    );
    let ev = only(case.ok(
        crm(),
        "2026-03-18T10:00:00Z",
        ComplaintAction::ConfirmFeedbackAction {
            action_id: "f1".into(),
            note: "done".into(),
        },
    ));
    assert!(
        matches!(
            ev,
            ComplaintEvent::FeedbackActionConfirmed {
                within_deadline: false,
                ..
            }
        ),
        "confirmed after the deadline: overdue"
    );
    expect_error(
        &case,
        crm(),
        "2026-03-18T11:00:00Z",
        ComplaintAction::ConfirmFeedbackAction {
            action_id: "f1".into(),
            note: String::new(),
        },
        DomainError::AlreadyRecorded {
            what: "confirmation of this feedback action",
        },
    );
}

// ---------------------------------------------------------------- C16 recategorisation

#[test]
fn c16_recategorisation_needs_a_reason_and_known_categories_and_is_reported_at_closure() {
    let mut case = Case::tier1_not_upheld_communicated();
    let recat = |cats: &[&str], reason: &str| ComplaintAction::Recategorise {
        categories: cats.iter().map(|c| c.to_string()).collect(),
        reason: reason.into(),
    };
    expect_error(
        &case,
        crm(),
        "2026-03-09T11:00:00Z",
        recat(&["decision"], ""),
        DomainError::FieldRequired { field: "reason" },
    );
    expect_error(
        &case,
        crm(),
        "2026-03-09T11:00:00Z",
        recat(&["bogus"], "r"),
        DomainError::UnknownCategory {
            category: "bogus".into(),
        },
    );
    case.ok(
        crm(),
        "2026-03-09T11:00:00Z",
        recat(
            &["decision", "communication"],
            "it was really about the decision letter",
        ),
    );
    case.ok(crm(), "2026-03-09T11:05:00Z", ComplaintAction::Signpost);
    let ev = only(case.ok(crm(), "2026-03-09T11:10:00Z", ComplaintAction::Close));
    assert!(
        matches!(ev, ComplaintEvent::Closed { ref categories, .. } if categories == &vec!["decision".to_string(), "communication".to_string()])
    );
    expect_error(
        &case,
        crm(),
        "2026-03-09T12:00:00Z",
        recat(&["decision"], "r"),
        DomainError::ComplaintClosed,
    );
}

// ---------------------------------------------------------------- C17 closure

#[test]
fn c17_closure_requires_outcome_communicated_and_signposting() {
    let case = Case::decided(&[false], Outcome::NotUpheld);
    expect_error(
        &case,
        crm(),
        "2026-03-09T10:00:00Z",
        ComplaintAction::Close,
        DomainError::OutcomeNotCommunicated,
    );
    let case = Case::tier1_not_upheld_communicated();
    expect_error(
        &case,
        crm(),
        "2026-03-09T10:00:00Z",
        ComplaintAction::Close,
        DomainError::SignpostingRequired,
    );
}

#[test]
fn c17_closure_refused_while_a_payment_awaits_the_spt() {
    let mut case = Case::decided(&[true], Outcome::Upheld);
    case.ok(crm(), "2026-03-06T11:00:00Z", redress());
    case.ok(
        crm(),
        "2026-03-06T11:00:00Z",
        refer("p1", PaymentKind::Consolatory, 20000),
    );
    case.ok(
        crm(),
        "2026-03-09T10:00:00Z",
        communicate(ContactMethod::Phone),
    );
    case.ok(crm(), "2026-03-09T10:05:00Z", ComplaintAction::Signpost);
    expect_error(
        &case,
        crm(),
        "2026-03-09T10:10:00Z",
        ComplaintAction::Close,
        DomainError::PaymentAwaitingSpt,
    );
}

#[test]
fn c17_a_closed_complaint_accepts_only_escalation_to_tier2() {
    let mut case = Case::tier1_not_upheld_communicated();
    case.ok(crm(), "2026-03-09T10:05:00Z", ComplaintAction::Signpost);
    case.ok(crm(), "2026-03-09T10:10:00Z", ComplaintAction::Close);
    expect_error(
        &case,
        crm(),
        "2026-03-09T11:00:00Z",
        evidence("e9", true),
        DomainError::ComplaintClosed,
    );
    expect_error(
        &case,
        crm(),
        "2026-03-09T11:00:00Z",
        ComplaintAction::Withdraw { reason: "x".into() },
        DomainError::ComplaintClosed,
    );
    let ev = only(accepted(
        &case,
        ccrt(),
        "2026-03-20T10:00:00Z",
        escalate(
            "2026-03-20T09:00:00Z",
            EscalationReason::CustomerRequest,
            true,
        ),
    ));
    assert_eq!(ev.event_type(), "EscalatedToTier2");
}

// ---------------------------------------------------------------- C18 withdrawal

#[test]
fn c18_withdrawal_needs_a_reason_and_ends_the_case() {
    let mut case = Case::received(ComplaintFlags::default());
    expect_error(
        &case,
        crm(),
        "2026-03-03T10:00:00Z",
        ComplaintAction::Withdraw { reason: " ".into() },
        DomainError::FieldRequired { field: "reason" },
    );
    case.ok(
        crm(),
        "2026-03-03T10:00:00Z",
        ComplaintAction::Withdraw {
            reason: "customer resolved it with the bank".into(),
        },
    );
    assert_eq!(case.state.status, CaseStatus::Withdrawn);
    expect_error(
        &case,
        crm(),
        "2026-03-03T11:00:00Z",
        initial_contact(ContactMethod::Phone, 1),
        DomainError::ComplaintWithdrawn,
    );
}

// ---------------------------------------------------------------- T1-T4 tier 2

#[test]
fn t1_escalation_starts_tier2_with_its_own_receipt_time_and_clock() {
    let case = Case::tier1_not_upheld_communicated();
    let ev = only(accepted(
        &case,
        crm(),
        "2026-03-10T09:00:00Z",
        escalate(
            "2026-03-10T09:00:00Z",
            EscalationReason::CustomerRequest,
            true,
        ),
    ));
    match ev {
        ComplaintEvent::EscalatedToTier2 {
            tier2_initial_contact_due,
            tier2_response_due,
            tier1_team,
            ..
        } => {
            assert_eq!(tier2_initial_contact_due, t("2026-03-12T09:00:00Z"));
            // 15 working days after Tue 10 March = Tue 31 March (BST from 29 March).
            assert_eq!(tier2_response_due, t("2026-03-31T23:00:00Z"));
            assert_eq!(tier1_team, TEAM);
        }
        other => panic!("unexpected {other:?}"),
    }
}

#[test]
fn t1_pos_case_tier2_response_target_is_20_working_days() {
    let mut case = Case::received(flags(|f| f.pos_case = true));
    case.ok(
        crm(),
        "2026-03-03T10:00:00Z",
        initial_contact(ContactMethod::Phone, 1),
    );
    case.ok(crm(), "2026-03-04T10:00:00Z", evidence("e1", true));
    case.ok(crm(), "2026-03-05T10:00:00Z", root_cause());
    case.ok(crm(), "2026-03-05T11:00:00Z", findings(&[false]));
    case.ok(crm(), "2026-03-06T10:00:00Z", decide(Outcome::NotUpheld));
    case.ok(
        crm(),
        "2026-03-09T10:00:00Z",
        communicate(ContactMethod::Phone),
    );
    let ev = only(case.ok(
        crm(),
        "2026-03-10T09:00:00Z",
        escalate(
            "2026-03-10T09:00:00Z",
            EscalationReason::CustomerRequest,
            true,
        ),
    ));
    // 20 working days after Tue 10 March, skipping Good Friday 3 April and Easter Monday 6 April: Thu 9 April.
    assert!(
        matches!(ev, ComplaintEvent::EscalatedToTier2 { tier2_response_due, .. } if tier2_response_due == t("2026-04-09T23:00:00Z"))
    );
}

#[test]
fn t1_escalation_needs_the_tier1_response_and_a_valid_receipt_time() {
    let case = Case::decided(&[false], Outcome::NotUpheld);
    expect_error(
        &case,
        crm(),
        "2026-03-10T09:00:00Z",
        escalate(
            "2026-03-10T09:00:00Z",
            EscalationReason::CustomerRequest,
            true,
        ),
        DomainError::OutcomeNotCommunicated,
    );
    let case = Case::tier1_not_upheld_communicated();
    expect_error(
        &case,
        crm(),
        "2026-03-10T09:00:00Z",
        escalate(
            "2026-03-11T09:00:00Z",
            EscalationReason::CustomerRequest,
            true,
        ),
        DomainError::OccurredInFuture {
            field: "escalation_received_at",
        },
    );
    expect_error(
        &case,
        crm(),
        "2026-03-10T09:00:00Z",
        escalate(
            "2026-03-01T09:00:00Z",
            EscalationReason::CustomerRequest,
            true,
        ),
        DomainError::BeforeReceipt {
            field: "escalation_received_at",
        },
    );
}

fn at_tier2() -> Case {
    let mut case = Case::tier1_not_upheld_communicated();
    case.ok(crm(), "2026-03-09T10:05:00Z", ComplaintAction::Signpost);
    case.ok(
        crm(),
        "2026-03-10T09:00:00Z",
        escalate(
            "2026-03-10T09:00:00Z",
            EscalationReason::CustomerRequest,
            true,
        ),
    );
    case.ok(
        ccrt(),
        "2026-03-11T10:00:00Z",
        initial_contact(ContactMethod::Phone, 1),
    );
    case.ok(ccrt(), "2026-03-12T10:00:00Z", root_cause());
    case
}

#[test]
fn t2_feedback_goes_to_the_crt_that_handled_tier1() {
    let case = at_tier2();
    let agree = |team: &str| ComplaintAction::AgreeFeedbackAction {
        action_id: "f1".into(),
        to_team: team.into(),
        recommendation: "good handling".into(),
        deadline: FeedbackDeadline::Simple,
    };
    expect_error(
        &case,
        ccrt(),
        "2026-03-13T10:00:00Z",
        agree("site-leeds"),
        DomainError::FeedbackMustGoToTier1Team {
            tier1_team: TEAM.into(),
        },
    );
    accepted(&case, ccrt(), "2026-03-13T10:00:00Z", agree(TEAM));
}

#[test]
fn t2_justified_outcome_is_available_and_tier2_is_the_last_internal_step() {
    let mut case = at_tier2();
    case.ok(ccrt(), "2026-03-12T11:00:00Z", findings(&[true]));
    let ev = only(case.ok(ccrt(), "2026-03-13T10:00:00Z", decide(Outcome::Justified)));
    assert!(matches!(
        ev,
        ComplaintEvent::OutcomeDecided {
            outcome: Outcome::Justified,
            tier: Tier::Tier2,
            ..
        }
    ));
    case.ok(
        ccrt(),
        "2026-03-30T10:00:00Z",
        communicate(ContactMethod::Phone),
    );
    expect_error(
        &case,
        ccrt(),
        "2026-03-30T11:00:00Z",
        escalate(
            "2026-03-30T11:00:00Z",
            EscalationReason::CustomerRequest,
            true,
        ),
        DomainError::NoEscalationRoute {
            why:
                "the complaint is already at tier 2; the next step is the Independent Case Examiner",
        },
    );
}

#[test]
fn t3_ice_signposting_records_the_ice_window_and_referrals_follow_it() {
    let mut case = at_tier2();
    case.ok(ccrt(), "2026-03-12T11:00:00Z", findings(&[false]));
    case.ok(ccrt(), "2026-03-13T10:00:00Z", decide(Outcome::NotUpheld));
    case.ok(
        ccrt(),
        "2026-03-30T10:00:00Z",
        communicate(ContactMethod::Phone),
    );
    let referral = |body| ComplaintAction::RecordReferral {
        body,
        reference: "ICE-123".into(),
    };
    expect_error(
        &case,
        ccrt(),
        "2026-03-30T10:30:00Z",
        referral(ReferralBody::Ice),
        DomainError::IceNotSignposted {
            what: "an ICE or PHSO referral",
        },
    );
    let ev = only(case.ok(ccrt(), "2026-03-30T10:05:00Z", ComplaintAction::Signpost));
    // Six months after the final response on 30 March: end of 30 September (BST).
    assert!(
        matches!(ev, ComplaintEvent::SignpostedToIce { ice_window_ends, .. } if ice_window_ends == t("2026-09-30T23:00:00Z"))
    );
    case.ok(ccrt(), "2026-03-30T10:10:00Z", ComplaintAction::Close);
    expect_error(
        &case,
        ccrt(),
        "2026-04-20T10:00:00Z",
        referral(ReferralBody::Phso),
        DomainError::StepOutOfOrder {
            step: "record a PHSO referral",
            requires: "the ICE referral",
        },
    );
    expect_error(
        &case,
        ccrt(),
        "2026-04-20T10:00:00Z",
        ComplaintAction::RecordReferralResult {
            body: ReferralBody::Ice,
            result: "x".into(),
        },
        DomainError::StepOutOfOrder {
            step: "record a referral result",
            requires: "an open referral to that body",
        },
    );
    case.ok(ccrt(), "2026-04-20T10:00:00Z", referral(ReferralBody::Ice));
    case.ok(
        ccrt(),
        "2026-07-20T10:00:00Z",
        ComplaintAction::RecordReferralResult {
            body: ReferralBody::Ice,
            result: "not upheld by ICE".into(),
        },
    );
    case.ok(ccrt(), "2026-08-20T10:00:00Z", referral(ReferralBody::Phso));
    assert_eq!(case.state.referrals.len(), 2);
}

#[test]
fn t4_single_tier_ladder_signposts_ice_at_the_first_response_and_has_no_escalation() {
    let mut case = Case::new(services_with(|p| {
        p.ladder = Ladder::SingleTier;
        p.version = "single-2026".into();
    }));
    case.ok(crm(), RECEIVED, receive(ComplaintFlags::default()));
    case.ok(
        crm(),
        "2026-03-03T10:00:00Z",
        initial_contact(ContactMethod::Phone, 1),
    );
    case.ok(crm(), "2026-03-04T10:00:00Z", evidence("e1", true));
    case.ok(crm(), "2026-03-05T10:00:00Z", root_cause());
    case.ok(crm(), "2026-03-05T11:00:00Z", findings(&[false]));
    case.ok(crm(), "2026-03-06T10:00:00Z", decide(Outcome::NotUpheld));
    case.ok(
        crm(),
        "2026-03-09T10:00:00Z",
        communicate(ContactMethod::Phone),
    );
    expect_error(
        &case,
        crm(),
        "2026-03-10T09:00:00Z",
        escalate(
            "2026-03-10T09:00:00Z",
            EscalationReason::CustomerRequest,
            true,
        ),
        DomainError::NoEscalationRoute {
            why:
                "the policy's ladder is single-tier; the next step is the Independent Case Examiner",
        },
    );
    let ev = only(case.ok(crm(), "2026-03-09T10:05:00Z", ComplaintAction::Signpost));
    assert!(
        matches!(ev, ComplaintEvent::SignpostedToIce { tier: Tier::Tier1, ice_window_ends, .. } if ice_window_ends == t("2026-09-09T23:00:00Z"))
    );
}

// ---------------------------------------------------------------- V1 safeguarding

#[test]
fn v1_immediate_risk_must_record_escalation_to_emergency_services() {
    let mut case = Case::received(ComplaintFlags::default());
    let concern = |immediate, to: Vec<EscalatedTo>| ComplaintAction::RecordSafeguardingConcern {
        concern_id: "s1".into(),
        kinds: vec![ConcernKind::SuicideOrSelfHarm],
        immediate,
        escalated_to: to,
        note: String::new(),
    };
    expect_error(
        &case,
        crm(),
        "2026-03-03T10:00:00Z",
        concern(true, vec![EscalatedTo::LineManager]),
        DomainError::ImmediateRiskNeedsEmergencyServices,
    );
    accepted(
        &case,
        crm(),
        "2026-03-03T10:00:00Z",
        concern(false, vec![EscalatedTo::LineManager]),
    );
    case.ok(
        crm(),
        "2026-03-03T10:00:00Z",
        concern(
            true,
            vec![
                EscalatedTo::EmergencyServices,
                EscalatedTo::AdvancedCustomerSupportSeniorLeader,
            ],
        ),
    );
    expect_error(
        &case,
        crm(),
        "2026-03-03T10:00:00Z",
        ComplaintAction::RecordSafeguardingConcern {
            concern_id: "s2".into(),
            kinds: vec![],
            immediate: false,
            escalated_to: vec![],
            note: String::new(),
        },
        DomainError::FieldRequired { field: "kinds" },
    );
    let resolve = ComplaintAction::ResolveSafeguardingConcern {
        concern_id: "s1".into(),
        resolution: "crisis team engaged".into(),
    };
    case.ok(manager(), "2026-03-04T10:00:00Z", resolve.clone());
    expect_error(
        &case,
        manager(),
        "2026-03-04T11:00:00Z",
        resolve,
        DomainError::AlreadyRecorded {
            what: "resolution of this concern",
        },
    );
}

// ---------------------------------------------------------------- P2 representatives

#[test]
fn p2_representative_needs_explicit_consent_and_consent_can_be_withdrawn() {
    let mut case = Case::received(ComplaintFlags::default());
    let add = |explicit| ComplaintAction::AddRepresentative {
        representative_id: "r1".into(),
        organisation: "Citizens Advice Leeds".into(),
        consent_scope: "the housing costs payment dispute".into(),
        explicit_consent: explicit,
        personal: RepresentativePersonal {
            name: "Sam Adviser".into(),
            contact: None,
        },
    };
    expect_error(
        &case,
        crm(),
        "2026-03-03T10:00:00Z",
        add(false),
        DomainError::ConsentNotExplicit,
    );
    case.ok(crm(), "2026-03-03T10:00:00Z", add(true));
    expect_error(
        &case,
        crm(),
        "2026-03-03T10:00:00Z",
        add(true),
        DomainError::DuplicateId {
            field: "representative_id",
            id: "r1".into(),
        },
    );
    let withdraw = ComplaintAction::WithdrawConsent {
        representative_id: "r1".into(),
        reason: "customer asked".into(),
    };
    case.ok(crm(), "2026-03-04T10:00:00Z", withdraw.clone());
    expect_error(
        &case,
        crm(),
        "2026-03-04T11:00:00Z",
        withdraw,
        DomainError::AlreadyRecorded {
            what: "the withdrawal of this consent",
        },
    );
}

#[test]
fn every_error_has_a_stable_reason_and_kind() {
    let errs = [
        DomainError::NotYourTeam {
            case_team: "x".into(),
        },
        DomainError::AboveDelegatedAuthority {
            kind: "consolatory",
            total: 2,
            limit: 1,
        },
        DomainError::OutcomeInconsistentWithFindings {
            outcome: "upheld",
            why: "w",
        },
        DomainError::CaseAlreadyExists,
    ];
    let kinds = [
        ErrorKind::PermissionDenied,
        ErrorKind::FailedPrecondition,
        ErrorKind::FailedPrecondition,
        ErrorKind::AlreadyExists,
    ];
    for (e, k) in errs.iter().zip(kinds) {
        assert!(e
            .reason()
            .chars()
            .all(|c| c.is_ascii_uppercase() || c == '_' || c.is_ascii_digit()));
        assert_eq!(e.kind(), k);
        assert!(!e.to_string().is_empty());
    }
}

// ---------------------------------------------------------------- D7 recalculation

fn closure_days(days: &[&str]) -> DomainServices {
    let adjustments: Vec<redress_calendar::Adjustment> = days
        .iter()
        .map(|day| redress_calendar::Adjustment {
            region: Region::EnglandAndWales,
            date: d(day),
            change: redress_calendar::Change::Add {
                name: "Office closure".into(),
            },
        })
        .collect();
    DomainServices::new(
        PolicyBook::default(),
        redress_calendar::Calendars::with_adjustments(&adjustments),
    )
}

#[test]
fn d7_calendar_change_recomputes_open_deadlines() {
    let case = Case::received(ComplaintFlags::default());
    // Closure days Wed 4 and Fri 13 March 2026. Initial contact: Mon 09:00-24:00 15 h,
    // Tue 24 h (39 h), Wed closed, Thu 9 h: Thu 5 March 09:00. Response: 15 working days
    // after Mon 2 March skipping 4 and 13 March: Wed 25 March, due at its end.
    let ev = cqrs_es::test::TestFramework::<Complaint>::with(closure_days(&[
        "2026-03-04",
        "2026-03-13",
    ]))
    .given(case.events.clone())
    .when(cmd(
        admin(),
        "2026-03-03T10:00:00Z",
        ComplaintAction::RecalculateDeadlines,
    ))
    .inspect_result()
    .expect("accepted");
    match &ev[..] {
        [ComplaintEvent::DeadlinesRecalculated {
            initial_contact_due: Some(ic),
            response_due: Some(r),
            ..
        }] => {
            assert_eq!(
                (ic.previous, ic.new),
                (t("2026-03-04T09:00:00Z"), t("2026-03-05T09:00:00Z"))
            );
            assert_eq!(
                (r.previous, r.new),
                (t("2026-03-24T00:00:00Z"), t("2026-03-26T00:00:00Z"))
            );
        }
        other => panic!("unexpected {other:?}"),
    }
}

#[test]
fn d7_met_and_breached_deadlines_are_not_rewritten_and_only_operators_recalculate() {
    let mut case = Case::received(ComplaintFlags::default());
    case.ok(
        crm(),
        "2026-03-03T10:00:00Z",
        initial_contact(ContactMethod::Phone, 1),
    );
    case.services = closure_days(&["2026-03-04", "2026-03-13"]);
    expect_error(
        &case,
        crm(),
        "2026-03-05T10:00:00Z",
        ComplaintAction::RecalculateDeadlines,
        DomainError::RoleNotPermitted {
            role: Role::Crm,
            action: "recalculate deadlines",
        },
    );
    // Initial contact met: only the response deadline moves.
    let ev = only(
        case.run(cmd(
            admin(),
            "2026-03-05T10:00:00Z",
            ComplaintAction::RecalculateDeadlines,
        ))
        .expect("accepted"),
    );
    assert!(matches!(
        ev,
        ComplaintEvent::DeadlinesRecalculated {
            initial_contact_due: None,
            response_due: Some(_),
            ..
        }
    ));
    // Nothing left to move: nothing recorded.
    assert_eq!(
        case.run(cmd(
            admin(),
            "2026-03-05T11:00:00Z",
            ComplaintAction::RecalculateDeadlines
        )),
        Ok(vec![])
    );
    // A breached deadline stays breached under a later calendar change.
    let mut late = Case::received(ComplaintFlags::default());
    late.services = closure_days(&["2026-03-04", "2026-03-13"]);
    assert_eq!(
        late.run(cmd(
            admin(),
            "2026-03-30T10:00:00Z",
            ComplaintAction::RecalculateDeadlines
        )),
        Ok(vec![])
    );
}
