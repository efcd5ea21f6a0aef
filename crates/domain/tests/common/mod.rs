//! Shared test helpers: actors, times, command builders and a `Case` that runs commands
//! through `decide` + `apply` and hands its history to the cqrs-es `TestFramework`.
#![allow(dead_code)]

use chrono::{DateTime, NaiveDate, Utc};
use cqrs_es::test::{AggregateTestExecutor, TestFramework};
use cqrs_es::Aggregate;
use redress_calendar::Region;
use redress_domain::*;

pub fn t(s: &str) -> DateTime<Utc> {
    s.parse().expect("a valid RFC 3339 instant")
}

pub fn d(s: &str) -> NaiveDate {
    s.parse().expect("a valid date")
}

pub const TEAM: &str = "team-a";

pub fn crm() -> Actor {
    Actor::new("u-crm", Role::Crm, TEAM)
}
pub fn crm_other_team() -> Actor {
    Actor::new("u-crm-b", Role::Crm, "team-b")
}
pub fn manager() -> Actor {
    Actor::new("u-mgr", Role::CrtManager, TEAM)
}
pub fn ccrt() -> Actor {
    Actor::new("u-ccrt", Role::CcrtReviewer, "ccrt")
}
pub fn spt() -> Actor {
    Actor::new("u-spt", Role::SpecialPaymentTeam, "spt")
}
pub fn reporting() -> Actor {
    Actor::new("u-rep", Role::Reporting, "reporting")
}
pub fn admin() -> Actor {
    Actor::new("u-admin", Role::Admin, "ops")
}

/// A command that happened at `at` and is recorded at the same instant.
pub fn cmd(actor: Actor, at: &str, action: ComplaintAction) -> ComplaintCommand {
    ComplaintCommand::new(CommandMeta::new(actor, t(at), t(at)), action)
}

pub fn services() -> DomainServices {
    DomainServices::standard()
}

/// Services whose only policy is the default with `edit` applied (version renamed).
pub fn services_with(edit: impl FnOnce(&mut Policy)) -> DomainServices {
    let mut p = Policy::default_policy();
    edit(&mut p);
    p.validate().expect("edited test policy is valid");
    DomainServices::new(
        PolicyBook::single(p),
        redress_calendar::Calendars::standard(),
    )
}

pub fn personal() -> PersonalDetails {
    PersonalDetails {
        name: "Alex Example".into(),
        address: Some("1 High Street, Leeds".into()),
        email: Some("alex@example.org".into()),
        phone: Some("07700 900000".into()),
        preferred_contact: ContactMethod::Phone,
    }
}

/// Monday 2 March 2026, 09:00 GMT, England and Wales.
pub const RECEIVED: &str = "2026-03-02T09:00:00Z";

pub fn receive_at(
    received_at: &str,
    region: Region,
    flags: ComplaintFlags,
    categories: &[&str],
) -> ComplaintAction {
    ComplaintAction::Receive {
        complaint_id: "c-1".into(),
        received_at: t(received_at),
        channel: Channel::Email,
        categories: categories.iter().map(|c| c.to_string()).collect(),
        team: TEAM.into(),
        region,
        flags,
        personal: personal(),
    }
}

pub fn receive(flags: ComplaintFlags) -> ComplaintAction {
    receive_at(RECEIVED, Region::EnglandAndWales, flags, &["payment_delay"])
}

pub fn issues(n: usize) -> Vec<Issue> {
    (1..=n)
        .map(|i| Issue {
            issue_id: format!("i{i}"),
            summary: format!("issue {i}"),
        })
        .collect()
}

pub fn initial_contact(method: ContactMethod, n_issues: usize) -> ComplaintAction {
    ComplaintAction::RecordInitialContact {
        method,
        suitability_checked: false,
        offered_direct_contact: true,
        issues: issues(n_issues),
        resolution_sought: "payment made and an apology".into(),
        resolved_at_first_contact: false,
    }
}

pub fn evidence(id: &str, validated: bool) -> ComplaintAction {
    ComplaintAction::RecordInvestigationStep {
        step: InvestigationStepKind::SystemsEvidenceGathered,
        evidence_id: id.into(),
        description: "payment history from the benefit system".into(),
        validated,
    }
}

pub fn root_cause() -> ComplaintAction {
    ComplaintAction::RecordRootCause {
        root_cause: RootCause {
            what_happened: "payment issued late".into(),
            what_should_have_happened: "payment on the due date".into(),
            mistakes: "change of circumstances not actioned".into(),
            root_cause: "work item missed in the queue".into(),
        },
    }
}

/// One finding per issue `i1..`, in order, all resting on validated evidence `e1`.
pub fn findings(upheld: &[bool]) -> ComplaintAction {
    ComplaintAction::RecordFindings {
        findings: upheld
            .iter()
            .enumerate()
            .map(|(i, u)| Finding {
                issue_id: format!("i{}", i + 1),
                upheld: *u,
                evidence_ids: vec!["e1".into()],
                reasoning: "per the payment history".into(),
            })
            .collect(),
    }
}

pub fn decide(outcome: Outcome) -> ComplaintAction {
    ComplaintAction::DecideOutcome {
        outcome,
        summary: "summary of the decision".into(),
    }
}

pub fn redress() -> ComplaintAction {
    ComplaintAction::RecordRedress {
        apology: "We are sorry.".into(),
        remedial_assurance: "The queue is now checked daily.".into(),
    }
}

pub fn communicate(method: ContactMethod) -> ComplaintAction {
    ComplaintAction::CommunicateOutcome {
        method,
        suitability_checked: false,
        payment_explanation: None,
    }
}

pub fn award(id: &str, kind: PaymentKind, pence: u64) -> ComplaintAction {
    ComplaintAction::AwardSpecialPayment {
        payment_id: id.into(),
        kind,
        amount_pence: pence,
        reason: "loss of bank charges".into(),
    }
}

pub fn refer(id: &str, kind: PaymentKind, pence: u64) -> ComplaintAction {
    ComplaintAction::ReferSpecialPayment {
        payment_id: id.into(),
        kind,
        amount_pence: pence,
        reason: "above delegated authority".into(),
    }
}

pub fn escalate(at: &str, reason: EscalationReason, dissatisfied: bool) -> ComplaintAction {
    ComplaintAction::EscalateToTier2 {
        escalation_received_at: t(at),
        reason,
        customer_remains_dissatisfied: dissatisfied,
    }
}

/// A complaint's history, built by running commands through `decide` and `apply`.
pub struct Case {
    pub services: DomainServices,
    pub state: Complaint,
    pub events: Vec<ComplaintEvent>,
}

impl Case {
    pub fn new(services: DomainServices) -> Self {
        Case {
            services,
            state: Complaint::default(),
            events: Vec::new(),
        }
    }

    pub fn run(&mut self, command: ComplaintCommand) -> Result<Vec<ComplaintEvent>, DomainError> {
        let events = self.state.decide(command, &self.services)?;
        for e in &events {
            self.state.apply(e.clone());
        }
        self.events.extend(events.clone());
        Ok(events)
    }

    /// Runs a command that must be accepted.
    pub fn ok(&mut self, actor: Actor, at: &str, action: ComplaintAction) -> Vec<ComplaintEvent> {
        let name = action.name();
        match self.run(cmd(actor, at, action)) {
            Ok(e) => e,
            Err(err) => panic!("`{name}` at {at} refused: {err} ({})", err.reason()),
        }
    }

    /// The cqrs-es test framework, given this case's history.
    pub fn given(&self) -> AggregateTestExecutor<Complaint> {
        TestFramework::<Complaint>::with(self.services.clone()).given(self.events.clone())
    }

    /// Received Mon 2 Mar 2026 (E&W); initial contact Tue 3 Mar by `method`.
    pub fn received(flags: ComplaintFlags) -> Self {
        let mut c = Case::new(services());
        c.ok(crm(), RECEIVED, receive(flags));
        c
    }

    /// Received, contacted (n issues), validated evidence e1, root cause, findings.
    pub fn investigated(flags: ComplaintFlags, method: ContactMethod, upheld: &[bool]) -> Self {
        let mut c = Case::received(flags);
        c.ok(
            crm(),
            "2026-03-03T10:00:00Z",
            initial_contact(method, upheld.len()),
        );
        c.ok(crm(), "2026-03-04T10:00:00Z", evidence("e1", true));
        c.ok(crm(), "2026-03-05T10:00:00Z", root_cause());
        c.ok(crm(), "2026-03-05T11:00:00Z", findings(upheld));
        c
    }

    /// Investigated and the outcome decided (upheld / not upheld per the findings).
    pub fn decided(upheld: &[bool], outcome: Outcome) -> Self {
        let mut c = Case::investigated(ComplaintFlags::default(), ContactMethod::Phone, upheld);
        c.ok(crm(), "2026-03-06T10:00:00Z", decide(outcome));
        c
    }

    /// Tier 1 complete (not upheld, communicated, signposted to CCRT).
    pub fn tier1_not_upheld_communicated() -> Self {
        let mut c = Case::decided(&[false], Outcome::NotUpheld);
        c.ok(
            crm(),
            "2026-03-09T10:00:00Z",
            communicate(ContactMethod::Phone),
        );
        c
    }

    pub fn last_event(&self) -> &ComplaintEvent {
        self.events.last().expect("at least one event")
    }
}

/// The one event a command produced.
pub fn only(events: Vec<ComplaintEvent>) -> ComplaintEvent {
    assert_eq!(events.len(), 1, "expected exactly one event: {events:?}");
    events.into_iter().next().expect("one event")
}

pub fn expect_error(
    case: &Case,
    actor: Actor,
    at: &str,
    action: ComplaintAction,
    err: DomainError,
) {
    case.given()
        .when(cmd(actor, at, action))
        .then_expect_error(err);
}
