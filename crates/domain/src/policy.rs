//! The SLA policy (SPEC D8): one versioned document holding every target, limit, window and
//! threshold, so no rule hard-codes a number. The default ships inside the crate
//! (`policy/default.toml`); operators may load their own with [`Policy::from_toml_str`].
//! A [`PolicyBook`] keeps every version in force, because a complaint is judged by the
//! policy it was received under even after a newer one is published.

use std::collections::BTreeMap;
use std::sync::Arc;

use serde::{Deserialize, Serialize};
use thiserror::Error;

/// The policy compiled into the crate.
pub const DEFAULT_POLICY_TOML: &str = include_str!("../policy/default.toml");

crate::named_enum! {
    /// How the 48-hour initial-contact target counts hours (SPEC D1).
    pub enum ContactHoursMode as "contact hours mode" {
        /// Only working days consume hours (the default).
        WorkingHours = "working_hours",
        /// Plain clock hours.
        Clock = "clock",
    }
}

crate::named_enum! {
    /// The escalation ladder (SPEC T4).
    pub enum Ladder as "ladder" {
        /// CRT, then CCRT, then ICE.
        TwoTier = "two_tier",
        /// One internal response, then ICE.
        SingleTier = "single_tier",
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InitialContactPolicy {
    pub hours: u32,
    pub mode: ContactHoursMode,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ResponsePolicy {
    pub tier1_working_days: u32,
    pub tier2_working_days: u32,
    pub tier2_pos_working_days: u32,
    pub at_risk_working_days: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FeedbackPolicy {
    pub simple_working_days: u32,
    pub complex_working_days: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IcePolicy {
    pub window_months: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DfaPolicy {
    pub actual_financial_loss_pence: u64,
    pub consolatory_pence: u64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TrendPolicy {
    pub window_months: u32,
    pub threshold: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClockPausePolicy {
    pub enabled: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CorrespondencePolicy {
    pub target_working_days: u32,
}

/// Length limits for free text and lists (characters / entries).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Limits {
    pub id: usize,
    pub short_text: usize,
    pub long_text: usize,
    pub list_items: usize,
}

/// One version of the SLA policy.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Policy {
    pub version: String,
    pub ladder: Ladder,
    pub categories: Vec<String>,
    pub initial_contact: InitialContactPolicy,
    pub response: ResponsePolicy,
    pub feedback: FeedbackPolicy,
    pub ice: IcePolicy,
    pub dfa: DfaPolicy,
    pub trend: TrendPolicy,
    pub clock_pause: ClockPausePolicy,
    pub correspondence: CorrespondencePolicy,
    pub limits: Limits,
}

/// Why a policy file was refused.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum PolicyError {
    #[error("policy file is not valid: {0}")]
    Parse(String),
    #[error("policy `{field}` must be greater than zero")]
    Zero { field: &'static str },
    #[error("policy `version` must not be empty")]
    EmptyVersion,
    #[error("policy `categories` must list at least one category")]
    EmptyTaxonomy,
    #[error("policy category `{0}` must be lower snake_case (a-z, 0-9, _)")]
    BadCategory(String),
    #[error("policy category `{0}` is listed twice")]
    DuplicateCategory(String),
    #[error("policy `response.at_risk_working_days` ({at_risk}) must be less than the shortest response target ({shortest})")]
    AtRiskTooLong { at_risk: u32, shortest: u32 },
    #[error(
        "policy `feedback.complex_working_days` must be at least `feedback.simple_working_days`"
    )]
    FeedbackOrder,
    #[error("policy book has no version `{0}`")]
    UnknownVersion(String),
    #[error("policy version `{0}` is loaded twice")]
    DuplicateVersion(String),
}

impl Policy {
    /// Parses and validates an operator's policy file.
    pub fn from_toml_str(text: &str) -> Result<Policy, PolicyError> {
        let policy: Policy = toml::from_str(text).map_err(|e| PolicyError::Parse(e.to_string()))?;
        policy.validate()?;
        Ok(policy)
    }

    /// The policy shipped with the crate.
    pub fn default_policy() -> Policy {
        // The shipped file is checked by a unit test; failing here is a build defect.
        #[allow(clippy::expect_used)]
        Policy::from_toml_str(DEFAULT_POLICY_TOML).expect("the shipped default policy is valid")
    }

    /// Checks the values a parser cannot: non-zero targets and thresholds, a usable taxonomy.
    pub fn validate(&self) -> Result<(), PolicyError> {
        if self.version.trim().is_empty() {
            return Err(PolicyError::EmptyVersion);
        }
        let nonzero: [(&'static str, u64); 18] = [
            ("initial_contact.hours", self.initial_contact.hours.into()),
            (
                "response.tier1_working_days",
                self.response.tier1_working_days.into(),
            ),
            (
                "response.tier2_working_days",
                self.response.tier2_working_days.into(),
            ),
            (
                "response.tier2_pos_working_days",
                self.response.tier2_pos_working_days.into(),
            ),
            (
                "response.at_risk_working_days",
                self.response.at_risk_working_days.into(),
            ),
            (
                "feedback.simple_working_days",
                self.feedback.simple_working_days.into(),
            ),
            (
                "feedback.complex_working_days",
                self.feedback.complex_working_days.into(),
            ),
            ("ice.window_months", self.ice.window_months.into()),
            (
                "dfa.actual_financial_loss_pence",
                self.dfa.actual_financial_loss_pence,
            ),
            ("dfa.consolatory_pence", self.dfa.consolatory_pence),
            ("trend.window_months", self.trend.window_months.into()),
            ("trend.threshold", self.trend.threshold.into()),
            (
                "correspondence.target_working_days",
                self.correspondence.target_working_days.into(),
            ),
            ("limits.id", self.limits.id as u64),
            ("limits.short_text", self.limits.short_text as u64),
            ("limits.long_text", self.limits.long_text as u64),
            ("limits.list_items", self.limits.list_items as u64),
            ("categories", self.categories.len() as u64),
        ];
        for (field, value) in nonzero {
            if value == 0 {
                return Err(if field == "categories" {
                    PolicyError::EmptyTaxonomy
                } else {
                    PolicyError::Zero { field }
                });
            }
        }
        let mut seen = std::collections::BTreeSet::new();
        for c in &self.categories {
            let ok = !c.is_empty()
                && c.chars()
                    .all(|ch| ch.is_ascii_lowercase() || ch.is_ascii_digit() || ch == '_');
            if !ok {
                return Err(PolicyError::BadCategory(c.clone()));
            }
            if !seen.insert(c) {
                return Err(PolicyError::DuplicateCategory(c.clone()));
            }
        }
        let shortest = self
            .response
            .tier1_working_days
            .min(self.response.tier2_working_days)
            .min(self.response.tier2_pos_working_days);
        if self.response.at_risk_working_days >= shortest {
            return Err(PolicyError::AtRiskTooLong {
                at_risk: self.response.at_risk_working_days,
                shortest,
            });
        }
        if self.feedback.complex_working_days < self.feedback.simple_working_days {
            return Err(PolicyError::FeedbackOrder);
        }
        Ok(())
    }

    pub fn has_category(&self, category: &str) -> bool {
        self.categories.iter().any(|c| c == category)
    }
}

/// Every policy version in force, and which one new cases are received under.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PolicyBook {
    versions: BTreeMap<String, Arc<Policy>>,
    current: String,
}

impl PolicyBook {
    /// A book of the given (already validated) policies; `current` names the version that
    /// new complaints are received under.
    pub fn new(policies: Vec<Policy>, current: &str) -> Result<PolicyBook, PolicyError> {
        let mut versions = BTreeMap::new();
        for p in policies {
            let v = p.version.clone();
            if versions.insert(v.clone(), Arc::new(p)).is_some() {
                return Err(PolicyError::DuplicateVersion(v));
            }
        }
        if !versions.contains_key(current) {
            return Err(PolicyError::UnknownVersion(current.to_string()));
        }
        Ok(PolicyBook {
            versions,
            current: current.to_string(),
        })
    }

    /// A book holding only the shipped default policy.
    pub fn single(policy: Policy) -> PolicyBook {
        let current = policy.version.clone();
        let mut versions = BTreeMap::new();
        versions.insert(current.clone(), Arc::new(policy));
        PolicyBook { versions, current }
    }

    pub fn current(&self) -> &Arc<Policy> {
        // `new`/`single` guarantee the current version is present.
        #[allow(clippy::expect_used)]
        self.versions
            .get(&self.current)
            .expect("current policy version is always present")
    }

    pub fn current_version(&self) -> &str {
        &self.current
    }

    pub fn get(&self, version: &str) -> Option<&Arc<Policy>> {
        self.versions.get(version)
    }
}

impl Default for PolicyBook {
    fn default() -> Self {
        PolicyBook::single(Policy::default_policy())
    }
}
