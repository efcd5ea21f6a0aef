//! Conversions between protobuf messages and domain values. Every fallible conversion names
//! the request field at fault, so the caller gets a `BadRequest` violation it can act on.

use std::str::FromStr;

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

/// A domain enum and the protobuf enum with the same names: the domain's stable name
/// `online_form` is the protobuf name `CHANNEL_ONLINE_FORM` (prefix `CHANNEL_`). Written
/// for each pair by `pb_enums!`; the names come from the domain (`as_str` out, `FromStr`
/// in), so no list of names is spelled again here.
pub trait PbEnum: Copy {
    /// The protobuf enum's prefix, `CHANNEL_`.
    const PREFIX: &'static str;
    /// The stable name (the domain's `as_str`).
    fn name(self) -> &'static str;
    /// The protobuf number of a full protobuf name, if it has one.
    fn pb_number(pb_name: &str) -> Option<i32>;
    /// The full protobuf name of a number, if it has one.
    fn pb_name(number: i32) -> Option<&'static str>;
}

/// Writes [`PbEnum`] for each `Domain => Pb "PREFIX_"` pair.
macro_rules! pb_enums {
    ($($domain:ty => $pb:ident $prefix:literal;)*) => {$(
        impl PbEnum for $domain {
            const PREFIX: &'static str = $prefix;
            fn name(self) -> &'static str {
                self.as_str()
            }
            fn pb_number(pb_name: &str) -> Option<i32> {
                pb::$pb::from_str_name(pb_name).map(|e| e as i32)
            }
            fn pb_name(number: i32) -> Option<&'static str> {
                pb::$pb::try_from(number).ok().map(|e| e.as_str_name())
            }
        }
    )*};
}

pb_enums! {
    redress_domain::CaseStatus => CaseStatus "CASE_STATUS_";
    redress_domain::Channel => Channel "CHANNEL_";
    redress_domain::ComplexNeed => ComplexNeed "COMPLEX_NEED_";
    redress_domain::ConcernKind => ConcernKind "CONCERN_KIND_";
    redress_domain::ContactMethod => ContactMethod "CONTACT_METHOD_";
    redress_domain::CorrespondenceKind => CorrespondenceKind "CORRESPONDENCE_KIND_";
    redress_domain::CorrespondenceStage => CorrespondenceStage "CORRESPONDENCE_STAGE_";
    redress_domain::DeadlineStatus => DeadlineStatus "DEADLINE_STATUS_";
    redress_domain::EscalatedTo => EscalatedTo "ESCALATED_TO_";
    redress_domain::EscalationReason => EscalationReason "ESCALATION_REASON_";
    redress_domain::InvestigationStepKind => InvestigationStepKind "INVESTIGATION_STEP_KIND_";
    redress_domain::Outcome => Outcome "OUTCOME_";
    redress_domain::PaymentKind => PaymentKind "PAYMENT_KIND_";
    redress_domain::PaymentStatus => PaymentStatus "PAYMENT_STATUS_";
    redress_domain::ReferralBody => ReferralBody "REFERRAL_BODY_";
    redress_domain::SignpostTarget => SignpostTarget "SIGNPOST_TARGET_";
    redress_domain::Tier => Tier "TIER_";
    redress_projections::DeadlineKind => DeadlineKind "DEADLINE_KIND_";
}

/// A protobuf enum field to the domain value with the same name. The zero `..._UNSPECIFIED`
/// value and unknown numbers are refused naming the field.
pub fn enum_in<T: PbEnum + FromStr>(value: i32, field: &str) -> Result<T, Status> {
    let name = T::pb_name(value)
        .ok_or_else(|| invalid_argument(field, format!("{field} has an unknown value")))?;
    let short = name.strip_prefix(T::PREFIX).unwrap_or(name);
    if short == "UNSPECIFIED" {
        return Err(invalid_argument(field, format!("{field} is required")));
    }
    short
        .to_ascii_lowercase()
        .parse()
        .map_err(|_| invalid_argument(field, format!("{field} {name} is not accepted here")))
}

/// An optional protobuf enum field: unset (0) is `None`.
pub fn optional_enum_in<T: PbEnum + FromStr>(value: i32, field: &str) -> Result<Option<T>, Status> {
    if value == 0 {
        return Ok(None);
    }
    enum_in(value, field).map(Some)
}

/// Every element of a repeated protobuf enum field.
pub fn enums_in<T: PbEnum + FromStr>(values: &[i32], field: &str) -> Result<Vec<T>, Status> {
    values.iter().map(|v| enum_in(*v, field)).collect()
}

/// A domain value to the protobuf enum number with the same name.
pub fn enum_out<T: PbEnum>(value: T) -> i32 {
    name_out::<T>(value.name())
}

/// A stable name (as read models store it) to the protobuf number of `T`'s value with that
/// name; 0 when there is none.
pub fn name_out<T: PbEnum>(name: &str) -> i32 {
    T::pb_number(&format!("{}{}", T::PREFIX, name.to_ascii_uppercase())).unwrap_or(0)
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
    use redress_domain::{Channel, NamedEnum};

    #[test]
    fn enums_convert_by_name_both_ways() {
        let c: Result<Channel, _> = enum_in(pb::Channel::OnlineForm as i32, "channel");
        assert_eq!(c.ok(), Some(Channel::OnlineForm));
        let unspecified: Result<Channel, _> = enum_in(0, "channel");
        assert!(unspecified.is_err());
        let unknown: Result<Channel, _> = enum_in(99, "channel");
        assert!(unknown.is_err());
        assert_eq!(enum_out(Channel::ViaMp), pb::Channel::ViaMp as i32);
    }

    /// Every value of every domain enum the API carries converts to the protobuf value of
    /// the same name and back; the only values without one are those listed (the state of a
    /// case before it is received, which no stored case is in), so a name added on one side
    /// only is caught here.
    #[test]
    fn every_domain_value_has_its_protobuf_value() {
        fn both_ways<T: PbEnum + NamedEnum>(missing: &mut Vec<String>) {
            for value in T::ALL {
                let number = enum_out(*value);
                if number == 0 {
                    missing.push(format!("{} {value}", T::WHAT));
                    continue;
                }
                let back: Result<T, _> = enum_in(number, "field");
                assert_eq!(back.ok(), Some(*value), "{} {value}", T::WHAT);
            }
        }
        let mut missing = Vec::new();
        both_ways::<redress_domain::CaseStatus>(&mut missing);
        both_ways::<Channel>(&mut missing);
        both_ways::<redress_domain::ComplexNeed>(&mut missing);
        both_ways::<redress_domain::ConcernKind>(&mut missing);
        both_ways::<redress_domain::ContactMethod>(&mut missing);
        both_ways::<redress_domain::CorrespondenceKind>(&mut missing);
        both_ways::<redress_domain::CorrespondenceStage>(&mut missing);
        both_ways::<redress_domain::DeadlineStatus>(&mut missing);
        both_ways::<redress_domain::EscalatedTo>(&mut missing);
        both_ways::<redress_domain::EscalationReason>(&mut missing);
        both_ways::<redress_domain::InvestigationStepKind>(&mut missing);
        both_ways::<redress_domain::Outcome>(&mut missing);
        both_ways::<redress_domain::PaymentKind>(&mut missing);
        both_ways::<redress_domain::PaymentStatus>(&mut missing);
        both_ways::<redress_domain::ReferralBody>(&mut missing);
        both_ways::<redress_domain::SignpostTarget>(&mut missing);
        both_ways::<redress_domain::Tier>(&mut missing);
        assert_eq!(missing, ["case status new", "correspondence stage new"]);
        assert_eq!(
            name_out::<redress_domain::Outcome>("part_upheld"),
            pb::Outcome::PartUpheld as i32
        );
        assert_eq!(name_out::<redress_domain::Outcome>("no_such_outcome"), 0);
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
