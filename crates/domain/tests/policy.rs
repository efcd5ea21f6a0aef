//! SPEC D8: the policy file. The shipped default loads; invalid files are refused with a
//! message that names the problem.

use redress_domain::{
    ContactHoursMode, Ladder, Policy, PolicyBook, PolicyError, DEFAULT_POLICY_TOML,
};

#[test]
fn d8_default_policy_loads_with_the_spec_values() {
    let p = Policy::from_toml_str(DEFAULT_POLICY_TOML).expect("default policy is valid");
    assert_eq!(p.version, "2026.1");
    assert_eq!(p.ladder, Ladder::TwoTier);
    assert_eq!(p.initial_contact.hours, 48);
    assert_eq!(p.initial_contact.mode, ContactHoursMode::WorkingHours);
    assert_eq!(p.response.tier1_working_days, 15);
    assert_eq!(p.response.tier2_working_days, 15);
    assert_eq!(p.response.tier2_pos_working_days, 20);
    assert_eq!(p.response.at_risk_working_days, 3);
    assert_eq!(p.feedback.simple_working_days, 5);
    assert_eq!(p.feedback.complex_working_days, 10);
    assert_eq!(p.ice.window_months, 6);
    assert_eq!(p.dfa.actual_financial_loss_pence, 25000);
    assert_eq!(p.dfa.consolatory_pence, 10000);
    assert_eq!(p.trend.window_months, 1);
    assert_eq!(p.trend.threshold, 3);
    assert!(!p.clock_pause.enabled);
    assert_eq!(p.correspondence.target_working_days, 20);
    assert!(p.has_category("staff_behaviour"));
    assert_eq!(Policy::default_policy(), p);
}

fn edited(from: &str, to: &str) -> Result<Policy, PolicyError> {
    assert!(
        DEFAULT_POLICY_TOML.contains(from),
        "test edit `{from}` must match the default file"
    );
    Policy::from_toml_str(&DEFAULT_POLICY_TOML.replacen(from, to, 1))
}

#[test]
fn d8_unknown_keys_are_refused() {
    let err = edited("threshold = 3", "threshold = 3\nthreshhold = 4").expect_err("typo refused");
    assert!(
        matches!(&err, PolicyError::Parse(m) if m.contains("threshhold")),
        "{err}"
    );
    let err = edited("[limits]", "[limitz]").expect_err("unknown table refused");
    assert!(err.to_string().contains("limitz"), "{err}");
}

#[test]
fn d8_zero_thresholds_and_targets_are_refused() {
    assert_eq!(
        edited("threshold = 3", "threshold = 0"),
        Err(PolicyError::Zero {
            field: "trend.threshold"
        })
    );
    assert_eq!(
        edited("tier1_working_days = 15", "tier1_working_days = 0"),
        Err(PolicyError::Zero {
            field: "response.tier1_working_days"
        })
    );
    assert_eq!(
        edited("consolatory_pence = 10000", "consolatory_pence = 0"),
        Err(PolicyError::Zero {
            field: "dfa.consolatory_pence"
        })
    );
    let err = edited("hours = 48", "hours = 0").expect_err("zero hours");
    assert_eq!(
        err.to_string(),
        "policy `initial_contact.hours` must be greater than zero"
    );
}

#[test]
fn d8_taxonomy_must_be_non_empty_well_formed_and_distinct() {
    let start = DEFAULT_POLICY_TOML
        .find("categories = [")
        .expect("categories");
    let end = start + DEFAULT_POLICY_TOML[start..].find(']').expect("end") + 1;
    let with = |list: &str| {
        let mut text = DEFAULT_POLICY_TOML.to_string();
        text.replace_range(start..end, &format!("categories = [{list}]"));
        Policy::from_toml_str(&text)
    };
    assert_eq!(with(""), Err(PolicyError::EmptyTaxonomy));
    assert_eq!(
        with("\"Payment Delay\""),
        Err(PolicyError::BadCategory("Payment Delay".into()))
    );
    assert_eq!(
        with("\"decision\", \"decision\""),
        Err(PolicyError::DuplicateCategory("decision".into()))
    );
    assert!(with("\"decision\"").is_ok());
}

#[test]
fn d8_wrong_types_missing_keys_and_bad_enums_are_refused() {
    assert!(matches!(
        edited("mode = \"working_hours\"", "mode = \"sometimes\""),
        Err(PolicyError::Parse(_))
    ));
    assert!(matches!(
        edited("ladder = \"two_tier\"", "ladder = \"three_tier\""),
        Err(PolicyError::Parse(_))
    ));
    assert!(matches!(
        edited("window_months = 6", "window_months = \"six\""),
        Err(PolicyError::Parse(_))
    ));
    assert!(matches!(
        edited("[clock_pause]\n", "[clock_pause]\n# none\n")
            .and_then(|_| edited("enabled = false", "")),
        Err(PolicyError::Parse(_))
    ));
    assert!(matches!(
        Policy::from_toml_str("not toml at all ["),
        Err(PolicyError::Parse(_))
    ));
    assert_eq!(
        edited("version = \"2026.1\"", "version = \" \""),
        Err(PolicyError::EmptyVersion)
    );
}

#[test]
fn d8_cross_field_checks() {
    assert_eq!(
        edited("at_risk_working_days = 3", "at_risk_working_days = 15"),
        Err(PolicyError::AtRiskTooLong {
            at_risk: 15,
            shortest: 15
        })
    );
    assert_eq!(
        edited("complex_working_days = 10", "complex_working_days = 4"),
        Err(PolicyError::FeedbackOrder)
    );
}

#[test]
fn d8_single_tier_ladder_and_clock_mode_are_selectable_without_code_changes() {
    let p = edited("ladder = \"two_tier\"", "ladder = \"single_tier\"").expect("valid");
    assert_eq!(p.ladder, Ladder::SingleTier);
    let p = edited("mode = \"working_hours\"", "mode = \"clock\"").expect("valid");
    assert_eq!(p.initial_contact.mode, ContactHoursMode::Clock);
}

#[test]
fn d8_policy_book_keeps_every_version_and_names_the_current_one() {
    let a = Policy::default_policy();
    let mut b = Policy::default_policy();
    b.version = "2027.1".into();
    let book = PolicyBook::new(vec![a.clone(), b.clone()], "2027.1").expect("book");
    assert_eq!(book.current_version(), "2027.1");
    assert_eq!(book.get("2026.1").map(|p| p.as_ref()), Some(&a));
    assert_eq!(
        PolicyBook::new(vec![a.clone()], "2030.1"),
        Err(PolicyError::UnknownVersion("2030.1".into()))
    );
    assert_eq!(
        PolicyBook::new(vec![a.clone(), a], "2026.1"),
        Err(PolicyError::DuplicateVersion("2026.1".into()))
    );
}
