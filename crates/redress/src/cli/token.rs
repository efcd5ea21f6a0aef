//! `redress token`: mints a bearer token with the embedded default's local signing key
//! (created in the data directory on first use, as `redress serve` does).

use std::path::PathBuf;

use anyhow::{bail, Context, Result};
use clap::Args;
use redress_api::{unix_now, LocalSigningKey};
use redress_domain::{Actor, Role};

#[derive(Debug, Args)]
pub struct TokenArgs {
    /// Staff user id the token is for.
    #[arg(long)]
    user: String,
    /// Role: crm, crt_manager, ccrt_reviewer, special_payment_team, reporting, admin.
    #[arg(long)]
    role: String,
    /// Team (CRT or site) the user belongs to.
    #[arg(long)]
    team: String,
    /// Lifetime, e.g. 30m, 8h, 7d.
    #[arg(long, default_value = "8h")]
    ttl: String,
    /// Data directory holding the signing key (the server's --data-dir).
    #[arg(long, env = "REDRESS_DATA_DIR", default_value = "redress-data")]
    data_dir: PathBuf,
}

fn parse_role(s: &str) -> Result<Role> {
    serde_json::from_value(serde_json::Value::String(s.to_owned())).with_context(|| {
        format!("unknown role {s:?}: use crm, crt_manager, ccrt_reviewer, special_payment_team, reporting or admin")
    })
}

/// Parses `30m`, `8h`, `7d` or plain seconds.
pub fn parse_ttl(s: &str) -> Result<u64> {
    let (digits, unit) = s.split_at(s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len()));
    let n: u64 = digits
        .parse()
        .with_context(|| format!("{s:?} is not a duration like 30m, 8h or 7d"))?;
    let seconds = match unit {
        "" | "s" => n,
        "m" => n * 60,
        "h" => n * 3600,
        "d" => n * 86_400,
        _ => bail!("{s:?} is not a duration like 30m, 8h or 7d"),
    };
    if seconds == 0 || seconds > 90 * 86_400 {
        bail!("token lifetime must be between 1 second and 90 days");
    }
    Ok(seconds)
}

pub fn run(args: TokenArgs) -> Result<()> {
    let role = parse_role(&args.role)?;
    if args.user.trim().is_empty() || args.team.trim().is_empty() {
        bail!("--user and --team must not be empty");
    }
    let key = LocalSigningKey::load_or_create(&args.data_dir)?;
    let actor = Actor::new(args.user, role, args.team);
    println!("{}", key.mint(&actor, unix_now(), parse_ttl(&args.ttl)?)?);
    Ok(())
}
