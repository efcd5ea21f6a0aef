//! The consistency test: random but valid complaint histories (several months, three
//! regions, four teams; recategorisations, plans, payments, escalations, withdrawals) go
//! through the real store; every read model is compared with a naive computation over the
//! event list written separately here; then every projection is rebuilt from zero and
//! compared again. Size with `REDRESS_CONSISTENCY_COMPLAINTS` (per database, default 1000).

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::time::Instant;

use chrono::{DateTime, Duration, Months, NaiveDate, Utc};
use common::*;
use redress_calendar::{local_date, Calendars, Region};
use redress_domain::*;
use redress_projections::queries::*;
use redress_projections::DeadlineKind;
use redress_store::{Backend, Checkpoint, StoredEvent};

/// xorshift64*: deterministic, dependency-free.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
    fn chance(&mut self, p: f64) -> bool {
        (self.next() % 10_000) as f64 / 10_000.0 < p
    }
    fn pick<'a, T>(&mut self, xs: &'a [T]) -> &'a T {
        &xs[self.below(xs.len() as u64) as usize]
    }
}

const TEAMS: [&str; 4] = ["team-a", "team-b", "team-c", "team-d"];
const CATEGORIES: [&str; 4] = [
    "payment_delay",
    "decision",
    "communication",
    "accessibility",
];

fn size() -> usize {
    std::env::var("REDRESS_CONSISTENCY_COMPLAINTS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1000)
}

/// One complaint's random life, run command by command (refusals are skipped: the
/// generator aims at valid sequences but the domain is the judge).
async fn drive(h: &Harness, i: usize, seed: u64) -> usize {
    let rng = &mut Rng(seed ^ (i as u64 + 1).wrapping_mul(0x9e37_79b9_7f4a_7c15));
    for _ in 0..3 {
        rng.next();
    }
    let id = format!("c-{i:05}");
    let id = id.as_str();
    let team = TEAMS[i % TEAMS.len()];
    let region = *rng.pick(&Region::ALL);
    let start = t("2026-01-05T08:00:00Z") + Duration::minutes(rng.below(180 * 24 * 60) as i64);
    let mut at = start;
    let mut refused = 0;
    let mut cats: Vec<&str> = vec![*rng.pick(&CATEGORIES)];
    if rng.chance(0.3) {
        let c = *rng.pick(&CATEGORIES);
        if !cats.contains(&c) {
            cats.push(c);
        }
    }
    macro_rules! run {
        ($actor:expr, $action:expr) => {
            if h.try_exec(id, $actor, at, $action).await.is_err() {
                refused += 1;
            }
        };
    }
    let w = crm(team);
    run!(w.clone(), receive(id, start, team, region, &cats));
    if rng.chance(0.05) {
        at += Duration::hours(1);
        run!(
            w.clone(),
            ComplaintAction::RecordSafeguardingConcern {
                concern_id: "s1".into(),
                kinds: vec![ConcernKind::Neglect],
                immediate: false,
                escalated_to: vec![EscalatedTo::LineManager],
                note: "concern".into(),
            }
        );
        if rng.chance(0.5) {
            at += Duration::hours(5);
            run!(
                w.clone(),
                ComplaintAction::ResolveSafeguardingConcern {
                    concern_id: "s1".into(),
                    resolution: "done".into()
                }
            );
        }
    }
    if rng.chance(0.05) {
        at += Duration::hours(rng.below(200) as i64 + 1);
        run!(
            w.clone(),
            ComplaintAction::Withdraw {
                reason: "withdrawn".into()
            }
        );
        return refused;
    }
    if rng.chance(0.08) {
        // Left open: no contact yet.
        return refused;
    }
    let n_issues = 1 + rng.below(2) as usize;
    at += Duration::hours(2 + rng.below(100) as i64);
    run!(w.clone(), initial_contact(n_issues));
    if rng.chance(0.2) {
        at += Duration::hours(3);
        let to = vec![rng.pick(&CATEGORIES).to_string()];
        run!(
            w.clone(),
            ComplaintAction::Recategorise {
                categories: to,
                reason: "clarified".into()
            }
        );
    }
    if rng.chance(0.05) {
        at += Duration::hours(1);
        run!(
            manager(team),
            ComplaintAction::ReassignCaseManager {
                case_manager: format!("u-crm-{team}-2")
            }
        );
    }
    if rng.chance(0.1) {
        return refused;
    }
    at += Duration::hours(20);
    run!(w.clone(), evidence());
    run!(w.clone(), root_cause());
    let upheld: Vec<bool> = (0..n_issues).map(|_| rng.chance(0.5)).collect();
    run!(w.clone(), findings(&upheld));
    if rng.chance(0.15) {
        at += Duration::days(rng.below(25) as i64 + 1);
        let target = local_date(at) + Duration::days(10 + rng.below(20) as i64);
        run!(
            w.clone(),
            ComplaintAction::AgreeResolutionPlan {
                target_date: target,
                actions: "plan".into()
            }
        );
        if rng.chance(0.3) {
            at += Duration::days(3);
            run!(
                w.clone(),
                ComplaintAction::ReviseResolutionPlan {
                    target_date: target + Duration::days(7),
                    actions: "plan".into(),
                    reason: "more time".into()
                }
            );
        }
    }
    at += Duration::days(1);
    let outcome = outcome_for(&upheld);
    run!(w.clone(), decide(outcome));
    let mut pending = false;
    let mut paid = false;
    if outcome.warrants_redress() {
        run!(w.clone(), redress());
        if rng.chance(0.3) {
            run!(
                w.clone(),
                ComplaintAction::AwardSpecialPayment {
                    payment_id: "p1".into(),
                    kind: PaymentKind::Consolatory,
                    amount_pence: 1000 + rng.below(9000),
                    reason: "distress".into()
                }
            );
            paid = true;
        }
        if rng.chance(0.1) {
            run!(
                w.clone(),
                ComplaintAction::ReferSpecialPayment {
                    payment_id: "p2".into(),
                    kind: PaymentKind::ActualFinancialLoss,
                    amount_pence: 30000 + rng.below(30000),
                    reason: "loss".into()
                }
            );
            pending = true;
            if rng.chance(0.8) {
                at += Duration::days(2);
                let decision = if rng.chance(0.7) {
                    SptDecision::Approve {
                        amount_pence: 25000,
                    }
                } else {
                    SptDecision::Decline {
                        reason: "no loss".into(),
                    }
                };
                paid |= matches!(decision, SptDecision::Approve { .. });
                run!(
                    spt(),
                    ComplaintAction::DecideSpecialPayment {
                        payment_id: "p2".into(),
                        decision
                    }
                );
                pending = false;
            }
        }
    }
    at += Duration::days(rng.below(25) as i64 + 1);
    run!(w.clone(), communicate_paid(paid));
    let signposted = rng.chance(0.9);
    if signposted {
        at += Duration::hours(1);
        run!(w.clone(), ComplaintAction::Signpost);
    }
    if rng.chance(0.15) {
        at += Duration::hours(1);
        run!(
            w.clone(),
            ComplaintAction::AgreeFeedbackAction {
                action_id: "fb1".into(),
                to_team: format!("site-{}", rng.below(3)),
                recommendation: "fix".into(),
                deadline: if rng.chance(0.5) {
                    FeedbackDeadline::Simple
                } else {
                    FeedbackDeadline::Complex
                },
            }
        );
        if rng.chance(0.6) {
            at += Duration::days(rng.below(15) as i64 + 1);
            run!(
                w.clone(),
                ComplaintAction::ConfirmFeedbackAction {
                    action_id: "fb1".into(),
                    note: "done".into()
                }
            );
        }
    }
    if !(signposted && !pending && rng.chance(0.8)) {
        return refused;
    }
    at += Duration::hours(2);
    run!(w.clone(), ComplaintAction::Close);
    if outcome != Outcome::NotUpheld || !rng.chance(0.2) {
        return refused;
    }
    at += Duration::days(2 + rng.below(8) as i64);
    run!(
        ccrt(),
        ComplaintAction::EscalateToTier2 {
            escalation_received_at: at - Duration::hours(1),
            reason: EscalationReason::CustomerRequest,
            customer_remains_dissatisfied: true,
        }
    );
    let r = ccrt();
    at += Duration::hours(2 + rng.below(80) as i64);
    run!(r.clone(), initial_contact(1));
    at += Duration::days(2);
    run!(r.clone(), root_cause());
    let t2_upheld = rng.chance(0.3);
    run!(r.clone(), findings(&[t2_upheld]));
    run!(
        r.clone(),
        decide(if t2_upheld {
            Outcome::Upheld
        } else {
            Outcome::NotUpheld
        })
    );
    if t2_upheld {
        run!(r.clone(), redress());
    }
    at += Duration::days(rng.below(25) as i64 + 1);
    run!(r.clone(), communicate());
    at += Duration::hours(1);
    run!(r.clone(), ComplaintAction::Signpost);
    if rng.chance(0.3) {
        at += Duration::days(20);
        run!(
            r.clone(),
            ComplaintAction::RecordReferral {
                body: ReferralBody::Ice,
                reference: "ice-1".into()
            }
        );
    }
    if rng.chance(0.7) {
        at += Duration::hours(1);
        run!(r.clone(), ComplaintAction::Close);
    }
    refused
}

// ----------------------------------------------------------------- naive computations

type DKey = (String, &'static str, Tier, String);

#[derive(Debug, Clone, PartialEq, Eq)]
struct NDeadline {
    due: DateTime<Utc>,
    done: Option<DateTime<Utc>>,
    stopped: Option<DateTime<Utc>>,
    team: String,
    region: String,
    manager: String,
}

#[derive(Default)]
struct Naive {
    deadlines: BTreeMap<DKey, NDeadline>,
    /// complaint → (team, region, manager, open)
    cases: BTreeMap<String, (String, String, String, bool)>,
    /// (quarter start, team, tier, metric) → n
    timeliness: BTreeMap<(NaiveDate, String, Tier, String), i64>,
    /// state → (count, requested, amount)
    payments: BTreeMap<String, (i64, i64, i64)>,
    /// (complaint, tier) → (communicated, signposted)
    signposting: BTreeMap<(String, Tier), (bool, bool)>,
    history_len: BTreeMap<String, usize>,
    trends: NaiveTrends,
}

fn quarter(d: NaiveDate) -> NaiveDate {
    use chrono::Datelike;
    NaiveDate::from_ymd_opt(d.year(), (d.month0() / 3) * 3 + 1, 1).expect("date")
}

impl Naive {
    fn bump(&mut self, at: DateTime<Utc>, team: &str, tier: Tier, metric: &str) {
        *self
            .timeliness
            .entry((
                quarter(local_date(at)),
                team.to_string(),
                tier,
                metric.to_string(),
            ))
            .or_insert(0) += 1;
    }

    fn compute(events: &[StoredEvent]) -> Naive {
        let mut n = Naive::default();
        // Per-complaint scratch: outcome communicated per tier, escalated, plan per tier.
        let mut plan: BTreeSet<(String, Tier)> = BTreeSet::new();
        let mut t1_response_at: BTreeMap<String, DateTime<Utc>> = BTreeMap::new();
        let mut payments: BTreeMap<(String, String), (String, i64, i64)> = BTreeMap::new();
        for e in events {
            if e.aggregate_type == "systemic_issue" || e.aggregate_type == "calendar_adjustment" {
                continue;
            }
            let id = e.aggregate_id.clone();
            *n.history_len.entry(id.clone()).or_insert(0) += 1;
            let ev: ComplaintEvent = e.decode().expect("complaint event");
            n.trends.apply(&id, &ev);
            let at = ev.meta().occurred_at;
            let (team, region, manager) = n
                .cases
                .get(&id)
                .map(|c| (c.0.clone(), c.1.clone(), c.2.clone()))
                .unwrap_or_default();
            let new_row = |due: DateTime<Utc>| NDeadline {
                due,
                done: None,
                stopped: None,
                team: team.clone(),
                region: region.clone(),
                manager: manager.clone(),
            };
            let key = |k: &'static str, tier: Tier, r: &str| (id.clone(), k, tier, r.to_string());
            use ComplaintEvent as E;
            match &ev {
                E::Received {
                    team,
                    region,
                    case_manager,
                    initial_contact_due,
                    response_due,
                    ..
                } => {
                    n.cases.insert(
                        id.clone(),
                        (
                            team.clone(),
                            region.as_str().into(),
                            case_manager.clone(),
                            true,
                        ),
                    );
                    let row = |due| NDeadline {
                        due,
                        done: None,
                        stopped: None,
                        team: team.clone(),
                        region: region.as_str().into(),
                        manager: case_manager.clone(),
                    };
                    n.deadlines.insert(
                        key("initial_contact", Tier::Tier1, ""),
                        row(*initial_contact_due),
                    );
                    n.deadlines
                        .insert(key("response", Tier::Tier1, ""), row(*response_due));
                }
                E::InitialContactRecorded {
                    tier,
                    within_target,
                    ..
                } => {
                    if let Some(d) = n.deadlines.get_mut(&key("initial_contact", *tier, "")) {
                        d.done.get_or_insert(at);
                    }
                    n.bump(at, &team, *tier, "ic_total");
                    if *within_target {
                        n.bump(at, &team, *tier, "ic_within");
                    }
                }
                E::ResolutionPlanAgreed { tier, new_due, .. } => {
                    if let Some(d) = n.deadlines.get_mut(&key("response", *tier, "")) {
                        d.done.get_or_insert(at);
                    }
                    plan.insert((id.clone(), *tier));
                    n.deadlines
                        .insert(key("resolution_plan", *tier, ""), new_row(*new_due));
                }
                E::ResolutionPlanRevised { tier, new_due, .. } => {
                    if let Some(d) = n.deadlines.get_mut(&key("resolution_plan", *tier, "")) {
                        if d.done.is_none() && d.stopped.is_none() {
                            d.due = *new_due;
                        }
                    }
                }
                E::OutcomeDecided { tier, outcome, .. } => {
                    n.bump(at, &team, *tier, &format!("outcome:{}", outcome.as_str()));
                }
                E::OutcomeCommunicated {
                    tier,
                    within_target,
                    ..
                } => {
                    let k = if plan.contains(&(id.clone(), *tier)) {
                        "resolution_plan"
                    } else {
                        "response"
                    };
                    if let Some(d) = n.deadlines.get_mut(&key(k, *tier, "")) {
                        d.done.get_or_insert(at);
                    }
                    n.bump(at, &team, *tier, "resp_total");
                    if *within_target {
                        n.bump(at, &team, *tier, "resp_within");
                    }
                    if *tier == Tier::Tier1 {
                        n.bump(at, &team, *tier, "t1_responses");
                        t1_response_at.insert(id.clone(), at);
                    }
                    n.signposting.entry((id.clone(), *tier)).or_default().0 = true;
                }
                E::SignpostedToCcrt { tier, .. } => {
                    n.signposting.entry((id.clone(), *tier)).or_default().1 = true;
                }
                E::SignpostedToIce {
                    tier,
                    ice_window_ends,
                    ..
                } => {
                    n.signposting.entry((id.clone(), *tier)).or_default().1 = true;
                    n.deadlines
                        .insert(key("ice_window", *tier, ""), new_row(*ice_window_ends));
                }
                E::EscalatedToTier2 {
                    tier2_initial_contact_due,
                    tier2_response_due,
                    ..
                } => {
                    if let Some(c) = n.cases.get_mut(&id) {
                        c.3 = true;
                    }
                    n.deadlines.insert(
                        key("initial_contact", Tier::Tier2, ""),
                        new_row(*tier2_initial_contact_due),
                    );
                    n.deadlines.insert(
                        key("response", Tier::Tier2, ""),
                        new_row(*tier2_response_due),
                    );
                    if let Some(r) = t1_response_at.get(&id).copied() {
                        n.bump(r, &team, Tier::Tier1, "t1_escalated");
                    }
                }
                E::FeedbackActionAgreed {
                    tier,
                    action_id,
                    due,
                    ..
                } => {
                    n.deadlines
                        .insert(key("feedback_action", *tier, action_id), new_row(*due));
                }
                E::FeedbackActionConfirmed { action_id, .. } => {
                    for (k, d) in n.deadlines.iter_mut() {
                        if k.0 == id && k.1 == "feedback_action" && &k.3 == action_id {
                            d.done.get_or_insert(at);
                        }
                    }
                }
                E::ReferralRecorded {
                    body: ReferralBody::Ice,
                    ..
                } => {
                    for (k, d) in n.deadlines.iter_mut() {
                        if k.0 == id && k.1 == "ice_window" {
                            d.done.get_or_insert(at);
                        }
                    }
                }
                E::CaseManagerReassigned { to, .. } => {
                    if let Some(c) = n.cases.get_mut(&id) {
                        c.2 = to.clone();
                    }
                    for (k, d) in n.deadlines.iter_mut() {
                        if k.0 == id {
                            d.manager = to.clone();
                        }
                    }
                }
                E::Withdrawn { .. } | E::Closed { .. } => {
                    if let Some(c) = n.cases.get_mut(&id) {
                        c.3 = false;
                    }
                    for (k, d) in n.deadlines.iter_mut() {
                        if k.0 == id
                            && matches!(k.1, "initial_contact" | "response" | "resolution_plan")
                            && d.done.is_none()
                            && d.stopped.is_none()
                        {
                            d.stopped = Some(at);
                        }
                    }
                }
                E::SpecialPaymentAwarded {
                    payment_id,
                    amount_pence,
                    ..
                } => {
                    payments.insert(
                        (id.clone(), payment_id.clone()),
                        (
                            "awarded_dfa".into(),
                            *amount_pence as i64,
                            *amount_pence as i64,
                        ),
                    );
                }
                E::SpecialPaymentReferred {
                    payment_id,
                    amount_pence,
                    ..
                } => {
                    payments.insert(
                        (id.clone(), payment_id.clone()),
                        ("pending_spt".into(), *amount_pence as i64, 0),
                    );
                }
                E::SpecialPaymentApproved {
                    payment_id,
                    approved_pence,
                    ..
                } => {
                    if let Some(p) = payments.get_mut(&(id.clone(), payment_id.clone())) {
                        p.0 = "approved_spt".into();
                        p.2 = *approved_pence as i64;
                    }
                }
                E::SpecialPaymentDeclined { payment_id, .. } => {
                    if let Some(p) = payments.get_mut(&(id.clone(), payment_id.clone())) {
                        p.0 = "declined_spt".into();
                        p.2 = 0;
                    }
                }
                _ => {}
            }
        }
        for (state, req, amt) in payments.into_values() {
            let e = n.payments.entry(state).or_default();
            e.0 += 1;
            e.1 += req;
            e.2 += amt;
        }
        n
    }
}

/// SPEC S1, simulated in memory exactly as the module docs of `trends` state it.
#[derive(Default)]
struct NaiveTrends {
    complaints: BTreeMap<String, (String, DateTime<Utc>, BTreeSet<String>)>,
    members: Vec<(String, String, String, DateTime<Utc>)>,
    alerts: BTreeMap<String, NAlert>,
}

#[derive(Debug, Clone)]
struct NAlert {
    category: String,
    scope: String,
    team: String,
    last: Option<DateTime<Utc>>,
    members: BTreeMap<String, DateTime<Utc>>,
}

impl NAlert {
    fn expires(&self) -> Option<DateTime<Utc>> {
        self.last.map(|l| l + Months::new(1))
    }
}

impl NaiveTrends {
    fn apply(&mut self, id: &str, ev: &ComplaintEvent) {
        match ev {
            ComplaintEvent::Received {
                received_at,
                categories,
                team,
                ..
            } => {
                let cats: BTreeSet<String> = categories.iter().cloned().collect();
                self.complaints
                    .insert(id.into(), (team.clone(), *received_at, cats.clone()));
                for c in categories.iter().collect::<BTreeSet<_>>() {
                    // Received order of categories matters only through alert ids: keep
                    // the event's order for the first occurrence.
                    let _ = c;
                }
                let mut seen = BTreeSet::new();
                for c in categories {
                    if seen.insert(c.clone()) {
                        self.add(id, c);
                    }
                }
            }
            ComplaintEvent::Recategorised { to, .. } => {
                let Some((_, _, current)) = self.complaints.get(id).cloned() else {
                    return;
                };
                let target: BTreeSet<String> = to.iter().cloned().collect();
                for c in current.difference(&target) {
                    self.remove(id, c);
                }
                for c in target.difference(&current) {
                    self.add(id, c);
                }
                if let Some(x) = self.complaints.get_mut(id) {
                    x.2 = target;
                }
            }
            _ => {}
        }
    }

    fn add(&mut self, id: &str, cat: &str) {
        let (team, received, _) = self.complaints[id].clone();
        if !self.members.iter().any(|m| m.0 == id && m.1 == cat) {
            self.members
                .push((id.into(), cat.into(), team.clone(), received));
        }
        for (scope, st) in [("local", team.clone()), ("national", String::new())] {
            let open = self
                .alerts
                .iter()
                .filter(|(_, a)| a.category == cat && a.scope == scope && a.team == st)
                .filter(|(_, a)| a.expires().is_some_and(|e| e >= received))
                .max_by_key(|(aid, a)| (a.last, (*aid).clone()))
                .map(|(aid, _)| aid.clone());
            if let Some(aid) = open {
                let a = self.alerts.get_mut(&aid).expect("alert");
                a.members.insert(id.into(), received);
                a.last = a.last.max(Some(received));
                continue;
            }
            let lo = received - Months::new(1);
            let found: Vec<_> = self
                .members
                .iter()
                .filter(|m| {
                    m.1 == cat
                        && m.3 >= lo
                        && m.3 <= received
                        && (scope == "national" || m.2 == team)
                })
                .map(|m| (m.0.clone(), m.3))
                .collect();
            if found.len() >= 3 {
                let aid = if scope == "national" {
                    format!("trend:national:{cat}:{id}")
                } else {
                    format!("trend:local:{team}:{cat}:{id}")
                };
                let last = found.iter().map(|m| m.1).max();
                self.alerts.entry(aid).or_insert(NAlert {
                    category: cat.into(),
                    scope: scope.into(),
                    team: st.clone(),
                    last,
                    members: found.into_iter().collect(),
                });
            }
        }
    }

    fn remove(&mut self, id: &str, cat: &str) {
        self.members.retain(|m| !(m.0 == id && m.1 == cat));
        for a in self.alerts.values_mut() {
            if a.category == cat && a.members.remove(id).is_some() {
                a.last = a.members.values().max().copied();
            }
        }
    }
}

// ------------------------------------------------------------------------- comparison

async fn all_events(h: &Harness) -> Vec<StoredEvent> {
    let mut out = Vec::new();
    let mut cp = Checkpoint::START;
    loop {
        let batch = h.store.read_after(cp, 5000).await.expect("feed");
        let Some(last) = batch.last() else { break };
        cp = last.checkpoint;
        out.extend(batch);
    }
    out
}

async fn all_deadlines(h: &Harness, as_of: DateTime<Utc>) -> Vec<DeadlineView> {
    let mut out = Vec::new();
    let mut token = String::new();
    loop {
        let p = h
            .read
            .deadlines_due_between(&DueBetweenRequest {
                from: t("2000-01-01T00:00:00Z"),
                to: t("2100-01-01T00:00:00Z"),
                as_of,
                filter: DeadlineFilter::All,
                page_size: 1000,
                page_token: token,
            })
            .await
            .expect("deadlines");
        out.extend(p.items);
        if p.next_page_token.is_empty() {
            return out;
        }
        token = p.next_page_token;
    }
}

/// alert id → (category, scope, team, complaints, expires).
type AlertMap = BTreeMap<String, (String, String, String, Vec<String>, Option<DateTime<Utc>>)>;

async fn compare(h: &Harness, n: &Naive, label: &str) {
    let cals = Calendars::standard();
    // Deadlines: every row.
    let rows = all_deadlines(h, t("2026-06-01T00:00:00Z")).await;
    let got: BTreeMap<DKey, NDeadline> = rows
        .iter()
        .map(|d| {
            (
                (
                    d.complaint_id.clone(),
                    d.kind.as_str(),
                    d.tier,
                    d.reference.clone(),
                ),
                NDeadline {
                    due: d.due,
                    done: d.done,
                    stopped: d.stopped,
                    team: d.team.clone(),
                    region: d.region.clone(),
                    manager: d.case_manager.clone(),
                },
            )
        })
        .collect();
    assert_eq!(got.len(), n.deadlines.len(), "{label}: deadline rows");
    for (k, v) in &n.deadlines {
        assert_eq!(got.get(k), Some(v), "{label}: deadline {k:?}");
    }
    // At risk or breached, per team, at several instants, paginated.
    for as_of in [
        "2026-02-16T12:00:00Z",
        "2026-04-01T09:30:00Z",
        "2026-06-30T23:59:59Z",
    ] {
        let as_of = t(as_of);
        for team in TEAMS {
            let mut expect: Vec<(i64, String)> = n
                .deadlines
                .iter()
                .filter(|(k, d)| {
                    d.team == team
                        && k.1 != "ice_window"
                        && d.done.is_none_or(|x| x > as_of)
                        && d.stopped.is_none_or(|x| x > as_of)
                        && matches!(
                            status_as_of(
                                cals.get(d.region.parse().expect("region")),
                                d.due,
                                None,
                                None,
                                3,
                                as_of
                            ),
                            DeadlineStatus::AtRisk | DeadlineStatus::Breached
                        )
                })
                .map(|(k, d)| {
                    (
                        d.due.timestamp_micros(),
                        format!(
                            "{}|{}|{}|{}",
                            k.0,
                            k.1,
                            redress_projections::case::tier_str(k.2),
                            k.3
                        ),
                    )
                })
                .collect();
            expect.sort();
            let mut got = Vec::new();
            let mut token = String::new();
            loop {
                let p = h
                    .read
                    .deadlines_at_risk(&AtRiskRequest {
                        as_of,
                        filter: DeadlineFilter::Team(team.into()),
                        page_size: 97,
                        page_token: token,
                    })
                    .await
                    .expect("at risk");
                for d in p.items {
                    assert!(matches!(
                        d.status,
                        DeadlineStatus::AtRisk | DeadlineStatus::Breached
                    ));
                    got.push((
                        d.due.timestamp_micros(),
                        format!(
                            "{}|{}|{}|{}",
                            d.complaint_id,
                            d.kind.as_str(),
                            redress_projections::case::tier_str(d.tier),
                            d.reference
                        ),
                    ));
                }
                if p.next_page_token.is_empty() {
                    break;
                }
                token = p.next_page_token;
            }
            assert_eq!(got, expect, "{label}: at risk for {team} as of {as_of}");
        }
    }
    // Timeliness per quarter, team and tier.
    let quarters = [
        d("2026-01-01"),
        d("2026-04-01"),
        d("2026-07-01"),
        d("2026-10-01"),
    ];
    for q in quarters {
        let to = q
            .checked_add_months(Months::new(3))
            .expect("q")
            .pred_opt()
            .expect("d");
        for team in TEAMS {
            for tier in [Tier::Tier1, Tier::Tier2] {
                let r = h
                    .read
                    .timeliness(&TimelinessRequest {
                        from: q,
                        to,
                        team: Some(team.into()),
                        tier: Some(tier),
                    })
                    .await
                    .expect("timeliness");
                let m = |metric: &str| {
                    n.timeliness
                        .get(&(q, team.to_string(), tier, metric.to_string()))
                        .copied()
                        .unwrap_or(0)
                };
                let ctx = format!("{label}: timeliness {q} {team} {tier:?}");
                assert_eq!(r.initial_contacts, m("ic_total"), "{ctx}");
                assert_eq!(r.initial_contacts_within_48h, m("ic_within"), "{ctx}");
                assert_eq!(r.responses, m("resp_total"), "{ctx}");
                assert_eq!(r.responses_within_target, m("resp_within"), "{ctx}");
                assert_eq!(r.tier1_responses, m("t1_responses"), "{ctx}");
                assert_eq!(r.tier1_escalated, m("t1_escalated"), "{ctx}");
                for o in ["upheld", "part_upheld", "not_upheld", "justified"] {
                    assert_eq!(
                        r.outcomes.get(o).copied().unwrap_or(0),
                        m(&format!("outcome:{o}")),
                        "{ctx} {o}"
                    );
                }
            }
        }
    }
    // Payments.
    let p = h
        .read
        .special_payments(&PaymentsRequest {
            from: None,
            to: None,
            team: None,
        })
        .await
        .expect("payments");
    let mut got: BTreeMap<String, (i64, i64, i64)> = BTreeMap::new();
    for x in p.totals {
        let e = got.entry(x.state).or_default();
        e.0 += x.count;
        e.1 += x.requested_pence;
        e.2 += x.amount_pence;
    }
    assert_eq!(got, n.payments, "{label}: payments");
    // Signposting gaps.
    let mut gaps = BTreeSet::new();
    let mut token = String::new();
    loop {
        let page = h
            .read
            .signposting_gaps(None, 200, &token)
            .await
            .expect("gaps");
        gaps.extend(page.items.into_iter().map(|g| (g.complaint_id, g.tier)));
        if page.next_page_token.is_empty() {
            break;
        }
        token = page.next_page_token;
    }
    let expect: BTreeSet<(String, Tier)> = n
        .signposting
        .iter()
        .filter(|(_, (c, s))| *c && !*s)
        .map(|(k, _)| k.clone())
        .collect();
    assert_eq!(gaps, expect, "{label}: signposting gaps");
    // Caseload per case manager: open cases and next deadline.
    let loads = h
        .read
        .caseload_by_case_manager(None)
        .await
        .expect("caseload");
    let mut expect: BTreeMap<String, (i64, Option<DateTime<Utc>>)> = BTreeMap::new();
    for (id, (_, _, manager, open)) in &n.cases {
        if !open {
            continue;
        }
        let next = n
            .deadlines
            .iter()
            .filter(|(k, d)| {
                &k.0 == id
                    && matches!(k.1, "initial_contact" | "response" | "resolution_plan")
                    && d.done.is_none()
                    && d.stopped.is_none()
            })
            .map(|(_, d)| d.due)
            .min();
        let e = expect.entry(manager.clone()).or_insert((0, None));
        e.0 += 1;
        e.1 = match (e.1, next) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
    }
    let got: BTreeMap<String, (i64, Option<DateTime<Utc>>)> = loads
        .into_iter()
        .map(|l| (l.case_manager, (l.open_cases, l.next_due)))
        .collect();
    assert_eq!(got, expect, "{label}: caseload");
    // Trend alerts.
    let alerts = h
        .read
        .trend_alerts(t("2026-01-01T00:00:00Z"), false, None)
        .await
        .expect("alerts");
    let got: AlertMap = alerts
        .into_iter()
        .map(|a| {
            let exp = if a.complaints.is_empty() {
                None
            } else {
                Some(a.expires)
            };
            (a.alert_id, (a.category, a.scope, a.team, a.complaints, exp))
        })
        .collect();
    let expect: AlertMap = n
        .trends
        .alerts
        .iter()
        .map(|(id, a)| {
            (
                id.clone(),
                (
                    a.category.clone(),
                    a.scope.clone(),
                    a.team.clone(),
                    a.members.keys().cloned().collect(),
                    a.expires(),
                ),
            )
        })
        .collect();
    assert!(
        !expect.is_empty(),
        "{label}: the scenario raises trend alerts"
    );
    assert_eq!(got.len(), expect.len(), "{label}: alert count");
    assert_eq!(got, expect, "{label}: trend alerts");
    // Case history: one row per event.
    for (id, len) in n.history_len.iter().step_by(37) {
        let hist = h.read.case_history(id, false).await.expect("history");
        assert_eq!(hist.len(), *len, "{label}: history of {id}");
    }
}

async fn consistency(backend: Backend) {
    // Projections start after the first half of the complaints, so they both catch up on a
    // backlog in large batches and then follow live, small batches.
    let mut h = Harness::without_projections(backend).await;
    let n = size();
    let started = Instant::now();
    let mut refused = 0;
    // Several complaints at a time, so their events interleave in the feed.
    let workers = if backend == Backend::Sqlite { 2 } else { 6 };
    for half in [0..n / 2, n / 2..n] {
        if half.start > 0 {
            h.start_projections();
        }
        let shared = std::sync::Arc::new(h);
        let mut set = tokio::task::JoinSet::new();
        for w in 0..workers {
            let hh = shared.clone();
            let range = half.clone();
            set.spawn(async move {
                let mut refused = 0;
                for i in range.filter(|i| i % workers == w) {
                    refused += drive(&hh, i, 0x5eed).await;
                }
                refused
            });
        }
        while let Some(r) = set.join_next().await {
            refused += r.expect("driver");
        }
        h = std::sync::Arc::try_unwrap(shared).unwrap_or_else(|_| panic!("drivers finished"));
    }
    let drove = started.elapsed();
    h.sync().await;
    let events = all_events(&h).await;
    eprintln!(
        "{backend:?}: {n} complaints, {} events ({refused} commands refused) in {drove:?}; caught up after {:?}",
        events.len(),
        started.elapsed()
    );
    let naive = Naive::compute(&events);
    compare(&h, &naive, "incremental").await;
    let t0 = Instant::now();
    h.rebuild_all().await;
    eprintln!(
        "{backend:?}: rebuilt every projection in {:?}",
        t0.elapsed()
    );
    compare(&h, &naive, "rebuilt").await;
    let _ = DeadlineKind::ALL;
    h.stop().await;
}
both!(consistency);
