//! `redress report …`: the read models from a terminal, as a table or `--json` for scripts.
//! No personal data is ever shown here (the server sends none on these RPCs).

use anyhow::Result;
use chrono::{DateTime, NaiveDate, Utc};
use clap::{Args, Subcommand};
use redress_api::pb::reporting_service_client::ReportingServiceClient;
use redress_api::pb::{self};
use serde_json::{json, Value};

use super::client::{self, AuthedChannel, ClientArgs};
use super::enums::short_name;
use super::format::{from_pb_time, json_time, pounds, rfc3339};
use super::input::{parse_date, parse_time, pb_date};
use super::table::Table;

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

#[derive(Debug, Subcommand)]
enum Report {
    /// Deadlines at risk or breached as of now (or --as-of).
    Deadlines {
        #[command(flatten)]
        scope: Scope,
        #[arg(long)]
        case_manager: Option<String>,
        /// tier1 or tier2.
        #[arg(long)]
        tier: Option<String>,
        #[arg(long, value_parser = parse_time)]
        as_of: Option<DateTime<Utc>>,
    },
    /// Timeliness and outcomes for a period (SPEC R2, R3).
    Timeliness {
        #[arg(long, value_parser = parse_date)]
        from: NaiveDate,
        #[arg(long, value_parser = parse_date)]
        to: NaiveDate,
        #[command(flatten)]
        scope: Scope,
        #[arg(long)]
        tier: Option<String>,
    },
    /// Outcome counts by category and tier for a period.
    Outcomes {
        #[arg(long, value_parser = parse_date)]
        from: NaiveDate,
        #[arg(long, value_parser = parse_date)]
        to: NaiveDate,
        #[command(flatten)]
        scope: Scope,
    },
    /// Special payment totals and those pending the SPT (SPEC R4).
    Payments {
        #[command(flatten)]
        scope: Scope,
    },
    /// Trend alerts (SPEC S1).
    Trends {
        #[arg(long)]
        open_only: bool,
        #[arg(long)]
        category: Option<String>,
    },
    /// Open cases with their next deadline (SPEC R7).
    Caseload {
        #[command(flatten)]
        scope: Scope,
        #[arg(long)]
        case_manager: Option<String>,
    },
}

fn tier(value: &Option<String>) -> Result<i32> {
    Ok(match value.as_deref() {
        None => 0,
        Some("tier1") => pb::Tier::Tier1 as i32,
        Some("tier2") => pb::Tier::Tier2 as i32,
        Some(other) => anyhow::bail!("unknown tier {other:?}: use tier1 or tier2"),
    })
}

fn time_cell(t: &Option<prost_types::Timestamp>) -> String {
    from_pb_time(t).map(rfc3339).unwrap_or_else(|| "-".into())
}

fn time_json(t: &Option<prost_types::Timestamp>) -> Value {
    json_time(from_pb_time(t))
}

fn team(scope: &Scope) -> String {
    scope.team.clone().unwrap_or_default()
}

fn print(json_mode: bool, value: Value, table: Table) {
    if json_mode {
        println!(
            "{}",
            serde_json::to_string_pretty(&value).unwrap_or_default()
        );
    } else {
        print!("{}", table.render());
    }
}

pub fn run(args: ReportArgs) -> Result<()> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?
        .block_on(run_async(args))
}

async fn run_async(args: ReportArgs) -> Result<()> {
    let json_mode = args.client.json;
    let mut c: ReportingServiceClient<AuthedChannel> =
        ReportingServiceClient::new(client::connect(&args.client).await?);
    match args.report {
        Report::Deadlines {
            scope,
            case_manager,
            tier: t,
            as_of,
        } => {
            let mut all = Vec::new();
            let mut page_token = String::new();
            loop {
                let resp = c
                    .list_at_risk_deadlines(pb::ListAtRiskDeadlinesRequest {
                        as_of_time: as_of.map(|t| prost_types::Timestamp {
                            seconds: t.timestamp(),
                            nanos: 0,
                        }),
                        team: team(&scope),
                        case_manager: case_manager.clone().unwrap_or_default(),
                        tier: tier(&t)?,
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
            let mut table = Table::new([
                "COMPLAINT",
                "DEADLINE",
                "TIER",
                "DUE (UTC)",
                "STATUS",
                "TEAM",
                "CASE MANAGER",
            ]);
            let mut rows = Vec::new();
            for d in &all {
                let kind = short_name::<pb::DeadlineKind>(d.kind);
                let status = short_name::<pb::DeadlineStatus>(d.status);
                let tier_name = short_name::<pb::Tier>(d.tier);
                table.row([
                    d.complaint.clone(),
                    kind.clone(),
                    tier_name.clone(),
                    time_cell(&d.due_time),
                    status.clone(),
                    d.team.clone(),
                    d.case_manager.clone(),
                ]);
                rows.push(json!({"complaint": d.complaint, "kind": kind, "tier": tier_name, "due": time_json(&d.due_time), "status": status, "team": d.team, "case_manager": d.case_manager}));
            }
            print(json_mode, json!({"deadlines": rows}), table);
        }
        Report::Timeliness {
            from,
            to,
            scope,
            tier: t,
        } => {
            let r = c
                .get_timeliness_report(pb::GetTimelinessReportRequest {
                    start_date: Some(pb_date(from)),
                    end_date: Some(pb_date(to)),
                    team: team(&scope),
                    tier: tier(&t)?,
                })
                .await
                .map_err(client::refused)?
                .into_inner();
            let share = |s: Option<f64>| {
                s.map(|v| format!("{:.1}%", v * 100.0))
                    .unwrap_or_else(|| "-".into())
            };
            let mut table = Table::new(["MEASURE", "COUNT", "WITHIN TARGET", "SHARE"]);
            table.row([
                "initial contact (48h)".to_string(),
                r.initial_contacts.to_string(),
                r.initial_contacts_within_target.to_string(),
                share(r.initial_contact_share),
            ]);
            table.row([
                "response".to_string(),
                r.responses.to_string(),
                r.responses_within_target.to_string(),
                share(r.response_share),
            ]);
            table.row([
                "escalated tier 1 -> 2".to_string(),
                r.tier1_responses.to_string(),
                r.tier1_escalated.to_string(),
                share(r.escalation_rate),
            ]);
            for o in &r.outcomes {
                let name = short_name::<pb::Outcome>(o.outcome);
                table.row([
                    format!("outcome {name}"),
                    o.count.to_string(),
                    String::new(),
                    String::new(),
                ]);
            }
            let outcomes: Vec<Value> = r
                .outcomes
                .iter()
                .map(|o| json!({"outcome": short_name::<pb::Outcome>(o.outcome), "count": o.count}))
                .collect();
            print(
                json_mode,
                json!({
                    "initial_contacts": r.initial_contacts, "initial_contacts_within_target": r.initial_contacts_within_target,
                    "initial_contact_share": r.initial_contact_share, "responses": r.responses,
                    "responses_within_target": r.responses_within_target, "response_share": r.response_share,
                    "tier1_responses": r.tier1_responses, "tier1_escalated": r.tier1_escalated,
                    "escalation_rate": r.escalation_rate, "outcomes": outcomes,
                }),
                table,
            );
        }
        Report::Outcomes { from, to, scope } => {
            let r = c
                .list_outcome_counts(pb::ListOutcomeCountsRequest {
                    start_date: Some(pb_date(from)),
                    end_date: Some(pb_date(to)),
                    team: team(&scope),
                })
                .await
                .map_err(client::refused)?
                .into_inner();
            let mut table = Table::new(["CATEGORY", "TIER", "OUTCOME", "COUNT"]);
            let mut rows = Vec::new();
            for o in &r.counts {
                let tier_name = short_name::<pb::Tier>(o.tier);
                let outcome = short_name::<pb::Outcome>(o.outcome);
                table.row([
                    o.category.clone(),
                    tier_name.clone(),
                    outcome.clone(),
                    o.count.to_string(),
                ]);
                rows.push(json!({"category": o.category, "tier": tier_name, "outcome": outcome, "count": o.count}));
            }
            print(json_mode, json!({"counts": rows}), table);
        }
        Report::Payments { scope } => {
            let r = c
                .get_special_payments_report(pb::GetSpecialPaymentsReportRequest {
                    team: team(&scope),
                    ..Default::default()
                })
                .await
                .map_err(client::refused)?
                .into_inner();
            let mut table = Table::new([
                "KIND",
                "DECIDED BY",
                "STATE",
                "COUNT",
                "REQUESTED",
                "AMOUNT",
            ]);
            let mut rows = Vec::new();
            for t in &r.totals {
                let kind = short_name::<pb::PaymentKind>(t.kind);
                table.row([
                    kind.clone(),
                    t.decided_by.clone(),
                    t.state.clone(),
                    t.count.to_string(),
                    pounds(t.requested_pence),
                    pounds(t.amount_pence),
                ]);
                rows.push(json!({"kind": kind, "decided_by": t.decided_by, "state": t.state, "count": t.count, "requested_pence": t.requested_pence, "amount_pence": t.amount_pence}));
            }
            table.row([
                "pending SPT".to_string(),
                "spt".into(),
                "pending".into(),
                r.pending_spt_count.to_string(),
                pounds(r.pending_spt_requested_pence),
                String::new(),
            ]);
            print(
                json_mode,
                json!({"totals": rows, "pending_spt_count": r.pending_spt_count, "pending_spt_requested_pence": r.pending_spt_requested_pence}),
                table,
            );
        }
        Report::Trends {
            open_only,
            category,
        } => {
            let r = c
                .list_trend_alerts(pb::ListTrendAlertsRequest {
                    open_only,
                    category: category.unwrap_or_default(),
                })
                .await
                .map_err(client::refused)?
                .into_inner();
            let mut table = Table::new([
                "ALERT",
                "CATEGORY",
                "SCOPE",
                "TEAM",
                "RAISED (UTC)",
                "OPEN",
                "COMPLAINTS",
            ]);
            let mut rows = Vec::new();
            for a in &r.alerts {
                table.row([
                    a.alert_id.clone(),
                    a.category.clone(),
                    a.scope.clone(),
                    a.team.clone(),
                    time_cell(&a.raise_time),
                    a.open.to_string(),
                    a.complaints.len().to_string(),
                ]);
                rows.push(json!({"alert_id": a.alert_id, "category": a.category, "scope": a.scope, "team": a.team, "raised": time_json(&a.raise_time), "open": a.open, "complaints": a.complaints, "systemic_issue": a.systemic_issue}));
            }
            print(json_mode, json!({"alerts": rows}), table);
        }
        Report::Caseload {
            scope,
            case_manager,
        } => {
            let r = c
                .list_caseload(pb::ListCaseloadRequest {
                    team: team(&scope),
                    case_manager: case_manager.unwrap_or_default(),
                    page_size: 1000,
                    page_token: String::new(),
                })
                .await
                .map_err(client::refused)?
                .into_inner();
            let mut table = Table::new([
                "COMPLAINT",
                "TEAM",
                "TIER",
                "CASE MANAGER",
                "NEXT DUE (UTC)",
            ]);
            let mut rows = Vec::new();
            for e in &r.entries {
                let tier_name = short_name::<pb::Tier>(e.tier);
                table.row([
                    e.complaint.clone(),
                    e.team.clone(),
                    tier_name.clone(),
                    e.case_manager.clone(),
                    time_cell(&e.next_due_time),
                ]);
                rows.push(json!({"complaint": e.complaint, "team": e.team, "tier": tier_name, "case_manager": e.case_manager, "next_due": time_json(&e.next_due_time)}));
            }
            print(json_mode, json!({"entries": rows}), table);
        }
    }
    Ok(())
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
