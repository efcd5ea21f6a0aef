//! A complaint and its history as a person reads them (text) and as a script reads them
//! (JSON: enum values by their CLI names, times in RFC 3339). The case and each tier's clock
//! are key/value text; its lists (payments, feedback actions, safeguarding concerns,
//! referrals, representatives) and the history are [`Rows`], built once for both outputs.

use chrono::{DateTime, SecondsFormat, Utc};
use redress_api::pb;
use serde_json::{json, Value};

use crate::cli::enums::{enum_json, label};
use crate::cli::format::{date_text, from_pb_time, json_time, london, or_dash, when};
use crate::cli::rows::{Cell, Column, Rows};
use crate::cli::table::fields;

/// The complaint as a person reads it: the case, each tier's clock, payments.
pub fn complaint_text(c: &pb::Complaint) -> String {
    complaint_text_at(c, Utc::now())
}

/// [`complaint_text`] with deadlines judged against `now`.
pub fn complaint_text_at(c: &pb::Complaint, now: DateTime<Utc>) -> String {
    let mut out = fields(&case_fields(c));
    let case_open = c.status == i32::from(pb::CaseStatus::Open);
    for (i, t) in c.tiers.iter().enumerate() {
        // Only the open case's current tier still awaits its deadlines.
        let live =
            (case_open && !t.resolved_at_first_contact && i + 1 == c.tiers.len()).then_some(now);
        out.push('\n');
        out.push_str(&format!("{}\n", label::<pb::Tier>(t.tier)));
        out.push_str(&fields(&tier_fields(t, live)));
    }
    for section in sections(c) {
        if !section.rows.is_empty() {
            out.push_str(&format!("\n{}\n", section.title));
            out.push_str(&section.rows.text());
        }
    }
    out
}

/// The case itself: who, what, where, and the complainant's contact details.
fn case_fields(c: &pb::Complaint) -> Vec<(&'static str, String)> {
    let id = c.name.strip_prefix("complaints/").unwrap_or(&c.name);
    let current_tier = c
        .tiers
        .last()
        .map(|t| label::<pb::Tier>(t.tier))
        .unwrap_or_else(|| "-".to_owned());
    let mut pairs = vec![
        ("complaint", id.to_owned()),
        ("status", label::<pb::CaseStatus>(c.status)),
        ("tier", current_tier),
        ("team", or_dash(&c.team)),
        ("region", label::<pb::Region>(c.region)),
        ("categories", or_dash(&c.categories.join(", "))),
        ("case manager", or_dash(&c.case_manager)),
        ("received", when(from_pb_time(&c.receive_time))),
        ("flags", or_dash(&flag_names(&c.flags).join(", "))),
    ];
    if let Some(p) = &c.complainant {
        pairs.push(("complainant", complainant_text(p)));
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
    pairs
}

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

/// The name, the contact details given, and how they prefer to be contacted; one a line.
fn complainant_text(p: &pb::ComplainantDetails) -> String {
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
    contact.join("\n")
}

/// One tier's clock: received, deadlines and where they stand, plan, outcome, issues.
/// `live` is now while the tier still awaits its deadlines (see [`due`]).
fn tier_fields(t: &pb::TierReview, live: Option<DateTime<Utc>>) -> Vec<(&'static str, String)> {
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
    rows
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

/// One of the complaint's lists: a titled table in the text, a list under `key` in JSON.
#[derive(Debug)]
struct Section {
    title: &'static str,
    key: &'static str,
    rows: Rows,
}

fn sections(c: &pb::Complaint) -> [Section; 5] {
    [
        Section {
            title: "special payments",
            key: "special_payments",
            rows: special_payments(c),
        },
        Section {
            title: "feedback actions",
            key: "feedback_actions",
            rows: feedback_actions(c),
        },
        Section {
            title: "safeguarding concerns",
            key: "safeguarding_concerns",
            rows: safeguarding_concerns(c),
        },
        Section {
            title: "referrals",
            key: "referrals",
            rows: referrals(c),
        },
        Section {
            title: "representatives",
            key: "representatives",
            rows: representatives(c),
        },
    ]
}

fn special_payments(c: &pb::Complaint) -> Rows {
    let mut rows = Rows::new([
        Column::new("payment_id", "ID"),
        Column::new("kind", "KIND"),
        Column::new("requested_pence", "REQUESTED"),
        Column::new("amount_pence", "AMOUNT"),
        Column::new("status", "STATUS"),
        Column::new("tier", "TIER"),
    ]);
    for p in &c.special_payments {
        rows.push([
            Cell::text(&p.payment_id),
            Cell::label::<pb::PaymentKind>(p.kind),
            Cell::money(p.requested_pence),
            Cell::money(p.amount_pence),
            Cell::label::<pb::PaymentStatus>(p.status),
            Cell::label::<pb::Tier>(p.tier),
        ]);
    }
    rows
}

fn feedback_actions(c: &pb::Complaint) -> Rows {
    let mut rows = Rows::new([
        Column::new("action_id", "ID"),
        Column::new("to_team", "TO TEAM"),
        Column::new("due_time", "DUE"),
        Column::new("confirm_time", "CONFIRMED"),
    ]);
    for f in &c.feedback_actions {
        rows.push([
            Cell::text(&f.action_id),
            Cell::text(&f.to_team),
            Cell::time(from_pb_time(&f.due_time)),
            Cell::time(from_pb_time(&f.confirm_time)),
        ]);
    }
    rows
}

fn safeguarding_concerns(c: &pb::Complaint) -> Rows {
    let mut rows = Rows::new([
        Column::new("concern_id", "ID"),
        Column::new("immediate", "IMMEDIATE"),
        Column::new("open", "OPEN"),
    ]);
    for s in &c.safeguarding_concerns {
        rows.push([
            Cell::text(&s.concern_id),
            Cell::yes_no(s.immediate),
            Cell::yes_no(s.open),
        ]);
    }
    rows
}

fn referrals(c: &pb::Complaint) -> Rows {
    let mut rows = Rows::new([
        Column::new("body", "BODY"),
        Column::new("reference", "REFERENCE"),
        Column::new("result", "RESULT"),
    ]);
    for r in &c.referrals {
        let body = pb::ReferralBody::try_from(r.body);
        // JSON has always named any known value (and null for one this client does not
        // know); the table only the two bodies there are.
        let json = body
            .map(|b| {
                b.as_str_name()
                    .trim_start_matches("REFERRAL_BODY_")
                    .to_ascii_lowercase()
            })
            .ok();
        let text = match body {
            Ok(pb::ReferralBody::Ice) => "ice".to_owned(),
            Ok(pb::ReferralBody::Phso) => "phso".to_owned(),
            _ => format!("unknown({})", r.body),
        };
        rows.push([
            Cell::json(json.into()).shown_as(text),
            Cell::text(&r.reference),
            Cell::text(&r.result).shown_as(or_dash(&r.result)),
        ]);
    }
    rows
}

fn representatives(c: &pb::Complaint) -> Rows {
    let mut rows = Rows::new([
        Column::new("representative_id", "ID"),
        Column::new("organisation", "ORGANISATION"),
        Column::new("consent_scope", "CONSENT"),
        Column::new("consent_active", "ACTIVE"),
    ]);
    for r in &c.representatives {
        rows.push([
            Cell::text(&r.representative_id),
            Cell::text(&r.organisation),
            Cell::text(&r.consent_scope),
            Cell::yes_no(r.consent_active),
        ]);
    }
    rows
}

/// The complaint as JSON for scripts: enum values by their CLI names, times in RFC 3339.
pub fn complaint_json(c: &pb::Complaint) -> Value {
    let flags = c.flags.unwrap_or_default();
    let mut j = json!({
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
        "tiers": c.tiers.iter().map(tier_json).collect::<Vec<_>>(),
        "complex_needs": c.complex_needs.iter().map(|n| label::<pb::ComplexNeed>(*n)).collect::<Vec<_>>(),
        "ice_window_end_time": json_time(from_pb_time(&c.ice_window_end_time)),
        "complainant": c.complainant.as_ref().map(|p| json!({
            "display_name": p.display_name,
            "address": p.address,
            "email": p.email,
            "phone": p.phone,
            "preferred_contact": enum_json::<pb::ContactMethod>(p.preferred_contact),
        })),
    });
    for section in sections(c) {
        j[section.key] = section.rows.items_json();
    }
    j
}

fn tier_json(t: &pb::TierReview) -> Value {
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
}

/// The audit trail: who did what, when. The table shows the occurrence in Europe/London
/// and the actor in one column; JSON keeps the actor's fields apart and adds the event's
/// data.
pub fn history_rows(entries: Vec<pb::ComplaintHistoryEntry>) -> Rows {
    let mut rows = Rows::new([
        Column::new("sequence", "SEQ"),
        Column::new("occur_time", "OCCURRED (London)"),
        Column::new("record_time", "RECORDED (UTC)"),
        Column::new("event_type", "EVENT"),
        Column::text("BY"),
        Column::json("actor_user_id"),
        Column::json("actor_role"),
        Column::json("actor_team"),
        Column::json("data"),
    ]);
    for e in entries {
        let occurred = from_pb_time(&e.occur_time);
        let recorded = from_pb_time(&e.record_time);
        let data = serde_json::from_str::<Value>(&e.data_json)
            .unwrap_or_else(|_| Value::String(e.data_json.clone()));
        rows.push([
            Cell::number(e.sequence),
            Cell::time(occurred).shown_as(occurred.map(london).unwrap_or_else(|| "-".into())),
            Cell::time(recorded).shown_as(
                recorded
                    .map(|t| t.to_rfc3339_opts(SecondsFormat::Secs, true))
                    .unwrap_or_else(|| "-".into()),
            ),
            Cell::text(&e.event_type),
            Cell::text(format!(
                "{} ({}, {})",
                e.actor_user_id, e.actor_role, e.actor_team
            )),
            Cell::text(e.actor_user_id),
            Cell::text(e.actor_role),
            Cell::text(e.actor_team),
            Cell::json(data),
        ]);
    }
    rows
}

/// The history as a table, saying so when there is nothing in it.
pub fn history_text(rows: &Rows) -> String {
    let mut out = rows.text();
    if rows.is_empty() {
        out.push_str("(no events)\n");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cli::input::{parse_time, pb_time};

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
