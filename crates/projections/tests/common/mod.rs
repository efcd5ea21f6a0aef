//! Shared test fixtures: actors, command builders and a harness that runs every projection
//! through the real runner on a throw-away PostgreSQL database or SQLite file.
#![allow(dead_code)]

use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, NaiveDate, Utc};
use redress_calendar::{Calendars, Region};
use redress_domain::*;
use redress_projections::{all_projections, ReadModels, PROJECTION_NAMES};
use redress_store::testing::TestDatabase;
use redress_store::{
    Backend, CommandContext, CommandError, ProjectionRunner, RunnerConfig, RunnerHandle, Store,
};

/// Runs an async test body on both databases.
#[macro_export]
macro_rules! both {
    ($name:ident) => {
        mod $name {
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                super::$name(redress_store::Backend::Postgres).await
            }
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                super::$name(redress_store::Backend::Sqlite).await
            }
        }
    };
}

pub fn t(s: &str) -> DateTime<Utc> {
    s.parse().expect("a valid RFC 3339 instant")
}

pub fn d(s: &str) -> NaiveDate {
    s.parse().expect("a valid date")
}

pub fn crm(team: &str) -> Actor {
    Actor::new(format!("u-crm-{team}"), Role::Crm, team)
}
pub fn manager(team: &str) -> Actor {
    Actor::new(format!("u-mgr-{team}"), Role::CrtManager, team)
}
pub fn ccrt() -> Actor {
    Actor::new("u-ccrt", Role::CcrtReviewer, "ccrt")
}
pub fn spt() -> Actor {
    Actor::new("u-spt", Role::SpecialPaymentTeam, "spt")
}
pub fn admin() -> Actor {
    Actor::new("u-admin", Role::Admin, "ops")
}

/// Distinctive personal data (SPEC P1 scans look for these strings).
pub const SECRET_NAME: &str = "Zebedee Quillfeather";
pub const SECRET_ADDRESS: &str = "77 Marmalade Crescent, Wetherby";
pub const SECRET_EMAIL: &str = "zebedee.q@example.net";
pub const SECRET_PHONE: &str = "07700 913579";
pub const SECRETS: [&str; 4] = [SECRET_NAME, SECRET_ADDRESS, SECRET_EMAIL, SECRET_PHONE];

pub fn personal() -> PersonalDetails {
    PersonalDetails {
        name: SECRET_NAME.into(),
        address: Some(SECRET_ADDRESS.into()),
        email: Some(SECRET_EMAIL.into()),
        phone: Some(SECRET_PHONE.into()),
        preferred_contact: ContactMethod::Letter,
    }
}

pub fn receive(
    id: &str,
    at: DateTime<Utc>,
    team: &str,
    region: Region,
    categories: &[&str],
) -> ComplaintAction {
    ComplaintAction::Receive {
        complaint_id: id.into(),
        received_at: at,
        channel: Channel::Email,
        categories: categories.iter().map(|c| c.to_string()).collect(),
        team: team.into(),
        region,
        flags: ComplaintFlags::default(),
        personal: personal(),
    }
}

pub fn issues(n: usize) -> Vec<Issue> {
    (1..=n)
        .map(|i| Issue {
            issue_id: format!("i{i}"),
            summary: format!("issue {i}"),
        })
        .collect()
}

pub fn initial_contact(n: usize) -> ComplaintAction {
    ComplaintAction::RecordInitialContact {
        method: ContactMethod::Letter,
        suitability_checked: false,
        offered_direct_contact: true,
        issues: issues(n),
        resolution_sought: "payment made".into(),
        resolved_at_first_contact: false,
    }
}

pub fn evidence() -> ComplaintAction {
    ComplaintAction::RecordInvestigationStep {
        step: InvestigationStepKind::SystemsEvidenceGathered,
        evidence_id: "e1".into(),
        description: "payment history".into(),
        validated: true,
    }
}

pub fn root_cause() -> ComplaintAction {
    ComplaintAction::RecordRootCause {
        root_cause: RootCause {
            what_happened: "late".into(),
            what_should_have_happened: "on time".into(),
            mistakes: "missed".into(),
            root_cause: "queue".into(),
        },
    }
}

pub fn findings(upheld: &[bool]) -> ComplaintAction {
    ComplaintAction::RecordFindings {
        findings: upheld
            .iter()
            .enumerate()
            .map(|(i, u)| Finding {
                issue_id: format!("i{}", i + 1),
                upheld: *u,
                evidence_ids: vec!["e1".into()],
                reasoning: "per the history".into(),
            })
            .collect(),
    }
}

pub fn outcome_for(upheld: &[bool]) -> Outcome {
    if upheld.iter().all(|u| *u) {
        Outcome::Upheld
    } else if upheld.iter().any(|u| *u) {
        Outcome::PartUpheld
    } else {
        Outcome::NotUpheld
    }
}

pub fn decide(outcome: Outcome) -> ComplaintAction {
    ComplaintAction::DecideOutcome {
        outcome,
        summary: "decision".into(),
    }
}

pub fn redress() -> ComplaintAction {
    ComplaintAction::RecordRedress {
        apology: "sorry".into(),
        remedial_assurance: "fixed".into(),
    }
}

pub fn communicate() -> ComplaintAction {
    ComplaintAction::CommunicateOutcome {
        method: ContactMethod::Letter,
        suitability_checked: false,
        payment_explanation: None,
    }
}

/// Communicates the outcome, explaining the payment when one was awarded (SPEC C10).
pub fn communicate_paid(paid: bool) -> ComplaintAction {
    ComplaintAction::CommunicateOutcome {
        method: ContactMethod::Letter,
        suitability_checked: false,
        payment_explanation: paid.then(|| "paid by bank transfer within 10 days".to_string()),
    }
}

/// A store with every projection running, and the query API.
pub struct Harness {
    pub db: Option<TestDatabase>,
    pub store: Store,
    pub services: DomainServices,
    pub read: ReadModels,
    runner: Option<RunnerHandle>,
    seq: std::sync::atomic::AtomicU64,
}

impl Harness {
    pub async fn start(backend: Backend) -> Harness {
        let mut h = Harness::without_projections(backend).await;
        h.start_projections();
        h
    }

    /// Starts (or restarts) every projection.
    pub fn start_projections(&mut self) {
        if self.runner.is_none() {
            self.runner = Some(start_runner(&self.store, &self.services));
        }
    }

    /// A store whose projections are not running yet (see [`Harness::start_projections`]).
    pub async fn without_projections(backend: Backend) -> Harness {
        let db = TestDatabase::new(backend).await;
        // SQLite has one writer: commands wait while projection batches hold the write
        // lock, longer than the default 5 s when nine projections catch up on a backlog.
        let mut config = db.config();
        config.sqlite_busy_timeout = Duration::from_secs(60);
        let store = db.store_with(config).await;
        let services = DomainServices::standard();
        let runner = None;
        let read = ReadModels::new(
            store.clone(),
            services.policies.clone(),
            services.calendars.clone(),
        );
        Harness {
            db: Some(db),
            store,
            services,
            read,
            runner,
            seq: std::sync::atomic::AtomicU64::new(0),
        }
    }

    /// Runs a complaint command; `Err` carries the domain's refusal.
    pub async fn try_exec(
        &self,
        id: &str,
        actor: Actor,
        at: DateTime<Utc>,
        action: ComplaintAction,
    ) -> Result<Vec<ComplaintEvent>, DomainError> {
        let n = self.seq.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        let ctx = context(&format!("cmd-{id}-{n}"), &actor, at);
        let name = action.name();
        let command = ComplaintCommand::new(CommandMeta::new(actor, at, at), action);
        match self
            .store
            .execute::<Complaint>(id, command, &ctx, &self.services)
            .await
        {
            Ok(out) => Ok(out.events.into_iter().map(|e| e.payload).collect()),
            Err(CommandError::Domain(e)) => {
                if std::env::var("REDRESS_TEST_SHOW_REFUSALS").is_ok() {
                    eprintln!("refused {name}: {}", e.reason());
                }
                Err(e)
            }
            Err(e) => panic!("store failed: {e}"),
        }
    }

    pub async fn exec(&self, id: &str, actor: Actor, at: DateTime<Utc>, action: ComplaintAction) {
        let name = action.name();
        if let Err(e) = self.try_exec(id, actor, at, action).await {
            panic!("`{name}` on {id} at {at} refused: {e} ({})", e.reason());
        }
    }

    pub async fn systemic(
        &self,
        id: &str,
        actor: Actor,
        at: DateTime<Utc>,
        action: SystemicAction,
    ) {
        let n = self.seq.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        let ctx = context(&format!("sys-{id}-{n}"), &actor, at);
        let command = SystemicCommand {
            meta: CommandMeta::new(actor, at, at),
            action,
        };
        self.store
            .execute::<SystemicIssue>(id, command, &ctx, &self.services)
            .await
            .expect("systemic command accepted");
    }

    pub async fn calendar(
        &self,
        actor: Actor,
        at: DateTime<Utc>,
        action: CalendarAdjustmentAction,
    ) {
        let region = match &action {
            CalendarAdjustmentAction::AddHoliday { region, .. }
            | CalendarAdjustmentAction::RemoveHoliday { region, .. } => *region,
        };
        let n = self.seq.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        let ctx = context(&format!("cal-{n}"), &actor, at);
        let command = CalendarAdjustmentCommand {
            meta: CommandMeta::new(actor, at, at),
            action,
        };
        self.store
            .execute::<CalendarAdjustment>(region.as_str(), command, &ctx, &self.services)
            .await
            .expect("calendar command accepted");
    }

    /// Waits until every projection has caught up.
    pub async fn sync(&self) {
        for name in PROJECTION_NAMES {
            assert!(
                self.store
                    .wait_for_projection(name, Duration::from_secs(120))
                    .await
                    .expect("status"),
                "projection {name} did not catch up"
            );
        }
    }

    /// Asks every projection to rebuild from zero and waits for it.
    pub async fn rebuild_all(&self) {
        for name in PROJECTION_NAMES {
            self.store.request_rebuild(name).await.expect("rebuild");
        }
        // Let the runners see the flag before waiting for "no lag".
        tokio::time::sleep(Duration::from_millis(300)).await;
        self.sync().await;
    }

    pub async fn stop(mut self) {
        if let Some(r) = self.runner.take() {
            r.stop().await;
        }
        self.store.close().await;
        if let Some(db) = self.db.take() {
            db.cleanup().await;
        }
    }
}

pub fn context(command_id: &str, actor: &Actor, at: DateTime<Utc>) -> CommandContext {
    let mut ctx = CommandContext::new(command_id, actor.clone());
    ctx.recorded_at = at;
    ctx
}

pub fn start_runner(store: &Store, services: &DomainServices) -> RunnerHandle {
    let config = RunnerConfig {
        poll_interval: Duration::from_millis(50),
        lock_retry_interval: Duration::from_millis(100),
        error_backoff: Duration::from_millis(200),
        ..RunnerConfig::default()
    };
    let mut runner = ProjectionRunner::new(store.clone(), config);
    for p in all_projections(services.policies.clone(), Arc::new(Calendars::standard())) {
        runner = runner.with(p);
    }
    runner.start()
}
