//! What the server sent, made readable: times in RFC 3339 and Europe/London wall-clock
//! time, dates, money in pounds, and the dash that stands for nothing.

use std::time::SystemTime;

use chrono::{DateTime, SecondsFormat, Utc};
use redress_api::proto::google::r#type::Date;
use serde_json::Value;

/// An instant from a protobuf timestamp field.
pub fn from_pb_time<T: Copy>(t: &Option<T>) -> Option<DateTime<Utc>>
where
    SystemTime: TryFrom<T>,
{
    t.and_then(|t| SystemTime::try_from(t).ok())
        .map(DateTime::<Utc>::from)
}

/// A protobuf date as `YYYY-MM-DD`.
pub fn date_text(d: &Option<Date>) -> Option<String> {
    d.as_ref()
        .map(|d| format!("{:04}-{:02}-{:02}", d.year, d.month, d.day))
}

/// Europe/London wall-clock time of an instant, e.g. `10:00 BST`. Uses the calendar
/// crate's conversion: an instant is in BST when one hour ahead reads back as itself.
pub fn london(t: DateTime<Utc>) -> String {
    let summer = t.naive_utc() + chrono::Duration::hours(1);
    let (local, zone) = if redress_calendar::london_to_utc(summer) == t {
        (summer, "BST")
    } else {
        (t.naive_utc(), "GMT")
    };
    format!("{} {zone}", local.format("%a %d %b %Y %H:%M"))
}

/// `2025-03-03T09:00:00Z (Mon 03 Mar 2025 09:00 GMT)`.
pub fn when(t: Option<DateTime<Utc>>) -> String {
    match t {
        Some(t) => format!(
            "{} ({})",
            t.to_rfc3339_opts(SecondsFormat::Secs, true),
            london(t)
        ),
        None => "-".to_owned(),
    }
}

/// An instant in RFC 3339, UTC, with as many fraction digits as it needs.
pub fn rfc3339(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::AutoSi, true)
}

/// An instant in RFC 3339 for JSON, `null` for none.
pub fn json_time(t: Option<DateTime<Utc>>) -> Value {
    t.map(|t| Value::String(rfc3339(t))).unwrap_or(Value::Null)
}

/// Pence as pounds: `£50.00`, `-£1.50`.
pub fn pounds(pence: i64) -> String {
    let sign = if pence < 0 { "-" } else { "" };
    let p = pence.unsigned_abs();
    format!("{sign}£{}.{:02}", p / 100, p % 100)
}

/// The text, or `-` when it is empty.
pub fn or_dash(s: &str) -> String {
    if s.is_empty() {
        "-".to_owned()
    } else {
        s.to_owned()
    }
}

pub fn yes_no(b: bool) -> String {
    if b { "yes" } else { "no" }.to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cli::input::{parse_time, pb_time};
    use redress_api::pb;

    #[test]
    fn london_time_follows_bst() {
        let winter = parse_time("2025-01-15T09:00:00Z").expect("parses");
        assert_eq!(london(winter), "Wed 15 Jan 2025 09:00 GMT");
        let summer = parse_time("2025-07-01T09:00:00Z").expect("parses");
        assert_eq!(london(summer), "Tue 01 Jul 2025 10:00 BST");
        // 30 March 2025: clocks go forward at 01:00 UTC.
        let after = parse_time("2025-03-30T01:30:00Z").expect("parses");
        assert_eq!(london(after), "Sun 30 Mar 2025 02:30 BST");
        // 26 October 2025: clocks go back at 01:00 UTC.
        let before = parse_time("2025-10-26T00:30:00Z").expect("parses");
        assert_eq!(london(before), "Sun 26 Oct 2025 01:30 BST");
        let after = parse_time("2025-10-26T01:30:00Z").expect("parses");
        assert_eq!(london(after), "Sun 26 Oct 2025 01:30 GMT");
    }

    #[test]
    fn timestamps_round_trip_through_protobuf() {
        let t = parse_time("2025-03-03T09:00:00.5Z").expect("parses");
        let review = pb::TierReview {
            receive_time: Some(pb_time(t)),
            ..Default::default()
        };
        assert_eq!(from_pb_time(&review.receive_time), Some(t));
        assert_eq!(from_pb_time(&review.response_due_time), None);
    }

    #[test]
    fn money() {
        assert_eq!(pounds(5000), "£50.00");
        assert_eq!(pounds(7), "£0.07");
        assert_eq!(pounds(-150), "-£1.50");
        assert_eq!(pounds(i64::MIN), "-£92233720368547758.08");
    }
}
