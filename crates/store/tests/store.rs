//! Store tests against real PostgreSQL and real SQLite files; each test its own database.

mod common;

use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::Duration;

use common::*;
use redress_store::testing::TestDatabase;
use redress_store::{
    AddFieldUpcaster, Backend, Checkpoint, CommandError, ProjectionRunner, RunnerConfig, Store,
    StoreConfig, StoreError,
};

fn fast_runner(id: &str) -> RunnerConfig {
    RunnerConfig {
        batch_size: 50,
        poll_interval: Duration::from_millis(200),
        pending_retry: Duration::from_millis(10),
        lock_retry_interval: Duration::from_millis(100),
        lease_ttl: Duration::from_millis(600),
        error_backoff: Duration::from_millis(100),
        runner_id: id.to_string(),
    }
}

async fn add(store: &Store, id: &str, by: i64) -> usize {
    store
        .execute::<Counter>(id, CounterCommand::Add { by }, &ctx(new_id()), &())
        .await
        .expect("add")
        .version
}

/// Runs SQL on whichever pool the store has.
async fn exec(store: &Store, sql: &str) {
    match store.backend() {
        Backend::Postgres => {
            sqlx::raw_sql(sql)
                .execute(store.pg_pool().expect("pg"))
                .await
                .expect("sql");
        }
        Backend::Sqlite => {
            sqlx::raw_sql(sql)
                .execute(store.sqlite_pool().expect("sqlite"))
                .await
                .expect("sql");
        }
    }
}

/// Reads the whole feed once `n` events are readable. On PostgreSQL an event becomes
/// readable only when every older transaction in the *cluster* has finished, and other
/// tests run transactions concurrently, so right after a commit it may not be yet.
async fn read_eventually(store: &Store, n: usize) -> Vec<redress_store::StoredEvent> {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    loop {
        let feed = store
            .read_after(Checkpoint::START, 1000)
            .await
            .expect("feed");
        if feed.len() >= n || tokio::time::Instant::now() > deadline {
            assert_eq!(feed.len(), n);
            return feed;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

async fn wait_until(what: &str, timeout: Duration, mut f: impl FnMut() -> bool) {
    let deadline = tokio::time::Instant::now() + timeout;
    while !f() {
        assert!(tokio::time::Instant::now() < deadline, "timed out: {what}");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

// ------------------------------------------------------------------ migrations, URLs

async fn migrations_from_empty(backend: Backend) {
    let db = TestDatabase::new(backend).await;
    let store = Store::connect(db.config()).await.expect("connect");
    assert_eq!(store.database_schema_version().await.expect("v"), None);
    store.migrate().await.expect("migrate");
    let v = store.database_schema_version().await.expect("v");
    assert_eq!(v, Some(store.binary_schema_version()));
    store.migrate().await.expect("migrating again is a no-op");
    for table in ["events", "snapshots", "commands", "projection_checkpoints"] {
        exec(&store, &format!("SELECT count(*) FROM {table}")).await;
    }
    if backend == Backend::Sqlite {
        exec(&store, "SELECT count(*) FROM projection_leases").await;
    }
    store.close().await;
    db.cleanup().await;
}
both!(migrations_from_empty);

async fn migrations_newer_than_binary(backend: Backend) {
    let db = TestDatabase::new(backend).await;
    let store = db.store().await;
    exec(
        &store,
        "INSERT INTO _sqlx_migrations (version, description, success, checksum, execution_time) \
         VALUES (99990101000000, 'from the future', true, '', 0)",
    )
    .await;
    let err = store.migrate().await.expect_err("must refuse");
    assert!(
        matches!(
            err,
            StoreError::MigrationsNewerThanBinary {
                database_version: 99990101000000,
                ..
            }
        ),
        "{err}"
    );
    store.close().await;
    let err = Store::connect(db.config()).await.expect_err("must refuse");
    assert!(
        matches!(err, StoreError::MigrationsNewerThanBinary { .. }),
        "{err}"
    );
    assert!(err.to_string().contains("newer than this binary"));
    db.cleanup().await;
}
both!(migrations_newer_than_binary);

#[tokio::test]
async fn sqlite_url_forms() {
    for prefix in ["sqlite:", "sqlite://"] {
        let path = std::env::temp_dir().join(format!("redress_test_{}.db", new_id()));
        let store =
            Store::connect_and_migrate(StoreConfig::new(format!("{prefix}{}", path.display())))
                .await
                .expect(prefix);
        assert_eq!(store.backend(), Backend::Sqlite);
        add(&store, "a", 1).await;
        store.close().await;
        assert!(path.exists(), "{prefix} creates the file");
        for suffix in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
        }
    }
}

#[tokio::test]
async fn url_errors() {
    for url in [
        "mysql://localhost/x",
        "",
        "sqlite:",
        "http://x",
        "postgres://u@h:notaport/db",
    ] {
        let err = Store::connect(StoreConfig::new(url)).await.expect_err(url);
        assert!(matches!(err, StoreError::InvalidUrl { .. }), "{url}: {err}");
    }
    let mut cfg = StoreConfig::new("postgres://postgres:secret@127.0.0.1:1/nope");
    cfg.acquire_timeout = Duration::from_secs(2);
    let err = Store::connect(cfg).await.expect_err("unreachable");
    assert!(matches!(err, StoreError::Unreachable { .. }), "{err}");
    assert!(
        !err.to_string().contains("secret"),
        "password redacted: {err}"
    );
    let err = Store::connect(StoreConfig::new(
        "sqlite:///nonexistent-redress-dir/sub/x.db",
    ))
    .await
    .expect_err("unreachable");
    assert!(matches!(err, StoreError::Unreachable { .. }), "{err}");
}

// ---------------------------------------------------------------------- commands

async fn execute_records_metadata_and_versions(backend: Backend) {
    let db = TestDatabase::new(backend).await;
    let store = db.store().await;
    let c = ctx("cmd-1").correlated("corr-1");
    let out = store
        .execute::<Counter>("a", CounterCommand::Add { by: 2 }, &c, &())
        .await
        .expect("add");
    assert_eq!((out.version, out.events.len(), out.replayed), (1, 1, false));
    let out = store
        .execute::<Counter>("a", CounterCommand::AddTwice { by: 3 }, &ctx("cmd-2"), &())
        .await
        .expect("add twice");
    assert_eq!(out.version, 3);
    assert_eq!(
        out.events.iter().map(|e| e.sequence).collect::<Vec<_>>(),
        vec![2, 3]
    );
    let err = store
        .execute::<Counter>("a", CounterCommand::Fail, &ctx("cmd-3"), &())
        .await
        .expect_err("fails");
    assert!(matches!(err, CommandError::Domain(_)), "{err}");
    let out = store
        .execute::<Counter>("a", CounterCommand::Noop, &ctx("cmd-4"), &())
        .await
        .expect("noop");
    assert_eq!((out.version, out.events.len()), (3, 0));
    let err = store
        .execute::<Counter>(
            "a",
            CounterCommand::Add { by: 1 },
            &ctx("cmd-5").expecting(2),
            &(),
        )
        .await
        .expect_err("stale");
    assert!(
        matches!(
            err,
            CommandError::VersionMismatch {
                expected: 2,
                actual: 3
            }
        ),
        "{err}"
    );
    store
        .execute::<Counter>(
            "a",
            CounterCommand::Add { by: 1 },
            &ctx("cmd-6").expecting(3),
            &(),
        )
        .await
        .expect("expected version matches");
    let (counter, version) = store.load::<Counter>("a").await.expect("load");
    assert_eq!((counter.value, counter.events, version), (9, 4, 4));

    let feed = read_eventually(&store, 4).await;
    let meta = feed[0].meta().expect("typed metadata");
    assert_eq!(meta.command_id, "cmd-1");
    assert_eq!(meta.actor_user_id, "u-1");
    assert_eq!(meta.actor_role, "crm");
    assert_eq!(meta.actor_team.as_deref(), Some("crt-leeds"));
    assert_eq!(meta.correlation_id.as_deref(), Some("corr-1"));
    assert!(chrono::DateTime::parse_from_rfc3339(&meta.recorded_at).is_ok());
    assert_eq!(feed[0].aggregate_type, "counter");
    assert_eq!(
        (feed[0].event_type.as_str(), feed[0].event_version.as_str()),
        ("Added", "2.0")
    );
    assert!(feed.windows(2).all(|w| w[0].checkpoint < w[1].checkpoint));
    let rest = store
        .read_after(feed[1].checkpoint, 100)
        .await
        .expect("feed");
    assert_eq!(rest, feed[2..].to_vec());
    store.close().await;
    db.cleanup().await;
}
both!(execute_records_metadata_and_versions);

async fn same_command_id_twice_writes_once(backend: Backend) {
    let db = TestDatabase::new(backend).await;
    let store = db.store().await;
    let c = ctx("retry-me");
    let first = store
        .execute::<Counter>("a", CounterCommand::AddTwice { by: 5 }, &c, &())
        .await
        .expect("first");
    let second = store
        .execute::<Counter>("a", CounterCommand::AddTwice { by: 5 }, &c, &())
        .await
        .expect("second");
    assert!(!first.replayed && second.replayed);
    assert_eq!(first.version, second.version);
    let payloads = |o: &redress_store::CommandOutcome<Counter>| {
        o.events
            .iter()
            .map(|e| (e.sequence, e.payload.clone()))
            .collect::<Vec<_>>()
    };
    assert_eq!(payloads(&first), payloads(&second));
    assert_eq!(all_event_keys(&store).await.len(), 2);

    // The same id on another aggregate is refused, not silently replayed.
    let err = store
        .execute::<Counter>("b", CounterCommand::Add { by: 1 }, &c, &())
        .await
        .expect_err("reused");
    assert!(matches!(err, CommandError::CommandIdReused { .. }), "{err}");

    // Concurrent duplicates (a client retrying while the first is in flight).
    let c = ctx("concurrent");
    let mut tasks = Vec::new();
    for _ in 0..8 {
        let (store, c) = (store.clone(), c.clone());
        tasks.push(tokio::spawn(async move {
            store
                .execute::<Counter>("c", CounterCommand::AddTwice { by: 1 }, &c, &())
                .await
        }));
    }
    let mut fresh = 0;
    for t in tasks {
        let out = t
            .await
            .expect("join")
            .expect("every duplicate gets the result");
        assert_eq!(out.version, 2);
        assert_eq!(out.events.len(), 2);
        fresh += usize::from(!out.replayed);
    }
    assert_eq!(fresh, 1, "exactly one execution wrote events");
    let (counter, _) = store.load::<Counter>("c").await.expect("load");
    assert_eq!(counter.value, 2);
    store.close().await;
    db.cleanup().await;
}
both!(same_command_id_twice_writes_once);

async fn outcome_carries_the_aggregate_after_the_command(backend: Backend) {
    let db = TestDatabase::new(backend).await;
    let mut cfg = db.config();
    cfg.snapshot_size = 2; // snapshots land after the command replayed below
    let store = db.store_with(cfg).await;
    let first = ctx("first");
    let out = store
        .execute::<Counter>("a", CounterCommand::Add { by: 2 }, &first, &())
        .await
        .expect("add");
    assert_eq!((out.aggregate.value, out.aggregate.events), (2, 1));
    let out = store
        .execute::<Counter>("a", CounterCommand::AddTwice { by: 3 }, &ctx("second"), &())
        .await
        .expect("add twice");
    assert_eq!((out.aggregate.value, out.aggregate.events), (8, 3));
    let (loaded, version) = store.load::<Counter>("a").await.expect("load");
    assert_eq!(
        (loaded.value, loaded.events, version),
        (out.aggregate.value, out.aggregate.events, out.version)
    );
    let out = store
        .execute::<Counter>("a", CounterCommand::Noop, &ctx("noop"), &())
        .await
        .expect("noop");
    assert_eq!((out.aggregate.value, out.version), (8, 3));
    // A retried request id gets the aggregate as the first execution left it, not as it
    // is now.
    let again = store
        .execute::<Counter>("a", CounterCommand::Add { by: 2 }, &first, &())
        .await
        .expect("replay");
    assert!(again.replayed);
    assert_eq!(
        (again.aggregate.value, again.aggregate.events, again.version),
        (2, 1, 1)
    );
    let again = store
        .execute::<Counter>("a", CounterCommand::AddTwice { by: 3 }, &ctx("second"), &())
        .await
        .expect("replay");
    assert_eq!(
        (again.aggregate.value, again.version, again.events.len()),
        (8, 3, 2)
    );
    store.close().await;
    db.cleanup().await;
}
both!(outcome_carries_the_aggregate_after_the_command);

async fn concurrent_conflicting_commands(backend: Backend) {
    let db = TestDatabase::new(backend).await;
    let mut cfg = db.config();
    cfg.max_conflict_retries = 100;
    let store = db.store_with(cfg).await;
    // With an expected version: exactly one winner per version.
    for version in 0..5usize {
        let mut tasks = Vec::new();
        for _ in 0..8 {
            let store = store.clone();
            tasks.push(tokio::spawn(async move {
                store
                    .execute::<Counter>(
                        "contested",
                        CounterCommand::Add { by: 1 },
                        &ctx(new_id()).expecting(version),
                        &(),
                    )
                    .await
            }));
        }
        let mut wins = 0;
        for t in tasks {
            match t.await.expect("join") {
                Ok(out) => {
                    assert_eq!(out.version, version + 1);
                    wins += 1;
                }
                Err(CommandError::VersionMismatch { .. } | CommandError::Conflict { .. }) => {}
                Err(e) => panic!("unexpected error: {e}"),
            }
        }
        assert_eq!(wins, 1, "exactly one winner for version {version}");
    }
    // Without an expected version every command eventually applies (bounded retries).
    let mut tasks = Vec::new();
    for _ in 0..8 {
        let store = store.clone();
        tasks.push(tokio::spawn(async move {
            for _ in 0..5 {
                store
                    .execute::<Counter>(
                        "retried",
                        CounterCommand::Add { by: 1 },
                        &ctx(new_id()),
                        &(),
                    )
                    .await
                    .expect("retried to success");
            }
        }));
    }
    for t in tasks {
        t.await.expect("join");
    }
    let (counter, version) = store.load::<Counter>("retried").await.expect("load");
    assert_eq!((counter.value, version), (40, 40));
    let (counter, _) = store.load::<Counter>("contested").await.expect("load");
    assert_eq!(counter.value, 5);
    store.close().await;
    db.cleanup().await;
}
both!(concurrent_conflicting_commands);

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn conflict_retries_are_bounded() {
    let db = TestDatabase::postgres().await;
    let mut cfg = db.config();
    cfg.max_conflict_retries = 0;
    let store = db.store_with(cfg).await;
    add(&store, "x", 1).await;
    // Hold a lock on the aggregate's next sequence so our insert conflicts.
    let pool = store.pg_pool().expect("pg").clone();
    let mut tx = pool.begin().await.expect("begin");
    sqlx::query(
        "INSERT INTO events (aggregate_type, aggregate_id, sequence, event_type, event_version, \
         payload, metadata) VALUES ('counter', 'x', 2, 'Added', '2.0', \
         '{\"Added\":{\"by\":1,\"note\":\"\"}}', '{}')",
    )
    .execute(&mut *tx)
    .await
    .expect("insert");
    let s2 = store.clone();
    let cmd = tokio::spawn(async move {
        s2.execute::<Counter>("x", CounterCommand::Add { by: 1 }, &ctx(new_id()), &())
            .await
    });
    tokio::time::sleep(Duration::from_millis(200)).await;
    tx.commit().await.expect("commit");
    let err = cmd.await.expect("join").expect_err("conflict");
    assert!(
        matches!(err, CommandError::Conflict { attempts: 1 }),
        "{err}"
    );
    store.close().await;
    db.cleanup().await;
}

// -------------------------------------------------------------- snapshots, upcasters

async fn snapshots_make_loads_independent_of_history(backend: Backend) {
    let db = TestDatabase::new(backend).await;
    let mut cfg = db.config();
    cfg.snapshot_size = 3;
    let store = db.store_with(cfg).await;
    // Two-event commands cross snapshot boundaries unevenly (regression for the
    // last-sequence bug in postgres-es/sqlite-es 0.5).
    for _ in 0..10 {
        store
            .execute::<Counter>("s", CounterCommand::AddTwice { by: 1 }, &ctx(new_id()), &())
            .await
            .expect("add");
    }
    add(&store, "s", 100).await;
    let (counter, version) = store.load::<Counter>("s").await.expect("load");
    assert_eq!((counter.value, counter.events, version), (120, 21, 21));
    // Remove the history the snapshot covers: the aggregate must still load, which
    // proves loads start from the snapshot.
    exec(
        &store,
        "DELETE FROM events WHERE aggregate_id = 's' AND sequence <= \
         (SELECT last_sequence FROM snapshots WHERE aggregate_id = 's')",
    )
    .await;
    let remaining = all_event_keys(&store).await.len();
    assert!(
        remaining < 3,
        "snapshot covers all but the last events ({remaining} left)"
    );
    let (counter, version) = store.load::<Counter>("s").await.expect("load");
    assert_eq!((counter.value, counter.events, version), (120, 21, 21));
    store.close().await;
    db.cleanup().await;
}
both!(snapshots_make_loads_independent_of_history);

/// Stores a version 1.0 event as the first of aggregate `id`, as an older release stored it
/// (no `note`); returns `plain`, a store without upcasters, for the caller to close.
async fn insert_v1_event(db: &TestDatabase, id: &str) -> Store {
    let plain = db.store().await;
    exec(
        &plain,
        &format!(
            "INSERT INTO events (aggregate_type, aggregate_id, sequence, event_type, \
             event_version, payload, metadata) VALUES ('counter', '{id}', 1, 'Added', '1.0', \
             '{{\"Added\":{{\"by\":5}}}}', '{{}}')"
        ),
    )
    .await;
    plain
}

/// A store whose upcaster adds `note: "(none)"` to version 1.0 events.
async fn upcasting_store(db: &TestDatabase) -> Store {
    db.store()
        .await
        .with_upcasters(vec![Arc::new(AddFieldUpcaster::new(
            "Added",
            "2.0",
            "note",
            serde_json::json!("(none)"),
        ))])
}

async fn upcaster_converts_v1_events(backend: Backend) {
    let db = TestDatabase::new(backend).await;
    let plain = insert_v1_event(&db, "old").await;
    assert!(
        plain.load::<Counter>("old").await.is_err(),
        "without the upcaster the v1 shape does not deserialise"
    );
    let store = upcasting_store(&db).await;
    let (counter, version) = store.load::<Counter>("old").await.expect("load");
    assert_eq!((counter.value, version), (5, 1));
    let events = store.load_events::<Counter>("old").await.expect("events");
    assert_eq!(
        events[0].payload,
        CounterEvent::Added {
            by: 5,
            note: "(none)".into()
        }
    );
    add(&store, "old", 1).await;
    let feed = read_eventually(&store, 2).await;
    assert_eq!(feed[0].event_version, "2.0");
    assert_eq!(feed[0].payload["Added"]["note"], "(none)");
    assert_eq!(feed[1].payload["Added"]["note"], "");
    plain.close().await;
    store.close().await;
    db.cleanup().await;
}
both!(upcaster_converts_v1_events);

async fn events_page_by_page(backend: Backend) {
    let db = TestDatabase::new(backend).await;
    // One version 1.0 event first, so the pages are seen to be upcast.
    let plain = insert_v1_event(&db, "h").await;
    let store = upcasting_store(&db).await;
    for command in [
        CounterCommand::AddTwice { by: 1 },
        CounterCommand::AddTwice { by: 2 },
    ] {
        store
            .execute::<Counter>("h", command, &ctx(new_id()), &())
            .await
            .expect("add");
    }
    add(&store, "other", 1).await;
    let page = |after: usize, limit: usize| {
        let store = store.clone();
        async move {
            store
                .load_events_page::<Counter>("h", after, limit)
                .await
                .expect("page")
                .iter()
                .map(|e| e.sequence)
                .collect::<Vec<_>>()
        }
    };
    assert_eq!(page(0, 2).await, vec![1, 2]);
    assert_eq!(page(2, 2).await, vec![3, 4]);
    assert_eq!(page(4, 2).await, vec![5]);
    assert_eq!(page(5, 2).await, Vec::<usize>::new());
    assert_eq!(page(0, 100).await, vec![1, 2, 3, 4, 5]);
    assert_eq!(page(1, 0).await, Vec::<usize>::new());
    let first = store
        .load_events_page::<Counter>("h", 0, 1)
        .await
        .expect("page");
    assert_eq!(
        first[0].payload,
        CounterEvent::Added {
            by: 5,
            note: "(none)".into()
        }
    );
    let all = store.load_events::<Counter>("h").await.expect("events");
    let paged = store
        .load_events_page::<Counter>("h", 0, 5)
        .await
        .expect("page");
    assert_eq!(
        all.iter()
            .map(|e| (e.sequence, &e.payload, &e.metadata))
            .collect::<Vec<_>>(),
        paged
            .iter()
            .map(|e| (e.sequence, &e.payload, &e.metadata))
            .collect::<Vec<_>>()
    );
    assert!(store
        .load_events_page::<Counter>("missing", 0, 10)
        .await
        .expect("page")
        .is_empty());
    plain.close().await;
    store.close().await;
    db.cleanup().await;
}
both!(events_page_by_page);

// ------------------------------------------------------------------- projections

async fn concurrent_writers_while_projection_reads(backend: Backend) {
    let db = TestDatabase::new(backend).await;
    let mut cfg = db.config();
    cfg.max_conflict_retries = 100;
    cfg.snapshot_size = 4;
    let store = db.store_with(cfg).await;
    let runner = ProjectionRunner::new(store.clone(), fast_runner("r1"))
        .with(Arc::new(LogProjection::new("log", "r1")))
        .start();

    let mut tasks = Vec::new();
    // 8 writers over 12 shared aggregates: plenty of conflicts and retries.
    for w in 0..8 {
        let store = store.clone();
        tasks.push(tokio::spawn(async move {
            for i in 0..25 {
                let id = format!("agg-{}", (w * 7 + i) % 12);
                store
                    .execute::<Counter>(
                        &id,
                        CounterCommand::AddTwice { by: 1 },
                        &ctx(new_id()),
                        &(),
                    )
                    .await
                    .expect("write");
            }
        }));
    }
    if backend == Backend::Postgres {
        // Transactions held open on purpose: they take low positions/txids, then commit
        // (or abort) after many later transactions have committed.
        let pool = store.pg_pool().expect("pg").clone();
        for k in 0..6 {
            let pool = pool.clone();
            tasks.push(tokio::spawn(async move {
                let mut tx = pool.begin().await.expect("begin");
                for seq in 1..=2 {
                    sqlx::query(
                        "INSERT INTO events (aggregate_type, aggregate_id, sequence, event_type, \
                         event_version, payload, metadata) VALUES ('counter', $1, $2, 'Added', \
                         '2.0', '{\"Added\":{\"by\":1,\"note\":\"\"}}', '{}')",
                    )
                    .bind(format!("held-{k}"))
                    .bind(seq as i64)
                    .execute(&mut *tx)
                    .await
                    .expect("insert");
                }
                tokio::time::sleep(Duration::from_millis(150 + 100 * k)).await;
                if k % 3 == 2 {
                    tx.rollback().await.expect("rollback");
                } else {
                    tx.commit().await.expect("commit");
                }
            }));
        }
    }
    for t in tasks {
        t.await.expect("join");
    }
    assert!(
        store
            .wait_for_projection("log", Duration::from_secs(30))
            .await
            .expect("status"),
        "projection caught up"
    );
    assert_exactly_once_in_order(&store, "log_log").await;
    let expected = 8 * 25 * 2
        + if backend == Backend::Postgres {
            4 * 2
        } else {
            0
        };
    assert_eq!(all_event_keys(&store).await.len(), expected);
    let status = store
        .projection_status_of("log")
        .await
        .expect("status")
        .expect("row");
    assert_eq!((status.events_applied, status.lag), (expected as u64, 0));
    runner.stop().await;
    store.close().await;
    db.cleanup().await;
}
both!(concurrent_writers_while_projection_reads);

async fn killed_mid_batch_then_restarted_equals_rebuild(backend: Backend) {
    let db = TestDatabase::new(backend).await;
    let store = db.store().await;
    for i in 0..120 {
        add(&store, &format!("k-{}", i % 9), i).await;
    }
    let stalling = LogProjection::new("log", "first");
    stalling.stall.store(true, Ordering::SeqCst);
    let entered = stalling.entered.clone();
    let runner = ProjectionRunner::new(store.clone(), fast_runner("first"))
        .with(Arc::new(stalling))
        .start();
    tokio::time::timeout(Duration::from_secs(10), entered.notified())
        .await
        .expect("projection entered a batch");
    runner.abort().await; // crash mid-batch: rows written but not committed
    let status = store
        .projection_status_of("log")
        .await
        .expect("s")
        .expect("row");
    assert_eq!(status.checkpoint, Checkpoint::START, "batch rolled back");
    assert!(
        log_rows(&store, "log_log").await.is_empty(),
        "no partial batch visible"
    );

    // More writes while it is down, then a restart (a new process: a new runner id,
    // which on SQLite has to wait for the dead runner's lease to expire).
    for i in 0..30 {
        add(&store, &format!("k-{}", i % 4), i).await;
    }
    let runner = ProjectionRunner::new(store.clone(), fast_runner("second"))
        .with(Arc::new(LogProjection::new("log", "second")))
        .with(Arc::new(LogProjection::new("fresh", "second")))
        .start();
    for name in ["log", "fresh"] {
        assert!(store
            .wait_for_projection(name, Duration::from_secs(20))
            .await
            .expect("status"));
    }
    assert_exactly_once_in_order(&store, "log_log").await;
    let restarted = log_rows(&store, "log_log").await;
    assert_eq!(
        restarted,
        log_rows(&store, "log_fresh").await,
        "equals from-scratch build"
    );
    assert_eq!(restarted.len(), 150);

    // A rebuild while running gives the same read model again.
    store.request_rebuild("log").await.expect("rebuild");
    assert!(store
        .wait_for_projection("log", Duration::from_secs(20))
        .await
        .expect("status"));
    assert_eq!(log_rows(&store, "log_log").await, restarted);
    runner.stop().await;
    store.close().await;
    db.cleanup().await;
}
both!(killed_mid_batch_then_restarted_equals_rebuild);

async fn two_runners_one_projection_and_failover(backend: Backend) {
    let db = TestDatabase::new(backend).await;
    let store_a = db.store().await;
    // The second runner uses its own pool, as another replica would.
    let store_b = db.store().await;
    let a = ProjectionRunner::new(store_a.clone(), fast_runner("A"))
        .with(Arc::new(LogProjection::new("log", "A")))
        .start();
    wait_until("A active", Duration::from_secs(5), || a.is_active("log")).await;
    let b = ProjectionRunner::new(store_b.clone(), fast_runner("B"))
        .with(Arc::new(LogProjection::new("log", "B")))
        .start();
    for i in 0..40 {
        add(&store_a, &format!("f-{}", i % 5), 1).await;
        if i % 10 == 0 {
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
    assert!(store_a
        .wait_for_projection("log", Duration::from_secs(10))
        .await
        .expect("status"));
    assert!(a.is_active("log") && !b.is_active("log"), "only A runs it");
    assert!(log_rows(&store_a, "log_log")
        .await
        .iter()
        .all(|r| r.runner == "A"));

    // Graceful stop of A hands over to B.
    a.stop().await;
    wait_until("B takes over", Duration::from_secs(5), || {
        b.is_active("log")
    })
    .await;
    for i in 0..20 {
        add(&store_b, &format!("f-{}", i % 5), 1).await;
    }
    assert!(store_b
        .wait_for_projection("log", Duration::from_secs(10))
        .await
        .expect("status"));
    let rows = log_rows(&store_b, "log_log").await;
    assert_eq!(rows.iter().filter(|r| r.runner == "B").count(), 20);
    assert_exactly_once_in_order(&store_b, "log_log").await;

    // A crash of B (connection dropped, no graceful release) hands over to a new runner C.
    let c_store = db.store().await;
    let c = ProjectionRunner::new(c_store.clone(), fast_runner("C"))
        .with(Arc::new(LogProjection::new("log", "C")))
        .start();
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(!c.is_active("log"), "C waits while B holds the projection");
    b.abort().await;
    wait_until("C takes over", Duration::from_secs(5), || {
        c.is_active("log")
    })
    .await;
    add(&c_store, "f-0", 1).await;
    assert!(c_store
        .wait_for_projection("log", Duration::from_secs(10))
        .await
        .expect("status"));
    assert_exactly_once_in_order(&c_store, "log_log").await;
    assert_eq!(
        log_rows(&c_store, "log_log")
            .await
            .iter()
            .filter(|r| r.runner == "C")
            .count(),
        1
    );
    c.stop().await;
    for s in [store_a, store_b, c_store] {
        s.close().await;
    }
    db.cleanup().await;
}
both!(two_runners_one_projection_and_failover);

async fn status_reports_lag(backend: Backend) {
    let db = TestDatabase::new(backend).await;
    let store = db.store().await;
    let runner = ProjectionRunner::new(store.clone(), fast_runner("r"))
        .with(Arc::new(LogProjection::new("log", "r")))
        .start();
    for i in 0..10 {
        add(&store, "l", i).await;
    }
    assert!(store
        .wait_for_projection("log", Duration::from_secs(10))
        .await
        .expect("status"));
    runner.stop().await;
    assert_eq!(
        store.projection_status().await.expect("status")[0].lag_seconds,
        0.0
    );
    // The first event the projection has not applied was recorded 90 s ago: that is the lag
    // in time, however recent the others are.
    let mut old = ctx(new_id());
    old.recorded_at = chrono::Utc::now() - chrono::Duration::seconds(90);
    store
        .execute::<Counter>("l", CounterCommand::Add { by: 1 }, &old, &())
        .await
        .expect("add");
    for i in 0..6 {
        add(&store, "l", i).await;
    }
    let status = store.projection_status().await.expect("status");
    assert_eq!(status.len(), 1);
    assert_eq!(status[0].name, "log");
    assert_eq!((status[0].events_applied, status[0].lag), (10, 7));
    assert!(status[0].checkpoint > Checkpoint::START);
    assert!(
        (90.0..120.0).contains(&status[0].lag_seconds),
        "lag {} s",
        status[0].lag_seconds
    );
    store.close().await;
    db.cleanup().await;
}
both!(status_reports_lag);

async fn new_events_wake_the_runner_promptly(backend: Backend) {
    let db = TestDatabase::new(backend).await;
    let store = db.store().await;
    let mut config = fast_runner("r");
    config.poll_interval = Duration::from_secs(60); // polling would be far too slow
    let runner = ProjectionRunner::new(store.clone(), config)
        .with(Arc::new(LogProjection::new("log", "r")))
        .start();
    wait_until("active", Duration::from_secs(5), || runner.is_active("log")).await;
    // On PostgreSQL write through a second store (another pool, as another replica would),
    // so only LISTEN/NOTIFY can wake the runner.
    let writer = match backend {
        Backend::Postgres => db.store().await,
        Backend::Sqlite => store.clone(),
    };
    for round in 0..3 {
        tokio::time::sleep(Duration::from_millis(300)).await;
        let started = std::time::Instant::now();
        add(&writer, "w", round).await;
        let mut seen = 0;
        while seen < usize::try_from(round + 1).unwrap_or(0) {
            assert!(started.elapsed() < Duration::from_secs(5), "woken promptly");
            tokio::time::sleep(Duration::from_millis(10)).await;
            seen = log_rows(&store, "log_log").await.len();
        }
    }
    runner.stop().await;
    writer.close().await;
    store.close().await;
    db.cleanup().await;
}
both!(new_events_wake_the_runner_promptly);

mod snapshot_property {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig { cases: 12, ..ProptestConfig::default() })]
        /// Whatever the snapshot size and however commands of one or two events fall across
        /// snapshot boundaries, a load (snapshot + later events) equals a full replay.
        #[test]
        fn snapshot_load_equals_replay(
            size in 1usize..6,
            commands in proptest::collection::vec(any::<bool>(), 1..25),
        ) {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("runtime");
            rt.block_on(async {
                let db = TestDatabase::sqlite();
                let mut cfg = db.config();
                cfg.snapshot_size = size;
                let store = db.store_with(cfg).await;
                let mut expected = 0i64;
                for (i, twice) in commands.iter().enumerate() {
                    let by = i as i64 + 1;
                    let cmd = if *twice {
                        expected += 2 * by;
                        CounterCommand::AddTwice { by }
                    } else {
                        expected += by;
                        CounterCommand::Add { by }
                    };
                    store
                        .execute::<Counter>("p", cmd, &ctx(new_id()), &())
                        .await
                        .expect("execute");
                }
                let events = all_event_keys(&store).await.len();
                let (counter, version) = store.load::<Counter>("p").await.expect("load");
                assert_eq!((counter.value, counter.events as usize, version), (expected, events, events));
                store.close().await;
                db.cleanup().await;
            });
        }
    }
}
