//! `redress serve` replicas as real processes (the built binary), so a test can `kill -9`
//! one, restart it, and read its memory use from /proc.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};
use tonic::transport::{Channel, Endpoint};
use tonic_health::pb::health_check_response::ServingStatus;
use tonic_health::pb::health_client::HealthClient;
use tonic_health::pb::HealthCheckRequest;

use crate::postgres::free_port;

/// One `redress serve` process and how to start it again.
#[derive(Debug)]
pub struct Replica {
    pub name: String,
    pub port: u16,
    args: Vec<String>,
    log: PathBuf,
    child: Option<Child>,
}

impl Replica {
    /// Starts a replica named `name` over `database_url`; `extra` are further serve flags.
    /// Every replica verifies tokens with the signing key in `key_dir`.
    pub fn start(name: &str, key_dir: &Path, database_url: &str, extra: &[&str]) -> Result<Self> {
        let port = free_port()?;
        let mut args: Vec<String> = vec![
            "serve".into(),
            "--listen".into(),
            format!("127.0.0.1:{port}"),
            "--data-dir".into(),
            key_dir.display().to_string(),
            "--database-url".into(),
            database_url.into(),
            "--instance".into(),
            name.into(),
        ];
        args.extend(extra.iter().map(|s| s.to_string()));
        let mut replica = Replica {
            name: name.to_owned(),
            port,
            args,
            log: key_dir.join(format!("{name}.log")),
            child: None,
        };
        replica.spawn()?;
        Ok(replica)
    }

    fn spawn(&mut self) -> Result<()> {
        let log = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&self.log)?;
        let child = Command::new(env!("CARGO_BIN_EXE_redress"))
            .args(&self.args)
            .env("REDRESS_LOG_FORMAT", "json")
            .env("RUST_LOG", "info")
            .stdout(Stdio::null())
            .stderr(log)
            .spawn()
            .context("cannot start the redress binary")?;
        self.child = Some(child);
        Ok(())
    }

    pub fn endpoint(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// A lazily connecting channel (it reconnects after a restart on the same port).
    pub fn channel(&self) -> Result<Channel> {
        Ok(Endpoint::from_shared(self.endpoint())?
            .connect_timeout(Duration::from_secs(2))
            .timeout(Duration::from_secs(10))
            .connect_lazy())
    }

    pub fn pid(&self) -> Option<u32> {
        self.child.as_ref().map(Child::id)
    }

    /// `kill -9`: no shutdown hook runs, connections drop mid-transaction.
    pub fn kill_nine(&mut self) -> Result<()> {
        if let Some(mut child) = self.child.take() {
            child.kill()?; // SIGKILL on Unix
            child.wait()?;
        }
        Ok(())
    }

    /// Starts the process again with the same flags and port (what an orchestrator does).
    pub fn restart(&mut self) -> Result<()> {
        self.kill_nine()?;
        self.spawn()
    }

    /// Resident memory in KiB, from /proc.
    pub fn rss_kib(&self) -> Option<u64> {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.pid()?)).ok()?;
        status
            .lines()
            .find(|l| l.starts_with("VmRSS:"))
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|v| v.parse().ok())
    }

    /// The server's health as its gRPC health service reports it (`None`: no answer).
    pub async fn health(&self) -> Option<ServingStatus> {
        let channel = Endpoint::from_shared(self.endpoint())
            .ok()?
            .connect_timeout(Duration::from_millis(500))
            .timeout(Duration::from_secs(1))
            .connect()
            .await
            .ok()?;
        let reply = HealthClient::new(channel)
            .check(HealthCheckRequest {
                service: String::new(),
            })
            .await
            .ok()?;
        ServingStatus::try_from(reply.into_inner().status).ok()
    }

    /// Waits until the replica reports SERVING.
    pub async fn wait_serving(&self, within: Duration) -> Result<Duration> {
        let started = Instant::now();
        while started.elapsed() < within {
            if self.health().await == Some(ServingStatus::Serving) {
                return Ok(started.elapsed());
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        bail!(
            "replica {} not SERVING within {within:?}; its log: {}",
            self.name,
            self.log.display()
        )
    }
}

impl Drop for Replica {
    fn drop(&mut self) {
        let _ = self.kill_nine();
    }
}
