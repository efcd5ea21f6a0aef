//! The per-complaint read models (SPEC section 10), each a [`CaseModel`] over the
//! [`CaseSummary`] fold. Tables carry no personal data (SPEC P1). Instants are `*_us`
//! microseconds, dates `YYYY-MM-DD` text (see [`crate::db`]).

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use redress_calendar::local_date;
use redress_store::SqlValue;

use crate::batch::RowBatch;

use crate::case::{tier_str, CaseState, CaseSummary, DeadlineKind};
use crate::case_projection::CaseModel;
use crate::db::{us, us_opt};

/// Projection names (stable: changing one means a rebuild).
pub const DEADLINES: &str = "rm_deadlines";
pub const TIMELINESS: &str = "rm_timeliness";
pub const PAYMENTS: &str = "rm_special_payments";
pub const SIGNPOSTING: &str = "rm_signposting";
pub const CASELOAD: &str = "rm_caseload";

fn categories_json(s: &CaseSummary) -> String {
    serde_json::to_string(&s.categories).unwrap_or_else(|_| "[]".into())
}

// ------------------------------------------------------------------------ deadlines

/// SPEC D1-D7, R1: one row per deadline. Status is not stored: it depends on the query
/// instant (D5) and is evaluated by [`crate::queries`].
#[derive(Debug, Default, Clone, Copy)]
pub struct DeadlinesModel;

impl CaseModel for DeadlinesModel {
    fn name(&self) -> &'static str {
        DEADLINES
    }

    fn ddl(&self) -> Vec<String> {
        vec![
            "CREATE TABLE IF NOT EXISTS rm_deadlines (
                id TEXT PRIMARY KEY,
                complaint_id TEXT NOT NULL,
                kind TEXT NOT NULL,
                tier TEXT NOT NULL,
                reference TEXT NOT NULL,
                due_us BIGINT NOT NULL,
                done_us BIGINT,
                stopped_us BIGINT,
                region TEXT NOT NULL,
                team TEXT NOT NULL,
                to_team TEXT,
                case_manager TEXT NOT NULL,
                categories TEXT NOT NULL,
                case_state TEXT NOT NULL
            )"
            .into(),
            "CREATE INDEX IF NOT EXISTS rm_deadlines_complaint ON rm_deadlines (complaint_id)".into(),
            // "Due between A and B" (all deadlines, any state).
            "CREATE INDEX IF NOT EXISTS rm_deadlines_due ON rm_deadlines (due_us, id)".into(),
            // "At risk or breached now" per team / case manager / tier: open rows only.
            "CREATE INDEX IF NOT EXISTS rm_deadlines_open_team ON rm_deadlines (team, due_us, id) \
             WHERE done_us IS NULL AND stopped_us IS NULL"
                .into(),
            "CREATE INDEX IF NOT EXISTS rm_deadlines_open_manager ON rm_deadlines (case_manager, due_us, id) \
             WHERE done_us IS NULL AND stopped_us IS NULL"
                .into(),
            "CREATE INDEX IF NOT EXISTS rm_deadlines_open_tier ON rm_deadlines (tier, due_us, id) \
             WHERE done_us IS NULL AND stopped_us IS NULL"
                .into(),
            "CREATE INDEX IF NOT EXISTS rm_deadlines_open_due ON rm_deadlines (due_us, id) \
             WHERE done_us IS NULL AND stopped_us IS NULL"
                .into(),
            // Rows closed after a past query instant (historical "as of" queries).
            "CREATE INDEX IF NOT EXISTS rm_deadlines_done ON rm_deadlines (done_us)".into(),
            "CREATE INDEX IF NOT EXISTS rm_deadlines_stopped ON rm_deadlines (stopped_us)".into(),
        ]
    }

    fn tables(&self) -> Vec<&'static str> {
        vec!["rm_deadlines"]
    }

    fn write(&self, b: &mut RowBatch, old: Option<&CaseSummary>, new: &CaseSummary) {
        if old.is_some() {
            b.delete("rm_deadlines", &new.complaint_id);
        }
        let cats = categories_json(new);
        for d in &new.deadlines {
            b.insert(
                "rm_deadlines",
                &[
                    "id",
                    "complaint_id",
                    "kind",
                    "tier",
                    "reference",
                    "due_us",
                    "done_us",
                    "stopped_us",
                    "region",
                    "team",
                    "to_team",
                    "case_manager",
                    "categories",
                    "case_state",
                ],
                vec![
                    format!("{}|{}", new.complaint_id, d.key()).into(),
                    new.complaint_id.as_str().into(),
                    d.kind.as_str().into(),
                    tier_str(d.tier).into(),
                    d.reference.as_str().into(),
                    us(d.due).into(),
                    us_opt(d.done),
                    us_opt(d.stopped),
                    new.region.as_str().into(),
                    new.team.as_str().into(),
                    SqlValue::Text(d.to_team.clone()),
                    new.case_manager.as_str().into(),
                    cats.as_str().into(),
                    new.state.as_str().into(),
                ],
            );
        }
    }
}

// ------------------------------------------------------------------------ timeliness

/// SPEC R2/R3: daily counters per team and tier, maintained by differences (the old
/// summary's contribution is subtracted, the new one's added), so period figures are sums
/// over a few rows, never a replay of events.
///
/// Metrics, each counted on the Europe/London day of the thing measured:
/// * `ic_total`, `ic_within`: initial contacts recorded, and those within target (48 h, D1);
/// * `resp_total`, `resp_within`: outcomes communicated (the response, C10), and those
///   within target, with a resolution plan agreed on time counting as met (C5);
/// * `outcome:<outcome>`: outcomes decided;
/// * `t1_responses`, `t1_escalated`: tier-1 responses, and those later escalated to tier 2
///   (escalation rate = escalated / responses; both on the tier-1 response day).
///
/// `rm_outcomes_by_category` counts outcomes decided per category (the complaint's current
/// categories; at closure the final ones, C16).
#[derive(Debug, Default, Clone, Copy)]
pub struct TimelinessModel;

type TimelinessKey = (String, String, &'static str, String);

/// The counters one complaint contributes: `(day, team, tier, metric) → n`.
pub fn timeliness_contribution(s: &CaseSummary) -> BTreeMap<TimelinessKey, i64> {
    let mut m = BTreeMap::new();
    let mut add = |at: DateTime<Utc>, tier, metric: String| {
        *m.entry((local_date(at).to_string(), s.team.clone(), tier, metric))
            .or_insert(0) += 1;
    };
    for t in &s.tiers {
        let tier = tier_str(t.tier);
        if let (Some(at), Some(within)) = (t.initial_contact_at, t.initial_contact_within) {
            add(at, tier, "ic_total".into());
            if within {
                add(at, tier, "ic_within".into());
            }
        }
        if let (Some(at), Some(within)) = (t.outcome_communicated_at, t.response_within) {
            add(at, tier, "resp_total".into());
            if within {
                add(at, tier, "resp_within".into());
            }
            if t.tier == redress_domain::Tier::Tier1 {
                add(at, tier, "t1_responses".into());
                if t.escalated_at.is_some() {
                    add(at, tier, "t1_escalated".into());
                }
            }
        }
        if let (Some(at), Some(o)) = (t.outcome_at, t.outcome) {
            add(at, tier, format!("outcome:{}", o.as_str()));
        }
    }
    m
}

type CategoryKey = (String, String, &'static str, String, &'static str);

/// Outcomes per category: `(day, team, tier, category, outcome) → n`.
pub fn outcome_category_contribution(s: &CaseSummary) -> BTreeMap<CategoryKey, i64> {
    let mut m = BTreeMap::new();
    for t in &s.tiers {
        if let (Some(at), Some(o)) = (t.outcome_at, t.outcome) {
            for c in &s.categories {
                *m.entry((
                    local_date(at).to_string(),
                    s.team.clone(),
                    tier_str(t.tier),
                    c.clone(),
                    o.as_str(),
                ))
                .or_insert(0) += 1;
            }
        }
    }
    m
}

fn diff<K: Ord + Clone>(old: &BTreeMap<K, i64>, new: &BTreeMap<K, i64>) -> Vec<(K, i64)> {
    let mut out = Vec::new();
    for (k, v) in new {
        let d = v - old.get(k).copied().unwrap_or(0);
        if d != 0 {
            out.push((k.clone(), d));
        }
    }
    for (k, v) in old {
        if !new.contains_key(k) {
            out.push((k.clone(), -v));
        }
    }
    out
}

impl CaseModel for TimelinessModel {
    fn name(&self) -> &'static str {
        TIMELINESS
    }

    fn ddl(&self) -> Vec<String> {
        vec![
            "CREATE TABLE IF NOT EXISTS rm_timeliness_daily (
                day TEXT NOT NULL,
                team TEXT NOT NULL,
                tier TEXT NOT NULL,
                metric TEXT NOT NULL,
                n BIGINT NOT NULL,
                PRIMARY KEY (day, team, tier, metric)
            )"
            .into(),
            "CREATE INDEX IF NOT EXISTS rm_timeliness_team_day ON rm_timeliness_daily (team, day)"
                .into(),
            "CREATE TABLE IF NOT EXISTS rm_outcomes_by_category (
                day TEXT NOT NULL,
                team TEXT NOT NULL,
                tier TEXT NOT NULL,
                category TEXT NOT NULL,
                outcome TEXT NOT NULL,
                n BIGINT NOT NULL,
                PRIMARY KEY (day, team, tier, category, outcome)
            )"
            .into(),
        ]
    }

    fn tables(&self) -> Vec<&'static str> {
        vec!["rm_timeliness_daily", "rm_outcomes_by_category"]
    }

    fn write(&self, b: &mut RowBatch, old: Option<&CaseSummary>, new: &CaseSummary) {
        let empty = BTreeMap::new();
        let old_t = old.map(timeliness_contribution);
        let new_t = timeliness_contribution(new);
        for ((day, team, tier, metric), d) in diff(old_t.as_ref().unwrap_or(&empty), &new_t) {
            b.add(
                "rm_timeliness_daily",
                &["day", "team", "tier", "metric"],
                "n",
                vec![day, team, tier.to_string(), metric],
                d,
            );
        }
        let empty = BTreeMap::new();
        let old_c = old.map(outcome_category_contribution);
        let new_c = outcome_category_contribution(new);
        for ((day, team, tier, cat, outcome), d) in diff(old_c.as_ref().unwrap_or(&empty), &new_c) {
            b.add(
                "rm_outcomes_by_category",
                &["day", "team", "tier", "category", "outcome"],
                "n",
                vec![day, team, tier.to_string(), cat, outcome.to_string()],
                d,
            );
        }
    }
}

// ------------------------------------------------------------------------ payments

/// SPEC R4: one row per special payment.
#[derive(Debug, Default, Clone, Copy)]
pub struct PaymentsModel;

impl CaseModel for PaymentsModel {
    fn name(&self) -> &'static str {
        PAYMENTS
    }

    fn ddl(&self) -> Vec<String> {
        vec![
            "CREATE TABLE IF NOT EXISTS rm_special_payments (
                complaint_id TEXT NOT NULL,
                payment_id TEXT NOT NULL,
                team TEXT NOT NULL,
                tier TEXT NOT NULL,
                kind TEXT NOT NULL,
                state TEXT NOT NULL,
                decided_by TEXT,
                requested_pence BIGINT NOT NULL,
                amount_pence BIGINT NOT NULL,
                recorded_us BIGINT NOT NULL,
                decided_us BIGINT,
                PRIMARY KEY (complaint_id, payment_id)
            )"
            .into(),
            "CREATE INDEX IF NOT EXISTS rm_special_payments_recorded ON rm_special_payments (recorded_us)".into(),
            "CREATE INDEX IF NOT EXISTS rm_special_payments_pending ON rm_special_payments (recorded_us) \
             WHERE state = 'pending_spt'"
                .into(),
        ]
    }

    fn tables(&self) -> Vec<&'static str> {
        vec!["rm_special_payments"]
    }

    fn write(&self, b: &mut RowBatch, old: Option<&CaseSummary>, new: &CaseSummary) {
        if old.is_some_and(|o| o.payments == new.payments && o.team == new.team) {
            return;
        }
        if old.is_some() {
            b.delete("rm_special_payments", &new.complaint_id);
        }
        for p in &new.payments {
            b.insert(
                "rm_special_payments",
                &[
                    "complaint_id",
                    "payment_id",
                    "team",
                    "tier",
                    "kind",
                    "state",
                    "decided_by",
                    "requested_pence",
                    "amount_pence",
                    "recorded_us",
                    "decided_us",
                ],
                vec![
                    new.complaint_id.as_str().into(),
                    p.payment_id.as_str().into(),
                    new.team.as_str().into(),
                    tier_str(p.tier).into(),
                    p.kind.as_str().into(),
                    p.state.as_str().into(),
                    p.state.decided_by().into(),
                    (p.requested_pence as i64).into(),
                    (p.amount_pence as i64).into(),
                    us(p.recorded_at).into(),
                    us_opt(p.decided_at),
                ],
            );
        }
    }
}

// ------------------------------------------------------------------------ signposting

/// SPEC C11, T3, R6: one row per complaint and tier whose outcome was communicated or
/// that was signposted; gaps are rows with an outcome communicated and no signposting.
#[derive(Debug, Default, Clone, Copy)]
pub struct SignpostingModel;

impl CaseModel for SignpostingModel {
    fn name(&self) -> &'static str {
        SIGNPOSTING
    }

    fn ddl(&self) -> Vec<String> {
        vec![
            "CREATE TABLE IF NOT EXISTS rm_signposting (
                complaint_id TEXT NOT NULL,
                tier TEXT NOT NULL,
                team TEXT NOT NULL,
                case_manager TEXT NOT NULL,
                outcome_communicated_us BIGINT,
                signposted_us BIGINT,
                target TEXT,
                ice_window_ends_us BIGINT,
                referred_to_ice_us BIGINT,
                PRIMARY KEY (complaint_id, tier)
            )"
            .into(),
            "CREATE INDEX IF NOT EXISTS rm_signposting_gaps ON rm_signposting (team, outcome_communicated_us) \
             WHERE signposted_us IS NULL"
                .into(),
            "CREATE INDEX IF NOT EXISTS rm_signposting_ice ON rm_signposting (ice_window_ends_us) \
             WHERE target = 'ice'"
                .into(),
        ]
    }

    fn tables(&self) -> Vec<&'static str> {
        vec!["rm_signposting"]
    }

    fn write(&self, b: &mut RowBatch, old: Option<&CaseSummary>, new: &CaseSummary) {
        if old.is_some() {
            b.delete("rm_signposting", &new.complaint_id);
        }
        for t in &new.tiers {
            if t.outcome_communicated_at.is_none() && t.signposted_at.is_none() {
                continue;
            }
            let target = t.signpost_target.map(|x| match x {
                redress_domain::SignpostTarget::Ccrt => "ccrt",
                redress_domain::SignpostTarget::Ice => "ice",
            });
            let ice = target == Some("ice");
            b.insert(
                "rm_signposting",
                &[
                    "complaint_id",
                    "tier",
                    "team",
                    "case_manager",
                    "outcome_communicated_us",
                    "signposted_us",
                    "target",
                    "ice_window_ends_us",
                    "referred_to_ice_us",
                ],
                vec![
                    new.complaint_id.as_str().into(),
                    tier_str(t.tier).into(),
                    new.team.as_str().into(),
                    new.case_manager.as_str().into(),
                    us_opt(t.outcome_communicated_at),
                    us_opt(t.signposted_at),
                    target.into(),
                    us_opt(if ice { new.ice_window_ends } else { None }),
                    us_opt(if ice { new.referred_to_ice_at } else { None }),
                ],
            );
        }
    }
}

// ------------------------------------------------------------------------ caseload

/// SPEC R7, V1: open cases per case manager with their next deadline; feedback actions
/// (overdue = unconfirmed past due, by the team that must act); safeguarding concerns.
#[derive(Debug, Default, Clone, Copy)]
pub struct CaseloadModel;

impl CaseModel for CaseloadModel {
    fn name(&self) -> &'static str {
        CASELOAD
    }

    fn ddl(&self) -> Vec<String> {
        vec![
            "CREATE TABLE IF NOT EXISTS rm_caseload (
                complaint_id TEXT PRIMARY KEY,
                team TEXT NOT NULL,
                region TEXT NOT NULL,
                tier TEXT NOT NULL,
                case_manager TEXT NOT NULL,
                received_us BIGINT NOT NULL,
                next_due_us BIGINT,
                next_due_kind TEXT,
                vulnerable BOOLEAN NOT NULL
            )"
            .into(),
            "CREATE INDEX IF NOT EXISTS rm_caseload_manager ON rm_caseload (case_manager, next_due_us)"
                .into(),
            "CREATE INDEX IF NOT EXISTS rm_caseload_team ON rm_caseload (team, case_manager)".into(),
            "CREATE INDEX IF NOT EXISTS rm_caseload_region ON rm_caseload (region, complaint_id)".into(),
            "CREATE TABLE IF NOT EXISTS rm_feedback_actions (
                complaint_id TEXT NOT NULL,
                action_id TEXT NOT NULL,
                team TEXT NOT NULL,
                to_team TEXT NOT NULL,
                tier TEXT NOT NULL,
                due_us BIGINT NOT NULL,
                confirmed_us BIGINT,
                PRIMARY KEY (complaint_id, action_id)
            )"
            .into(),
            "CREATE INDEX IF NOT EXISTS rm_feedback_open ON rm_feedback_actions (to_team, due_us) \
             WHERE confirmed_us IS NULL"
                .into(),
            "CREATE TABLE IF NOT EXISTS rm_safeguarding (
                complaint_id TEXT NOT NULL,
                concern_id TEXT NOT NULL,
                team TEXT NOT NULL,
                case_manager TEXT NOT NULL,
                kinds TEXT NOT NULL,
                immediate BOOLEAN NOT NULL,
                escalated_to TEXT NOT NULL,
                recorded_us BIGINT NOT NULL,
                resolved_us BIGINT,
                PRIMARY KEY (complaint_id, concern_id)
            )"
            .into(),
            "CREATE INDEX IF NOT EXISTS rm_safeguarding_open ON rm_safeguarding (team, recorded_us) \
             WHERE resolved_us IS NULL"
                .into(),
        ]
    }

    fn tables(&self) -> Vec<&'static str> {
        vec!["rm_caseload", "rm_feedback_actions", "rm_safeguarding"]
    }

    fn write(&self, b: &mut RowBatch, old: Option<&CaseSummary>, new: &CaseSummary) {
        let id: SqlValue = new.complaint_id.as_str().into();
        if old.is_some() {
            for t in ["rm_caseload", "rm_feedback_actions", "rm_safeguarding"] {
                b.delete(t, &new.complaint_id);
            }
        }
        if new.state == CaseState::Open {
            let next = new.next_deadline();
            b.insert(
                "rm_caseload",
                &[
                    "complaint_id",
                    "team",
                    "region",
                    "tier",
                    "case_manager",
                    "received_us",
                    "next_due_us",
                    "next_due_kind",
                    "vulnerable",
                ],
                vec![
                    id.clone(),
                    new.team.as_str().into(),
                    new.region.as_str().into(),
                    tier_str(new.tier()).into(),
                    new.case_manager.as_str().into(),
                    us(new.received_at).into(),
                    us_opt(next.map(|d| d.due)),
                    next.map(|d| d.kind.as_str()).into(),
                    new.vulnerable.into(),
                ],
            );
        }
        for d in new
            .deadlines
            .iter()
            .filter(|d| d.kind == DeadlineKind::FeedbackAction)
        {
            b.insert(
                "rm_feedback_actions",
                &[
                    "complaint_id",
                    "action_id",
                    "team",
                    "to_team",
                    "tier",
                    "due_us",
                    "confirmed_us",
                ],
                vec![
                    id.clone(),
                    d.reference.as_str().into(),
                    new.team.as_str().into(),
                    d.to_team.clone().unwrap_or_default().into(),
                    tier_str(d.tier).into(),
                    us(d.due).into(),
                    us_opt(d.done),
                ],
            );
        }
        for c in &new.concerns {
            b.insert(
                "rm_safeguarding",
                &[
                    "complaint_id",
                    "concern_id",
                    "team",
                    "case_manager",
                    "kinds",
                    "immediate",
                    "escalated_to",
                    "recorded_us",
                    "resolved_us",
                ],
                vec![
                    id.clone(),
                    c.concern_id.as_str().into(),
                    new.team.as_str().into(),
                    new.case_manager.as_str().into(),
                    serde_json::to_string(&c.kinds).unwrap_or_default().into(),
                    c.immediate.into(),
                    serde_json::to_string(&c.escalated_to)
                        .unwrap_or_default()
                        .into(),
                    us(c.recorded_at).into(),
                    us_opt(c.resolved_at),
                ],
            );
        }
    }
}
