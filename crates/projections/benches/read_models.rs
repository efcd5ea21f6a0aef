//! Read-model benchmark on PostgreSQL (see BENCHMARKS.md).
//!
//! 1. **Events and rebuild.** `REDRESS_BENCH_EVENT_COMPLAINTS` complaints (default 20 000)
//!    are run through the domain's pure `decide`/`apply` and their real events bulk-inserted
//!    into the `events` table; then every projection is started from zero with the real
//!    runner and timed until caught up (events/s).
//! 2. **Query scale.** `REDRESS_BENCH_COMPLAINTS` complaints (default 1 000 000) are folded
//!    with the same pure [`CaseSummary`] fold and bulk-loaded into `rm_deadlines` and
//!    `rm_timeliness_daily` (multi-row inserts; the timeliness counters summed in memory,
//!    which is the state the incremental projection reaches). Then "at risk or breached now
//!    for one team" and a quarter's timeliness figures are timed (median and p95 of 30) and
//!    their `EXPLAIN (ANALYZE, BUFFERS)` plans printed.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use cqrs_es::{Aggregate, DomainEvent};
use redress_calendar::{Calendars, Region};
use redress_domain::*;
use redress_projections::case::{tier_str, CaseSummary};
use redress_projections::models::timeliness_contribution;
use redress_projections::queries::*;
use redress_projections::{all_projections, ReadModels, PROJECTION_NAMES};
use redress_store::testing::TestDatabase;
use redress_store::{ProjectionRunner, RunnerConfig, Store};
use sqlx::PgPool;

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
}

const TEAMS: usize = 50;
const CATEGORIES: [&str; 6] = [
    "payment_delay",
    "staff_behaviour",
    "decision",
    "communication",
    "process_delay",
    "accessibility",
];

fn env(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// One complaint's events, produced by the real aggregate. Complaints received in the last
/// 25 days stay open (70 % contacted); 3 % of older ones are left open and overdue; the
/// rest run to closure (about 10 % late).
fn complaint(i: usize, now: DateTime<Utc>, services: &DomainServices) -> Vec<ComplaintEvent> {
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15 ^ (i as u64 + 1).wrapping_mul(0xff51_afd7_ed55_8ccd));
    rng.next();
    let team = format!("team-{:02}", i % TEAMS);
    let actor = Actor::new(
        format!("u-{team}-{}", rng.below(8)),
        Role::Crm,
        team.clone(),
    );
    let received = now - chrono::Duration::minutes(60 + rng.below(3 * 365 * 24 * 60) as i64);
    let region = Region::ALL[rng.below(3) as usize];
    let mut state = Complaint::default();
    let mut events = Vec::new();
    let mut at = received;
    let mut run = |at: DateTime<Utc>, action: ComplaintAction, events: &mut Vec<ComplaintEvent>| {
        let at = at.min(now);
        let cmd = ComplaintCommand::new(CommandMeta::new(actor.clone(), at, at), action);
        if let Ok(evs) = state.decide(cmd, services) {
            for e in &evs {
                state.apply(e.clone());
            }
            events.extend(evs);
        }
    };
    run(
        at,
        ComplaintAction::Receive {
            complaint_id: format!("b-{i:07}"),
            received_at: received,
            channel: Channel::Email,
            categories: vec![CATEGORIES[rng.below(6) as usize].to_string()],
            team: team.clone(),
            region,
            flags: ComplaintFlags::default(),
            personal: PersonalDetails {
                name: "Bench Person".into(),
                address: None,
                email: None,
                phone: None,
                preferred_contact: ContactMethod::Letter,
            },
        },
        &mut events,
    );
    let recent = now - received < chrono::Duration::days(25);
    if recent && rng.below(10) < 3 {
        return events;
    }
    at += chrono::Duration::hours(2 + rng.below(60) as i64);
    run(
        at,
        ComplaintAction::RecordInitialContact {
            method: ContactMethod::Letter,
            suitability_checked: false,
            offered_direct_contact: true,
            issues: vec![Issue {
                issue_id: "i1".into(),
                summary: "issue".into(),
            }],
            resolution_sought: "resolution".into(),
            resolved_at_first_contact: false,
        },
        &mut events,
    );
    if recent || rng.below(100) < 3 {
        return events;
    }
    let upheld = rng.below(2) == 0;
    at += chrono::Duration::days(2);
    for action in [
        ComplaintAction::RecordInvestigationStep {
            step: InvestigationStepKind::SystemsEvidenceGathered,
            evidence_id: "e1".into(),
            description: "history".into(),
            validated: true,
        },
        ComplaintAction::RecordRootCause {
            root_cause: RootCause {
                what_happened: "a".into(),
                what_should_have_happened: "b".into(),
                mistakes: "c".into(),
                root_cause: "d".into(),
            },
        },
        ComplaintAction::RecordFindings {
            findings: vec![Finding {
                issue_id: "i1".into(),
                upheld,
                evidence_ids: vec!["e1".into()],
                reasoning: "r".into(),
            }],
        },
        ComplaintAction::DecideOutcome {
            outcome: if upheld {
                Outcome::Upheld
            } else {
                Outcome::NotUpheld
            },
            summary: "s".into(),
        },
    ] {
        run(at, action, &mut events);
    }
    if upheld {
        run(
            at,
            ComplaintAction::RecordRedress {
                apology: "sorry".into(),
                remedial_assurance: "fixed".into(),
            },
            &mut events,
        );
    }
    let days = if rng.below(10) == 0 {
        30
    } else {
        5 + rng.below(12)
    };
    at += chrono::Duration::days(days as i64);
    run(
        at,
        ComplaintAction::CommunicateOutcome {
            method: ContactMethod::Letter,
            suitability_checked: false,
            payment_explanation: None,
        },
        &mut events,
    );
    run(at, ComplaintAction::Signpost, &mut events);
    run(at, ComplaintAction::Close, &mut events);
    events
}

async fn insert_events(pool: &PgPool, batch: &[(String, usize, ComplaintEvent)]) {
    let mut sql = String::from(
        "INSERT INTO events (aggregate_type, aggregate_id, sequence, event_type, event_version, \
         payload, metadata) VALUES ",
    );
    for i in 0..batch.len() {
        if i > 0 {
            sql.push(',');
        }
        let b = i * 5;
        sql.push_str(&format!(
            "('complaint', ${}, ${}, ${}, '1', ${}, ${})",
            b + 1,
            b + 2,
            b + 3,
            b + 4,
            b + 5
        ));
    }
    let mut q = sqlx::query(&sql);
    for (id, seq, e) in batch {
        let m = e.meta();
        let meta = serde_json::json!({
            "command_id": format!("bench-{id}-{seq}"),
            "actor_user_id": m.actor.user_id,
            "actor_role": m.actor.role.as_str(),
            "actor_team": m.actor.team,
            "recorded_at": m.recorded_at.to_rfc3339(),
        });
        q = q
            .bind(id)
            .bind(*seq as i64)
            .bind(e.event_type())
            .bind(serde_json::to_value(e).expect("json"))
            .bind(meta);
    }
    q.execute(pool).await.expect("insert events");
}

/// `(id, complaint_id, kind, tier, due_us, done_us, stopped_us, region, team, case_manager)`.
type DeadlineRow = (
    String,
    String,
    String,
    String,
    i64,
    Option<i64>,
    Option<i64>,
    String,
    String,
    String,
);

async fn insert_deadlines(pool: &PgPool, rows: &[DeadlineRow]) {
    if rows.is_empty() {
        return;
    }
    let mut sql = String::from(
        "INSERT INTO rm_deadlines (id, complaint_id, kind, tier, reference, due_us, done_us, \
         stopped_us, region, team, to_team, case_manager, categories, case_state) VALUES ",
    );
    for i in 0..rows.len() {
        if i > 0 {
            sql.push(',');
        }
        let b = i * 10;
        sql.push_str(&format!(
            "(${}, ${}, ${}, ${}, '', ${}, ${}, ${}, ${}, ${}, NULL, ${}, '[]', 'open')",
            b + 1,
            b + 2,
            b + 3,
            b + 4,
            b + 5,
            b + 6,
            b + 7,
            b + 8,
            b + 9,
            b + 10
        ));
    }
    let mut q = sqlx::query(&sql);
    for r in rows {
        q = q
            .bind(&r.0)
            .bind(&r.1)
            .bind(&r.2)
            .bind(&r.3)
            .bind(r.4)
            .bind(r.5)
            .bind(r.6)
            .bind(&r.7)
            .bind(&r.8)
            .bind(&r.9);
    }
    q.execute(pool).await.expect("insert deadlines");
}

fn stats(mut xs: Vec<Duration>) -> String {
    xs.sort();
    let med = xs[xs.len() / 2];
    let p95 = xs[(xs.len() * 95 / 100).min(xs.len() - 1)];
    format!(
        "median {:.2} ms, p95 {:.2} ms",
        med.as_secs_f64() * 1e3,
        p95.as_secs_f64() * 1e3
    )
}

async fn explain(pool: &PgPool, label: &str, sql: &str) {
    let rows: Vec<(String,)> = sqlx::query_as(&format!("EXPLAIN (ANALYZE, BUFFERS) {sql}"))
        .fetch_all(pool)
        .await
        .expect("explain");
    println!("\n-- EXPLAIN {label}");
    for (line,) in rows {
        println!("{line}");
    }
}

async fn bench() {
    let event_n = env("REDRESS_BENCH_EVENT_COMPLAINTS", 20_000);
    let query_n = env("REDRESS_BENCH_COMPLAINTS", 1_000_000);
    let services = DomainServices::standard();
    let now = Utc::now();
    let db = TestDatabase::postgres().await;
    let mut cfg = db.config();
    cfg.max_connections = 8;
    let store: Store = db.store_with(cfg).await;
    let pool = store.pg_pool().expect("postgres").clone();

    // ------------------------------------------------------------ 1. events, rebuild
    let t0 = Instant::now();
    let mut batch = Vec::new();
    let mut total_events = 0usize;
    for i in 0..event_n {
        for (seq, e) in complaint(i, now, &services).into_iter().enumerate() {
            batch.push((format!("b-{i:07}"), seq + 1, e));
        }
        if batch.len() >= 2000 {
            total_events += batch.len();
            insert_events(&pool, &batch).await;
            batch.clear();
        }
    }
    total_events += batch.len();
    insert_events(&pool, &batch).await;
    println!(
        "events: {event_n} complaints, {total_events} events generated and inserted in {:.1} s",
        t0.elapsed().as_secs_f64()
    );
    let config = RunnerConfig {
        batch_size: 1000,
        poll_interval: Duration::from_millis(100),
        ..RunnerConfig::default()
    };
    let mut runner = ProjectionRunner::new(store.clone(), config);
    for p in all_projections(services.policies.clone(), Arc::new(Calendars::standard())) {
        runner = runner.with(p);
    }
    let t1 = Instant::now();
    let handle = runner.start();
    for name in PROJECTION_NAMES {
        assert!(store
            .wait_for_projection(name, Duration::from_secs(3600))
            .await
            .expect("status"));
    }
    let secs = t1.elapsed().as_secs_f64();
    println!(
        "rebuild: {} projections over {total_events} events in {secs:.1} s = {:.0} events/s (all projections together), {:.0} projection-events/s",
        PROJECTION_NAMES.len(),
        total_events as f64 / secs,
        (total_events * PROJECTION_NAMES.len()) as f64 / secs
    );
    handle.stop().await;

    // ------------------------------------------------------------ 2. query scale
    let t2 = Instant::now();
    let mut rows = Vec::new();
    let mut daily: BTreeMap<(String, String, &'static str, String), i64> = BTreeMap::new();
    for i in event_n..query_n.max(event_n) {
        let events = complaint(i, now, &services);
        let Some(s) = CaseSummary::fold(&events) else {
            continue;
        };
        for (k, v) in timeliness_contribution(&s) {
            *daily.entry(k).or_insert(0) += v;
        }
        for d in &s.deadlines {
            rows.push((
                format!("{}|{}", s.complaint_id, d.key()),
                s.complaint_id.clone(),
                d.kind.as_str().to_string(),
                tier_str(d.tier).to_string(),
                d.due.timestamp_micros(),
                d.done.map(|x| x.timestamp_micros()),
                d.stopped.map(|x| x.timestamp_micros()),
                s.region.clone(),
                s.team.clone(),
                s.case_manager.clone(),
            ));
        }
        if rows.len() >= 5000 {
            insert_deadlines(&pool, &rows).await;
            rows.clear();
        }
    }
    insert_deadlines(&pool, &rows).await;
    let mut sql_rows: Vec<_> = daily.into_iter().collect();
    for chunk in sql_rows.chunks_mut(5000) {
        let mut sql =
            String::from("INSERT INTO rm_timeliness_daily (day, team, tier, metric, n) VALUES ");
        for i in 0..chunk.len() {
            if i > 0 {
                sql.push(',');
            }
            let b = i * 5;
            sql.push_str(&format!(
                "(${}, ${}, ${}, ${}, ${})",
                b + 1,
                b + 2,
                b + 3,
                b + 4,
                b + 5
            ));
        }
        sql.push_str(" ON CONFLICT (day, team, tier, metric) DO UPDATE SET n = rm_timeliness_daily.n + excluded.n");
        let mut q = sqlx::query(&sql);
        for ((day, team, tier, metric), n) in chunk.iter() {
            q = q.bind(day).bind(team).bind(*tier).bind(metric).bind(*n);
        }
        q.execute(&pool).await.expect("insert timeliness");
    }
    sqlx::query("ANALYZE")
        .execute(&pool)
        .await
        .expect("analyze");
    let counts: (i64, i64, i64) = sqlx::query_as(
        "SELECT (SELECT COUNT(DISTINCT complaint_id) FROM rm_deadlines), \
         (SELECT COUNT(*) FROM rm_deadlines), (SELECT COUNT(*) FROM rm_timeliness_daily)",
    )
    .fetch_one(&pool)
    .await
    .expect("counts");
    println!(
        "bulk load: {} complaints, {} deadline rows, {} timeliness rows in {:.1} s",
        counts.0,
        counts.1,
        counts.2,
        t2.elapsed().as_secs_f64()
    );

    let read = ReadModels::new(
        store.clone(),
        services.policies.clone(),
        services.calendars.clone(),
    );
    let team = "team-07";
    let mut times = Vec::new();
    let mut found = 0;
    for _ in 0..30 {
        let t = Instant::now();
        let p = read
            .deadlines_at_risk(&AtRiskRequest {
                as_of: now,
                filter: DeadlineFilter::Team(team.into()),
                page_size: 100,
                page_token: String::new(),
            })
            .await
            .expect("at risk");
        times.push(t.elapsed());
        found = p.items.len();
    }
    println!(
        "at risk or breached now, {team}, first page of 100 ({found} rows): {}",
        stats(times)
    );
    // Every page of the team's list.
    let t = Instant::now();
    let mut token = String::new();
    let mut all = 0;
    loop {
        let p = read
            .deadlines_at_risk(&AtRiskRequest {
                as_of: now,
                filter: DeadlineFilter::Team(team.into()),
                page_size: 1000,
                page_token: token,
            })
            .await
            .expect("at risk");
        all += p.items.len();
        if p.next_page_token.is_empty() {
            break;
        }
        token = p.next_page_token;
    }
    println!(
        "at risk or breached now, {team}, all {all} rows in pages of 1000: {:.2} ms",
        t.elapsed().as_secs_f64() * 1e3
    );
    let q_end = redress_calendar::local_date(now);
    let q_start = q_end - chrono::Duration::days(91);
    for (label, team) in [("all teams", None), ("one team", Some(team.to_string()))] {
        let mut times = Vec::new();
        let mut r = TimelinessReport::default();
        for _ in 0..30 {
            let t = Instant::now();
            r = read
                .timeliness(&TimelinessRequest {
                    from: q_start,
                    to: q_end,
                    team: team.clone(),
                    tier: None,
                })
                .await
                .expect("timeliness");
            times.push(t.elapsed());
        }
        println!(
            "timeliness for a quarter ({q_start}..{q_end}), {label}: {} (responses {}, share {:?})",
            stats(times),
            r.responses,
            r.response_share
        );
    }

    // Plans, with the statements the queries send (parameters inlined).
    let cal = services.calendars.clone();
    let mut conds = Vec::new();
    let mut max_limit = i64::MIN;
    for region in Region::ALL {
        let l = at_risk_limit(cal.get(region), now, 3).timestamp_micros();
        max_limit = max_limit.max(l);
        conds.push(format!("(region = '{}' AND due_us < {l})", region.as_str()));
    }
    let t_us = now.timestamp_micros();
    let common = format!(
        "kind <> 'ice_window' AND due_us < {max_limit} AND ({}) AND team = '{team}'",
        conds.join(" OR ")
    );
    let cols = "complaint_id, kind, tier, reference, due_us, done_us, stopped_us, region, team, to_team, case_manager, categories, id";
    explain(
        &pool,
        "at risk or breached now, one team",
        &format!(
            "SELECT {cols} FROM (SELECT {cols} FROM rm_deadlines WHERE done_us IS NULL AND stopped_us IS NULL AND {common} ORDER BY due_us, id LIMIT 101) a \
             UNION ALL SELECT {cols} FROM (SELECT {cols} FROM rm_deadlines WHERE (done_us > {t_us} OR stopped_us > {t_us}) \
             AND (done_us IS NULL OR done_us > {t_us}) AND (stopped_us IS NULL OR stopped_us > {t_us}) AND {common} ORDER BY due_us, id LIMIT 101) b \
             ORDER BY due_us, id LIMIT 101"
        ),
    )
    .await;
    explain(
        &pool,
        "timeliness for a quarter, all teams",
        &format!(
            "SELECT metric, CAST(SUM(n) AS BIGINT) FROM rm_timeliness_daily WHERE day >= '{q_start}' AND day <= '{q_end}' GROUP BY metric"
        ),
    )
    .await;
    explain(
        &pool,
        "timeliness for a quarter, one team",
        &format!(
            "SELECT metric, CAST(SUM(n) AS BIGINT) FROM rm_timeliness_daily WHERE day >= '{q_start}' AND day <= '{q_end}' AND team = '{team}' GROUP BY metric"
        ),
    )
    .await;
    store.close().await;
    db.cleanup().await;
}

fn main() {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    rt.block_on(bench());
    let _ = Complaint::TYPE;
}
