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

use std::time::SystemTime;

use anyhow::{Context, Result};
use chrono::{DateTime, NaiveDate, SecondsFormat, Utc};
use clap::{ArgGroup, Args, Subcommand};
use redress_api::pb;
use redress_api::pb::complaint_service_client::ComplaintServiceClient;
use serde_json::{json, Value};

use super::client::{self, AuthedChannel, ClientArgs};
use super::enums::{enum_json, label, parse_enum};
use super::format::{
    date_text, from_pb_time, json_time, london, or_dash, pounds, rfc3339, when, yes_no,
};
use super::input::{parse_date, parse_time, pb_date, pb_time, request_id, resource_name};
use super::table::{fields, Table};

// ---------------------------------------------------------------------------------------
// Arguments
// ---------------------------------------------------------------------------------------

/// `redress complaint`: connection options and the step to take.
#[derive(Debug, Args)]
pub struct ComplaintArgs {
    #[command(flatten)]
    pub client: ClientArgs,
    #[command(subcommand)]
    pub command: ComplaintCommand,
}

/// Options every mutation accepts.
#[derive(Debug, Clone, Args)]
pub struct Mutation {
    /// Idempotency key; retrying with the same one writes nothing twice (default: a fresh
    /// random id).
    #[arg(long)]
    pub request_id: Option<String>,
    /// The etag as last read; a stale one is refused with ABORTED.
    #[arg(long)]
    pub etag: Option<String>,
    /// When it happened in the world, RFC 3339 (default: now).
    #[arg(long, value_parser = parse_time)]
    pub occurred_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Subcommand)]
pub enum ComplaintCommand {
    /// Record a complaint received by DWP (SPEC C1).
    Receive(ReceiveArgs),
    /// Record the initial contact (SPEC C2, C14).
    Contact(ContactArgs),
    /// Record an investigation step and the evidence it produced (SPEC C3).
    Investigate(InvestigateArgs),
    /// Mark evidence recorded earlier as validated (SPEC C3).
    ValidateEvidence(ValidateEvidenceArgs),
    /// Record whether the staff-complaint (HR) guidance was followed (SPEC C4).
    StaffAssurance(StaffAssuranceArgs),
    /// Agree (or, with --revise, revise) a resolution plan (SPEC C5).
    Plan(PlanArgs),
    /// Root cause, findings, outcome and redress (SPEC C6-C8).
    #[command(subcommand)]
    Outcome(OutcomeCommand),
    /// Award or refer a special payment, or (with --decide) the SPT's decision (SPEC C9).
    Pay(PayArgs),
    /// Communicate the outcome: the response (SPEC C10).
    Communicate(CommunicateArgs),
    /// Signpost the customer to the next tier (SPEC C11).
    Signpost(Target),
    /// Escalate to tier 2 (SPEC T1, C12).
    Escalate(EscalateArgs),
    /// Close the case (SPEC C17).
    Close(Target),
    /// Show a complaint: status, tiers, deadlines, payments.
    Show(ShowArgs),
    /// The audit trail: every event, who, when (all pages).
    History(HistoryArgs),
}

#[derive(Debug, Args)]
pub struct ReceiveArgs {
    /// Id of the new complaint (letters, digits, `-`, `_`).
    #[arg(long)]
    pub id: String,
    /// When DWP received it, RFC 3339 (e.g. 2025-03-03T09:00:00Z); not in the future.
    #[arg(long, value_parser = parse_time)]
    pub received_at: DateTime<Utc>,
    /// phone, letter, email, online_form, in_person, via_mp, via_third_party.
    #[arg(long, value_parser = parse_enum::<pb::Channel>)]
    pub channel: pb::Channel,
    /// A category from the policy taxonomy (repeat for several), e.g. payment_delay.
    #[arg(long = "category", required = true)]
    pub categories: Vec<String>,
    /// The site/team it concerns.
    #[arg(long)]
    pub team: String,
    /// england-and-wales, scotland, northern-ireland.
    #[arg(long, value_parser = parse_enum::<pb::Region>)]
    pub region: pb::Region,
    /// The complainant's full name.
    #[arg(long)]
    pub name: String,
    #[arg(long, default_value = "")]
    pub email: String,
    #[arg(long, default_value = "")]
    pub phone: String,
    #[arg(long, default_value = "")]
    pub address: String,
    /// phone, letter, email, sms.
    #[arg(long, value_parser = parse_enum::<pb::ContactMethod>)]
    pub preferred_contact: pb::ContactMethod,
    /// The complaint is about a member of staff (contact by letter).
    #[arg(long)]
    pub about_staff: bool,
    /// The complainant is vulnerable.
    #[arg(long)]
    pub vulnerable: bool,
    /// Unreasonable persistent customer contact: written contact only.
    #[arg(long)]
    pub upcc: bool,
    /// A POS case.
    #[arg(long)]
    pub pos_case: bool,
    /// Idempotency key (default: a fresh random id).
    #[arg(long)]
    pub request_id: Option<String>,
}

/// A complaint id (`C-1` or `complaints/C-1`) and the mutation options.
#[derive(Debug, Args)]
pub struct Target {
    /// The complaint: its id or `complaints/{id}`.
    pub id: String,
    #[command(flatten)]
    pub mutation: Mutation,
}

#[derive(Debug, Args)]
pub struct ContactArgs {
    #[command(flatten)]
    pub target: Target,
    /// phone, letter, email, sms.
    #[arg(long, value_parser = parse_enum::<pb::ContactMethod>)]
    pub method: pb::ContactMethod,
    /// Phone contact with a vulnerable complainant was checked as suitable.
    #[arg(long)]
    pub suitability_checked: bool,
    /// The case manager offered their direct contact details.
    #[arg(long)]
    pub offered_direct_contact: bool,
    /// An issue to investigate, `ID=summary` (repeat for several).
    #[arg(long = "issue", value_parser = parse_issue)]
    pub issues: Vec<(String, String)>,
    /// The resolution the customer seeks.
    #[arg(long, default_value = "")]
    pub resolution_sought: String,
    /// The complaint was resolved during this contact (SPEC C14).
    #[arg(long)]
    pub resolved_at_first_contact: bool,
}

#[derive(Debug, Args)]
pub struct InvestigateArgs {
    #[command(flatten)]
    pub target: Target,
    /// systems_evidence_gathered, contribution_requested, contribution_returned,
    /// customer_evidence_requested, customer_evidence_supplied, update_call, holding_reply.
    #[arg(long, value_parser = parse_enum::<pb::InvestigationStepKind>)]
    pub step: pb::InvestigationStepKind,
    /// Client-chosen id of the evidence it produced (cited by findings).
    #[arg(long)]
    pub evidence_id: String,
    /// What it was.
    #[arg(long)]
    pub description: String,
    /// The information is validated (a finding may rest only on validated evidence).
    #[arg(long)]
    pub validated: bool,
}

#[derive(Debug, Args)]
pub struct ValidateEvidenceArgs {
    #[command(flatten)]
    pub target: Target,
    /// The evidence now validated.
    #[arg(long)]
    pub evidence_id: String,
}

#[derive(Debug, Args)]
pub struct StaffAssuranceArgs {
    #[command(flatten)]
    pub target: Target,
    /// Assurance that the HR guidance was followed was obtained (without it the complaint
    /// must be upheld).
    #[arg(long)]
    pub obtained: bool,
    /// Note.
    #[arg(long, default_value = "")]
    pub note: String,
}

#[derive(Debug, Args)]
pub struct PlanArgs {
    #[command(flatten)]
    pub target: Target,
    /// The target date, YYYY-MM-DD.
    #[arg(long, value_parser = parse_date)]
    pub target_date: NaiveDate,
    /// What will happen by then.
    #[arg(long)]
    pub actions: String,
    /// Revise the agreed plan instead of agreeing a first one (needs --reason).
    #[arg(long, requires = "reason")]
    pub revise: bool,
    /// Why the plan was revised.
    #[arg(long, requires = "revise")]
    pub reason: Option<String>,
}

#[derive(Debug, Subcommand)]
pub enum OutcomeCommand {
    /// Record the root cause analysis (SPEC C6).
    RootCause(RootCauseArgs),
    /// Record a finding on each issue (SPEC C3, C7).
    Findings(FindingsArgs),
    /// Decide the overall outcome (SPEC C7).
    Decide(DecideArgs),
    /// Record the apology and assurance of remedial action (SPEC C8).
    Redress(RedressArgs),
}

#[derive(Debug, Args)]
pub struct RootCauseArgs {
    #[command(flatten)]
    pub target: Target,
    /// What happened.
    #[arg(long)]
    pub what_happened: String,
    /// What should have happened.
    #[arg(long)]
    pub should_have_happened: String,
    /// Where mistakes were made.
    #[arg(long)]
    pub mistakes: String,
    /// Their root cause.
    #[arg(long)]
    pub cause: String,
}

#[derive(Debug, Args)]
pub struct FindingsArgs {
    #[command(flatten)]
    pub target: Target,
    /// `ISSUE=upheld|not_upheld:EVIDENCE,…:REASONING` (repeat per issue); the evidence list
    /// may be empty (`i1=not_upheld::reasoning`) and the reasoning may contain colons.
    #[arg(long = "finding", value_parser = parse_finding, required = true)]
    pub findings: Vec<FindingArg>,
}

#[derive(Debug, Args)]
pub struct DecideArgs {
    #[command(flatten)]
    pub target: Target,
    /// upheld, part_upheld, not_upheld, justified (tier 2 only).
    #[arg(long, value_parser = parse_enum::<pb::Outcome>)]
    pub outcome: pb::Outcome,
    /// Summary of the decision.
    #[arg(long)]
    pub summary: String,
}

#[derive(Debug, Args)]
pub struct RedressArgs {
    #[command(flatten)]
    pub target: Target,
    /// The formal apology.
    #[arg(long)]
    pub apology: String,
    /// Assurance of remedial action.
    #[arg(long)]
    pub remedial_assurance: String,
}

#[derive(Debug, Args)]
#[command(group(ArgGroup::new("decision").args(["approve_pence", "decline_reason"])))]
pub struct PayArgs {
    #[command(flatten)]
    pub target: Target,
    /// Client-chosen payment id.
    #[arg(long)]
    pub payment_id: String,
    /// actual_financial_loss or consolatory.
    #[arg(long, value_parser = parse_enum::<pb::PaymentKind>,
          required_unless_present = "decide", conflicts_with = "decide")]
    pub kind: Option<pb::PaymentKind>,
    /// Amount in pence (5000 is £50.00).
    #[arg(long, required_unless_present = "decide", conflicts_with = "decide")]
    pub amount_pence: Option<i64>,
    /// Why.
    #[arg(long, required_unless_present = "decide", conflicts_with = "decide")]
    pub reason: Option<String>,
    /// Refer to the Special Payment Team instead of awarding (above delegated authority).
    #[arg(long, conflicts_with = "decide")]
    pub refer: bool,
    /// The Special Payment Team's decision on a referred payment.
    #[arg(long, requires = "decision")]
    pub decide: bool,
    /// With --decide: approve, for this amount in pence.
    #[arg(long, requires = "decide")]
    pub approve_pence: Option<i64>,
    /// With --decide: decline, with this reason.
    #[arg(long, requires = "decide")]
    pub decline_reason: Option<String>,
}

#[derive(Debug, Args)]
pub struct CommunicateArgs {
    #[command(flatten)]
    pub target: Target,
    /// phone, letter, email, sms.
    #[arg(long, value_parser = parse_enum::<pb::ContactMethod>)]
    pub method: pb::ContactMethod,
    /// Phone contact with a vulnerable complainant was checked as suitable.
    #[arg(long)]
    pub suitability_checked: bool,
    /// Amount, how and when a special payment will be paid.
    #[arg(long, default_value = "")]
    pub payment_explanation: String,
}

#[derive(Debug, Args)]
pub struct EscalateArgs {
    #[command(flatten)]
    pub target: Target,
    /// When the escalation reached DWP (tier 2's receipt), RFC 3339.
    #[arg(long, value_parser = parse_time)]
    pub received_at: DateTime<Utc>,
    /// customer_request or proactive.
    #[arg(long, value_parser = parse_enum::<pb::EscalationReason>)]
    pub reason: pb::EscalationReason,
    /// The customer clearly remains dissatisfied (SPEC C12).
    #[arg(long)]
    pub customer_remains_dissatisfied: bool,
}

#[derive(Debug, Args)]
pub struct ShowArgs {
    /// The complaint: its id or `complaints/{id}`.
    pub id: String,
}

#[derive(Debug, Args)]
pub struct HistoryArgs {
    /// The complaint: its id or `complaints/{id}`.
    pub id: String,
    /// Entries fetched per call (all pages are followed).
    #[arg(long, default_value_t = 200, value_parser = clap::value_parser!(i32).range(1..=1000))]
    pub page_size: i32,
}

/// One `--finding`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FindingArg {
    pub issue_id: String,
    pub upheld: bool,
    pub evidence_ids: Vec<String>,
    pub reasoning: String,
}

// ---------------------------------------------------------------------------------------
// Parsing helpers
// ---------------------------------------------------------------------------------------

/// `ID=summary`.
pub fn parse_issue(s: &str) -> Result<(String, String), String> {
    let (id, summary) = s
        .split_once('=')
        .ok_or_else(|| format!("{s:?} is not an issue like i1=\"what went wrong\""))?;
    let (id, summary) = (id.trim(), summary.trim());
    if id.is_empty() || summary.is_empty() {
        return Err(format!(
            "{s:?}: both the issue id and its summary are needed"
        ));
    }
    Ok((id.to_owned(), summary.to_owned()))
}

/// `ISSUE=upheld|not_upheld:EVIDENCE,…:REASONING`.
pub fn parse_finding(s: &str) -> Result<FindingArg, String> {
    let syntax = || format!("{s:?} is not a finding like i1=upheld:e1,e2:\"reasoning\"");
    let (issue, rest) = s.split_once('=').ok_or_else(syntax)?;
    let mut parts = rest.splitn(3, ':');
    let verdict = parts.next().unwrap_or("").trim();
    let evidence = parts.next().ok_or_else(syntax)?;
    let reasoning = parts.next().unwrap_or("").trim();
    let upheld = match verdict.replace('-', "_").to_ascii_lowercase().as_str() {
        "upheld" => true,
        "not_upheld" => false,
        other => {
            return Err(format!(
                "{s:?}: the verdict must be upheld or not_upheld, not {other:?}"
            ))
        }
    };
    let issue_id = issue.trim();
    if issue_id.is_empty() {
        return Err(format!("{s:?}: the issue id is missing"));
    }
    if reasoning.is_empty() {
        return Err(format!("{s:?}: the reasoning is missing"));
    }
    Ok(FindingArg {
        issue_id: issue_id.to_owned(),
        upheld,
        evidence_ids: evidence
            .split(',')
            .map(str::trim)
            .filter(|e| !e.is_empty())
            .map(str::to_owned)
            .collect(),
        reasoning: reasoning.to_owned(),
    })
}

/// A deadline and where it stands: `met`, `missed` (done late), `OVERDUE` (not done, past
/// due) or `open`. `now` is `None` when nothing is still awaited (a closed case, a tier
/// resolved at first contact or already escalated): unmet deadlines are then not judged.
fn due(
    due: Option<DateTime<Utc>>,
    done: Option<DateTime<Utc>>,
    now: Option<DateTime<Utc>>,
) -> String {
    let Some(d) = due else { return "-".to_owned() };
    let state = match (done, now) {
        (Some(done), _) if done <= d => "met",
        (Some(_), _) => "missed",
        (None, Some(now)) if now > d => "OVERDUE",
        (None, Some(_)) => "open",
        (None, None) => return when(Some(d)),
    };
    format!("{}  [{state}]", when(Some(d)))
}

// ---------------------------------------------------------------------------------------
// Running
// ---------------------------------------------------------------------------------------

/// Runs one `redress complaint …` command to completion.
pub fn run(args: ComplaintArgs) -> Result<()> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?
        .block_on(run_async(args))
}

type Client = ComplaintServiceClient<AuthedChannel>;

pub async fn run_async(args: ComplaintArgs) -> Result<()> {
    let json = args.client.json;
    let mut client = ComplaintServiceClient::new(client::connect(&args.client).await?);
    match args.command {
        ComplaintCommand::History(h) => {
            let entries = history(&mut client, &h).await?;
            if json {
                print_json(&Value::Array(entries.iter().map(history_json).collect()))?;
            } else {
                print!("{}", history_table(&entries));
            }
        }
        command => {
            let complaint = complaint_step(&mut client, command).await?;
            if json {
                print_json(&complaint_json(&complaint))?;
            } else {
                print!("{}", complaint_text(&complaint));
            }
        }
    }
    Ok(())
}

fn print_json(value: &Value) -> Result<()> {
    println!("{}", serde_json::to_string_pretty(value)?);
    Ok(())
}

/// Every page of a complaint's history, oldest first.
async fn history(
    client: &mut Client,
    args: &HistoryArgs,
) -> Result<Vec<pb::ComplaintHistoryEntry>> {
    let name = resource_name(&args.id);
    let mut entries = Vec::new();
    let mut page_token = String::new();
    loop {
        let page = client
            .list_complaint_history(pb::ListComplaintHistoryRequest {
                name: name.clone(),
                page_size: args.page_size,
                page_token: page_token.clone(),
            })
            .await
            .map_err(client::refused)?
            .into_inner();
        entries.extend(page.entries);
        if page.next_page_token.is_empty() || page.next_page_token == page_token {
            break;
        }
        page_token = page.next_page_token;
    }
    Ok(entries)
}

/// Sends one step (or a read) and returns the complaint as it stands afterwards.
async fn complaint_step(client: &mut Client, command: ComplaintCommand) -> Result<pb::Complaint> {
    use ComplaintCommand as C;
    let response = match command {
        C::Receive(a) => {
            client
                .receive_complaint(pb::ReceiveComplaintRequest {
                    complaint_id: a.id.trim().to_owned(),
                    request_id: request_id(&a.request_id),
                    receive_time: Some(pb_time(a.received_at)),
                    channel: a.channel.into(),
                    categories: a.categories,
                    team: a.team,
                    region: a.region.into(),
                    flags: Some(pb::ComplaintFlags {
                        about_staff: a.about_staff,
                        vulnerable: a.vulnerable,
                        upcc: a.upcc,
                        pos_case: a.pos_case,
                    }),
                    complainant: Some(pb::ComplainantDetails {
                        display_name: a.name,
                        address: a.address,
                        email: a.email,
                        phone: a.phone,
                        preferred_contact: a.preferred_contact.into(),
                    }),
                })
                .await
        }
        C::Show(a) => {
            client
                .get_complaint(pb::GetComplaintRequest {
                    name: resource_name(&a.id),
                })
                .await
        }
        C::Contact(a) => {
            let (name, request_id, etag, occur_time) = common(&a.target);
            client
                .record_initial_contact(pb::RecordInitialContactRequest {
                    name,
                    request_id,
                    etag,
                    occur_time,
                    method: a.method.into(),
                    suitability_checked: a.suitability_checked,
                    offered_direct_contact: a.offered_direct_contact,
                    issues: a
                        .issues
                        .into_iter()
                        .map(|(issue_id, summary)| pb::ComplaintIssue { issue_id, summary })
                        .collect(),
                    resolution_sought: a.resolution_sought,
                    resolved_at_first_contact: a.resolved_at_first_contact,
                })
                .await
        }
        C::Investigate(a) => {
            let (name, request_id, etag, occur_time) = common(&a.target);
            client
                .record_investigation_step(pb::RecordInvestigationStepRequest {
                    name,
                    request_id,
                    etag,
                    occur_time,
                    step: a.step.into(),
                    evidence_id: a.evidence_id,
                    description: a.description,
                    validated: a.validated,
                })
                .await
        }
        C::ValidateEvidence(a) => {
            let (name, request_id, etag, occur_time) = common(&a.target);
            client
                .validate_evidence(pb::ValidateEvidenceRequest {
                    name,
                    request_id,
                    etag,
                    occur_time,
                    evidence_id: a.evidence_id,
                })
                .await
        }
        C::StaffAssurance(a) => {
            let (name, request_id, etag, occur_time) = common(&a.target);
            client
                .record_staff_assurance(pb::RecordStaffAssuranceRequest {
                    name,
                    request_id,
                    etag,
                    occur_time,
                    obtained: a.obtained,
                    note: a.note,
                })
                .await
        }
        C::Plan(a) => {
            let (name, request_id, etag, occur_time) = common(&a.target);
            match a.reason {
                Some(reason) if a.revise => {
                    client
                        .revise_resolution_plan(pb::ReviseResolutionPlanRequest {
                            name,
                            request_id,
                            etag,
                            occur_time,
                            target_date: Some(pb_date(a.target_date)),
                            actions: a.actions,
                            reason,
                        })
                        .await
                }
                _ => {
                    client
                        .agree_resolution_plan(pb::AgreeResolutionPlanRequest {
                            name,
                            request_id,
                            etag,
                            occur_time,
                            target_date: Some(pb_date(a.target_date)),
                            actions: a.actions,
                        })
                        .await
                }
            }
        }
        C::Outcome(OutcomeCommand::RootCause(a)) => {
            let (name, request_id, etag, occur_time) = common(&a.target);
            client
                .record_root_cause(pb::RecordRootCauseRequest {
                    name,
                    request_id,
                    etag,
                    occur_time,
                    root_cause: Some(pb::RootCause {
                        what_happened: a.what_happened,
                        what_should_have_happened: a.should_have_happened,
                        mistakes: a.mistakes,
                        root_cause: a.cause,
                    }),
                })
                .await
        }
        C::Outcome(OutcomeCommand::Findings(a)) => {
            let (name, request_id, etag, occur_time) = common(&a.target);
            client
                .record_findings(pb::RecordFindingsRequest {
                    name,
                    request_id,
                    etag,
                    occur_time,
                    findings: a
                        .findings
                        .into_iter()
                        .map(|f| pb::Finding {
                            issue_id: f.issue_id,
                            upheld: f.upheld,
                            evidence_ids: f.evidence_ids,
                            reasoning: f.reasoning,
                        })
                        .collect(),
                })
                .await
        }
        C::Outcome(OutcomeCommand::Decide(a)) => {
            let (name, request_id, etag, occur_time) = common(&a.target);
            client
                .decide_outcome(pb::DecideOutcomeRequest {
                    name,
                    request_id,
                    etag,
                    occur_time,
                    outcome: a.outcome.into(),
                    summary: a.summary,
                })
                .await
        }
        C::Outcome(OutcomeCommand::Redress(a)) => {
            let (name, request_id, etag, occur_time) = common(&a.target);
            client
                .record_redress(pb::RecordRedressRequest {
                    name,
                    request_id,
                    etag,
                    occur_time,
                    apology: a.apology,
                    remedial_assurance: a.remedial_assurance,
                })
                .await
        }
        C::Pay(a) => {
            let (name, request_id, etag, occur_time) = common(&a.target);
            if a.decide {
                use pb::decide_special_payment_request::Decision;
                let decision = match (a.approve_pence, a.decline_reason) {
                    (Some(pence), _) => Decision::ApproveAmountPence(pence),
                    (None, Some(reason)) => Decision::DeclineReason(reason),
                    // clap requires one of the two with --decide.
                    (None, None) => {
                        anyhow::bail!("--decide needs --approve-pence or --decline-reason")
                    }
                };
                client
                    .decide_special_payment(pb::DecideSpecialPaymentRequest {
                        name,
                        request_id,
                        etag,
                        occur_time,
                        payment_id: a.payment_id,
                        decision: Some(decision),
                    })
                    .await
            } else {
                let kind = a.kind.map(i32::from).unwrap_or(0);
                let amount_pence = a.amount_pence.unwrap_or(0);
                let reason = a.reason.unwrap_or_default();
                if a.refer {
                    client
                        .refer_special_payment(pb::ReferSpecialPaymentRequest {
                            name,
                            request_id,
                            etag,
                            occur_time,
                            payment_id: a.payment_id,
                            kind,
                            amount_pence,
                            reason,
                        })
                        .await
                } else {
                    client
                        .award_special_payment(pb::AwardSpecialPaymentRequest {
                            name,
                            request_id,
                            etag,
                            occur_time,
                            payment_id: a.payment_id,
                            kind,
                            amount_pence,
                            reason,
                        })
                        .await
                }
            }
        }
        C::Communicate(a) => {
            let (name, request_id, etag, occur_time) = common(&a.target);
            client
                .communicate_outcome(pb::CommunicateOutcomeRequest {
                    name,
                    request_id,
                    etag,
                    occur_time,
                    method: a.method.into(),
                    suitability_checked: a.suitability_checked,
                    payment_explanation: a.payment_explanation,
                })
                .await
        }
        C::Signpost(a) => {
            let (name, request_id, etag, occur_time) = common(&a);
            client
                .signpost_complaint(pb::SignpostComplaintRequest {
                    name,
                    request_id,
                    etag,
                    occur_time,
                })
                .await
        }
        C::Escalate(a) => {
            let (name, request_id, etag, occur_time) = common(&a.target);
            client
                .escalate_complaint(pb::EscalateComplaintRequest {
                    name,
                    request_id,
                    etag,
                    occur_time,
                    escalation_receive_time: Some(pb_time(a.received_at)),
                    reason: a.reason.into(),
                    customer_remains_dissatisfied: a.customer_remains_dissatisfied,
                })
                .await
        }
        C::Close(a) => {
            let (name, request_id, etag, occur_time) = common(&a);
            client
                .close_complaint(pb::CloseComplaintRequest {
                    name,
                    request_id,
                    etag,
                    occur_time,
                })
                .await
        }
        C::History(_) => anyhow::bail!("history is not a single-complaint step"),
    };
    Ok(response.map_err(client::refused)?.into_inner())
}

/// Name, request id, etag and occurrence time of a mutation.
fn common<T: From<SystemTime>>(target: &Target) -> (String, String, String, Option<T>) {
    let m = &target.mutation;
    (
        resource_name(&target.id),
        request_id(&m.request_id),
        m.etag.clone().unwrap_or_default(),
        m.occurred_at.map(pb_time),
    )
}

// ---------------------------------------------------------------------------------------
// Output
// ---------------------------------------------------------------------------------------

fn flag_names(flags: &Option<pb::ComplaintFlags>) -> Vec<&'static str> {
    let Some(f) = flags else { return Vec::new() };
    [
        (f.about_staff, "about_staff"),
        (f.vulnerable, "vulnerable"),
        (f.upcc, "upcc"),
        (f.pos_case, "pos_case"),
    ]
    .into_iter()
    .filter_map(|(on, name)| on.then_some(name))
    .collect()
}

/// The complaint as a person reads it: the case, each tier's clock, payments.
pub fn complaint_text(c: &pb::Complaint) -> String {
    complaint_text_at(c, Utc::now())
}

/// [`complaint_text`] with deadlines judged against `now`.
pub fn complaint_text_at(c: &pb::Complaint, now: DateTime<Utc>) -> String {
    let id = c.name.strip_prefix("complaints/").unwrap_or(&c.name);
    let current_tier = c
        .tiers
        .last()
        .map(|t| label::<pb::Tier>(t.tier))
        .unwrap_or_else(|| "-".to_owned());
    let flags = flag_names(&c.flags);
    let mut pairs = vec![
        ("complaint", id.to_owned()),
        ("status", label::<pb::CaseStatus>(c.status)),
        ("tier", current_tier),
        ("team", or_dash(&c.team)),
        ("region", label::<pb::Region>(c.region)),
        ("categories", or_dash(&c.categories.join(", "))),
        ("case manager", or_dash(&c.case_manager)),
        ("received", when(from_pb_time(&c.receive_time))),
        ("flags", or_dash(&flags.join(", "))),
    ];
    if let Some(p) = &c.complainant {
        let mut contact = vec![or_dash(&p.display_name)];
        for (what, value) in [
            ("email", &p.email),
            ("phone", &p.phone),
            ("address", &p.address),
        ] {
            if !value.is_empty() {
                contact.push(format!("{what}: {value}"));
            }
        }
        contact.push(format!(
            "prefers {}",
            label::<pb::ContactMethod>(p.preferred_contact)
        ));
        pairs.push(("complainant", contact.join("\n")));
    }
    if !c.complex_needs.is_empty() {
        let needs: Vec<String> = c
            .complex_needs
            .iter()
            .map(|n| label::<pb::ComplexNeed>(*n))
            .collect();
        pairs.push(("complex needs", needs.join(", ")));
    }
    if c.ice_window_end_time.is_some() {
        pairs.push((
            "ICE window ends",
            when(from_pb_time(&c.ice_window_end_time)),
        ));
    }
    pairs.push(("policy", or_dash(&c.policy_version)));
    pairs.push(("etag", or_dash(&c.etag)));
    let mut out = fields(&pairs);

    let case_open = c.status == i32::from(pb::CaseStatus::Open);
    for (i, t) in c.tiers.iter().enumerate() {
        let live =
            (case_open && !t.resolved_at_first_contact && i + 1 == c.tiers.len()).then_some(now);
        out.push('\n');
        out.push_str(&format!("{}\n", label::<pb::Tier>(t.tier)));
        let mut rows: Vec<(&str, String)> = vec![
            ("  received", when(from_pb_time(&t.receive_time))),
            (
                "  initial contact due",
                due(
                    from_pb_time(&t.initial_contact_due_time),
                    from_pb_time(&t.initial_contact_time),
                    live,
                ),
            ),
            (
                "  initial contact",
                when(from_pb_time(&t.initial_contact_time)),
            ),
            (
                "  response due",
                due(
                    from_pb_time(&t.response_due_time),
                    from_pb_time(&t.outcome_communicated_time),
                    live,
                ),
            ),
        ];
        if let Some(date) = date_text(&t.resolution_plan_date) {
            let met = if t.resolution_plan_counts_as_met {
                " (counts as meeting the target)"
            } else {
                ""
            };
            rows.push(("  resolution plan", format!("{date}{met}")));
        }
        if t.resolved_at_first_contact {
            rows.push(("  resolved at first contact", "yes".to_owned()));
        }
        rows.push(("  outcome", label::<pb::Outcome>(t.outcome)));
        rows.push((
            "  communicated",
            when(from_pb_time(&t.outcome_communicated_time)),
        ));
        rows.push((
            "  signposted to",
            label::<pb::SignpostTarget>(t.signposted_to),
        ));
        if t.paused_working_days > 0 {
            rows.push((
                "  paused",
                format!("{} working days", t.paused_working_days),
            ));
        }
        if !t.issues.is_empty() {
            let issues: Vec<String> = t
                .issues
                .iter()
                .map(|i| format!("{}: {}", i.issue_id, i.summary))
                .collect();
            rows.push(("  issues", issues.join("\n")));
        }
        out.push_str(&fields(&rows));
    }

    if !c.special_payments.is_empty() {
        out.push_str("\nspecial payments\n");
        let mut table = Table::new(["ID", "KIND", "REQUESTED", "AMOUNT", "STATUS", "TIER"]);
        for p in &c.special_payments {
            table.row([
                p.payment_id.clone(),
                label::<pb::PaymentKind>(p.kind),
                pounds(p.requested_pence),
                pounds(p.amount_pence),
                label::<pb::PaymentStatus>(p.status),
                label::<pb::Tier>(p.tier),
            ]);
        }
        out.push_str(&table.render());
    }

    if !c.feedback_actions.is_empty() {
        out.push_str("\nfeedback actions\n");
        let mut table = Table::new(["ID", "TO TEAM", "DUE", "CONFIRMED"]);
        for f in &c.feedback_actions {
            table.row([
                f.action_id.clone(),
                f.to_team.clone(),
                from_pb_time(&f.due_time)
                    .map(rfc3339)
                    .unwrap_or_else(|| "-".into()),
                from_pb_time(&f.confirm_time)
                    .map(rfc3339)
                    .unwrap_or_else(|| "-".into()),
            ]);
        }
        out.push_str(&table.render());
    }

    if !c.safeguarding_concerns.is_empty() {
        out.push_str("\nsafeguarding concerns\n");
        let mut table = Table::new(["ID", "IMMEDIATE", "OPEN"]);
        for s in &c.safeguarding_concerns {
            table.row([s.concern_id.clone(), yes_no(s.immediate), yes_no(s.open)]);
        }
        out.push_str(&table.render());
    }

    if !c.referrals.is_empty() {
        out.push_str("\nreferrals\n");
        let mut table = Table::new(["BODY", "REFERENCE", "RESULT"]);
        for r in &c.referrals {
            let body = match pb::ReferralBody::try_from(r.body) {
                Ok(pb::ReferralBody::Ice) => "ice".to_owned(),
                Ok(pb::ReferralBody::Phso) => "phso".to_owned(),
                _ => format!("unknown({})", r.body),
            };
            table.row([body, r.reference.clone(), or_dash(&r.result)]);
        }
        out.push_str(&table.render());
    }

    if !c.representatives.is_empty() {
        out.push_str("\nrepresentatives\n");
        let mut table = Table::new(["ID", "ORGANISATION", "CONSENT", "ACTIVE"]);
        for r in &c.representatives {
            table.row([
                r.representative_id.clone(),
                r.organisation.clone(),
                r.consent_scope.clone(),
                yes_no(r.consent_active),
            ]);
        }
        out.push_str(&table.render());
    }
    out
}

/// The complaint as JSON for scripts: enum values by their CLI names, times in RFC 3339.
pub fn complaint_json(c: &pb::Complaint) -> Value {
    let tiers: Vec<Value> = c
        .tiers
        .iter()
        .map(|t| {
            json!({
                "tier": label::<pb::Tier>(t.tier),
                "receive_time": json_time(from_pb_time(&t.receive_time)),
                "initial_contact_due_time": json_time(from_pb_time(&t.initial_contact_due_time)),
                "response_due_time": json_time(from_pb_time(&t.response_due_time)),
                "initial_contact_time": json_time(from_pb_time(&t.initial_contact_time)),
                "resolved_at_first_contact": t.resolved_at_first_contact,
                "issues": t.issues.iter().map(|i| json!({
                    "issue_id": i.issue_id,
                    "summary": i.summary,
                })).collect::<Vec<_>>(),
                "resolution_plan_date": date_text(&t.resolution_plan_date),
                "resolution_plan_counts_as_met": t.resolution_plan_counts_as_met,
                "outcome": enum_json::<pb::Outcome>(t.outcome),
                "outcome_communicated_time": json_time(from_pb_time(&t.outcome_communicated_time)),
                "signposted_to": enum_json::<pb::SignpostTarget>(t.signposted_to),
                "paused_working_days": t.paused_working_days,
            })
        })
        .collect();
    let payments: Vec<Value> = c
        .special_payments
        .iter()
        .map(|p| {
            json!({
                "payment_id": p.payment_id,
                "kind": enum_json::<pb::PaymentKind>(p.kind),
                "requested_pence": p.requested_pence,
                "amount_pence": p.amount_pence,
                "status": enum_json::<pb::PaymentStatus>(p.status),
                "tier": enum_json::<pb::Tier>(p.tier),
            })
        })
        .collect();
    let flags = c.flags.unwrap_or_default();
    json!({
        "name": c.name,
        "etag": c.etag,
        "status": enum_json::<pb::CaseStatus>(c.status),
        "tier": c.tiers.last().map(|t| label::<pb::Tier>(t.tier)),
        "team": c.team,
        "region": enum_json::<pb::Region>(c.region),
        "categories": c.categories,
        "flags": {
            "about_staff": flags.about_staff,
            "vulnerable": flags.vulnerable,
            "upcc": flags.upcc,
            "pos_case": flags.pos_case,
        },
        "case_manager": c.case_manager,
        "policy_version": c.policy_version,
        "receive_time": json_time(from_pb_time(&c.receive_time)),
        "tiers": tiers,
        "special_payments": payments,
        "feedback_actions": c.feedback_actions.iter().map(|f| json!({
            "action_id": f.action_id,
            "to_team": f.to_team,
            "due_time": json_time(from_pb_time(&f.due_time)),
            "confirm_time": json_time(from_pb_time(&f.confirm_time)),
        })).collect::<Vec<_>>(),
        "safeguarding_concerns": c.safeguarding_concerns.iter().map(|s| json!({
            "concern_id": s.concern_id,
            "immediate": s.immediate,
            "open": s.open,
        })).collect::<Vec<_>>(),
        "complex_needs": c.complex_needs.iter().map(|n| label::<pb::ComplexNeed>(*n)).collect::<Vec<_>>(),
        "ice_window_end_time": json_time(from_pb_time(&c.ice_window_end_time)),
        "referrals": c.referrals.iter().map(|r| json!({
            "body": pb::ReferralBody::try_from(r.body)
                .map(|b| b.as_str_name().trim_start_matches("REFERRAL_BODY_").to_ascii_lowercase())
                .ok(),
            "reference": r.reference,
            "result": r.result,
        })).collect::<Vec<_>>(),
        "representatives": c.representatives.iter().map(|r| json!({
            "representative_id": r.representative_id,
            "organisation": r.organisation,
            "consent_scope": r.consent_scope,
            "consent_active": r.consent_active,
        })).collect::<Vec<_>>(),
        "complainant": c.complainant.as_ref().map(|p| json!({
            "display_name": p.display_name,
            "address": p.address,
            "email": p.email,
            "phone": p.phone,
            "preferred_contact": enum_json::<pb::ContactMethod>(p.preferred_contact),
        })),
    })
}

fn history_json(e: &pb::ComplaintHistoryEntry) -> Value {
    json!({
        "sequence": e.sequence,
        "event_type": e.event_type,
        "actor_user_id": e.actor_user_id,
        "actor_role": e.actor_role,
        "actor_team": e.actor_team,
        "occur_time": json_time(from_pb_time(&e.occur_time)),
        "record_time": json_time(from_pb_time(&e.record_time)),
        "data": serde_json::from_str::<Value>(&e.data_json)
            .unwrap_or_else(|_| Value::String(e.data_json.clone())),
    })
}

/// The audit trail as a table: who did what, when (Europe/London).
pub fn history_table(entries: &[pb::ComplaintHistoryEntry]) -> String {
    let mut table = Table::new(["SEQ", "OCCURRED (London)", "RECORDED (UTC)", "EVENT", "BY"]);
    for e in entries {
        table.row([
            e.sequence.to_string(),
            from_pb_time(&e.occur_time)
                .map(london)
                .unwrap_or_else(|| "-".into()),
            from_pb_time(&e.record_time)
                .map(|t| t.to_rfc3339_opts(SecondsFormat::Secs, true))
                .unwrap_or_else(|| "-".into()),
            e.event_type.clone(),
            format!("{} ({}, {})", e.actor_user_id, e.actor_role, e.actor_team),
        ]);
    }
    let mut out = table.render();
    if table.is_empty() {
        out.push_str("(no events)\n");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    #[derive(Debug, Parser)]
    struct Cli {
        #[command(flatten)]
        args: ComplaintArgs,
    }

    fn parse(args: &[&str]) -> Result<ComplaintCommand, clap::Error> {
        Cli::try_parse_from(std::iter::once("complaint").chain(args.iter().copied()))
            .map(|c| c.args.command)
    }

    #[test]
    fn issues_parse_as_id_equals_summary() {
        assert_eq!(
            parse_issue("i1=payment was late = twice"),
            Ok(("i1".into(), "payment was late = twice".into()))
        );
        assert!(parse_issue("no equals").is_err());
        assert!(parse_issue("=summary").is_err());
        assert!(parse_issue("i1=").is_err());
    }

    #[test]
    fn findings_parse_verdict_evidence_and_reasoning() {
        assert_eq!(
            parse_finding("i1=upheld:e1, e2:paid late: 3 weeks"),
            Ok(FindingArg {
                issue_id: "i1".into(),
                upheld: true,
                evidence_ids: vec!["e1".into(), "e2".into()],
                reasoning: "paid late: 3 weeks".into(),
            })
        );
        let f = parse_finding("i2=not-upheld::on time").expect("parses");
        assert!(!f.upheld);
        assert!(f.evidence_ids.is_empty());
        assert!(parse_finding("i1=maybe:e1:why").is_err());
        assert!(parse_finding("i1=upheld").is_err());
        assert!(parse_finding("i1=upheld:e1:").is_err());
        assert!(parse_finding("=upheld:e1:why").is_err());
        assert!(parse_finding("upheld:e1:why").is_err());
    }

    #[test]
    fn deadlines_are_judged() {
        let d = parse_time("2025-03-05T09:00:00Z").expect("parses");
        let early = d - chrono::Duration::hours(1);
        let late = d + chrono::Duration::hours(1);
        assert!(due(Some(d), Some(early), Some(late)).ends_with("[met]"));
        assert!(due(Some(d), Some(late), None).ends_with("[missed]"));
        assert!(due(Some(d), None, Some(late)).ends_with("[OVERDUE]"));
        assert!(due(Some(d), None, Some(early)).ends_with("[open]"));
        assert!(due(Some(d), None, None).ends_with("GMT)"));
        assert_eq!(due(None, None, Some(early)), "-");
    }

    #[test]
    fn investigation_steps_parse() -> Result<(), clap::Error> {
        let cmd = parse(&[
            "investigate",
            "C-1",
            "--step",
            "systems_evidence_gathered",
            "--evidence-id",
            "e1",
            "--description",
            "payment history",
            "--validated",
        ])?;
        let ComplaintCommand::Investigate(i) = cmd else {
            panic!("not investigate")
        };
        assert_eq!(i.step, pb::InvestigationStepKind::SystemsEvidenceGathered);
        assert!(i.validated);
        parse(&["validate-evidence", "C-1", "--evidence-id", "e1"])?;
        parse(&["staff-assurance", "C-1", "--obtained"])?;
        Ok(())
    }

    #[test]
    fn receive_flags_parse() -> Result<(), clap::Error> {
        let cmd = parse(&[
            "receive",
            "--id",
            "C-1",
            "--received-at",
            "2025-03-03T09:00:00Z",
            "--channel",
            "email",
            "--category",
            "payment_delay",
            "--category",
            "decision",
            "--team",
            "crt-leeds",
            "--region",
            "scotland",
            "--name",
            "Jo",
            "--preferred-contact",
            "letter",
            "--about-staff",
        ])?;
        let ComplaintCommand::Receive(r) = cmd else {
            panic!("not receive")
        };
        assert_eq!(r.categories, ["payment_delay", "decision"]);
        assert_eq!(r.region, pb::Region::Scotland);
        assert!(r.about_staff && !r.vulnerable);
        assert!(parse(&["receive", "--id", "C-1"]).is_err());
        Ok(())
    }

    #[test]
    fn contact_and_mutation_options_parse() -> Result<(), clap::Error> {
        let cmd = parse(&[
            "contact",
            "C-1",
            "--method",
            "phone",
            "--issue",
            "i1=late",
            "--issue",
            "i2=rude",
            "--request-id",
            "r1",
            "--etag",
            "3",
            "--occurred-at",
            "2025-03-04T10:00:00Z",
            "--json",
        ])?;
        let ComplaintCommand::Contact(c) = cmd else {
            panic!("not contact")
        };
        assert_eq!(c.issues.len(), 2);
        assert_eq!(c.target.mutation.request_id.as_deref(), Some("r1"));
        assert_eq!(c.target.mutation.etag.as_deref(), Some("3"));
        assert!(c.target.mutation.occurred_at.is_some());
        assert!(parse(&["contact", "C-1", "--method", "fax"]).is_err());
        assert!(parse(&["contact", "C-1", "--method", "email", "--issue", "bad"]).is_err());
        Ok(())
    }

    #[test]
    fn plan_revision_needs_a_reason() -> Result<(), clap::Error> {
        assert!(parse(&[
            "plan",
            "C-1",
            "--target-date",
            "2025-04-30",
            "--actions",
            "x"
        ])
        .is_ok());
        assert!(parse(&[
            "plan",
            "C-1",
            "--target-date",
            "2025-04-30",
            "--actions",
            "x",
            "--revise"
        ])
        .is_err());
        assert!(parse(&[
            "plan",
            "C-1",
            "--target-date",
            "2025-04-30",
            "--actions",
            "x",
            "--reason",
            "r"
        ])
        .is_err());
        parse(&[
            "plan",
            "C-1",
            "--target-date",
            "2025-04-30",
            "--actions",
            "x",
            "--revise",
            "--reason",
            "r",
        ])?;
        Ok(())
    }

    #[test]
    fn pay_award_refer_and_decide_are_exclusive() -> Result<(), clap::Error> {
        let base = ["pay", "C-1", "--payment-id", "p1"];
        let with = |extra: &[&'static str]| {
            let mut v: Vec<&str> = base.to_vec();
            v.extend_from_slice(extra);
            parse(&v)
        };
        with(&[
            "--kind",
            "consolatory",
            "--amount-pence",
            "5000",
            "--reason",
            "distress",
        ])?;
        with(&[
            "--kind",
            "consolatory",
            "--amount-pence",
            "5000",
            "--reason",
            "r",
            "--refer",
        ])?;
        with(&["--decide", "--approve-pence", "4000"])?;
        with(&["--decide", "--decline-reason", "no loss"])?;
        assert!(with(&["--kind", "consolatory"]).is_err());
        assert!(with(&["--decide"]).is_err());
        assert!(with(&["--decide", "--approve-pence", "1", "--decline-reason", "x"]).is_err());
        assert!(with(&["--approve-pence", "1"]).is_err());
        assert!(with(&["--decide", "--approve-pence", "1", "--kind", "consolatory"]).is_err());
        Ok(())
    }

    #[test]
    fn outcome_subcommands_parse() -> Result<(), clap::Error> {
        parse(&[
            "outcome",
            "findings",
            "C-1",
            "--finding",
            "i1=upheld:e1:late",
        ])?;
        parse(&[
            "outcome",
            "decide",
            "C-1",
            "--outcome",
            "part_upheld",
            "--summary",
            "s",
        ])?;
        parse(&[
            "outcome",
            "redress",
            "C-1",
            "--apology",
            "a",
            "--remedial-assurance",
            "r",
        ])?;
        parse(&[
            "outcome",
            "root-cause",
            "C-1",
            "--what-happened",
            "a",
            "--should-have-happened",
            "b",
            "--mistakes",
            "c",
            "--cause",
            "d",
        ])?;
        assert!(parse(&["outcome", "findings", "C-1"]).is_err());
        assert!(parse(&[
            "outcome",
            "decide",
            "C-1",
            "--outcome",
            "maybe",
            "--summary",
            "s"
        ])
        .is_err());
        Ok(())
    }

    #[test]
    fn complaint_renders_as_text_and_json() {
        let t = parse_time("2025-03-03T09:00:00Z").expect("parses");
        let c = pb::Complaint {
            name: "complaints/C-1".into(),
            etag: "2".into(),
            status: pb::CaseStatus::Open.into(),
            team: "crt-leeds".into(),
            region: pb::Region::EnglandAndWales.into(),
            categories: vec!["payment_delay".into()],
            case_manager: "alice".into(),
            receive_time: Some(pb_time(t)),
            tiers: vec![pb::TierReview {
                tier: pb::Tier::Tier1.into(),
                receive_time: Some(pb_time(t)),
                initial_contact_due_time: Some(pb_time(t + chrono::Duration::hours(48))),
                ..Default::default()
            }],
            special_payments: vec![pb::SpecialPayment {
                payment_id: "p1".into(),
                kind: pb::PaymentKind::Consolatory.into(),
                requested_pence: 5000,
                amount_pence: 5000,
                status: pb::PaymentStatus::AwardedWithinDfa.into(),
                tier: pb::Tier::Tier1.into(),
            }],
            ..Default::default()
        };
        let text = complaint_text_at(&c, t);
        for want in [
            "complaint     C-1",
            "open",
            "tier1",
            "england-and-wales",
            "payment_delay",
            "alice",
            "initial contact due",
            "2025-03-05T09:00:00Z (Wed 05 Mar 2025 09:00 GMT)  [open]",
            "consolatory",
            "£50.00",
            "awarded_within_dfa",
        ] {
            assert!(text.contains(want), "missing {want:?} in\n{text}");
        }
        let j = complaint_json(&c);
        assert_eq!(j["status"], "open");
        assert_eq!(j["tier"], "tier1");
        assert_eq!(
            j["tiers"][0]["initial_contact_due_time"],
            "2025-03-05T09:00:00Z"
        );
        assert_eq!(j["tiers"][0]["outcome"], Value::Null);
        assert_eq!(j["special_payments"][0]["amount_pence"], 5000);
        assert_eq!(j["complainant"], Value::Null);
    }
}
