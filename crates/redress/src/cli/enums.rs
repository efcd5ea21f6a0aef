//! Protobuf enums by their command-line names, both ways: `online_form` for
//! `CHANNEL_ONLINE_FORM` when parsing arguments, and back again (or JSON `null`) when
//! printing what the server sent.

use redress_api::pb;
use serde_json::Value;

/// A protobuf enum the CLI names by its lower-case suffix: `CHANNEL_ONLINE_FORM` is
/// `online_form` (`online-form` and any case are accepted too).
pub trait PbEnum: Sized + Copy + TryFrom<i32> + Into<i32> {
    const PREFIX: &'static str;
    fn proto_name(self) -> &'static str;
    fn from_proto_name(name: &str) -> Option<Self>;
}

macro_rules! pb_enums {
    ($($ty:ident => $prefix:literal),* $(,)?) => {$(
        impl PbEnum for pb::$ty {
            const PREFIX: &'static str = $prefix;
            fn proto_name(self) -> &'static str {
                self.as_str_name()
            }
            fn from_proto_name(name: &str) -> Option<Self> {
                Self::from_str_name(name)
            }
        }
    )*};
}

pb_enums! {
    Channel => "CHANNEL_",
    ContactMethod => "CONTACT_METHOD_",
    Region => "REGION_",
    Outcome => "OUTCOME_",
    PaymentKind => "PAYMENT_KIND_",
    PaymentStatus => "PAYMENT_STATUS_",
    EscalationReason => "ESCALATION_REASON_",
    InvestigationStepKind => "INVESTIGATION_STEP_KIND_",
    Tier => "TIER_",
    DeadlineKind => "DEADLINE_KIND_",
    DeadlineStatus => "DEADLINE_STATUS_",
    CaseStatus => "CASE_STATUS_",
    SignpostTarget => "SIGNPOST_TARGET_",
    ComplexNeed => "COMPLEX_NEED_",
}

/// The CLI name of an enum value: `online_form`; regions with hyphens.
fn cli_name<E: PbEnum>(value: E) -> String {
    let name = value
        .proto_name()
        .strip_prefix(E::PREFIX)
        .unwrap_or(value.proto_name())
        .to_ascii_lowercase();
    if E::PREFIX == "REGION_" {
        name.replace('_', "-")
    } else {
        name
    }
}

/// Every accepted name of `E`, for error messages.
fn known_names<E: PbEnum>() -> Vec<String> {
    (1..64)
        .filter_map(|i| E::try_from(i).ok())
        .map(cli_name)
        .collect()
}

/// Parses an enum value by its CLI name; the `unspecified` zero value is refused.
pub fn parse_enum<E: PbEnum>(s: &str) -> Result<E, String> {
    let wanted = format!(
        "{}{}",
        E::PREFIX,
        s.trim().replace('-', "_").to_ascii_uppercase()
    );
    match E::from_proto_name(&wanted) {
        Some(v) if Into::<i32>::into(v) != 0 => Ok(v),
        _ => Err(format!(
            "unknown value {s:?}: use one of {}",
            known_names::<E>().join(", ")
        )),
    }
}

/// The CLI name of a wire value, `-` for unspecified, `unknown(n)` for a value this client
/// does not know (a newer server).
pub fn label<E: PbEnum>(value: i32) -> String {
    match E::try_from(value) {
        Ok(_) if value == 0 => "-".to_owned(),
        Ok(v) => cli_name(v),
        Err(_) => format!("unknown({value})"),
    }
}

/// An enum value for JSON: its CLI name, or null when unspecified.
pub fn enum_json<E: PbEnum>(value: i32) -> Value {
    if value == 0 {
        Value::Null
    } else {
        Value::String(label::<E>(value))
    }
}

/// The lower-case short name of a wire value as the reports print it
/// (`DEADLINE_STATUS_AT_RISK` is `at_risk`, regions keep their underscores):
/// `unspecified` for the zero value, `?` for a value this client does not know.
pub fn short_name<E: PbEnum>(value: i32) -> String {
    let name = E::try_from(value).map(E::proto_name).unwrap_or("?");
    name.strip_prefix(E::PREFIX)
        .unwrap_or(name)
        .to_ascii_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn enum_names_map_to_proto_values() {
        assert_eq!(parse_enum::<pb::Channel>("email"), Ok(pb::Channel::Email));
        assert_eq!(
            parse_enum::<pb::Channel>("online-form"),
            Ok(pb::Channel::OnlineForm)
        );
        assert_eq!(parse_enum::<pb::Channel>("VIA_MP"), Ok(pb::Channel::ViaMp));
        assert_eq!(
            parse_enum::<pb::Region>("england-and-wales"),
            Ok(pb::Region::EnglandAndWales)
        );
        assert_eq!(
            parse_enum::<pb::Outcome>("part_upheld"),
            Ok(pb::Outcome::PartUpheld)
        );
        assert_eq!(
            parse_enum::<pb::PaymentKind>("actual_financial_loss"),
            Ok(pb::PaymentKind::ActualFinancialLoss)
        );
        assert_eq!(
            parse_enum::<pb::EscalationReason>("customer_request"),
            Ok(pb::EscalationReason::CustomerRequest)
        );
        assert_eq!(
            parse_enum::<pb::ContactMethod>("sms"),
            Ok(pb::ContactMethod::Sms)
        );
    }

    #[test]
    fn unknown_and_unspecified_enum_names_are_refused_with_the_choices() {
        let err = parse_enum::<pb::Channel>("pigeon").expect_err("refused");
        assert!(err.contains("phone, letter, email, online_form"), "{err}");
        assert!(parse_enum::<pb::Channel>("unspecified").is_err());
        assert!(parse_enum::<pb::Region>("").is_err());
        let err = parse_enum::<pb::Region>("wales").expect_err("refused");
        assert!(
            err.contains("england-and-wales, scotland, northern-ireland"),
            "{err}"
        );
    }

    #[test]
    fn labels_name_wire_values() {
        assert_eq!(label::<pb::Region>(1), "england-and-wales");
        assert_eq!(label::<pb::Tier>(2), "tier2");
        assert_eq!(label::<pb::Outcome>(0), "-");
        assert_eq!(label::<pb::Outcome>(99), "unknown(99)");
        assert_eq!(enum_json::<pb::Outcome>(0), Value::Null);
    }

    #[test]
    fn short_names_as_the_reports_print_them() {
        assert_eq!(
            short_name::<pb::DeadlineStatus>(pb::DeadlineStatus::AtRisk.into()),
            "at_risk"
        );
        assert_eq!(short_name::<pb::Tier>(2), "tier2");
        assert_eq!(short_name::<pb::Outcome>(0), "unspecified");
        assert_eq!(short_name::<pb::Outcome>(99), "?");
    }
}
