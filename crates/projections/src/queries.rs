//! The query API the gRPC layer calls: typed requests and responses over the read models,
//! on PostgreSQL and SQLite alike. Reporting results carry no personal data (SPEC P1); the
//! one exception, [`ReadModels::case_history`], returns personal fields only when asked and
//! keeps them in a separate field.
//!
//! Lists are paginated AIP-158 style: `page_size` (default 50, at most 1000) and an opaque
//! `page_token` (the keyset position of the last row returned; empty for the first page).

use std::collections::BTreeMap;
use std::sync::Arc;

use chrono::{DateTime, Duration, NaiveDate, Utc};
use redress_calendar::{end_of_day, local_date, Calendar, Calendars, Region};
use redress_domain::{status_as_of, DeadlineStatus, PolicyBook, Tier};
use redress_store::{SqlValue, Store};
use serde::{Deserialize, Serialize};

use crate::case::{parse_tier, tier_str, DeadlineKind};
use crate::db::{from_us, us, Cell, Cells, ReadError, Reader};

pub const DEFAULT_PAGE_SIZE: u32 = 50;
pub const MAX_PAGE_SIZE: u32 = 1000;

/// A page size within `1..=max`: `default` when none is asked for (0). The API's complaint
/// history uses it too, with its own default and maximum.
pub fn page_size(requested: u32, default: u32, max: u32) -> u32 {
    if requested == 0 {
        default
    } else {
        requested.min(max)
    }
}

/// The row limit of a read-model list query.
fn row_limit(requested: u32) -> i64 {
    i64::from(page_size(requested, DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE))
}

/// Encodes a keyset position `(due_us, id)` as an opaque token.
fn encode_token(due_us: i64, id: &str) -> String {
    let raw = format!("{due_us}\u{1f}{id}");
    raw.bytes().map(|b| format!("{b:02x}")).collect()
}

fn decode_token(token: &str) -> Result<Option<(i64, String)>, ReadError> {
    if token.is_empty() {
        return Ok(None);
    }
    if token.len() % 2 != 0 {
        return Err(ReadError::InvalidPageToken);
    }
    let bytes: Result<Vec<u8>, _> = (0..token.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(token.get(i..i + 2).unwrap_or("zz"), 16))
        .collect();
    let raw = String::from_utf8(bytes.map_err(|_| ReadError::InvalidPageToken)?)
        .map_err(|_| ReadError::InvalidPageToken)?;
    let (a, b) = raw
        .split_once('\u{1f}')
        .ok_or(ReadError::InvalidPageToken)?;
    Ok(Some((
        a.parse().map_err(|_| ReadError::InvalidPageToken)?,
        b.to_string(),
    )))
}

/// One page of results.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Page<T> {
    pub items: Vec<T>,
    /// Empty when this is the last page.
    pub next_page_token: String,
}

/// A deadline with its status as of the query instant (SPEC D5).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeadlineView {
    pub complaint_id: String,
    pub kind: DeadlineKind,
    pub tier: Tier,
    /// Feedback action id, else empty.
    pub reference: String,
    pub due: DateTime<Utc>,
    pub done: Option<DateTime<Utc>>,
    pub stopped: Option<DateTime<Utc>>,
    pub region: String,
    pub team: String,
    pub to_team: Option<String>,
    pub case_manager: String,
    pub categories: Vec<String>,
    pub status: DeadlineStatus,
}

/// Whose deadlines (SPEC R1).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum DeadlineFilter {
    All,
    Team(String),
    CaseManager(String),
    Tier(Tier),
    /// Complaints currently in this category (C16); a filter over the open-deadline index,
    /// not an index of its own.
    Category(String),
}

/// "At risk or breached now": open deadlines (not done, not stopped as of `as_of`) whose
/// status as of `as_of` is `at_risk` or `breached`, earliest due first. ICE windows (the
/// customer's clock, not staff work) are left out.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AtRiskRequest {
    pub as_of: DateTime<Utc>,
    pub filter: DeadlineFilter,
    pub page_size: u32,
    pub page_token: String,
}

/// "Everything due in `[from, to)`", any state, with status as of `as_of`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DueBetweenRequest {
    pub from: DateTime<Utc>,
    pub to: DateTime<Utc>,
    pub as_of: DateTime<Utc>,
    pub filter: DeadlineFilter,
    pub page_size: u32,
    pub page_token: String,
}

/// SPEC R2/R3 for one period (Europe/London dates, inclusive), optionally one team/tier.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TimelinessRequest {
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub team: Option<String>,
    pub tier: Option<Tier>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct TimelinessReport {
    pub initial_contacts: i64,
    pub initial_contacts_within_48h: i64,
    /// `None` when there were none.
    pub initial_contact_share: Option<f64>,
    pub responses: i64,
    pub responses_within_target: i64,
    pub response_share: Option<f64>,
    /// Outcome name → count of outcomes decided in the period.
    pub outcomes: BTreeMap<String, i64>,
    pub tier1_responses: i64,
    pub tier1_escalated: i64,
    /// Escalated / tier-1 responses in the period.
    pub escalation_rate: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutcomeCount {
    pub category: String,
    pub tier: Tier,
    pub outcome: String,
    pub count: i64,
}

/// SPEC R4.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PaymentsRequest {
    /// Payments recorded (awarded or referred) in `[from, to)`; `None` for all time.
    pub from: Option<DateTime<Utc>>,
    pub to: Option<DateTime<Utc>>,
    pub team: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PaymentTotal {
    /// `actual_financial_loss` or `consolatory`.
    pub kind: String,
    /// `dfa` (case manager within delegated authority), `spt` (Special Payment Team), or
    /// `pending` (awaiting the SPT).
    pub decided_by: String,
    /// `awarded_dfa`, `approved_spt`, `declined_spt` or `pending_spt`.
    pub state: String,
    pub count: i64,
    pub requested_pence: i64,
    pub amount_pence: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct PaymentsReport {
    pub totals: Vec<PaymentTotal>,
    pub pending_spt_count: i64,
    pub pending_spt_requested_pence: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignpostingGap {
    pub complaint_id: String,
    pub tier: Tier,
    pub team: String,
    pub case_manager: String,
    pub outcome_communicated_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IceWindow {
    pub complaint_id: String,
    pub tier: Tier,
    pub team: String,
    pub signposted_at: DateTime<Utc>,
    pub window_ends: DateTime<Utc>,
    pub referred_to_ice_at: Option<DateTime<Utc>>,
    /// The window has not ended as of the query instant.
    pub open: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaseloadEntry {
    pub complaint_id: String,
    pub team: String,
    pub tier: Tier,
    pub case_manager: String,
    pub received_at: DateTime<Utc>,
    pub next_due: Option<DateTime<Utc>>,
    pub next_due_kind: Option<DeadlineKind>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaseManagerLoad {
    pub case_manager: String,
    pub open_cases: i64,
    pub next_due: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FeedbackActionView {
    pub complaint_id: String,
    pub action_id: String,
    pub to_team: String,
    pub tier: Tier,
    pub due: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SafeguardingEntry {
    pub complaint_id: String,
    pub concern_id: String,
    pub team: String,
    pub case_manager: String,
    pub kinds: Vec<String>,
    pub immediate: bool,
    pub escalated_to: Vec<String>,
    pub recorded_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TrendAlert {
    pub alert_id: String,
    pub category: String,
    /// `national` or `local`.
    pub scope: String,
    /// The team of a local alert; empty for national.
    pub team: String,
    pub raised_at: DateTime<Utc>,
    pub expires: DateTime<Utc>,
    pub open: bool,
    pub issue_id: Option<String>,
    pub complaints: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SystemicActionView {
    pub action_id: String,
    pub problem: String,
    pub action: String,
    pub lead: String,
    pub date_added: String,
    pub target_date: String,
    pub progress: Vec<crate::systemic_log::ProgressEntry>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SystemicIssueView {
    pub issue_id: String,
    pub team: String,
    pub scope: String,
    pub scope_team: String,
    pub category: String,
    pub description: String,
    pub from_alert: Option<String>,
    pub status: String,
    pub raised_at: DateTime<Utc>,
    pub resolved_at: Option<DateTime<Utc>>,
    pub resolution: Option<String>,
    pub complaints: Vec<String>,
    pub actions: Vec<SystemicActionView>,
}

/// One event of a complaint's audit trail.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HistoryEntry {
    pub sequence: i64,
    pub event_type: String,
    pub occurred_at: Option<DateTime<Utc>>,
    pub recorded_at: Option<DateTime<Utc>>,
    pub actor_user_id: Option<String>,
    pub actor_role: Option<String>,
    pub actor_team: Option<String>,
    pub command_id: Option<String>,
    /// The event's fields, without personal data.
    pub data: serde_json::Value,
    /// The personal fields, only when requested by an authorised caller; else `None`.
    pub personal: Option<serde_json::Value>,
}

/// The read side: queries over every read model.
#[derive(Debug, Clone)]
pub struct ReadModels {
    reader: Reader,
    policies: Arc<PolicyBook>,
    calendars: Arc<Calendars>,
}

/// The instant below which a due instant is at risk or breached as of `as_of` in a region
/// (SPEC D5): breached is `as_of > due`; at risk is fewer than `n` working days from
/// `as_of`'s date to the deadline's last day. Both reduce to `due < limit`, which lets the
/// query use a range on the `(…, due_us)` indexes.
pub fn at_risk_limit(calendar: &Calendar, as_of: DateTime<Utc>, n: u32) -> DateTime<Utc> {
    let d0 = local_date(as_of);
    let mut d = d0;
    // The first date D with working_days_between(d0, D) >= n: a due whose last day is
    // before D is at risk.
    for _ in 0..4000 {
        if calendar.working_days_between(d0, d) >= i64::from(n) {
            break;
        }
        d = d.succ_opt().unwrap_or(d);
    }
    let start_of_d = d
        .pred_opt()
        .map(end_of_day)
        .unwrap_or_else(|| end_of_day(d) - Duration::days(1));
    // last_day(due) = local_date(due - 1s) < D  <=>  due - 1s < start(D).
    let thr = start_of_d + Duration::seconds(1);
    thr.max(as_of)
}

const DEADLINE_COLS: &str = "complaint_id, kind, tier, reference, due_us, done_us, stopped_us, \
    region, team, to_team, case_manager, categories, id";

impl ReadModels {
    pub fn new(store: Store, policies: Arc<PolicyBook>, calendars: Arc<Calendars>) -> Self {
        Self {
            reader: Reader::new(store),
            policies,
            calendars,
        }
    }

    pub fn reader(&self) -> &Reader {
        &self.reader
    }

    /// Replaces the calendars (after an adjustment, SPEC D7).
    pub fn set_calendars(&mut self, calendars: Arc<Calendars>) {
        self.calendars = calendars;
    }

    fn at_risk_days(&self) -> u32 {
        self.policies.current().response.at_risk_working_days
    }

    fn deadline_view(
        &self,
        r: &Cells,
        as_of: DateTime<Utc>,
    ) -> Result<(DeadlineView, i64, String), ReadError> {
        let region: Region = r[7]
            .text0()
            .parse()
            .map_err(|_| ReadError::Decode(format!("region {}", r[7].text0())))?;
        let due = r[4].time().ok_or_else(|| ReadError::Decode("due".into()))?;
        let done = r[5].time();
        let stopped = r[6].time();
        let status = status_as_of(
            self.calendars.get(region),
            due,
            done,
            stopped,
            self.at_risk_days(),
            as_of,
        );
        let view = DeadlineView {
            complaint_id: r[0].text0(),
            kind: DeadlineKind::parse(&r[1].text0())
                .ok_or_else(|| ReadError::Decode(format!("kind {}", r[1].text0())))?,
            tier: parse_tier(&r[2].text0()).ok_or_else(|| ReadError::Decode("tier".into()))?,
            reference: r[3].text0(),
            due,
            done,
            stopped,
            region: region.as_str().to_string(),
            team: r[8].text0(),
            to_team: r[9].text(),
            case_manager: r[10].text0(),
            categories: serde_json::from_str(&r[11].text0()).unwrap_or_default(),
            status,
        };
        Ok((view, r[4].int0(), r[12].text0()))
    }

    fn filter_sql(filter: &DeadlineFilter, idx: usize) -> (String, Option<SqlValue>) {
        match filter {
            DeadlineFilter::All => (String::new(), None),
            DeadlineFilter::Team(t) => (format!(" AND team = ${idx}"), Some(t.as_str().into())),
            DeadlineFilter::CaseManager(m) => (
                format!(" AND case_manager = ${idx}"),
                Some(m.as_str().into()),
            ),
            DeadlineFilter::Tier(t) => (format!(" AND tier = ${idx}"), Some(tier_str(*t).into())),
            DeadlineFilter::Category(c) => (
                format!(" AND categories LIKE ${idx}"),
                Some(format!("%{}%", serde_json::Value::from(c.as_str())).into()),
            ),
        }
    }

    /// SPEC R1/D5: at risk or breached as of `as_of`; see [`AtRiskRequest`].
    pub async fn deadlines_at_risk(
        &self,
        req: &AtRiskRequest,
    ) -> Result<Page<DeadlineView>, ReadError> {
        let n = self.at_risk_days();
        let limit = row_limit(req.page_size);
        let after = decode_token(&req.page_token)?;
        let t = us(req.as_of);
        let mut params: Vec<SqlValue> = Vec::new();
        let mut region_conds = Vec::new();
        let mut max_limit = i64::MIN;
        for region in Region::ALL {
            let l = us(at_risk_limit(self.calendars.get(region), req.as_of, n));
            max_limit = max_limit.max(l);
            params.push(region.as_str().into());
            params.push(l.into());
            region_conds.push(format!(
                "(region = ${} AND due_us < ${})",
                params.len() - 1,
                params.len()
            ));
        }
        params.push(max_limit.into());
        let max_idx = params.len();
        params.push(t.into());
        let t_idx = params.len();
        let (filter, fp) = Self::filter_sql(&req.filter, params.len() + 1);
        if let Some(v) = fp {
            params.push(v);
        }
        let cursor = match &after {
            Some((due, id)) => {
                params.push((*due).into());
                params.push(id.as_str().into());
                format!(
                    " AND (due_us > ${} OR (due_us = ${} AND id > ${}))",
                    params.len() - 1,
                    params.len() - 1,
                    params.len()
                )
            }
            None => String::new(),
        };
        params.push((limit + 1).into());
        let lim_idx = params.len();
        let common = format!(
            "kind <> 'ice_window' AND due_us < ${max_idx} AND ({}){filter}{cursor}",
            region_conds.join(" OR ")
        );
        // Open rows come from the partial indexes; rows closed after a past `as_of` come
        // from the done/stopped indexes (empty for "now").
        let sql = format!(
            "SELECT {DEADLINE_COLS} FROM (\
               SELECT {DEADLINE_COLS} FROM rm_deadlines \
                 WHERE done_us IS NULL AND stopped_us IS NULL AND {common} \
                 ORDER BY due_us, id LIMIT ${lim_idx}) a \
             UNION ALL \
             SELECT {DEADLINE_COLS} FROM (\
               SELECT {DEADLINE_COLS} FROM rm_deadlines \
                 WHERE (done_us > ${t_idx} OR stopped_us > ${t_idx}) \
                   AND (done_us IS NULL OR done_us > ${t_idx}) \
                   AND (stopped_us IS NULL OR stopped_us > ${t_idx}) AND {common} \
                 ORDER BY due_us, id LIMIT ${lim_idx}) b \
             ORDER BY due_us, id LIMIT ${lim_idx}"
        );
        let rows = self.reader.fetch(&sql, &params).await?;
        let mut items = Vec::new();
        let mut last = None;
        for r in rows.iter().take(limit as usize) {
            let (v, due, id) = self.deadline_view(r, req.as_of)?;
            last = Some((due, id));
            items.push(v);
        }
        let next_page_token = match (rows.len() as i64 > limit, last) {
            (true, Some((due, id))) => encode_token(due, &id),
            _ => String::new(),
        };
        Ok(Page {
            items,
            next_page_token,
        })
    }

    /// SPEC R1: every deadline due in `[from, to)` with its status as of `as_of`.
    pub async fn deadlines_due_between(
        &self,
        req: &DueBetweenRequest,
    ) -> Result<Page<DeadlineView>, ReadError> {
        let limit = row_limit(req.page_size);
        let after = decode_token(&req.page_token)?;
        let mut params: Vec<SqlValue> = vec![us(req.from).into(), us(req.to).into()];
        let (filter, fp) = Self::filter_sql(&req.filter, 3);
        if let Some(v) = fp {
            params.push(v);
        }
        let cursor = match &after {
            Some((due, id)) => {
                params.push((*due).into());
                params.push(id.as_str().into());
                format!(
                    " AND (due_us > ${} OR (due_us = ${} AND id > ${}))",
                    params.len() - 1,
                    params.len() - 1,
                    params.len()
                )
            }
            None => String::new(),
        };
        params.push((limit + 1).into());
        let sql = format!(
            "SELECT {DEADLINE_COLS} FROM rm_deadlines WHERE due_us >= $1 AND due_us < $2{filter}{cursor} \
             ORDER BY due_us, id LIMIT ${}",
            params.len()
        );
        let rows = self.reader.fetch(&sql, &params).await?;
        let mut items = Vec::new();
        let mut last = None;
        for r in rows.iter().take(limit as usize) {
            let (v, due, id) = self.deadline_view(r, req.as_of)?;
            last = Some((due, id));
            items.push(v);
        }
        let next_page_token = match (rows.len() as i64 > limit, last) {
            (true, Some((due, id))) => encode_token(due, &id),
            _ => String::new(),
        };
        Ok(Page {
            items,
            next_page_token,
        })
    }

    /// SPEC R2/R3: timeliness, outcomes and escalation rate for a period.
    pub async fn timeliness(&self, req: &TimelinessRequest) -> Result<TimelinessReport, ReadError> {
        if req.to < req.from {
            return Err(ReadError::InvalidArgument("`to` is before `from`".into()));
        }
        let mut params: Vec<SqlValue> =
            vec![req.from.to_string().into(), req.to.to_string().into()];
        let mut sql = String::from(
            "SELECT metric, CAST(SUM(n) AS BIGINT) FROM rm_timeliness_daily WHERE day >= $1 AND day <= $2",
        );
        if let Some(team) = &req.team {
            params.push(team.as_str().into());
            sql.push_str(&format!(" AND team = ${}", params.len()));
        }
        if let Some(tier) = req.tier {
            params.push(tier_str(tier).into());
            sql.push_str(&format!(" AND tier = ${}", params.len()));
        }
        sql.push_str(" GROUP BY metric");
        let rows = self.reader.fetch(&sql, &params).await?;
        let mut r = TimelinessReport::default();
        for row in rows {
            let metric = row[0].text0();
            let n = row[1].int0();
            match metric.as_str() {
                "ic_total" => r.initial_contacts = n,
                "ic_within" => r.initial_contacts_within_48h = n,
                "resp_total" => r.responses = n,
                "resp_within" => r.responses_within_target = n,
                "t1_responses" => r.tier1_responses = n,
                "t1_escalated" => r.tier1_escalated = n,
                m => {
                    if let Some(o) = m.strip_prefix("outcome:") {
                        if n != 0 {
                            r.outcomes.insert(o.to_string(), n);
                        }
                    }
                }
            }
        }
        let share = |a: i64, b: i64| (b > 0).then(|| a as f64 / b as f64);
        r.initial_contact_share = share(r.initial_contacts_within_48h, r.initial_contacts);
        r.response_share = share(r.responses_within_target, r.responses);
        r.escalation_rate = share(r.tier1_escalated, r.tier1_responses);
        Ok(r)
    }

    /// SPEC R3: outcome counts by category and tier for a period (optionally one team).
    pub async fn outcomes_by_category(
        &self,
        from: NaiveDate,
        to: NaiveDate,
        team: Option<&str>,
    ) -> Result<Vec<OutcomeCount>, ReadError> {
        let mut params: Vec<SqlValue> = vec![from.to_string().into(), to.to_string().into()];
        let mut sql = String::from(
            "SELECT category, tier, outcome, CAST(SUM(n) AS BIGINT) FROM rm_outcomes_by_category \
             WHERE day >= $1 AND day <= $2",
        );
        if let Some(team) = team {
            params.push(team.into());
            sql.push_str(" AND team = $3");
        }
        sql.push_str(" GROUP BY category, tier, outcome ORDER BY category, tier, outcome");
        let mut out = Vec::new();
        for r in self.reader.fetch(&sql, &params).await? {
            let count = r[3].int0();
            if count == 0 {
                continue;
            }
            out.push(OutcomeCount {
                category: r[0].text0(),
                tier: parse_tier(&r[1].text0()).unwrap_or(Tier::Tier1),
                outcome: r[2].text0(),
                count,
            });
        }
        Ok(out)
    }

    /// SPEC R4: totals and counts by kind and decider; pending SPT.
    pub async fn special_payments(
        &self,
        req: &PaymentsRequest,
    ) -> Result<PaymentsReport, ReadError> {
        let mut params: Vec<SqlValue> = Vec::new();
        let mut cond = String::from("1 = 1");
        if let Some(f) = req.from {
            params.push(us(f).into());
            cond.push_str(&format!(" AND recorded_us >= ${}", params.len()));
        }
        if let Some(t) = req.to {
            params.push(us(t).into());
            cond.push_str(&format!(" AND recorded_us < ${}", params.len()));
        }
        if let Some(team) = &req.team {
            params.push(team.as_str().into());
            cond.push_str(&format!(" AND team = ${}", params.len()));
        }
        let sql = format!(
            "SELECT kind, COALESCE(decided_by, 'pending'), state, COUNT(*), \
             CAST(SUM(requested_pence) AS BIGINT), CAST(SUM(amount_pence) AS BIGINT) \
             FROM rm_special_payments WHERE {cond} \
             GROUP BY kind, COALESCE(decided_by, 'pending'), state ORDER BY 1, 2, 3"
        );
        let mut report = PaymentsReport::default();
        for r in self.reader.fetch(&sql, &params).await? {
            let t = PaymentTotal {
                kind: r[0].text0(),
                decided_by: r[1].text0(),
                state: r[2].text0(),
                count: r[3].int0(),
                requested_pence: r[4].int0(),
                amount_pence: r[5].int0(),
            };
            if t.state == "pending_spt" {
                report.pending_spt_count += t.count;
                report.pending_spt_requested_pence += t.requested_pence;
            }
            report.totals.push(t);
        }
        Ok(report)
    }

    /// SPEC R6/C11: outcomes communicated without signposting, oldest first.
    pub async fn signposting_gaps(
        &self,
        team: Option<&str>,
        page_size_req: u32,
        page_token: &str,
    ) -> Result<Page<SignpostingGap>, ReadError> {
        let limit = row_limit(page_size_req);
        let after = decode_token(page_token)?;
        let mut params: Vec<SqlValue> = Vec::new();
        let mut cond =
            String::from("signposted_us IS NULL AND outcome_communicated_us IS NOT NULL");
        if let Some(team) = team {
            params.push(team.into());
            cond.push_str(&format!(" AND team = ${}", params.len()));
        }
        if let Some((at, key)) = &after {
            params.push((*at).into());
            params.push(key.as_str().into());
            let (a, b) = (params.len() - 1, params.len());
            cond.push_str(&format!(
                " AND (outcome_communicated_us > ${a} OR (outcome_communicated_us = ${a} \
                 AND complaint_id || '|' || tier > ${b}))"
            ));
        }
        params.push((limit + 1).into());
        let sql = format!(
            "SELECT complaint_id, tier, team, case_manager, outcome_communicated_us FROM rm_signposting \
             WHERE {cond} ORDER BY outcome_communicated_us, complaint_id || '|' || tier LIMIT ${}",
            params.len()
        );
        let rows = self.reader.fetch(&sql, &params).await?;
        let mut items = Vec::new();
        for r in rows.iter().take(limit as usize) {
            items.push(SignpostingGap {
                complaint_id: r[0].text0(),
                tier: parse_tier(&r[1].text0()).unwrap_or(Tier::Tier1),
                team: r[2].text0(),
                case_manager: r[3].text0(),
                outcome_communicated_at: r[4].time().unwrap_or_default(),
            });
        }
        let next_page_token = match (rows.len() as i64 > limit, items.last()) {
            (true, Some(g)) => encode_token(
                us(g.outcome_communicated_at),
                &format!("{}|{}", g.complaint_id, tier_str(g.tier)),
            ),
            _ => String::new(),
        };
        Ok(Page {
            items,
            next_page_token,
        })
    }

    /// SPEC R6/T3: complaints signposted to ICE with their window, soonest ending first;
    /// `open_only` keeps windows not yet ended as of `as_of`.
    pub async fn ice_windows(
        &self,
        as_of: DateTime<Utc>,
        open_only: bool,
        team: Option<&str>,
    ) -> Result<Vec<IceWindow>, ReadError> {
        let mut params: Vec<SqlValue> = Vec::new();
        let mut cond = String::from("target = 'ice' AND ice_window_ends_us IS NOT NULL");
        if open_only {
            params.push(us(as_of).into());
            cond.push_str(&format!(" AND ice_window_ends_us >= ${}", params.len()));
        }
        if let Some(team) = team {
            params.push(team.into());
            cond.push_str(&format!(" AND team = ${}", params.len()));
        }
        let sql = format!(
            "SELECT complaint_id, tier, team, signposted_us, ice_window_ends_us, referred_to_ice_us \
             FROM rm_signposting WHERE {cond} ORDER BY ice_window_ends_us, complaint_id"
        );
        Ok(self
            .reader
            .fetch(&sql, &params)
            .await?
            .into_iter()
            .map(|r| {
                let ends = r[4].time().unwrap_or_default();
                IceWindow {
                    complaint_id: r[0].text0(),
                    tier: parse_tier(&r[1].text0()).unwrap_or(Tier::Tier2),
                    team: r[2].text0(),
                    signposted_at: r[3].time().unwrap_or_default(),
                    window_ends: ends,
                    referred_to_ice_at: r[5].time(),
                    open: as_of <= ends,
                }
            })
            .collect())
    }

    /// SPEC R7: open cases, optionally of one team and/or case manager, by next deadline.
    pub async fn caseload(
        &self,
        team: Option<&str>,
        case_manager: Option<&str>,
        page_size_req: u32,
        page_token: &str,
    ) -> Result<Page<CaseloadEntry>, ReadError> {
        let limit = row_limit(page_size_req);
        let after = decode_token(page_token)?;
        let mut params: Vec<SqlValue> = Vec::new();
        let mut cond = String::from("1 = 1");
        if let Some(t) = team {
            params.push(t.into());
            cond.push_str(&format!(" AND team = ${}", params.len()));
        }
        if let Some(m) = case_manager {
            params.push(m.into());
            cond.push_str(&format!(" AND case_manager = ${}", params.len()));
        }
        // NULL next deadlines sort last: key COALESCE(next_due_us, i64::MAX).
        let key = "COALESCE(next_due_us, 9223372036854775807)";
        if let Some((at, id)) = &after {
            params.push((*at).into());
            params.push(id.as_str().into());
            let (a, b) = (params.len() - 1, params.len());
            cond.push_str(&format!(
                " AND ({key} > ${a} OR ({key} = ${a} AND complaint_id > ${b}))"
            ));
        }
        params.push((limit + 1).into());
        let sql = format!(
            "SELECT complaint_id, team, tier, case_manager, received_us, next_due_us, next_due_kind, {key} \
             FROM rm_caseload WHERE {cond} ORDER BY {key}, complaint_id LIMIT ${}",
            params.len()
        );
        let rows = self.reader.fetch(&sql, &params).await?;
        let mut items = Vec::new();
        let mut last = None;
        for r in rows.iter().take(limit as usize) {
            last = Some((r[7].int0(), r[0].text0()));
            items.push(CaseloadEntry {
                complaint_id: r[0].text0(),
                team: r[1].text0(),
                tier: parse_tier(&r[2].text0()).unwrap_or(Tier::Tier1),
                case_manager: r[3].text0(),
                received_at: r[4].time().unwrap_or_default(),
                next_due: r[5].time(),
                next_due_kind: r[6].text().and_then(|k| DeadlineKind::parse(&k)),
            });
        }
        let next_page_token = match (rows.len() as i64 > limit, last) {
            (true, Some((due, id))) => encode_token(due, &id),
            _ => String::new(),
        };
        Ok(Page {
            items,
            next_page_token,
        })
    }

    /// SPEC R7: open cases per case manager (optionally one team) with the next deadline.
    pub async fn caseload_by_case_manager(
        &self,
        team: Option<&str>,
    ) -> Result<Vec<CaseManagerLoad>, ReadError> {
        let (cond, params): (&str, Vec<SqlValue>) = match team {
            Some(t) => ("WHERE team = $1", vec![t.into()]),
            None => ("", vec![]),
        };
        let sql = format!(
            "SELECT case_manager, COUNT(*), MIN(next_due_us) FROM rm_caseload {cond} \
             GROUP BY case_manager ORDER BY case_manager"
        );
        Ok(self
            .reader
            .fetch(&sql, &params)
            .await?
            .into_iter()
            .map(|r| CaseManagerLoad {
                case_manager: r[0].text0(),
                open_cases: r[1].int0(),
                next_due: r[2].time(),
            })
            .collect())
    }

    /// SPEC C15/R7: feedback actions unconfirmed and past due as of `as_of`, by the team
    /// that must act.
    pub async fn overdue_feedback_actions(
        &self,
        as_of: DateTime<Utc>,
        to_team: Option<&str>,
    ) -> Result<Vec<FeedbackActionView>, ReadError> {
        let mut params: Vec<SqlValue> = vec![us(as_of).into()];
        let mut cond = String::from("confirmed_us IS NULL AND due_us < $1");
        if let Some(t) = to_team {
            params.push(t.into());
            cond.push_str(" AND to_team = $2");
        }
        let sql = format!(
            "SELECT complaint_id, action_id, to_team, tier, due_us FROM rm_feedback_actions \
             WHERE {cond} ORDER BY to_team, due_us, complaint_id, action_id"
        );
        Ok(self
            .reader
            .fetch(&sql, &params)
            .await?
            .into_iter()
            .map(|r| FeedbackActionView {
                complaint_id: r[0].text0(),
                action_id: r[1].text0(),
                to_team: r[2].text0(),
                tier: parse_tier(&r[3].text0()).unwrap_or(Tier::Tier1),
                due: r[4].time().unwrap_or_default(),
            })
            .collect())
    }

    /// SPEC V1: open safeguarding concerns, immediate first, then oldest.
    pub async fn safeguarding_queue(
        &self,
        team: Option<&str>,
    ) -> Result<Vec<SafeguardingEntry>, ReadError> {
        let (cond, params): (&str, Vec<SqlValue>) = match team {
            Some(t) => (" AND team = $1", vec![t.into()]),
            None => ("", vec![]),
        };
        let sql = format!(
            "SELECT complaint_id, concern_id, team, case_manager, kinds, immediate, escalated_to, \
             recorded_us FROM rm_safeguarding WHERE resolved_us IS NULL{cond} \
             ORDER BY immediate DESC, recorded_us, complaint_id, concern_id"
        );
        Ok(self
            .reader
            .fetch(&sql, &params)
            .await?
            .into_iter()
            .map(|r| SafeguardingEntry {
                complaint_id: r[0].text0(),
                concern_id: r[1].text0(),
                team: r[2].text0(),
                case_manager: r[3].text0(),
                kinds: serde_json::from_str(&r[4].text0()).unwrap_or_default(),
                immediate: r[5].bool().unwrap_or(false),
                escalated_to: serde_json::from_str(&r[6].text0()).unwrap_or_default(),
                recorded_at: r[7].time().unwrap_or_default(),
            })
            .collect())
    }

    /// SPEC S1/R5: trend alerts (open as of `as_of` when `open_only`), with their complaints.
    pub async fn trend_alerts(
        &self,
        as_of: DateTime<Utc>,
        open_only: bool,
        category: Option<&str>,
    ) -> Result<Vec<TrendAlert>, ReadError> {
        let mut params: Vec<SqlValue> = Vec::new();
        let mut cond = String::from("1 = 1");
        if open_only {
            params.push(us(as_of).into());
            cond.push_str(&format!(" AND a.expires_us >= ${}", params.len()));
        }
        if let Some(c) = category {
            params.push(c.into());
            cond.push_str(&format!(" AND a.category = ${}", params.len()));
        }
        let sql = format!(
            "SELECT a.alert_id, a.category, a.scope, a.team, a.raised_at_us, a.expires_us, a.issue_id, \
             m.complaint_id FROM rm_trend_alerts a \
             LEFT JOIN rm_trend_alert_members m ON m.alert_id = a.alert_id \
             WHERE {cond} ORDER BY a.alert_id, m.complaint_id"
        );
        let mut out: Vec<TrendAlert> = Vec::new();
        for r in self.reader.fetch(&sql, &params).await? {
            let id = r[0].text0();
            if out.last().map(|a| &a.alert_id) != Some(&id) {
                let expires = r[5].time().unwrap_or(DateTime::<Utc>::MIN_UTC);
                out.push(TrendAlert {
                    alert_id: id,
                    category: r[1].text0(),
                    scope: r[2].text0(),
                    team: r[3].text0(),
                    raised_at: r[4].time().unwrap_or_default(),
                    expires,
                    open: as_of <= expires,
                    issue_id: r[6].text(),
                    complaints: Vec::new(),
                });
            }
            if let (Some(a), Some(c)) = (out.last_mut(), r[7].text()) {
                a.complaints.push(c);
            }
        }
        Ok(out)
    }

    /// SPEC S2/R5: the Systemic Log (optionally one team's, optionally open only).
    pub async fn systemic_issues(
        &self,
        team: Option<&str>,
        open_only: bool,
    ) -> Result<Vec<SystemicIssueView>, ReadError> {
        let mut params: Vec<SqlValue> = Vec::new();
        let mut cond = String::from("1 = 1");
        if let Some(t) = team {
            params.push(t.into());
            cond.push_str(" AND team = $1");
        }
        if open_only {
            cond.push_str(" AND status = 'open'");
        }
        let rows = self
            .reader
            .fetch(
                &format!(
                    "SELECT issue_id, team, scope, scope_team, category, description, from_alert, status, \
                     raised_us, resolved_us, resolution FROM rm_systemic_issues WHERE {cond} \
                     ORDER BY raised_us, issue_id"
                ),
                &params,
            )
            .await?;
        let mut out = Vec::new();
        for r in rows {
            let issue_id = r[0].text0();
            let complaints = self
                .reader
                .fetch(
                    "SELECT complaint_id FROM rm_systemic_issue_complaints WHERE issue_id = $1 \
                     ORDER BY complaint_id",
                    &[issue_id.as_str().into()],
                )
                .await?
                .into_iter()
                .map(|c| c[0].text0())
                .collect();
            let actions = self
                .reader
                .fetch(
                    "SELECT action_id, problem, action, lead, date_added, target_date, progress \
                     FROM rm_systemic_actions WHERE issue_id = $1 ORDER BY date_added, action_id",
                    &[issue_id.as_str().into()],
                )
                .await?
                .into_iter()
                .map(|a| SystemicActionView {
                    action_id: a[0].text0(),
                    problem: a[1].text0(),
                    action: a[2].text0(),
                    lead: a[3].text0(),
                    date_added: a[4].text0(),
                    target_date: a[5].text0(),
                    progress: serde_json::from_str(&a[6].text0()).unwrap_or_default(),
                })
                .collect();
            out.push(SystemicIssueView {
                issue_id,
                team: r[1].text0(),
                scope: r[2].text0(),
                scope_team: r[3].text0(),
                category: r[4].text0(),
                description: r[5].text0(),
                from_alert: r[6].text(),
                status: r[7].text0(),
                raised_at: r[8].time().unwrap_or_default(),
                resolved_at: r[9].time(),
                resolution: r[10].text(),
                complaints,
                actions,
            });
        }
        Ok(out)
    }

    /// The audit trail of one complaint. `include_personal` must be decided by the caller
    /// from the role (case workers of the case may; `reporting` may not): when false, the
    /// `personal` field of every entry is `None`.
    pub async fn case_history(
        &self,
        complaint_id: &str,
        include_personal: bool,
    ) -> Result<Vec<HistoryEntry>, ReadError> {
        let personal_col = if include_personal { "personal" } else { "NULL" };
        let rows = self
            .reader
            .fetch(
                &format!(
                    "SELECT sequence, event_type, occurred_us, recorded_us, actor_user_id, actor_role, \
                     actor_team, command_id, data, {personal_col} FROM rm_case_history \
                     WHERE complaint_id = $1 ORDER BY sequence"
                ),
                &[complaint_id.into()],
            )
            .await?;
        let mut out = Vec::with_capacity(rows.len());
        for r in rows {
            out.push(HistoryEntry {
                sequence: r[0].int0(),
                event_type: r[1].text0(),
                occurred_at: r[2].time(),
                recorded_at: r[3].time(),
                actor_user_id: r[4].text(),
                actor_role: r[5].text(),
                actor_team: r[6].text(),
                command_id: r[7].text(),
                data: serde_json::from_str(&r[8].text0())
                    .map_err(|e| ReadError::Decode(e.to_string()))?,
                personal: match &r[9] {
                    Cell::Null => None,
                    c => Some(
                        serde_json::from_str(&c.text0())
                            .map_err(|e| ReadError::Decode(e.to_string()))?,
                    ),
                },
            });
        }
        Ok(out)
    }
}

/// Converts a stored instant column.
pub fn instant(v: i64) -> Option<DateTime<Utc>> {
    from_us(v)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn page_tokens_round_trip_and_reject_garbage() {
        let token = encode_token(1_795_390_791_604_219, "c-1|response|tier1|");
        assert_eq!(
            decode_token(&token).expect("valid"),
            Some((1_795_390_791_604_219, "c-1|response|tier1|".to_string()))
        );
        assert_eq!(decode_token("").expect("first page"), None);
        for bad in ["zz", "abc", "6162"] {
            assert!(decode_token(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn page_size_defaults_and_caps() {
        assert_eq!(row_limit(0), 50);
        assert_eq!(row_limit(10), 10);
        assert_eq!(row_limit(1_000_000), 1000);
        assert_eq!(page_size(0, 100, 1000), 100);
        assert_eq!(page_size(5, 100, 1000), 5);
    }
}
