//! A PostgreSQL server of the test's own: `initdb` into a scratch directory, started on a free
//! loopback port, so a test may crash, restart or replicate it without touching the shared
//! server other tests use. As root (CI), every PostgreSQL program runs as the `postgres` user.

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use anyhow::{bail, ensure, Context, Result};

/// A running (or stopped) PostgreSQL cluster in a scratch directory; removed on drop.
#[derive(Debug)]
pub struct TempPostgres {
    dir: PathBuf,
    port: u16,
    bin: PathBuf,
}

/// A loopback port nobody listens on right now.
pub fn free_port() -> Result<u16> {
    Ok(TcpListener::bind("127.0.0.1:0")?.local_addr()?.port())
}

fn bin_dir() -> Result<PathBuf> {
    if let Ok(out) = Command::new("pg_config").arg("--bindir").output() {
        let dir = PathBuf::from(String::from_utf8_lossy(&out.stdout).trim());
        if dir.join("initdb").exists() {
            return Ok(dir);
        }
    }
    let mut found: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
        .context("no PostgreSQL server binaries (pg_config, /usr/lib/postgresql)")?
        .filter_map(|e| e.ok().map(|e| e.path().join("bin")))
        .filter(|p| p.join("initdb").exists())
        .collect();
    found.sort();
    found.pop().context("no initdb under /usr/lib/postgresql")
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
}

/// Runs a PostgreSQL program (as `postgres` when we are root: the server refuses root).
fn pg(bin: &Path, program: &str, args: &[&str]) -> Result<String> {
    let exe = bin.join(program);
    let mut cmd = if is_root() {
        let mut c = Command::new("runuser");
        c.args(["-u", "postgres", "--"]).arg(&exe);
        c
    } else {
        Command::new(&exe)
    };
    let out = cmd
        .args(args)
        .output()
        .with_context(|| format!("cannot run {}", exe.display()))?;
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    ensure!(out.status.success(), "{program} {args:?} failed: {text}");
    Ok(text)
}

fn scratch(tag: &str) -> Result<PathBuf> {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)?
        .as_nanos();
    let dir = std::env::temp_dir().join(format!(
        "redress-fault-{tag}-{}-{nanos}",
        std::process::id()
    ));
    std::fs::create_dir_all(&dir)?;
    if is_root() {
        let status = Command::new("chown")
            .args(["-R", "postgres:postgres"])
            .arg(&dir)
            .status()?;
        ensure!(status.success(), "cannot chown {}", dir.display());
    }
    Ok(dir)
}

impl TempPostgres {
    /// A fresh primary, started (WAL kept for one streaming standby).
    pub fn start_new() -> Result<TempPostgres> {
        let bin = bin_dir()?;
        let dir = scratch("pg")?;
        let data = dir.join("data");
        let data_s = data.to_string_lossy().to_string();
        pg(
            &bin,
            "initdb",
            &["-D", &data_s, "-A", "trust", "-U", "postgres", "--no-sync"],
        )?;
        let cluster = TempPostgres {
            port: free_port()?,
            dir,
            bin,
        };
        cluster.configure()?;
        cluster.start()?;
        Ok(cluster)
    }

    fn data(&self) -> PathBuf {
        self.dir.join("data")
    }

    /// Port, sockets and replication settings, appended to postgresql.conf.
    fn configure(&self) -> Result<()> {
        let conf = format!(
            "\n# redress fault tests\nport = {}\nlisten_addresses = '127.0.0.1'\n\
             unix_socket_directories = '{}'\nmax_connections = 300\nwal_level = replica\n\
             max_wal_senders = 4\nhot_standby = on\nshared_buffers = 64MB\n",
            self.port,
            self.dir.display()
        );
        let path = self.data().join("postgresql.conf");
        let mut text = std::fs::read_to_string(&path)?;
        text.push_str(&conf);
        std::fs::write(&path, text)?;
        Ok(())
    }

    /// A connection URL for database `db`.
    pub fn url(&self, db: &str) -> String {
        format!("postgres://postgres@127.0.0.1:{}/{db}", self.port)
    }

    /// Starts the server and waits until it accepts connections.
    pub fn start(&self) -> Result<()> {
        let data = self.data().to_string_lossy().to_string();
        let log = self.dir.join("server.log").to_string_lossy().to_string();
        pg(
            &self.bin,
            "pg_ctl",
            &["-D", &data, "-l", &log, "-w", "start"],
        )?;
        let deadline = Instant::now() + Duration::from_secs(30);
        while Instant::now() < deadline {
            if pg(
                &self.bin,
                "pg_isready",
                &["-h", "127.0.0.1", "-p", &self.port.to_string()],
            )
            .is_ok()
            {
                return Ok(());
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        bail!("PostgreSQL on port {} did not become ready", self.port)
    }

    /// Stops the server: `immediate` is a crash (no checkpoint; recovery replays WAL on
    /// the next start), `fast` a clean shutdown.
    pub fn stop(&self, mode: &str) -> Result<()> {
        let data = self.data().to_string_lossy().to_string();
        pg(
            &self.bin,
            "pg_ctl",
            &["-D", &data, "-m", mode, "-w", "stop"],
        )
        .map(|_| ())
    }

    /// A hot standby streaming from this server, started on its own port.
    pub fn start_standby(&self) -> Result<TempPostgres> {
        let dir = scratch("standby")?;
        let data = dir.join("data").to_string_lossy().to_string();
        pg(
            &self.bin,
            "pg_basebackup",
            &[
                "-h",
                "127.0.0.1",
                "-p",
                &self.port.to_string(),
                "-U",
                "postgres",
                "-D",
                &data,
                "-R",
                "-X",
                "stream",
                "--checkpoint=fast",
            ],
        )?;
        let standby = TempPostgres {
            port: free_port()?,
            dir,
            bin: self.bin.clone(),
        };
        standby.configure()?;
        standby.start()?;
        Ok(standby)
    }
}

impl Drop for TempPostgres {
    fn drop(&mut self) {
        let _ = self.stop("immediate");
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}
