//! Fault tests (issue 7): real `redress serve` processes over a PostgreSQL server of the
//! test's own on loopback, under load, while parts fail.
//!
//! - `kill_nine_twice_loses_nothing`: three replicas; the one running the projections is
//!   `kill -9`ed mid-load, twice (restarted each time, as an orchestrator would).
//! - `postgres_restart_under_load`: PostgreSQL crashes (immediate stop) and comes back.
//! - `soak_holds_memory_and_connections`: steady load; memory and connections sampled.
//! - `reporting_replica_reads_a_streaming_standby`: a read-only replica on a hot standby.
//!
//! After each: every acknowledged command is stored, none is applied twice, projections
//! catch up and equal a rebuild. Quick sizes run in `scripts/test`; `scripts/fault-tests
//! --long` (REDRESS_FAULT_LONG=1) runs long outages and a 10-minute soak. Figures are
//! printed as `FAULT-REPORT` lines and appended to `$REDRESS_FAULT_REPORT` if set.

mod checks;
mod load;
mod postgres;
mod replicas;

use std::collections::BTreeMap;
use std::io::Write;
use std::time::{Duration, Instant};

use anyhow::{ensure, Context, Result};
use redress_api::pb;
use redress_api::pb::admin_service_client::AdminServiceClient;
use redress_api::pb::complaint_service_client::ComplaintServiceClient;
use redress_api::{unix_now, LocalSigningKey};
use redress_domain::{Actor, Role};
use sqlx::postgres::PgPoolOptions;
use sqlx::PgPool;
use tonic::service::interceptor::InterceptedService;
use tonic::transport::Channel;
use tonic_health::pb::health_check_response::ServingStatus;

use load::{Bearer, Client, Load};
use postgres::TempPostgres;
use replicas::Replica;

const PROJECTIONS: i64 = redress_projections::PROJECTION_NAMES.len() as i64;

/// Long runs (`scripts/fault-tests --long`): longer outages and a 10-minute soak.
fn long() -> bool {
    std::env::var("REDRESS_FAULT_LONG").is_ok_and(|v| v == "1")
}

/// Prints a figure for the record (and appends it to `$REDRESS_FAULT_REPORT`).
fn report(test: &str, line: &str) {
    println!("FAULT-REPORT {test}: {line}");
    if let Ok(path) = std::env::var("REDRESS_FAULT_REPORT") {
        if let Ok(mut f) = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(path)
        {
            let _ = writeln!(f, "{test}: {line}");
        }
    }
}

/// A scratch directory (the shared token signing key, replica logs); removed on drop.
struct Scratch(std::path::PathBuf);

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// PostgreSQL, replicas over it, a token and a direct pool for the checks.
struct Deployment {
    replicas: Vec<Replica>,
    pool: PgPool,
    key: LocalSigningKey,
    url: String,
    dir: Scratch,
    pg: TempPostgres,
}

impl Deployment {
    /// A fresh PostgreSQL and `n` replicas started at the same instant (they race to
    /// migrate and create the read models, as a rollout does).
    async fn start(n: usize) -> Result<Deployment> {
        let pg = TempPostgres::start_new()?;
        let admin = PgPoolOptions::new()
            .max_connections(1)
            .connect(&pg.url("postgres"))
            .await?;
        sqlx::query("CREATE DATABASE redress")
            .execute(&admin)
            .await?;
        admin.close().await;
        let url = pg.url("redress");
        let dir = Scratch(std::env::temp_dir().join(format!(
            "redress-fault-keys-{}-{}",
            std::process::id(),
            uuid::Uuid::now_v7().simple()
        )));
        std::fs::create_dir_all(&dir.0)?;
        let key = LocalSigningKey::load_or_create(&dir.0)?;
        let mut replicas = Vec::new();
        for i in 1..=n {
            replicas.push(Replica::start(&format!("r{i}"), &dir.0, &url, &[])?);
        }
        for r in &replicas {
            r.wait_serving(Duration::from_secs(60)).await?;
        }
        let pool = PgPoolOptions::new()
            .max_connections(4)
            .connect(&url)
            .await?;
        Ok(Deployment {
            replicas,
            pool,
            key,
            url,
            dir,
            pg,
        })
    }

    fn bearer(&self, role: Role) -> Result<Bearer> {
        let token = self.key.mint(
            &Actor::new("fault-test", role, "crt-leeds"),
            unix_now(),
            7200,
        )?;
        Ok(Bearer(format!("Bearer {token}").parse()?))
    }

    /// A complaint client per replica.
    fn clients(&self) -> Result<Vec<Client>> {
        let bearer = self.bearer(Role::Crm)?;
        self.replicas
            .iter()
            .map(|r| {
                Ok(ComplaintServiceClient::with_interceptor(
                    r.channel()?,
                    bearer.clone(),
                ))
            })
            .collect()
    }

    fn replica_named(&mut self, application_name: &str) -> Option<&mut Replica> {
        self.replicas
            .iter_mut()
            .find(|r| format!("redress:{}", r.name) == application_name)
    }
}

/// Waits until the load has had `n` more commands acknowledged.
async fn wait_acks(load: &Load, n: u64, within: Duration) -> Result<()> {
    let target = load.acked() + n;
    let started = Instant::now();
    while load.acked() < target {
        ensure!(
            started.elapsed() < within,
            "load stalled: {} of {target} acknowledged after {within:?}",
            load.acked()
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    Ok(())
}

/// The invariants after any fault, with the figures reported.
async fn verify(test: &str, d: &Deployment, ledger: &load::Ledger) -> Result<()> {
    ensure!(
        ledger.refused.is_empty(),
        "{} commands were refused: {:?}",
        ledger.refused.len(),
        &ledger.refused[..ledger.refused.len().min(5)]
    );
    checks::acknowledged_are_stored(&d.pool, &ledger.acks).await?;
    checks::nothing_duplicated(&d.pool).await?;
    let caught_up = checks::wait_caught_up(&d.pool, PROJECTIONS, Duration::from_secs(120)).await?;
    let rebuilt = checks::read_models_equal_a_rebuild(&d.pool, PROJECTIONS).await?;
    report(
        test,
        &format!(
            "{} commands acknowledged, all stored, none duplicated; {} retried on another \
             replica, {} abandoned; read models caught up in {} ms and equal a rebuild ({} ms)",
            ledger.acks.len(),
            ledger.retries,
            ledger.abandoned,
            caught_up.as_millis(),
            rebuilt.as_millis()
        ),
    );
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kill_nine_twice_loses_nothing() -> Result<()> {
    const TEST: &str = "kill -9";
    let mut d = Deployment::start(3).await?;
    let load = Load::start(8, d.clients()?);
    wait_acks(&load, 100, Duration::from_secs(60)).await?;
    for round in 1..=2 {
        let holders = checks::projection_holders(&d.pool).await?;
        let (victim, held) = holders
            .iter()
            .max_by_key(|(_, n)| **n)
            .map(|(name, n)| (name.clone(), *n))
            .context("no replica holds a projection")?;
        let replica = d
            .replica_named(&victim)
            .context("lock holder is not ours")?;
        let killed_at = Instant::now();
        replica.kill_nine()?;
        // Failover: every projection locked again, by the survivors.
        let failover = loop {
            let now = checks::projection_holders(&d.pool).await?;
            if !now.contains_key(&victim) && now.values().sum::<i64>() == PROJECTIONS {
                break killed_at.elapsed();
            }
            ensure!(
                killed_at.elapsed() < Duration::from_secs(30),
                "projections not taken over 30 s after killing {victim}: {now:?}"
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        };
        wait_acks(&load, 50, Duration::from_secs(60)).await?;
        let caught_up = checks::wait_caught_up(&d.pool, PROJECTIONS, Duration::from_secs(60))
            .await?
            + killed_at.elapsed();
        report(
            TEST,
            &format!(
                "round {round}: killed {victim} holding {held} of {PROJECTIONS} projections; \
                 all taken over in {} ms; projections caught up {} ms after the kill",
                failover.as_millis(),
                caught_up.as_millis()
            ),
        );
        let replica = d.replica_named(&victim).context("victim")?;
        replica.restart()?;
        replica.wait_serving(Duration::from_secs(30)).await?;
        wait_acks(&load, 50, Duration::from_secs(60)).await?;
    }
    let ledger = load.finish().await;
    // The calendar reactor runs on exactly one replica again.
    let started = Instant::now();
    loop {
        let reactor = checks::exclusive_holders(&d.pool).await?;
        if reactor.values().sum::<i64>() == 1 {
            break;
        }
        ensure!(
            started.elapsed() < Duration::from_secs(20),
            "calendar reactor lock holders: {reactor:?}"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    verify(TEST, &d, &ledger).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_restart_under_load() -> Result<()> {
    const TEST: &str = "PostgreSQL restart";
    let d = Deployment::start(3).await?;
    let load = Load::start(8, d.clients()?);
    wait_acks(&load, 100, Duration::from_secs(60)).await?;
    // Down for at least this long, and until every replica has said NOT_SERVING (its
    // health check runs every 2 s; a loaded machine may take longer to notice).
    let min_outage = if long() {
        Duration::from_secs(30)
    } else {
        Duration::from_secs(6)
    };
    d.pg.stop("immediate")?;
    let down_at = Instant::now();
    let mut not_serving: BTreeMap<String, Duration> = BTreeMap::new();
    while down_at.elapsed() < min_outage
        || (not_serving.len() < d.replicas.len() && down_at.elapsed() < Duration::from_secs(30))
    {
        for r in &d.replicas {
            if r.health().await == Some(ServingStatus::NotServing) {
                not_serving
                    .entry(r.name.clone())
                    .or_insert_with(|| down_at.elapsed());
            }
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    ensure!(
        not_serving.len() == d.replicas.len(),
        "every replica must report NOT_SERVING while PostgreSQL is down; saw {not_serving:?}"
    );
    let outage = down_at.elapsed();
    d.pg.start()?;
    let up_at = Instant::now();
    let acked_before = load.acked();
    let mut serving_again = BTreeMap::new();
    loop {
        for r in &d.replicas {
            if !serving_again.contains_key(&r.name)
                && r.health().await == Some(ServingStatus::Serving)
            {
                serving_again.insert(r.name.clone(), up_at.elapsed());
            }
        }
        if serving_again.len() == d.replicas.len() && load.acked() > acked_before {
            break;
        }
        ensure!(
            up_at.elapsed() < Duration::from_secs(60),
            "not recovered 60 s after PostgreSQL came back: serving {serving_again:?}, \
             {} new acknowledgements",
            load.acked() - acked_before
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let recovered = up_at.elapsed();
    wait_acks(&load, 100, Duration::from_secs(60)).await?;
    let ledger = load.finish().await;
    report(
        TEST,
        &format!(
            "PostgreSQL down {:.1} s (immediate stop = crash); NOT_SERVING seen after {:?}; \
             all SERVING and commands acknowledged again {} ms after it came back \
             (per replica {:?})",
            outage.as_secs_f64(),
            not_serving
                .values()
                .map(|d| format!("{} ms", d.as_millis()))
                .collect::<Vec<_>>(),
            recovered.as_millis(),
            serving_again
                .iter()
                .map(|(n, d)| format!("{n} {} ms", d.as_millis()))
                .collect::<Vec<_>>()
        ),
    );
    verify(TEST, &d, &ledger).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn soak_holds_memory_and_connections() -> Result<()> {
    const TEST: &str = "soak";
    /// Growth of a replica's resident memory after warm-up that counts as a leak.
    const RSS_BOUND_KIB: u64 = 64 * 1024;
    /// Per replica: the pool (10), a connection per projection (9), LISTEN and the reactor.
    const CONNECTIONS_BOUND: i64 = 10 + PROJECTIONS + 2;
    let (duration, every) = if long() {
        (Duration::from_secs(600), Duration::from_secs(10))
    } else {
        (Duration::from_secs(40), Duration::from_secs(4))
    };
    let d = Deployment::start(3).await?;
    let load = Load::start(8, d.clients()?);
    let started = Instant::now();
    let warm_up = duration / 5;
    let mut warm: BTreeMap<String, u64> = BTreeMap::new();
    let mut peak: BTreeMap<String, u64> = BTreeMap::new();
    let mut last: BTreeMap<String, u64> = BTreeMap::new();
    let mut max_connections: BTreeMap<String, i64> = BTreeMap::new();
    while started.elapsed() < duration {
        tokio::time::sleep(every).await;
        for r in &d.replicas {
            let rss = r.rss_kib().context("replica exited during the soak")?;
            if started.elapsed() >= warm_up {
                warm.entry(r.name.clone()).or_insert(rss);
                let p = peak.entry(r.name.clone()).or_insert(rss);
                *p = (*p).max(rss);
            }
            last.insert(r.name.clone(), rss);
        }
        for (name, n) in checks::connections(&d.pool).await? {
            let m = max_connections.entry(name).or_insert(n);
            *m = (*m).max(n);
        }
    }
    let acked = load.acked();
    let ledger = load.finish().await;
    for (name, w) in &warm {
        let p = peak[name];
        ensure!(
            p <= w + RSS_BOUND_KIB,
            "replica {name} grew from {w} KiB after warm-up to {p} KiB"
        );
    }
    for (name, n) in &max_connections {
        ensure!(
            *n <= CONNECTIONS_BOUND,
            "{name} held {n} connections (bound {CONNECTIONS_BOUND})"
        );
    }
    verify(TEST, &d, &ledger).await?;
    report(
        TEST,
        &format!(
            "{} s at 8 clients over 3 replicas: {acked} commands ({:.0}/s); RSS KiB after \
             warm-up -> peak -> last: {}; bound +{} MiB; max connections per replica {:?} \
             (bound {CONNECTIONS_BOUND})",
            duration.as_secs(),
            acked as f64 / duration.as_secs_f64(),
            warm.iter()
                .map(|(n, w)| format!("{n} {w} -> {} -> {}", peak[n], last[n]))
                .collect::<Vec<_>>()
                .join(", "),
            RSS_BOUND_KIB / 1024,
            max_connections
        ),
    );
    Ok(())
}

type Admin = AdminServiceClient<InterceptedService<Channel, Bearer>>;

/// The reporting replica's view of each projection's read-replica lag (events, seconds).
async fn replica_lag(admin: &mut Admin) -> Result<Vec<(i64, f64)>> {
    let projections = admin
        .list_projections(pb::ListProjectionsRequest {})
        .await?
        .into_inner()
        .projections;
    projections
        .iter()
        .map(|p| {
            let r = p
                .read_replica
                .as_ref()
                .with_context(|| format!("{} has no read_replica lag", p.name))?;
            let lag = r.lag.unwrap_or_default();
            Ok((
                r.lag_events,
                lag.seconds as f64 + f64::from(lag.nanos) / 1e9,
            ))
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reporting_replica_reads_a_streaming_standby() -> Result<()> {
    const TEST: &str = "reporting replica";
    let mut d = Deployment::start(1).await?;
    let standby = d.pg.start_standby()?;
    let reporting = Replica::start(
        "reports",
        &d.dir.0,
        &d.url,
        &[
            "--role",
            "reporting",
            "--read-database-url",
            &standby.url("redress"),
        ],
    )?;
    reporting.wait_serving(Duration::from_secs(60)).await?;
    let writer = d.clients()?.remove(0);
    let crm = d.bearer(Role::Crm)?;
    let mut reader = ComplaintServiceClient::with_interceptor(reporting.channel()?, crm);
    let mut admin =
        AdminServiceClient::with_interceptor(reporting.channel()?, d.bearer(Role::Admin)?);

    // Commands are refused on the reporting replica, with a reason a client can act on.
    let refused = reader
        .receive_complaint(pb::ReceiveComplaintRequest::default())
        .await
        .expect_err("a reporting replica must refuse commands");
    ensure!(
        refused.code() == tonic::Code::FailedPrecondition
            && refused.message().contains("read-only reporting replica"),
        "{refused:?}"
    );

    // A complaint written on the primary reaches the report through replication.
    let load = Load::start(1, vec![writer]);
    wait_acks(&load, 10, Duration::from_secs(30)).await?;
    let ledger = load.finish().await;
    let complaint = format!("complaints/{}", ledger.acks[0].complaint_id);
    let written = Instant::now();
    loop {
        let page = reader
            .list_complaints(pb::ListComplaintsRequest {
                team: "crt-leeds".into(),
                page_size: 1000,
                ..Default::default()
            })
            .await?
            .into_inner();
        if page.complaints.iter().any(|c| c.name == complaint) {
            break;
        }
        ensure!(
            written.elapsed() < Duration::from_secs(30),
            "{complaint} never reached the read replica's caseload"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let visible_after = written.elapsed();
    checks::wait_caught_up(&d.pool, PROJECTIONS, Duration::from_secs(30)).await?;
    let started = Instant::now();
    while replica_lag(&mut admin).await?.iter().any(|(n, _)| *n > 0) {
        ensure!(
            started.elapsed() < Duration::from_secs(30),
            "replica never caught up"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }

    // Replication paused: the primary's projections catch up, the replica's copy trails,
    // and projection status says by how much.
    let standby_pool = PgPoolOptions::new()
        .max_connections(1)
        .connect(&standby.url("redress"))
        .await?;
    sqlx::query("SELECT pg_wal_replay_pause()")
        .execute(&standby_pool)
        .await?;
    let load = Load::start(1, d.clients()?);
    wait_acks(&load, 10, Duration::from_secs(30)).await?;
    load.finish().await;
    checks::wait_caught_up(&d.pool, PROJECTIONS, Duration::from_secs(30)).await?;
    tokio::time::sleep(Duration::from_secs(1)).await;
    let paused = replica_lag(&mut admin).await?;
    ensure!(
        paused.iter().all(|(n, s)| *n >= 10 && *s >= 1.0),
        "with replay paused every read model should trail by >= 10 events and >= 1 s: {paused:?}"
    );
    sqlx::query("SELECT pg_wal_replay_resume()")
        .execute(&standby_pool)
        .await?;
    let resumed = Instant::now();
    while replica_lag(&mut admin).await?.iter().any(|(n, _)| *n > 0) {
        ensure!(
            resumed.elapsed() < Duration::from_secs(30),
            "replica did not catch up after replay resumed"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    report(
        TEST,
        &format!(
            "a new complaint was in the standby's caseload {} ms after acknowledgement; with \
             replay paused ListProjections showed a read-replica lag of {} events, {:.2} s, \
             on every read model (primary lag 0); back to 0 {} ms after resuming",
            visible_after.as_millis(),
            paused.first().map_or(0, |p| p.0),
            paused.first().map_or(0.0, |p| p.1),
            resumed.elapsed().as_millis()
        ),
    );
    standby_pool.close().await;
    d.replicas.clear();
    Ok(())
}
