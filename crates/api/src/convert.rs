//! Conversions between protobuf messages and domain values. Every fallible conversion names
//! the request field at fault, so the caller gets a `BadRequest` violation it can act on.

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use redress_calendar::Region;
use tonic::Status;

use crate::pb;
use crate::proto::google::r#type::Date;
use crate::status::invalid_argument;

pub fn region(value: i32, field: &str) -> Result<Region, Status> {
    match pb::Region::try_from(value) {
        Ok(pb::Region::EnglandAndWales) => Ok(Region::EnglandAndWales),
        Ok(pb::Region::Scotland) => Ok(Region::Scotland),
        Ok(pb::Region::NorthernIreland) => Ok(Region::NorthernIreland),
        Ok(pb::Region::Unspecified) => Err(invalid_argument(field, format!("{field} is required"))),
        Err(_) => Err(invalid_argument(
            field,
            format!("{field} {value} is not a known region"),
        )),
    }
}

pub fn region_to_pb(region: Region) -> pb::Region {
    match region {
        Region::EnglandAndWales => pb::Region::EnglandAndWales,
        Region::Scotland => pb::Region::Scotland,
        Region::NorthernIreland => pb::Region::NorthernIreland,
    }
}

pub fn date(value: Option<Date>, field: &str) -> Result<NaiveDate, Status> {
    let d = value.ok_or_else(|| invalid_argument(field, format!("{field} is required")))?;
    u32::try_from(d.month)
        .ok()
        .zip(u32::try_from(d.day).ok())
        .and_then(|(m, day)| NaiveDate::from_ymd_opt(d.year, m, day))
        .ok_or_else(|| {
            invalid_argument(
                field,
                format!("{field} {}-{}-{} is not a date", d.year, d.month, d.day),
            )
        })
}

pub fn date_to_pb(d: NaiveDate) -> Date {
    Date {
        year: d.year(),
        month: d.month() as i32,
        day: d.day() as i32,
    }
}

pub fn timestamp(
    value: Option<prost_types::Timestamp>,
    field: &str,
) -> Result<DateTime<Utc>, Status> {
    let t = value.ok_or_else(|| invalid_argument(field, format!("{field} is required")))?;
    u32::try_from(t.nanos)
        .ok()
        .and_then(|n| DateTime::from_timestamp(t.seconds, n))
        .ok_or_else(|| invalid_argument(field, format!("{field} is not a valid timestamp")))
}

pub fn timestamp_to_pb(t: DateTime<Utc>) -> prost_types::Timestamp {
    prost_types::Timestamp {
        seconds: t.timestamp(),
        nanos: t.timestamp_subsec_nanos() as i32,
    }
}

/// A protobuf enum value to the domain enum with the same names: `CHANNEL_ONLINE_FORM`
/// (prefix `CHANNEL_`) becomes the serde name `online_form`. The zero `..._UNSPECIFIED`
/// value and unknown numbers are refused naming the field.
pub fn enum_from_pb<T: serde::de::DeserializeOwned>(
    pb_name: Option<&'static str>,
    prefix: &str,
    field: &str,
) -> Result<T, Status> {
    let name =
        pb_name.ok_or_else(|| invalid_argument(field, format!("{field} has an unknown value")))?;
    let short = name.strip_prefix(prefix).unwrap_or(name);
    if short == "UNSPECIFIED" {
        return Err(invalid_argument(field, format!("{field} is required")));
    }
    serde_json::from_value(serde_json::Value::String(short.to_ascii_lowercase()))
        .map_err(|_| invalid_argument(field, format!("{field} {name} is not accepted here")))
}

/// A domain enum to the protobuf enum number with the same name (0 when it has none).
pub fn enum_to_pb<T: serde::Serialize>(
    value: &T,
    prefix: &str,
    from_name: fn(&str) -> Option<i32>,
) -> i32 {
    match serde_json::to_value(value) {
        Ok(serde_json::Value::String(s)) => {
            from_name(&format!("{prefix}{}", s.to_ascii_uppercase())).unwrap_or(0)
        }
        _ => 0,
    }
}

/// Converts a protobuf enum field; `$pb` is the generated enum type.
#[macro_export]
macro_rules! pb_enum_in {
    ($pb:ty, $prefix:literal, $value:expr, $field:literal) => {
        $crate::convert::enum_from_pb(
            <$pb>::try_from($value).ok().map(|e| e.as_str_name()),
            $prefix,
            $field,
        )
    };
}

/// Converts a domain enum to a protobuf enum number; `$pb` is the generated enum type.
#[macro_export]
macro_rules! pb_enum_out {
    ($pb:ty, $prefix:literal, $value:expr) => {
        $crate::convert::enum_to_pb(&$value, $prefix, |n| {
            <$pb>::from_str_name(n).map(|e| e as i32)
        })
    };
}

/// A required, length-limited text field.
pub fn text(value: String, field: &str) -> Result<String, Status> {
    if value.trim().is_empty() {
        return Err(invalid_argument(field, format!("{field} is required")));
    }
    Ok(value)
}

/// An optional text field: empty means absent.
pub fn optional_text(value: String) -> Option<String> {
    if value.trim().is_empty() {
        None
    } else {
        Some(value)
    }
}

/// An optional timestamp: absent means `default`.
pub fn timestamp_or(
    value: Option<prost_types::Timestamp>,
    default: DateTime<Utc>,
    field: &str,
) -> Result<DateTime<Utc>, Status> {
    match value {
        None => Ok(default),
        some => timestamp(some, field),
    }
}

/// Pence from the wire: positive, or refused.
pub fn pence(value: i64, field: &str) -> Result<u64, Status> {
    u64::try_from(value).ok().filter(|v| *v > 0).ok_or_else(|| {
        invalid_argument(
            field,
            format!("{field} must be a positive whole number of pence"),
        )
    })
}

/// The id in a resource name `{collection}/{id}`.
pub fn resource_id<'a>(name: &'a str, collection: &str, field: &str) -> Result<&'a str, Status> {
    let id = name
        .strip_prefix(collection)
        .and_then(|rest| rest.strip_prefix('/'))
        .ok_or_else(|| {
            invalid_argument(field, format!("{field} must look like {collection}/{{id}}"))
        })?;
    valid_id(id, field)?;
    Ok(id)
}

/// Client-chosen ids: 1-64 characters of letters, digits, `-` and `_`.
pub fn valid_id<'a>(id: &'a str, field: &str) -> Result<&'a str, Status> {
    let ok = !id.is_empty()
        && id.len() <= 64
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    if ok {
        Ok(id)
    } else {
        Err(invalid_argument(
            field,
            format!("{field} must be 1-64 letters, digits, '-' or '_'"),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use redress_domain::Channel;

    #[test]
    fn enums_convert_by_name_both_ways() {
        let c: Result<Channel, _> = pb_enum_in!(
            pb::Channel,
            "CHANNEL_",
            pb::Channel::OnlineForm as i32,
            "channel"
        );
        assert_eq!(c.ok(), Some(Channel::OnlineForm));
        let unspecified: Result<Channel, _> = pb_enum_in!(pb::Channel, "CHANNEL_", 0, "channel");
        assert!(unspecified.is_err());
        let unknown: Result<Channel, _> = pb_enum_in!(pb::Channel, "CHANNEL_", 99, "channel");
        assert!(unknown.is_err());
        assert_eq!(
            pb_enum_out!(pb::Channel, "CHANNEL_", Channel::ViaMp),
            pb::Channel::ViaMp as i32
        );
    }

    #[test]
    fn ids_and_names() {
        assert_eq!(
            resource_id("complaints/c-1", "complaints", "name").ok(),
            Some("c-1")
        );
        assert!(resource_id("complaint/c-1", "complaints", "name").is_err());
        assert!(resource_id("complaints/../x", "complaints", "name").is_err());
        assert!(pence(-5, "amount_pence").is_err());
        assert!(pence(0, "amount_pence").is_err());
    }
}
