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
