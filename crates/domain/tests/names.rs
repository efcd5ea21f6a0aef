//! Every enum that crosses a boundary has one name per value: `as_str()` is the serde name,
//! `FromStr` takes it back, and an unknown name is refused with the list of valid ones.

use redress_domain::*;
use serde::de::DeserializeOwned;
use serde::Serialize;

fn names_agree<E: NamedEnum + Serialize + DeserializeOwned>() {
    assert!(!E::ALL.is_empty(), "{}: no values", E::WHAT);
    assert_eq!(
        E::ALL.len(),
        E::NAMES.len(),
        "{}: one name per value",
        E::WHAT
    );
    for (i, (&value, &name)) in E::ALL.iter().zip(E::NAMES).enumerate() {
        assert_eq!(value.name(), name, "{}: NAMES in the order of ALL", E::WHAT);
        assert_eq!(
            serde_json::to_value(value).expect("serialises"),
            serde_json::Value::String(name.to_string()),
            "{}: as_str is the serde name of {value:?}",
            E::WHAT
        );
        assert_eq!(
            serde_json::from_value::<E>(serde_json::Value::String(name.to_string()))
                .expect("deserialises"),
            value
        );
        assert_eq!(
            name.parse::<E>(),
            Ok(value),
            "{}: {name} round-trips",
            E::WHAT
        );
        assert_eq!(value.to_string(), name, "{}: Display is the name", E::WHAT);
        assert!(
            !E::ALL[..i].contains(&value) && !E::NAMES[..i].contains(&name),
            "{}: {name} listed twice",
            E::WHAT
        );
    }
    let err = "no_such_name"
        .parse::<E>()
        .expect_err("unknown names are refused");
    assert_eq!(err.what, E::WHAT);
    assert_eq!(err.valid, E::NAMES);
    let message = err.to_string();
    assert!(message.contains("no_such_name"), "{message}");
    for name in E::NAMES {
        assert!(message.contains(name), "{message} lists {name}");
    }
}

#[test]
fn every_named_enum_agrees_with_its_serde_names() {
    names_agree::<Role>();
    names_agree::<Tier>();
    names_agree::<Outcome>();
    names_agree::<PaymentKind>();
    names_agree::<PaymentStatus>();
    names_agree::<Channel>();
    names_agree::<ContactMethod>();
    names_agree::<CaseStatus>();
    names_agree::<InvestigationStepKind>();
    names_agree::<SignpostTarget>();
    names_agree::<EscalationReason>();
    names_agree::<ConcernKind>();
    names_agree::<EscalatedTo>();
    names_agree::<ComplexNeed>();
    names_agree::<ReferralBody>();
    names_agree::<DeadlineStatus>();
    names_agree::<Ladder>();
    names_agree::<ContactHoursMode>();
    names_agree::<CorrespondenceKind>();
    names_agree::<CorrespondenceStage>();
}

#[test]
fn unknown_name_message_lists_the_valid_names() {
    let err = "boss".parse::<Role>().expect_err("not a role");
    assert_eq!(
        err.to_string(),
        "unknown role \"boss\": use crm, crt_manager, ccrt_reviewer, special_payment_team, \
         reporting or admin"
    );
    assert_eq!("tier3".parse::<Tier>().map_err(|e| e.to_string()), {
        Err("unknown tier \"tier3\": use tier1 or tier2".to_string())
    });
}
