//! End to end: the real server in-process on an ephemeral port (embedded SQLite in a
//! scratch directory), driven by the built `redress` binary's `complaint` subcommands.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::Output;

use anyhow::{ensure, Context, Result};
use chrono::{Duration, SecondsFormat, Utc};
use redress::app::{Application, Settings};
use redress_api::{unix_now, LocalSigningKey};
use redress_domain::{Actor, Role};
use serde_json::Value;

/// A scratch directory removed on drop.
struct Scratch(PathBuf);

impl Scratch {
    fn new() -> Result<Scratch> {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)?
            .as_nanos();
        let dir =
            std::env::temp_dir().join(format!("redress-cli-test-{}-{nanos}", std::process::id()));
        std::fs::create_dir_all(&dir)?;
        Ok(Scratch(dir))
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

struct Cli {
    server: String,
    token: String,
}

impl Cli {
    async fn run_with(&self, token: Option<&str>, args: &[&str]) -> Result<Output> {
        let mut cmd = tokio::process::Command::new(env!("CARGO_BIN_EXE_redress"));
        cmd.arg("complaint")
            .args(args)
            .arg("--server")
            .arg(&self.server)
            .env_remove("REDRESS_SERVER")
            .env_remove("REDRESS_TOKEN");
        if let Some(t) = token {
            cmd.env("REDRESS_TOKEN", t);
        }
        cmd.output().await.context("cannot run the redress binary")
    }

    /// Runs and requires success; returns stdout.
    async fn ok(&self, args: &[&str]) -> Result<String> {
        let out = self.run_with(Some(&self.token), args).await?;
        ensure!(
            out.status.success(),
            "redress complaint {args:?} failed ({}):\n{}",
            out.status,
            String::from_utf8_lossy(&out.stderr)
        );
        Ok(String::from_utf8(out.stdout)?)
    }

    async fn json(&self, args: &[&str]) -> Result<Value> {
        let mut with_json = args.to_vec();
        with_json.push("--json");
        let text = self.ok(&with_json).await?;
        serde_json::from_str(&text).with_context(|| format!("not JSON:\n{text}"))
    }

    /// Runs and requires failure; returns stderr.
    async fn refused(&self, token: Option<&str>, args: &[&str]) -> Result<(i32, String)> {
        let out = self.run_with(token, args).await?;
        ensure!(
            !out.status.success(),
            "redress complaint {args:?} unexpectedly succeeded:\n{}",
            String::from_utf8_lossy(&out.stdout)
        );
        Ok((
            out.status.code().unwrap_or(-1),
            String::from_utf8(out.stderr)?,
        ))
    }
}

async fn start(dir: &Path) -> Result<(SocketAddr, tokio::sync::oneshot::Sender<()>)> {
    let app = Application::build(Settings::embedded(dir, "127.0.0.1:0".parse()?)).await?;
    let addr = app.local_addr()?;
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    tokio::spawn(app.run(async move {
        let _ = stopped.await;
    }));
    Ok((addr, stop))
}

fn receive_args<'a>(id: &'a str, received_at: &'a str, extra: &[&'a str]) -> Vec<&'a str> {
    let mut args = vec![
        "receive",
        "--id",
        id,
        "--received-at",
        received_at,
        "--channel",
        "email",
        "--category",
        "payment_delay",
        "--team",
        "crt-leeds",
        "--region",
        "england-and-wales",
        "--name",
        "Jo Bloggs",
        "--email",
        "jo@example.org",
        "--preferred-contact",
        "email",
    ];
    args.extend_from_slice(extra);
    args
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_case_from_the_terminal() -> Result<()> {
    let scratch = Scratch::new()?;
    let (addr, stop) = start(&scratch.0).await?;
    let key = LocalSigningKey::load_or_create(&scratch.0)?;
    let token = key.mint(
        &Actor::new("alice", Role::Crm, "crt-leeds"),
        unix_now(),
        3600,
    )?;
    let cli = Cli {
        server: format!("http://{addr}"),
        token,
    };
    let received_at = (Utc::now() - Duration::hours(2)).to_rfc3339_opts(SecondsFormat::Secs, true);

    // Receive: the readable summary shows the case and tier 1's deadlines.
    let text = cli
        .ok(&receive_args("C-1", &received_at, &["--vulnerable"]))
        .await?;
    for want in [
        "C-1",
        "open",
        "tier1",
        "crt-leeds",
        "england-and-wales",
        "payment_delay",
        "vulnerable",
        "Jo Bloggs",
        "initial contact due",
        "response due",
        &received_at,
    ] {
        ensure!(
            text.contains(want),
            "receive output lacks {want:?}:\n{text}"
        );
    }

    // Receive with --json, and a retry with the same request id writes nothing twice.
    let args = receive_args(
        "C-2",
        &received_at,
        &["--about-staff", "--request-id", "rq-c2"],
    );
    let first = cli.json(&args).await?;
    ensure!(first["name"] == "complaints/C-2", "{first}");
    ensure!(first["flags"]["about_staff"] == true, "{first}");
    ensure!(first["tiers"][0]["tier"] == "tier1", "{first}");
    ensure!(
        first["tiers"][0]["initial_contact_due_time"].is_string(),
        "{first}"
    );
    ensure!(
        first["complainant"]["preferred_contact"] == "email",
        "{first}"
    );
    let again = cli.json(&args).await?;
    ensure!(
        again["etag"] == first["etag"],
        "retry changed the etag: {first} vs {again}"
    );

    // Initial contact, with issues.
    let text = cli
        .ok(&[
            "contact",
            "C-1",
            "--method",
            "email",
            "--offered-direct-contact",
            "--issue",
            "i1=payment was three weeks late",
            "--resolution-sought",
            "pay what is owed",
        ])
        .await?;
    ensure!(text.contains("i1: payment was three weeks late"), "{text}");

    // Show, as a table and as JSON.
    let text = cli.ok(&["show", "C-1"]).await?;
    ensure!(text.contains("initial contact due"), "{text}");
    ensure!(
        text.contains("GMT") || text.contains("BST"),
        "no London time:\n{text}"
    );
    let shown = cli.json(&["show", "complaints/C-1"]).await?;
    ensure!(
        shown["tiers"][0]["initial_contact_time"].is_string(),
        "{shown}"
    );
    ensure!(
        shown["tiers"][0]["issues"][0]["issue_id"] == "i1",
        "{shown}"
    );
    ensure!(shown["status"] == "open", "{shown}");

    // History, all pages (page size 1 forces paging).
    let text = cli.ok(&["history", "C-1", "--page-size", "1"]).await?;
    ensure!(text.contains("ComplaintReceived"), "{text}");
    ensure!(text.contains("alice (crm, crt-leeds)"), "{text}");
    let history = cli.json(&["history", "C-1", "--page-size", "1"]).await?;
    let entries = history.as_array().context("history JSON is not an array")?;
    ensure!(entries.len() >= 2, "{history}");
    ensure!(entries[0]["event_type"] == "ComplaintReceived", "{history}");
    ensure!(
        entries[0]["sequence"] == 1 && entries[1]["sequence"] == 2,
        "{history}"
    );
    ensure!(entries[0]["actor_user_id"] == "alice", "{history}");

    // A refusal: phoning about a staff complaint. The reason is printed, not a debug dump.
    let (code, stderr) = cli
        .refused(
            Some(&cli.token),
            &["contact", "C-2", "--method", "phone", "--issue", "i1=rude"],
        )
        .await?;
    ensure!(code == 1, "exit code {code}: {stderr}");
    ensure!(stderr.contains("CONTACT_METHOD_NOT_ALLOWED"), "{stderr}");
    ensure!(!stderr.contains("Status {"), "debug dump: {stderr}");

    // A stale etag is ABORTED.
    let (_, stderr) = cli
        .refused(
            Some(&cli.token),
            &["contact", "C-2", "--method", "letter", "--etag", "999"],
        )
        .await?;
    ensure!(stderr.contains("Aborted"), "{stderr}");

    // Unknown complaint, no token, bad flags.
    let (_, stderr) = cli.refused(Some(&cli.token), &["show", "nope"]).await?;
    ensure!(stderr.contains("NotFound"), "{stderr}");
    let (_, stderr) = cli.refused(None, &["show", "C-1"]).await?;
    ensure!(stderr.contains("Unauthenticated"), "{stderr}");
    let mut bad = receive_args("C-9", &received_at, &[]);
    bad[6] = "pigeon";
    let (code, stderr) = cli.refused(Some(&cli.token), &bad).await?;
    ensure!(
        code == 2 && stderr.contains("pigeon"),
        "exit {code}: {stderr}"
    );

    let _ = stop.send(());
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_whole_tier_one_case_then_escalation() -> Result<()> {
    let scratch = Scratch::new()?;
    let (addr, stop) = start(&scratch.0).await?;
    let key = LocalSigningKey::load_or_create(&scratch.0)?;
    let crm = key.mint(
        &Actor::new("alice", Role::Crm, "crt-leeds"),
        unix_now(),
        3600,
    )?;
    let spt = key.mint(
        &Actor::new("sam", Role::SpecialPaymentTeam, "spt"),
        unix_now(),
        3600,
    )?;
    let cli = Cli {
        server: format!("http://{addr}"),
        token: crm,
    };
    let received_at = (Utc::now() - Duration::hours(2)).to_rfc3339_opts(SecondsFormat::Secs, true);
    let plan_date = (Utc::now() + Duration::days(40))
        .format("%Y-%m-%d")
        .to_string();

    cli.ok(&receive_args("C-1", &received_at, &[])).await?;
    let steps: Vec<Vec<&str>> = vec![
        vec![
            "contact",
            "C-1",
            "--method",
            "email",
            "--issue",
            "i1=late",
            "--issue",
            "i2=rude",
            "--resolution-sought",
            "pay what is owed",
        ],
        vec![
            "investigate",
            "C-1",
            "--step",
            "systems_evidence_gathered",
            "--evidence-id",
            "e1",
            "--description",
            "payment history",
            "--validated",
        ],
        vec![
            "investigate",
            "C-1",
            "--step",
            "customer_evidence_supplied",
            "--evidence-id",
            "e2",
            "--description",
            "letter",
        ],
        vec!["validate-evidence", "C-1", "--evidence-id", "e2"],
        vec![
            "plan",
            "C-1",
            "--target-date",
            &plan_date,
            "--actions",
            "review",
        ],
        vec![
            "plan",
            "C-1",
            "--target-date",
            &plan_date,
            "--actions",
            "review again",
            "--revise",
            "--reason",
            "waiting for a contribution",
        ],
        vec![
            "outcome",
            "root-cause",
            "C-1",
            "--what-happened",
            "paid late",
            "--should-have-happened",
            "paid on time",
            "--mistakes",
            "missed diary",
            "--cause",
            "manual process",
        ],
        vec![
            "outcome",
            "findings",
            "C-1",
            "--finding",
            "i1=upheld:e1:paid three weeks late",
            "--finding",
            "i2=not_upheld:e2:the letter was polite",
        ],
        vec![
            "outcome",
            "decide",
            "C-1",
            "--outcome",
            "part_upheld",
            "--summary",
            "late",
        ],
        vec![
            "outcome",
            "redress",
            "C-1",
            "--apology",
            "sorry",
            "--remedial-assurance",
            "fixed",
        ],
        vec![
            "pay",
            "C-1",
            "--payment-id",
            "p1",
            "--kind",
            "consolatory",
            "--amount-pence",
            "5000",
            "--reason",
            "distress",
        ],
        vec![
            "pay",
            "C-1",
            "--payment-id",
            "p2",
            "--kind",
            "actual_financial_loss",
            "--amount-pence",
            "900000",
            "--reason",
            "lost",
            "--refer",
        ],
    ];
    for step in &steps {
        cli.ok(step).await?;
    }
    let out = cli
        .run_with(
            Some(&spt),
            &[
                "pay",
                "C-1",
                "--decide",
                "--payment-id",
                "p2",
                "--approve-pence",
                "800000",
            ],
        )
        .await?;
    ensure!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    cli.ok(&[
        "communicate",
        "C-1",
        "--method",
        "email",
        "--payment-explanation",
        "by BACS",
    ])
    .await?;
    let text = cli.ok(&["signpost", "C-1"]).await?;
    for want in [
        "outcome              part_upheld",
        "signposted to        ccrt",
        "[met]",
        "£50.00",
        "approved_by_spt",
        "£8000.00",
    ] {
        ensure!(text.contains(want), "lacks {want:?}:\n{text}");
    }

    let escalated = cli
        .json(&[
            "escalate",
            "C-1",
            "--received-at",
            &Utc::now().to_rfc3339(),
            "--reason",
            "customer_request",
            "--customer-remains-dissatisfied",
        ])
        .await?;
    ensure!(escalated["tier"] == "tier2", "{escalated}");
    ensure!(
        escalated["tiers"][0]["outcome"] == "part_upheld",
        "{escalated}"
    );
    ensure!(
        escalated["special_payments"][1]["status"] == "approved_by_spt",
        "{escalated}"
    );

    let history = cli.json(&["history", "C-1"]).await?;
    let count = history.as_array().map(Vec::len).unwrap_or(0);
    ensure!(count == steps.len() + 5, "{count} events: {history}");

    let _ = stop.send(());
    Ok(())
}
