//! Property: for any sequence of commands, (1) a refused command emits no event and leaves
//! the aggregate unchanged, and (2) the aggregate built command by command equals the one
//! rebuilt by replaying its events from scratch. Commands go through cqrs-es `handle`.

mod common;

use chrono::Duration;
use common::*;
use cqrs_es::event_sink::EventSink;
use cqrs_es::Aggregate;
use proptest::prelude::*;
use redress_domain::*;

#[derive(Debug, Clone)]
struct Step {
    kind: u8,
    hours: u16,
    right_actor: bool,
    wrong_actor: u8,
    a: u8,
    b: u8,
    flag: bool,
}

fn step() -> impl Strategy<Value = Step> {
    // Weighted toward the main path (contact, evidence, findings, outcome, redress,
    // payments, communication, signposting, escalation, closure) so sequences get deep.
    let kind = prop_oneof![
        3 => prop::sample::select(vec![1u8, 2, 3, 7, 8, 9, 10, 11, 12, 13, 16, 17, 18, 32]),
        1 => 0u8..33,
    ];
    (
        kind,
        0u16..60,
        prop::bool::weighted(0.85),
        0u8..6,
        0u8..4,
        0u8..4,
        any::<bool>(),
    )
        .prop_map(|(kind, hours, right_actor, wrong_actor, a, b, flag)| Step {
            kind,
            hours,
            right_actor,
            wrong_actor,
            a,
            b,
            flag,
        })
}

fn method(n: u8) -> ContactMethod {
    [
        ContactMethod::Phone,
        ContactMethod::Letter,
        ContactMethod::Email,
        ContactMethod::Sms,
    ][usize::from(n % 4)]
}

fn outcome(n: u8) -> Outcome {
    [
        Outcome::Upheld,
        Outcome::PartUpheld,
        Outcome::NotUpheld,
        Outcome::Justified,
    ][usize::from(n % 4)]
}

fn kind(n: u8) -> PaymentKind {
    if n % 2 == 0 {
        PaymentKind::Consolatory
    } else {
        PaymentKind::ActualFinancialLoss
    }
}

fn action(s: &Step, at: chrono::DateTime<chrono::Utc>, state: &Complaint) -> ComplaintAction {
    let n_issues = state.current().map_or(1, |t| t.issues.len().max(1));
    let id = |p: &str, n: u8| format!("{p}{}", n % 3);
    let date = chrono::NaiveDate::from(at.naive_utc()) + Duration::days(i64::from(s.b) * 7 + 1);
    match s.kind {
        0 => {
            let flags = ComplaintFlags {
                about_staff: s.a == 1,
                upcc: s.a == 2,
                vulnerable: s.b == 1,
                pos_case: s.flag,
            };
            let mut r = receive(flags);
            if let ComplaintAction::Receive { received_at, .. } = &mut r {
                *received_at = at;
            }
            r
        }
        1 => ComplaintAction::RecordInitialContact {
            method: method(s.a),
            suitability_checked: s.flag,
            offered_direct_contact: s.flag,
            issues: issues(usize::from(s.b % 3) + 1),
            resolution_sought: "an apology".into(),
            resolved_at_first_contact: s.a == 3,
        },
        2 => evidence(&format!("e{}", s.a % 2 + 1), s.flag || s.b > 0),
        3 => ComplaintAction::ValidateEvidence {
            evidence_id: format!("e{}", s.a % 2 + 1),
        },
        4 => ComplaintAction::RecordStaffAssurance {
            obtained: s.flag,
            note: String::new(),
        },
        5 => ComplaintAction::AgreeResolutionPlan {
            target_date: date,
            actions: "plan".into(),
        },
        6 => ComplaintAction::ReviseResolutionPlan {
            target_date: date,
            actions: "plan".into(),
            reason: "delay".into(),
        },
        7 => root_cause(),
        // Usually one finding per confirmed issue, so sequences reach the outcome.
        8 => {
            let n = if s.flag {
                n_issues
            } else {
                usize::from(s.b % 3) + 1
            };
            findings(
                &(0..n)
                    .map(|i| (s.a >> (i % 2)) & 1 == 1)
                    .collect::<Vec<_>>(),
            )
        }
        9 => {
            let consistent = state.current().and_then(|t| t.findings.as_ref()).map(|f| {
                let up = f.iter().filter(|x| x.upheld).count();
                match (up, state.tier()) {
                    (0, _) => Outcome::NotUpheld,
                    (_, Tier::Tier2) if s.b == 0 => Outcome::Justified,
                    (u, _) if u == f.len() => Outcome::Upheld,
                    _ => Outcome::PartUpheld,
                }
            });
            decide(if s.flag {
                consistent.unwrap_or(outcome(s.a))
            } else {
                outcome(s.a)
            })
        }
        10 => redress(),
        11 => award(
            &id("p", s.a),
            kind(s.b),
            [0, 4000, 9000, 30000][usize::from(s.b % 4)],
        ),
        12 => refer(
            &id("p", s.a),
            kind(s.b),
            [0, 4000, 20000, 60000][usize::from(s.b % 4)],
        ),
        13 => ComplaintAction::DecideSpecialPayment {
            payment_id: id("p", s.a),
            decision: if s.flag {
                SptDecision::Approve {
                    amount_pence: u64::from(s.b) * 1000,
                }
            } else {
                SptDecision::Decline {
                    reason: "no".into(),
                }
            },
        },
        14 => ComplaintAction::InviteFurtherEvidence {
            note: "more".into(),
        },
        15 => ComplaintAction::RecordFurtherEvidence {
            note: "got it".into(),
        },
        16 => ComplaintAction::CommunicateOutcome {
            method: method(s.a),
            suitability_checked: s.flag,
            payment_explanation: if s.b > 0 {
                Some("paid by transfer".into())
            } else {
                None
            },
        },
        17 => ComplaintAction::Signpost,
        18 => escalate(
            &at.to_rfc3339(),
            if s.flag {
                EscalationReason::Proactive
            } else {
                EscalationReason::CustomerRequest
            },
            s.a != 0,
        ),
        19 => ComplaintAction::HoldCaseConference {
            attendees: vec!["u-mgr".into()],
            decision: "try again".into(),
        },
        20 => ComplaintAction::AgreeFeedbackAction {
            action_id: id("f", s.a),
            to_team: if s.flag { TEAM.into() } else { "site-x".into() },
            recommendation: "fix".into(),
            deadline: if s.b % 2 == 0 {
                FeedbackDeadline::Simple
            } else {
                FeedbackDeadline::Complex
            },
        },
        21 => ComplaintAction::ConfirmFeedbackAction {
            action_id: id("f", s.a),
            note: String::new(),
        },
        22 => ComplaintAction::Recategorise {
            categories: vec![["decision", "communication", "payment_delay", "bogus"]
                [usize::from(s.a % 4)]
            .into()],
            reason: "r".into(),
        },
        23 => ComplaintAction::RecordSafeguardingConcern {
            concern_id: id("s", s.a),
            kinds: vec![ConcernKind::Neglect],
            immediate: s.flag,
            escalated_to: if s.b % 2 == 0 {
                vec![EscalatedTo::EmergencyServices]
            } else {
                vec![EscalatedTo::LineManager]
            },
            note: String::new(),
        },
        24 => ComplaintAction::ResolveSafeguardingConcern {
            concern_id: id("s", s.a),
            resolution: "ok".into(),
        },
        25 => ComplaintAction::RecordComplexNeeds {
            needs: vec![ComplexNeed::Bereavement],
            note: String::new(),
        },
        26 => ComplaintAction::AddRepresentative {
            representative_id: id("r", s.a),
            organisation: "CAB".into(),
            consent_scope: "all".into(),
            explicit_consent: s.flag,
            personal: RepresentativePersonal {
                name: "Rep".into(),
                contact: None,
            },
        },
        27 => ComplaintAction::WithdrawConsent {
            representative_id: id("r", s.a),
            reason: "asked".into(),
        },
        28 => ComplaintAction::ReassignCaseManager {
            case_manager: id("u", s.a),
        },
        29 => ComplaintAction::RecordReferral {
            body: if s.flag {
                ReferralBody::Ice
            } else {
                ReferralBody::Phso
            },
            reference: "REF".into(),
        },
        30 => ComplaintAction::RecordReferralResult {
            body: if s.flag {
                ReferralBody::Ice
            } else {
                ReferralBody::Phso
            },
            result: "done".into(),
        },
        31 if s.a == 0 && s.b == 0 => ComplaintAction::Withdraw {
            reason: "changed mind".into(),
        },
        _ => ComplaintAction::Close,
    }
}

/// Mostly the actor the rules expect (so sequences get deep), sometimes anyone.
fn actor(s: &Step, state: &Complaint) -> Actor {
    if s.right_actor {
        if s.kind == 13 {
            return spt();
        }
        if s.kind == 28 {
            return if state.tier() == Tier::Tier2 {
                ccrt()
            } else {
                manager()
            };
        }
        return if state.tier() == Tier::Tier2 {
            ccrt()
        } else {
            crm()
        };
    }
    [
        crm(),
        manager(),
        ccrt(),
        spt(),
        crm_other_team(),
        reporting(),
    ][usize::from(s.wrong_actor % 6)]
    .clone()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn accepted_commands_replay_to_the_same_state_and_refusals_emit_nothing(
        steps in prop::collection::vec(step(), 1..80),
        clock_pause in any::<bool>(),
        single_tier in any::<bool>(),
    ) {
        let services = services_with(|p| {
            p.clock_pause.enabled = clock_pause;
            if single_tier {
                p.ladder = Ladder::SingleTier;
            }
        });
        let rt = tokio::runtime::Builder::new_current_thread().build().expect("runtime");
        let mut state = Complaint::default();
        let mut history: Vec<ComplaintEvent> = Vec::new();
        let mut now = t(RECEIVED);
        // Always start with a receipt so most sequences do real work.
        let mut all = vec![Step { kind: 0, hours: 0, right_actor: true, wrong_actor: 0, a: 0, b: 0, flag: false }];
        all.extend(steps);
        for s in &all {
            now += Duration::hours(i64::from(s.hours));
            let command = ComplaintCommand::new(CommandMeta::new(actor(s, &state), now, now), action(s, now, &state));
            let before = state.clone();
            let sink: EventSink<Complaint> = EventSink::default();
            let result = rt.block_on(state.handle(command, &services, &sink));
            let emitted = rt.block_on(sink.collect());
            match result {
                Ok(()) => {
                    prop_assert!(!emitted.is_empty(), "an accepted command records what happened");
                    history.extend(emitted);
                }
                Err(err) => {
                    prop_assert!(emitted.is_empty(), "refused ({err}) yet emitted {emitted:?}");
                    prop_assert_eq!(&state, &before, "a refusal changed the state");
                    prop_assert!(!err.reason().is_empty());
                }
            }
        }
        let mut replayed = Complaint::default();
        for e in history.iter().cloned() {
            replayed.apply(e);
        }
        prop_assert_eq!(&replayed, &state);
        // Events survive a JSON round trip (what the store does) with the same replay.
        let json = serde_json::to_string(&history).expect("json");
        let back: Vec<ComplaintEvent> = serde_json::from_str(&json).expect("events deserialise");
        prop_assert_eq!(&back, &history);
    }
}
