//! What a person types, made ready for the wire: times and dates, complaint names, and the
//! idempotency key every mutation carries.

use std::collections::hash_map::RandomState;
use std::hash::{BuildHasher, Hasher};
use std::time::SystemTime;

use chrono::{DateTime, NaiveDate, Utc};
use redress_api::proto::google::r#type::Date;

/// An RFC 3339 instant, e.g. `2025-03-03T09:00:00Z` or `2025-03-03T09:00:00+01:00`.
pub fn parse_time(s: &str) -> Result<DateTime<Utc>, String> {
    DateTime::parse_from_rfc3339(s.trim())
        .map(|t| t.with_timezone(&Utc))
        .map_err(|e| format!("{s:?} is not an RFC 3339 time like 2025-03-03T09:00:00Z ({e})"))
}

/// A calendar date, `YYYY-MM-DD`.
pub fn parse_date(s: &str) -> Result<NaiveDate, String> {
    NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d")
        .map_err(|_| format!("{s:?} is not a date like 2025-04-30"))
}

/// `complaints/{id}` from an id or a name.
pub fn resource_name(id: &str) -> String {
    let id = id.trim();
    if id.starts_with("complaints/") {
        id.to_owned()
    } else {
        format!("complaints/{id}")
    }
}

/// A fresh idempotency key in UUID v4 form, from the standard library's randomly keyed
/// hasher (seeded from the OS), the clock and the process id.
pub fn fresh_request_id() -> String {
    let now = SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0);
    let word = |salt: u64| {
        let mut h = RandomState::new().build_hasher();
        h.write_u128(now);
        h.write_u32(std::process::id());
        h.write_u64(salt);
        h.finish()
    };
    let bits = (u128::from(word(1)) << 64) | u128::from(word(2));
    // Version 4, RFC 4122 variant.
    let bits = (bits & !(0xF << 76)) | (0x4 << 76);
    let bits = (bits & !(0x3 << 62)) | (0x2 << 62);
    let hex = format!("{bits:032x}");
    format!(
        "{}-{}-{}-{}-{}",
        &hex[0..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..32]
    )
}

/// The request id given, else a fresh one.
pub fn request_id(given: &Option<String>) -> String {
    given.clone().unwrap_or_else(fresh_request_id)
}

/// A protobuf timestamp (whatever the generated field's type) from an instant.
pub fn pb_time<T: From<SystemTime>>(t: DateTime<Utc>) -> T {
    T::from(SystemTime::from(t))
}

/// A protobuf date from a calendar date.
pub fn pb_date(d: NaiveDate) -> Date {
    use chrono::Datelike;
    Date {
        year: d.year(),
        month: d.month() as i32,
        day: d.day() as i32,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cli::format::rfc3339;

    #[test]
    fn dates_and_times() {
        assert_eq!(
            parse_date("2025-04-30"),
            NaiveDate::from_ymd_opt(2025, 4, 30).ok_or(String::new())
        );
        assert!(parse_date("2025-02-30").is_err());
        assert!(parse_date("30/04/2025").is_err());
        let t = parse_time("2025-07-01T10:00:00+01:00").expect("parses");
        assert_eq!(rfc3339(t), "2025-07-01T09:00:00Z");
        assert!(parse_time("2025-07-01").is_err());
        assert!(parse_time("yesterday").is_err());
    }

    #[test]
    fn complaint_names() {
        assert_eq!(resource_name("C-1"), "complaints/C-1");
        assert_eq!(resource_name("complaints/C-1"), "complaints/C-1");
    }

    #[test]
    fn request_ids_are_fresh_uuid_v4() {
        let a = fresh_request_id();
        let b = fresh_request_id();
        assert_ne!(a, b);
        assert_eq!(a.len(), 36);
        assert_eq!(&a[14..15], "4");
        assert!(matches!(&a[19..20], "8" | "9" | "a" | "b"), "{a}");
        assert_eq!(a.matches('-').count(), 4);
        assert_eq!(request_id(&Some("retry-1".into())), "retry-1");
    }
}
