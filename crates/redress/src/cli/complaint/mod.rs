//! `redress complaint …`: drive a complaint through its life from a terminal, one
//! subcommand per step, talking to the ComplaintService over gRPC.
//!
//! ```text
//! redress complaint receive --id C-1 --received-at 2025-03-03T09:00:00Z --channel email \
//!     --category payment_delay --team crt-leeds --region england-and-wales \
//!     --name "Jo Bloggs" --email jo@example.org --preferred-contact email [--vulnerable]
//! redress complaint contact C-1 --method email --issue i1="late payment" \
//!     --resolution-sought "pay what is owed"
//! redress complaint investigate C-1 --step systems_evidence_gathered --evidence-id e1 \
//!     --description "payment history" [--validated]
//! redress complaint validate-evidence C-1 --evidence-id e1
//! redress complaint staff-assurance C-1 [--obtained] [--note "…"]
//! redress complaint plan C-1 --target-date 2025-04-30 --actions "…" [--revise --reason "…"]
//! redress complaint outcome root-cause C-1 --what-happened … --should-have-happened … \
//!     --mistakes … --cause …
//! redress complaint outcome findings C-1 --finding 'i1=upheld:e1,e2:reasoning'
//! redress complaint outcome decide C-1 --outcome upheld --summary "…"
//! redress complaint outcome redress C-1 --apology "…" --remedial-assurance "…"
//! redress complaint pay C-1 --payment-id p1 --kind consolatory --amount-pence 5000 --reason "…" [--refer]
//! redress complaint pay C-1 --decide --payment-id p1 (--approve-pence N | --decline-reason "…")
//! redress complaint communicate C-1 --method letter [--payment-explanation "…"]
//! redress complaint signpost C-1
//! redress complaint escalate C-1 --received-at … --reason customer_request
//! redress complaint close C-1
//! redress complaint show C-1
//! redress complaint history C-1
//! ```
//!
//! Every mutation sends a fresh `request_id` unless `--request-id` is given (so a script can
//! retry safely), and accepts `--etag` (refused with ABORTED when stale) and `--occurred-at`.
//! Output is a readable summary, or the response as JSON with `--json`.
//!
//! [`args`] holds the arguments, [`send`] turns them into requests and sends them,
//! [`render`] prints what comes back.

mod args;
mod render;
mod send;

use anyhow::{Context, Result};
use redress_api::pb::complaint_service_client::ComplaintServiceClient;

pub use args::ComplaintArgs;
use args::ComplaintCommand;
use render::{complaint_json, complaint_text, history_rows, history_text};

use super::client;
use super::rows::print_json;

/// Runs one `redress complaint …` command to completion.
pub fn run(args: ComplaintArgs) -> Result<()> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?
        .block_on(run_async(args))
}

async fn run_async(args: ComplaintArgs) -> Result<()> {
    let json = args.client.json;
    let mut client = ComplaintServiceClient::new(client::connect(&args.client).await?);
    match args.command {
        ComplaintCommand::History(h) => {
            let rows = history_rows(send::history(&mut client, &h).await?);
            if json {
                print_json(&rows.json())?;
            } else {
                print!("{}", history_text(&rows));
            }
        }
        command => {
            let complaint = send::step(&mut client, command).await?;
            if json {
                print_json(&complaint_json(&complaint))?;
            } else {
                print!("{}", complaint_text(&complaint));
            }
        }
    }
    Ok(())
}
