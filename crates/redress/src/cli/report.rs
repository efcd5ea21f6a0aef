//! `redress report …`: the read models from a terminal, as a table or `--json` for scripts.
//! No personal data is ever shown here (the server sends none on these RPCs). Each report
//! is one function: one request, then its [`Rows`].

use anyhow::Result;
use chrono::{DateTime, NaiveDate, Utc};
use clap::{Args, Subcommand};
use redress_api::pb;
use redress_api::pb::reporting_service_client::ReportingServiceClient;

use super::client::{self, AuthedChannel, ClientArgs};
use super::enums::short_name;
use super::format::from_pb_time;
use super::input::{parse_date, parse_time, pb_date};
use super::rows::{Cell, Column, Rows};

#[derive(Debug, Args)]
pub struct ReportArgs {
    #[command(flatten)]
    client: ClientArgs,
    #[command(subcommand)]
    report: Report,
}

#[derive(Debug, Clone, Args)]
pub struct Scope {
    /// Only this team (a crm or crt_manager always gets their own).
    #[arg(long)]
    team: Option<String>,
}

impl Scope {
    fn team(&self) -> String {
        self.team.clone().unwrap_or_default()
    }
}

#[derive(Debug, Clone, Args)]
pub struct Period {
    #[arg(long, value_parser = parse_date)]
    from: NaiveDate,
    #[arg(long, value_parser = parse_date)]
    to: NaiveDate,
}

#[derive(Debug, Subcommand)]
enum Report {
    /// Deadlines at risk or breached as of now (or --as-of).
    Deadlines(DeadlinesArgs),
    /// Timeliness and outcomes for a period (SPEC R2, R3).
    Timeliness(TimelinessArgs),
    /// Outcome counts by category and tier for a period.
    Outcomes(OutcomesArgs),
    /// Special payment totals and those pending the SPT (SPEC R4).
    Payments(PaymentsArgs),
    /// Trend alerts (SPEC S1).
    Trends(TrendsArgs),
    /// Open cases with their next deadline (SPEC R7).
    Caseload(CaseloadArgs),
}

#[derive(Debug, Args)]
struct DeadlinesArgs {
    #[command(flatten)]
    scope: Scope,
    #[arg(long)]
    case_manager: Option<String>,
    /// tier1 or tier2.
    #[arg(long)]
    tier: Option<String>,
    #[arg(long, value_parser = parse_time)]
    as_of: Option<DateTime<Utc>>,
}

#[derive(Debug, Args)]
struct TimelinessArgs {
    #[command(flatten)]
    period: Period,
    #[command(flatten)]
    scope: Scope,
    #[arg(long)]
    tier: Option<String>,
}

#[derive(Debug, Args)]
struct OutcomesArgs {
    #[command(flatten)]
    period: Period,
    #[command(flatten)]
    scope: Scope,
}

#[derive(Debug, Args)]
struct PaymentsArgs {
    #[command(flatten)]
    scope: Scope,
}

#[derive(Debug, Args)]
struct TrendsArgs {
    #[arg(long)]
    open_only: bool,
    #[arg(long)]
    category: Option<String>,
}

#[derive(Debug, Args)]
struct CaseloadArgs {
    #[command(flatten)]
    scope: Scope,
    #[arg(long)]
    case_manager: Option<String>,
}

type Client = ReportingServiceClient<AuthedChannel>;

pub fn run(args: ReportArgs) -> Result<()> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?
        .block_on(run_async(args))
}

async fn run_async(args: ReportArgs) -> Result<()> {
    let mut c: Client = ReportingServiceClient::new(client::connect(&args.client).await?);
    let rows = match args.report {
        Report::Deadlines(a) => deadlines(&mut c, a).await?,
        Report::Timeliness(a) => timeliness(&mut c, a).await?,
        Report::Outcomes(a) => outcomes(&mut c, a).await?,
        Report::Payments(a) => payments(&mut c, a).await?,
        Report::Trends(a) => trends(&mut c, a).await?,
        Report::Caseload(a) => caseload(&mut c, a).await?,
    };
    rows.print(args.client.json)
}

fn tier(value: &Option<String>) -> Result<i32> {
    Ok(match value.as_deref() {
        None => 0,
        Some("tier1") => pb::Tier::Tier1 as i32,
        Some("tier2") => pb::Tier::Tier2 as i32,
        Some(other) => anyhow::bail!("unknown tier {other:?}: use tier1 or tier2"),
    })
}

/// Every at-risk or breached deadline (all pages).
async fn deadlines(c: &mut Client, a: DeadlinesArgs) -> Result<Rows> {
    let mut all = Vec::new();
    let mut page_token = String::new();
    loop {
        let resp = c
            .list_at_risk_deadlines(pb::ListAtRiskDeadlinesRequest {
                as_of_time: a.as_of.map(|t| prost_types::Timestamp {
                    seconds: t.timestamp(),
                    nanos: 0,
                }),
                team: a.scope.team(),
                case_manager: a.case_manager.clone().unwrap_or_default(),
                tier: tier(&a.tier)?,
                page_size: 1000,
                page_token,
            })
            .await
            .map_err(client::refused)?
            .into_inner();
        all.extend(resp.deadlines);
        if resp.next_page_token.is_empty() {
            break;
        }
        page_token = resp.next_page_token;
    }
    let mut rows = Rows::new([
        Column::new("complaint", "COMPLAINT"),
        Column::new("kind", "DEADLINE"),
        Column::new("tier", "TIER"),
        Column::new("due", "DUE (UTC)"),
        Column::new("status", "STATUS"),
        Column::new("team", "TEAM"),
        Column::new("case_manager", "CASE MANAGER"),
    ])
    .under("deadlines");
    for d in all {
        rows.push([
            Cell::text(d.complaint),
            Cell::text(short_name::<pb::DeadlineKind>(d.kind)),
            Cell::text(short_name::<pb::Tier>(d.tier)),
            Cell::time(from_pb_time(&d.due_time)),
            Cell::text(short_name::<pb::DeadlineStatus>(d.status)),
            Cell::text(d.team),
            Cell::text(d.case_manager),
        ]);
    }
    Ok(rows)
}

/// The three timeliness measures, then the count of each outcome.
async fn timeliness(c: &mut Client, a: TimelinessArgs) -> Result<Rows> {
    let r = c
        .get_timeliness_report(pb::GetTimelinessReportRequest {
            start_date: Some(pb_date(a.period.from)),
            end_date: Some(pb_date(a.period.to)),
            team: a.scope.team(),
            tier: tier(&a.tier)?,
        })
        .await
        .map_err(client::refused)?
        .into_inner();
    let mut rows = Rows::new([
        Column::new("outcome", "MEASURE"),
        Column::new("count", "COUNT"),
        Column::text("WITHIN TARGET"),
        Column::text("SHARE"),
    ])
    .under("outcomes");
    // Each measure: its name, then the count, how many were within target and the share,
    // each under its own key in JSON.
    let measures = [
        (
            "initial contact (48h)",
            ("initial_contacts", r.initial_contacts),
            (
                "initial_contacts_within_target",
                r.initial_contacts_within_target,
            ),
            ("initial_contact_share", r.initial_contact_share),
        ),
        (
            "response",
            ("responses", r.responses),
            ("responses_within_target", r.responses_within_target),
            ("response_share", r.response_share),
        ),
        (
            "escalated tier 1 -> 2",
            ("tier1_responses", r.tier1_responses),
            ("tier1_escalated", r.tier1_escalated),
            ("escalation_rate", r.escalation_rate),
        ),
    ];
    for (measure, (count_key, count), (within_key, within), (share_key, share)) in measures {
        rows.summary([
            Cell::text(measure).into(),
            Cell::number(count).named(count_key),
            Cell::number(within).named(within_key),
            Cell::share(share).named(share_key),
        ]);
    }
    for o in &r.outcomes {
        let name = short_name::<pb::Outcome>(o.outcome);
        rows.push([
            Cell::text(name.clone()).shown_as(format!("outcome {name}")),
            Cell::number(o.count),
            Cell::blank(),
            Cell::blank(),
        ]);
    }
    Ok(rows)
}

/// Outcome counts by category and tier.
async fn outcomes(c: &mut Client, a: OutcomesArgs) -> Result<Rows> {
    let r = c
        .list_outcome_counts(pb::ListOutcomeCountsRequest {
            start_date: Some(pb_date(a.period.from)),
            end_date: Some(pb_date(a.period.to)),
            team: a.scope.team(),
        })
        .await
        .map_err(client::refused)?
        .into_inner();
    let mut rows = Rows::new([
        Column::new("category", "CATEGORY"),
        Column::new("tier", "TIER"),
        Column::new("outcome", "OUTCOME"),
        Column::new("count", "COUNT"),
    ])
    .under("counts");
    for o in r.counts {
        rows.push([
            Cell::text(o.category),
            Cell::text(short_name::<pb::Tier>(o.tier)),
            Cell::text(short_name::<pb::Outcome>(o.outcome)),
            Cell::number(o.count),
        ]);
    }
    Ok(rows)
}

/// Special payment totals, then what awaits the Special Payment Team.
async fn payments(c: &mut Client, a: PaymentsArgs) -> Result<Rows> {
    let r = c
        .get_special_payments_report(pb::GetSpecialPaymentsReportRequest {
            team: a.scope.team(),
            ..Default::default()
        })
        .await
        .map_err(client::refused)?
        .into_inner();
    let mut rows = Rows::new([
        Column::new("kind", "KIND"),
        Column::new("decided_by", "DECIDED BY"),
        Column::new("state", "STATE"),
        Column::new("count", "COUNT"),
        Column::new("requested_pence", "REQUESTED"),
        Column::new("amount_pence", "AMOUNT"),
    ])
    .under("totals");
    for t in r.totals {
        rows.push([
            Cell::text(short_name::<pb::PaymentKind>(t.kind)),
            Cell::text(t.decided_by),
            Cell::text(t.state),
            Cell::number(t.count),
            Cell::money(t.requested_pence),
            Cell::money(t.amount_pence),
        ]);
    }
    rows.summary([
        Cell::text("pending SPT").into(),
        Cell::text("spt").into(),
        Cell::text("pending").into(),
        Cell::number(r.pending_spt_count).named("pending_spt_count"),
        Cell::money(r.pending_spt_requested_pence).named("pending_spt_requested_pence"),
        Cell::blank().into(),
    ]);
    Ok(rows)
}

/// Trend alerts, with the complaints behind each.
async fn trends(c: &mut Client, a: TrendsArgs) -> Result<Rows> {
    let r = c
        .list_trend_alerts(pb::ListTrendAlertsRequest {
            open_only: a.open_only,
            category: a.category.unwrap_or_default(),
        })
        .await
        .map_err(client::refused)?
        .into_inner();
    let mut rows = Rows::new([
        Column::new("alert_id", "ALERT"),
        Column::new("category", "CATEGORY"),
        Column::new("scope", "SCOPE"),
        Column::new("team", "TEAM"),
        Column::new("raised", "RAISED (UTC)"),
        Column::new("open", "OPEN"),
        Column::new("complaints", "COMPLAINTS"),
        Column::json("systemic_issue"),
    ])
    .under("alerts");
    for a in r.alerts {
        rows.push([
            Cell::text(a.alert_id),
            Cell::text(a.category),
            Cell::text(a.scope),
            Cell::text(a.team),
            Cell::time(from_pb_time(&a.raise_time)),
            Cell::boolean(a.open),
            Cell::counted(&a.complaints),
            Cell::text(a.systemic_issue),
        ]);
    }
    Ok(rows)
}

/// Open cases with their next deadline (the first page, up to 1000).
async fn caseload(c: &mut Client, a: CaseloadArgs) -> Result<Rows> {
    let r = c
        .list_caseload(pb::ListCaseloadRequest {
            team: a.scope.team(),
            case_manager: a.case_manager.unwrap_or_default(),
            page_size: 1000,
            page_token: String::new(),
        })
        .await
        .map_err(client::refused)?
        .into_inner();
    let mut rows = Rows::new([
        Column::new("complaint", "COMPLAINT"),
        Column::new("team", "TEAM"),
        Column::new("tier", "TIER"),
        Column::new("case_manager", "CASE MANAGER"),
        Column::new("next_due", "NEXT DUE (UTC)"),
    ])
    .under("entries");
    for e in r.entries {
        rows.push([
            Cell::text(e.complaint),
            Cell::text(e.team),
            Cell::text(short_name::<pb::Tier>(e.tier)),
            Cell::text(e.case_manager),
            Cell::time(from_pb_time(&e.next_due_time)),
        ]);
    }
    Ok(rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tiers() {
        assert_eq!(
            tier(&Some("tier2".into())).ok(),
            Some(pb::Tier::Tier2 as i32)
        );
        assert!(tier(&Some("tier3".into())).is_err());
        assert_eq!(tier(&None).ok(), Some(0));
    }
}
