//! The arguments of `redress complaint …`: one clap struct per step, with the parsers of
//! the values only this command takes (`--issue`, `--finding`).

use chrono::{DateTime, NaiveDate, Utc};
use clap::{ArgGroup, Args, Subcommand};
use redress_api::pb;

use crate::cli::client::ClientArgs;
use crate::cli::enums::parse_enum;
use crate::cli::input::{parse_date, parse_time};

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
}
